/**
 * The conversation rules, applied to entries taken in in every order they can arrive in: the same
 * messages, edits, deletes and reactions give the same view whatever came first; and what an
 * attacking member signs (an edit of someone else's message, a delete without the right, acts
 * from another team) changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { actOrder, currentEdit, deletionOf, reactionsOf } from '../../../src/messages/conversation-rules.js'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { forgedSignature } from '../../helpers/forge.js'
import { conversationsOf, Office } from '../../helpers/office.js'
import type { Act } from '../../../src/messages/conversation-rules.js'
import type { BodyFields, VerifiedEntry } from '../../../src/model/index.js'
import type { Person } from '../../helpers/office.js'

/** Every order of `items` (n! of them; keep n small). */
function permutations<T> (items: T[]): T[][] {
  if (items.length <= 1) return [items]
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(rest => [x, ...rest]))
}

/** Entries one author writes in order in a team (each its next feed entry). */
class Feed {
  private seq = 0
  private prev = new Uint8Array(0)
  constructor (private readonly p: Person, private readonly team = 'general') {}
  async write (fields: Omit<BodyFields, 'authorName'>, lamport: number): Promise<VerifiedEntry> {
    const seq = ++this.seq
    const { epoch, body } = this.p.org.encryptBody(this.team, seq, encodeBody({ ...fields, authorName: this.p.name }))
    const v = await createEntry(this.p.me.key, { team: this.team, seq, lamport, wallTime: 1_700_000_000_000 + lamport, epoch, prev: new Uint8Array(this.prev), body: new Uint8Array(body), ...(fields.editOf !== undefined ? { editOf: fields.editOf } : {}) })
    this.prev = new Uint8Array(v.id)
    return v
  }
}

describe('messages/conversation-rules', () => {
  const act = (a: Partial<Act> & Pick<Act, 'id' | 'kind' | 'by'>): Act => ({ team: 'general', lamport: 1, time: 1, ...a })
  const target = { id: 'm', team: 'general', author: 'alice' }

  it('gives the same verdicts for every order of the same acts', () => {
    const acts = [
      act({ id: 'e1', kind: 'edit', by: 'alice', lamport: 3 }),
      act({ id: 'e2', kind: 'edit', by: 'alice', lamport: 5 }),
      act({ id: 'e3', kind: 'edit', by: 'mallory', lamport: 9 }),
      act({ id: 'r1', kind: 'reaction', by: 'bob', emoji: '👍', lamport: 2 }),
      act({ id: 'r2', kind: 'reaction', by: 'bob', emoji: '👍', remove: true, lamport: 4 })
    ]
    for (const order of permutations(acts)) {
      expect(currentEdit(target, order)?.id).toBe('e2')
      expect(reactionsOf(target, order)).toEqual({})
      expect(deletionOf(target, order, () => false)).toBeUndefined()
    }
  })

  it('only the author edits; the author or an admin deletes, the first delete is the one shown; one reaction per person per emoji', () => {
    expect(currentEdit(target, [act({ id: 'x', kind: 'edit', by: 'mallory' })])).toBeUndefined()
    const deletes = [act({ id: 'd2', kind: 'delete', by: 'admin', lamport: 8 }), act({ id: 'd1', kind: 'delete', by: 'mallory', lamport: 2 }), act({ id: 'd3', kind: 'delete', by: 'alice', lamport: 9 })]
    expect(deletionOf(target, deletes, p => p === 'admin')?.id).toBe('d2')
    expect(deletionOf(target, deletes, () => false)?.id).toBe('d3')
    const reactions = [
      act({ id: 'a', kind: 'reaction', by: 'bob', emoji: '👍', lamport: 1 }),
      act({ id: 'b', kind: 'reaction', by: 'bob', emoji: '👍', lamport: 2 }),
      act({ id: 'c', kind: 'reaction', by: 'carol', emoji: '👍', lamport: 3 }),
      act({ id: 'd', kind: 'reaction', by: 'carol', emoji: '🎉', lamport: 4 })
    ]
    expect(reactionsOf(target, reactions)).toEqual({ '👍': ['bob', 'carol'], '🎉': ['carol'] })
    // acts of another team never touch the message
    expect(currentEdit(target, [act({ id: 'y', kind: 'edit', by: 'alice', team: 'ops' })])).toBeUndefined()
    expect(deletionOf(target, [act({ id: 'z', kind: 'delete', by: 'alice', team: 'ops' })], () => true)).toBeUndefined()
    expect(reactionsOf(target, [act({ id: 'w', kind: 'reaction', by: 'bob', emoji: '👍', team: 'ops' })])).toEqual({})
    // ties on the clock are broken by id, the same everywhere
    expect(actOrder({ lamport: 1, id: 'a' }, { lamport: 1, id: 'b' })).toBeLessThan(0)
  })
})

