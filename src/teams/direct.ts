/**
 * Direct conversations: a log of two members, named and keyed from their identities alone, so it
 * needs no admin and no roster.
 */
import { sharedKey } from '../crypto/box.js'
import { contentId } from '../crypto/keys.js'
import type { BoxKeyPair } from '../crypto/box.js'
import type { OrgState } from './org-state.js'

/** Log names of direct conversations start with this; team names cannot (they are admin-made). */
export const DM_PREFIX = 'dm-'

/** The log name of the direct conversation of two members: the same on both sides. */
export function directTeamOf (a: string, b: string): string {
  const [x, y] = [a, b].sort()
  return DM_PREFIX + Buffer.from(contentId(Buffer.from(`${x}\0${y}`))).toString('hex').slice(0, 24)
}

/** The member (now or removed) that the direct conversation `team` of `me` is with, if it is one. */
export function directPeerOf (state: OrgState, me: string, team: string): string | undefined {
  if (!team.startsWith(DM_PREFIX)) return undefined
  for (const peerId of [...state.members.keys(), ...state.removed.keys()]) {
    if (peerId !== me && directTeamOf(me, peerId) === team) return peerId
  }
  return undefined
}

/** The keys of this node's direct conversations, worked out once per peer. */
export class DirectKeys {
  private readonly me: { box: BoxKeyPair, peerId: string }
  private readonly cache = new Map<string, Uint8Array>()

  constructor (me: { box: BoxKeyPair, peerId: string }) {
    this.me = me
  }

  /** The key of the conversation with `peerId`, a directory member now; undefined if they are not. */
  keyFor (state: OrgState, peerId: string): Uint8Array | undefined {
    const cached = this.cache.get(peerId)
    if (cached !== undefined) return cached
    const other = state.members.get(peerId)
    if (other === undefined) return undefined
    const key = sharedKey(this.me.box, other.boxKey, Buffer.from(directTeamOf(this.me.peerId, peerId)), 'parley/direct/v1')
    this.cache.set(peerId, key)
    return key
  }
}
