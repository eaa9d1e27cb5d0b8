/**
 * The AEAD of file chunks: AES-256-GCM under a file's own random key, with chunk i sealed under nonce
 * i, so no nonce repeats under a key and a chunk cannot be moved to another index. Pure functions
 * over bytes: no I/O.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'

/** The GCM tag after each sealed chunk. */
export const CHUNK_TAG_BYTES = 16
export const FILE_KEY_BYTES = 32

function nonceOf (index: number): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeUInt32BE(index, 8)
  return nonce
}

/** Seal chunk `index` of a file: ciphertext || tag. */
export function sealChunk (key: Uint8Array, index: number, plain: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonceOf(index), { authTagLength: CHUNK_TAG_BYTES })
  const out = Buffer.allocUnsafe(plain.byteLength + CHUNK_TAG_BYTES)
  const n = cipher.update(plain).copy(out, 0)
  cipher.final()
  cipher.getAuthTag().copy(out, n)
  return out
}

/** Open what sealChunk made; undefined when it was not sealed with this key and index, or was changed. */
export function openChunk (key: Uint8Array, index: number, sealed: Uint8Array): Buffer | undefined {
  if (sealed.byteLength < CHUNK_TAG_BYTES) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(index), { authTagLength: CHUNK_TAG_BYTES })
    decipher.setAuthTag(sealed.subarray(sealed.byteLength - CHUNK_TAG_BYTES))
    const plain = decipher.update(sealed.subarray(0, sealed.byteLength - CHUNK_TAG_BYTES))
    decipher.final()
    return plain
  } catch {
    // authentication failed: another key or index, or changed bytes
    return undefined
  }
}
