/**
 * Every wire codec of parley, with the checks that run before anything from the network is trusted:
 * size first, then structure, then signature.
 */
import { contentId, ED25519_PUBLIC_KEY_LENGTH, signForDomain, verifyForDomain } from '../crypto/keys.js'
import { BadSignatureError, ImplausibleEntryError, InvalidEntryError, MessageTooLargeError } from '../errors.js'
import { peerIdOfPublicKey, TEAM_NAME } from '../ids.js'
import { Body, Entry, EpochKeys, FileChunk, FileHave, FileManifest, FileOpen, FileWant, HistoryAck, HistoryBatch, HistoryRequest, InviteToken, JoinRequest, JoinResponse, OrgHeads, OrgRecord, OrgRecords, Presence, SignedEntry, SignedPresence, SignedRecord } from './wire.js'
import { PRESENCE_STATUSES } from '../events.js'
import { reader as protobufReader } from 'protons-runtime'
import type { PresenceStatus } from '../events.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export { Body, Entry, EpochKeys, FileChunk, FileHave, FileManifest, FileOpen, FileWant, HistoryAck, HistoryBatch, HistoryRequest, InviteToken, JoinRequest, JoinResponse, OrgHeads, OrgRecord, OrgRecords, Presence, SignedEntry, SignedPresence, SignedRecord }

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

/** Decode and check a plaintext body. Throws InvalidEntryError. */
export function decodeBody (bytes: Uint8Array): Body {
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new InvalidEntryError('body too large')
  }
  let body: Body
  try {
    body = Body.decode(bytes, { limits: { file: { chunks: MAX_FILE_CHUNKS } } })
  } catch (err) {
    throw new InvalidEntryError('body is not valid protobuf', { cause: err })
  }
  if (Buffer.byteLength(body.text) > MAX_TEXT_BYTES) {
    throw new InvalidEntryError('text too long')
  }
  if (body.file !== undefined) checkManifest(body.file)
  return body
}

/** Encode a plaintext body, refusing text over the limit. */
export function encodeBody (body: Omit<Body, 'urgent'> & { urgent?: boolean }): Uint8Array {
  if (Buffer.byteLength(body.text) > MAX_TEXT_BYTES) {
    throw new MessageTooLargeError(`message is ${Buffer.byteLength(body.text)} bytes, the limit is ${MAX_TEXT_BYTES}`)
  }
  if (body.file !== undefined) checkManifest(body.file)
  const bytes = Body.encode({ ...body, urgent: body.urgent === true })
  if (bytes.byteLength > MAX_BODY_BYTES) throw new MessageTooLargeError(`message body is ${bytes.byteLength} bytes, the limit is ${MAX_BODY_BYTES}`)
  return bytes
}

/** The smallest and largest chunk sizes a manifest may use. */
export const MIN_CHUNK_SIZE = 64 * 1024
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024
/** Longest file name carried, in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 1024

/** Check that a manifest is self-consistent: sizes, hash lengths, chunk count. Throws InvalidEntryError. */
export function checkManifest (m: FileManifest): void {
  const fail = (why: string): never => { throw new InvalidEntryError(`invalid file manifest: ${why}`) }
  if (m.id.length !== 16) fail('id must be 16 bytes')
  if (m.key.length !== 32) fail('key must be 32 bytes')
  if (m.sha256.length !== 32) fail('sha256 must be 32 bytes')
  if (Buffer.byteLength(m.name) > MAX_FILE_NAME_BYTES || Buffer.byteLength(m.type) > 255) fail('name or type too long')
  if (!Number.isSafeInteger(m.size) || m.size < 0) fail('size out of range')
  if (!Number.isInteger(m.chunkSize) || m.chunkSize < MIN_CHUNK_SIZE || m.chunkSize > MAX_CHUNK_SIZE) fail('chunk size out of range')
  if (m.chunks.length !== Math.max(1, Math.ceil(m.size / m.chunkSize))) fail('chunk count does not fit the size')
  if (m.chunks.some(c => c.length !== 32)) fail('chunk hashes must be 32 bytes')
}

/** The longest retention period an admin may set, in days (100 years). */
export const MAX_RETENTION_DAYS = 36_500

/** The largest encoded org record accepted (a roster seals keys to every member of a team). */
export const MAX_RECORD_BYTES = 512 * 1024
const RECORD_DOMAIN = 'org-record/v1'
const OPS = ['genesis', 'addMember', 'removeMember', 'roster', 'invite', 'retention'] as const
export type OrgOpName = typeof OPS[number]

