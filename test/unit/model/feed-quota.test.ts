import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkFeedQuota, FEED_DAY_MS, FEED_MAX_BYTES_PER_DAY, FEED_MAX_BYTES_PER_MINUTE, FEED_MAX_ENTRIES_PER_DAY, FEED_MAX_ENTRIES_PER_MINUTE, FEED_MINUTE_MS, FeedWindow } from '../../../src/model/feed-quota.js'
import type { FeedPoint } from '../../../src/model/feed-quota.js'
import { useFeedLimitsForTests } from '../../../src/model/feed-quota.js'
// the limits' rule tried at small limits (those of its first design), so a test signs a few hundred
// entries rather than a real allowance's worth
let restoreFeedLimits: () => void = () => {}
beforeAll(() => { restoreFeedLimits = useFeedLimitsForTests({ entriesPerMinute: 120, bytesPerMinute: 4 * 1024 * 1024, entriesPerDay: 20_000, bytesPerDay: 64 * 1024 * 1024 }) })
afterAll(() => { restoreFeedLimits() })


/** Push points into a window as long as the rule allows; the number taken, and the first refusal. */
function fill (points: FeedPoint[]): { taken: number, refusal?: Error } {
  const w = new FeedWindow()
  for (const [i, p] of points.entries()) {
    try {
      checkFeedQuota(w, p, 'mallory', 'general')
    } catch (err) {
      return { taken: i, refusal: err as Error }
    }
    w.push(p, `id${p.seq}`)
  }
  return { taken: points.length }
}

const T = 1_800_000_000_000
const points = (n: number, at: (i: number) => number, bytes = 200): FeedPoint[] => Array.from({ length: n }, (_, i) => ({ seq: i + 1, wallTime: at(i), bytes }))

describe('model/feed-quota', () => {
  it('takes a minute\'s allowance of entries at once and refuses the next, with a clear error', () => {
    const { taken, refusal } = fill(points(FEED_MAX_ENTRIES_PER_MINUTE + 5, () => T))
    expect(taken).toBe(FEED_MAX_ENTRIES_PER_MINUTE)
    expect(refusal?.name).toBe('EntryQuotaError')
    expect(refusal?.message).toMatch(/^slow down: mallory would have 121 entries in a minute in general/)
  })

  it('counts the minute up to and including the entry\'s own wall time, and frees it after', () => {
    // 120 at T, then one exactly a minute later: the window [t - 1 min, t] still holds the 120
    const full = points(FEED_MAX_ENTRIES_PER_MINUTE, () => T)
    expect(fill([...full, { seq: 121, wallTime: T + FEED_MINUTE_MS, bytes: 200 }]).taken).toBe(120)
    expect(fill([...full, { seq: 121, wallTime: T + FEED_MINUTE_MS + 1, bytes: 200 }]).taken).toBe(121)
    // an honest pace of one a second, all day long, is never refused
    expect(fill(points(3_000, i => T + i * 1000)).taken).toBe(3_000)
  })

  it('refuses what is over a minute\'s bytes (entries near the largest size)', () => {
    const size = 41 * 1024
    const { taken, refusal } = fill(points(200, () => T, size))
    expect(taken).toBe(Math.floor(FEED_MAX_BYTES_PER_MINUTE / size))
    expect(refusal?.message).toMatch(/bytes of entries in a minute/)
  })

  it('refuses what is over a day\'s bytes or entries, however it is spread over the minutes', () => {
    // 90 entries of 41 KiB a minute: within every minute's limits, over the day's bytes within the day
    const size = 41 * 1024
    const bytes = fill(points(2_000, i => T + Math.floor(i / 90) * (FEED_MINUTE_MS + 1), size))
    expect(bytes.taken).toBe(Math.floor(FEED_MAX_BYTES_PER_DAY / size))
    expect(bytes.refusal?.message).toMatch(/bytes of entries in a day/)
    // 100 small entries a minute: the day's count
    const count = fill(points(FEED_MAX_ENTRIES_PER_DAY + 10, i => T + Math.floor(i / 100) * (FEED_MINUTE_MS + 1)))
    expect(count.taken).toBe(FEED_MAX_ENTRIES_PER_DAY)
    expect(count.refusal?.message).toMatch(/20001 entries in a day/)
    // the day moves on: a day after the first of them, the allowance is back
    const w = new FeedWindow()
    for (const p of points(FEED_MAX_ENTRIES_PER_DAY, i => T + Math.floor(i / 100) * (FEED_MINUTE_MS + 1))) w.push(p, '')
    expect(() => { checkFeedQuota(w, { seq: FEED_MAX_ENTRIES_PER_DAY + 1, wallTime: T + FEED_DAY_MS + 1, bytes: 200 }, 'x', 'general') }).not.toThrow()
  })

  it('a wall time that goes back in the feed is refused: backdating cannot leave a full window', () => {
    const full = points(FEED_MAX_ENTRIES_PER_MINUTE, () => T)
    const { taken, refusal } = fill([...full, { seq: 121, wallTime: T - 2 * FEED_MINUTE_MS, bytes: 200 }])
    expect(taken).toBe(120)
    expect(refusal?.name).toBe('InvalidEntryError')
    expect(refusal?.message).toMatch(/never go back/)
  })

  it('keeps no more than a day of a feed in memory', () => {
    const w = new FeedWindow()
    for (const p of points(5_000, i => T + i * 60_000)) w.push(p, '')
    // 1441 minutes at one a minute fit in a day (both ends included)
    expect(w.since(0).entries).toBe(1441)
  })
})
