/**
 * Entries, the unit of every team's signed log: encoding, the checks that run before anything from
 * the network is trusted (size first, then structure, then signature), and the plausibility bounds.
 */
import { contentId, ED25519_PUBLIC_KEY_LENGTH, signForDomain, verifyForDomain } from '../crypto/keys.js'
import { BadSignatureError, ImplausibleEntryError, InvalidEntryError, MessageTooLargeError } from '../errors.js'
import { peerIdOfPublicKey, TEAM_NAME } from '../ids.js'
import { Entry, SignedEntry } from '../net/wire.js'
import { reader as protobufReader } from 'protons-runtime'
import type { Ed25519PrivateKey } from '@libp2p/interface'

/** The largest encoded signed entry accepted from anywhere. Files travel as chunks, never as entries. */
export const MAX_ENTRY_BYTES = 64 * 1024
/** The largest message text, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16 * 1024
/** The largest plaintext body: text, or a file manifest with up to MAX_FILE_CHUNKS chunk hashes. */
export const MAX_BODY_BYTES = 40 * 1024
/** The most chunks a file manifest lists (chunk sizes grow with the file to stay under it). */
export const MAX_FILE_CHUNKS = 1024
/** The entry format this build writes and reads. */
export const ENTRY_VERSION = 1
const ENTRY_DOMAIN = 'entry/v1'
const ID_LENGTH = 32

/** An entry whose encoding, structure and signature have been checked. */
export interface VerifiedEntry {
  /** SHA-256 of `bytes` */
  readonly id: Uint8Array<ArrayBuffer>
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

/** The encoded length of the signed entry `createEntry` would make of `fields` for `publicKey`, known before signing. */
export function signedEntrySize (publicKey: Uint8Array, fields: EntryFields): number {
  const entryBytes = Entry.encode({ ...fields, version: ENTRY_VERSION, author: new Uint8Array(publicKey) })
  return SignedEntry.encode({ entry: entryBytes, signature: SIGNATURE_PLACEHOLDER }).byteLength
}

/** An Ed25519 signature is always 64 bytes, so its length in an encoding is known before signing. */
const SIGNATURE_PLACEHOLDER = new Uint8Array(64)

/**
 * Decode bytes from the network or the store and check them completely.
 * Throws MessageTooLargeError, InvalidEntryError or BadSignatureError.
 */
export async function decodeEntry (bytes: Uint8Array): Promise<VerifiedEntry> {
  const { signature, signed, ...v } = decodeEntryStructure(bytes)
  if (!await verifyEntrySignature({ entry: v.entry, signed, signature })) {
    throw new BadSignatureError(`entry signature does not match its author ${v.author}`)
  }
  return v
}

/**
 * Decode and check the structure of an entry whose signature the caller will vouch for another way
 * (history sync verifies the last entry of a hash-chained run). Throws InvalidEntryError.
 */
export function decodeEntryStructure (bytes: Uint8Array): VerifiedEntry & { signature: Uint8Array, signed: Uint8Array } {
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new MessageTooLargeError(`entry is ${bytes.byteLength} bytes, the limit is ${MAX_ENTRY_BYTES}`)
  }
  let signed: SignedEntry
  let entry: Entry
  try {
    signed = decodeSignedEntry(bytes)
    entry = decodeEntryFields(signed.entry)
  } catch (err) {
    throw new InvalidEntryError('entry is not valid protobuf', { cause: err })
  }
  checkEntryStructure(entry)
  const id = contentId(bytes)
  return { id, idHex: Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex'), bytes, entry, author: peerIdOfPublicKey(entry.author), signature: signed.signature, signed: signed.entry }
}

/** The value of an absent bytes field; never written to (it has no bytes). */
const NO_BYTES = new Uint8Array(0)

/**
 * SignedEntry.decode as wire.ts does it, field for field, but without allocating a fresh empty array
 * as the default of each bytes field: history sync decodes every entry it receives, and those
 * defaults were a tenth of its time. codec.test.ts checks both decoders agree.
 */
export function decodeSignedEntry (bytes: Uint8Array): SignedEntry {
  const r = protobufReader(bytes)
  const obj: SignedEntry = { entry: NO_BYTES, signature: NO_BYTES }
  while (r.pos < r.len) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: obj.entry = r.bytes(); break
      case 2: obj.signature = r.bytes(); break
      default: r.skipType(tag & 7)
    }
  }
  return obj
}

