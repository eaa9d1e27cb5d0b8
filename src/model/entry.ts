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
/**
 * The entry format this build writes: version 2, whose signature covers a hash of the body, so that a
 * body can be erased (a delete, retention) while the feed's chain of ids and signatures still
 * verifies. Version 1 entries (body signed inline) are still read and verified as they were.
 */
export const ENTRY_VERSION = 2
/** The first entry format: the body inside the signed bytes, the id the hash of everything. */
export const ENTRY_VERSION_1 = 1
const ENTRY_DOMAIN = 'entry/v1'
const ID_LENGTH = 32

/** An entry whose encoding, structure and signature have been checked. */
export interface VerifiedEntry {
  /** SHA-256 of `bytes` */
  readonly id: Uint8Array<ArrayBuffer>
  readonly idHex: string
  /** the encoded SignedEntry, exactly as signed and sent */
  readonly bytes: Uint8Array
  /**
   * the entry's fields; for version 2, `body` is the body that travels beside the signed fields
   * (empty once erased) and `bodyHash` the hash the signature covers
   */
  readonly entry: Entry
  /** the author's peer id */
  readonly author: string
  /** version 2 only: the body was erased (deleted, or expired); the entry still verifies and chains */
  readonly erased?: true
}

/** The fields an author chooses for a new entry; version, author key and body hash are filled in. */
export type EntryFields = Omit<Entry, 'version' | 'author' | 'bodyHash' | 'editOf'> & { editOf?: Uint8Array<ArrayBuffer> }

/** Sign and encode a new (version 2) entry. */
export async function createEntry (key: Ed25519PrivateKey, fields: EntryFields): Promise<VerifiedEntry> {
  const body = fields.body
  if (body.length > MAX_BODY_BYTES + 64) throw new MessageTooLargeError(`entry body is ${body.length} bytes, the limit is ${MAX_BODY_BYTES}`)
  const header: Entry = { ...fields, editOf: fields.editOf ?? NO_BYTES, body: NO_BYTES, bodyHash: contentId(body), version: ENTRY_VERSION, author: new Uint8Array(key.publicKey.raw) }
  checkEntryStructure(header)
  const entryBytes = Entry.encode(header)
  const signature = new Uint8Array(await signForDomain(key, ENTRY_DOMAIN, entryBytes))
  const bytes = SignedEntry.encode({ entry: entryBytes, signature, body })
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new MessageTooLargeError(`entry is ${bytes.byteLength} bytes, the limit is ${MAX_ENTRY_BYTES}`)
  }
  return v2Verified(bytes, entryBytes, signature, { ...header, body })
}

/** The encoded length of the signed entry `createEntry` would make of `fields` for `publicKey`, known before signing. */
export function signedEntrySize (publicKey: Uint8Array, fields: EntryFields): number {
  const entryBytes = Entry.encode({ ...fields, editOf: fields.editOf ?? NO_BYTES, body: NO_BYTES, bodyHash: HASH_PLACEHOLDER, version: ENTRY_VERSION, author: new Uint8Array(publicKey) })
  return SignedEntry.encode({ entry: entryBytes, signature: SIGNATURE_PLACEHOLDER, body: fields.body }).byteLength
}

/** A SHA-256 hash is always 32 bytes. */
const HASH_PLACEHOLDER = new Uint8Array(32)

/**
 * The entry as it is once its body is erased: the signed fields and the signature, whose hash is
 * its id, without the body. Version 1 entries sign their body inline and cannot be erased (null).
 */
export function erasedForm (v: VerifiedEntry): VerifiedEntry | null {
  if (v.entry.version !== ENTRY_VERSION) return null
  if (v.erased === true) return v
  const signed = decodeSignedEntry(v.bytes)
  const bytes = SignedEntry.encode({ entry: signed.entry, signature: signed.signature })
  return { id: v.id, idHex: v.idHex, bytes, entry: { ...v.entry, body: NO_BYTES }, author: v.author, erased: true }
}

/** Whether encoded entry bytes (as stored or served) are a version 2 entry whose body was erased. */
export function isErasedEncoding (bytes: Uint8Array): boolean {
  const signed = decodeSignedEntry(bytes)
  if (signed.body.length !== 0) return false
  const entry = decodeEntryFields(signed.entry)
  return entry.version === ENTRY_VERSION && !isEmptyBodyHash(entry.bodyHash)
}

/** The id and checked form of a version 2 entry: its id hashes the signed fields and the signature only. */
function v2Verified (bytes: Uint8Array, entryBytes: SignedEntry['entry'], signature: SignedEntry['signature'], entry: Entry, prefix = canonicalPrefix(bytes, entryBytes, signature)): VerifiedEntry {
  const id = contentId(prefix === undefined ? SignedEntry.encode({ entry: entryBytes, signature }) : bytes.subarray(0, prefix))
  const idHex = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex')
  return entry.body.length === 0 && !isEmptyBodyHash(entry.bodyHash)
    ? { id, idHex, bytes, entry, author: peerIdOfPublicKey(entry.author), erased: true }
    : { id, idHex, bytes, entry, author: peerIdOfPublicKey(entry.author) }
}

/**
 * If `bytes` are the canonical encoding of the SignedEntry they decoded to, whose `entry` and
 * `signature` are the decoder's views into them, the length of its first two fields (an erased
 * entry's encoding, which a version 2 id hashes); otherwise undefined. This is what
 * `SignedEntry.encode` would write: field 1, then 2, then 3 if there is a body, each tag one byte and
 * each length a minimal varint, nothing else; checked by where the decoder found each field, so
 * that catch-up hashes entries without encoding them again (see model.test.ts).
 */
