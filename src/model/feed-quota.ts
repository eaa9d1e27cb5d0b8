/**
 * Per-author limits on entries, as a property of the author's feed itself (one author in one team):
 * within a feed wall times never go back, and an entry is refused when the feed already holds too
 * many entries or bytes in the minute or the day before it. The verdict on an entry depends only on
 * the entries before it in its hash chain, so every node gives the same one whatever order or path
 * (gossip or history sync) entries arrive by, and the author's own node gives it before signing.
 *
 * Why the author cannot escape the windows: a wall time may not lead the receiver's clock by more
 * than MAX_WALL_TIME_LEAD_MS (see checkPlausible) and may not go back within the feed, so backdating
 * only packs entries into a window that is already full, and forward-dating spends the author's
 * allowance of the days ahead.
 */
import { EntryQuotaError, InvalidEntryError } from '../errors.js'

/** The short window. */
export const FEED_MINUTE_MS = 60_000
/** The long window. */
export const FEED_DAY_MS = 24 * 60 * 60 * 1000
/**
 * Entries one author may write to one team in a minute. Bots and imports post in bursts (a burst
 * of 5,000 is what the delivery benchmark sends), so the count is generous and the bytes are what
 * bound a flood: this is far above anyone typing, and stops nothing an ordinary bot does.
 */
export let FEED_MAX_ENTRIES_PER_MINUTE = 10_000
/** Encoded bytes of those: 16 MiB, about 250 entries of the largest size (64 KiB; files travel as chunks). */
export let FEED_MAX_BYTES_PER_MINUTE = 16 * 1024 * 1024
/** Entries one author may write to one team in a day: an import of a large archive spreads over days. */
export let FEED_MAX_ENTRIES_PER_DAY = 150_000
/** Encoded bytes of those: 128 MiB a day per author and team (the attack review's flood: 20 MB in 6 s). */
export let FEED_MAX_BYTES_PER_DAY = 128 * 1024 * 1024

/** The limits, as the rule reads them. */
export interface FeedLimits {
  entriesPerMinute: number
  bytesPerMinute: number
  entriesPerDay: number
  bytesPerDay: number
}

/**
 * Apply other limits until the returned function restores these: for tests of the rule, which try
 * it at small limits rather than sign a real allowance's worth of entries. Never called by the node:
 * limits that nodes applied differently would split a team's history.
 */
export function useFeedLimitsForTests (limits: FeedLimits): () => void {
  const before: FeedLimits = { entriesPerMinute: FEED_MAX_ENTRIES_PER_MINUTE, bytesPerMinute: FEED_MAX_BYTES_PER_MINUTE, entriesPerDay: FEED_MAX_ENTRIES_PER_DAY, bytesPerDay: FEED_MAX_BYTES_PER_DAY }
  const set = (l: FeedLimits): void => {
    FEED_MAX_ENTRIES_PER_MINUTE = l.entriesPerMinute
    FEED_MAX_BYTES_PER_MINUTE = l.bytesPerMinute
    FEED_MAX_ENTRIES_PER_DAY = l.entriesPerDay
    FEED_MAX_BYTES_PER_DAY = l.bytesPerDay
  }
  set(limits)
  return () => { set(before) }
}

/** What the rules read of an entry. */
export interface FeedPoint {
  seq: number
  wallTime: number
  /** the encoded signed entry's length */
  bytes: number
}

/**
 * The recent part of one feed: the entries whose wall time is within a day of the last one's, in
 * sequence order. Memory is bounded by the rules themselves (at most FEED_MAX_ENTRIES_PER_DAY + 1).
 */
export class FeedWindow {
  private times: number[] = []
  private sizes: number[] = []
  private start = 0
  /** bytes of the entries from `start` on */
  private held = 0
  /** the last entry's sequence number (0: the feed is empty, or starts above an expired floor) */
  lastSeq: number
  /** the last entry's id, hex ('' when none): the next entry must name it */
  lastId: string

