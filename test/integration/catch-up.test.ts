/**
 * Nodes whose view of the org is behind (a record lost on gossip, a restart, a member they have not
 * heard of) catch up from the peer at hand at once, instead of refusing it or waiting for the
 * periodic resync. Real nodes in one process (loopback, static peers, no mDNS).
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeRecord } from '../../src/model/index.js'
import { orgTopic } from '../../src/net/topics.js'
import { Fixture, waitFor } from '../helpers/nodes.js'
import type { HistorySync } from '../../src/history/history-sync.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { Org } from '../../src/teams/org.js'
import type { Connection, Stream } from '@libp2p/interface'

interface OrgSyncInternals {
  /** org syncs under way, by peer */
  syncing: Map<string, Promise<void>>
  serve: (stream: Stream, connection: Connection) => Promise<void>
}
interface Internals {
  org: Org
  libp2p: ParleyLibp2p
  historySync: HistorySync
  run: { orgSync: OrgSyncInternals, sessions: { resync: { stop: () => void } } }
}
/** White-box access, to stage what the network does at scale: lost gossip, slow peers. */
const internals = (n: ParleyNode): Internals => n as unknown as Internals

/** Switch off the periodic org resync, so only the catch-up under test can bring what is missing. */
function noPeriodicResync (n: ParleyNode): void {
  internals(n).run.sessions.resync.stop()
}

/** Lose, on the way to `n`, the org records on gossip that `lose` picks (as a busy network would). */
function loseOrgRecords (n: ParleyNode, lose: (signer: string, seq: number) => boolean): { lost: number } {
  const pubsub = internals(n).libp2p.services.pubsub
  const topic = orgTopic(n.info().org!.id)
  const validate = pubsub.topicValidators.get(topic)!
  const counter = { lost: 0 }
  pubsub.topicValidators.set(topic, async (from, msg) => {
    const r = await decodeRecord(msg.data)
    if (!lose(r.signer, r.record.seq)) return validate(from, msg)
    counter.lost++
    return TopicValidatorResult.Ignore
  })
  return counter
}

describe('catching up on the org', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('a node that missed an admin record on gossip fetches it from the relaying peer at once', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    noPeriodicResync(user)
    // the org sync a newcomer starts right after joining must be over: on a busy machine it could
    // still be on its way and bring the record this test loses on gossip
    await waitFor(() => internals(user).run.orgSync.syncing.size === 0, 10_000, 'the post-join org sync done')
    const missed = internals(admin).org.state.heads.get(admin.peerId)!.seq + 1
    const lost = loseOrgRecords(user, (signer, seq) => signer === admin.peerId && seq === missed)
    await admin.createTeam('first', [user.peerId])
    await waitFor(() => lost.lost === 1, 10_000, 'the record creating #first lost on the way')
    expect(user.joinedTeams()).not.toContain('first')
    // the next record cannot apply before the lost one: the node asks the admin for what it lacks
    await admin.createTeam('second', [user.peerId])
    await waitFor(() => user.joinedTeams().includes('first') && user.joinedTeams().includes('second'), 10_000, 'both teams reach the user')
    expect(internals(user).org.state.heads.get(admin.peerId)?.seq).toBe(missed + 1)
  })

  it('a node serves history to a member it has not heard of yet, after learning of them from that member', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const sent = await admin.send('general', 'before you came')
    await waitFor(async () => (await user.history('general')).messages.some(m => m.id === sent.id), 10_000, 'user has the message')
    const newcomer = await fx.node({ peers: [admin.info().addresses[0]!, user.info().addresses[0]!] })
    await waitFor(() => newcomer.peers().length === 2, 10_000, 'newcomer connected to both')
    // the user is behind: the records that admit the newcomer never reach it
    noPeriodicResync(user)
    loseOrgRecords(user, () => true)
    const { token } = await admin.invite()
    await newcomer.join(token, 'newcomer')
    expect(user.members().map(m => m.peerId)).not.toContain(newcomer.peerId)
    const refused: string[] = []
    newcomer.addEventListener('entry:rejected', (e) => { refused.push(`${e.detail.reason}: ${e.detail.message}`) })
    // (a newcomer also fetches from the admin as soon as it has joined, so what the user sends may be nothing new)
    await internals(newcomer).historySync.syncTeam(peerIdFromString(user.peerId), 'general')
    expect(refused).toEqual([])
    expect(user.members().map(m => m.peerId)).toContain(newcomer.peerId)
    expect((await newcomer.history('general')).messages.map(m => m.id)).toContain(sent.id)
  })

  it('a restarted node syncs the org with a peer before it fetches history from that peer', async () => {
    const [admin, user, leaver] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const dir = user.dataDir
    await user.stop()
    // while the user is away, #general moves to a new key and a message is written under it
    await admin.removeMember(leaver.peerId)
    const sent = await admin.send('general', 'under the new key')
    // the admin is slow to answer org syncs (a big org, a loaded machine): it answers once it has
    // served a history request, or after a while if none comes
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    const fallback = setTimeout(release, 3_000)
    const adminInternals = internals(admin)
    const orgSync = adminInternals.run.orgSync
    const serveOrgSync = orgSync.serve.bind(orgSync)
    orgSync.serve = async (stream, connection) => {
      await released
      await serveOrgSync(stream, connection)
    }
    const history = adminInternals.historySync as unknown as { serve: (stream: Stream, connection: Connection) => Promise<void> }
    const serveHistory = history.serve.bind(history)
    history.serve = async (stream, connection) => {
      await serveHistory(stream, connection)
      release()
    }
    try {
      const back = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
      const refused: string[] = []
      back.addEventListener('entry:rejected', (e) => { refused.push(`${e.detail.reason}: ${e.detail.message}`) })
      await waitFor(() => back.peers().some(p => p.peerId === admin.peerId), 10_000, 'back in touch with the admin')
      // any history fetch (a first post, a gap seen on gossip, the periodic round) waits for the org
      await internals(back).historySync.syncTeam(peerIdFromString(admin.peerId), 'general')
      expect(refused).toEqual([])
      const got = (await back.history('general')).messages.find(m => m.id === sent.id)
      expect(got?.readable).toBe(true)
      expect(back.teams().find(t => t.name === 'general')?.epoch).toBe(admin.teams().find(t => t.name === 'general')?.epoch)
    } finally {
      clearTimeout(fallback)
      release()
    }
  })
})
