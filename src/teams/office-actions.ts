/**
 * The office's admin actions: suspend and resume a member, revoke an invite, announcement teams.
 * Each checks its arguments against the state and writes signed records (see admin-actions.ts).
 */
import { InvalidArgumentError, NotMemberError } from '../errors.js'
import { checkPeerId, checkTeamName } from '../ids.js'
import { MAX_SUSPEND_REASON_BYTES, MAX_TEAM_POSTERS } from '../model/index.js'
import { createTeam } from './admin-actions.js'
import { activeAdmins } from './office-rules.js'
import type { VerifiedRecord } from '../model/index.js'
import type { AdminContext } from './admin-actions.js'

/** Suspend a member: kept in the directory, out of every team's key (rotated), posts and connections refused. */
export async function suspendMember (a: AdminContext, peerId: string, reason = ''): Promise<VerifiedRecord[]> {
  const m = a.state.members.get(checkPeerId(peerId))
  if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
  if (a.state.suspended.has(peerId)) throw new InvalidArgumentError(`${m.name} is already suspended`)
  if (peerId === a.me) throw new InvalidArgumentError('an admin cannot suspend themselves')
  if (m.admin && activeAdmins(a.state).every(x => x === peerId)) throw new InvalidArgumentError('the last admin who is not suspended cannot be suspended')
  if (Buffer.byteLength(reason) > MAX_SUSPEND_REASON_BYTES) throw new InvalidArgumentError(`a suspension reason is at most ${MAX_SUSPEND_REASON_BYTES} bytes`)
  const theirTeams = [...a.state.teams.values()].filter(t => t.current.members.has(peerId))
  const written = [await a.write({ suspend: { member: m.publicKey, reason, cutoffSeq: a.state.heads.get(peerId)?.seq ?? 0 } })]
  for (const t of theirTeams) {
    const rest = [...t.current.members].filter(x => x !== peerId && a.state.members.has(x) && !a.state.suspended.has(x))
    if (rest.length > 0) written.push(await a.writeRoster(t.name, rest))
  }
  return written
}

/**
 * Resume a suspended member: back into the teams they had (those that still exist), each new roster
 * sealing them every epoch's key this admin holds, so they read what was written meanwhile.
 */
export async function resumeMember (a: AdminContext, peerId: string): Promise<VerifiedRecord[]> {
  const m = a.state.members.get(checkPeerId(peerId))
  const suspension = a.state.suspensions.get(peerId)
  if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
  if (suspension === undefined) throw new InvalidArgumentError(`${m.name} is not suspended`)
  const written = [await a.write({ resume: { member: m.publicKey, fromSeq: a.state.heads.get(peerId)?.seq ?? 0 } })]
  for (const team of suspension.teams) {
    const t = a.state.teams.get(team)
    if (t !== undefined && !t.current.members.has(peerId)) written.push(await a.writeRoster(team, [...t.current.members, peerId]))
  }
  return written
}

/** Revoke an invite not used yet, by its id (hex) or a unique prefix of at least 8 characters. */
export async function revokeInvite (a: AdminContext, id: string): Promise<VerifiedRecord[]> {
  const wanted = id.trim().toLowerCase()
  if (!/^[0-9a-f]{8,64}$/.test(wanted)) throw new InvalidArgumentError('an invite id is hex, at least 8 characters (see parley invite list)')
  const matches = [...a.state.invites.values()].filter(i => i.id.startsWith(wanted))
  if (matches.length === 0) throw new InvalidArgumentError(`there is no invite ${id}`)
  if (matches.length > 1) throw new InvalidArgumentError(`${id} names ${matches.length} invites: give more of the id`)
  const invite = matches[0]!
  if (invite.usedBy !== undefined) throw new InvalidArgumentError(`invite ${invite.id.slice(0, 12)} was already used by ${a.state.members.get(invite.usedBy)?.name ?? invite.usedBy}`)
  if (invite.revoked !== undefined) throw new InvalidArgumentError(`invite ${invite.id.slice(0, 12)} is already revoked`)
  return [await a.write({ revokeInvite: { id: new Uint8Array(Buffer.from(invite.id, 'hex')) } })]
}

/**
 * Create an announcement team: the admin alone in its first epoch, then only admins post; the
 * members named read it from the second epoch on (so nothing but the admin's can sit in an open epoch).
 */
export async function createAnnounceTeam (a: AdminContext, team: string, members: string[]): Promise<VerifiedRecord[]> {
  const written = await createTeam(a, team, [])
  written.push(await a.write({ teamPosters: { team, announce: true, posters: [] } }))
  const rest = members.map(checkPeerId).filter(m => m !== a.me)
  if (rest.length > 0) written.push(await a.writeRoster(team, [a.me, ...rest]))
  return written
}

/**
 * Name the members who post in an announcement team besides the admins (none: admins only), or,
 * with `announce` false, open it to every member again. The team's key is rotated, so from the new
 * epoch on nobody else's entries are taken in from anywhere.
 */
export async function setTeamPosters (a: AdminContext, team: string, posters: string[], announce = true): Promise<VerifiedRecord[]> {
  const t = a.state.teams.get(checkTeamName(team))
  if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
  const ids = [...new Set(posters.map(checkPeerId))]
  if (!announce && ids.length > 0) throw new InvalidArgumentError('posters are named only for an announcement team')
  if (ids.length > MAX_TEAM_POSTERS) throw new InvalidArgumentError(`an announcement team names at most ${MAX_TEAM_POSTERS} posters`)
  const keys = ids.map(id => {
    const m = a.state.members.get(id)
    if (m === undefined) throw new NotMemberError(`${id} is not in the directory`)
    return m.publicKey
  })
  const written = [await a.write({ teamPosters: { team, announce, posters: keys } })]
  const members = [...t.current.members].filter(m => a.state.members.has(m) && !a.state.suspended.has(m))
  if (members.length > 0) written.push(await a.writeRoster(team, members))
  return written
}
