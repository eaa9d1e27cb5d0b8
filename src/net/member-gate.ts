/**
 * The member gate: gossipsub speaks only with peers proven to be current members of this node's org.
 *
 * Noise proves a connection's peer id, and a member's peer id is its member key, so "proven" means:
 * the peer id Noise proved is in the directory and not removed (or suspended). Until then gossipsub
 * is not told of the peer at all: no subscription announcement goes to it (they would name the org,
 * its teams and its members' inboxes), and its own meshsub streams are held unread. A LAN outsider
 * that connects learns what identify says and nothing more.
 *
 * It works by handing gossipsub a registrar of its own: topology notifications for peers not admitted
 * are withheld, and so are their inbound streams, unread, each allowed to buffer HELD_STREAM_BYTES
 * (more, and libp2p aborts it) and one per peer and protocol, MAX_HELD_STREAMS in all. When the org
 * changes (`recheck`), a withheld peer now admitted is given to gossipsub: its held stream (the peer's
 * subscriptions wait in it) and its connection, on which gossipsub opens its own stream. (Aborting the
 * held streams instead would race: the peer's gossipsub may not see the abort before it has recorded
 * the stream as open, and would never open another.)
 */
import { NotMemberError } from '../errors.js'
import type { Connection, Libp2p, PeerId, Stream, StreamHandler, StreamHandlerOptions, Topology } from '@libp2p/interface'

/** What the gate wraps of libp2p's registrar (its full type is internal to libp2p). */
export type GatedRegistrar = Pick<Libp2p, 'handle' | 'register' | 'unregister'>

/**
 * What the gate reads of libp2p's connections: a peer's open connections, and libp2p's events, whose
 * 'connection:close' says when one of them goes.
 */
export interface GateNetwork {
  getConnections: (peer: PeerId) => Connection[]
  events: Pick<EventTarget, 'addEventListener'>
}

/** What a held stream may buffer unread: a member's first message is its subscriptions, a few KiB. */
export const HELD_STREAM_BYTES = 64 * 1024
/** Streams held at once, over all peers; more are aborted. */
export const MAX_HELD_STREAMS = 256
/** After a connection to a passed peer closes, how long before gossipsub is told of another one. */
export const REPASS_DELAY_MS = 200

/** Whether a peer id is a current member this node may gossip with. */
export type AdmitPeer = (peerId: string) => boolean

interface Gated {
  topology: Topology
  /** peers told to the inner topology, and those withheld from it, with their connection */
  passed: Set<string>
  withheld: Map<string, { peer: PeerId, connection: Connection }>
}

export class MemberGate {
  private readonly admit: AdmitPeer
  private readonly gated: Gated[] = []
  /** inbound streams of unadmitted peers, unread, by protocol and peer */
  private readonly held = new Map<string, { stream: Stream, connection: Connection, handler: StreamHandler, bufferLimit: number }>()
  /** inbound streams held, and those aborted because too many were held, counted for tests and logs */
  heldStreams = 0
  abortedStreams = 0
  private network?: GateNetwork

  /** `admit` is asked afresh at each decision: it reads the org as it is then */
  constructor (admit: AdmitPeer) {
    this.admit = admit
  }

  /**
   * Withheld peers now admitted come in. A peer no longer admitted (removed) keeps its open streams
   * until its connections are closed (OrgService hangs up on removed peers after a moment, so that the
   * removal record reaches them); its new streams are held unread from then on.
   */
  recheck (): void {
    for (const [key, h] of [...this.held]) {
      if (h.stream.status !== 'open') { this.held.delete(key); continue }
      if (!this.admit(h.connection.remotePeer.toString())) continue
      this.held.delete(key)
      h.stream.maxReadBufferLength = h.bufferLimit
      void h.handler(h.stream, h.connection)
    }
    for (const g of this.gated) {
      for (const [id, withheld] of [...g.withheld]) {
        // the connection withheld may have gone as a duplicate while another to the peer stays: that
        // one is passed instead (libp2p tells a topology of a peer once per identify, not again)
        const connection = withheld.connection.status === 'open' ? withheld.connection : this.openConnection(withheld.peer)
        if (connection === undefined) { g.withheld.delete(id); continue }
        if (!this.admit(id)) continue
        g.withheld.delete(id)
        g.passed.add(id)
        void g.topology.onConnect?.(withheld.peer, connection)
      }
    }
  }

  /** An open connection to `peer`, if libp2p's connections were given to `wrap`. */
  private openConnection (peer: PeerId): Connection | undefined {
    return this.network?.getConnections(peer).find(c => c.status === 'open')
  }