/** An org record whose encoding, structure and signature have been checked. */
export interface VerifiedRecord {
  readonly id: Uint8Array<ArrayBuffer>
  readonly idHex: string
  readonly bytes: Uint8Array
  readonly record: OrgRecord
  /** the signer's peer id */
  readonly signer: string
  readonly op: OrgOpName
}

/** The fields a signer chooses for a new org record. */
export type RecordFields = Omit<OrgRecord, 'version' | 'signer'>

/** Sign and encode a new org record. */
export async function createRecord (key: Ed25519PrivateKey, fields: RecordFields): Promise<VerifiedRecord> {
  const record: OrgRecord = { ...fields, version: ENTRY_VERSION, signer: new Uint8Array(key.publicKey.raw) }
  const op = checkRecordStructure(record)
  const recordBytes = OrgRecord.encode(record)
  const signature = new Uint8Array(await signForDomain(key, RECORD_DOMAIN, recordBytes))
  const bytes = SignedRecord.encode({ record: recordBytes, signature })
  return toVerifiedRecord(bytes, record, op)
}

/** Decode and fully check an org record. Throws MessageTooLargeError, InvalidEntryError or BadSignatureError. */
export async function decodeRecord (bytes: Uint8Array): Promise<VerifiedRecord> {
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    throw new MessageTooLargeError(`org record is ${bytes.byteLength} bytes, the limit is ${MAX_RECORD_BYTES}`)
  }
  let signed: SignedRecord
  let record: OrgRecord
  try {
    signed = SignedRecord.decode(bytes)
    record = OrgRecord.decode(signed.record)
  } catch (err) {
    throw new InvalidEntryError('org record is not valid protobuf', { cause: err })
  }
  const op = checkRecordStructure(record)
  if (!await verifyForDomain(record.signer, RECORD_DOMAIN, signed.record, signed.signature)) {
    throw new BadSignatureError(`org record signature does not match its signer ${peerIdOfPublicKey(record.signer)}`)
  }
  return toVerifiedRecord(bytes, record, op)
}

/** Decode an org record read back from our own store (checked before it was written). */
export function decodeStoredRecord (bytes: Uint8Array): VerifiedRecord {
  try {
    const record = OrgRecord.decode(SignedRecord.decode(bytes).record)
    return toVerifiedRecord(bytes, record, checkRecordStructure(record))
  } catch (err) {
    throw new InvalidEntryError('stored org record does not decode', { cause: err })
  }
}

function toVerifiedRecord (bytes: Uint8Array, record: OrgRecord, op: OrgOpName): VerifiedRecord {
  const id = contentId(bytes)
  return { id, idHex: Buffer.from(id).toString('hex'), bytes, record, signer: peerIdOfPublicKey(record.signer), op }
}

function checkRecordStructure (r: OrgRecord): OrgOpName {
  const fail = (why: string): never => { throw new InvalidEntryError(`invalid org record: ${why}`) }
  if (r.version !== ENTRY_VERSION) fail(`unknown version ${r.version}`)
  if (r.signer.length !== ED25519_PUBLIC_KEY_LENGTH) fail('signer is not an Ed25519 key')
  for (const field of ['seq', 'lamport', 'wallTime'] as const) {
    if (!Number.isSafeInteger(r[field]) || r[field] < 0) fail(`${field} out of range`)
  }
  if (r.seq < 1 || r.lamport < 1) fail('seq and lamport start at 1')
  if (r.seq === 1 ? r.prev.length !== 0 : r.prev.length !== ID_LENGTH) fail('prev does not fit seq')
  const ops = OPS.filter(name => r[name] !== undefined)
  if (ops.length !== 1) fail('a record holds exactly one change')
  const op = ops[0] as OrgOpName
  if (op === 'genesis') {
    if (r.org.length !== 0 || r.seq !== 1) fail('genesis must be the first record and name no org')
  } else if (r.org.length !== ID_LENGTH) {
    fail('org id missing')
  }
  if (r.addMember !== undefined && r.addMember.member.length !== ED25519_PUBLIC_KEY_LENGTH) fail('member key')
  if (r.removeMember !== undefined && r.removeMember.member.length !== ED25519_PUBLIC_KEY_LENGTH) fail('member key')
  if (r.roster !== undefined && !TEAM_NAME.test(r.roster.team)) fail('bad team name')
  if (r.invite !== undefined && r.invite.teams.some(t => !TEAM_NAME.test(t))) fail('bad team name')
  if (r.retention !== undefined && (!TEAM_NAME.test(r.retention.team) || r.retention.days > MAX_RETENTION_DAYS || Buffer.byteLength(r.retention.reason) > 500)) fail('bad retention')
  return op
}

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
