/**
 * The per-author entry limits (model/feed-quota.ts) applied against what this node holds: the recent
 * part of each feed is kept in memory, loaded lazily from the log, for a bounded number of feeds.
 * The cache is keyed by the last entry's id, and an entry names its predecessor's hash, so a window
 * is only ever used for the very chain it was built from, whatever was stored since.
 */
import { checkFeedQuota, FEED_DAY_MS, FEED_MAX_ENTRIES_PER_DAY, FeedWindow } from '../model/feed-quota.js'
import type { FeedPoint } from '../model/feed-quota.js'
import type { EntryLog } from './entry-log.js'

/**
 * Feeds whose recent windows are kept (least recently used dropped); each holds at most a day's
 * entries, two numbers each. Far more than the feeds an office writes to at once: with fewer, every
 * entry of a team with more writers than windows read its feed's last day back from the log (a
 * swarm of 20 spent ~5% of each node's CPU on it in `bench scale`).
 */
export const MAX_TRACKED_FEEDS = 256
/** The first read back from the log when loading a window; grown fourfold until it covers a day. */
const FIRST_READ = 256

/** What the limits read of the log. */
export type QuotaLog = Pick<EntryLog, 'contiguousHeads' | 'readFeed'>

/** An entry to judge as the next of its feed. */
export interface QuotaCandidate extends FeedPoint {
  team: string
  author: string
  /** the hex id of the entry it names as its predecessor ('' for seq 1) */
  prevHex: string
}

/**
 * 'ok': within the limits; 'unknown': this node does not hold the feed up to the entry before it, so
 * cannot judge (history sync brings the feed in order, and judges each entry); 'fork': this node
 * holds another entry before it in that slot (fork evidence, kept apart, not part of the feed).
 */
export type QuotaVerdict = 'ok' | 'unknown' | 'fork'

export class FeedQuotas {
  private readonly log: QuotaLog
  private readonly maxFeeds: number
  private readonly windows = new Map<string, FeedWindow>()

  constructor (log: QuotaLog, maxFeeds = MAX_TRACKED_FEEDS) {
    this.log = log
    this.maxFeeds = maxFeeds
  }

  /**
   * Judge `c` as the next entry of its feed. Throws EntryQuotaError or InvalidEntryError (wall time
   * gone back) when it is refused. `who` names the author in the error ("you" on the author's node).
   * With `afterFloor`, what came before it expired here under retention: it starts the window.
   */
  async check (c: QuotaCandidate, who: string, afterFloor = false): Promise<QuotaVerdict> {
    const window = afterFloor ? new FeedWindow(c.seq - 1, c.prevHex) : await this.windowBefore(c)
    if (typeof window === 'string') return window
    checkFeedQuota(window, c, who, c.team)
    return 'ok'
  }

  /** Count `c` (which passed `check`) into its feed's window: the next entry naming `idHex` is judged against it. */
  record (c: QuotaCandidate, idHex: string, afterFloor = false): void {
    const key = feedKey(c.team, c.author)
    let window = this.windows.get(key)
    if (afterFloor || window === undefined || window.lastSeq !== c.seq - 1 || window.lastId !== c.prevHex) {
      // not the chain this window was built from: the next check loads the feed again
      if (!afterFloor) {
        this.windows.delete(key)
        return
      }
      window = new FeedWindow(c.seq - 1, c.prevHex)
    }
    window.push(c, idHex)
    this.keep(key, window)
  }

  /** Forget the windows (tests; a log restored under the node). */
  clear (): void {
    this.windows.clear()
  }

  private async windowBefore (c: QuotaCandidate): Promise<FeedWindow | 'unknown' | 'fork'> {
    const key = feedKey(c.team, c.author)
    if (c.seq === 1) {
      const empty = new FeedWindow()
      this.keep(key, empty)
      return empty
    }
    const cached = this.windows.get(key)
    if (cached !== undefined && cached.lastSeq === c.seq - 1 && cached.lastId === c.prevHex) {
      this.keep(key, cached)
      return cached
    }
    const head = (await this.log.contiguousHeads(c.team)).get(c.author)
    if (head === undefined || head.seq < c.seq - 1) return 'unknown'
    const loaded = await this.load(c.team, c.author, c.seq - 1)
    if (loaded === undefined) return 'unknown'
    if (loaded.lastId !== c.prevHex) return 'fork'
    this.keep(key, loaded)
    return loaded
  }

  /** The window of a feed up to `to` (held without a gap down to its floor), read back from the log. */
  private async load (team: string, author: string, to: number): Promise<FeedWindow | undefined> {
    // an accepted feed holds at most a day's limit of entries in the day before its last one
    for (let span = FIRST_READ; ; span *= 4) {
      const from = Math.max(1, to - Math.min(span, FEED_MAX_ENTRIES_PER_DAY + 1) + 1)
      const points: Array<{ p: FeedPoint, idHex: string }> = []
      for await (const v of this.log.readFeed(team, author, from, to)) points.push({ p: { seq: v.entry.seq, wallTime: v.entry.wallTime, bytes: v.bytes.byteLength }, idHex: v.idHex })
      const last = points[points.length - 1]
      if (last === undefined || last.p.seq !== to) return undefined
      // the read must be one unbroken run ending at `to`: a hole means this node cannot judge
      if (points.some((x, i) => x.p.seq !== last.p.seq - (points.length - 1 - i))) return undefined
      const first = points[0]!
      const coversDay = first.p.wallTime < last.p.wallTime - FEED_DAY_MS
      // fewer than asked for: the feed starts here (seq 1, or its floor after retention)
      const whole = first.p.seq === 1 || first.p.seq > from
      if (coversDay || whole || span >= FEED_MAX_ENTRIES_PER_DAY + 1) {
        const window = new FeedWindow(first.p.seq - 1, '')
        for (const x of points) window.push(x.p, x.idHex)
        return window
      }
    }
  }

  private keep (key: string, window: FeedWindow): void {
    this.windows.delete(key)
    this.windows.set(key, window)
    for (const k of this.windows.keys()) {
      if (this.windows.size <= this.maxFeeds) break
      this.windows.delete(k)
    }
  }
}

function feedKey (team: string, author: string): string {
  return `${team}\u0000${author}`
}
