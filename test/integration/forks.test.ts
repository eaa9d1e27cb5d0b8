/**
 * A malicious member who signs two versions of one message (same author, team and sequence number)
 * and hands each to different colleagues at once: real nodes in one process (loopback, static
 * peers, no mDNS). Every node must end up marking both versions, in the same order; one that was
 * away learns of it by history sync; the exports record both; a forker of many messages costs each
 * node no more than the bound.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { verifyExport } from '../../src/export/export-file.js'
import { createEntry, encodeBody } from '../../src/model/index.js'
import { topicOfTeam } from '../../src/net/topics.js'
import { MAX_FORK_SLOTS_PER_AUTHOR } from '../../src/store/fork-book.js'
import { Fixture, waitFor } from '../helpers/nodes.js'
import type { ForkEvidence, MessageView } from '../../src/events.js'
import type { VerifiedEntry } from '../../src/model/index.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { EntryLog } from '../../src/store/entry-log.js'
import type { Identity } from '../../src/store/identity-file.js'
import type { Org } from '../../src/teams/org.js'

/** White-box access, to play an attacker who holds a member's keys and to look at what a node stored. */
interface Internals { org: Org, log: EntryLog, libp2p: ParleyLibp2p, identity: Identity }
const internals = (n: ParleyNode): Internals => n as unknown as Internals

