/** A peer the keeper dials, and how one is dialed: its addresses in turn, best first. */
import { withPeerId } from './addresses.js'
import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const DIAL_TIMEOUT_MS = 5_000
/** When a peer has several addresses, each gets this long (a tarpit costs one short wait). */
const PER_ADDRESS_TIMEOUT_MS = 2_500

/** One peer the keeper keeps connected (or tries to). */
export interface Target {
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

/** Every address of a target once, best first: the configured one, the one that worked, then as first seen. */
export function addressesOf (target: Target): Multiaddr[] {
  const first = [target.configured, target.worked].filter((a): a is Multiaddr => a !== undefined)
  const all = target.peerId === undefined ? [...first, ...target.addrs] : withPeerId([...first, ...target.addrs], target.peerId)
  return [...new Map(all.map(a => [a.toString(), a])).values()]
}

/**
 * Dial the peer's addresses one at a time, best first. One address alone gets the whole dial's
 * time. Stops early once `dialable()` is false.
 */
export async function dialInTurn (target: Target, openConnection: (addrs: Multiaddr[], options: { signal: AbortSignal }) => Promise<Connection>, dialable: () => boolean): Promise<Connection> {
  const unique = addressesOf(target)
  if (unique.length === 0) throw new Error('no address to dial')
  const each = unique.length === 1 ? DIAL_TIMEOUT_MS : PER_ADDRESS_TIMEOUT_MS
  let last: unknown
  for (const addr of unique) {
    // a timer of our own rather than AbortSignal.timeout: the same, and tests can move its clock
    const timeout = new AbortController()
    const timer = setTimeout(() => { timeout.abort(new Error(`no answer from ${addr.toString()} within ${each} ms`)) }, each)
    try {
      return await openConnection([addr], { signal: timeout.signal })
    } catch (err) {
      last = err
      if (!dialable()) break
    } finally {
      clearTimeout(timer)
    }
  }
  throw last instanceof Error ? last : new Error(String(last))
}
