import { afterEach, describe, expect, it } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { PeerSessions, RESYNC_PEERS } from '../../../src/teams/peer-sessions.js'
import { collect, Office } from '../../helpers/office.js'
import type { Person } from '../../helpers/office.js'
import type { PeerId } from '@libp2p/interface'

class FakeLibp2p extends EventTarget {
  peers: PeerId[] = []
  getPeers (): PeerId[] { return this.peers }
  getConnections (peer?: PeerId): Array<{ remotePeer: PeerId, remoteAddr: { toString: () => string } }> {
    return this.peers.filter(p => peer === undefined || p.equals(peer)).map(p => ({ remotePeer: p, remoteAddr: { toString: () => `/ip4/10.0.0.1/tcp/7717/p2p/${p.toString()}` } }))
  }
}

describe('teams/peer-sessions', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('announces a peer once per spell, syncs org then the teams shared with it, and forgets it when it goes', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [])
    const libp2p = new FakeLibp2p()
    const order: string[] = []
    const seen = { connected: [] as string[], gone: [] as string[] }
    const connected = collect(admin.events, 'peer:connected')
    const gone = collect(admin.events, 'peer:disconnected')
    const sessions = new PeerSessions({
      selfId: admin.me.peerId,
      orgs: admin.orgs,
      libp2p: libp2p as never,
      orgSync: { sync: async (p) => { order.push(`org ${p.toString()}`) }, peerGone: (p) => { order.push(`gone ${p}`) } },
      history: { syncTeam: async (p, team) => { order.push(`history ${team}`); return 0 }, fetching: new Map(), lastSynced: new Map() },
      log: admin.log,
      peers: { connected: (p) => { seen.connected.push(p) }, gone: (p) => { seen.gone.push(p) } },
      events: admin.events
    })
    // a peer connected while libp2p started counts at start
    libp2p.peers = [bob.peer]
    sessions.start()
    libp2p.dispatchEvent(new CustomEvent('peer:connect', { detail: bob.peer }))
    await new Promise(resolve => setImmediate(resolve))
    expect(connected.map(c => c.peerId)).toEqual([bob.me.peerId])
    expect(connected[0]!.addresses).toHaveLength(1)
    // ops is not shared with bob; the direct conversation is
    expect(order).toEqual([`org ${bob.me.peerId}`, 'history general', `history ${admin.org.directTeam(bob.me.peerId)}`])
    expect(sessions.peers()).toEqual([{ peerId: bob.me.peerId, addresses: [expect.stringContaining('/ip4/10.0.0.1')] }])
    libp2p.dispatchEvent(new CustomEvent('peer:disconnect', { detail: bob.peer }))
    expect(gone.map(g => g.peerId)).toEqual([bob.me.peerId])
    expect(seen).toEqual({ connected: [bob.me.peerId], gone: [bob.me.peerId] })
    // back again: announced again
    libp2p.dispatchEvent(new CustomEvent('peer:connect', { detail: bob.peer }))
    expect(connected).toHaveLength(2)
    const status = await sessions.status()
    expect(status.map(s => s.team).sort()).toEqual(['general', 'ops'])
    sessions.stop()
  })

  it('resyncs with a few peers per interval, going round all of them; a peer that connects is synced at once and a flapping one waits its turn', async () => {
    const [admin] = await office.found('admin') as [Person]
    const libp2p = new FakeLibp2p()
    const synced: string[] = []
    const sessions = new PeerSessions({
      selfId: admin.me.peerId,
      orgs: admin.orgs,
      libp2p: libp2p as never,
      orgSync: { sync: async (p) => { synced.push(p.toString()) }, peerGone: () => {} },
      history: { syncTeam: async () => 0, fetching: new Map(), lastSynced: new Map() },
      log: admin.log,
      peers: { connected: () => {}, gone: () => {} },
      events: admin.events
    })
    const count = 3 * RESYNC_PEERS + 1
    libp2p.peers = await Promise.all(Array.from({ length: count }, async () => peerIdFromPrivateKey(await generateIdentityKey())))
    const ids = libp2p.peers.map(p => p.toString())
    sessions.start()
    // each connected peer is synced once, at connect
    expect([...synced].sort()).toEqual([...ids].sort())
    synced.length = 0
    const rounds: string[][] = []
    for (let i = 0; i < Math.ceil(count / RESYNC_PEERS); i++) rounds.push(sessions.resyncSome().map(p => p.toString()))
    for (const round of rounds) expect(round.length).toBeLessThanOrEqual(RESYNC_PEERS)
    // over enough intervals every peer comes round, none twice before all have
    expect(new Set(rounds.flat().slice(0, count)).size).toBe(count)
    expect(synced).toEqual(rounds.flat())
    // a peer that drops and reconnects is synced at once, and goes to the back of the round
    const flapper = libp2p.peers[0]!
    const next = sessions.resyncSome().map(p => p.toString())
    libp2p.dispatchEvent(new CustomEvent('peer:disconnect', { detail: flapper }))
    libp2p.dispatchEvent(new CustomEvent('peer:connect', { detail: flapper }))
    expect(synced.at(-1)).toBe(flapper.toString())
    const after = sessions.resyncSome().map(p => p.toString())
    expect(after).not.toContain(flapper.toString())
    expect(after.some(p => next.includes(p))).toBe(false)
    sessions.stop()
  })
})
