/**
 * Name actions: an admin renames a member or grants their request; a member asks for a new name.
 * Each checks against the state and writes one signed record (the fold checks again: names.ts).
 */
import { InvalidArgumentError, NameTakenError, NotMemberError } from '../errors.js'
import { checkDisplayName, checkPeerId } from '../ids.js'
import { nameHolder, nameKey } from './names.js'
import type { AdminContext } from './admin-actions.js'
import type { VerifiedRecord } from '../model/index.js'
import type { OrgState } from './org-state.js'

/**
 * `name`, if no other member's name (nor a name an open invite fixes) passes for it; else throws
 * NameTakenError. `peerId` is who will carry it (their own current name does not count).
 */
export function checkFreeName (state: OrgState, name: string, peerId?: string, now = Date.now()): string {
  const holder = nameHolder(state, name, peerId)
  if (holder !== undefined) throw new NameTakenError(`the name ${JSON.stringify(name)} passes for ${JSON.stringify(holder.name)}, already in the directory (${holder.peerId})`)
  const key = nameKey(name)
  const fixed = [...state.invites.values()].find(i => i.name !== undefined && i.usedBy === undefined && i.expires >= now && nameKey(i.name) === key)
  if (fixed !== undefined) throw new NameTakenError(`the name ${JSON.stringify(name)} passes for ${JSON.stringify(fixed.name)}, which an open invite gives its newcomer`)
  return name
}

/** As an admin, give `peerId` the name `name`. */
export async function renameMember (a: AdminContext, peerId: string, name: string): Promise<VerifiedRecord[]> {
  const m = a.state.members.get(checkPeerId(peerId))
  if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
  const wanted = checkFreeName(a.state, checkDisplayName(name), peerId)
  if (wanted === m.name) throw new InvalidArgumentError(`${peerId} is already called ${JSON.stringify(name)}`)
  return [await a.write({ rename: { member: m.publicKey, name: wanted } })]
}

/** As an admin, grant `peerId`'s pending rename request. */
export async function approveRename (a: AdminContext, peerId: string): Promise<VerifiedRecord[]> {
  const request = a.state.names.requests.get(checkPeerId(peerId))
  if (request === undefined) throw new InvalidArgumentError(`${peerId} has no pending rename request`)
  return renameMember(a, peerId, request.name)
}

/** As a member, ask the admins for a new name. */
export async function requestRename (a: AdminContext, name: string): Promise<VerifiedRecord[]> {
  const me = a.state.members.get(a.me)
  if (me === undefined) throw new NotMemberError('this node is not in the directory')
  const wanted = checkFreeName(a.state, checkDisplayName(name), a.me)
  if (wanted === me.name) throw new InvalidArgumentError(`you are already called ${JSON.stringify(name)}`)
  return [await a.write({ renameRequest: { name: wanted } })]
}