function canonicalPrefix (bytes: Uint8Array, entryBytes: Uint8Array, signature: Uint8Array): number | undefined {
  const at = (field: Uint8Array, tag: number, start: number): number | undefined => {
    const n = field.byteLength
    const offset = start + 1 + varintLength(n)
    if (n === 0 || field.buffer !== bytes.buffer || field.byteOffset !== bytes.byteOffset + offset || bytes[start] !== tag) return undefined
    return offset + n
  }
  const afterEntry = at(entryBytes, 0x0a, 0)
  const afterSignature = afterEntry === undefined ? undefined : at(signature, 0x12, afterEntry)
  if (afterSignature === undefined) return undefined
  if (afterSignature === bytes.byteLength) return afterSignature
  // the rest must be exactly one body field, not empty, its length a minimal varint
  if (bytes[afterSignature] !== 0x1a) return undefined
  let pos = afterSignature + 1
  let n = 0
  for (let scale = 1; ; scale *= 0x80) {
    if (pos >= bytes.byteLength || scale > 2 ** 28) return undefined
    const b = bytes[pos++] as number // pos < byteLength: checked above
    n += (b & 0x7f) * scale
    if (b < 0x80) break
  }
  return n > 0 && pos - afterSignature - 1 === varintLength(n) && pos + n === bytes.byteLength ? afterSignature : undefined
}

/** The bytes a minimal protobuf varint of `n` takes. */
function varintLength (n: number): number {
  let length = 1
  while (n >= 0x80) { n = Math.floor(n / 0x80); length++ }
  return length
}

/** The hash of an empty body: an entry whose body really is empty is not erased. */
const EMPTY_BODY_HASH = contentId(new Uint8Array(0))
function isEmptyBodyHash (h: Uint8Array): boolean {
  return Buffer.compare(h, EMPTY_BODY_HASH) === 0
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
  if (entry.version === ENTRY_VERSION_1) {
    if (signed.body.length !== 0) throw new InvalidEntryError('invalid entry: a version 1 entry carries its body inside')
    const id = contentId(bytes)
    return { id, idHex: Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex'), bytes, entry, author: peerIdOfPublicKey(entry.author), signature: signed.signature, signed: signed.entry }
  }
  // version 2: the body beside the signed fields must be the one they hash (or absent: erased)
  if (signed.body.length > MAX_BODY_BYTES + 64) throw new InvalidEntryError('invalid entry: body too large')
  if (signed.body.length !== 0 && Buffer.compare(contentId(signed.body), entry.bodyHash) !== 0) {
    throw new InvalidEntryError('invalid entry: the body does not match the hash its author signed')
  }
  // stored and relayed in the one encoding, whatever order the fields came in
  const prefix = canonicalPrefix(bytes, signed.entry, signed.signature)
  const canonical = prefix !== undefined
    ? bytes
    : SignedEntry.encode({ entry: signed.entry, signature: signed.signature, body: signed.body })
  const v = v2Verified(canonical, signed.entry, signed.signature, { ...entry, body: signed.body }, prefix)
  return { ...v, signature: signed.signature, signed: signed.entry }
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
  const obj: SignedEntry = { entry: NO_BYTES, signature: NO_BYTES, body: NO_BYTES }
  while (r.pos < r.len) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: obj.entry = r.bytes(); break
      case 2: obj.signature = r.bytes(); break
      case 3: obj.body = r.bytes(); break
      default: r.skipType(tag & 7)
    }
  }
  return obj
}

/** Entry.decode as wire.ts does it, without allocating defaults (see decodeSignedEntry). */
export function decodeEntryFields (bytes: Uint8Array): Entry {
  const r = protobufReader(bytes)
  const obj: Entry = { version: 0, author: NO_BYTES, team: '', seq: 0, lamport: 0, wallTime: 0, epoch: 0, prev: NO_BYTES, body: NO_BYTES, bodyHash: NO_BYTES, editOf: NO_BYTES }
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
      case 10: obj.bodyHash = r.bytes(); break
      case 11: obj.editOf = r.bytes(); break
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
    const entry = decodeEntryFields(signed.entry)
    if (entry.version === ENTRY_VERSION_1) {
      const id = contentId(bytes)
      return { id, idHex: Buffer.from(id).toString('hex'), bytes, entry, author: peerIdOfPublicKey(entry.author) }
    }
    return v2Verified(bytes, signed.entry, signed.signature, { ...entry, body: signed.body })
  } catch (err) {
    throw new InvalidEntryError('stored entry does not decode', { cause: err })
  }
}

function checkEntryStructure (entry: Entry): void {
  const fail = (why: string): never => { throw new InvalidEntryError(`invalid entry: ${why}`) }
  if (entry.version !== ENTRY_VERSION && entry.version !== ENTRY_VERSION_1) fail(`unknown version ${entry.version}`)
  if (entry.version === ENTRY_VERSION ? entry.bodyHash.length !== ID_LENGTH || entry.body.length !== 0 : entry.bodyHash.length !== 0) fail('body hash does not fit the version')
  if (entry.editOf.length !== 0 && (entry.editOf.length !== ID_LENGTH || entry.version !== ENTRY_VERSION)) fail('an edit names a 32-byte message id')
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

