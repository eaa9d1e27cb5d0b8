/**
 * The search benchmark: query latency over a full-text index of 1,000,000 messages, beside a plain
 * LevelDB range read of as many keys as a query returns, from the same database, in the same run.
 *
 * One process, no network. The index is the node's own (EntryLog's SearchIndex, in a fresh log in
 * the run's scratch dir); messages are made up, not signed entries, and go in through the index's
 * own `add()` in large batches, as the node indexes what it stores. The made-up office: 5 teams of
 * different sizes, 40 authors, a year of history; message words drawn from a Zipf distribution over
 * a vocabulary of 50,000 (a few real common words first), so a few words are in most messages and
 * most words in a handful.
 *
 * One message in 20 mentions a ticket number ("ticket 48213"), so that there are rare terms shorter than
 * a common one.
 *
 * Queries, 50 hits at most as the node's search() defaults to, each class several different queries
 * repeated: one common term, one rare term, two terms (medium and medium; common and rare; a common
 * word and a ticket number), a common or medium term within one team, and a term since a day ago
 * (where fewer hits than the limit fall in that day). They run as node.search() runs them: all five
 * teams (or the one asked for), the limit, `since` handed to the index.
 *
 * The target (issue #8): p95 ≤ 50 ms for each class. Also reported: how long the build took and the
 * index's size on disk, and a linear scan of 1,000 messages for the same words (what a node without an
 * index would do per 1,000 messages it holds).
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { terms } from '../src/search/tokenize.js'
import { Level } from 'level'
import { SearchIndex } from '../src/store/search-index.js'
import { figure } from './benchmark.js'
import { BenchTimeoutError } from './errors.js'
import { summarise } from './stats.js'
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './benchmark.js'
import type { LatencySummary } from './stats.js'
import type { IndexedText } from '../src/store/search-index.js'
import type { AbstractSublevel } from 'abstract-level'

type Sub = AbstractSublevel<Level<string, string>, string | Buffer | Uint8Array, string, string>

export interface SearchBenchConfig {
  messages: number
  /** team names and their shares of the messages */
  teams: Array<[string, number]>
  authors: number
  /** distinct words, and the Zipf exponent of their use */
  vocabulary: number
  zipfExponent: number
  /** words per message, uniformly in this range */
  wordsPerMessage: [number, number]
  /** the share of messages that mention a ticket, and how many ticket numbers there are */
  ticketShare: number
  tickets: number
  /** the history spans this many days up to now */
  spanDays: number
  /** messages per index batch */
  batchMessages: number
  /** hits per query, as node.search() defaults to */
  limit: number
  /** times each query runs; the figure is over all runs of all queries of a class */
  repeats: number
  targetP95Ms: number
  limits: { buildMs: number, queriesMs: number }
}

export const SEARCH_CONFIG: SearchBenchConfig = {
  messages: 1_000_000,
  teams: [['general', 0.4], ['dev', 0.25], ['ops', 0.15], ['sales', 0.1], ['hr', 0.1]],
  authors: 40,
  vocabulary: 50_000,
  zipfExponent: 1,
  wordsPerMessage: [4, 14],
  ticketShare: 0.05,
  tickets: 60_000,
  spanDays: 365,
  batchMessages: 5_000,
  limit: 50,
  repeats: 10,
  targetP95Ms: 50,
  limits: { buildMs: 200_000, queriesMs: 60_000 }
}

const SEARCH_LIMIT_MS = SEARCH_CONFIG.limits.buildMs + SEARCH_CONFIG.limits.queriesMs + 30_000
const DAY_MS = 86_400_000
/** The most common words of an office chat, most common first; the rest of the vocabulary is made up. */
const COMMON_WORDS = [
  'the', 'to', 'is', 'and', 'it', 'on', 'for', 'we', 'in', 'can', 'meeting', 'build', 'today', 'thanks', 'printer',
  'release', 'lunch', 'deploy', 'review', 'customer', 'server', 'invoice', 'report', 'office', 'floor', 'coffee',
  'tomorrow', 'friday', 'budget', 'ticket', 'laptop', 'call', 'client', 'design', 'backup', 'holiday', 'schedule'
]