/** Entry.decode as wire.ts does it, without allocating defaults (see decodeSignedEntry). */
export function decodeEntryFields (bytes: Uint8Array): Entry {
  const r = protobufReader(bytes)
  const obj: Entry = { version: 0, author: NO_BYTES, team: '', seq: 0, lamport: 0, wallTime: 0, epoch: 0, prev: NO_BYTES, body: NO_BYTES }
  while (r.pos < r.len) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: obj.version = r.uint32(); break
      case 2: obj.author = r.bytes(); break
      case 3: obj.team = r.string(); break
      case 4: obj.seq = r.uint64Number(); break
      case 5: obj.lamport = r.uint64Number(); break
      case 6: obj.wallTime = r.uint64Number(); break
      case 7: obj.epoch = r.uint64Number(); break
      case 8: obj.prev = r.bytes(); break
      case 9: obj.body = r.bytes(); break
      default: r.skipType(tag & 7)
    }
  }
  return obj
}

/** Check the author's signature on an entry decoded by decodeEntryStructure. */
export async function verifyEntrySignature (v: { entry: Entry, signed: Uint8Array, signature: Uint8Array }): Promise<boolean> {
  return verifyForDomain(v.entry.author, ENTRY_DOMAIN, v.signed, v.signature)
}

/**
 * Decode an entry read back from our own store, which was fully checked before it was written.
 * Skips the signature check; still throws InvalidEntryError on bytes that do not decode.
 */
export function decodeStoredEntry (bytes: Uint8Array): VerifiedEntry {
  try {
    const signed = decodeSignedEntry(bytes)
    return toVerified(bytes, decodeEntryFields(signed.entry))
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
  if (entry.epoch < 1) fail('entries are encrypted under a team key epoch, from 1')
  if (entry.body.length > MAX_BODY_BYTES + 64) fail('body too large')
}

/**
 * How far an entry's Lamport clock may lead the highest one this node has seen in the entry's team.
 * A clock moves by one per entry written, so an honest entry this far ahead would mean a million
 * entries this node has not seen; an entry at 2^53 - 1 would otherwise stop everyone's next post.
 */
export const MAX_LAMPORT_LEAD = 1_000_000
/** How far an entry's wall time may lead this node's clock (clocks differ; a day is generous). */
export const MAX_WALL_TIME_LEAD_MS = 24 * 60 * 60 * 1000

/**
 * A team's Lamport clock grows by one per entry written: beyond MAX_LAMPORT_LEAD above what a node
 * holds, it may still have grown by this much per millisecond since the team was made, so that a node
 * far behind (a newcomer, or one whose missing entries expired under retention, which leaves gaps in
 * the clocks) takes what its team really reached, while 2^53 - 1 stays out of reach for centuries.
 */
export const MAX_LAMPORT_PER_MS = 1

/** The highest Lamport clock a team made at `since` may have reached by `now`, whatever a node holds. */
export function lamportCeiling (now: number, since: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, now - since) * MAX_LAMPORT_PER_MS + MAX_LAMPORT_LEAD)
}

/**
 * Refuse an entry whose clocks lead this node's by more than the bounds above: a Lamport clock more
 * than MAX_LAMPORT_LEAD above both `highestLamport` (the highest this node holds in the team) and
 * MAX_LAMPORT_PER_MS per millisecond since `since` (when the team was made), or a wall time more than
 * MAX_WALL_TIME_LEAD_MS after `now`. Such an entry may become plausible later (more of the team held,
 * time passed), so callers refuse it for now rather than for ever. Throws ImplausibleEntryError.
 */
export function checkPlausible (entry: Entry, highestLamport: number, now: number, since = now): void {
  if (entry.lamport > Math.max(highestLamport + MAX_LAMPORT_LEAD, lamportCeiling(now, since))) {
    throw new ImplausibleEntryError(`entry's Lamport clock ${entry.lamport} is more than ${MAX_LAMPORT_LEAD} ahead of the highest held in ${entry.team} (${highestLamport}) and of what the team's age allows`)
  }
  if (entry.wallTime > now + MAX_WALL_TIME_LEAD_MS) {
    throw new ImplausibleEntryError(`entry is dated ${new Date(entry.wallTime).toISOString()}, more than a day ahead of this node's clock`)
  }
}

