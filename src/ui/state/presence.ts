/**
 * The members of the organisation and everyone's presence, this user's own status among them. Pure.
 */
import type { MemberView, PresenceView } from '../../index.js'
import type { UiState } from '../state.js'
import { releaseHeld } from './notifications.js'

/** The actions of the directory and of presence. */
export type PresenceAction =
  | { type: 'members', members: MemberView[] }
  | { type: 'presence', p: PresenceView }

/** Apply an action of the directory or of presence. */
export function reducePresence (s: UiState, a: PresenceAction): UiState {
  switch (a.type) {
    case 'members':
      return { ...s, members: a.members }
    case 'presence': {
      const presence = { ...s.presence, [a.p.peerId]: a.p }
      if (a.p.peerId !== s.me.peerId || a.p.status === 'offline') return { ...s, presence }
      const was = s.myStatus.status
      const next: UiState = { ...s, presence, myStatus: { status: a.p.status, text: a.p.text } }
      // leaving focus: show what arrived meanwhile, once
      return releaseHeld(s, next, was, a.p.status)
    }
  }
}

/**
 * Presence after a snapshot from the node. The snapshot was taken while events kept coming: it
 * replaces only what no event has told since it was asked for (`fresh`: the peers an event told of;
 * an event read before the answer may be newer than the answer).
 */
export function mergePresence (known: Record<string, PresenceView>, snapshot: PresenceView[], fresh?: ReadonlySet<string>): Record<string, PresenceView> {
  const presence: Record<string, PresenceView> = { ...known }
  for (const p of snapshot) if (!(fresh?.has(p.peerId) ?? false)) presence[p.peerId] = p
  return presence
}