  /**
   * A connection to a peer gossipsub was told of has closed while another stays open (a duplicate
   * closed, see keeper/duplicates.ts): gossipsub's outbound stream may have been on it, and gossipsub
   * opens one only when told of a connection, so it is told of the one that stays. Its own check
   * keeps a stream it still has. Done a moment later, once gossipsub has seen its stream close.
   */
  private onConnectionClose (closed: Connection): void {
    const id = closed.remotePeer.toString()
    if (!this.gated.some(g => g.passed.has(id))) return
    setTimeout(() => {
      const other = this.openConnection(closed.remotePeer)
      if (other === undefined || !this.admit(id)) return
      for (const g of this.gated) if (g.passed.has(id)) void g.topology.onConnect?.(closed.remotePeer, other)
    }, REPASS_DELAY_MS).unref()
  }

  /** Keep an unadmitted peer's stream unread, replacing one it opened before for the same protocol. */
  private hold (key: string, stream: Stream, connection: Connection, handler: StreamHandler): void {
    const before = this.held.get(key)
    if (before !== undefined) {
      this.held.delete(key)
      before.stream.abort(new NotMemberError('not a member'))
    }
    if (this.held.size >= MAX_HELD_STREAMS) {
      this.abortedStreams++
      stream.abort(new NotMemberError('not a member'))
      return
    }
    this.heldStreams++
    this.held.set(key, { stream, connection, handler, bufferLimit: stream.maxReadBufferLength })
    stream.maxReadBufferLength = HELD_STREAM_BYTES
    stream.addEventListener('close', () => {
      if (this.held.get(key)?.stream === stream) this.held.delete(key)
    }, { once: true })
  }

  /**
   * A registrar for gossipsub: `inner` with its topologies and inbound streams gated by membership.
   * With `network`, a peer whose withheld connection went keeps its other ones, and gossipsub is told
   * of a peer's remaining connection when the one its streams were on closes.
   */
  wrap<R extends GatedRegistrar> (inner: R, network?: GateNetwork): R {
    if (network !== undefined) {
      this.network = network
      network.events.addEventListener('connection:close', (evt) => { this.onConnectionClose((evt as CustomEvent<Connection>).detail) })
    }
    const handle = async (protocol: string | string[], handler: StreamHandler, options?: StreamHandlerOptions): Promise<void> => {
      const name = Array.isArray(protocol) ? protocol.join(' ') : protocol
      await inner.handle(protocol, (stream, connection): void | Promise<void> => {
        if (this.admit(connection.remotePeer.toString())) return handler(stream, connection)
        this.hold(`${name} ${connection.remotePeer.toString()}`, stream, connection, handler)
      }, options)
    }
    const register = async (protocol: string, topology: Topology): Promise<string> => {
      const g: Gated = { topology, passed: new Set(), withheld: new Map() }
      this.gated.push(g)
      const id = await inner.register(protocol, {
        ...(topology.notifyOnLimitedConnection === undefined ? {} : { notifyOnLimitedConnection: topology.notifyOnLimitedConnection }),
        onConnect: (peer: PeerId, connection: Connection) => {
          const key = peer.toString()
          if (!this.admit(key)) {
            g.withheld.set(key, { peer, connection })
            return
          }
          g.withheld.delete(key)
          g.passed.add(key)
          return topology.onConnect?.(peer, connection)
        },
        onDisconnect: (peer: PeerId) => {
          const key = peer.toString()
          g.withheld.delete(key)
          if (!g.passed.delete(key)) return
          return topology.onDisconnect?.(peer)
        }
      })
      topologyIds.set(id, g)
      return id
    }
    const topologyIds = new Map<string, Gated>()
    const unregister = (id: string): void => {
      const g = topologyIds.get(id)
      if (g !== undefined) {
        topologyIds.delete(id)
        this.gated.splice(this.gated.indexOf(g), 1)
      }
      inner.unregister(id)
    }
    return new Proxy(inner, {
      get (target, prop, receiver) {
        if (prop === 'handle') return handle
        if (prop === 'register') return register
        if (prop === 'unregister') return unregister
        const value = Reflect.get(target, prop, receiver) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      }
    })
  }
}

/** The part of an org the gate reads: who is in the directory, who was removed and who is suspended. */
export interface Directory {
  state: { members: ReadonlyMap<string, unknown>, removed: ReadonlyMap<string, unknown>, suspended?: ReadonlySet<string> }
}

/** Whether `peerId` is a current member of `org` other than this node: none is before an org is joined. */
export function isAdmittedPeer (org: Directory | undefined, selfId: string, peerId: string): boolean {
  return org !== undefined && peerId !== selfId && org.state.members.has(peerId) && !org.state.removed.has(peerId) && org.state.suspended?.has(peerId) !== true
}
