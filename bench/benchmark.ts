/**
 * What a benchmark is to the runner: a name, a run function, and the figures it returns.
 */

/** One row of the printed table: the same figure for parley and for its baseline. */
export interface Figure {
  figure: string
  unit: string
  parley: number
  bare: number
  /** parley / bare */
  ratio: number
}

/** What a benchmark returns: the table rows, and everything else for the JSON file. */
export interface BenchOutcome {
  figures: Figure[]
  /** lines printed under the table and kept in the JSON: a target and whether it was met, memory */
  notes?: string[]
  details: unknown
}

/** What the runner gives a benchmark. */
export interface BenchContext {
  /** a scratch directory of this run, removed at the end */
  workDir: string
  /** a progress line on stderr */
  log: (line: string) => void
  /** run this at the end of the run, even when it fails or hits the hard limit (last in, first out) */
  defer: (cleanup: () => Promise<void>) => void
}

export interface Benchmark {
  name: string
  description: string
  /** what the `bare` column measures, for the table header (default: bare gossipsub) */
  baseline?: string
  /** false for a benchmark that runs on loopback in the runner's process (default: it needs namespaces) */
  needsNetns?: boolean
  run: (ctx: BenchContext) => Promise<BenchOutcome>
}

/** A figure row with its ratio. */
export function figure (name: string, unit: string, parley: number, bare: number): Figure {
  return { figure: name, unit, parley, bare, ratio: Math.round((parley / bare) * 1000) / 1000 }
}
