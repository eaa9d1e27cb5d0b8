/** The org's invites as an admin lists them: pending, used (by whom), expired or revoked; who made each. */
import type { OrgState } from './org-state.js'

/** One invite, for `parley invite list`. */
export interface InviteView {
  /** the invite id (hex): what `parley invite revoke` takes, or a unique prefix of it */
  id: string
  status: 'pending' | 'used' | 'expired' | 'revoked'
  teams: string[]
  issuer: string
  issuerName: string
  createdAt: number
  expires: number
  usedBy?: string
  usedByName?: string
  usedAt?: number
  revoked?: { by: string, byName: string, at: number, reason: string }
}

/** Every invite of the org, newest first. */
export function inviteList (state: OrgState, name: (peerId: string) => string, now = Date.now()): InviteView[] {
  return [...state.invites.values()].map((i): InviteView => ({
    id: i.id,
    status: i.usedBy !== undefined ? 'used' : i.revoked !== undefined ? 'revoked' : now > i.expires ? 'expired' : 'pending',
    teams: i.teams,
    issuer: i.issuer,
    issuerName: name(i.issuer),
    createdAt: i.createdAt,
    expires: i.expires,
    ...(i.usedBy !== undefined ? { usedBy: i.usedBy, usedByName: name(i.usedBy), ...(i.usedAt !== undefined ? { usedAt: i.usedAt } : {}) } : {}),
    ...(i.revoked !== undefined ? { revoked: { ...i.revoked, byName: name(i.revoked.by) } } : {})
  })).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
}
