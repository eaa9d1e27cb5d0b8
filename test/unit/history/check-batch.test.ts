import { forgedSignature } from '../../helpers/forge.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkBatch } from '../../../src/history/check-batch.js'
import { decodeEntryStructure, erasedForm } from '../../../src/model/index.js'
import { feed, orgStub, person, tempLog } from './fixtures.js'
import type { Person } from './fixtures.js'
import type { CheckContext, Exchange } from '../../../src/history/check-batch.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { EntryLog } from '../../../src/store/entry-log.js'

const bytesOf = (vs: VerifiedEntry[]): Uint8Array[] => vs.map(v => new Uint8Array(v.bytes))

/** The same entry with its signature's last byte flipped. */
function forged (v: VerifiedEntry): Uint8Array {
  const bytes = forgedSignature(v.bytes)
  return bytes
}

describe('history/check-batch', () => {
  let store: { log: EntryLog, close: () => Promise<void> }
  let alice: Person
  let bob: Person
  let skipped: Error[]
  let forks: string[]
  let ctx: CheckContext
  const exchange = (): Exchange => ({ skipped: new Map(), highest: 0 })
  beforeEach(async () => {
    store = await tempLog()
    alice = await person()
    bob = await person()
    skipped = []
    forks = []
    ctx = { log: store.log, now: Date.now, onSkipped: (_team, e) => { skipped.push(e) }, onFork: (_v, existing) => { forks.push(existing) } }
  })
  afterEach(async () => { await store.close() })

  it('takes unbroken, signed runs of authors in the roster, skipping what is held', async () => {
    const { view } = orgStub({ members: new Set([alice.id, bob.id]) })
    const a = await feed(alice, 'general', 4)
    const b = await feed(bob, 'general', 2)
    const heads = new Map([[alice.id, { seq: 1, idHex: a[0]!.idHex }]])
    const checked = await checkBatch(ctx, 'server', 'general', bytesOf([...a, ...b]), view, heads, false, exchange())
    expect(checked.accepted.map(v => `${v.author === alice.id ? 'a' : 'b'}${v.entry.seq}`)).toEqual(['a2', 'a3', 'a4', 'b1', 'b2'])
    expect(checked.lasts.get(alice.id)?.seq).toBe(4)
  })

  it('refuses a run with a gap, and one whose entry names another predecessor', async () => {
    const { view } = orgStub({ members: new Set([alice.id]) })
    const a = await feed(alice, 'general', 3)
    await expect(checkBatch(ctx, 'server', 'general', bytesOf([a[0]!, a[2]!]), view, new Map(), false, exchange())).rejects.toHaveProperty('name', 'GappedRangeError')
    // a signed successor of another entry 1: kept as fork evidence when asked to, and refused
    const other = await feed(alice, 'general', 2, undefined, { text: 'other' })
    await store.log.append(a[0]!)
    const heads = new Map([[alice.id, { seq: 1, idHex: a[0]!.idHex }]])
    await expect(checkBatch(ctx, 'server', 'general', bytesOf([other[1]!]), view, heads, true, exchange())).rejects.toHaveProperty('name', 'GappedRangeError')
    expect(forks).toHaveLength(1)
  })

  it('refuses a forged entry: the last of a run must carry its author\'s signature', async () => {
    const { view } = orgStub({ members: new Set([alice.id]) })
    const a = await feed(alice, 'general', 3)
    await expect(checkBatch(ctx, 'server', 'general', [...bytesOf(a.slice(0, 2)), forged(a[2]!)], view, new Map(), false, exchange())).rejects.toHaveProperty('name', 'BadSignatureError')
  })

  it('takes an erased entry only with a delete behind it (by its author or an admin) or past retention: a member cannot make others lose a message', async () => {
    const admin = await person()
    const { view } = orgStub({ members: new Set([alice.id, bob.id, admin.id]), admins: new Set([admin.id]) })
    const a = await feed(alice, 'general', 2)
    const stripped = [a[0]!, erasedForm(a[1]!)!]
    expect(stripped[1]!.idHex).toBe(a[1]!.idHex)
    // nothing served beside it: refused, whoever serves it
    await expect(checkBatch(ctx, 'bob', 'general', bytesOf(stripped), view, new Map(), false, exchange())).rejects.toHaveProperty('name', 'InvalidEntryError')
    // a "delete" by another member does not explain it
    await expect(checkBatch(ctx, 'bob', 'general', bytesOf(stripped), view, new Map(), false, { ...exchange(), erasedBy: new Map([[a[1]!.idHex, bob.id]]) })).rejects.toHaveProperty('name', 'InvalidEntryError')
    // a delete by a member for another message explains nothing either
    await expect(checkBatch(ctx, 'bob', 'general', bytesOf(stripped), view, new Map(), false, { ...exchange(), erasedBy: new Map([[a[0]!.idHex, alice.id]]) })).rejects.toHaveProperty('name', 'InvalidEntryError')
    // by its author, or by an admin: taken, still chained and signed
    for (const by of [alice.id, admin.id]) {
      const checked = await checkBatch(ctx, 'bob', 'general', bytesOf(stripped), view, new Map(), false, { ...exchange(), erasedBy: new Map([[a[1]!.idHex, by]]) })
      expect(checked.accepted.map(v => [v.entry.seq, v.erased === true])).toEqual([[1, false], [2, true]])
    }
    // past retention here: taken without a delete
    const expiring = { ...ctx, expired: () => true }
    expect((await checkBatch(expiring, 'bob', 'general', bytesOf(stripped), view, new Map(), false, exchange())).accepted).toHaveLength(2)
    // an erased entry with its signature forged is refused as forged, even with a "delete" for it
    const forgedStub = forgedSignature(stripped[1]!.bytes)
    const forgedId = decodeEntryStructure(forgedStub).idHex
    await expect(checkBatch(ctx, 'bob', 'general', [new Uint8Array(a[0]!.bytes), forgedStub], view, new Map(), false, { ...exchange(), erasedBy: new Map([[forgedId, alice.id]]) })).rejects.toHaveProperty('name', 'BadSignatureError')
  })

  it('refuses an entry of another team, of an author outside the roster, and of an unknown epoch', async () => {
    const { view } = orgStub({ members: new Set([alice.id]) })
    await expect(checkBatch(ctx, 'server', 'general', bytesOf(await feed(alice, 'random', 1)), view, new Map(), false, exchange())).rejects.toHaveProperty('name', 'OutOfTeamError')
    await expect(checkBatch(ctx, 'server', 'general', bytesOf(await feed(bob, 'general', 1)), view, new Map(), false, exchange())).rejects.toHaveProperty('name', 'NotMemberError')
    await expect(checkBatch(ctx, 'server', 'general', bytesOf(await feed(alice, 'general', 1, undefined, { epoch: 2 })), view, new Map(), false, exchange())).rejects.toHaveProperty('name', 'UnknownEpochError')
  })

  it('leaves a removed author\'s run out of the rest of the exchange, said once, and takes the other authors\'', async () => {
    const { view } = orgStub({ members: new Set([bob.id]), removed: new Set([alice.id]) })
    const a = await feed(alice, 'general', 3)
    const b = await feed(bob, 'general', 2)
    const ex = exchange()
    const checked = await checkBatch(ctx, 'server', 'general', bytesOf([...a, ...b]), view, new Map(), false, ex)
    expect(checked.accepted.every(v => v.author === bob.id)).toBe(true)
    expect(checked.accepted).toHaveLength(2)
    const again = await checkBatch(ctx, 'server', 'general', bytesOf(a), view, new Map(), false, ex)
    expect(again.accepted).toEqual([])
    expect(skipped.map(e => e.name)).toEqual(['RemovedAuthorError'])
  })

  it('takes a removed author\'s run only up to the last entry their removal names, whole and genuine', async () => {
    const a = await feed(alice, 'general', 5)
    const b = await feed(bob, 'general', 1)
    const end = { seq: 3, idHex: a[2]!.idHex }
    const { view } = orgStub({ members: new Set([bob.id]), removed: new Set([alice.id]), ends: new Map([[alice.id, end]]) })
    // up to the named entry, and nothing after it
    const checked = await checkBatch(ctx, 'server', 'general', bytesOf([...a, ...b]), view, new Map(), false, exchange())
    expect(checked.accepted.filter(v => v.author === alice.id).map(v => v.entry.seq)).toEqual([1, 2, 3])
    expect(checked.accepted.filter(v => v.author === bob.id)).toHaveLength(1)
    expect(skipped.map(e => e.name)).toEqual(['RemovedAuthorError'])
    // a run that stops short of it proves nothing: none of it is taken
    skipped = []
    const short = await checkBatch(ctx, 'server', 'general', bytesOf(a.slice(0, 2)), view, new Map(), false, exchange())
    expect(short.accepted).toEqual([])
    expect(skipped.map(e => e.name)).toEqual(['RemovedAuthorError'])
    // another entry 3, signed by the removed author (backdated at will): not the one named
    skipped = []
    const other = await feed(alice, 'general', 3, undefined, { text: 'new IBAN' })
    const forgedRun = await checkBatch(ctx, 'server', 'general', bytesOf(other), view, new Map(), false, exchange())
    expect(forgedRun.accepted).toEqual([])
    // a removal that names no entry (an older record): nothing of theirs after it
    skipped = []
    const { view: old } = orgStub({ members: new Set([bob.id]), removed: new Set([alice.id]) })
    expect((await checkBatch(ctx, 'server', 'general', bytesOf(a), old, new Map(), false, exchange())).accepted).toEqual([])
  })

  it('ends the run of an author the usage policy refuses, without blaming the server, and takes the other authors\'', async () => {
    const { view } = orgStub({ members: new Set([alice.id, bob.id]), unaccepted: new Set([alice.id]) })
    const a = await feed(alice, 'general', 2)
    const b = await feed(bob, 'general', 2)
    const checked = await checkBatch(ctx, 'server', 'general', bytesOf([...a, ...b]), view, new Map(), false, exchange())
    expect(checked.accepted.map(v => v.author)).toEqual([bob.id, bob.id])
    expect(skipped.map(e => e.name)).toEqual(['PolicyNotAcceptedError'])
  })

  it('leaves a suspended author\'s run out the same way, without blaming the server', async () => {
    const { view } = orgStub({ members: new Set([alice.id, bob.id]), suspended: new Set([alice.id]) })
    const a = await feed(alice, 'general', 2)
    const b = await feed(bob, 'general', 1)
    const checked = await checkBatch(ctx, 'server', 'general', bytesOf([...a, ...b]), view, new Map(), false, exchange())
    expect(checked.accepted.map(v => v.author)).toEqual([bob.id])
    expect(skipped.map(e => e.name)).toEqual(['RemovedAuthorError'])
    expect(skipped[0]?.message).toMatch(/suspended/)
  })

  it('starts a run above the held head when what lies between expired here, and says where the new floor is', async () => {
    const { view } = orgStub({ members: new Set([alice.id]) })
    const a = await feed(alice, 'general', 5)
    const checked = await checkBatch({ ...ctx, expired: () => true }, 'server', 'general', bytesOf(a.slice(3)), view, new Map(), false, exchange())
    expect(checked.accepted.map(v => v.entry.seq)).toEqual([4, 5])
    expect(checked.floors.get(alice.id)).toEqual({ seq: 3, idHex: a[2]!.idHex })
  })
})
