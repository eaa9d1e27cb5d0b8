/**
 * Gossip from peers outside the directory, counted: a member this node has not heard of yet sends a
 * few team messages before the org sync tells of them; one that sends more than a minute's allowance
 * is cut off for a while (its connections are refused, see isPeerDenied in libp2p-node.ts).
 */
import { RateLimiter } from '@libp2p/utils'

/** Team and inbox gossip a peer outside the directory may send in a minute. */
export const STRANGER_GOSSIP_PER_MINUTE = 50
/** How long a peer that sent more is refused, in seconds. */
export const STRANGER_BAN_S = 10 * 60

export class StrangerGate {
  private readonly gossip = new RateLimiter({ points: STRANGER_GOSSIP_PER_MINUTE, duration: 60, keyPrefix: 'gossip' })
  private readonly banned = new RateLimiter({ points: 0, duration: STRANGER_BAN_S, keyPrefix: 'ban' })

  /** Count one message from a stranger: 'ok', 'banned' while banned, or 'banned-now' when this one went over the allowance. */
  consume (peer: string): 'ok' | 'banned' | 'banned-now' {
    if (this.isBanned(peer)) return 'banned'
    try {
      this.gossip.consume(peer)
      return 'ok'
    } catch {
      // over the limit
      this.banned.block(peer, STRANGER_BAN_S)
      return 'banned-now'
    }
  }

  isBanned (peer: string): boolean {
    return this.banned.get(peer) !== undefined
  }
}
