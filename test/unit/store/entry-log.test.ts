import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { DataDirLockedError } from '../../../src/errors.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { EntryLog, orderKey } from '../../../src/store/entry-log.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

async function entry (key: Ed25519PrivateKey, team: string, seq: number, lamport: number, text: string, prev?: VerifiedEntry): Promise<VerifiedEntry> {
  return createEntry(key, {
    team,
    seq,
    lamport,
    wallTime: Date.now(),
    epoch: 1,
    prev: prev === undefined ? new Uint8Array(0) : new Uint8Array(prev.id),
    body: new Uint8Array(encodeBody({ text, authorName: 'x' }))
  })
}

describe('store/entry-log', () => {
  let dir: string
  let log: EntryLog
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-log-'))
    log = await EntryLog.open(join(dir, 'log'))
  })
  afterEach(async () => {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('orders a team by Lamport clock, then author, then sequence, whatever the arrival order', async () => {
    const a = await generateIdentityKey()
    const b = await generateIdentityKey()
    const a1 = await entry(a, 'general', 1, 1, 'a1')
    const b1 = await entry(b, 'general', 1, 1, 'b1')
    const a2 = await entry(a, 'general', 2, 2, 'a2', a1)
    const b2 = await entry(b, 'general', 2, 3, 'b2', b1)
    for (const v of [b2, a2, b1, a1]) expect((await log.append(v)).status).toBe('added')
    const other = await mkdtemp(join(tmpdir(), 'parley-log-'))
    const log2 = await EntryLog.open(join(other, 'log'))
    try {
      for (const v of [a1, a2, b1, b2]) await log2.append(v)
      const order1 = (await log.page('general')).entries.map(v => v.idHex)
      const order2 = (await log2.page('general')).entries.map(v => v.idHex)
      expect(order1).toEqual(order2)
      const tieFirst = a1.author < b1.author ? [a1, b1] : [b1, a1]
      expect(order1).toEqual([...tieFirst, a2, b2].map(v => v.idHex))
    } finally {
      await log2.close()
      await rm(other, { recursive: true, force: true })
    }
  })

  it('takes the highest Lamport clock from the store after a restart, not from the first entry appended since', async () => {
    const a = await generateIdentityKey()
    const b = await generateIdentityKey()
    await log.append(await entry(a, 'general', 1, 500, 'before the restart'))
    await log.close()
    log = await EntryLog.open(join(dir, 'log'))
    // right after the start, an entry with a low clock arrives (a colleague long away)
    const behind = await entry(b, 'general', 1, 1, 'from far behind')
    await log.append(behind)
    expect(await log.lamport('general')).toBe(500)
    await log.append(await entry(b, 'general', 2, 700, 'ahead', behind))
    expect(await log.lamport('general')).toBe(700)
  })

  it('gives the highest clock under a ceiling, leaving out entries above it (stored before such were refused)', async () => {
    const a = await generateIdentityKey()
    const b = await generateIdentityKey()
    let prev: VerifiedEntry | undefined
    for (let seq = 1; seq <= 5; seq++) {
      prev = await entry(a, 'general', seq, seq * 10, `a${seq}`, prev)
      await log.append(prev)
    }
    await log.append(await entry(b, 'general', 1, Number.MAX_SAFE_INTEGER, 'for ever last'))
    await log.close()
    log = await EntryLog.open(join(dir, 'log'))
    expect(await log.lamport('general', 1_000_000)).toBe(50)
    expect(await log.lamport('general', 50)).toBe(50)
    expect(await log.lamport('general', 49)).toBe(40)
    expect(await log.lamport('general')).toBe(Number.MAX_SAFE_INTEGER)
    await log.append(await entry(a, 'general', 6, 51, 'next', prev))
    expect(await log.lamport('general', 1_000_000)).toBe(51)
  })

  it('answers the clock under a ceiling from memory once read, and reads the store again only while an entry lies above it', async () => {
    const a = await generateIdentityKey()
    let prev: VerifiedEntry | undefined
    for (let seq = 1; seq <= 3; seq++) {
      prev = await entry(a, 'general', seq, seq * 10, `a${seq}`, prev)
      await log.append(prev)
    }
    expect(await log.lamport('general', 1_000)).toBe(30)
    // appended after the first read: memory is kept current, as a read would be
    prev = await entry(a, 'general', 4, 40, 'a4', prev)
    await log.append(prev)
    expect(await log.lamport('general', 1_000)).toBe(40)
    // a malicious member's entry far ahead (taken in before such were refused) must not raise what a lower ceiling answers
    const b = await generateIdentityKey()
    await log.append(await entry(b, 'general', 1, 5_000, 'far ahead'))
    expect(await log.lamport('general', 1_000)).toBe(40)
    expect(await log.lamport('general')).toBe(5_000)
  })

  it('detects duplicates and forks of a feed whose end is known in memory (slots past it are not read)', async () => {
    const a = await generateIdentityKey()
    const first = await entry(a, 'general', 1, 1, 'first')
    const second = await entry(a, 'general', 2, 2, 'second', first)
    await log.append(first)
    // the feed's end is now known in memory, as on a node that has synced the team
    expect((await log.contiguousHeads('general')).get(first.author)?.seq).toBe(1)
    expect((await log.feedHead('general', first.author))?.idHex).toBe(first.idHex)
    expect(await log.append(second)).toEqual({ status: 'added' })
    expect((await log.feedHead('general', first.author))?.idHex).toBe(second.idHex)
    // a malicious member signs a rival for a slot it already used, and replays one: both caught
    const rival = await entry(a, 'general', 2, 2, 'rival', first)
    expect(await log.append(rival)).toMatchObject({ status: 'fork', existingId: second.idHex })
    expect(await log.append(second)).toEqual({ status: 'duplicate' })
    // in one batch: the rival of a slot the same batch takes
    const third = await entry(a, 'general', 3, 3, 'third', second)
    const rival3 = await entry(a, 'general', 3, 3, 'rival of third', second)
    expect(await log.appendMany([third, rival3])).toMatchObject([{ status: 'added' }, { status: 'fork', existingId: third.idHex }])
    expect((await log.page('general')).entries.map(v => v.idHex)).toEqual([first, second, third].map(v => v.idHex))
    expect((await log.forkEvidence('general')).map(v => v.idHex).sort()).toEqual([rival.idHex, rival3.idHex].sort())
    expect((await log.feedHead('general', first.author))?.idHex).toBe(third.idHex)
    // and after a restart, when nothing is known in memory yet
    await log.close()
    log = await EntryLog.open(join(dir, 'log'))
    expect(await log.append(await entry(a, 'general', 3, 3, 'another rival', second))).toMatchObject({ status: 'fork', existingId: third.idHex })
    expect((await log.feedHead('general', first.author))?.idHex).toBe(third.idHex)
  })

  it('tells an entry held from one not yet held without a read only past the known end of its feed', async () => {
    const a = await generateIdentityKey()
    const e1 = await entry(a, 'general', 1, 1, 'one')
    const e2 = await entry(a, 'general', 2, 2, 'two', e1)
    // nothing known in memory yet: read
    expect(await log.holds(e1)).toBe(false)
    await log.append(e1)
    expect(await log.holds(e1)).toBe(true)
    await log.contiguousHeads('general')
    // a relay replaying an entry held here is still seen as a copy (so dropped without verifying it again)
    expect(await log.holds(e1)).toBe(true)
    expect(await log.holds(e2)).toBe(false)
    await log.append(e2)
    expect(await log.holds(e2)).toBe(true)
    // a rival of a held slot is not held (its id differs): it goes on to be checked and kept as evidence
    expect(await log.holds(await entry(a, 'general', 2, 2, 'rival', e1))).toBe(false)
  })

  it('keeps the feed head it answers from memory true when entries of that feed arrive another way, or expire', async () => {
    const a = await generateIdentityKey()
    const e1 = await entry(a, 'general', 1, 1, 'one')
    expect(await log.feedHead('general', e1.author)).toBeUndefined()
    // entries of the feed stored by another path (a history sync bringing this node's own later entries back)
    const e2 = await entry(a, 'general', 2, 2, 'two', e1)
    await log.appendMany([e1, e2])
    expect((await log.feedHead('general', e1.author))?.idHex).toBe(e2.idHex)
    // an older entry arriving late does not move the head back
    const other = await generateIdentityKey()
    await log.append(await entry(other, 'general', 1, 3, 'other'))
    expect((await log.feedHead('general', e1.author))?.idHex).toBe(e2.idHex)
    await log.expire('general', [e1, e2])
    expect(await log.feedHead('general', e1.author)).toBeUndefined()
  })

  it('ignores duplicates and keeps a fork apart as evidence', async () => {
    const a = await generateIdentityKey()
    const first = await entry(a, 'general', 1, 1, 'first')
    const rival = await entry(a, 'general', 1, 1, 'rival')
    expect(await log.append(first)).toEqual({ status: 'added' })
    expect(await log.append(first)).toEqual({ status: 'duplicate' })
    expect(await log.append(rival)).toEqual({ status: 'fork', existingId: first.idHex, evidence: 'new' })
    expect((await log.page('general')).entries.map(v => v.idHex)).toEqual([first.idHex])
    expect((await log.forkEvidence('general')).map(v => v.idHex)).toEqual([rival.idHex])
  })

  it('in one batch, tells new entries, duplicates and forks apart, wherever they fall in a feed', async () => {
    const a = await generateIdentityKey()
    const feed: VerifiedEntry[] = []
    for (let seq = 1; seq <= 40; seq++) feed.push(await entry(a, 'general', seq, seq, `m${seq}`, feed.at(-1)))
    const rival = await entry(a, 'general', 5, 5, 'rival of 5', feed[3])
    expect((await log.appendMany(feed.slice(0, 10))).every(o => o.status === 'added')).toBe(true)
    // a run that overlaps what is stored, with a rival for a stored slot and one for a slot in the batch
    const rivalOf12 = await entry(a, 'general', 12, 12, 'rival of 12', feed[10])
    const outcomes = await log.appendMany([...feed.slice(8, 14), rival, rivalOf12])
    expect(outcomes).toEqual([
      { status: 'duplicate' }, { status: 'duplicate' }, { status: 'added' }, { status: 'added' }, { status: 'added' }, { status: 'added' },
      { status: 'fork', existingId: feed[4]!.idHex, evidence: 'new' }, { status: 'fork', existingId: feed[11]!.idHex, evidence: 'new' }
    ])
    // entries far apart in one call (looked up one by one rather than as a range)
    expect(await log.appendMany([feed[0]!, feed[39]!, rival])).toEqual([
      { status: 'duplicate' }, { status: 'added' }, { status: 'fork', existingId: feed[4]!.idHex, evidence: 'known' }
    ])
    expect((await log.page('general', { limit: 100 })).entries.map(v => v.entry.seq)).toEqual([...Array.from({ length: 14 }, (_, i) => i + 1), 40])
    expect((await log.forkEvidence('general')).map(v => v.idHex).sort()).toEqual([rival.idHex, rivalOf12.idHex].sort())
  })

  it('moves a feed head over entries that arrived early once the gap before them is filled', async () => {
    const a = await generateIdentityKey()
    const feed: VerifiedEntry[] = []
    for (let seq = 1; seq <= 6; seq++) feed.push(await entry(a, 'general', seq, seq, `m${seq}`, feed.at(-1)))
    const head = async (): Promise<number | undefined> => (await log.contiguousHeads('general')).get(feed[0]!.author)?.seq
    await log.appendMany([feed[0]!, feed[1]!])
    expect(await head()).toBe(2)
    await log.appendMany([feed[3]!, feed[4]!])
    expect(await head()).toBe(2)
    await log.append(feed[2]!)
    expect(await head()).toBe(5)
    await log.append(feed[5]!)
    expect(await head()).toBe(6)
    expect((await log.contiguousHeads('general')).get(feed[0]!.author)?.idHex).toBe(feed[5]!.idHex)
  })

  it('reads the entries between two display-order keys, both included, in order', async () => {
    const a = await generateIdentityKey()
    const feed: VerifiedEntry[] = []
    for (let seq = 1; seq <= 5; seq++) feed.push(await entry(a, 'general', seq, seq * 10, `m${seq}`, feed.at(-1)))
    await log.appendMany(feed)
    await log.append(await entry(a, 'random', 1, 25, 'elsewhere'))
    const read: number[] = []
    for await (const page of log.entriesBetween(orderKey(feed[1]!), orderKey(feed[3]!))) read.push(...page.map(v => v.entry.seq))
    expect(read).toEqual([2, 3, 4])
  })

  it('keeps teams apart and reads feeds in sequence order', async () => {
    const a = await generateIdentityKey()
    let prev: VerifiedEntry | undefined
    for (let seq = 1; seq <= 5; seq++) {
      prev = await entry(a, 'dev', seq, seq, `d${seq}`, prev)
      await log.append(prev)
    }
    await log.append(await entry(a, 'general', 1, 1, 'g1'))
    expect(await log.count('dev')).toBe(5)
    expect(await log.count('general')).toBe(1)
    expect(await log.count('de')).toBe(0)
    const author = prev!.author
    expect((await log.feedHead('dev', author))?.entry.seq).toBe(5)
    const feed = []
    for await (const v of log.readFeed('dev', author, 2, 4)) feed.push(v.entry.seq)
    expect(feed).toEqual([2, 3, 4])
    expect(await log.lamport('dev')).toBe(5)
    expect(await log.lamport('nothing')).toBe(0)
  })

  it('reads a long feed whole and in order, across read chunks and parallel lookups', async () => {
    const a = await generateIdentityKey()
    const entries: VerifiedEntry[] = []
    let prev: VerifiedEntry | undefined
    // more than two read chunks (2,000 ids each), ending mid-chunk
    for (let seq = 1; seq <= 4_321; seq++) entries.push(prev = await entry(a, 'dev', seq, seq, `d${seq}`, prev))
    for (let i = 0; i < entries.length; i += 1_000) await log.appendMany(entries.slice(i, i + 1_000))
    const author = prev!.author
    const seqs: number[] = []
    const chunks: number[] = []
    for await (const chunk of log.readFeedBytes('dev', author, 7)) chunks.push(chunk.length)
    for await (const v of log.readFeed('dev', author, 7, 4_300)) seqs.push(v.entry.seq)
    expect(chunks.reduce((n, c) => n + c, 0)).toBe(4_321 - 6)
    expect(chunks.length).toBeGreaterThan(1)
    expect(seqs).toEqual(Array.from({ length: 4_300 - 6 }, (_, i) => i + 7))
    // the display order reads the same entries, oldest first
    let count = 0
    for await (const page of log.entriesBetween('dev:', 'dev;')) count += page.length
    expect(count).toBe(4_321)
  })

  it('works out each feed\'s contiguous head from the store alone, stopping at a hole', async () => {
    const a = await generateIdentityKey()
    const b = await generateIdentityKey()
    const feedA: VerifiedEntry[] = []
    const feedB: VerifiedEntry[] = []
    for (let seq = 1; seq <= 6; seq++) feedA.push(await entry(a, 'dev', seq, seq, `a${seq}`, feedA[seq - 2]))
    for (let seq = 1; seq <= 3; seq++) feedB.push(await entry(b, 'dev', seq, seq, `b${seq}`, feedB[seq - 2]))
    // a's entry 4 never arrived; another team's feed must not count
    await log.appendMany([...feedA.filter(v => v.entry.seq !== 4), ...feedB, await entry(a, 'devops', 1, 1, 'x')])
    await log.close()
    // a fresh open has no heads in memory: they come from the feed keys
    log = await EntryLog.open(join(dir, 'log'))
    const heads = await log.contiguousHeads('dev')
    expect(heads.get(feedA[0]!.author)).toEqual({ seq: 3, idHex: feedA[2]!.idHex })
    expect(heads.get(feedB[0]!.author)).toEqual({ seq: 3, idHex: feedB[2]!.idHex })
    expect(heads.size).toBe(2)
    // the hole filled: the head moves past what was waiting above it
    await log.append(feedA[3]!)
    expect((await log.contiguousHeads('dev')).get(feedA[0]!.author)).toEqual({ seq: 6, idHex: feedA[5]!.idHex })
  })

  it('pages backwards through history without loading all of it', async () => {
    const a = await generateIdentityKey()
    let prev: VerifiedEntry | undefined
    for (let seq = 1; seq <= 25; seq++) {
      prev = await entry(a, 'general', seq, seq, `m${seq}`, prev)
      await log.append(prev)
    }
    const texts: string[][] = []
    let before: string | undefined
    do {
      const page = await log.page('general', { limit: 10, ...(before !== undefined ? { before } : {}) })
      texts.push(page.entries.map(v => v.entry.seq.toString()))
      before = page.before
    } while (before !== undefined)
    expect(texts.map(t => t.length)).toEqual([10, 10, 5])
    expect(texts[0]![0]).toBe('16')
    expect(texts[2]).toEqual(['1', '2', '3', '4', '5'])
  })

  it('keeps entries across a reopen, and a second opener is refused', async () => {
    const a = await generateIdentityKey()
    const v = await entry(a, 'general', 1, 7, 'kept')
    await log.append(v, { durable: true })
    await expect(EntryLog.open(join(dir, 'log'))).rejects.toBeInstanceOf(DataDirLockedError)
    await log.close()
    await log.close() // twice is safe
    log = await EntryLog.open(join(dir, 'log'))
    expect((await log.get(v.idHex))?.idHex).toBe(v.idHex)
    expect(await log.lamport('general')).toBe(7)
  })
})
