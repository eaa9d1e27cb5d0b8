/**
 * Which addresses are worth telling or dialing on a LAN.
 */
import { isLinkLocal, isLoopback } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Addresses worth giving to a peer on another host: not loopback, not link-local. */
export function isReachableFromLan (ma: Multiaddr): boolean {
  return !isLoopback(ma) && !isLinkLocal(ma)
}
