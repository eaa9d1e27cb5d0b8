/**
 * Two connections to one peer: both sides dialed at once (then either will do, and the lower side
 * closes the others), or the peer came back over a new connection while the old one is dead (it
 * moved to a new address, or woke up). A dead connection cannot simply be dropped: gossipsub keeps
 * one outbound stream per peer, which may live on it, and does not open another on the connection
 * that stays. So the older ones are probed (a round trip on a LAN); when any of them no longer
 * answers, every connection to that peer is closed, and it is redialed afresh. Otherwise the one
 * kept is the one gossipsub's streams are on (the oldest if none or several are).
 */
import { answers } from './probe.js'
import { parleyLogger } from '../../log.js'
import type { Connection, PeerId } from '@libp2p/interface'

const log = parleyLogger('keeper')

export interface DuplicateResolverInit {
  /** this node's peer id, as a string: the lower side of a pair closes the extras */
  self: string
  /** the open connections to `peer` */
  openConnections: (peer: PeerId) => Connection[]
  /** whether the keeper still runs */
  running: () => boolean
}

/** Resolves duplicate connections to a peer, one look per peer at a time. */
export class DuplicateResolver {
  private readonly init: DuplicateResolverInit
  /** peers whose duplicate connections are being looked at now */
  private readonly resolving = new Set<string>()

  constructor (init: DuplicateResolverInit) {
    this.init = init
  }

  /** `fresh` opened while `peer` had another connection: keep one, or close all if one is dead. */
  async resolve (peer: PeerId, fresh: Connection): Promise<void> {
    if (!this.init.running()) return
    const key = peer.toString()
    if (this.resolving.has(key)) return
    this.resolving.add(key)
    try {
      const older = this.init.openConnections(peer).filter(c => c !== fresh)
      if (older.length === 0) return
      const alive = await Promise.all(older.map(async c => answers(c)))
      const open = this.init.openConnections(peer)
      if (alive.includes(false)) {
        for (const c of open) c.abort(new Error('a connection to this peer stopped answering; reconnecting afresh'))
        return
      }
      if (this.init.self > key || open.length < 2) return
      const pubsubStreams = (c: Connection): number => c.streams.filter(s => s.protocol?.startsWith('/meshsub/') === true || s.protocol?.startsWith('/floodsub/') === true).length
      open.sort((a, b) => (pubsubStreams(b) - pubsubStreams(a)) || (a.timeline.open - b.timeline.open))
      for (const extra of open.slice(1)) {
        // closing is best effort: if it fails the peer just keeps two connections
        void extra.close().catch((err: Error) => { log('closing a duplicate connection to %s: %s', key, err.message) })
      }
    } finally {
      this.resolving.delete(key)
    }
  }
}
