/**
 * Which of a peer's addresses the keeper keeps and dials: TCP over IP only, each naming the peer,
 * the first seen first, and a bounded number of them.
 */
import { networkInterfaces } from 'node:os'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Addresses kept per peer besides the configured one and the one that worked: the first seen stay
 * (a false answer cannot push out the real one), at most this many, and one sighting adds at most
 * MAX_ADDRS_PER_SIGHTING. Each is dialed on its own with a short timeout, so an address that accepts
 * TCP and then says nothing (a tarpit) costs one short wait, not the whole dial.
 */
export const MAX_ADDRS_PER_TARGET = 6
export const MAX_ADDRS_PER_SIGHTING = 2

/** Every address of this host's interfaces, loopback aside. */
export function interfaceAddresses (): string[] {
  return Object.values(networkInterfaces()).flatMap(list => (list ?? []).filter(a => !a.internal).map(a => a.address))
}

/**
 * The addresses of one peer, each ending in its /p2p/ id (libp2p dials a list only if all name the
 * same peer), without duplicates, and without any that name another peer.
 */
export function withPeerId (addrs: Multiaddr[], peerId: string): Multiaddr[] {
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
export function isTcpOverIp (ma: Multiaddr): boolean {
  const names = ma.getComponents().map(c => c.name).filter(n => n !== 'p2p')
  return names.length === 2 && (names[0] === 'ip4' || names[0] === 'ip6') && names[1] === 'tcp'
}
