/**
 * Names and identifiers users and peers give us, checked in one place.
 */
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { InvalidArgumentError } from './errors.js'

export { checkDisplayName, checkTeamName, MAX_DISPLAY_NAME_LENGTH, printable, TEAM_NAME } from './text-checks.js'

const peerIdCache = new Map<string, string>()
/** the last key asked for: entries come in runs by one author */
let last: { key: Uint8Array, peerId: string } | undefined

/** The peer id string of a raw Ed25519 public key (memoised: an office has few authors, and logs many entries). */
export function peerIdOfPublicKey (publicKey: Uint8Array): string {
  if (last !== undefined && Buffer.compare(publicKey, last.key) === 0) return last.peerId
  const key = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64')
  let id = peerIdCache.get(key)
  if (id === undefined) {
    id = peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString()
    if (peerIdCache.size >= 10_000) peerIdCache.clear()
    peerIdCache.set(key, id)
  }
  // a copy: the caller's bytes may be a view into a buffer that is reused
  last = { key: Uint8Array.from(publicKey), peerId: id }
  return id
}

/** Throw InvalidArgumentError unless `id` parses as a libp2p peer id. */
export function checkPeerId (id: unknown): string {
  try {
    if (typeof id !== 'string') {
      throw new Error('not a string')
    }
    return peerIdFromString(id).toString()
  } catch {
    throw new InvalidArgumentError(`invalid peer id ${JSON.stringify(id)}`)
  }
}
