/**
 * Every wire codec of parley, with the checks that run before anything from the network is trusted:
 * size first, then structure, then signature.
 */
import { contentId, ED25519_PUBLIC_KEY_LENGTH, signForDomain, verifyForDomain } from '../crypto/keys.js'
import { BadSignatureError, InvalidEntryError, MessageTooLargeError } from '../errors.js'
import { peerIdOfPublicKey, TEAM_NAME } from '../ids.js'
import { Body, Entry, SignedEntry } from './wire.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export { Body, Entry, SignedEntry }

/** The largest encoded signed entry accepted from anywhere. Files travel as chunks, never as entries. */
export const MAX_ENTRY_BYTES = 64 * 1024
/** The largest message text, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16 * 1024
/** The entry format this build writes and reads. */
export const ENTRY_VERSION = 1
const ENTRY_DOMAIN = 'entry/v1'
const ID_LENGTH = 32

/** An entry whose encoding, structure and signature have been checked. */
export interface VerifiedEntry {
  /** SHA-256 of `bytes` */
  readonly id: Uint8Array
  readonly idHex: string
  /** the encoded SignedEntry, exactly as signed and sent */
  readonly bytes: Uint8Array
  readonly entry: Entry
  /** the author's peer id */
  readonly author: string
}

/** The fields an author chooses for a new entry; version and author key are filled in. */
export type EntryFields = Omit<Entry, 'version' | 'author'>

/** Sign and encode a new entry. */
export async function createEntry (key: Ed25519PrivateKey, fields: EntryFields): Promise<VerifiedEntry> {
  const entry: Entry = { ...fields, version: ENTRY_VERSION, author: new Uint8Array(key.publicKey.raw) }
  checkEntryStructure(entry)
  const entryBytes = Entry.encode(entry)
  const signature = new Uint8Array(await signForDomain(key, ENTRY_DOMAIN, entryBytes))
  const bytes = SignedEntry.encode({ entry: entryBytes, signature })
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new MessageTooLargeError(`entry is ${bytes.byteLength} bytes, the limit is ${MAX_ENTRY_BYTES}`)
  }
  return toVerified(bytes, entry)
}

/**
 * Decode bytes from the network or the store and check them completely.
 * Throws MessageTooLargeError, InvalidEntryError or BadSignatureError.
 */
export async function decodeEntry (bytes: Uint8Array): Promise<VerifiedEntry> {
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new MessageTooLargeError(`entry is ${bytes.byteLength} bytes, the limit is ${MAX_ENTRY_BYTES}`)
  }
  let signed: SignedEntry
  let entry: Entry
  try {
    signed = SignedEntry.decode(bytes)
    entry = Entry.decode(signed.entry)
  } catch (err) {
    throw new InvalidEntryError('entry is not valid protobuf', { cause: err })
  }
  checkEntryStructure(entry)
  if (!await verifyForDomain(entry.author, ENTRY_DOMAIN, signed.entry, signed.signature)) {
    throw new BadSignatureError(`entry signature does not match its author ${peerIdOfPublicKey(entry.author)}`)
  }
  return toVerified(bytes, entry)
}

/**
 * Decode an entry read back from our own store, which was fully checked before it was written.
 * Skips the signature check; still throws InvalidEntryError on bytes that do not decode.
 */
export function decodeStoredEntry (bytes: Uint8Array): VerifiedEntry {
  try {
    const signed = SignedEntry.decode(bytes)
    return toVerified(bytes, Entry.decode(signed.entry))
  } catch (err) {
    throw new InvalidEntryError('stored entry does not decode', { cause: err })
  }
}

function toVerified (bytes: Uint8Array, entry: Entry): VerifiedEntry {
  const id = contentId(bytes)
  return { id, idHex: Buffer.from(id).toString('hex'), bytes, entry, author: peerIdOfPublicKey(entry.author) }
}

function checkEntryStructure (entry: Entry): void {
  const fail = (why: string): never => { throw new InvalidEntryError(`invalid entry: ${why}`) }
  if (entry.version !== ENTRY_VERSION) fail(`unknown version ${entry.version}`)
  if (entry.author.length !== ED25519_PUBLIC_KEY_LENGTH) fail('author is not an Ed25519 key')
  if (!TEAM_NAME.test(entry.team)) fail('bad team name')
  for (const field of ['seq', 'lamport', 'wallTime', 'epoch'] as const) {
    if (!Number.isSafeInteger(entry[field])) fail(`${field} out of range`)
  }
  if (entry.seq < 1) fail('seq must start at 1')
  if (entry.lamport < 1) fail('lamport must be at least 1')
  if (entry.seq === 1 ? entry.prev.length !== 0 : entry.prev.length !== ID_LENGTH) fail('prev does not fit seq')
  if (entry.epoch !== 0) fail('encrypted bodies are not supported by this version')
  decodeBody(entry.body)
}

/** Decode and check a plaintext body. Throws InvalidEntryError. */
export function decodeBody (bytes: Uint8Array): Body {
  if (bytes.byteLength > MAX_TEXT_BYTES + 256) {
    throw new InvalidEntryError('body too large')
  }
  let body: Body
  try {
    body = Body.decode(bytes)
  } catch (err) {
    throw new InvalidEntryError('body is not valid protobuf', { cause: err })
  }
  if (Buffer.byteLength(body.text) > MAX_TEXT_BYTES) {
    throw new InvalidEntryError('text too long')
  }
  return body
}

/** Encode a plaintext body, refusing text over the limit. */
export function encodeBody (body: Body): Uint8Array {
  if (Buffer.byteLength(body.text) > MAX_TEXT_BYTES) {
    throw new MessageTooLargeError(`message is ${Buffer.byteLength(body.text)} bytes, the limit is ${MAX_TEXT_BYTES}`)
  }
  return Body.encode(body)
}
