/**
 * mDNS discovery that queries the LAN often while a node is finding its peers, and rarely once it has
 * settled. Every node answers every query, and every answer is multicast to every node, so an office
 * of N nodes querying every few seconds makes N^3 packets per interval for nodes to parse: at 100
 * nodes, hundreds of thousands a minute. A node that has peers and has met no new one for a while
 * queries every `settledIntervalMs` instead; it still answers every query at once, so a newcomer, whose
 * own first query is answered by everyone, is found as fast as before. A node that loses every
 * connection goes back to querying often.
 *
 * `@libp2p/mdns` takes its interval once, when it is made; so a change of pace stops one instance and
 * starts another (whose first act is a query).
 */
import { peerDiscoverySymbol, serviceCapabilities } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import { TypedEventEmitter } from 'main-event'
import type { Connection, Libp2pEvents, PeerDiscovery, PeerDiscoveryEvents, PeerInfo, Startable } from '@libp2p/interface'
import type { MulticastDNSComponents } from '@libp2p/mdns'
import type { SightingEvents } from './peer-keeper.js'
import type { TypedEventTarget } from 'main-event'

export interface SettlingMdnsInit {
  serviceTag: string
  /** the query interval while finding peers */
  intervalMs: number
  /** the query interval once settled */
  settledIntervalMs: number
  /** settled: connected to someone, and no new peer connected for this long */
  settleMs: number
  /** told of every answer (libp2p's own `peer:discovery` fires only for a peer new to its peer store) */
  sightings?: TypedEventTarget<SightingEvents>
  /** makes the mDNS service of one pace; @libp2p/mdns unless a test gives its own */
  makeMdns?: (intervalMs: number) => (components: SettlingMdnsComponents) => PeerDiscovery & Startable
}

export interface SettlingMdnsComponents extends MulticastDNSComponents {
  events: TypedEventTarget<Libp2pEvents>
  /** libp2p's (its type is internal): only the open connections are read */
  connectionManager: { getConnections: () => Connection[] }
}

type MdnsService = PeerDiscovery & Startable

/** An answer at the addresses its peer gave last time is passed on to libp2p at most this often (and to the keeper, if connected). */
export const REPEAT_SIGHTING_MS = 30_000
/** Peers whose last answer is remembered; past this the memory starts afresh. */
const MAX_PASSED_KEPT = 1_024

/** The discovery service, for libp2p's `peerDiscovery` list. */
export function settlingMdns (init: SettlingMdnsInit): (components: SettlingMdnsComponents) => PeerDiscovery & Startable {
  return (components) => new SettlingMdns(components, init)
}

class SettlingMdns extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = 'parley/settling-mdns'
  readonly [serviceCapabilities] = ['@libp2p/peer-discovery']
  private readonly components: SettlingMdnsComponents
  private readonly init: SettlingMdnsInit
  private inner?: MdnsService
  private settled = false
  private settleTimer?: NodeJS.Timeout
  /** pace changes run one after another, so two instances never run at once */
  private switching: Promise<void> = Promise.resolve()
  private running = false
  /** per peer, the addresses of the last answer passed on, and when */
  private readonly passed = new Map<string, { addrs: string, at: number }>()

  constructor (components: SettlingMdnsComponents, init: SettlingMdnsInit) {
    super()
    this.components = components
    this.init = init
  }

  /** Whether it queries at the settled pace now (for tests and diagnostics). */
  get isSettled (): boolean {
    return this.settled
  }

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    this.components.events.addEventListener('peer:connect', this.onConnect)
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.init.sightings?.addEventListener('network:changed', this.onNetworkChanged)
    await this.pace(false)
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    clearTimeout(this.settleTimer)
    this.components.events.removeEventListener('peer:connect', this.onConnect)
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.init.sightings?.removeEventListener('network:changed', this.onNetworkChanged)
    await this.switching
    const inner = this.inner
    this.inner = undefined
    await inner?.stop()
  }

  private readonly onPeer = (evt: CustomEvent<PeerInfo>): void => {
    const info = evt.detail
    if (this.repeats(info)) {
      // the keeper may be waiting to dial a peer not connected: each answer cuts its wait short
      if (!this.isConnected(info)) this.init.sightings?.safeDispatchEvent('peer:sighted', { detail: info })
      return
    }
    this.safeDispatchEvent('peer', { detail: info })
    this.init.sightings?.safeDispatchEvent('peer:sighted', { detail: info })
  }

  /**
   * Whether an answer only repeats what was passed on less than REPEAT_SIGHTING_MS ago: the same
   * addresses of the same peer. Every node answers every query, so in an office of N each node hears
   * N - 1 answers per query made on the LAN (N^2 a query interval while nodes find each other, the
   * scale benchmark's busiest time); each passed on costs a peer-store write in libp2p, which already
   * has those addresses, and a look by the keeper, which needs it only for a peer not connected.
   */
  private repeats (info: PeerInfo): boolean {
    const id = info.id.toString()
    const addrs = info.multiaddrs.map(String).sort().join(' ')
    const now = Date.now()
    const last = this.passed.get(id)
    if (last !== undefined && last.addrs === addrs && now - last.at < REPEAT_SIGHTING_MS) return true
    if (this.passed.size >= MAX_PASSED_KEPT) this.passed.clear()
    this.passed.set(id, { addrs, at: now })
    return false
  }

  private isConnected (info: PeerInfo): boolean {
    return this.components.connectionManager.getConnections().some(c => c.status === 'open' && c.remotePeer.equals(info.id))
  }

  /** A new peer: not settled yet; settle once none has come for settleMs. */
  private readonly onConnect = (): void => {
    if (this.settled) return
    this.settleLater()
  }

  private settleLater (): void {
    clearTimeout(this.settleTimer)
    this.settleTimer = setTimeout(() => {
      if (this.components.connectionManager.getConnections().length > 0) void this.pace(true)
    }, this.init.settleMs)
    this.settleTimer.unref()
  }

  private readonly onDisconnect = (): void => {
    if (!this.settled || this.components.connectionManager.getConnections().length > 0) return
    void this.pace(false)
  }

  /**
   * The host's addresses changed: a new socket (its group memberships were made on the old
   * interfaces) that asks the LAN at once, and at the finding pace until it settles again; its own
   * answer to that query tells every colleague the new address.
   */
  private readonly onNetworkChanged = (): void => {
    void this.pace(false, true)
    this.settleLater()
  }

  /** Query at the settled pace or the finding one, from now on (`anew`: a new socket even at the same pace). */
  private async pace (settled: boolean, anew = false): Promise<void> {
    this.switching = this.switching.then(async () => {
      if (!this.running || (!anew && this.inner !== undefined && this.settled === settled)) return
      this.settled = settled
      const old = this.inner
      old?.removeEventListener('peer', this.onPeer)
      await old?.stop()
      const intervalMs = settled ? this.init.settledIntervalMs : this.init.intervalMs
      // @libp2p/mdns's service has start() and stop(); its factory's type names only PeerDiscovery
      const make = this.init.makeMdns ?? ((interval: number) => mdns({ serviceTag: this.init.serviceTag, interval }) as unknown as (c: SettlingMdnsComponents) => MdnsService)
      const inner = make(intervalMs)(this.components)
      inner.addEventListener('peer', this.onPeer)
      this.inner = inner
      await inner.start()
    }).catch(() => {
      // a socket that cannot be made now (interface going away) is made again at the next change of
      // pace; libp2p's own mDNS reports its errors to its logger the same way
    })
    await this.switching
  }
}
