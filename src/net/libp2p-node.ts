/**
 * The libp2p node of parley: TCP, Noise, yamux, identify, mDNS and gossipsub.
 */
import '../polyfills.js'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { lazyYamuxWindowUpdates } from './yamux-window.js'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { TypedEventEmitter } from 'main-event'
import { contentId } from '../crypto/keys.js'
import { peerKeeper } from './peer-keeper.js'
import { isReachableFromLan } from './reachability.js'
import type { GatedRegistrar, GateNetwork, MemberGate } from './member-gate.js'
import { settlingMdns } from './settling-mdns.js'
import { parleyLogger } from '../log.js'
import type { PeerKeeper, PeerKeeperInit, SightingEvents } from './peer-keeper.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { Ed25519PrivateKey, Libp2p, PeerDiscovery } from '@libp2p/interface'

const log = parleyLogger('net')

/** The mDNS service name parley nodes announce, so they find each other and nothing else. */
export const MDNS_SERVICE_TAG = '_parley._udp.local'
/** How often mDNS queries the LAN while a node finds its peers; a new node is found at once by its own first query. */
export const MDNS_INTERVAL_MS = 5_000
/** How often once it has settled (see settling-mdns.ts): every node answers every query, N^3 packets in all. */
export const MDNS_SETTLED_INTERVAL_MS = 60_000
/** Settled: connected, and no new peer for this long. */
export const MDNS_SETTLE_MS = 20_000

export interface NetInit {
  privateKey: Ed25519PrivateKey
  /** multiaddrs to listen on */
  listen: string[]
  mdns: boolean
  /** peers whose connections are refused both ways (removed members) */
  isPeerDenied?: (peerId: string) => boolean
  /** the peer keeper's settings: static peers, dial pacing; false for none (the benchmarks' bare libp2p) */
  keeper?: Omit<PeerKeeperInit, 'sightings'> | false
  /** gossipsub speaks only with the peers this admits (see member-gate.ts); none for the benchmarks' bare libp2p */
  memberGate?: MemberGate
  /** mDNS pace (tests shorten the settle time; see settling-mdns.ts) */
  mdnsPace?: { intervalMs?: number, settledIntervalMs?: number, settleMs?: number }
}

export type ParleyLibp2p = Libp2p<{ identify: Identify, pubsub: GossipSub, keeper: PeerKeeper }>

export { isReachableFromLan }

const STREAM_WINDOW_BYTES = 16 * 1024 * 1024
/** Largest backlog of unread bytes one stream may hold: above the window. */
const STREAM_READ_BUFFER_BYTES = 48 * 1024 * 1024

/**
 * Gossipsub peer scoring: every message a topic validator rejects (forged, a non-member's, over its
 * author's limits...) counts against the peer that sent it, on every topic. Only that counter
 * weighs: the other topic terms (time in mesh, deliveries) would punish a quiet office's honest
 * peers. With the counter decaying by a tenth a second, a peer sending about 2 rejected messages a
 * second, or 20 in a burst, falls under the graylist: gossipsub then ignores it, and
 * dropGraylisted hangs up on it.
 */
export const INVALID_MESSAGE_WEIGHT = -0.2
/** Per decay interval (a second): the counter of rejected messages keeps nine tenths. */
export const INVALID_MESSAGE_DECAY = 0.9
/**
 * gossipsub's mesh, narrower than its default (D 6, Dlo 4, Dhi 12, Dscore 4, Dout 2): Dout stays
 * under Dlo and at most D / 2, Dscore at most D, as gossipsub requires.
 */
export const MESH = { D: 3, Dlo: 2, Dhi: 6, Dscore: 2, Dout: 1 } as const

/** gossipsub's default: under this score a peer's messages are ignored; parley also disconnects it. */
export const GRAYLIST_THRESHOLD = -80

/**
 * What the gossipsub class has beyond its exported interface (@libp2p/gossipsub 17): the score
 * table it reads topic parameters from at each use, and a peer's score.
 */
interface ScoredGossipSub {
  score: { params: { topics: Record<string, unknown> } }
  getScore: (peerId: string) => number
}

/** The score parameters of every parley topic (names are derived, so one set serves all). */
const TOPIC_SCORE = {
  topicWeight: 1,
  timeInMeshWeight: 0,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 1,
  firstMessageDeliveriesWeight: 0,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 1,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 1,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: INVALID_MESSAGE_WEIGHT,
  invalidMessageDeliveriesDecay: INVALID_MESSAGE_DECAY
}

/**
 * Score every topic with TOPIC_SCORE: gossipsub copies its topic parameters when built, and parley's
 * topics come and go with teams, so the table is replaced by one that has every topic.
 */
function scoreEveryTopic (pubsub: GossipSub): void {
  const params = (pubsub as unknown as ScoredGossipSub).score.params
  params.topics = new Proxy({}, { get: (_target, topic) => typeof topic === 'string' ? TOPIC_SCORE : undefined })
}

