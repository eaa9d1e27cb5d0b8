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
 * keeper/duplicates.ts). Lost peers are redialed with backoff, and a fresh sighting cuts any backoff
 * short. When this host's own addresses change, connections that no longer answer are closed.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { AddressWatcher } from './keeper/address-watcher.js'
import { interfaceAddresses, isTcpOverIp, MAX_ADDRS_PER_SIGHTING, MAX_ADDRS_PER_TARGET, withPeerId } from './keeper/addresses.js'
import { DuplicateResolver } from './keeper/duplicates.js'
import { MAX_STRANGER_FAILURES, MAX_STRANGER_TARGETS, STRANGER_DIALS_PER_SECOND, StrangerBounds } from './keeper/strangers.js'
import { dialInTurn } from './keeper/targets.js'
import { isReachableFromLan } from './reachability.js'
import { parleyLogger } from '../log.js'
import type { KeeperStatus, PeerKeeperComponents, PeerKeeperEvents, PeerKeeperInit, SightingEvents } from './keeper/types.js'
import type { Target } from './keeper/targets.js'
import type { Connection, PeerId, PeerInfo, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { TypedEventTarget } from 'main-event'

export type { KeeperStatus, KeeperTargetStatus, PeerKeeperComponents, PeerKeeperEvents, PeerKeeperInit, SightingEvents } from './keeper/types.js'

const log = parleyLogger('keeper')
const SIGHTING_WINDOW_MS = 60_000
/** sightings kept for the status (a bounded ring of times) */
const MAX_SIGHTINGS_KEPT = 1_000
/** How long the answer to "does this node listen on the LAN?" is reused (a sighting asks it). */
const OWN_ADDRESSES_FRESH_MS = 5_000

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
  private readonly seenAt: number[] = []
  /** whether this node listens on the LAN, and when that was asked (see listensOnLan) */
  private ownLan?: { at: number, value: boolean }
  private readonly strangers: StrangerBounds
  private readonly addressWatcher: AddressWatcher
  private readonly duplicates: DuplicateResolver
  /** sightings ignored because too many strangers are targets already */
  private ignoredSightings = 0
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
    this.strangers = new StrangerBounds(init.isColleague ?? (() => false))
    this.addressWatcher = new AddressWatcher({
      intervalMs: init.addressCheckMs ?? 2_000,
      localAddresses: init.localAddresses ?? interfaceAddresses,
      openConnections: () => this.openConnections(),
      onChanged: (change) => { this.sightings?.safeDispatchEvent('network:changed', { detail: change }) }
    })
    this.duplicates = new DuplicateResolver({ self: this.self, openConnections: (peer) => this.openConnections(peer), running: () => this.running })
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
    this.addressWatcher.start()
  }

  /** Stop all timers; connections are closed by libp2p's own stop. */
  stop (): void {
    if (!this.running) return
    this.running = false
    this.dialable = false
    this.addressWatcher.stop()
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
    const now = Date.now()
    // loopback addresses only make sense to a node that itself listens only on loopback (tests)
    const ownLan = this.listensOnLan(now)
    // parley announces only TCP over IP: anything else (a /dns4/ name, which could carry anything and
    // would be looked up) is not dialed
    const addrs = withPeerId(multiaddrs.filter(ma => isTcpOverIp(ma) && (!ownLan || isReachableFromLan(ma))), peerId).slice(0, MAX_ADDRS_PER_SIGHTING)
    if (addrs.length === 0) return
    this.seenAt.push(now)
    if (this.seenAt.length > MAX_SIGHTINGS_KEPT) this.seenAt.splice(0, this.seenAt.length - MAX_SIGHTINGS_KEPT)
    let target = this.targets.get(peerId)
    if (target === undefined) {
      if (this.strangers.isStranger(peerId)) {
        if (this.strangers.isForgotten(peerId, now)) return
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
   * Whether this node listens on an address the LAN reaches, asked of libp2p at most once per
   * OWN_ADDRESSES_FRESH_MS: its answer lists the host's interfaces, which costs far more than a
   * sighting, and every node answers every mDNS query.
   */
  private listensOnLan (now: number): boolean {
    if (this.ownLan === undefined || now - this.ownLan.at >= OWN_ADDRESSES_FRESH_MS) {
      this.ownLan = { at: now, value: this.components.addressManager.getAddresses().some(isReachableFromLan) }
    }
    return this.ownLan.value
  }

  private strangerTargets (): number {
    let n = 0
    for (const t of this.targets.values()) if (!t.isStatic && t.peerId !== undefined && this.strangers.isStranger(t.peerId)) n++
    return n
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
      }).catch((err: Error) => {
        // not in the peer store: nothing to dial; mDNS sees it when it is back
        log('no addresses known for %s, which went: %s', peerId, err.message)
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
    void this.duplicates.resolve(evt.detail.remotePeer, evt.detail)
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
    if (!target.isStatic && target.peerId !== undefined && this.strangers.isStranger(target.peerId) && !this.strangers.dialAllowed()) {
      this.schedule(target, 1_000 / STRANGER_DIALS_PER_SECOND + Math.floor(Math.random() * 1_000))
      return
    }
    target.dialing = true
    target.lastAttemptAt = startedAt
    try {
      const connection = await dialInTurn(target, async (addrs, options) => this.components.connectionManager.openConnection(addrs, options), () => this.dialable)
      target.failures = 0
      target.lastError = undefined
      const peerId = connection.remotePeer.toString()
      // reached by our own dial at this address: no stranger, and the address to try first next time
      target.worked = withPeerId([connection.remoteAddr], peerId)[0]
      this.strangers.prove(peerId)
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
      const maxFailures = target.peerId !== undefined && this.strangers.isStranger(target.peerId) ? Math.min(this.maxFailures, MAX_STRANGER_FAILURES) : this.maxFailures
      if (!target.isStatic && target.failures >= maxFailures) {
        // forgotten until it is seen again (its next mDNS answer or presence brings it back); a
        // stranger only after a while, so answers for peers that never answer cost little
        this.targets.delete(target.key)
        if (target.peerId !== undefined && this.strangers.isStranger(target.peerId)) this.strangers.forget(target.peerId)
        return
      }
      target.cutAvailable = true
      this.schedule(target, Math.min(this.maxBackoff, 500 * 2 ** Math.min(target.failures, 10)))
    } finally {
      target.dialing = false
    }
  }
}
