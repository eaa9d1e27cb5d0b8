/**
 * The usage policy and the names the admin vouches for, with real nodes in one process (loopback,
 * static peers, no mDNS). A member who has not accepted the policy is played by a node whose own
 * posting gate is bypassed: it signs entries with its real key and sends them by gossip and history.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createEntry, encodeBody } from '../../src/model/index.js'
import { topicOfTeam } from '../../src/net/topics.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { VerifiedEntry } from '../../src/model/index.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { EntryLog } from '../../src/store/entry-log.js'
import type { Identity } from '../../src/store/identity-file.js'
import type { Org } from '../../src/teams/org.js'
import type { HistorySync } from '../../src/history/history-sync.js'

interface Internals { org: Org, log: EntryLog, libp2p: ParleyLibp2p, identity: Identity, historySync: HistorySync }
const internals = (n: ParleyNode): Internals => n as unknown as Internals

/** An entry `author` signs with its own key, as its node would if it did not check the policy. */
async function handMade (author: ParleyNode, team: string, text: string): Promise<VerifiedEntry> {
  const { org, log, identity } = internals(author)
  const head = await log.feedHead(team, author.peerId)
  const seq = (head?.entry.seq ?? 0) + 1
  const { epoch, body } = org.encryptBody(team, seq, encodeBody({ text, authorName: author.name }))
  return createEntry(identity.key, {
    team,
    seq,
    lamport: (await log.lamport(team)) + 1,
    wallTime: Date.now(),
    epoch,
    prev: head === undefined ? new Uint8Array(0) : new Uint8Array(head.id),
    body: new Uint8Array(body)
  })
}

describe('usage policy', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('a member who has not accepted reads but cannot post, and no other node takes their entries', async () => {
    const [admin, ann, bob] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    await admin.setPolicy('Be kind. No customer data in chat.')
    await waitFor(() => ann.policyStatus() !== null && bob.policyStatus() !== null, 10_000, 'the policy reaches everyone')
    expect(admin.policyStatus()?.mayPost).toBe(true)
    expect(ann.policyStatus()).toMatchObject({ version: 1, text: 'Be kind. No customer data in chat.', mayPost: false })

    // ann's node says why it does not post
    await expect(ann.send('general', 'hello')).rejects.toMatchObject({ name: 'PolicyNotAcceptedError' })
    // ann still reads
    const seen = nextEvent(ann, 'message:added', m => m.text === 'policy is up')
    await admin.send('general', 'policy is up')
    await seen

    // ann's node, gate bypassed: by gossip, then by history, to both other nodes
    const unaccepted = await handMade(ann, 'general', 'I did not sign anything')
    await internals(ann).log.append(unaccepted)
    const refusedByAdmin = nextEvent(admin, 'entry:rejected', r => r.reason === 'PolicyNotAcceptedError')
    const refusedByBob = nextEvent(bob, 'entry:rejected', r => r.reason === 'PolicyNotAcceptedError')
    await internals(ann).libp2p.services.pubsub.publish(topicOfTeam(admin.info().org!.id, 'general'), unaccepted.bytes)
    await Promise.all([refusedByAdmin, refusedByBob])
    for (const node of [admin, bob]) {
      await internals(node).historySync.syncTeam(internals(ann).libp2p.peerId, 'general')
      expect(await internals(node).log.has(unaccepted.idHex)).toBe(false)
    }

    // a node that took the entry in before it held the policy (played by storing it directly) does not show it
    await internals(bob).log.append(unaccepted)
    expect((await bob.history('general')).messages.map(m => m.text)).not.toContain('I did not sign anything')
    expect((await bob.history('general')).messages.map(m => m.text)).toContain('policy is up')

    // ann accepts, with a record signed by her own key that every node folds
    await ann.acceptPolicy(1)
    await waitFor(() => [admin, bob].every(n => n.policyStatus()?.members.find(m => m.peerId === ann.peerId)?.current === true), 10_000, 'ann\'s acceptance reaches everyone')
    expect(bob.policyStatus()?.members.find(m => m.peerId === bob.peerId)?.current).toBe(false)
    const arrives = nextEvent(bob, 'message:added', m => m.text === 'now I may')
    await ann.send('general', 'now I may')
    await arrives
    // accepting later does not make the earlier entry acceptable
    await internals(admin).historySync.syncTeam(internals(ann).libp2p.peerId, 'general')
    expect(await internals(admin).log.has(unaccepted.idHex)).toBe(false)

    // an acceptance of another version than the one in force is refused with a clear error
    await expect(bob.acceptPolicy(2)).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    // a member cannot publish a policy
    await expect(bob.setPolicy('anything goes')).rejects.toMatchObject({ name: 'NotAdminError' })
  })

  it('a policy asked at every session needs a new acceptance record each session', async () => {
    const [admin, ann] = await fx.office(2) as [ParleyNode, ParleyNode]
    await admin.setPolicy('v1')
    await waitFor(() => ann.policyStatus() !== null, 10_000, 'v1 reaches ann')
    await ann.acceptPolicy()
    await admin.setPolicy('v2: read me every morning', { everySession: true })
    await waitFor(() => ann.policyStatus()?.version === 2, 10_000, 'v2 reaches ann')
    await expect(ann.send('general', 'old acceptance')).rejects.toMatchObject({ name: 'PolicyNotAcceptedError' })
    await ann.acceptPolicy()
    await ann.send('general', 'session one')
    // a new chat session: the acceptance of the last one does not carry over
    expect(ann.beginPolicySession()?.mayPost).toBe(false)
    await expect(ann.send('general', 'session two, not accepted')).rejects.toMatchObject({ name: 'PolicyNotAcceptedError' })
    await ann.acceptPolicy()
    await ann.send('general', 'session two')
    await waitFor(() => (admin.policyStatus()?.members.find(m => m.peerId === ann.peerId)?.current ?? false) &&
      internals(admin).org.state.policy.accepted.get(ann.peerId)!.filter(a => a.version === 2).length === 2, 10_000, 'both session acceptances reach the admin')
  })
})

