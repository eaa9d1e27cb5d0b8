/**
 * Keeps one connection to every parley peer we know of: seen by mDNS, heard of from other peers
 * (presence), or given as static peers. A libp2p service: it starts and stops with the node.
 *
 * It acts on every *sighting* of a peer, not only on libp2p's `peer:discovery`, which fires once per
 * peer per process (when the peer is new to the peer store). A colleague that restarts is already in
 * our peer store, so its mDNS answers never make a `peer:discovery` again; and a node's own first
 * query is answered within milliseconds, while libp2p is still starting. A keeper that listened only
 * to `peer:discovery`, after start, missed both and stayed unconnected while answers kept arriving.
 *
 * Both sides of a pair usually see each other at about the same time, and libp2p would then open two
 * connections. So the side with the lower peer id dials at once, and the other dials only after a
 * pause if it is still not connected (its partner may not have seen it). If two connections appear
 * anyway, the lower side closes all but the oldest, unless one of them is dead (see
 * resolveDuplicates). Lost peers are redialed with backoff, and a fresh sighting cuts any backoff
 * short. When this host's own addresses change, connections that no longer answer are closed.
 */
import { networkInterfaces } from 'node:os'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { isReachableFromLan } from './reachability.js'
import type { Connection, Libp2pEvents, PeerId, PeerInfo, PeerStore, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { TypedEventTarget } from 'main-event'

/** Between discovery and the keeper: every mDNS answer, not only the first per peer; and back. */
export interface SightingEvents {
  'peer:sighted': CustomEvent<PeerInfo>
  /** this host's addresses changed: discovery asks the LAN again at once, from its new address */
  'network:changed': CustomEvent<{ added: string[], removed: string[] }>
}

export interface PeerKeeperEvents {
  /** something an operator should hear about (a static peer that cannot be reached) */
  'keeper:warning': CustomEvent<string>
}

export interface PeerKeeperInit {
  /** multiaddrs that are always dialed and redialed, with or without /p2p/ */
  staticPeers?: string[]
  /** every sighting of a peer by discovery (settling-mdns dispatches one per answer) */
  sightings?: TypedEventTarget<SightingEvents>
  /** how long the higher peer id waits before dialing a seen peer itself */
  fallbackDialDelayMs?: number
  /** the longest wait between redials */
  maxBackoffMs?: number
  /** how many failed dials before a discovered (not static) peer is forgotten until seen again */
  maxDiscoveredFailures?: number
  /** a sighting redials at once, but not sooner than this after the last attempt began */
  minRedialMs?: number
  /** how often this host's own addresses are compared with the last look (a moved laptop, DHCP) */
  addressCheckMs?: number
  /** this host's addresses; node:os's interfaces unless a test gives its own */
  localAddresses?: () => string[]
  /**
   * Whether a peer is a colleague (in this node's directory): strangers, whoever announces them on
   * mDNS, are dialed within bounds (see learn); default: nobody is
   */
  isColleague?: (peerId: string) => boolean
}

/** What the keeper needs of libp2p: narrow views of its own components. */
export interface PeerKeeperComponents {
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  connectionManager: {
    openConnection: (target: Multiaddr[], options?: { signal?: AbortSignal }) => Promise<Connection>
    getConnections: (peerId?: PeerId) => Connection[]
  }
  peerStore: Pick<PeerStore, 'get'>
  addressManager: { getAddresses: () => Multiaddr[] }
}

/** One peer as the keeper sees it, for `parley doctor` and tests. */
export interface KeeperTargetStatus {
  peerId?: string
  addresses: string[]
  isStatic: boolean
  state: 'connected' | 'dialing' | 'waiting'
  failures: number
  /** ms until the next dial, when waiting */
  nextDialInMs?: number
  lastError?: string
  lastSeenAt?: number
}

export interface KeeperStatus {
  connected: number
  /** since when this node has been connected to nobody (absent while connected) */
  aloneSince?: number
  /** sightings of peers (mDNS answers, presence) in the last minute */
  sightingsLastMinute: number
  lastSightingAt?: number
  /** sightings of strangers ignored since start (too many strangers being dialed already) */
  ignoredSightings: number
  targets: KeeperTargetStatus[]
}

interface Target {
  /** static targets are keyed by address until we learn their peer id */
  key: string
  addrs: Multiaddr[]
  isStatic: boolean
  failures: number
  timer?: NodeJS.Timeout
  dueAt?: number
  dialing: boolean
  lastAttemptAt?: number
  lastSeenAt?: number
  lastError?: string
  peerId?: string
  /** a sighting may cut the pending backoff short once per backoff period, no more */
  cutAvailable: boolean
  /** the address configured for a static peer: always dialed first */
  configured?: Multiaddr
  /** the address a dial of ours last reached the peer at: dialed first after `configured` */
  worked?: Multiaddr
}

const DIAL_TIMEOUT_MS = 5_000
/**
 * Anyone on the LAN can answer mDNS for peers that do not exist, at any address (a printer's port),
 * as often as they like. Peers that are neither colleagues nor connected before in this process are
 * strangers: at most this many are kept as dial targets at once, at most this many stranger dials
 * start per second, and one given up on is not dialed again for a while, however often it is seen.
 */
const MAX_STRANGER_TARGETS = 64
/** failed dials before a stranger is given up on (a colleague gets maxDiscoveredFailures) */
const MAX_STRANGER_FAILURES = 6
/** peers we reached by our own dial, remembered as not strangers: at most this many */
const MAX_PROVEN = 1_024
const STRANGER_DIALS_PER_SECOND = 10
const STRANGER_FORGET_MS = 5 * 60_000
const MAX_FORGOTTEN = 1_024
/**
 * Addresses kept per peer besides the configured one and the one that worked: the first seen stay
 * (a false answer cannot push out the real one), at most this many, and one sighting adds at most
 * MAX_ADDRS_PER_SIGHTING. Each is dialed on its own with a short timeout, so an address that accepts
 * TCP and then says nothing (a tarpit) costs one short wait, not the whole dial.
 */
const MAX_ADDRS_PER_TARGET = 6
const MAX_ADDRS_PER_SIGHTING = 2
const PER_ADDRESS_TIMEOUT_MS = 2_500
/** After the host's addresses change, a connection that cannot open a stream in this time is dead. */
const PROBE_TIMEOUT_MS = 2_000
/** Any protocol the peer speaks: opening a stream is a round trip, which is the proof of life. */
const PROBE_PROTOCOL = '/ipfs/ping/1.0.0'

/** Every address of this host's interfaces, loopback aside. */
function interfaceAddresses (): string[] {
  return Object.values(networkInterfaces()).flatMap(list => (list ?? []).filter(a => !a.internal).map(a => a.address))
}
const SIGHTING_WINDOW_MS = 60_000
/** sightings kept for the status (a bounded ring of times) */
const MAX_SIGHTINGS_KEPT = 1_000

/**
 * The addresses of one peer, each ending in its /p2p/ id (libp2p dials a list only if all name the
 * same peer), without duplicates, and without any that name another peer.
 */
function withPeerId (addrs: Multiaddr[], peerId: string): Multiaddr[] {
  const out = new Map<string, Multiaddr>()
  for (const ma of addrs) {
    const named = ma.getComponents().find(c => c.name === 'p2p')?.value
    if (named !== undefined && named !== peerId) continue
    const full = named === undefined ? ma.encapsulate(`/p2p/${peerId}`) : ma
    out.set(full.toString(), full)
  }
  return [...out.values()]
}

/** /ip4 or /ip6, then /tcp (and nothing but an optional /p2p after): what parley nodes announce. */
function isTcpOverIp (ma: Multiaddr): boolean {
  const names = ma.getComponents().map(c => c.name).filter(n => n !== 'p2p')
  return names.length === 2 && (names[0] === 'ip4' || names[0] === 'ip6') && names[1] === 'tcp'
}

/** The service, for libp2p's `services` map. */
export function peerKeeper (init: PeerKeeperInit = {}): (components: PeerKeeperComponents) => PeerKeeper {
  return (components) => new PeerKeeper(components, init)
}

/** Dials seen and static peers, once each, and redials them when they go. */
export class PeerKeeper extends TypedEventEmitter<PeerKeeperEvents> implements Startable {
  readonly [Symbol.toStringTag] = 'parley/peer-keeper'
  private readonly components: PeerKeeperComponents
  private readonly self: string
  private readonly targets = new Map<string, Target>()
  private readonly fallbackDelay: number
  private readonly maxBackoff: number
  private readonly maxFailures: number
  private readonly minRedial: number
  private readonly staticPeers: string[]
  private readonly sightings?: TypedEventTarget<SightingEvents>
  private readonly addressCheckMs: number
  private readonly localAddresses: () => string[]
  private addresses = new Set<string>()
  private addressTimer?: NodeJS.Timeout
  private readonly seenAt: number[] = []
  private readonly isColleague: (peerId: string) => boolean
  /** peers this node reached by its own dial in this process (an inbound connection proves nothing) */
  private readonly proven = new Set<string>()
  /** strangers given up on, until when */
  private readonly forgotten = new Map<string, number>()
  /** when the latest stranger dials started */
  private readonly strangerDials: number[] = []
  /** sightings ignored because too many strangers are targets already */
  private ignoredSightings = 0
  /** peers whose duplicate connections are being looked at now */
  private readonly resolving = new Set<string>()
  private aloneSince?: number
  /** listening (from start) */
  private running = false
  /** dialing (from afterStart: libp2p's dialer is ready) */
  private dialable = false

  constructor (components: PeerKeeperComponents, init: PeerKeeperInit = {}) {
    super()
    this.components = components
    this.self = components.peerId.toString()
    this.fallbackDelay = init.fallbackDialDelayMs ?? 750
    // a redial on the LAN costs a refused or timed-out TCP connect: cheap enough to try a colleague
    // every 10 s for a minute and a half, so one that comes back knowing nobody (it dialed us; no
    // mDNS answer reaches it) is reconnected within 10 s of listening
    this.maxBackoff = init.maxBackoffMs ?? 10_000
    this.maxFailures = init.maxDiscoveredFailures ?? 12
    this.minRedial = init.minRedialMs ?? 1_000
    this.staticPeers = init.staticPeers ?? []
    this.sightings = init.sightings
    this.addressCheckMs = init.addressCheckMs ?? 2_000
    this.localAddresses = init.localAddresses ?? interfaceAddresses
    this.isColleague = init.isColleague ?? (() => false)
  }

  /** Listen from the moment libp2p starts its services, so no early sighting is missed. */
  start (): void {
    if (this.running) return
    this.running = true
    this.aloneSince = Date.now()
    this.sightings?.addEventListener('peer:sighted', this.onSighting)
    this.components.events.addEventListener('peer:discovery', this.onSighting)
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.components.events.addEventListener('connection:open', this.onConnectionOpen)
    for (const addr of this.staticPeers) {
      const ma = multiaddr(addr)
      const peerId = ma.getComponents().find(c => c.name === 'p2p')?.value
      const target: Target = { key: peerId ?? addr, addrs: [], isStatic: true, failures: 0, dialing: false, peerId, cutAvailable: true, configured: ma }
      this.targets.set(target.key, target)
    }
  }

  /** libp2p is up: dial whatever was seen while it started, and the static peers. */
  afterStart (): void {
    if (!this.running || this.dialable) return
    this.dialable = true
    for (const target of this.targets.values()) {
      if (!this.isConnected(target.peerId)) this.schedule(target, this.firstDelay(target))
    }
    this.addresses = new Set(this.localAddresses())
    this.addressTimer = setInterval(() => { this.checkAddresses() }, this.addressCheckMs)
    this.addressTimer.unref()
  }

  /** Stop all timers; connections are closed by libp2p's own stop. */
  stop (): void {
    if (!this.running) return
    this.running = false
    this.dialable = false
    clearInterval(this.addressTimer)
    this.sightings?.removeEventListener('peer:sighted', this.onSighting)
    this.components.events.removeEventListener('peer:discovery', this.onSighting)
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.components.events.removeEventListener('connection:open', this.onConnectionOpen)
    for (const target of this.targets.values()) clearTimeout(target.timer)
    this.targets.clear()
  }

  /** What the keeper is doing, for diagnostics. */
  status (): KeeperStatus {
    const now = Date.now()
    const recent = this.seenAt.filter(t => now - t <= SIGHTING_WINDOW_MS)
    const connected = new Set(this.openConnections().map(c => c.remotePeer.toString())).size
    return {
      connected,
      aloneSince: connected === 0 ? this.aloneSince : undefined,
      sightingsLastMinute: recent.length,
      lastSightingAt: this.seenAt.at(-1),
      ignoredSightings: this.ignoredSightings,
      targets: [...this.targets.values()].map((t) => ({
        peerId: t.peerId,
        addresses: [...new Set([t.configured, t.worked, ...t.addrs].filter((a): a is Multiaddr => a !== undefined).map(String))],
        isStatic: t.isStatic,
        state: this.isConnected(t.peerId) ? 'connected' : t.dialing ? 'dialing' : 'waiting',
        failures: t.failures,
        nextDialInMs: t.dueAt !== undefined ? Math.max(0, t.dueAt - now) : undefined,
        lastError: t.lastError,
        lastSeenAt: t.lastSeenAt
      }))
    }
  }

  /**
   * This host's addresses changed (a laptop moved desks, DHCP gave a new lease): connections that
   * ran over an address that is gone are dead, but TCP would take minutes and libp2p's ping up to
   * 20 s to say so. Each connection is probed now and closed if it does not answer, so the peer is
   * redialed from the new address; and discovery asks the LAN again, so colleagues see the new one.
   */
  private checkAddresses (): void {
    const now = new Set(this.localAddresses())
    const removed = [...this.addresses].filter(a => !now.has(a))
    const added = [...now].filter(a => !this.addresses.has(a))
    this.addresses = now
    if (removed.length === 0 && added.length === 0) return
    this.sightings?.safeDispatchEvent('network:changed', { detail: { added, removed } })
    if (removed.length === 0) return
    for (const connection of this.openConnections()) void this.probe(connection)
  }

  private async probe (connection: Connection): Promise<void> {
    if (!await this.answers(connection)) connection.abort(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms after this host's addresses changed`))
  }

  /** Whether the peer answers on this connection now: opening a stream is a round trip. */
  private async answers (connection: Connection): Promise<boolean> {
    const timeout = new AbortController()
    const timer = setTimeout(() => { timeout.abort(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)) }, PROBE_TIMEOUT_MS)
    try {
      const stream = await connection.newStream(PROBE_PROTOCOL, { signal: timeout.signal, runOnLimitedConnection: true })
      stream.abort(new Error('probe done'))
      return true
    } catch (err) {
      // a peer that does not speak the protocol still answered the negotiation
      return (err as Error).name === 'UnsupportedProtocolError'
    } finally {
      clearTimeout(timer)
    }
  }

  private openConnections (peerId?: PeerId): Connection[] {
    return this.components.connectionManager.getConnections(peerId).filter(c => c.status === 'open')
  }

  private isConnected (peerId: string | undefined): boolean {
    if (peerId === undefined) return false
    return this.openConnections().some(c => c.remotePeer.toString() === peerId)
  }

  /** The lower id dials at once; the higher waits a little for the lower one's dial. */
  private firstDelay (target: Target): number {
    if (target.isStatic || target.peerId === undefined) return 0
    return this.self < target.peerId ? 0 : this.fallbackDelay
  }

  private readonly onSighting = (evt: CustomEvent<PeerInfo>): void => {
    this.learn(evt.detail.id.toString(), evt.detail.multiaddrs)
  }

  /**
   * A sighting: a peer answered mDNS, or a connected member's presence carried the addresses of a
   * member we are not connected to (an office spread over subnets that route to each other still
   * meshes). Whatever backoff is pending for that peer is cut short.
   */
  learn (peerId: string, multiaddrs: Multiaddr[]): void {
    if (!this.running || peerId === this.self) return
    // loopback addresses only make sense to a node that itself listens only on loopback (tests)
    const ownLan = this.components.addressManager.getAddresses().some(isReachableFromLan)
    // parley announces only TCP over IP: anything else (a /dns4/ name, which could carry anything and
    // would be looked up) is not dialed
    const addrs = withPeerId(multiaddrs.filter(ma => isTcpOverIp(ma) && (!ownLan || isReachableFromLan(ma))), peerId).slice(0, MAX_ADDRS_PER_SIGHTING)
    if (addrs.length === 0) return
    const now = Date.now()
    this.seenAt.push(now)
    if (this.seenAt.length > MAX_SIGHTINGS_KEPT) this.seenAt.splice(0, this.seenAt.length - MAX_SIGHTINGS_KEPT)
    let target = this.targets.get(peerId)
    if (target === undefined) {
      if (this.isStranger(peerId)) {
        if ((this.forgotten.get(peerId) ?? 0) > now) return
        if (this.strangerTargets() >= MAX_STRANGER_TARGETS) {
          this.ignoredSightings++
          return
        }
      }
      target = { key: peerId, addrs, isStatic: false, failures: 0, dialing: false, peerId, cutAvailable: true }
      this.targets.set(peerId, target)
    } else {
      // the first seen stay first: a false answer goes behind the real address, never in front of it
      target.addrs = withPeerId([...target.addrs, ...addrs], peerId).slice(0, MAX_ADDRS_PER_TARGET)
    }
    target.lastSeenAt = now
    if (!this.dialable || target.dialing || this.isConnected(peerId)) return
    // at once (or after the higher id's pause), but never hammering a peer seen many times a second
    const sinceAttempt = target.lastAttemptAt === undefined ? Infinity : now - target.lastAttemptAt
    const delay = Math.max(this.firstDelay(target), this.minRedial - sinceAttempt, 0)
    if (target.dueAt === undefined) {
      this.schedule(target, delay)
    } else if (target.dueAt > now + delay && target.cutAvailable) {
      // a pending backoff is cut short once; the next cut waits for the next backoff period
      target.cutAvailable = false
      this.schedule(target, delay)
    }
  }

  /**
   * Dial the peer's addresses one at a time, best first: the configured one, the one that worked
   * last, then the others in the order first seen. One address alone gets the whole dial's time.
   */
  private async dialInTurn (target: Target): Promise<Connection> {
    const peerId = target.peerId
    const first = [target.configured, target.worked].filter((a): a is Multiaddr => a !== undefined)
    const all = peerId === undefined ? [...first, ...target.addrs] : withPeerId([...first, ...target.addrs], peerId)
    const unique = [...new Map(all.map(a => [a.toString(), a])).values()]
    if (unique.length === 0) throw new Error('no address to dial')
    const each = unique.length === 1 ? DIAL_TIMEOUT_MS : PER_ADDRESS_TIMEOUT_MS
    let last: unknown
    for (const addr of unique) {
      // a timer of our own rather than AbortSignal.timeout: the same, and tests can move its clock
      const timeout = new AbortController()
      const timer = setTimeout(() => { timeout.abort(new Error(`no answer from ${addr.toString()} within ${each} ms`)) }, each)
      try {
        return await this.components.connectionManager.openConnection([addr], { signal: timeout.signal })
      } catch (err) {
        last = err
        if (!this.dialable) break
      } finally {
        clearTimeout(timer)
      }
    }
    throw last instanceof Error ? last : new Error(String(last))
  }

  private prove (peerId: string): void {
    this.proven.delete(peerId)
    this.proven.add(peerId)
    this.forgotten.delete(peerId)
    for (const p of this.proven) {
      if (this.proven.size <= MAX_PROVEN) break
      this.proven.delete(p)
    }
  }

  private isStranger (peerId: string): boolean {
    return !this.proven.has(peerId) && !this.isColleague(peerId)
  }

  private strangerTargets (): number {
    let n = 0
    for (const t of this.targets.values()) if (!t.isStatic && t.peerId !== undefined && this.isStranger(t.peerId)) n++
    return n
  }

  /** Whether a stranger dial may start now (STRANGER_DIALS_PER_SECOND). */
  private strangerDialAllowed (now: number): boolean {
    while (this.strangerDials.length > 0 && now - this.strangerDials[0]! >= 1_000) this.strangerDials.shift()
    if (this.strangerDials.length >= STRANGER_DIALS_PER_SECOND) return false
    this.strangerDials.push(now)
    return true
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail.toString()
    if (!this.running) return
    if (this.openConnections().length === 0) this.aloneSince = Date.now()
    const target = this.targets.get(peerId)
    if (target === undefined) {
      // a peer that dialed us, which we never saw ourselves (mDNS answers are not always heard): it
      // is redialed at the addresses it told us (identify), as a seen one would be
      void this.components.peerStore.get(evt.detail).then((peer) => {
        const addrs = peer.addresses.map(a => a.multiaddr)
        if (addrs.length > 0 && !this.targets.has(peerId)) this.learn(peerId, addrs)
      }).catch(() => {
        // not in the peer store: nothing to dial; mDNS sees it when it is back
      })
      return
    }
    // the lower id redials first, as with discovery, so a restart does not give two connections
    this.schedule(target, 250 + this.firstDelay(target))
  }

  private readonly onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    this.aloneSince = undefined
    const remote = evt.detail.remotePeer.toString()
    const target = this.targets.get(remote)
    if (target !== undefined) {
      target.failures = 0
      target.cutAvailable = true
      target.lastError = undefined
      clearTimeout(target.timer)
      target.timer = undefined
      target.dueAt = undefined
    }
    if (this.openConnections(evt.detail.remotePeer).length < 2) return
    // at once: the sooner a duplicate goes, the less likely gossipsub has put a stream on it
    void this.resolveDuplicates(evt.detail.remotePeer, evt.detail)
  }

  /**
   * Two connections to one peer: both sides dialed at once (then either will do, and the lower
   * side closes the others), or the peer came back over a new connection while the old one is dead
   * (it moved to a new address, or woke up). A dead connection cannot simply be dropped: gossipsub
   * keeps one outbound stream per peer, which may live on it, and does not open another on the
   * connection that stays. So the older ones are probed (a round trip on a LAN); when any of them no
   * longer answers, every connection to that peer is closed, and it is redialed afresh. Otherwise
   * the one kept is the one gossipsub's streams are on (the oldest if none or several are).
   */
  private async resolveDuplicates (peer: PeerId, fresh: Connection): Promise<void> {
    if (!this.running) return
    const key = peer.toString()
    if (this.resolving.has(key)) return
    this.resolving.add(key)
    try {
      const older = this.openConnections(peer).filter(c => c !== fresh)
      if (older.length === 0) return
      const alive = await Promise.all(older.map(async c => this.answers(c)))
      const open = this.openConnections(peer)
      if (alive.includes(false)) {
        for (const c of open) c.abort(new Error('a connection to this peer stopped answering; reconnecting afresh'))
        return
      }
      if (this.self > key || open.length < 2) return
      const pubsubStreams = (c: Connection): number => c.streams.filter(s => s.protocol?.startsWith('/meshsub/') === true || s.protocol?.startsWith('/floodsub/') === true).length
      open.sort((a, b) => (pubsubStreams(b) - pubsubStreams(a)) || (a.timeline.open - b.timeline.open))
      for (const extra of open.slice(1)) {
        // closing is best effort: if it fails the peer just keeps two connections
        void extra.close().catch(() => {})
      }
    } finally {
      this.resolving.delete(key)
    }
  }

  private schedule (target: Target, delayMs: number): void {
    if (!this.dialable) return
    clearTimeout(target.timer)
    target.dueAt = Date.now() + delayMs
    target.timer = setTimeout(() => {
      target.timer = undefined
      target.dueAt = undefined
      void this.dial(target)
    }, delayMs)
    target.timer.unref()
  }

  private async dial (target: Target): Promise<void> {
    if (!this.dialable || target.dialing || this.isConnected(target.peerId)) return
    const startedAt = Date.now()
    if (!target.isStatic && target.peerId !== undefined && this.isStranger(target.peerId) && !this.strangerDialAllowed(startedAt)) {
      this.schedule(target, 1_000 / STRANGER_DIALS_PER_SECOND + Math.floor(Math.random() * 1_000))
      return
    }
    target.dialing = true
    target.lastAttemptAt = startedAt
    try {
      const connection = await this.dialInTurn(target)
      target.failures = 0
      target.lastError = undefined
      const peerId = connection.remotePeer.toString()
      // reached by our own dial at this address: no stranger, and the address to try first next time
      target.worked = withPeerId([connection.remoteAddr], peerId)[0]
      this.prove(peerId)
      if (target.peerId === undefined) {
        // a static peer given without /p2p/: from now on it is known by its id
        this.targets.delete(target.key)
        target.peerId = peerId
        target.key = peerId
        const known = this.targets.get(peerId)
        if (known !== undefined) clearTimeout(known.timer)
        this.targets.set(peerId, target)
      }
    } catch (err) {
      if (!this.dialable) return
      target.failures++
      target.lastError = (err as Error).message
      if (target.isStatic && target.failures === 1) {
        this.safeDispatchEvent('keeper:warning', { detail: `cannot reach static peer ${String(target.configured ?? target.addrs[0])}: ${target.lastError}; retrying` })
      }
      if ((target.lastSeenAt ?? 0) > startedAt && target.cutAvailable) {
        // seen again while this dial was failing (it may have been listening only just now): soon
        target.cutAvailable = false
        this.schedule(target, this.minRedial)
        return
      }
      const maxFailures = target.peerId !== undefined && this.isStranger(target.peerId) ? Math.min(this.maxFailures, MAX_STRANGER_FAILURES) : this.maxFailures
      if (!target.isStatic && target.failures >= maxFailures) {
        // forgotten until it is seen again (its next mDNS answer or presence brings it back); a
        // stranger only after a while, so answers for peers that never answer cost little
        this.targets.delete(target.key)
        if (target.peerId !== undefined && this.isStranger(target.peerId)) {
          this.forgotten.set(target.peerId, Date.now() + STRANGER_FORGET_MS)
          for (const peer of this.forgotten.keys()) {
            if (this.forgotten.size <= MAX_FORGOTTEN) break
            this.forgotten.delete(peer)
          }
        }
        return
      }
      target.cutAvailable = true
      this.schedule(target, Math.min(this.maxBackoff, 500 * 2 ** Math.min(target.failures, 10)))
    } finally {
      target.dialing = false
    }
  }
}
