/**
 * The local full-text index: a posting list per (team, term), kept in the node's LevelDB, never
 * shared with peers. Keys are `team:term:time:lamport:author:seq` (time: the author's wall clock),
 * so each posting list reads newest first, and a `since` bound is a range bound: a query reads only
 * the postings it returns, plus those its other terms rule out.
 */
import { terms } from '../search/tokenize.js'
import type { AbstractIterator, AbstractSublevel } from 'abstract-level'
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
/** Hex digits of the time in a key: byte order is numeric order up to 2^56 ms. */
const TIME_DIGITS = 14
const MAX_TIME = 16 ** TIME_DIGITS - 1

/** A wall time as a key part; out-of-range clocks (negative, absurdly far ahead) are clamped. */
function timeKey (time: number): string {
  const ms = Number.isFinite(time) ? Math.min(MAX_TIME, Math.max(0, Math.ceil(time))) : 0
  return ms.toString(16).padStart(TIME_DIGITS, '0')
}

type Posting = [key: string, id: string]
type PostingIterator = AbstractIterator<Sub, string, string>

/** Up to `n` more postings; `ended` when the list has no more. */
async function take (it: PostingIterator, n: number): Promise<{ postings: Posting[], ended: boolean }> {
  const postings: Posting[] = []
  while (postings.length < n) {
    // nextv returns fewer than asked when its byte budget is spent, and none only at the end
    const got = await it.nextv(n - postings.length)
    if (got.length === 0) return { postings, ended: true }
    for (const entry of got) postings.push(entry)
  }
  return { postings, ended: false }
}

export class SearchIndex {
  private readonly sub: Sub

  constructor (sub: Sub) {
    this.sub = sub
  }

  /** Index messages (idempotent). */
  async add (items: IndexedText[]): Promise<void> {
    if (items.length === 0) return
    const batch = this.sub.batch()
    for (const item of items) {
      const rest = `${timeKey(item.time)}:${item.orderKey.slice(item.team.length + 1)}`
      for (const term of terms(item.text)) batch.put(`${item.team}:${term}:${rest}`, item.id)
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
   * against the other terms' lists by exact key. Which list is sparsest is told from the first
   * postings of each: the list whose PROBE-th newest posting is oldest (or that ends first).
   */
  private async searchTeam (team: string, wanted: string[], options: SearchOptions): Promise<SearchHit[]> {
    const floor = options.since === undefined ? '' : timeKey(options.since)
    const lists = wanted.map(term => ({
      term,
      prefix: `${team}:${term}:`,
      it: this.sub.iterator({ gte: `${team}:${term}:${floor}`, lt: `${team}:${term};`, reverse: true })
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
      const others = lists.filter((_, i) => i !== driver)
      const hits: SearchHit[] = []
      let batch = probes[driver]!
      for (;;) {
        let keep = batch.postings.map(([key, id]): Posting => [key.slice(prefix.length), id])
        for (const other of others) {
          if (keep.length === 0) break
          const present = await this.sub.hasMany(keep.map(([rest]) => other.prefix + rest))
          keep = keep.filter((_, i) => present[i] === true)
        }
        for (const [rest, id] of keep) {
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

/** Whether list a (its first postings) is sparser than list b: it ends sooner, or reaches further back. */
function sparser (a: { postings: Posting[], ended: boolean }, aPrefix: string, b: { postings: Posting[], ended: boolean }, bPrefix: string): boolean {
  if (a.ended || b.ended) return a.ended && (!b.ended || a.postings.length < b.postings.length)
  const oldestA = a.postings[a.postings.length - 1]![0].slice(aPrefix.length)
  const oldestB = b.postings[b.postings.length - 1]![0].slice(bPrefix.length)
  return oldestA < oldestB
}
