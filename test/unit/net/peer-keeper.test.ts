import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { peerKeeper } from '../../../src/net/peer-keeper.js'
import type { PeerKeeper, PeerKeeperComponents, PeerKeeperInit, SightingEvents } from '../../../src/net/peer-keeper.js'
import type { Connection, Libp2pEvents, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Time passes (fake timers: every test is deterministic however busy the machine is). */
async function sleep (ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
}

async function newPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** Two peer ids, the first sorting below the second (the lower one dials at once). */
async function orderedPair (): Promise<[PeerId, PeerId]> {
  const a = await newPeerId()
  const b = await newPeerId()
  return a.toString() < b.toString() ? [a, b] : [b, a]
}

/**
 * Stand-ins for libp2p's components: a dialer that answers as the test says (no sockets), the
 * connections it made, and the event bus.
 */
class FakeLibp2p {
  readonly events = new TypedEventEmitter<Libp2pEvents>()
  readonly sightings = new TypedEventEmitter<SightingEvents>()
  readonly connections: Connection[] = []
  readonly dials: Array<{ at: number, addrs: string[] }> = []
  /** peers whose dials succeed; others are refused like a closed port */
  readonly reachable = new Set<string>()
  /** addresses (IPv4) that accept a connection and then never answer */
  readonly tarpits = new Set<string>()
  readonly known = new Map<string, PeerId>()

  constructor (readonly self: PeerId) {}

  components (): PeerKeeperComponents {
    return {
      peerId: this.self,
      events: this.events,
      connectionManager: {
        openConnection: async (addrs: Multiaddr[], options?: { signal?: AbortSignal }) => {
          const peer = addrs[0]?.getComponents().find(c => c.name === 'p2p')?.value ?? ''
          this.dials.push({ at: Date.now(), addrs: addrs.map(String) })
          const ip = addrs[0]?.getComponents().find(c => c.name === 'ip4')?.value ?? ''
          if (this.tarpits.has(ip)) {
            // accepts TCP and then says nothing: only the dial's own timeout ends it
            await new Promise((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(new Error('The operation was aborted due to timeout')) }) })
          }
          await new Promise(resolve => setTimeout(resolve, 5))
          if (!this.reachable.has(peer)) throw new Error('connect ECONNREFUSED')
          return this.connect(this.known.get(peer)!, 'outbound')
        },
        getConnections: (peerId?: PeerId) => this.connections.filter(c => peerId === undefined || c.remotePeer.equals(peerId))
      },
      peerStore: { get: async () => Promise.reject(new Error('not found')) },
      addressManager: { getAddresses: () => [multiaddr('/ip4/10.0.0.1/tcp/7717')] }
    }
  }

  /** peers whose connections no longer carry anything (this host's address went away) */
  readonly deadPaths = new Set<string>()

  connect (peer: PeerId, direction: 'inbound' | 'outbound'): Connection {
    const connection = {
      remotePeer: peer,
      remoteAddr: multiaddr('/ip4/10.0.0.2/tcp/7717'),
      status: 'open',
      direction,
      timeline: { open: Date.now() },
      streams: [] as Array<{ protocol?: string }>,
      close: async () => { this.drop(connection); await Promise.resolve() },
      abort: () => { this.drop(connection) },
      newStream: async (_protocol: string, options: { signal: AbortSignal }) => {
        if (!this.deadPaths.has(peer.toString())) return { abort: () => {} }
        // nothing comes back: the probe's own timeout ends it
        return new Promise((_resolve, reject) => { options.signal.addEventListener('abort', () => { reject(new Error('probe timed out')) }) })
      }
    } as unknown as Connection
    this.connections.push(connection)
    this.events.safeDispatchEvent('connection:open', { detail: connection })
    return connection
  }

  drop (connection: Connection): void {
    const i = this.connections.indexOf(connection)
    if (i >= 0) this.connections.splice(i, 1)
    if (!this.connections.some(c => c.remotePeer.equals(connection.remotePeer))) {
      this.events.safeDispatchEvent('peer:disconnect', { detail: connection.remotePeer })
    }
  }

  /** An mDNS answer from this peer, as settling-mdns passes on every one. */
  sight (peer: PeerId, ip = '10.0.0.2'): void {
    this.known.set(peer.toString(), peer)
    this.sightings.safeDispatchEvent('peer:sighted', { detail: { id: peer, multiaddrs: [multiaddr(`/ip4/${ip}/tcp/7717`)] } })
  }

  dialsTo (peer: PeerId): number {
    return this.dials.filter(d => d.addrs.some(a => a.endsWith(peer.toString()))).length
  }
}

