/**
 * Reading entries from the log's tables: by id, by feed, by display order, a page at a time, and
 * the feed slots a batch would take.
 */
import { decodeStoredEntry } from '../model/index.js'
import { BYTES, feedKey } from './layout.js'
import type { AbstractValueIterator } from 'abstract-level'
import type { VerifiedEntry } from '../model/index.js'
import type { Db, Tables } from './layout.js'

/** Entries read from LevelDB at a time when whole feeds or spans are read. */
const READ_CHUNK = 2_000
/** Ids per parallel lookup when reading a feed: READ_CHUNK in four parts, one per libuv thread. */
const LOOKUP_PART = 500
/** What an iterator of ids may read ahead: a whole READ_CHUNK of them (classic-level stops at 16 KiB, ~250 ids). */
const ID_CHUNK_BYTES = READ_CHUNK * 80

/** A page of a team's history in display order, and the cursor for the page before it. */
export interface HistoryPage {
  entries: VerifiedEntry[]
  /** pass as `before` to read the previous page; undefined when this page reaches the start */
  before?: string
}

/** One entry by id, or undefined. */
export async function getEntry (t: Tables, idHex: string): Promise<VerifiedEntry | undefined> {
  const bytes: Uint8Array | undefined = await t.entries.get(idHex)
  return bytes === undefined ? undefined : decodeStoredEntry(bytes)
}

/**
 * Who holds the feed slots of `vs` (undefined where free). An author's entries in one call are
 * usually a run of consecutive sequence numbers that nobody holds yet (a history sync batch), so
 * each author's span is read as one range, a single seek, rather than key by key.
 */
export async function slotHolders (t: Tables, vs: VerifiedEntry[], slots: string[]): Promise<Array<string | undefined>> {
  interface Span { team: string, author: string, min: number, max: number, count: number }
  const spans = new Map<string, Map<string, Span>>()
  const spanOf = vs.map(({ entry: { team, seq }, author }) => {
    let byAuthor = spans.get(team)
    if (byAuthor === undefined) spans.set(team, byAuthor = new Map<string, Span>())
    let span = byAuthor.get(author)
    if (span === undefined) byAuthor.set(author, span = { team, author, min: seq, max: seq, count: 0 })
    span.min = Math.min(span.min, seq)
    span.max = Math.max(span.max, seq)
    span.count++
    return span
  })
  const dense = (span: Span): boolean => span.max - span.min + 1 <= 2 * span.count
  const holders = new Map<string, string>()
  for (const byAuthor of spans.values()) {
    for (const span of byAuthor.values()) {
      if (!dense(span)) continue
      for await (const [slot, id] of t.feed.iterator({ gte: feedKey(span.team, span.author, span.min), lte: feedKey(span.team, span.author, span.max) })) holders.set(slot, id)
    }
  }
  // authors whose entries here are scattered over a wide span: by key
  const scattered = slots.filter((_, i) => !dense(spanOf[i]!))
  if (scattered.length > 0) {
    const ids = await t.feed.getMany(scattered)
    for (const [i, slot] of scattered.entries()) if (ids[i] !== undefined) holders.set(slot, ids[i])
  }
  return slots.map(slot => holders.get(slot))
}

/**
 * The encoded entries of an author's feed with `from <= seq <= to`, in sequence order, a chunk
 * (an array) at a time. Read through the root with prefixed keys, as appendMany writes (a sublevel
 * adds its prefix key by key).
 */
export async function * readFeedBytes (t: Tables, team: string, author: string, from: number, to: number): AsyncGenerator<Array<Uint8Array<ArrayBuffer>>> {
  const f = t.feed.prefix
  yield * lookUp(t, t.db.values({ gte: `${f}${feedKey(team, author, from)}`, lte: `${f}${feedKey(team, author, to)}`, highWaterMarkBytes: ID_CHUNK_BYTES }))
}

/** The entries whose display-order keys lie from `from` to `to` (both included), in that order, a chunk at a time. */
export async function * entriesBetween (t: Tables, from: string, to: string): AsyncGenerator<VerifiedEntry[]> {
  const o = t.order.prefix
  for await (const chunk of lookUp(t, t.db.values({ gte: `${o}${from}`, lte: `${o}${to}`, highWaterMarkBytes: ID_CHUNK_BYTES }))) {
    yield chunk.map(decodeStoredEntry)
  }
}

/**
 * The encoded entries named by the ids an iterator gives, a chunk at a time. Entries are keyed by
 * hash, so consecutive ones are scattered over the store: each chunk is looked up in parallel
 * parts, which LevelDB serves from several threads at once.
 */
async function * lookUp (t: Tables, ids: AbstractValueIterator<Db, string, string>): AsyncGenerator<Array<Uint8Array<ArrayBuffer>>> {
  const e = t.entries.prefix
  /** the next ids, read while the entries of the ones before are looked up */
  let more: Promise<string[]> | undefined
  try {
    for (let chunk = await ids.nextv(READ_CHUNK); chunk.length > 0;) {
      const parts: Array<Promise<Array<Uint8Array<ArrayBuffer> | undefined>>> = []
      for (let i = 0; i < chunk.length; i += LOOKUP_PART) {
        parts.push(t.db.getMany(chunk.slice(i, i + LOOKUP_PART).map(id => `${e}${id}`), BYTES) as unknown as Promise<Array<Uint8Array<ArrayBuffer> | undefined>>)
      }
      // a read may stop short of READ_CHUNK (its byte limit): only an empty one means the end
      more = ids.nextv(READ_CHUNK)
      more.catch(() => {})
      const found = await Promise.all(parts)
      yield found.flat().filter((v): v is Uint8Array<ArrayBuffer> => v !== undefined)
      chunk = await more
      more = undefined
    }
  } finally {
    // a read still under way (the reader stopped early, or a lookup failed) ends before the close
    await more?.catch(() => {})
    await ids.close()
  }
}

/** The `limit` entries of a team just before the cursor `before` (or the newest ones), oldest first. */
export async function readPage (t: Tables, team: string, options: { limit?: number, before?: string }): Promise<HistoryPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 10_000))
  const lt = options.before !== undefined && options.before.startsWith(`${team}:`) ? options.before : `${team};`
  const keys: string[] = []
  const ids: string[] = []
  for await (const [key, id] of t.order.iterator({ gt: `${team}:`, lt, reverse: true, limit: limit + 1 })) {
    keys.push(key)
    ids.push(id)
  }
  const more = ids.length > limit
  const pageIds = ids.slice(0, limit).reverse()
  const entries: VerifiedEntry[] = []
  for (const id of pageIds) {
    const v = await getEntry(t, id)
    if (v !== undefined) entries.push(v)
  }
  return more ? { entries, before: keys[limit - 1] } : { entries }
}

/** The last entry of an author's feed in a team, or undefined if the feed is empty here. */
export async function readFeedHead (t: Tables, team: string, author: string): Promise<VerifiedEntry | undefined> {
  for await (const id of t.feed.values({ gt: `${team}:${author}:`, lt: `${team}:${author};`, reverse: true, limit: 1 })) {
    return getEntry(t, id)
  }
  return undefined
}

/** Count of entries of a team (walks the index). */
export async function countEntries (t: Tables, team: string): Promise<number> {
  let n = 0
  for await (const _ of t.order.keys({ gt: `${team}:`, lt: `${team};` })) n++
  return n
}

/** Fork evidence kept for a team: the rejected second entries. */
export async function readForkEvidence (t: Tables, team: string): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for await (const bytes of t.forks.values({ gt: `${team}:`, lt: `${team};` })) out.push(decodeStoredEntry(bytes))
  return out
}
