/**
 * The command line of `npm run bench -- [NAME...] [--sizes 10,20,30] [--minutes M] [--quiet S,S]`: which benchmarks
 * to run, and the settings of those that take any (scale: swarm sizes; soak: minutes).
 */
import { parseArgs } from 'node:util'

export interface BenchArgs {
  /** benchmark names; none means all */
  names: string[]
  help: boolean
  /** scale: the swarm sizes to run */
  sizes?: number[]
  /** soak: how long to run */
  minutes?: number
  /** startup: the quiet periods (ms) before a node restarts into a settled office */
  quietMs?: number[]
}

/** Usage lines for the options, under the list of benchmarks. */
export const BENCH_OPTIONS_USAGE = [
  'options:',
  '  --sizes N,N,...  scale: swarm sizes (default 10,20,30)',
  '  --minutes M      soak: minutes of traffic and churn (default 2)',
  '  --quiet S,S,...  startup: seconds of quiet before a node restarts into a settled office (default 150,600)'
]

/** Parse the arguments after `npm run bench --`; throws RangeError on a bad value. */
export function parseBenchArgs (args: string[]): BenchArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      sizes: { type: 'string' },
      minutes: { type: 'string' },
      quiet: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const parsed: BenchArgs = { names: positionals, help: values.help }
  if (values.sizes !== undefined) {
    const sizes = values.sizes.split(',').map(Number)
    if (sizes.length === 0 || sizes.some(n => !Number.isInteger(n) || n < 2 || n > 1000)) {
      throw new RangeError(`--sizes takes whole numbers from 2 to 1000, separated by commas: ${values.sizes}`)
    }
    parsed.sizes = sizes
  }
  if (values.minutes !== undefined) {
    const minutes = Number(values.minutes)
    if (!(minutes > 0 && minutes <= 60)) throw new RangeError(`--minutes takes a number above 0 and at most 60: ${values.minutes}`)
    parsed.minutes = minutes
  }
  if (values.quiet !== undefined) {
    const quiet = values.quiet.split(',').map(Number)
    if (quiet.some(n => !(n >= 0 && n <= 3600))) throw new RangeError(`--quiet takes seconds from 0 to 3600, separated by commas: ${values.quiet}`)
    parsed.quietMs = quiet.map(n => n * 1000)
  }
  return parsed
}

/** For the runner: the parsed arguments, or a one-line error on stderr and exit code 2. */
export function benchArgsOrExit (args: string[]): BenchArgs {
  try {
    return parseBenchArgs(args)
  } catch (err) {
    console.error(`${(err as Error).message}\n(npm run bench -- --help lists the benchmarks and options)`)
    process.exit(2)
  }
}
