/**
 * Anyone on the LAN can answer mDNS for peers that do not exist, at any address (a printer's port),
 * as often as they like. Peers that are neither colleagues nor reached by our own dial before in
 * this process are strangers: at most MAX_STRANGER_TARGETS are kept as dial targets at once, at most
 * STRANGER_DIALS_PER_SECOND stranger dials start per second, and one given up on is not dialed again
 * for a while, however often it is seen. This module keeps those bounds.
 */
import { RateLimiter } from '@libp2p/utils'

export const MAX_STRANGER_TARGETS = 64
/** failed dials before a stranger is given up on (a colleague gets maxDiscoveredFailures) */
export const MAX_STRANGER_FAILURES = 6
export const STRANGER_DIALS_PER_SECOND = 10
/** peers we reached by our own dial, remembered as not strangers: at most this many */
const MAX_PROVEN = 1_024
const STRANGER_FORGET_MS = 5 * 60_000
const MAX_FORGOTTEN = 1_024

/** Who is a stranger, and what strangers may still cost. */
export class StrangerBounds {
  private readonly isColleague: (peerId: string) => boolean
  /** peers this node reached by its own dial in this process (an inbound connection proves nothing) */
  private readonly proven = new Set<string>()
  /** strangers given up on, until when */
  private readonly forgotten = new Map<string, number>()
  /** stranger dials started in the current second */
  private readonly dials = new RateLimiter({ points: STRANGER_DIALS_PER_SECOND, duration: 1, keyPrefix: 'stranger-dials' })

  constructor (isColleague: (peerId: string) => boolean) {
    this.isColleague = isColleague
  }

  isStranger (peerId: string): boolean {
    return !this.proven.has(peerId) && !this.isColleague(peerId)
  }

  /** Reached by our own dial: no stranger from now on (the latest MAX_PROVEN such peers). */
  prove (peerId: string): void {
    this.proven.delete(peerId)
    this.proven.add(peerId)
    this.forgotten.delete(peerId)
    for (const p of this.proven) {
      if (this.proven.size <= MAX_PROVEN) break
      this.proven.delete(p)
    }
  }

  /** Whether a stranger was given up on and is not to be dialed yet. */
  isForgotten (peerId: string, now: number): boolean {
    return (this.forgotten.get(peerId) ?? 0) > now
  }

  /** Give a stranger up on for a while. */
  forget (peerId: string): void {
    this.forgotten.set(peerId, Date.now() + STRANGER_FORGET_MS)
    for (const peer of this.forgotten.keys()) {
      if (this.forgotten.size <= MAX_FORGOTTEN) break
      this.forgotten.delete(peer)
    }
  }

  /** Whether a stranger dial may start now (STRANGER_DIALS_PER_SECOND), counting it if so. */
  dialAllowed (): boolean {
    try {
      this.dials.consume('all')
      return true
    } catch (err) {
      if ((err as Error).name !== 'RateLimitError') throw err
      return false
    }
  }
}