const TICKET_RANK = COMMON_WORDS.indexOf('ticket')
/** The lowest ticket number: tickets have four or five digits, shorter than the word "ticket". */
const TICKET_BASE = 1_000

/** The summary of one class of queries. */
export interface QueryClassResult {
  name: string
  /** the queries of the class, with the postings of each term and the hits the query returned */
  queries: Array<{ query: string, team?: string, sinceDays?: number, postings: number[], hits: number }>
  latencyMs: LatencySummary
  p95Ms: number
  met: boolean
}

/** The search benchmark, for the runner. */
export const searchBenchmark: Benchmark & { limitMs: number } = {
  name: 'search',
  description: 'search latency p50/p95 over an index of 1,000,000 messages, beside a LevelDB range read of as many keys',
  baseline: `LevelDB read of ${SEARCH_CONFIG.limit} keys`,
  needsNetns: false,
  limitMs: SEARCH_LIMIT_MS,
  run: async (ctx) => runSearch(ctx, SEARCH_CONFIG)
}

/** A small fast seeded PRNG (mulberry32), so every run indexes the same messages. */
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'pe', 'si', 'da', 'gu', 'fa', 'ho', 'bi', 'zu', 'ye']

/** The word of a vocabulary rank (0 = most common): a real word first, then made-up ones. */
function wordOf (rank: number): string {
  if (rank < COMMON_WORDS.length) return COMMON_WORDS[rank]!
  let word = ''
  for (let n = rank; word.length === 0 || n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length]
  // a final consonant keeps the stemmer from folding made-up words together
  return word + 'x'
}

/** Draws vocabulary ranks by a Zipf distribution. */
class ZipfWords {
  private readonly cumulative: Float64Array
  constructor (size: number, exponent: number, private readonly next: () => number) {
    this.cumulative = new Float64Array(size)
    let sum = 0
    for (let r = 0; r < size; r++) {
      sum += 1 / (r + 1) ** exponent
      this.cumulative[r] = sum
    }
    for (let r = 0; r < size; r++) this.cumulative[r]! /= sum
  }

