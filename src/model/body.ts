/** Plaintext bodies of entries (text or a file manifest), and the manifest's own checks. */
import { InvalidEntryError, MessageTooLargeError } from '../errors.js'
import { Body } from '../net/wire.js'
import { MAX_BODY_BYTES, MAX_FILE_CHUNKS, MAX_TEXT_BYTES } from './entry.js'
import type { FileManifest } from '../net/wire.js'

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
  checkReferences(body)
  return body
}

/** The fields of a body to encode: the references of a reply or an act are optional. */
export type BodyFields = Omit<Body, 'urgent' | 'replyTo' | 'editOf' | 'deleteOf'> & Partial<Pick<Body, 'urgent' | 'replyTo' | 'editOf' | 'deleteOf'>>

/** The longest reaction, in UTF-8 bytes: an emoji, or a short :name: (a family emoji is 25 bytes). */
export const MAX_EMOJI_BYTES = 64

/** What a body is: a message (text, a file, a reply), or an act on one (an edit, a delete, a reaction). */
export type BodyKind = 'message' | 'flag' | 'edit' | 'delete' | 'reaction'

/** The kind of a decoded body. */
export function bodyKind (body: Body): BodyKind {
  if (body.editOf.length > 0) return 'edit'
  if (body.deleteOf.length > 0) return 'delete'
  if (body.reaction !== undefined) return 'reaction'
  if (body.flag !== undefined) return 'flag'
  return 'message'
}

/** Check a reaction's emoji: one short symbol or :name:, no spaces or control characters. Throws InvalidEntryError. */
export function checkEmoji (emoji: string): void {
  if (emoji.length === 0 || Buffer.byteLength(emoji) > MAX_EMOJI_BYTES || /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(emoji)) {
    throw new InvalidEntryError(`a reaction is one emoji (at most ${MAX_EMOJI_BYTES} bytes, no spaces or control characters)`)
  }
}

/** Check that a body's references and kind fit together. Throws InvalidEntryError. */
function checkReferences (body: Body): void {
  const fail = (why: string): never => { throw new InvalidEntryError(`invalid body: ${why}`) }
  for (const ref of [body.replyTo, body.editOf, body.deleteOf, body.reaction?.target]) {
    if (ref !== undefined && ref.length !== 0 && ref.length !== 32) fail('a message reference is a 32-byte id')
  }
  const acts = [body.editOf.length > 0, body.deleteOf.length > 0, body.reaction !== undefined].filter(Boolean).length
  if (acts > 1) fail('one act per entry')
  if (acts === 1 && (body.file !== undefined || body.flag !== undefined || body.replyTo.length > 0)) fail('an act carries no file, flag or reply')
  if ((body.deleteOf.length > 0 || body.reaction !== undefined) && body.text !== '') fail('a delete or a reaction has no text')
  if (body.editOf.length > 0 && body.text.trim() === '') fail('an edit needs some text')
  if (body.reaction !== undefined) {
    if (body.reaction.target.length !== 32) fail('a reaction names a message')
    checkEmoji(body.reaction.emoji)
  }
}

/** Encode a plaintext body, refusing text over the limit. */
export function encodeBody (fields: BodyFields): Uint8Array {
  const none = new Uint8Array(0)
  const body: Body = { ...fields, urgent: fields.urgent === true, replyTo: fields.replyTo ?? none, editOf: fields.editOf ?? none, deleteOf: fields.deleteOf ?? none }
  if (Buffer.byteLength(body.text) > MAX_TEXT_BYTES) {
    throw new MessageTooLargeError(`message is ${Buffer.byteLength(body.text)} bytes, the limit is ${MAX_TEXT_BYTES}`)
  }
  if (body.file !== undefined) checkManifest(body.file)
  checkReferences(body)
  const bytes = Body.encode(body)
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
