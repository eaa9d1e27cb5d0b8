/**
 * How a file is cut, encrypted and checked. Each file has its own random AES-256-GCM key, carried in
 * the manifest, which is itself encrypted under the team key; chunk i is sealed with nonce i, so no
 * nonce repeats under a key (the AEAD itself is crypto/chunk-seal.ts). The manifest lists the SHA-256
 * of every sealed chunk: any holder can serve chunks without reading them, and a receiver checks each
 * one before writing it.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto'
import { CHUNK_TAG_BYTES, FILE_KEY_BYTES, openChunk as openChunkBytes, sealChunk as sealChunkBytes } from '../crypto/chunk-seal.js'
import { MAX_FILE_CHUNKS, MIN_CHUNK_SIZE } from '../model/index.js'
import { CorruptFileError } from '../errors.js'
import type { FileManifest } from '../model/index.js'

export const TAG_BYTES = CHUNK_TAG_BYTES
const DEFAULT_CHUNK_SIZE = 1024 * 1024

/** The chunk size for a file: 1 MiB, doubled until the chunk list fits a manifest. */
export function chunkSizeFor (size: number): number {
  let chunk = Math.max(DEFAULT_CHUNK_SIZE, MIN_CHUNK_SIZE)
  while (Math.ceil(size / chunk) > MAX_FILE_CHUNKS) chunk *= 2
  return chunk
}

/** A fresh random key for one file. */
export function newFileKey (): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(FILE_KEY_BYTES))
}

const FILE_ID_DOMAIN = 'parley/file-id/v1'

/**
 * The id of a file: the first 16 bytes of a SHA-256 over its sharer, its team and everything else
 * its manifest says (name, type, sizes, key, chunk hashes, whole-file hash). Every node checks a
 * manifest's id against it, so an id names one manifest by one author: nobody can post another
 * manifest under the id of someone else's file (it would need a SHA-256 preimage), and which manifest
 * owns an id does not depend on which arrived first.
 */
export function fileIdOf (author: string, team: string, m: Omit<FileManifest, 'id'>): Uint8Array<ArrayBuffer> {
  const h = createHash('sha256')
  const field = (data: Uint8Array | string): void => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.byteLength)
    h.update(length).update(bytes)
  }
  const number = (n: number): void => {
    const b = Buffer.alloc(8)
    b.writeBigUInt64BE(BigInt(n))
    h.update(b)
  }
  field(FILE_ID_DOMAIN)
  field(author)
  field(team)
  field(m.name)
  field(m.type)
  number(m.size)
  number(m.chunkSize)
  field(m.key)
  field(m.sha256)
  number(m.chunks.length)
  for (const c of m.chunks) field(c)
  return new Uint8Array(h.digest().subarray(0, 16))
}

/** Whether a manifest's id is the one its author and contents give (see fileIdOf). */
export function fileIdBound (author: string, team: string, m: FileManifest): boolean {
  return Buffer.from(m.id).equals(fileIdOf(author, team, m))
}

/** Seal chunk `index` (see crypto/chunk-seal.ts). */
export const sealChunk = sealChunkBytes

/** Open chunk `index`; throws CorruptFileError when it was not sealed with this key and index. */
export function openChunk (key: Uint8Array, index: number, sealed: Uint8Array): Buffer {
  if (sealed.byteLength < TAG_BYTES) throw new CorruptFileError(`chunk ${index} is too short`)
  const plain = openChunkBytes(key, index, sealed)
  if (plain === undefined) throw new CorruptFileError(`chunk ${index} does not decrypt`)
  return plain
}

/** The SHA-256 of `data`. */
export function sha256 (data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest()
}

/** Where chunk `index` starts in the store's sealed copy, and how long it is there. */
export function sealedSpan (m: Pick<FileManifest, 'size' | 'chunkSize'>, index: number): { offset: number, length: number } {
  const plainStart = index * m.chunkSize
  const plainLength = Math.max(0, Math.min(m.chunkSize, m.size - plainStart))
  return { offset: index * (m.chunkSize + TAG_BYTES), length: plainLength + TAG_BYTES }
}

/** Whether a sealed chunk is the one the manifest names. */
export function chunkMatches (m: FileManifest, index: number, sealed: Uint8Array): boolean {
  const expected = m.chunks[index]
  return expected !== undefined && sealed.byteLength === sealedSpan(m, index).length && sha256(sealed).equals(expected)
}

/**
 * chunkMatches, with the hash computed on libuv's thread pool (WebCrypto's digest runs there), so a
 * fetch checks one chunk while its main thread decrypts the next from the connection.
 */
export async function chunkMatchesOffThread (m: FileManifest, index: number, sealed: Uint8Array): Promise<boolean> {
  const expected = m.chunks[index]
  if (expected === undefined || sealed.byteLength !== sealedSpan(m, index).length) return false
  const digest = Buffer.from(await webcrypto.subtle.digest('SHA-256', sealed as Uint8Array<ArrayBuffer>))
  return digest.equals(expected)
}

/** A set of chunk indexes, as a bitmap that goes on the wire as is. */
export class ChunkSet {
  readonly size: number
  private readonly bits: Uint8Array<ArrayBuffer>
  private filled = 0

  constructor (size: number, bits?: Uint8Array) {
    this.size = size
    this.bits = new Uint8Array(Math.ceil(size / 8))
    if (bits !== undefined) {
      for (let i = 0; i < size; i++) if (((bits[i >> 3] ?? 0) & (1 << (i & 7))) !== 0) this.add(i)
    }
  }

  has (i: number): boolean {
    return i >= 0 && i < this.size && ((this.bits[i >> 3] ?? 0) & (1 << (i & 7))) !== 0
  }

  add (i: number): void {
    if (i < 0 || i >= this.size || this.has(i)) return
    this.bits[i >> 3]! |= 1 << (i & 7)
    this.filled++
  }

  get count (): number {
    return this.filled
  }

  get complete (): boolean {
    return this.filled === this.size
  }

  toBytes (): Uint8Array<ArrayBuffer> {
    return this.bits.slice()
  }
}
