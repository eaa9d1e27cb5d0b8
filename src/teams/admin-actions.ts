/**
 * The admin actions on an org: each checks its arguments against the state and writes signed
 * records through the context it is given (Org runs them one at a time, as an admin).
 */
import { randomSecret } from '../crypto/keys.js'
import { InvalidArgumentError, NotMemberError } from '../errors.js'
import { checkDisplayName, checkPeerId, checkTeamName } from '../ids.js'
import { createRecord, MAX_RETENTION_DAYS } from '../model/index.js'
import { DM_PREFIX } from './direct.js'
import { checkFreeName } from './name-actions.js'
import { checkAdmission, encodeInviteToken, inviteIdOf, MAX_INVITE_TTL_MS, newInviteSecret } from './invites.js'
import type { BoxKeyPair } from '../crypto/box.js'
import type { FeedEnd, RecordFields, VerifiedRecord } from '../model/index.js'
import type { OrgState } from './org-state.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'

/** The changes an admin's record can carry (the genesis is written only once, by Org.create). */
export type RecordChange = Pick<RecordFields, 'addMember' | 'removeMember' | 'roster' | 'invite' | 'retention' | 'policy' | 'policyAcceptance' | 'rename' | 'renameRequest' | 'suspend' | 'resume' | 'revokeInvite' | 'teamPosters'>

/** What an admin action works with. */
export interface AdminContext {
  /** the state now: it changes with every record written */
  readonly state: OrgState
  /** this node's peer id */
  readonly me: string
  readonly orgId: string
  /** a stored record by id */
  record: (idHex: string) => VerifiedRecord | undefined
  /** sign, apply and store a record; throws RecordRefusedError if the rules refuse it */
  write: (change: RecordChange) => Promise<VerifiedRecord>
  /** write the next roster of `team` with exactly `members`, under a fresh key */
  writeRoster: (team: string, members: string[]) => Promise<VerifiedRecord>
}

/** The genesis record of a new org named `name`, whose first admin is the signer. */
export async function createGenesis (key: Ed25519PrivateKey, box: BoxKeyPair, name: string, adminName: string): Promise<VerifiedRecord> {
  const orgName = name.trim()
  if (orgName.length === 0 || orgName.length > 64) throw new InvalidArgumentError('an org name is 1 to 64 characters')
  return createRecord(key, {
    org: new Uint8Array(0),
    seq: 1,
    lamport: 1,
    wallTime: Date.now(),
    prev: new Uint8Array(0),
    genesis: { name: orgName, adminName: checkDisplayName(adminName), adminBoxKey: new Uint8Array(box.publicKey), nonce: randomSecret(16) }
  })
}

/** Create a team with this admin and `members` in it. */
export async function createTeam (a: AdminContext, team: string, members: string[]): Promise<VerifiedRecord[]> {
  checkTeamName(team)
  if (team.startsWith(DM_PREFIX)) throw new InvalidArgumentError(`team names starting with ${DM_PREFIX} are kept for direct messages`)
  if (a.state.teams.has(team)) throw new InvalidArgumentError(`team ${team} already exists`)
  return [await a.writeRoster(team, [a.me, ...members.map(checkPeerId)])]
}

/** Set a team's retention or hold; what is not given stays as it was. */
export async function setRetention (a: AdminContext, team: string, change: { days?: number, hold?: boolean, reason?: string }): Promise<VerifiedRecord[]> {
  if (!a.state.teams.has(checkTeamName(team))) throw new InvalidArgumentError(`there is no team ${team}`)
  const now = a.state.retention.get(team)
  const days = change.days ?? now?.days ?? 0
  if (!Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) throw new InvalidArgumentError(`a retention period is 0 (keep for ever) to ${MAX_RETENTION_DAYS} days`)
  const hold = change.hold ?? now?.hold ?? false
  const reason = change.reason ?? (change.hold === undefined ? now?.reason ?? '' : '')
  if (Buffer.byteLength(reason) > 500) throw new InvalidArgumentError('a hold reason is at most 500 bytes')
  return [await a.write({ retention: { team, days, hold, reason } })]
}

/** Add directory members to a team (new epoch, new key). */
export async function addToTeam (a: AdminContext, team: string, members: string[]): Promise<VerifiedRecord[]> {
  const t = a.state.teams.get(checkTeamName(team))
  if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
  return [await a.writeRoster(team, [...t.current.members, ...members.map(checkPeerId)])]
}

