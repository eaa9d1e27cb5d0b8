/** Signed presence announcements. */
import { ED25519_PUBLIC_KEY_LENGTH, signForDomain, verifyForDomain } from '../crypto/keys.js'
import { BadSignatureError, InvalidEntryError, MessageTooLargeError } from '../errors.js'
import { PRESENCE_STATUSES } from '../events.js'
import { peerIdOfPublicKey } from '../ids.js'
import { Presence, SignedPresence } from '../net/wire.js'
import type { PresenceStatus } from '../events.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'


export { PRESENCE_STATUSES }
export type { PresenceStatus }
const PRESENCE_DOMAIN = 'presence/v1'
const MAX_PRESENCE_BYTES = 4096

/** Sign and encode a presence announcement. */
export async function createPresence (key: Ed25519PrivateKey, p: Omit<Presence, 'member'>): Promise<Uint8Array> {
  const presence = Presence.encode({ ...p, member: new Uint8Array(key.publicKey.raw) })
  return SignedPresence.encode({ presence, signature: new Uint8Array(await signForDomain(key, PRESENCE_DOMAIN, presence)) })
}

/** Decode and check a presence announcement; throws InvalidEntryError or BadSignatureError. */
export async function decodePresence (bytes: Uint8Array): Promise<Presence & { peerId: string }> {
  if (bytes.byteLength > MAX_PRESENCE_BYTES) throw new MessageTooLargeError('presence too large')
  let signed: SignedPresence
  let p: Presence
  try {
    signed = SignedPresence.decode(bytes)
    p = Presence.decode(signed.presence)
  } catch (err) {
    throw new InvalidEntryError('presence is not valid protobuf', { cause: err })
  }
  if (p.member.length !== ED25519_PUBLIC_KEY_LENGTH || !(PRESENCE_STATUSES as readonly string[]).includes(p.status) || p.text.length > 200 ||
    !Number.isSafeInteger(p.time) || !Number.isSafeInteger(p.since) || p.addresses.length > 16 || p.addresses.some(a => a.length > 200)) {
    throw new InvalidEntryError('invalid presence')
  }
  if (!await verifyForDomain(p.member, PRESENCE_DOMAIN, signed.presence, signed.signature)) {
    throw new BadSignatureError('presence signature does not match its member')
  }
  return { ...p, peerId: peerIdOfPublicKey(p.member) }
}