/** At each gossipsub heartbeat, hang up on the peers whose score fell under the graylist (they may come back once it decays). */
function dropGraylisted (libp2p: ParleyLibp2p): void {
  const pubsub = libp2p.services.pubsub
  const scored = pubsub as unknown as ScoredGossipSub
  pubsub.addEventListener('gossipsub:heartbeat', () => {
    for (const peer of pubsub.getPeers()) {
      const score = scored.getScore(peer.toString())
      if (score >= GRAYLIST_THRESHOLD) continue
      log('%s is under the graylist (score %d): hanging up', peer.toString(), score)
      libp2p.hangUp(peer).catch((err: Error) => { log('hang up %s: %s', peer.toString(), err.message) }) // already gone is fine
    }
  })
}

/** Build (but do not start) the libp2p node. */
export async function createParleyLibp2p (init: NetInit): Promise<ParleyLibp2p> {
  // a window update per stream once half its window is used, not one per frame (see yamux-window.ts)
  lazyYamuxWindowUpdates()
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = [] // eslint-disable-line @typescript-eslint/no-explicit-any -- libp2p's Components type is internal
  // every mDNS answer is a sighting for the keeper, not only a peer's first (see peer-keeper.ts)
  const sightings = new TypedEventEmitter<SightingEvents>()
  if (init.mdns) {
    peerDiscovery.push(settlingMdns({
      serviceTag: MDNS_SERVICE_TAG,
      intervalMs: init.mdnsPace?.intervalMs ?? MDNS_INTERVAL_MS,
      settledIntervalMs: init.mdnsPace?.settledIntervalMs ?? MDNS_SETTLED_INTERVAL_MS,
      settleMs: init.mdnsPace?.settleMs ?? MDNS_SETTLE_MS,
      sightings
    }))
  }
  const libp2p = await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    addresses: {
      listen: init.listen,
      // mDNS and identify would otherwise tell other hosts to dial 127.0.0.1, which reaches themselves
      announceFilter: (addrs) => {
        const lan = addrs.filter(isReachableFromLan)
        return lan.length > 0 ? lan : addrs
      }
    },
    connectionGater: {
      denyDialPeer: (peerId) => init.isPeerDenied?.(peerId.toString()) ?? false,
      denyInboundEncryptedConnection: (peerId) => init.isPeerDenied?.(peerId.toString()) ?? false,
      denyOutboundEncryptedConnection: (peerId) => init.isPeerDenied?.(peerId.toString()) ?? false
    },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // windows start at yamux's maximum: its RTT-based growth counts whole milliseconds, and on a fast
    // LAN can stay at 256 KiB, so sender and receiver take turns instead of overlapping (file chunks);
    // a stream's read buffer must hold what that window lets a peer send before we read, or the
    // stream is aborted (yamux's default is 4 MiB)
    streamMuxers: [yamux({ streamOptions: { initialStreamWindowSize: STREAM_WINDOW_BYTES, maxStreamWindowSize: STREAM_WINDOW_BYTES, maxReadBufferLength: STREAM_READ_BUFFER_BYTES } })],
    peerDiscovery,
    connectionManager: {
      dialTimeout: 10_000
    },
    services: {
      identify: identify(),
      // typed as always there: only the benchmarks' bare node, which never asks for it, goes without
      ...(init.keeper === false ? {} as { keeper: never } : { keeper: peerKeeper({ ...init.keeper, sightings }) }),
      pubsub: gated(init.memberGate, gossipsub({
        // entries carry their author's signature; gossipsub's own would sign the relay, not the author
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (msg) => contentId(msg.data),
        // a team with nobody else online still gets a durable local entry; delivery catches up later
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        // a small office is well served by flooding our own messages to every subscriber
        floodPublish: true,
        // flooding already reaches every connected subscriber, so the mesh only relays to those we
        // miss, with IHAVE gossip and the history resync behind it; at gossipsub's D = 6 every node
        // forwards each message to 6 more peers: at 20 nodes (scale bench) nearly twice the LAN
        // bytes and a third more CPU per message, and the senders fell behind at 25 msg/s
        ...MESH,
        scoreThresholds: { graylistThreshold: GRAYLIST_THRESHOLD }
      }))
    }
  })
  scoreEveryTopic(libp2p.services.pubsub)
  dropGraylisted(libp2p)
  return libp2p
}

/** The gossipsub service built over a registrar that `gate` controls (or as it is, without one). */
function gated<T> (gate: MemberGate | undefined, service: (components: any) => T): (components: any) => T { // eslint-disable-line @typescript-eslint/no-explicit-any -- libp2p's Components type is internal
  if (gate === undefined) return service
  return (components: { registrar: GatedRegistrar, connectionManager: Pick<GateNetwork, 'getConnections'>, events: GateNetwork['events'] }) => {
    const registrar = gate.wrap(components.registrar, { getConnections: (peer) => components.connectionManager.getConnections(peer), events: components.events })
    // the components are libp2p's own proxy; everything but the registrar is read through to it
    return service(new Proxy(components, {
      get: (target, prop, receiver): unknown => prop === 'registrar' ? registrar : Reflect.get(target, prop, receiver)
    }))
  }
}
