/**
 * The local full-text index: a posting list per (team, term), kept in the node's LevelDB, never
 * shared with peers. Keys are `team:term:time:lamport:author:seq` (time: the author's wall clock),
 * so each posting list reads newest first, and a `since` bound is a range bound: a query reads only
 * the postings it returns, plus those its other terms rule out.
 */
import { terms } from '../search/tokenize.js'
import type { AbstractKeyIterator, AbstractSublevel } from 'abstract-level'
import type { Level } from 'level'

type Sub = AbstractSublevel<Level<string, string>, string | Buffer | Uint8Array, string, string>

/** One message to index. */
export interface IndexedText {
  team: string
  /** the entry's display-order key, `team:lamport:author:seq` */
  orderKey: string
  id: string
  text: string
  /** the entry's wall time (ms since the epoch, its author's clock) */
  time: number
}

/** A hit: the entry id and its display-order key. */
export interface SearchHit {
  id: string
  orderKey: string
  author: string
}

export interface SearchOptions {
  /** per team, at most this many hits */
  limit: number
  /** only messages whose wall time is at least this (ms since the epoch) */
  since?: number
  /** may refuse a hit (e.g. by author) before it counts towards the limit */
  accept?: (hit: SearchHit) => boolean | Promise<boolean>
}

/** Candidates of the driving posting list checked against the other terms at once. */
const CHECK_BATCH = 256
/** Postings read from each term's list to tell which list is sparsest. */
const PROBE = 256
/**
 * Another term's list is read alongside the driving one (a merge) when it is at most this many times
 * denser; a denser one is checked by exact-key lookups. Reading a posting costs about a third of a
 * lookup (measured on a 1M-message index), so a merge wins while it reads few more postings.
 */
const MERGE_MAX_DENSITY = 3
/** Postings a merge reads at once. */
const MERGE_BATCH = 1_000
/** Hex digits of the time in a key: byte order is numeric order up to 2^56 ms. */
const TIME_DIGITS = 14
const MAX_TIME = 16 ** TIME_DIGITS - 1

/** A wall time as a key part; out-of-range clocks (negative, absurdly far ahead) are clamped. */
function timeKey (time: number): string {
  const ms = Number.isFinite(time) ? Math.min(MAX_TIME, Math.max(0, Math.ceil(time))) : 0
  return ms.toString(16).padStart(TIME_DIGITS, '0')
}

/**
 * Lists are read as keys only: a key holds all a query needs but the entry id, which is read for
 * the hits alone.
 */
type PostingIterator = AbstractKeyIterator<Sub, string>
/** Postings of one list as read, whole keys, newest first; `ended` when the list has no more. */
interface Postings { keys: string[], ended: boolean }

/** Up to `n` more postings. */
async function take (it: PostingIterator, n: number): Promise<Postings> {
  const keys: string[] = []
  while (keys.length < n) {
    // nextv returns fewer than asked when its byte budget is spent, and none only at the end
    const got = await it.nextv(n - keys.length)
    if (got.length === 0) return { keys, ended: true }
    for (const key of got) keys.push(key)
  }
  return { keys, ended: false }
}

/** Checks candidates of the driving list, newest first, against another term's list. */
interface TermCheck {
  /** those of `candidates` (keys after the term's prefix, descending, over successive calls) that the list holds too */
  keep: (candidates: string[]) => Promise<string[]>
}

/** Checks by exact-key lookups: for a list much denser than the driving one. */
function lookupCheck (sub: Sub, prefix: string): TermCheck {
  return {
    keep: async (candidates) => {
      if (candidates.length === 0) return candidates
      const present = await sub.hasMany(candidates.map(rest => prefix + rest))
      return candidates.filter((_, i) => present[i] === true)
    }
  }
}

/** Checks by reading the list alongside the candidates (both newest first): for a list about as sparse. */
function mergeCheck (it: PostingIterator, prefix: string, probe: Postings): TermCheck {
  let buffer = probe.keys.map(key => key.slice(prefix.length))
  let at = 0
  let ended = probe.ended
  return {
    keep: async (candidates) => {
      const kept: string[] = []
      for (const candidate of candidates) {
        for (;;) {
          if (at >= buffer.length) {
            if (ended) return kept
            const more = await take(it, MERGE_BATCH)
            buffer = more.keys.map(key => key.slice(prefix.length))
            at = 0
            ended = more.ended
            continue
          }
          const own = buffer[at]!
          if (own > candidate) {
            at++
            continue
          }
          if (own === candidate) {
            kept.push(candidate)
            at++
          }
          break
        }
      }
      return kept
    }
  }
}

export class SearchIndex {
  private readonly sub: Sub

  constructor (sub: Sub) {
    this.sub = sub
  }

  /** Index messages (idempotent). */
  async add (items: IndexedText[]): Promise<void> {
    if (items.length === 0) return
    // a message makes a dozen postings or more: the root's native chained batch, with the prefix
    // written here, takes them at half the cost of a sublevel batch, which re-encodes every operation
    // into the root's when written. Both store strings as UTF-8.
    const prefix = this.sub.prefix
    const batch = this.sub.db.batch()
    for (const item of items) {
      const rest = `${timeKey(item.time)}:${item.orderKey.slice(item.team.length + 1)}`
      for (const term of terms(item.text)) batch.put(`${prefix}${item.team}:${term}:${rest}`, item.id)
    }
    await batch.write()
  }

