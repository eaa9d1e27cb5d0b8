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
