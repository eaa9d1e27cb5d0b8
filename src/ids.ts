/**
 * Names and identifiers users and peers give us, checked in one place.
 */
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { InvalidArgumentError, InvalidTeamNameError } from './errors.js'

/** Team names: lower-case letters, digits, `-` and `_`, starting with a letter or digit, 1 to 32 long. */
export const TEAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/

/** Throw InvalidTeamNameError unless `name` is a valid team name. */
export function checkTeamName (name: unknown): string {
  if (typeof name !== 'string' || !TEAM_NAME.test(name)) {
    throw new InvalidTeamNameError(`invalid team name ${JSON.stringify(name)}: use 1-32 of a-z, 0-9, '-' and '_', starting with a letter or digit`)
  }
  return name
}

export const MAX_DISPLAY_NAME_LENGTH = 64

/** Throw InvalidArgumentError unless `name` is a usable display name; returns it trimmed. */
export function checkDisplayName (name: unknown): string {
  if (typeof name !== 'string') {
    throw new InvalidArgumentError('a display name is required')
  }
  const trimmed = name.trim()
   
  if (trimmed.length === 0 || trimmed.length > MAX_DISPLAY_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    throw new InvalidArgumentError(`invalid display name ${JSON.stringify(name)}: use 1-${MAX_DISPLAY_NAME_LENGTH} printable characters`)
  }
  return trimmed
}

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

/**
 * Replace terminal control characters in text that came from a peer, keeping newlines and tabs, and
 * bidi marks, overrides and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9), which would reorder
 * what a terminal shows after them.
 */
export function printable (text: string): string {
   
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD')
}
