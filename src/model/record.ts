/** Org records: the signed membership log (genesis, members, rosters, invites, retention, suspensions, posters). */
import { contentId, ED25519_PUBLIC_KEY_LENGTH, signForDomain, verifyForDomain } from '../crypto/keys.js'
import { BadSignatureError, InvalidEntryError, MessageTooLargeError } from '../errors.js'
import { peerIdOfPublicKey, TEAM_NAME } from '../ids.js'
import { OrgRecord, SignedRecord } from '../net/wire.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const ID_LENGTH = 32


/** The longest retention period an admin may set, in days (100 years). */
/** The org record format this build writes and reads (entries have their own, see entry.ts). */
export const RECORD_VERSION = 1

export const MAX_RETENTION_DAYS = 36_500

/** The longest usage policy text, in bytes. */
export const MAX_POLICY_BYTES = 64 * 1024

/** The largest encoded org record accepted (a roster seals keys to every member of a team). */
export const MAX_RECORD_BYTES = 512 * 1024
const RECORD_DOMAIN = 'org-record/v1'
const OPS = ['genesis', 'addMember', 'removeMember', 'roster', 'invite', 'retention', 'policy', 'policyAcceptance', 'rename', 'renameRequest', 'suspend', 'resume', 'revokeInvite', 'teamPosters'] as const
/** The longest suspension reason, in bytes. */
export const MAX_SUSPEND_REASON_BYTES = 500
/** The most posters an announcement team names. */
export const MAX_TEAM_POSTERS = 256
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
  const record: OrgRecord = { ...fields, version: RECORD_VERSION, signer: new Uint8Array(key.publicKey.raw) }
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
  if (r.version !== RECORD_VERSION) fail(`unknown version ${r.version}`)
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
  if (r.policy !== undefined && (r.policy.version < 1 || Buffer.byteLength(r.policy.text) > MAX_POLICY_BYTES || r.policy.text.trim().length === 0)) fail('bad policy')
  if (r.policyAcceptance !== undefined && (r.policyAcceptance.version < 1 || r.policyAcceptance.session.length > 32)) fail('bad policy acceptance')
  if (r.rename !== undefined && r.rename.member.length !== ED25519_PUBLIC_KEY_LENGTH) fail('member key')
  if (r.suspend !== undefined && (r.suspend.member.length !== ED25519_PUBLIC_KEY_LENGTH || Buffer.byteLength(r.suspend.reason) > MAX_SUSPEND_REASON_BYTES)) fail('bad suspension')
  if (r.resume !== undefined && r.resume.member.length !== ED25519_PUBLIC_KEY_LENGTH) fail('member key')
  if (r.revokeInvite !== undefined && r.revokeInvite.id.length !== ID_LENGTH) fail('invite id must be 32 bytes')
  if (r.teamPosters !== undefined && (!TEAM_NAME.test(r.teamPosters.team) || r.teamPosters.posters.length > MAX_TEAM_POSTERS || r.teamPosters.posters.some(p => p.length !== ED25519_PUBLIC_KEY_LENGTH))) fail('bad team posters')
  return op
}