/** Take a member out of one team (new epoch, new key they do not get). */
export async function removeFromTeam (a: AdminContext, team: string, member: string): Promise<VerifiedRecord[]> {
  const t = a.state.teams.get(checkTeamName(team))
  if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
  if (!t.current.members.has(checkPeerId(member))) throw new NotMemberError(`${member} is not in ${team}`)
  const rest = [...t.current.members].filter(m => m !== member)
  if (rest.length === 0) throw new InvalidArgumentError('a team keeps at least one member')
  return [await a.writeRoster(team, rest)]
}

/** Make a directory member an admin. */
export async function addAdmin (a: AdminContext, peerId: string): Promise<VerifiedRecord[]> {
  const m = a.state.members.get(checkPeerId(peerId))
  if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory: invite them first`)
  if (m.admin) throw new InvalidArgumentError(`${m.name} is already an admin`)
  return [await a.write({ addMember: { member: m.publicKey, name: m.name, boxKey: m.boxKey, admin: true, invite: new Uint8Array(0) } })]
}

/**
 * Remove a member from the directory and rotate the key of every team they were in. `ends` names,
 * per team, the last entry of theirs this node holds, so nodes that learn of the removal before they
 * have those entries still take them in (up to there, and nothing after).
 */
export async function removeMember (a: AdminContext, peerId: string, ends: FeedEnd[] = []): Promise<VerifiedRecord[]> {
  const m = a.state.members.get(checkPeerId(peerId))
  if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
  const theirTeams = [...a.state.teams.values()].filter(t => t.current.members.has(peerId))
  const written = [await a.write({ removeMember: { member: m.publicKey, cutoffSeq: a.state.heads.get(peerId)?.seq ?? 0, ends } })]
  for (const t of theirTeams) {
    const rest = [...t.current.members].filter(x => x !== peerId && a.state.members.has(x) && !a.state.suspended.has(x))
    if (rest.length > 0) written.push(await a.writeRoster(t.name, rest))
  }
  return written
}

/** Make an invite to `general` and `teams`, valid `ttlMs`, and its token. */
export async function createInvite (a: AdminContext, teams: string[], ttlMs: number, addresses: string[], name?: string): Promise<{ token: string, expires: number, records: VerifiedRecord[] }> {
  const wanted = [...new Set(['general', ...teams.map(checkTeamName)])]
  for (const t of wanted) if (!a.state.teams.has(t)) throw new InvalidArgumentError(`there is no team ${t}`)
  if (ttlMs <= 0 || ttlMs > MAX_INVITE_TTL_MS) throw new InvalidArgumentError('an invite lasts from 1 second to 30 days')
  const fixedName = name === undefined ? '' : checkFreeName(a.state, checkDisplayName(name))
  const secret = newInviteSecret()
  const expires = Date.now() + ttlMs
  const record = await a.write({ invite: { id: inviteIdOf(secret), expires, teams: wanted, name: fixedName } })
  const admins = [...a.state.members.values()].filter(m => m.admin).map(m => m.publicKey)
  const token = encodeInviteToken({ org: new Uint8Array(Buffer.from(a.orgId, 'hex')), orgName: a.state.name, admins, secret, expires, addresses })
  return { token, expires, records: [record] }
}

/** Admit the holder of an invite secret into the directory and the invite's teams; [] if it was admitted already. */
export async function admit (a: AdminContext, joiner: string, secret: Uint8Array, name: string, boxKey: Uint8Array): Promise<VerifiedRecord[]> {
  const invite = checkAdmission(a.state, joiner, secret, boxKey)
  if (invite === 'admitted') return []
  const publicKey = peerIdFromString(joiner).publicKey?.raw
  if (publicKey === undefined) throw new InvalidArgumentError('joiner has no Ed25519 key')
  // the name the admin fixed in the invite, else the newcomer's own, if nobody's passes for it
  const chosen = invite.name ?? checkFreeName(a.state, checkDisplayName(name), joiner)
  const written = [await a.write({ addMember: { member: new Uint8Array(publicKey), name: chosen, boxKey: new Uint8Array(boxKey), admin: false, invite: inviteIdOf(secret) } })]
  for (const team of invite.teams) {
    const t = a.state.teams.get(team)
    if (t !== undefined && !t.current.members.has(joiner)) written.push(await a.writeRoster(team, [...t.current.members, joiner]))
  }
  return written
}