  /** Forget messages (retention): their postings go, so their words are no longer in the store. */
  async remove (items: IndexedText[]): Promise<void> {
    if (items.length === 0) return
    const prefix = this.sub.prefix
    const batch = this.sub.db.batch()
    for (const item of items) {
      const rest = `${timeKey(item.time)}:${item.orderKey.slice(item.team.length + 1)}`
      for (const term of terms(item.text)) batch.del(`${prefix}${item.team}:${term}:${rest}`)
    }
    await batch.write()
  }

  /**
   * Messages of `teams` containing every term of `query`: per team, newest first by wall time and
   * at most `limit` (the caller orders across teams).
   */
  async search (teams: string[], query: string, options: SearchOptions): Promise<SearchHit[]> {
    const wanted = terms(query)
    if (wanted.length === 0) return []
    const perTeam = await Promise.all(teams.map(async team => this.searchTeam(team, wanted, options)))
    return perTeam.flat()
  }

  /**
   * One team: the sparsest term's postings drive, newest first, and each batch of them is checked
   * against the other terms' lists, by a merge or by exact key. Which list is sparsest is told from
   * the first postings of each: the list whose PROBE-th newest posting is oldest (or that ends first).
   */
  private async searchTeam (team: string, wanted: string[], options: SearchOptions): Promise<SearchHit[]> {
    const floor = options.since === undefined ? '' : timeKey(options.since)
    const lists = wanted.map(term => ({
      term,
      prefix: `${team}:${term}:`,
      it: this.sub.keys({ gte: `${team}:${term}:${floor}`, lt: `${team}:${term};`, reverse: true })
    }))
    try {
      const probes = wanted.length === 1
        ? [await take(lists[0]!.it, CHECK_BATCH)]
        : await Promise.all(lists.map(async l => take(l.it, PROBE)))
      let driver = 0
      for (let i = 1; i < lists.length; i++) {
        if (sparser(probes[i]!, lists[i]!.prefix, probes[driver]!, lists[driver]!.prefix)) driver = i
      }
      const { prefix, it } = lists[driver]!
      const driverProbe = probes[driver]!
      const checks = lists.flatMap((other, i) => {
        if (i === driver) return []
        const probe = probes[i]!
        const merge = !driverProbe.ended && !probe.ended && spanOf(driverProbe, prefix) <= MERGE_MAX_DENSITY * spanOf(probe, other.prefix)
        return [merge ? mergeCheck(other.it, other.prefix, probe) : lookupCheck(this.sub, other.prefix)]
      })
      const hits: SearchHit[] = []
      let batch = driverProbe
      for (;;) {
        let keep = batch.keys.map(key => key.slice(prefix.length))
        for (const check of checks) {
          if (keep.length === 0) break
          keep = await check.keep(keep)
        }
        // without `accept`, every hit read counts: read no more ids than the limit takes
        if (options.accept === undefined) keep = keep.slice(0, options.limit - hits.length)
        const ids = keep.length === 0 ? [] : await this.sub.getMany(keep.map(rest => prefix + rest))
        for (const [i, rest] of keep.entries()) {
          const id = ids[i]
          if (id === undefined) continue // removed meanwhile (the team was dropped)
          // rest is time:lamport:author:seq; the display order leaves the time out
          const orderRest = rest.slice(TIME_DIGITS + 1)
          const hit = { id, orderKey: `${team}:${orderRest}`, author: orderRest.split(':')[1] ?? '' }
          if (options.accept === undefined || await options.accept(hit)) hits.push(hit)
          if (hits.length >= options.limit) return hits
        }
        if (batch.ended) return hits
        batch = await take(it, CHECK_BATCH)
      }
    } finally {
      await Promise.all(lists.map(async l => l.it.close()))
    }
  }

  /** Forget a team entirely (the user left it). */
  async dropTeam (team: string): Promise<void> {
    await this.sub.clear({ gt: `${team}:`, lt: `${team};` })
  }

  /** Forget everything (before a rebuild in a new layout). */
  async clear (): Promise<void> {
    await this.sub.clear()
  }
}

/** The time between the newest and the oldest of a list's first postings, ms. */
function spanOf (probe: Postings, prefix: string): number {
  const time = (key: string | undefined): number => key === undefined ? 0 : parseInt(key.slice(prefix.length, prefix.length + TIME_DIGITS), 16)
  return time(probe.keys[0]) - time(probe.keys[probe.keys.length - 1])
}

/** Whether list a (its first postings) is sparser than list b: it ends sooner, or reaches further back. */
function sparser (a: Postings, aPrefix: string, b: Postings, bPrefix: string): boolean {
  if (a.ended || b.ended) return a.ended && (!b.ended || a.keys.length < b.keys.length)
  return a.keys[a.keys.length - 1]!.slice(aPrefix.length) < b.keys[b.keys.length - 1]!.slice(bPrefix.length)
}
