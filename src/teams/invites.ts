/**
 * Invites: the one-line token an admin hands a newcomer out of band, and the checks an admin makes
 * before admitting its holder.
 */
import { contentId, randomSecret } from '../crypto/keys.js'
import { InvalidArgumentError, InviteError } from '../errors.js'
export { parseDuration } from '../text-checks.js'
import { InviteToken } from '../model/index.js'
import type { InviteState, OrgState } from './org-state.js'

const INVITE_PREFIX = 'parley1:'
/** The longest an invite lasts. */
export const MAX_INVITE_TTL_MS = 30 * 86_400_000
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** A fresh invite secret: whoever holds it may be admitted once. */
export function newInviteSecret (): Uint8Array<ArrayBuffer> {
  return randomSecret(32)
}

/** The invite id (as stored in the org log) of an invite secret. */
export function inviteIdOf (secret: Uint8Array): Uint8Array<ArrayBuffer> {
  return contentId(secret)
}

/** Encode an invite token. */
export function encodeInviteToken (token: InviteToken): string {
  return INVITE_PREFIX + Buffer.from(InviteToken.encode(token)).toString('base64url')
}

/** Decode an invite token, refusing anything malformed. */
export function decodeInviteToken (token: string): InviteToken {
  const text = token.trim()
  if (!text.startsWith(INVITE_PREFIX) || text.length > 8192) throw new InviteError('not a parley invite token')
  let decoded: InviteToken
  try {
    decoded = InviteToken.decode(Buffer.from(text.slice(INVITE_PREFIX.length), 'base64url'))
  } catch {
    throw new InviteError('the invite token is damaged')
  }
  if (decoded.org.length !== 32 || decoded.secret.length !== 32 || decoded.admins.length === 0 || decoded.admins.some(a => a.length !== 32)) {
    throw new InviteError('the invite token is damaged')
  }
  return decoded
}

/**
 * Whether the holder of `secret` may be admitted as `joiner` now: the invite it names, or
 * 'admitted' if this very node was admitted by it already (its first answer was lost or came too
 * late). Throws InviteError for a forged, spent or expired invite, or a removed identity.
 */
export function checkAdmission (state: OrgState, joiner: string, secret: Uint8Array, boxKey: Uint8Array, now = Date.now()): InviteState | 'admitted' {
  const invite = state.invites.get(hex(inviteIdOf(secret)))
  if (invite === undefined) throw new InviteError('this invite is not known to the org (forged, or not yet synced)')
  if (invite.usedBy !== undefined) {
    // the same node asking again gets the same admission; for any other node the invite is spent
    const admitted = state.members.get(joiner)
    if (invite.usedBy === joiner && admitted !== undefined && hex(admitted.boxKey) === hex(boxKey)) return 'admitted'
    throw new InviteError('this invite was already used')
  }
  if (invite.revoked !== undefined) throw new InviteError(invite.revoked.reason === 'revoked' ? 'this invite was revoked by an admin' : `this invite was withdrawn: ${invite.revoked.reason}`)
  if (now > invite.expires) throw new InviteError('this invite has expired')
  if (state.removed.has(joiner)) throw new InviteError('this identity was removed from the org; join with a new one')
  if (boxKey.length !== 32) throw new InvalidArgumentError('bad box key')
  return invite
}
