/**
 * The fork rules of the log: two versions one author signed for one feed slot, in every arrival
 * order (one at a time, in one batch, through served evidence), the bounds a forker meets, and the
 * marks the views build from what the log keeps, which must be the same on every node.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import { MAX_FORK_SLOTS_PER_AUTHOR } from '../../../src/store/fork-book.js'
import { feedKey } from '../../../src/store/layout.js'
import type { OrgView } from '../../../src/context.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

async function entry (key: Ed25519PrivateKey, team: string, seq: number, text: string, prev?: VerifiedEntry): Promise<VerifiedEntry> {
  return createEntry(key, {
    team,
    seq,
    lamport: seq,
    wallTime: 1_700_000_000_000 + seq,
    epoch: 1,
    prev: prev === undefined ? new Uint8Array(0) : new Uint8Array(prev.id),
    body: new Uint8Array(encodeBody({ text, authorName: 'x' }))
  })
}

/** An org view whose bodies are plain text (the views' decryption is tested elsewhere). */
const plainOrgs = { current: { decryptBody: (_t: string, _e: number, _a: string, _s: number, body: Uint8Array) => body, directPeer: () => undefined, authorLabel: () => 'Mallory' } } as unknown as OrgView

describe('store/fork-book: forks in every arrival order, bounded', () => {
  let dir: string
  const logs: EntryLog[] = []
  let mallory: Ed25519PrivateKey
  let a: VerifiedEntry
  let b: VerifiedEntry
  let c: VerifiedEntry
  const open = async (name: string): Promise<EntryLog> => {
    const log = await EntryLog.open(join(dir, name))
    logs.push(log)
    return log
  }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-forks-'))
    mallory = await generateIdentityKey()
    a = await entry(mallory, 'general', 1, 'I approve the supplier payment of EUR 5,000')
    b = await entry(mallory, 'general', 1, 'I approve the supplier payment of EUR 50,000')
    c = await entry(mallory, 'general', 1, 'a third version')
  })
  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close()
    await rm(dir, { recursive: true, force: true })
  })

  const orders: Array<[string, (log: EntryLog) => Promise<void>, 'a' | 'b']> = [
    ['a then b', async (log) => { await log.append(a); await log.append(b) }, 'a'],
    ['b then a', async (log) => { await log.append(b); await log.append(a) }, 'b'],
    ['a and b in one batch', async (log) => { await log.appendMany([a, b]) }, 'a'],
    ['b and a in one batch', async (log) => { await log.appendMany([b, a]) }, 'b'],
    ['b, then a served as evidence', async (log) => { await log.append(b); await log.appendEvidence(a) }, 'b'],
    ['a, then a again, then b twice, then c', async (log) => { await log.append(a); await log.append(a); await log.append(b); await log.append(b); await log.append(c) }, 'a']
  ]
  for (const [name, arrive, first] of orders) {
    it(`${name}: the first stays in the feed, the other is evidence, and the view shows both in id order`, async () => {
      const log = await open('log')
      await arrive(log)
      const [held, other] = first === 'a' ? [a, b] : [b, a]
      expect((await log.page('general')).entries.map(v => v.idHex)).toEqual([held.idHex])
      expect((await log.forkEvidence('general')).map(v => v.idHex)).toEqual([other.idHex])
      // both count as held: gossip of either is dropped as a copy; a third version is neither kept nor held
      expect(await log.has(a.idHex)).toBe(true)
      expect(await log.has(b.idHex)).toBe(true)
      expect(await log.has(c.idHex)).toBe(false)
      expect((await log.forkPairs('general')).map(([h, o]) => [h.idHex, o.idHex])).toEqual([[held.idHex, other.idHex]])
      const view = new Views({ selfId: 'me', orgs: plainOrgs, forks: log.forkBook }).message(held)
      expect(view.forked?.otherId).toBe(other.idHex)
      expect(view.forker).toBe(true)
      const byId = [a, b].sort((x, y) => x.idHex < y.idHex ? -1 : 1)
      expect(view.forked?.versions).toEqual(byId.map(v => ({ id: v.idHex, text: v === a ? 'I approve the supplier payment of EUR 5,000' : 'I approve the supplier payment of EUR 50,000', readable: true })))
    })
  }

  it('two nodes that saw the versions in opposite orders show the same versions in the same order', async () => {
    const alice = await open('alice')
    const bob = await open('bob')
    await alice.append(a)
    await alice.append(b)
    await bob.append(b)
    await bob.append(a)
    const aliceView = new Views({ selfId: 'alice', orgs: plainOrgs, forks: alice.forkBook }).message(a)
    const bobView = new Views({ selfId: 'bob', orgs: plainOrgs, forks: bob.forkBook }).message(b)
    expect(aliceView.forked?.versions).toEqual(bobView.forked?.versions)
    expect(aliceView.forked?.versions.map(v => v.id)).toEqual([a.idHex, b.idHex].sort())
  })

  it('reports new evidence once: a copy is known, a third version dropped', async () => {
    const log = await open('log')
    expect(await log.append(a)).toEqual({ status: 'added' })
    expect(await log.append(b)).toEqual({ status: 'fork', existingId: a.idHex, evidence: 'new' })
    expect(await log.append(b)).toEqual({ status: 'fork', existingId: a.idHex, evidence: 'known' })
    expect(await log.append(c)).toEqual({ status: 'fork', existingId: a.idHex, evidence: 'dropped' })
    // in one batch too: the second evidence for one slot is dropped
    const d = await entry(mallory, 'general', 2, 'd', a)
    const e = await entry(mallory, 'general', 2, 'e', a)
    const f = await entry(mallory, 'general', 2, 'f', a)
    expect(await log.appendMany([d, e, f])).toEqual([{ status: 'added' }, { status: 'fork', existingId: d.idHex, evidence: 'new' }, { status: 'fork', existingId: d.idHex, evidence: 'dropped' }])
    expect((await log.forkEvidence('general')).map(v => v.idHex).sort()).toEqual([b.idHex, e.idHex].sort())
  })

  it('never puts served evidence in the feed: a free slot stores nothing', async () => {
    const log = await open('log')
    expect(await log.appendEvidence(b)).toEqual({ status: 'absent' })
    expect(await log.has(b.idHex)).toBe(false)
    expect(await log.count('general')).toBe(0)
    expect(await log.forkEvidence('general')).toEqual([])
    await log.append(a)
    expect(await log.appendEvidence(a)).toEqual({ status: 'duplicate' })
    expect(await log.appendEvidence(b)).toEqual({ status: 'fork', existingId: a.idHex, evidence: 'new' })
    expect(await log.count('general')).toBe(1)
  })

  it('keeps the evidence and the marks across a restart', async () => {
    let log = await open('log')
    await log.append(a)
    await log.append(b)
    await log.close()
    logs.splice(0)
    log = await open('log')
    expect(log.forkBook.forked('general', a.author)).toBe(true)
    expect(log.forkBook.otherOf(a)?.idHex).toBe(b.idHex)
    expect(await log.has(b.idHex)).toBe(true)
    expect(await log.append(c)).toEqual({ status: 'fork', existingId: a.idHex, evidence: 'dropped' })
  })

  it('a forker of many slots, in many teams, one at a time and in one batch, stays within the bound and stays marked', async () => {
    const log = await open('log')
    const honest = await generateIdentityKey()
    const held: VerifiedEntry[] = []
    const rivals: VerifiedEntry[] = []
    for (let seq = 1; seq <= 3 * MAX_FORK_SLOTS_PER_AUTHOR; seq++) {
      held.push(await entry(mallory, 'general', seq, `m${seq}`, held.at(-1)))
      rivals.push(await entry(mallory, 'general', seq, `rival ${seq}`, held.at(-2)))
    }
    await log.appendMany(held)
    // half one by one, the rest in one batch
    const half = rivals.length / 2
    const outcomes = []
    for (const r of rivals.slice(0, half)) outcomes.push(await log.append(r))
    outcomes.push(...await log.appendMany(rivals.slice(half)))
    expect(outcomes.filter(o => o.status === 'fork' && o.evidence === 'new')).toHaveLength(MAX_FORK_SLOTS_PER_AUTHOR)
    expect(outcomes.filter(o => o.status === 'fork' && o.evidence === 'dropped')).toHaveLength(rivals.length - MAX_FORK_SLOTS_PER_AUTHOR)
    // another team does not give the forker more room
    const dev = await entry(mallory, 'dev', 1, 'dev')
    await log.append(dev)
    expect(await log.append(await entry(mallory, 'dev', 1, 'dev rival'))).toMatchObject({ status: 'fork', evidence: 'dropped' })
    expect(await log.forkEvidence('general')).toHaveLength(MAX_FORK_SLOTS_PER_AUTHOR)
    expect(await log.forkEvidence('dev')).toHaveLength(0)
    // what is left out is neither held nor served; the forker is marked on every entry of the team
    expect(await log.has(rivals.at(-1)!.idHex)).toBe(false)
    expect(await log.forkPairs('general')).toHaveLength(MAX_FORK_SLOTS_PER_AUTHOR)
    const views = new Views({ selfId: 'me', orgs: plainOrgs, forks: log.forkBook })
    expect(views.message(held.at(-1)!)).toMatchObject({ forker: true })
    expect(views.message(held.at(-1)!).forked).toBeUndefined()
    expect(views.message(held[0]!).forked?.otherId).toBe(rivals[0]!.idHex)
    // an honest author is not marked
    const h = await entry(honest, 'general', 1, 'hello')
    await log.append(h)
    expect(views.message(h).forker).toBeUndefined()
  })

  it('takes only the bound from an older store that kept every fork, and several versions of a slot', async () => {
    const log = await open('log')
    const held: VerifiedEntry[] = []
    const rows: Array<[string, Uint8Array]> = []
    for (let seq = 1; seq <= 2 * MAX_FORK_SLOTS_PER_AUTHOR; seq++) {
      held.push(await entry(mallory, 'general', seq, `m${seq}`, held.at(-1)))
      for (const text of ['x', 'y']) {
        const r = await entry(mallory, 'general', seq, `${text}${seq}`, held.at(-2))
        rows.push([`!x!${feedKey('general', r.author, seq)}:${r.idHex}`, r.bytes])
      }
    }
    await log.appendMany(held)
    await log.load((async function * () { yield * rows })())
    expect(log.forkBook.ofTeam('general')).toHaveLength(MAX_FORK_SLOTS_PER_AUTHOR)
    expect(new Set(log.forkBook.ofTeam('general').map(v => v.entry.seq)).size).toBe(MAX_FORK_SLOTS_PER_AUTHOR)
  })

  it('expires the other version with the message', async () => {
    const log = await open('log')
    await log.append(a)
    await log.append(b)
    await log.expire('general', [a])
    expect(await log.forkEvidence('general')).toEqual([])
    expect(await log.has(b.idHex)).toBe(false)
    expect(await log.forkPairs('general')).toEqual([])
    // the author did fork: still marked
    expect(log.forkBook.forked('general', a.author)).toBe(true)
  })
})
