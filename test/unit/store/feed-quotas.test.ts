/**
 * The per-author limits applied against the log: each feed's recent window is read back from the log
 * once and then kept, for as many feeds as an office writes to at once.
 */
import { describe, expect, it } from 'vitest'
import { FeedQuotas, MAX_TRACKED_FEEDS } from '../../../src/store/feed-quotas.js'
import type { QuotaLog } from '../../../src/store/feed-quotas.js'
import type { VerifiedEntry } from '../../../src/model/index.js'

const T = 1_800_000_000_000
const idOf = (author: string, seq: number): string => `${author}-${seq}`.padEnd(64, '0')

/** A log holding entries 1..`held.get(author)` of each author's feed in `general`, counting the feed reads. */
function logOf (authors: string[], first: number): QuotaLog & { reads: number, held: Map<string, number> } {
  const held = new Map(authors.map(a => [a, first]))
  const log = {
    reads: 0,
    held,
    contiguousHeads: async () => new Map(authors.map(a => [a, { seq: held.get(a)!, idHex: idOf(a, held.get(a)!) }])),
    readFeed: async function * (_team: string, author: string, from: number, to: number = Number.MAX_SAFE_INTEGER) {
      log.reads++
      for (let seq = from; seq <= Math.min(to, held.get(author)!); seq++) {
        yield { idHex: idOf(author, seq), bytes: new Uint8Array(300), entry: { seq, wallTime: T + seq } } as unknown as VerifiedEntry
      }
    }
  }
  return log
}

/** Round after round, every author writes its next entry: judged, counted, then held by the log. */
async function rounds (quotas: FeedQuotas, log: ReturnType<typeof logOf>, authors: string[], from: number, to: number): Promise<void> {
  for (let seq = from; seq <= to; seq++) {
    for (const author of authors) {
      const c = { team: 'general', author, seq, wallTime: T + seq, bytes: 300, prevHex: idOf(author, seq - 1) }
      expect(await quotas.check(c, author)).toBe('ok')
      quotas.record(c, idOf(author, seq))
      log.held.set(author, seq)
    }
  }
}

describe('store/feed-quotas', () => {
  it('reads each feed\'s window from the log once, however many feeds take turns', async () => {
    const writers = 40
    expect(writers).toBeLessThan(MAX_TRACKED_FEEDS)
    const authors = Array.from({ length: writers }, (_, i) => `author${i}`)
    const log = logOf(authors, 10)
    const quotas = new FeedQuotas(log)
    await rounds(quotas, log, authors, 11, 15)
    expect(log.reads).toBe(writers)
  })

  it('keeps no more than its bound of windows: the least recently used is read again', async () => {
    const authors = Array.from({ length: 5 }, (_, i) => `author${i}`)
    const log = logOf(authors, 10)
    const quotas = new FeedQuotas(log, 4)
    await rounds(quotas, log, authors, 11, 12)
    // five feeds in turn over four windows: every check loads
    expect(log.reads).toBe(10)
  })
})