  rank (): number {
    const x = this.next()
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** A number as parley's keys write it: zero-padded hex, so that byte order is numeric order. */
function pad (n: number): string {
  return n.toString(16).padStart(14, '0')
}

/** The database as EntryLog lays it out (the index in sublevel `s`), and each message's time beside it. */
interface Store {
  db: Level<string, string>
  index: SearchIndex
  /** the index's sublevel, for the baseline's range reads */
  indexSub: Sub
}

/** What the build made, for the queries. */
interface Corpus {
  /** messages holding each vocabulary rank, per team and over all */
  postings: Map<string, Uint32Array>
  total: Uint32Array
  /** a sample of message texts for the linear scan */
  sample: string[]
  /** ticket numbers that some messages mention, with the word "ticket" */
  tickets: number[]
  /** messages that mention each ticket, from TICKET_BASE */
  ticketMentions: Uint32Array
  now: number
  buildSeconds: number
  messagesPerSecond: number
  postingsWritten: number
}

/** Index `config.messages` made-up messages, in batches through the index's own API. */
async function buildIndex (ctx: BenchContext, store: Store, config: SearchBenchConfig): Promise<Corpus> {
  const { index } = store
  const next = random(8)
  const zipf = new ZipfWords(config.vocabulary, config.zipfExponent, next)
  const authors = Array.from({ length: config.authors }, (_, i) => `12D3KooW${String(i).padStart(4, '0')}${'a'.repeat(40)}`)
  const postings = new Map(config.teams.map(([team]) => [team, new Uint32Array(config.vocabulary)]))
  const total = new Uint32Array(config.vocabulary)
  const lamports = new Map(config.teams.map(([team]) => [team, 0]))
  const seqs = new Map<string, number>()
  const sample: string[] = []
  const tickets: number[] = []
  const ticketMentions = new Uint32Array(config.tickets)
  const now = Date.now()
  const first = now - config.spanDays * DAY_MS
  const step = (config.spanDays * DAY_MS) / config.messages
  let postingsWritten = 0
  const started = performance.now()
  const deadline = started + config.limits.buildMs
  for (let done = 0; done < config.messages;) {
    if (performance.now() > deadline) throw new BenchTimeoutError(`search: only ${done.toLocaleString('en')} of ${config.messages.toLocaleString('en')} messages indexed within ${config.limits.buildMs / 1000} s`)
    const items: IndexedText[] = []
    for (let i = 0; i < config.batchMessages && done < config.messages; i++, done++) {
      let pick = next()
      const [team] = config.teams.find(([, share]) => (pick -= share) < 0) ?? config.teams[0]!
      const author = authors[Math.floor(next() * authors.length)]!
      const seq = (seqs.get(`${team}:${author}`) ?? 0) + 1
      seqs.set(`${team}:${author}`, seq)
      const lamport = lamports.get(team)! + 1
      lamports.set(team, lamport)
      const [min, max] = config.wordsPerMessage
      const count = min + Math.floor(next() * (max - min + 1))
      const ranks = new Set<number>()
      const words: string[] = []
      for (let w = 0; w < count; w++) {
        const rank = zipf.rank()
        words.push(wordOf(rank))
        ranks.add(rank)
      }
      for (const rank of ranks) {
        postings.get(team)![rank]!++
        total[rank]!++
      }
      if (next() < config.ticketShare) {
        const ticket = TICKET_BASE + Math.floor(next() * config.tickets)
        words.push('ticket', String(ticket))
        ranks.add(TICKET_RANK)
        ticketMentions[ticket - TICKET_BASE]!++
        // ten of them, spread over the year
        if (tickets.length < 10 && done >= (tickets.length * config.messages) / 10) tickets.push(ticket)
      }
      const text = words.join(' ')
      if (sample.length < 1_000) sample.push(text)
      const id = pad(done).padStart(64, 'e')
      const time = Math.round(first + done * step)
      items.push({ team, orderKey: `${team}:${pad(lamport)}:${author}:${pad(seq)}`, id, text, time })
    }
    postingsWritten += items.reduce((n, item) => n + terms(item.text).length, 0)
    await index.add(items)
    if (done % 200_000 === 0) ctx.log(`search: ${done.toLocaleString('en')} messages indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  const buildSeconds = (performance.now() - started) / 1000
  return { postings, total, sample, tickets, ticketMentions, now, buildSeconds, messagesPerSecond: Math.round(config.messages / buildSeconds), postingsWritten }
}

/** One query to run. */
interface Query {
  text: string
  team?: string
  sinceDays?: number
  ranks: number[]
  /** a ticket number, the query's last term */
  ticket?: number
}

/** The classes of queries, chosen by how many messages hold their words. */
function queryClasses (corpus: Corpus, config: SearchBenchConfig): Array<{ name: string, queries: Query[] }> {
  const teams = config.teams.map(([t]) => t)
  // ranks by how many messages hold them, within a band of counts
  const withCount = (min: number, max: number, n: number, skip = 0): number[] => {
    const out: number[] = []
    for (let r = 0; r < config.vocabulary && out.length < n + skip; r++) {
      const c = corpus.total[r]!
      if (c >= min && c <= max) out.push(r)
    }
    return out.slice(skip)
  }
  // in most messages; in a few in a thousand; in a handful (skipping the first few made-up words)
  const common = withCount(config.messages * 0.05, Infinity, 5)
  const medium = withCount(config.messages * 0.002, config.messages * 0.02, 10)
  const rare = withCount(5, 50, 10, 100)
  const q = (ranks: number[], extra: Partial<Query> = {}): Query => ({ text: ranks.map(wordOf).join(' '), ranks, ...extra })
  return [
    { name: 'one common term', queries: common.map(r => q([r])) },
    { name: 'one rare term', queries: rare.map(r => q([r])) },
    { name: 'two terms, medium AND medium', queries: medium.slice(0, 5).map((r, i) => q([r, medium[i + 5]!])) },
    { name: 'two terms, common AND rare', queries: rare.slice(0, 5).map((r, i) => q([common[i]!, r])) },
    // a rare term shorter than the common one: a planner that takes the longest term as the rarest is wrong here
    { name: 'two terms, common AND a number', queries: corpus.tickets.slice(0, 5).map(t => ({ text: `ticket ${t}`, ranks: [TICKET_RANK], ticket: t })) },
    { name: 'one term, team filter', queries: [...common.slice(0, 3), ...medium.slice(0, 3)].map((r, i) => q([r], { team: teams[i % teams.length]! })) },
    { name: 'one term, since a day ago', queries: [...common.slice(0, 3), ...medium.slice(0, 5)].map(r => q([r], { sinceDays: 1 })) }
  ]
}

/** Run one query as node.search() runs it: its teams, the limit, and `since` by each hit's time. */
async function runQuery (store: Store, corpus: Corpus, query: Query, config: SearchBenchConfig): Promise<number> {
  const teams = query.team !== undefined ? [query.team] : config.teams.map(([t]) => t)
  const since = query.sinceDays === undefined ? undefined : corpus.now - query.sinceDays * DAY_MS
  const hits = await store.index.search(teams, query.text, { limit: config.limit, ...(since !== undefined ? { since } : {}) })
  return hits.length
}

/** Time every query of a class `repeats` times, interleaved. */
async function measureClass (store: Store, corpus: Corpus, name: string, queries: Query[], config: SearchBenchConfig, deadline: number): Promise<QueryClassResult> {
  const samples: number[] = []
  const hits = new Map<Query, number>()
  for (let r = 0; r < config.repeats; r++) {
    for (const query of queries) {
      if (performance.now() > deadline) throw new BenchTimeoutError(`search: the queries took longer than ${config.limits.queriesMs / 1000} s`)
      const started = performance.now()
      hits.set(query, await runQuery(store, corpus, query, config))
      samples.push(performance.now() - started)
    }
  }
  const latencyMs = summarise(samples)
  const p95Ms = round(percentile95(samples), 3)
  return {
    name,
    queries: queries.map(query => ({
      query: query.text,
      ...(query.team !== undefined ? { team: query.team } : {}),
      ...(query.sinceDays !== undefined ? { sinceDays: query.sinceDays } : {}),
      postings: [
        ...query.ranks.map(rank => query.team !== undefined ? corpus.postings.get(query.team)![rank]! : corpus.total[rank]!),
        ...(query.ticket !== undefined ? [corpus.ticketMentions[query.ticket - TICKET_BASE]!] : [])
      ],
      hits: hits.get(query) ?? 0
    })),
    latencyMs,
    p95Ms,
    met: p95Ms <= config.targetP95Ms
  }
}

function percentile95 (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length, Math.ceil(0.95 * sorted.length)) - 1]!
}

/** The baseline: read `limit` keys of one posting list, newest first, as a plain range read. */
async function measureRangeRead (store: Store, corpus: Corpus, config: SearchBenchConfig, samples: number): Promise<LatencySummary & { p95: number }> {
  const ranks = [0, 1, 2, 3, 4]
  const out: number[] = []
  for (let i = 0; i < samples; i++) {
    const term = terms(wordOf(ranks[i % ranks.length]!))[0]!
    const team = config.teams[i % config.teams.length]![0]
    const started = performance.now()
    let n = 0
    for await (const key of store.indexSub.keys({ gt: `${team}:${term}:`, lt: `${team}:${term};`, reverse: true, limit: config.limit })) if (key !== '') n++
    out.push(performance.now() - started)
    if (n !== config.limit) throw new Error(`baseline: read ${n} keys of ${team}:${term}, not ${config.limit}`)
  }
  return { ...summarise(out), p95: round(percentile95(out), 3) }
}

/** Without an index: tokenise 1,000 messages and keep those with every word of the query. */
function measureLinearScan (corpus: Corpus, queries: Query[], samples: number): LatencySummary & { p95: number } {
  const out: number[] = []
  for (let i = 0; i < samples; i++) {
    const wanted = terms(queries[i % queries.length]!.text)
    const started = performance.now()
    let found = 0
    for (const text of corpus.sample) {
      const have = terms(text)
      if (wanted.every(t => have.includes(t))) found++
    }
    out.push(performance.now() - started)
    if (found < 0) throw new Error('unreachable')
  }
  return { ...summarise(out), p95: round(percentile95(out), 3) }
}

/** Build the index in the scratch dir, run the queries and the baselines, delete the index. */
export async function runSearch (ctx: BenchContext, config: SearchBenchConfig): Promise<BenchOutcome> {
  const dir = join(ctx.workDir, 'search-index')
  const db = new Level<string, string>(dir)
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await db.close()
  }
  ctx.defer(close)
  const indexSub = db.sublevel<string, string>('s', { valueEncoding: 'utf8' })
  const store: Store = { db, index: new SearchIndex(indexSub), indexSub }
  await db.open()
  // a chained batch does not wait for a deferred open
  await indexSub.open()
  try {
    ctx.log(`search: indexing ${config.messages.toLocaleString('en')} made-up messages in batches of ${config.batchMessages.toLocaleString('en')}`)
    const corpus = await buildIndex(ctx, store, config)
    await compact(db)
    const diskMB = round(await directoryBytes(dir) / 1024 / 1024, 1)
    ctx.log(`search: ${corpus.messagesPerSecond.toLocaleString('en')} messages/s, ${corpus.postingsWritten.toLocaleString('en')} postings, ${diskMB} MB on disk; querying`)

    const deadline = performance.now() + config.limits.queriesMs
    const classes = queryClasses(corpus, config)
    // a first pass untimed, so no class pays for the JIT or a cold block cache alone
    for (const c of classes) for (const query of c.queries) await runQuery(store, corpus, query, config)
    const results: QueryClassResult[] = []
    for (const c of classes) results.push(await measureClass(store, corpus, c.name, c.queries, config, deadline))
    const samples = config.repeats * 10
    const rangeRead = await measureRangeRead(store, corpus, config, samples)
    const scan = measureLinearScan(corpus, classes.flatMap(c => c.queries), samples)
    for (const r of results) ctx.log(`search: ${r.name}: p50 ${r.latencyMs.p50} ms, p95 ${r.p95Ms} ms (${r.met ? 'met' : 'NOT met'})`)

    const figures: Figure[] = []
    for (const r of results) {
      figures.push(figure(`${r.name}, p50`, 'ms', r.latencyMs.p50, rangeRead.p50))
      figures.push(figure(`${r.name}, p95`, 'ms', r.p95Ms, rangeRead.p95))
    }
    const missed = results.filter(r => !r.met)
    return {
      figures,
      notes: [
        `target: p95 ≤ ${config.targetP95Ms} ms for every class over ${config.messages.toLocaleString('en')} messages: ${missed.length === 0 ? 'met' : `NOT met by ${missed.map(r => r.name).join('; ')}`}`,
        `baseline: a reverse range read of ${config.limit} keys of one posting list, same database: p50 ${rangeRead.p50} ms, p95 ${rangeRead.p95} ms; ` +
          `without an index, tokenising and matching 1,000 messages takes p50 ${scan.p50} ms (so ${round(scan.p50 * config.messages / 1_000 / 1000, 1)} s for all)`,
        `build, not in the figures: ${corpus.postingsWritten.toLocaleString('en')} postings of ${config.messages.toLocaleString('en')} messages in ${round(corpus.buildSeconds, 1)} s ` +
          `(${corpus.messagesPerSecond.toLocaleString('en')} messages/s), ${diskMB} MB on disk after compaction`,
        ...results.map(r => `${r.name}: ${r.queries.map(q => `"${q.query}"${q.team !== undefined ? ` in ${q.team}` : ''}${q.sinceDays !== undefined ? ` since ${q.sinceDays} d` : ''} (${q.postings.join('+')} postings, ${q.hits} hits)`).join(', ')}`)
      ],
      details: { config, build: { seconds: round(corpus.buildSeconds, 1), messagesPerSecond: corpus.messagesPerSecond, postings: corpus.postingsWritten, diskMB }, classes: results, baselines: { rangeRead, linearScanOf1000: scan } }
    }
  } finally {
    await close()
    // the runner removes the scratch dir at the end; a gigabyte is not left for the next benchmark
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Compact the whole database, as a store that has lived a while is: a bulk load leaves LevelDB
 * compacting in the background, under the first queries. `level` is classic-level on Node, whose
 * compactRange its types do not show.
 */
async function compact (db: Level<string, string>): Promise<void> {
  const classic = db as unknown as { compactRange?: (start: string, end: string) => Promise<void> }
  if (typeof classic.compactRange === 'function') await classic.compactRange('\x00', '\xff')
}

async function directoryBytes (dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir)) total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size // compacted away meanwhile
  return total
}

function round (x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