describe('net/peer-keeper', () => {
  const keepers: PeerKeeper[] = []
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => {
    for (const k of keepers.splice(0)) k.stop()
    vi.useRealTimers()
  })

  function make (fake: FakeLibp2p, init: PeerKeeperInit = {}): PeerKeeper {
    const keeper = peerKeeper({ sightings: fake.sightings, fallbackDialDelayMs: 100, minRedialMs: 50, ...init })(fake.components())
    keepers.push(keeper)
    return keeper
  }

  it('dials a peer seen while libp2p was still starting, once libp2p is up', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    fake.reachable.add(other.toString())
    const keeper = make(fake)
    keeper.start()
    // the node's first mDNS query is answered within milliseconds, before start() returns
    fake.sight(other)
    await sleep(20)
    expect(fake.dials).toHaveLength(0)
    keeper.afterStart()
    await sleep(30)
    expect(fake.dialsTo(other)).toBe(1)
    expect(keeper.status().targets[0]?.state).toBe('connected')
  })

  it('acts on every sighting, not only the first: a colleague that restarts is dialed when it answers again', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake, { maxDiscoveredFailures: 2, isColleague: p => p === other.toString() })
    keeper.start()
    keeper.afterStart()
    // it is down: its old answer leads to failed dials, then it is forgotten
    fake.sight(other)
    await sleep(30)
    expect(fake.dialsTo(other)).toBe(1)
    await sleep(1_200)
    expect(fake.dialsTo(other)).toBe(2)
    expect(keeper.status().targets).toHaveLength(0)
    // it comes back and answers mDNS: libp2p's peer:discovery would not fire again (it is in the peer
    // store), the sighting does
    fake.reachable.add(other.toString())
    fake.sight(other)
    await sleep(40)
    expect(fake.dialsTo(other)).toBe(3)
    expect(fake.connections).toHaveLength(1)
  })

  it('cuts a long backoff short when the peer is seen again', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake, { maxBackoffMs: 60_000 })
    keeper.start()
    keeper.afterStart()
    fake.sight(other)
    await sleep(30)
    expect(fake.dialsTo(other)).toBe(1)
    // a failed dial waits 1 s, then 2 s...; the sighting does not wait
    const waiting = keeper.status().targets[0]
    expect(waiting?.failures).toBe(1)
    expect(waiting?.nextDialInMs).toBeGreaterThan(500)
    expect(waiting?.lastError).toMatch(/ECONNREFUSED/)
    fake.reachable.add(other.toString())
    fake.sight(other)
    await sleep(40)
    expect(fake.dialsTo(other)).toBe(2)
    expect(fake.connections).toHaveLength(1)
  })

  it('does not hammer a peer seen many times in a row', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake, { minRedialMs: 300 })
    keeper.start()
    keeper.afterStart()
    for (let i = 0; i < 20; i++) {
      fake.sight(other)
      await sleep(10)
    }
    // one dial at once, then at most one more after minRedialMs (the sightings during the first)
    expect(fake.dialsTo(other)).toBe(1)
    await sleep(350)
    expect(fake.dialsTo(other)).toBe(2)
  })

  it('the lower id dials at once; the higher waits for it and dials only if still unconnected', async () => {
    const [low, high] = await orderedPair()
    const fake = new FakeLibp2p(high)
    fake.reachable.add(low.toString())
    const keeper = make(fake, { fallbackDialDelayMs: 150 })
    keeper.start()
    keeper.afterStart()
    fake.sight(low)
    await sleep(60)
    expect(fake.dialsTo(low)).toBe(0)
    // the lower one's dial arrives meanwhile: nothing more to do
    fake.connect(low, 'inbound')
    await sleep(150)
    expect(fake.dialsTo(low)).toBe(0)
    // it goes away: redialed after the pause (the lower one redials first)
    fake.drop(fake.connections[0]!)
    await sleep(600)
    expect(fake.dialsTo(low)).toBe(1)
  })

  it('closes a duplicate connection on the lower side, keeping the oldest; the higher side keeps both', async () => {
    const [low, high] = await orderedPair()
    const fake = new FakeLibp2p(low)
    make(fake).start()
    const first = fake.connect(high, 'outbound')
    await sleep(2)
    fake.connect(high, 'inbound')
    await sleep(600)
    expect(fake.connections).toEqual([first])

    const other = new FakeLibp2p(high)
    make(other).start()
    other.connect(low, 'outbound')
    other.connect(low, 'inbound')
    await sleep(600)
    expect(other.connections).toHaveLength(2)
  })

  it('keeps the connection gossipsub\'s streams are on, even when it is the newer one', async () => {
    const [low, high] = await orderedPair()
    const fake = new FakeLibp2p(low)
    make(fake).start()
    fake.connect(high, 'outbound')
    await sleep(2)
    const newer = fake.connect(high, 'inbound')
    // its streams opened first on the newer one (identify raced): closing it would cut gossip off
    ;(newer as unknown as { streams: Array<{ protocol: string }> }).streams.push({ protocol: '/meshsub/1.2.0' })
    await sleep(50)
    expect(fake.connections).toEqual([newer])
  })

  it('when a peer comes back over a new connection while the old one is dead, closes both and redials afresh', async () => {
    // either side: here the higher one, which does not close duplicates that both answer
    const [low, high] = await orderedPair()
    const fake = new FakeLibp2p(high)
    fake.reachable.add(low.toString())
    const keeper = make(fake)
    keeper.start()
    keeper.afterStart()
    fake.sight(low)
    const old = fake.connect(low, 'outbound')
    // the peer moved: what ran over the old connection goes nowhere; it dials in again
    fake.deadPaths.add(low.toString())
    const fresh = fake.connect(low, 'inbound')
    fake.deadPaths.delete(low.toString())
    // (the fake answers per peer, so the old one is kept dead by hand for the probe)
    const newStream = old.newStream.bind(old)
    old.newStream = (async (protocol: string, options: { signal: AbortSignal }) => {
      fake.deadPaths.add(low.toString())
      try { return await newStream(protocol, options) } finally { fake.deadPaths.delete(low.toString()) }
    })
    await sleep(600 + 2_100)
    expect(fake.connections).not.toContain(old)
    expect(fake.connections).not.toContain(fresh)
    // redialed: one clean connection (the lower id redials first; the higher after its pause)
    await sleep(1_500)
    expect(fake.connections).toHaveLength(1)
  })

  it('redials a static peer whatever happens, and reports it once when it cannot be reached', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    fake.known.set(other.toString(), other)
    const keeper = make(fake, { staticPeers: [`/ip4/10.0.0.9/tcp/7717/p2p/${other.toString()}`], maxDiscoveredFailures: 1 })
    const warnings: string[] = []
    keeper.addEventListener('keeper:warning', (e) => { warnings.push(e.detail) })
    keeper.start()
    keeper.afterStart()
    await sleep(1_300)
    expect(fake.dialsTo(other)).toBe(2)
    expect(warnings).toHaveLength(1)
    expect(keeper.status().targets).toHaveLength(1)
    expect(keeper.status()).toMatchObject({ connected: 0, sightingsLastMinute: 0 })
    expect(keeper.status().aloneSince).toBeTypeOf('number')
  })

  it('counts sightings and ignores its own answers and unusable addresses', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake)
    keeper.start()
    keeper.afterStart()
    fake.sight(self)
    // loopback from a node that itself is on the LAN would reach the wrong host
    fake.sight(other, '127.0.0.1')
    expect(keeper.status().sightingsLastMinute).toBe(0)
    fake.sight(other)
    expect(keeper.status().sightingsLastMinute).toBe(1)
    expect(keeper.status().lastSightingAt).toBeTypeOf('number')
  })

  it('when the address of this host changes, closes the connections that no longer answer and tells discovery', async () => {
    const [self, alive, dead] = [await newPeerId(), await newPeerId(), await newPeerId()]
    const fake = new FakeLibp2p(self)
    let addresses = ['10.0.0.1']
    const changes: Array<{ added: string[], removed: string[] }> = []
    fake.sightings.addEventListener('network:changed', (e) => { changes.push(e.detail) })
    const keeper = make(fake, { addressCheckMs: 500, localAddresses: () => addresses })
    keeper.start()
    keeper.afterStart()
    fake.connect(alive, 'inbound')
    fake.connect(dead, 'inbound')
    await sleep(1_100)
    expect(changes).toHaveLength(0)
    // the laptop moved: its old address is gone, and what ran over it with it
    addresses = ['10.0.9.9']
    fake.deadPaths.add(dead.toString())
    await sleep(600)
    expect(changes).toEqual([{ added: ['10.0.9.9'], removed: ['10.0.0.1'] }])
    await sleep(2_100)
    expect(fake.connections.map(c => c.remotePeer.toString())).toEqual([alive.toString()])
    // an address only added (a second interface) probes nothing
    addresses = ['10.0.9.9', '192.168.1.5']
    await sleep(600)
    expect(changes).toHaveLength(2)
    expect(fake.connections).toHaveLength(1)
  })

  it('bounds what false mDNS answers cost: strangers are capped, rate-limited and given up on for a while', async () => {
    const self = await newPeerId()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake, { maxDiscoveredFailures: 2, maxBackoffMs: 2_000 })
    keeper.start()
    keeper.afterStart()
    // 200 peers that do not exist, "announced" ten times a second for 20 s, at a printer's port
    const ghosts = await Promise.all(Array.from({ length: 200 }, async () => newPeerId()))
    for (let tick = 0; tick < 200; tick++) {
      for (const g of ghosts) fake.sight(g, '10.0.0.99')
      await sleep(100)
    }
    const status = keeper.status()
    expect(status.targets.length).toBeLessThanOrEqual(64)
    expect(status.ignoredSightings).toBeGreaterThan(0)
    // at most 10 stranger dials a second, however many answers came: 20 s, 200 at most
    expect(fake.dials.length).toBeLessThanOrEqual(200)
    // each ghost reached gets at most its failures' worth, then is left alone
    const perGhost = new Map<string, number>()
    for (const d of fake.dials) perGhost.set(d.addrs[0]!, (perGhost.get(d.addrs[0]!) ?? 0) + 1)
    expect(Math.max(...perGhost.values())).toBeLessThanOrEqual(3)
    // a colleague seen meanwhile is still dialed at once
    const colleague = await newPeerId()
    const withColleague = new FakeLibp2p(self)
    withColleague.reachable.add(colleague.toString())
    const k2 = make(withColleague, { isColleague: p => p === colleague.toString() })
    k2.start()
    k2.afterStart()
    for (const g of ghosts) withColleague.sight(g, '10.0.0.99')
    withColleague.sight(colleague)
    await sleep(200)
    expect(withColleague.connections.map(c => c.remotePeer.toString())).toEqual([colleague.toString()])
  })

  it('keeps the address it knows when a false answer names the same peer elsewhere', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake, { isColleague: () => true })
    keeper.start()
    keeper.afterStart()
    fake.sight(other, '10.0.0.2')
    fake.sight(other, '10.0.0.99')
    const addrs = keeper.status().targets[0]?.addresses ?? []
    // the one seen first stays first
    expect(addrs[0]).toContain('/10.0.0.2/')
    expect(addrs.some(a => a.includes('/10.0.0.99/'))).toBe(true)
  })

  it('reconnects a colleague although a false answer put a tarpit address beside its real one', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    fake.reachable.add(other.toString())
    fake.tarpits.add('10.0.0.66')
    const keeper = make(fake, { isColleague: () => true })
    keeper.start()
    keeper.afterStart()
    // it was never dialed by us, so nothing says which address works; the tarpit even comes first
    fake.sight(other, '10.0.0.66')
    fake.sight(other, '10.0.0.2')
    await sleep(3_000)
    expect(fake.connections.map(c => c.remotePeer.toString())).toEqual([other.toString()])
    // after a drop, the address that worked is dialed first: no wait on the tarpit
    fake.drop(fake.connections[0]!)
    const before = fake.dials.length
    await sleep(400)
    expect(fake.connections).toHaveLength(1)
    expect(fake.dials.length - before).toBe(1)
  })

  it('does not let answers for a peer grow its address list (a static one neither), nor keep names it would look up', async () => {
    const [self, other] = await orderedPair()
    const fake = new FakeLibp2p(self)
    fake.known.set(other.toString(), other)
    const keeper = make(fake, { staticPeers: [`/ip4/192.168.5.9/tcp/7717/p2p/${other.toString()}`], isColleague: () => true })
    keeper.start()
    for (let i = 0; i < 100; i++) {
      fake.sightings.safeDispatchEvent('peer:sighted', { detail: { id: other, multiaddrs: Array.from({ length: 10 }, (_, j) => multiaddr(`/ip4/10.${i}.${j}.1/tcp/7717`)) } })
    }
    fake.sightings.safeDispatchEvent('peer:sighted', { detail: { id: other, multiaddrs: [multiaddr('/dns4/evil.example/tcp/7717')] } })
    const addrs = keeper.status().targets[0]?.addresses ?? []
    expect(addrs[0]).toContain('/192.168.5.9/')
    expect(addrs.length).toBeLessThanOrEqual(7)
    expect(addrs.some(a => a.includes('dns4'))).toBe(false)
  })

  it('a stranger that only connected to us (any identity can) stays a stranger: bounded when it leaves', async () => {
    const self = await newPeerId()
    const fake = new FakeLibp2p(self)
    const keeper = make(fake)
    keeper.start()
    keeper.afterStart()
    const ids = await Promise.all(Array.from({ length: 300 }, async () => newPeerId()))
    for (const id of ids) {
      fake.known.set(id.toString(), id)
      fake.drop(fake.connect(id, 'inbound'))
    }
    await sleep(1_000)
    // the peer store knows no addresses here; with them, each would be a stranger target within the caps
    expect(keeper.status().targets.length).toBeLessThanOrEqual(64)
    expect(fake.dials.length).toBeLessThanOrEqual(10)
  })
})
