/**
 * The office's org records, folded beside the membership ones (org-state.ts calls in here):
 *
 * - Suspend: the member stays in the directory but is out of every team's key (the suspending admin
 *   rotates the rosters right after), and no roster may name them while suspended. Their connections
 *   and posts are refused. For an admin, their records after the suspension's cutoff are refused until
 *   a Resume, and stay refused up to the resume's from_seq (what they signed while suspended). An
 *   admin cannot suspend themselves, nor the last admin who is not suspended.
 * - Resume: lifts a suspension; the resuming admin puts them back into the teams they had (rosters
 *   sealed with every epoch's key, so they read what was written meanwhile).
 * - RevokeInvite: an invite not yet used admits nobody from then on. Removing an admin withdraws the
 *   unused invites they made (no record needed: the removal itself does it).
 * - TeamPosters: makes a team an announcement team, where only admins and the named posters post.
 */
import { peerIdOfPublicKey } from '../ids.js'
import { DM_PREFIX } from './direct.js'
import type { VerifiedRecord } from '../model/index.js'
import type { OrgState } from './org-state.js'

/** A member's suspension, as the fold holds it. */
export interface Suspension {
  peerId: string
  by: string
  reason: string
  /** the suspending admin's wall clock, ms */
  at: number
  recordId: string
  /** the teams they were in when suspended: where a resume puts them back */
  teams: string[]
  /** for a suspended admin: their records with seq above this are refused */
  cutoffSeq?: number
}

/** A stretch of a suspended admin's chain that is refused: seq in (cutoff, from], open while `from` is unset. */
export interface AdminWindow {
  cutoff: number
  from?: number
}

/** Who could post in a team during one epoch. */
export interface Posting {
  /** an announcement team for the whole epoch */
  announce: boolean
  posters: Set<string>
}

/** The admins who may act now: admins not suspended. */
export function activeAdmins (state: OrgState): string[] {
  return [...state.members.values()].filter(m => m.admin && !state.suspended.has(m.peerId)).map(m => m.peerId)
}

/** Withdraw the unused invites `issuer` made (they were removed as admin by `r`). */
export function revokeInvitesOf (state: OrgState, issuer: string, r: VerifiedRecord): void {
  for (const invite of state.invites.values()) {
    if (invite.issuer === issuer && invite.usedBy === undefined && invite.revoked === undefined) {
      invite.revoked = { by: r.signer, at: r.record.wallTime, reason: 'its maker was removed as admin' }
    }
  }
}

/**
 * Apply one of the office's records; a string is the reason it is refused, `{ peerId, cutoff }` that
 * an admin was suspended (their later records already applied must be undone).
 */
export function applyOfficeRecord (state: OrgState, r: VerifiedRecord): string | undefined | { peerId: string, cutoff: number } {
  const rec = r.record
  if (rec.suspend !== undefined) {
    const peerId = peerIdOfPublicKey(rec.suspend.member)
    const target = state.members.get(peerId)
    if (target === undefined) return state.removed.has(peerId) ? `member ${peerId} was removed` : `member ${peerId} is not in the directory`
    if (state.suspended.has(peerId)) return `member ${peerId} is already suspended`
    if (peerId === r.signer) return 'an admin cannot suspend themselves'
    if (target.admin && activeAdmins(state).every(a => a === peerId)) return 'the last admin who is not suspended cannot be suspended'
    const teams = [...state.teams.values()].filter(t => t.current.members.has(peerId)).map(t => t.name).sort()
    state.suspended.add(peerId)
    state.suspensions.set(peerId, {
      peerId,
      by: r.signer,
      reason: rec.suspend.reason,
      at: rec.wallTime,
      recordId: r.idHex,
      teams,
      ...(target.admin ? { cutoffSeq: rec.suspend.cutoffSeq } : {})
    })
    if (target.admin) {
      const windows = state.adminWindows.get(peerId) ?? []
      windows.push({ cutoff: rec.suspend.cutoffSeq })
      state.adminWindows.set(peerId, windows)
      return { peerId, cutoff: rec.suspend.cutoffSeq }
    }
    return undefined
  }
  if (rec.resume !== undefined) {
    const peerId = peerIdOfPublicKey(rec.resume.member)
    if (!state.members.has(peerId) || !state.suspended.has(peerId)) return `member ${peerId} is not suspended`
    state.suspended.delete(peerId)
    state.suspensions.delete(peerId)
    const open = state.adminWindows.get(peerId)?.find(w => w.from === undefined)
    // what they signed while suspended stays refused: up to the chain head the resuming admin saw
    if (open !== undefined) open.from = Math.max(open.cutoff, rec.resume.fromSeq)
    return undefined
  }
  if (rec.revokeInvite !== undefined) {
    const id = Buffer.from(rec.revokeInvite.id).toString('hex')
    const invite = state.invites.get(id)
    if (invite === undefined) return 'unknown invite'
    if (invite.usedBy !== undefined) return `invite already used by ${invite.usedBy}`
    if (invite.revoked !== undefined) return 'invite already revoked'
    invite.revoked = { by: r.signer, at: rec.wallTime, reason: 'revoked' }
    return undefined
  }
  if (rec.teamPosters !== undefined) {
    const tp = rec.teamPosters
    if (tp.team.startsWith(DM_PREFIX)) return 'a direct conversation has no posters'
    const team = state.teams.get(tp.team)
    if (team === undefined) return `posters for unknown team ${tp.team}`
    if (!tp.announce && tp.posters.length > 0) return 'posters are named only for an announcement team'
    const posters = new Set<string>()
    for (const key of tp.posters) {
      const peerId = peerIdOfPublicKey(key)
      if (!state.members.has(peerId)) return `posters name ${peerId}, who is not in the directory`
      if (posters.has(peerId)) return `posters name ${peerId} twice`
      posters.add(peerId)
    }
    team.announce = tp.announce
    team.posters = posters
    // history: whoever could post at any point of this epoch may have posted in it
    const now = team.posting.get(team.current.epoch)
    team.posting.set(team.current.epoch, {
      announce: (now?.announce ?? true) && tp.announce,
      posters: new Set([...(now?.posters ?? []), ...posters])
    })
    return undefined
  }
  return 'unknown change'
}

/** Whether `author` may post in `team` now (an announcement team: admins and its posters only). */
export function mayPostNow (state: OrgState, team: string, author: string): boolean {
  const t = state.teams.get(team)
  if (t === undefined || !t.announce) return true
  return (state.members.get(author)?.admin === true && !state.suspended.has(author)) || t.posters.has(author)
}

/** Whether an entry by `author` at `epoch` of `team` could have been posted then (for history sync). */
export function mayHavePosted (state: OrgState, team: string, epoch: number, author: string): boolean {
  const posting = state.teams.get(team)?.posting.get(epoch)
  if (posting === undefined || !posting.announce) return true
  const wasAdmin = state.members.get(author)?.admin === true || state.removed.get(author)?.cutoffSeq !== undefined
  return wasAdmin || posting.posters.has(author)
}
