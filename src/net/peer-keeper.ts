/**
 * Keeps one connection to every parley peer we know of: discovered by mDNS or given as static peers.
 *
 * Both sides of a pair usually discover each other at about the same time, and libp2p would then
 * open two connections. So the side with the lower peer id dials at once, and the other dials only
 * after a pause if it is still not connected (its partner may not have seen it). If two connections
 * appear anyway, the lower side closes all but the oldest. Lost peers are redialed with backoff.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { isReachableFromLan } from './libp2p-node.js'
import type { ParleyLibp2p } from './libp2p-node.js'
import type { Connection, PeerId, PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface PeerKeeperInit {
  /** multiaddrs that are always dialed and redialed, with or without /p2p/ */
  staticPeers: string[]
  /** how long the higher peer id waits before dialing a discovered peer itself */
  fallbackDialDelayMs?: number
  /** the longest wait between redials */
  maxBackoffMs?: number
  /** how many failed dials before a discovered (not static) peer is forgotten until rediscovered */
  maxDiscoveredFailures?: number
  onWarning?: (message: string) => void
}

interface Target {
  /** static targets are keyed by address until we learn their peer id */
  key: string
  addrs: Multiaddr[]
  isStatic: boolean
  failures: number
  timer?: NodeJS.Timeout
  dialing: boolean
  peerId?: string
}

const DIAL_TIMEOUT_MS = 5_000

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

/** Dials discovered and static peers, once each, and redials them when they go. */
export class PeerKeeper {
  private readonly libp2p: ParleyLibp2p
  private readonly self: string
  private readonly targets = new Map<string, Target>()
  private readonly fallbackDelay: number
  private readonly maxBackoff: number
  private readonly maxFailures: number
  private readonly staticPeers: string[]
  private readonly warn: (message: string) => void
  private running = false

  constructor (libp2p: ParleyLibp2p, init: PeerKeeperInit) {
    this.libp2p = libp2p
    this.self = libp2p.peerId.toString()
    this.fallbackDelay = init.fallbackDialDelayMs ?? 750
    this.maxBackoff = init.maxBackoffMs ?? 30_000
    this.maxFailures = init.maxDiscoveredFailures ?? 6
    this.staticPeers = init.staticPeers
    this.warn = init.onWarning ?? (() => {})
  }

  /** Start dialing static peers and listening for discoveries. */
  start (): void {
    if (this.running) return
    this.running = true
    this.libp2p.addEventListener('peer:discovery', this.onDiscovery)
    this.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    this.libp2p.addEventListener('connection:open', this.onConnectionOpen)
    for (const addr of this.staticPeers) {
      const ma = multiaddr(addr)
      const peerId = ma.getComponents().find(c => c.name === 'p2p')?.value
      const target: Target = { key: peerId ?? addr, addrs: [ma], isStatic: true, failures: 0, dialing: false, peerId }
      this.targets.set(target.key, target)
      this.schedule(target, 0)
    }
  }

  /** Stop all timers; connections are closed by libp2p's own stop. */
  stop (): void {
    if (!this.running) return
    this.running = false
    this.libp2p.removeEventListener('peer:discovery', this.onDiscovery)
    this.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    this.libp2p.removeEventListener('connection:open', this.onConnectionOpen)
    for (const target of this.targets.values()) clearTimeout(target.timer)
    this.targets.clear()
  }

  private isConnected (peerId: string | undefined): boolean {
    if (peerId === undefined) return false
    return this.libp2p.getConnections().some(c => c.remotePeer.toString() === peerId && c.status === 'open')
  }

  private readonly onDiscovery = (evt: CustomEvent<PeerInfo>): void => {
    this.learn(evt.detail.id.toString(), evt.detail.multiaddrs)
  }

  /**
   * Keep a connection to a peer found by mDNS or heard of from other peers (their presence carries
   * their addresses), so an office spread over subnets that route to each other still meshes.
   */
  learn (peerId: string, multiaddrs: Multiaddr[]): void {
    if (!this.running || peerId === this.self) return
    // loopback addresses only make sense to a node that itself listens only on loopback (tests)
    const ownLan = this.libp2p.getMultiaddrs().some(isReachableFromLan)
    const addrs = withPeerId(multiaddrs.filter(ma => !ownLan || isReachableFromLan(ma)), peerId)
    if (addrs.length === 0) return
    const existing = this.targets.get(peerId)
    if (existing !== undefined) {
      existing.addrs = existing.isStatic ? withPeerId([...existing.addrs, ...addrs], peerId) : addrs
      existing.failures = 0
      if (!this.isConnected(peerId) && existing.timer === undefined && !existing.dialing) {
        this.schedule(existing, this.self < peerId ? 0 : this.fallbackDelay)
      }
      return
    }
    const target: Target = { key: peerId, addrs, isStatic: false, failures: 0, dialing: false, peerId }
    this.targets.set(peerId, target)
    if (!this.isConnected(peerId)) {
      this.schedule(target, this.self < peerId ? 0 : this.fallbackDelay)
    }
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail.toString()
    if (!this.running) return
    const target = this.targets.get(peerId)
    if (target === undefined) {
      // a peer that dialed us, which we never discovered ourselves (mDNS answers are not always heard):
      // it is redialed at the addresses it told us (identify), as a discovered one would be
      void this.libp2p.peerStore.get(evt.detail).then((peer) => {
        const addrs = peer.addresses.map(a => a.multiaddr)
        if (addrs.length > 0 && !this.targets.has(peerId)) this.learn(peerId, addrs)
      }).catch(() => {
        // not in the peer store: nothing to dial; mDNS finds it when it is back
      })
      return
    }
    // the lower id redials first, as with discovery, so a restart does not give two connections
    const delay = this.self < peerId ? 250 : 250 + this.fallbackDelay
    this.schedule(target, delay)
  }

  private readonly onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    const remote = evt.detail.remotePeer.toString()
    const target = this.targets.get(remote)
    if (target !== undefined) target.failures = 0
    if (this.self > remote) return
    const open = this.libp2p.getConnections(evt.detail.remotePeer).filter(c => c.status === 'open')
    if (open.length < 2) return
    open.sort((a, b) => a.timeline.open - b.timeline.open)
    for (const extra of open.slice(1)) {
      // closing is best effort: if it fails the peer just keeps two connections
      void extra.close().catch(() => {})
    }
  }

  private schedule (target: Target, delayMs: number): void {
    if (!this.running) return
    clearTimeout(target.timer)
    target.timer = setTimeout(() => {
      target.timer = undefined
      void this.dial(target)
    }, delayMs)
    target.timer.unref()
  }

  private async dial (target: Target): Promise<void> {
    if (!this.running || target.dialing || this.isConnected(target.peerId)) return
    target.dialing = true
    try {
      const connection = await this.libp2p.dial(target.addrs, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      target.failures = 0
      const peerId = connection.remotePeer.toString()
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
      if (!this.running) return
      target.failures++
      if (!target.isStatic && target.failures >= this.maxFailures) {
        // mDNS will announce it again when it is back
        this.targets.delete(target.key)
        return
      }
      const backoff = Math.min(this.maxBackoff, 500 * 2 ** Math.min(target.failures, 10))
      if (target.isStatic && target.failures === 1) {
        this.warn(`cannot reach static peer ${target.addrs.map(String).join(', ')}: ${(err as Error).message}; retrying`)
      }
      this.schedule(target, backoff)
    } finally {
      target.dialing = false
    }
  }
}
