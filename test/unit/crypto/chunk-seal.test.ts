import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CHUNK_TAG_BYTES, openChunk, sealChunk } from '../../../src/crypto/chunk-seal.js'

describe('crypto/chunk-seal', () => {
  it('seals a chunk under its index; another key, index or byte does not open', () => {
    const key = randomBytes(32)
    const plain = randomBytes(1000)
    const sealed = sealChunk(key, 7, plain)
    expect(sealed.byteLength).toBe(plain.byteLength + CHUNK_TAG_BYTES)
    expect(openChunk(key, 7, sealed)?.equals(plain)).toBe(true)
    expect(openChunk(key, 8, sealed)).toBeUndefined()
    expect(openChunk(randomBytes(32), 7, sealed)).toBeUndefined()
    const flipped = Buffer.from(sealed)
    flipped[3]! ^= 1
    expect(openChunk(key, 7, flipped)).toBeUndefined()
    expect(openChunk(key, 7, sealed.subarray(0, CHUNK_TAG_BYTES - 1))).toBeUndefined()
    // an empty chunk (an empty file) is a tag alone
    expect(openChunk(key, 0, sealChunk(key, 0, new Uint8Array(0)))?.byteLength).toBe(0)
  })
})
