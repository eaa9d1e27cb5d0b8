/**
 * A malicious member floods a team (rate, size, backdated and forward-dated wall times): history
 * sync refuses the same entries however the feed arrives (one batch, many, after a restart that
 * empties the windows in memory), and a gap in what is held is never judged.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { checkBatch } from '../../../src/history/check-batch.js'
import { createEntry, FEED_MAX_BYTES_PER_DAY, FEED_MAX_BYTES_PER_MINUTE, FEED_MAX_ENTRIES_PER_MINUTE, FEED_MINUTE_MS } from '../../../src/model/index.js'
import { FeedQuotas } from '../../../src/store/feed-quotas.js'
import { orgStub, person, tempLog } from './fixtures.js'
import type { Person } from './fixtures.js'
import type { CheckContext } from '../../../src/history/check-batch.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { EntryLog } from '../../../src/store/entry-log.js'
import { useFeedLimitsForTests } from '../../../src/model/feed-quota.js'
// the limits' rule tried at small limits (those of its first design), so a test signs a few hundred
// entries rather than a real allowance's worth
let restoreFeedLimits: () => void = () => {}
beforeAll(() => { restoreFeedLimits = useFeedLimitsForTests({ entriesPerMinute: 120, bytesPerMinute: 4 * 1024 * 1024, entriesPerDay: 20_000, bytesPerDay: 64 * 1024 * 1024 }) })
afterAll(() => { restoreFeedLimits() })


/** A feed of `author` whose entry i has wall time `at(i)` and a body of `size(i)` bytes. */
async function flood (author: Person, n: number, at: (i: number) => number, size: (i: number) => number = () => 100): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for (let i = 0; i < n; i++) {
    const prev = out[i - 1]
    out.push(await createEntry(author.key, { team: 'general', seq: i + 1, lamport: i + 1, wallTime: at(i), epoch: 1, prev: prev === undefined ? new Uint8Array(0) : new Uint8Array(prev.id), body: new Uint8Array(size(i)).fill(7) }))
  }
  return out
}

describe('history: per-author limits on entries', () => {
  let stores: Array<{ log: EntryLog, close: () => Promise<void> }>
  let mallory: Person
  let alice: Person
  const now = Date.now()
  beforeEach(async () => {
    stores = []
    mallory = await person()
    alice = await person()
  })
  afterEach(async () => { for (const s of stores) await s.close() })

  /**
   * Take `vs` in by history sync in batches of `batch` entries, each stored before the next is
   * checked (with fresh windows each time when `restart`): the seqs stored, and the refusals.
   */
  async function sync (vs: VerifiedEntry[], batch: number, restart = false): Promise<{ stored: Map<string, number[]>, refused: string[], messages: string[] }> {
    const store = await tempLog()
    stores.push(store)
    const { view } = orgStub({ members: new Set([mallory.id, alice.id]) })
    const refused: string[] = []
    const messages: string[] = []
    // one exchange: an author whose run was refused is left out of the rest of it
    const exchange = { skipped: new Map<string, Error>(), highest: 0 }
    let quotas = new FeedQuotas(store.log)
    for (let i = 0; i < vs.length; i += batch) {
      if (restart) quotas = new FeedQuotas(store.log)
      const ctx: CheckContext = { log: store.log, now: () => now, quotas, onSkipped: (_t, e) => { refused.push(e.name); messages.push(e.message) }, onFork: () => {} }
      const heads = await store.log.contiguousHeads('general')
      const checked = await checkBatch(ctx, 'server', 'general', vs.slice(i, i + batch).map(v => v.bytes), view, heads, true, exchange)
      await store.log.appendMany(checked.accepted)
    }
    const stored = new Map<string, number[]>()
    for (const author of [mallory.id, alice.id]) {
      const seqs: number[] = []
      for await (const v of store.log.readFeed('general', author, 1)) seqs.push(v.entry.seq)
      stored.set(author, seqs)
    }
    return { stored, refused, messages }
  }

  const bytesOf = (vs: VerifiedEntry[]): number => vs.reduce((sum, v) => sum + v.bytes.byteLength, 0)
  const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

  it('a burst over a minute\'s entries is cut at the same entry, in one batch or many, after a restart too', async () => {
    const burst = await flood(mallory, FEED_MAX_ENTRIES_PER_MINUTE + 30, () => now)
    const honest = await flood(alice, 10, i => now + i * 1000)
    const mixed = [...burst.slice(0, 60), ...honest, ...burst.slice(60)]
    for (const [batch, restart] of [[1_000, false], [7, false], [13, true]] as const) {
      const { stored, refused } = await sync(mixed, batch, restart)
      expect(stored.get(mallory.id)).toEqual(upTo(FEED_MAX_ENTRIES_PER_MINUTE))
      // the honest colleague in the same batches loses nothing
      expect(stored.get(alice.id)).toEqual(upTo(10))
      expect(refused[0]).toBe('EntryQuotaError')
    }
  })

  it('entries near the largest size are cut at a minute\'s bytes', async () => {
    const size = 40 * 1024
    const big = await flood(mallory, 130, () => now, () => size)
    const { stored, refused } = await sync(big, 25, true)
    const taken = stored.get(mallory.id)!.length
    expect(taken).toBeLessThan(130)
    expect(bytesOf(big.slice(0, taken))).toBeLessThanOrEqual(FEED_MAX_BYTES_PER_MINUTE)
    expect(bytesOf(big.slice(0, taken + 1))).toBeGreaterThan(FEED_MAX_BYTES_PER_MINUTE)
    expect(refused).toEqual(['EntryQuotaError'])
  })

  it('backdating cannot leave a full minute: a wall time that goes back is refused', async () => {
    const vs = await flood(mallory, 150, i => i < FEED_MAX_ENTRIES_PER_MINUTE ? now : now - (i - 119) * FEED_MINUTE_MS)
    const { stored, refused } = await sync(vs, 40)
    expect(stored.get(mallory.id)).toEqual(upTo(FEED_MAX_ENTRIES_PER_MINUTE))
    expect(refused).toEqual(['InvalidEntryError'])
  })

  it('forward-dating spreads a flood over the minutes ahead, and the day\'s bytes stop it', async () => {
    // 90 entries of 40 KiB per minute of wall time, dated ahead of the receiver's clock (within the
    // day it allows): every minute is within its limits; the day's bytes are not
    const size = 40 * 1024
    const vs = await flood(mallory, 1_700, i => now + Math.floor(i / 90) * (FEED_MINUTE_MS + 1), () => size)
    const { stored, refused, messages } = await sync(vs, 400, true)
    const taken = stored.get(mallory.id)!.length
    expect(bytesOf(vs.slice(0, taken))).toBeLessThanOrEqual(FEED_MAX_BYTES_PER_DAY)
    expect(bytesOf(vs.slice(0, taken + 1))).toBeGreaterThan(FEED_MAX_BYTES_PER_DAY)
    expect(refused).toEqual(['EntryQuotaError'])
    expect(messages[0]).toMatch(/^slow down: .* bytes of entries in a day in general/)
  })
})
