/**
 * `npm run bench [-- NAME...]`: run every benchmark (or those named), print a table for each and
 * write bench/results/latest.json with the machine it ran on.
 *
 * Most benchmarks need network namespaces (root): see ../../shared/NETWORK-TESTING.md; those that run
 * on loopback in this process (`needsNetns: false`) do not. The run has a hard time limit; whatever
 * happens, every process it started is killed by pid and every namespace removed.
 */
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { netnsAvailable } from '../test/helpers/netns.js'
import { BENCH_OPTIONS_USAGE, benchArgsOrExit } from './bench-options.js'
import { CATCHUP_EXTRA_MS, catchupBenchmark } from './catchup.js'
import { deliveryBenchmark } from './delivery.js'
import { filesBenchmark } from './files.js'
import { BenchAbortedError, NetnsUnavailableError } from './errors.js'
import { scaleBenchmark } from './scale.js'
import { searchBenchmark } from './search.js'
import { soakBenchmark } from './soak.js'
import { startupBenchmark } from './startup.js'
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './benchmark.js'

const ARGS = benchArgsOrExit(process.argv.slice(2))
/** A benchmark as registered; `limitMs`: a long one's own time limit, added to the run's when selected. */
type Registered = Benchmark & { limitMs?: number }
const BENCHMARKS: Registered[] = [
  deliveryBenchmark, { ...catchupBenchmark, limitMs: CATCHUP_EXTRA_MS }, filesBenchmark, startupBenchmark({ quietMs: ARGS.quietMs }), searchBenchmark, scaleBenchmark({ sizes: ARGS.sizes }), soakBenchmark({ minutes: ARGS.minutes })
]
/** The whole run, all benchmarks; past it everything is torn down and the run fails. */
const OVERALL_LIMIT_MS = 170_000
/** Compiled to build/bench/run.js; results go to the source tree's bench/results. */
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url))

function usage (): string {
  return [
    'usage: npm run bench [-- NAME...] [--sizes N,N,...] [--minutes M] [--quiet S,S,...]',
    '',
    'benchmarks:',
    ...BENCHMARKS.map(b => `  ${b.name.padEnd(12)} ${b.description}`),
    '',
    ...BENCH_OPTIONS_USAGE
  ].join('\n')
}

function selectBenchmarks (args: string[]): Registered[] {
  if (args.length === 0) return BENCHMARKS
  return args.map((name) => {
    const found = BENCHMARKS.find(b => b.name === name)
    if (found === undefined) throw new RangeError(`no benchmark named "${name}"\n\n${usage()}`)
    return found
  })
}

/** Facts about the machine that change what the figures mean. */
async function machineInfo (workDir: string): Promise<Record<string, unknown>> {
  const cpuList = cpus()
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    kernel: release(),
    loadAverageAtStart: loadavg().map(x => Math.round(x * 100) / 100),
    // parley fsyncs every message it sends, so where its data lives shapes the burst figure
    dataDirFilesystem: filesystemName((await statfs(workDir)).type)
  }
}

function filesystemName (type: number): string {
  const known: Record<number, string> = {
    0x01021994: 'tmpfs', 0xef53: 'ext2/3/4', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs', 0x2fc12fc1: 'zfs'
  }
  return known[type] ?? `0x${type.toString(16)}`
}

/** A fixed-width table: figure | parley | baseline (bare gossipsub unless named) | ratio. */
export function formatTable (figures: Figure[], baseline = 'bare gossipsub'): string {
  const number = (x: number): string => x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(2)
  const rows = [
    ['figure', 'parley', baseline, 'ratio'],
    ...figures.map(f => [`${f.figure} (${f.unit})`, number(f.parley), number(f.bare), `${f.ratio.toFixed(2)}x`])
  ]
  const widths = [0, 1, 2, 3].map(c => Math.max(...rows.map(r => r[c]!.length)))
  const line = (r: string[]): string => r.map((cell, c) => c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)).join(' | ')
  return [line(rows[0]!), widths.map(w => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n')
}

async function main (args: string[]): Promise<number> {
  if (ARGS.help) {
    console.log(usage())
    return 0
  }
  const selected = selectBenchmarks(args)
  const support = selected.some(b => b.needsNetns !== false) ? await netnsAvailable() : { ok: true as const }
  if (!support.ok) {
    const err = new NetnsUnavailableError(`network namespaces are unavailable (${support.why})`)
    console.error(`\n!!! BENCH NOT RUN: ${err.message}.\n!!! The benchmarks need their own hosts; run them as root (see NETWORK-TESTING.md).\n`)
    return 1
  }

  const workDir = await mkdtemp(join(tmpdir(), 'parley-bench-'))
  const cleanups: Array<() => Promise<void>> = []
  let cleaning: Promise<void> | undefined
  const cleanup = async (): Promise<void> => {
    cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn()
        } catch (err) {
          console.error(`cleanup step failed: ${(err as Error).message}`)
        }
      }
      await rm(workDir, { recursive: true, force: true })
    })()
    return cleaning
  }
  let aborted = false
  const abort = (why: string): void => {
    aborted = true
    console.error(`\n!!! ${new BenchAbortedError(why).message}; tearing down`)
    void cleanup().finally(() => { process.exit(1) })
  }
  const limitMs = OVERALL_LIMIT_MS + selected.reduce((ms, b) => ms + (b.limitMs ?? 0), 0)
  const hardLimit = setTimeout(() => { abort(`the run went over its limit of ${limitMs / 1000} s`) }, limitMs)
  const onSignal = (signal: NodeJS.Signals): void => { abort(`interrupted by ${signal}`) }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  const ctx: BenchContext = {
    workDir,
    log: (line) => { console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`) },
    defer: (fn) => { cleanups.push(fn) }
  }
  try {
    const machine = await machineInfo(workDir)
    const results: Record<string, BenchOutcome> = {}
    for (const benchmark of selected) {
      ctx.log(`${benchmark.name}: ${benchmark.description}`)
      const started = Date.now()
      results[benchmark.name] = await benchmark.run(ctx)
      ctx.log(`${benchmark.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      const outcome = results[benchmark.name]!
      const notes = (outcome.notes ?? []).map(n => `  ${n}\n`).join('')
      console.log(`\n${benchmark.name}\n${formatTable(outcome.figures, benchmark.baseline)}\n${notes}`)
    }
    await mkdir(RESULTS_DIR, { recursive: true })
    const file = join(RESULTS_DIR, 'latest.json')
    await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine, benchmarks: results }, null, 2) + '\n')
    console.log(`results written to ${file}`)
    return 0
  } catch (err) {
    const e = err as Error
    // after an abort, steps fail because their agents were killed: the abort message said why
    if (!aborted) console.error(`\n!!! BENCH FAILED: ${e.name}: ${e.message}`)
    return 1
  } finally {
    await cleanup()
    clearTimeout(hardLimit)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

// exit explicitly: after a failure, time limits of abandoned waits would keep the process alive
process.exit(await main(ARGS.names).catch((err: unknown) => {
  console.error((err as Error).message)
  return 2
}))