/** An entry `author` signs for the slot after `after` (default: its feed head here), with any text. */
async function version (author: ParleyNode, team: string, text: string, after?: VerifiedEntry | null): Promise<VerifiedEntry> {
  const { org, log, identity } = internals(author)
  const head = after === undefined ? await log.feedHead(team, author.peerId) : after ?? undefined
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

/** Hand `v` to one peer only, over gossipsub's own wire, as a node that picks its recipients would. */
function sendOnlyTo (from: ParleyNode, to: ParleyNode, topic: string, v: VerifiedEntry): void {
  const pubsub = internals(from).libp2p.services.pubsub as unknown as { sendRpc: (id: string, rpc: object) => boolean }
  const sent = pubsub.sendRpc(to.peerId, { subscriptions: [], messages: [{ topic, data: v.bytes }] })
  if (!sent) throw new Error(`could not send to ${to.name}`)
}

/** The message of `author` at `seq` in a node's history of general. */
async function messageAt (n: ParleyNode, author: string, seq: number): Promise<MessageView | undefined> {
  return (await n.history('general', { limit: 500 })).messages.find(m => m.author === author && m.seq === seq)
}

describe('forks: two versions of one message, sent to different colleagues at once', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('every node marks both versions, in the same order, a node that was away learns it by history sync, and every export records both', async () => {
    const awayDir = await fx.tempDir()
    const nodes = await fx.office(5, 'Acme', i => i === 4 ? { dataDir: awayDir } : {}) as [ParleyNode, ParleyNode, ParleyNode, ParleyNode, ParleyNode]
    const [alice, bob, carol, mallory, dave] = nodes
    await mallory.send('general', 'morning')
    await waitFor(async () => (await Promise.all([alice, bob, carol, dave].map(async n => messageAt(n, mallory.peerId, 1)))).every(m => m !== undefined), 10_000, 'everyone has mallory\'s first message')
    await dave.stop()
    const forkEvents = new Map<ParleyNode, ForkEvidence[]>()
    for (const n of [alice, bob, carol]) {
      const seen: ForkEvidence[] = []
      n.addEventListener('entry:forked', (e) => { seen.push(e.detail) })
      forkEvents.set(n, seen)
    }

    const topic = topicOfTeam(alice.info().org!.id, 'general')
    const small = await version(mallory, 'general', 'I approve the supplier payment of EUR 5,000')
    const large = await version(mallory, 'general', 'I approve the supplier payment of EUR 50,000')
    expect(small.entry.seq).toBe(large.entry.seq)
    sendOnlyTo(mallory, alice, topic, small)
    sendOnlyTo(mallory, bob, topic, large)
    sendOnlyTo(mallory, carol, topic, large)

    const both = [small.idHex, large.idHex].sort()
    const seq = small.entry.seq
    for (const n of [alice, bob, carol]) {
      await waitFor(async () => (await messageAt(n, mallory.peerId, seq))?.forked !== undefined, 15_000, `${n.name} marks the fork`)
    }
    const views = await Promise.all([alice, bob, carol].map(async n => (await messageAt(n, mallory.peerId, seq))!))
    for (const m of views) {
      expect(m.forked!.versions.map(v => v.id)).toEqual(both)
      expect(m.forker).toBe(true)
    }
    // the same versions, texts and order everywhere, whichever each node saw first
    expect(views[1]!.forked!.versions).toEqual(views[0]!.forked!.versions)
    expect(views[2]!.forked!.versions).toEqual(views[0]!.forked!.versions)
    expect(views[0]!.forked!.versions.map(v => v.text).sort()).toEqual(['I approve the supplier payment of EUR 5,000', 'I approve the supplier payment of EUR 50,000'])
    // each node said so once, with the message as it shows now
    for (const n of [alice, bob, carol]) {
      const seen = forkEvents.get(n)!
      expect(seen).toHaveLength(1)
      expect(seen[0]!.message?.forked?.versions.map(v => v.id)).toEqual(both)
    }
    // mallory's earlier message is marked by her name too: she is a forker
    expect((await messageAt(bob, mallory.peerId, 1))?.forker).toBe(true)
    expect((await messageAt(bob, bob.peerId, 1))?.forker).toBeUndefined()

    // dave, away during all this, comes back while only alice is there (she holds the small version in
    // her feed, the large one as evidence): he learns of the fork from history sync alone
    for (const n of [bob, carol, mallory]) await n.stop()
    const back = await fx.node({ dataDir: awayDir, peers: [alice.info().addresses[0]!] })
    await waitFor(async () => (await messageAt(back, mallory.peerId, seq))?.forked !== undefined, 20_000, 'dave learns the fork on his return')
    expect((await messageAt(back, mallory.peerId, seq))!.forked!.versions).toEqual(views[0]!.forked!.versions)

    // every member's signed export holds both versions, and still verifies
    for (const n of [alice, back]) {
      const lines = await n.exportTeam('general')
      const record = lines.map(l => JSON.parse(l) as { kind: string, seq?: number, author?: string, forked?: { versions: Array<{ id: string, text: string }> } })
        .find(r => r.kind === 'message' && r.author === mallory.peerId && r.seq === seq)
      expect(record?.forked?.versions.map(v => v.id)).toEqual(both)
      expect(record?.forked?.versions.map(v => v.text)).toEqual(views[0]!.forked!.versions.map(v => v.text))
      await expect(verifyExport(lines.join('\n'))).resolves.toMatchObject({ team: 'general' })
      const csv = await n.exportTeam('general', { format: 'csv' })
      await expect(verifyExport(csv.join('\n'))).resolves.toMatchObject({ team: 'general' })
    }
  })

  it('a member forking message after message costs every node no more than the bound, and stays marked', async () => {
    const [alice, bob, mallory] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const topic = topicOfTeam(alice.info().org!.id, 'general')
    const pubsub = internals(mallory).libp2p.services.pubsub
    const count = 3 * MAX_FORK_SLOTS_PER_AUTHOR
    let head: VerifiedEntry | null = null
    const held: VerifiedEntry[] = []
    for (let i = 0; i < count; i++) {
      const v = await version(mallory, 'general', `message ${i}`, head)
      const rival = await version(mallory, 'general', `other version of ${i}`, head)
      held.push(v)
      head = v
      // her node holds one version, as a forker's does: colleagues who could not judge a gossiped
      // entry yet (its predecessor still being stored) fetch it from her by history sync
      await internals(mallory).log.append(v)
      await pubsub.publish(topic, v.bytes)
      await pubsub.publish(topic, rival.bytes)
    }
    for (const n of [alice, bob]) {
      await waitFor(async () => (await messageAt(n, mallory.peerId, count)) !== undefined, 15_000, `${n.name} has every message`)
      // (a rival whose predecessor was still being stored when it came may be dropped by the entry
      // limits' check, which cannot judge it yet: at most the bound, never more)
      await waitFor(async () => (await internals(n).log.forkEvidence('general')).length > 0, 15_000, `${n.name} keeps evidence`)
    }
    // a little later, still no more: what came after the bound was neither kept nor republished
    await bob.send('general', 'sync marker')
    await waitFor(async () => (await messageAt(alice, bob.peerId, 1)) !== undefined, 10_000, 'alice has bob\'s marker')
    for (const n of [alice, bob]) {
      expect((await internals(n).log.forkEvidence('general')).length).toBeLessThanOrEqual(MAX_FORK_SLOTS_PER_AUTHOR)
      const last = await messageAt(n, mallory.peerId, count)
      expect(last?.forker).toBe(true)
    }
    expect(held).toHaveLength(count)
  })
})