describe('messages/conversations', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('shows the same message whatever order its edit, reactions, reply and delete arrive in (and acts wait for their message)', async () => {
    const [admin, alice, bob] = await office.found('admin', 'alice', 'bob') as [Person, Person, Person]
    const fa = new Feed(alice)
    const fb = new Feed(bob)
    const m = await fa.write({ text: 'draft one' }, 1)
    const edit = await fa.write({ text: 'draft two', editOf: m.id }, 2)
    const like = await fb.write({ text: '', reaction: { target: m.id, emoji: '👍', remove: false } }, 3)
    const reply = await fb.write({ text: 'looks good', replyTo: m.id }, 4)
    const entries = [m, edit, like, reply]
    let expected: unknown
    for (const order of permutations(entries)) {
      const reader = await office.stranger('reader')
      reader.orgs.set(bob.org)
      const views = new Views({ selfId: reader.me.peerId, orgs: bob.orgs })
      const conv = conversationsOf({ ...bob, log: reader.log }, views)
      await conv.start()
      for (const v of order) {
        await reader.log.append(v)
        await conv.stored([v], false)
      }
      const shown = await conv.view(m.idHex)
      const { thread } = { thread: await conv.thread(m.idHex) }
      const got = { text: shown.text, edited: shown.edited, reactions: shown.reactions, replies: shown.replies?.count, thread: thread.replies.map(r => [r.text, r.quote?.text]) }
      expected ??= got
      expect(got).toEqual(expected)
      expect(await conv.view(reply.idHex)).toMatchObject({ replyTo: m.idHex, quote: { text: 'draft two' } })
      // acts are not messages of their own
      expect([edit, like].map(v => conv.isAct(v))).toEqual([true, true])
      await conv.stop()
      await reader.log.close()
    }
    expect(expected).toEqual({ text: 'draft two', edited: edit.entry.wallTime, reactions: { '👍': [bob.me.peerId] }, replies: 1, thread: [['looks good', 'draft two']] })
    void admin
  })

  it('a delete erases the message and its edits in every arrival order; an attacking member\'s acts change nothing', async () => {
    const [, alice, bob, mallory] = await office.found('admin', 'alice', 'bob', 'mallory') as [Person, Person, Person, Person]
    const fa = new Feed(alice)
    const fm = new Feed(mallory)
    const m = await fa.write({ text: 'the secret is 1234' }, 1)
    const edit = await fa.write({ text: 'the secret is 5678', editOf: m.id }, 2)
    const del = await fa.write({ text: '', deleteOf: m.id }, 3)
    // mallory: an edit of alice's message, a delete without the right
    const forgedEdit = await fm.write({ text: 'mallory was here', editOf: m.id }, 4)
    const other = await new Feed(bob).write({ text: 'bob keeps this' }, 1)
    const forgedDelete = await fm.write({ text: '', deleteOf: other.id }, 5)
    for (const order of permutations([m, edit, del, forgedEdit])) {
      const reader = await office.stranger('reader')
      const views = new Views({ selfId: reader.me.peerId, orgs: bob.orgs })
      const conv = conversationsOf({ ...bob, log: reader.log }, views)
      await conv.start()
      for (const v of [...order, other, forgedDelete]) {
        await reader.log.append(v)
        await conv.stored([v], false)
      }
      const shown = await conv.view(m.idHex)
      expect(shown).toMatchObject({ text: '', deleted: { by: alice.me.peerId } })
      // the bodies of the message and of its edit are gone from the log; the feed still verifies
      for (const v of [m, edit]) {
        const stored = await reader.log.get(v.idHex)
        expect(stored?.erased).toBe(true)
        expect(stored?.entry.body.length).toBe(0)
      }
      // mallory's edit is not erased (it is no edit of alice's), and never shown
      expect((await reader.log.get(forgedEdit.idHex))?.erased).toBeUndefined()
      expect((await conv.view(other.idHex)).deleted).toBeUndefined()
      expect((await conv.view(other.idHex)).text).toBe('bob keeps this')
      await conv.stop()
      await reader.log.close()
    }
  })

  it('checks the deletes a peer serves beside erased entries as if their authors had sent them', async () => {
    const [admin, alice] = await office.found('admin', 'alice') as [Person, Person]
    await admin.org.createTeam('ops', [alice.me.peerId])
    await office.spread()
    const fa = new Feed(alice)
    const m = await fa.write({ text: 'oops' }, 1)
    const del = await fa.write({ text: '', deleteOf: m.id }, 2)
    const notADelete = await fa.write({ text: 'just a message' }, 3)
    const otherTeam = await new Feed(alice, 'ops').write({ text: '', deleteOf: m.id }, 1)
    const conv = conversationsOf(admin, new Views({ selfId: admin.me.peerId, orgs: admin.orgs }))
    const checked = await conv.checkErasures('general', [del.bytes, forgedSignature(del.bytes), notADelete.bytes, otherTeam.bytes, new Uint8Array([1, 2, 3])])
    expect([...checked]).toEqual([[m.idHex, alice.me.peerId]])
  })

  it('an edit whose signed fields name another message than its body is no edit', async () => {
    const [, alice] = await office.found('admin', 'alice') as [Person, Person]
    const fa = new Feed(alice)
    const m1 = await fa.write({ text: 'one' }, 1)
    const m2 = await fa.write({ text: 'two' }, 2)
    // the body says m1, the signed fields say m2: an erasure of m2 must not take a text of m1's
    const seq = 3
    const { epoch, body } = alice.org.encryptBody('general', seq, encodeBody({ text: 'sneaky', editOf: m1.id, authorName: 'alice' }))
    const bad = await createEntry(alice.me.key, { team: 'general', seq, lamport: 3, wallTime: 1_700_000_000_003, epoch, prev: new Uint8Array(m2.id), body: new Uint8Array(body), editOf: m2.id })
    const views = new Views({ selfId: alice.me.peerId, orgs: alice.orgs })
    const conv = conversationsOf(alice, views)
    await conv.start()
    for (const v of [m1, m2, bad]) {
      await alice.log.append(v)
      await conv.stored([v], false)
    }
    expect((await conv.view(m1.idHex)).text).toBe('one')
    expect((await conv.view(m2.idHex)).text).toBe('two')
    await conv.stop()
  })
})