  constructor (lastSeq = 0, lastId = '') {
    this.lastSeq = lastSeq
    this.lastId = lastId
  }

  /** The last entry's wall time, if the window holds any. */
  get lastWallTime (): number | undefined {
    return this.times.length > this.start ? this.times[this.times.length - 1] : undefined
  }

  /** Add the next entry of the feed (checked by checkFeedQuota) and drop what is more than a day older. */
  push (p: FeedPoint, idHex: string): void {
    this.times.push(p.wallTime)
    this.sizes.push(p.bytes)
    this.held += p.bytes
    this.lastSeq = p.seq
    this.lastId = idHex
    while (this.start < this.times.length && this.times[this.start]! < p.wallTime - FEED_DAY_MS) this.held -= this.sizes[this.start++]!
    if (this.start > 1024 && this.start * 2 > this.times.length) {
      this.times = this.times.slice(this.start)
      this.sizes = this.sizes.slice(this.start)
      this.start = 0
    }
  }

  /** Entries and bytes held with a wall time at or after `since`, counted from the end (a minute is short). */
  since (since: number): { entries: number, bytes: number } {
    let entries = 0
    let bytes = 0
    for (let i = this.times.length - 1; i >= this.start && this.times[i]! >= since; i--) {
      entries++
      bytes += this.sizes[i]!
    }
    return { entries, bytes }
  }

  /** The same for a `since` within a day of the last wall time, counted from the start (a day is long). */
  sinceFromStart (since: number): { entries: number, bytes: number } {
    let entries = this.times.length - this.start
    let bytes = this.held
    for (let i = this.start; i < this.times.length && this.times[i]! < since; i++) {
      entries--
      bytes -= this.sizes[i]!
    }
    return { entries, bytes }
  }
}

/**
 * Refuse `p` as the next entry of the feed in `window` (its author's, in `team`): a wall time before
 * the previous entry's (InvalidEntryError), or more than FEED_MAX_ENTRIES_PER_MINUTE entries or
 * FEED_MAX_BYTES_PER_MINUTE bytes with a wall time in [wallTime - 1 min, wallTime], this one
 * included, or more than the day's limits in [wallTime - 1 day, wallTime] (EntryQuotaError).
 */
export function checkFeedQuota (window: FeedWindow, p: FeedPoint, who: string, team: string): void {
  const last = window.lastWallTime
  if (last !== undefined && p.wallTime < last) {
    throw new InvalidEntryError(`${who} entry ${p.seq} in ${team} is dated ${new Date(p.wallTime).toISOString()}, before the entry it follows (${new Date(last).toISOString()}): a feed's wall times never go back`)
  }
  const minute = window.since(p.wallTime - FEED_MINUTE_MS)
  const day = window.sinceFromStart(p.wallTime - FEED_DAY_MS)
  const over = (what: string): never => {
    throw new EntryQuotaError(`slow down: ${who} would have ${what} in ${team}; the limits per author and team are ${FEED_MAX_ENTRIES_PER_MINUTE} entries and ${FEED_MAX_BYTES_PER_MINUTE / 1024 / 1024} MiB a minute, ${FEED_MAX_ENTRIES_PER_DAY} entries and ${FEED_MAX_BYTES_PER_DAY / 1024 / 1024} MiB a day`)
  }
  if (minute.entries + 1 > FEED_MAX_ENTRIES_PER_MINUTE) over(`${minute.entries + 1} entries in a minute`)
  if (minute.bytes + p.bytes > FEED_MAX_BYTES_PER_MINUTE) over(`${minute.bytes + p.bytes} bytes of entries in a minute`)
  if (day.entries + 1 > FEED_MAX_ENTRIES_PER_DAY) over(`${day.entries + 1} entries in a day`)
  if (day.bytes + p.bytes > FEED_MAX_BYTES_PER_DAY) over(`${day.bytes + p.bytes} bytes of entries in a day`)
}