describe('names the admin vouches for', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('refuses a duplicate or look-alike name at join, and the invite stays usable', async () => {
    const [admin] = await fx.office(2) as [ParleyNode, ParleyNode]
    const { token } = await admin.invite()
    const newcomer = await fx.node({ name: 'x', peers: [admin.info().addresses[0]!] })
    await expect(newcomer.join(token, 'USER1')).rejects.toMatchObject({ name: 'NameTakenError' })
    await expect(newcomer.join(token, 'usеr1')).rejects.toMatchObject({ name: 'NameTakenError' }) // Cyrillic е
    await expect(newcomer.join(token, 'Âdmín')).rejects.toMatchObject({ name: 'NameTakenError' })
    expect(admin.members().map(m => m.name).sort()).toEqual(['admin', 'user1'])
    await newcomer.join(token, 'Dana Cruz')
    expect(newcomer.name).toBe('Dana Cruz')
  })

  it('an invite fixes the newcomer\'s name; renames are by an admin or on request, each unique', async () => {
    const [admin, user1] = await fx.office(2) as [ParleyNode, ParleyNode]
    await expect(admin.invite({ name: 'User 1' })).rejects.toMatchObject({ name: 'NameTakenError' })
    const { token } = await admin.invite({ name: 'Bea Jones' })
    // while that invite is open, nobody else may take the name
    await expect(admin.renameMember(user1.peerId, 'bea jones')).rejects.toMatchObject({ name: 'NameTakenError' })
    const bea = await fx.node({ name: 'x', peers: [admin.info().addresses[0]!] })
    await bea.join(token, 'Queen Bea')
    expect(bea.name).toBe('Bea Jones')
    expect(admin.members().find(m => m.peerId === bea.peerId)?.name).toBe('Bea Jones')

    // a member asks; an admin's node shows the request; the admin grants it; everyone sees it
    await expect(user1.requestRename('BEA JONES')).rejects.toMatchObject({ name: 'NameTakenError' })
    await user1.requestRename('Carl Ode')
    await waitFor(() => admin.renameRequests().some(r => r.peerId === user1.peerId && r.requested === 'Carl Ode'), 10_000, 'the request reaches the admin')
    await expect(user1.approveRename(user1.peerId)).rejects.toMatchObject({ name: 'NotAdminError' })
    await admin.approveRename(user1.peerId)
    await waitFor(() => user1.name === 'Carl Ode' && bea.members().some(m => m.name === 'Carl Ode'), 10_000, 'the rename reaches everyone')
    expect(admin.renameRequests()).toEqual([])
    // an admin renames directly; a member cannot
    await admin.renameMember(bea.peerId, 'Beatrice Jones')
    await waitFor(() => bea.name === 'Beatrice Jones', 10_000, 'bea learns her new name')
    await expect(user1.renameMember(bea.peerId, 'Nobody')).rejects.toMatchObject({ name: 'NotAdminError' })
  })
})
