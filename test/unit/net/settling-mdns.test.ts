import { setTimeout as sleep } from 'node:timers/promises'
import { peerDiscoverySymbol } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { REPEAT_SIGHTING_MS, settlingMdns } from '../../../src/net/settling-mdns.js'
import type { SightingEvents } from '../../../src/net/peer-keeper.js'
import type { SettlingMdnsComponents } from '../../../src/net/settling-mdns.js'
import type { Connection, Libp2pEvents, PeerDiscovery, PeerDiscoveryEvents, PeerInfo, Startable } from '@libp2p/interface'

/** A stand-in for @libp2p/mdns: no sockets (tests never multicast from the machine's own namespace). */
class FakeMdns extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = 'fake-mdns'
  running = false
  constructor (readonly intervalMs: number) { super() }
  start (): void { this.running = true }
  stop (): void { this.running = false }
}

/** A service that tells `sightings` of every answer, over fake mDNS instances kept in `mine`. */
function withSightings (connections: () => Connection[]): { sightings: TypedEventEmitter<SightingEvents>, mine: FakeMdns[], service: PeerDiscovery & Startable } {
  const sightings = new TypedEventEmitter<SightingEvents>()
  const mine: FakeMdns[] = []
  const service = settlingMdns({
    serviceTag: '_test._udp.local',
    intervalMs: 5_000,
    settledIntervalMs: 60_000,
    settleMs: 50,
    sightings,
    makeMdns: (intervalMs) => () => { const m = new FakeMdns(intervalMs); mine.push(m); return m }
  })({ events: new TypedEventEmitter<Libp2pEvents>(), connectionManager: { getConnections: connections } } as unknown as SettlingMdnsComponents)
  return { sightings, mine, service }
}

describe('net/settling-mdns', () => {
  const made: FakeMdns[] = []
  const connections: Connection[] = []
  const events = new TypedEventEmitter<Libp2pEvents>()
  const components = { events, connectionManager: { getConnections: () => connections } } as unknown as SettlingMdnsComponents
  const service = settlingMdns({
    serviceTag: '_test._udp.local',
    intervalMs: 5_000,
    settledIntervalMs: 60_000,
    settleMs: 50,
    makeMdns: (intervalMs) => () => { const m = new FakeMdns(intervalMs); made.push(m); return m }
  })(components)
  afterEach(async () => { await service.stop() })

  const running = (): number[] => made.filter(m => m.running).map(m => m.intervalMs)

  it('queries often until it has peers and meets no new one for a while, then rarely; often again when alone', async () => {
    const found: PeerInfo[] = []
    service.addEventListener('peer', (evt) => { found.push(evt.detail) })
    await service.start()
    expect(running()).toEqual([5_000])
    // alone: stays at the finding pace however long it waits
    await sleep(120)
    expect(running()).toEqual([5_000])

    connections.push({} as Connection)
    events.safeDispatchEvent('peer:connect', { detail: {} as never })
    await sleep(20)
    // another new peer before settleMs restarts the wait
    events.safeDispatchEvent('peer:connect', { detail: {} as never })
    await sleep(40)
    expect(running()).toEqual([5_000])
    await sleep(80)
    expect(running()).toEqual([60_000])

    // peers found by the instance of either pace are passed on
    made.at(-1)!.safeDispatchEvent('peer', { detail: { id: 'p', multiaddrs: [] } as unknown as PeerInfo })
    expect(found).toHaveLength(1)

    connections.pop()
    events.safeDispatchEvent('peer:disconnect', { detail: {} as never })
    await sleep(20)
    expect(running()).toEqual([5_000])
    await service.stop()
    expect(running()).toEqual([])
  })

  it('passes every answer on as a sighting, and asks anew from a fresh socket when the addresses of the host change', async () => {
    const { sightings, mine, service: other } = withSightings(() => [{} as Connection])
    const seen: PeerInfo[] = []
    sightings.addEventListener('peer:sighted', (e) => { seen.push(e.detail) })
    await other.start()
    try {
      // the same peer answering twice is two sightings (libp2p's peer:discovery would say it once)
      mine[0]!.safeDispatchEvent('peer', { detail: { id: 'p', multiaddrs: [] } as unknown as PeerInfo })
      mine[0]!.safeDispatchEvent('peer', { detail: { id: 'p', multiaddrs: [] } as unknown as PeerInfo })
      expect(seen).toHaveLength(2)
      sightings.safeDispatchEvent('network:changed', { detail: { added: ['10.0.9.9'], removed: ['10.0.0.1'] } })
      await sleep(10)
      expect(mine).toHaveLength(2)
      expect(mine.map(m => m.running)).toEqual([false, true])
      // and it settles again by itself, connections being there
      await sleep(120)
      expect(mine.filter(m => m.running).map(m => m.intervalMs)).toEqual([60_000])
    } finally {
      await other.stop()
    }
  })

  it('passes on answers at the same addresses once per REPEAT_SIGHTING_MS (to the keeper each time while not connected); a new address at once', async () => {
    const peer = peerIdFromString('12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA')
    const open: Connection[] = []
    const { sightings, mine, service: svc } = withSightings(() => open)
    const seen: PeerInfo[] = []
    const discovered: PeerInfo[] = []
    sightings.addEventListener('peer:sighted', (e) => { seen.push(e.detail) })
    svc.addEventListener('peer', (e) => { discovered.push(e.detail) })
    await svc.start()
    const answer = (addr: string): void => { mine.at(-1)!.safeDispatchEvent('peer', { detail: { id: peer, multiaddrs: [multiaddr(addr)] } }) }
    try {
      // not connected: every answer counts (the keeper may be waiting to dial it)
      answer('/ip4/10.0.0.2/tcp/7000')
      answer('/ip4/10.0.0.2/tcp/7000')
      expect(seen).toHaveLength(2)
      // ... but libp2p's peer store has those addresses from the first
      expect(discovered).toHaveLength(1)
      // connected: the same addresses again are nothing new
      open.push({ status: 'open', remotePeer: peer } as unknown as Connection)
      answer('/ip4/10.0.0.2/tcp/7000')
      answer('/ip4/10.0.0.2/tcp/7000')
      expect(seen).toHaveLength(2)
      expect(discovered).toHaveLength(1)
      // it moved: passed on at once, to both
      answer('/ip4/10.0.0.3/tcp/7000')
      expect(seen).toHaveLength(3)
      expect(discovered).toHaveLength(2)
      // its connection closed (a closing one counts as gone): to the keeper at once again
      ;(open[0] as { status: string }).status = 'closing'
      answer('/ip4/10.0.0.3/tcp/7000')
      expect(seen).toHaveLength(4)
      expect(discovered).toHaveLength(2)
      // once REPEAT_SIGHTING_MS has passed, libp2p hears of it again (its addresses age in the peer store)
      const realNow = Date.now
      Date.now = () => realNow() + REPEAT_SIGHTING_MS
      try {
        answer('/ip4/10.0.0.3/tcp/7000')
      } finally {
        Date.now = realNow
      }
      expect(discovered).toHaveLength(3)
      expect(seen).toHaveLength(5)
    } finally {
      await svc.stop()
    }
  })
})
