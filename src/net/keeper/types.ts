/** The keeper's contract: its events, init, components and status. */
import type { Connection, Libp2pEvents, PeerId, PeerInfo, PeerStore } from '@libp2p/interface'
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
