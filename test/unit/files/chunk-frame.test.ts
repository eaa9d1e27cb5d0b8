import { randomBytes } from 'node:crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { chunkFrame, parseChunkFrame } from '../../../src/files/chunk-frame.js'
import { FileChunk } from '../../../src/model/index.js'

/** The bytes of a frame cut into pieces of `size`, as a stream might deliver them. */
function pieces (list: Uint8ArrayList, size: number): Uint8ArrayList {
  const whole = list.subarray()
  const out = new Uint8ArrayList()
  for (let i = 0; i < whole.byteLength; i += size) out.append(whole.slice(i, i + size))
  return out
}

describe('files/chunk-frame', () => {
  it('writes the FileChunk message wire.proto defines, without copying the chunk', () => {
    const data = new Uint8Array(randomBytes(1024 * 1024 + 16))
    const frame = chunkFrame(300, data)
    // the chunk goes out as the caller's own bytes
    expect([...frame].some(part => part === data)).toBe(true)
    const decoded = FileChunk.decode(frame.subarray())
    expect(decoded.index).toBe(300)
    expect(decoded.error).toBe('')
    expect(Buffer.from(decoded.data).equals(Buffer.from(data))).toBe(true)
    expect(FileChunk.decode(chunkFrame(7, new Uint8Array(0), 'NotHeldError').subarray())).toEqual({ index: 7, data: new Uint8Array(0), error: 'NotHeldError' })
  })

  it('reads a FileChunk however the stream cut it and whatever the order of its fields', () => {
    const data = new Uint8Array(randomBytes(70_000))
    for (const size of [1, 7, 4096, 65_536, 1 << 20]) {
      const parsed = parseChunkFrame(pieces(chunkFrame(129, data), size))
      expect(parsed.index).toBe(129)
      expect(Buffer.from(parsed.data.subarray()).equals(Buffer.from(data))).toBe(true)
    }
    // the generated encoder's order (index, data, error), and an unknown field, read the same
    const generated = FileChunk.encode({ index: 5, data, error: 'x' })
    const withUnknown = Uint8Array.from([...generated, (9 << 3) | 0, 1, (10 << 3) | 2, 2, 0xaa, 0xbb])
    const parsed = parseChunkFrame(new Uint8ArrayList(withUnknown))
    expect(parsed).toMatchObject({ index: 5, error: 'x' })
    expect(Buffer.from(parsed.data.subarray()).equals(Buffer.from(data))).toBe(true)
  })

  it('refuses a message cut short or with a field past its end, with RangeError', () => {
    const whole = chunkFrame(3, new Uint8Array(100)).subarray()
    expect(() => parseChunkFrame(new Uint8ArrayList(whole.subarray(0, whole.byteLength - 1)))).toThrow(RangeError)
    expect(() => parseChunkFrame(new Uint8ArrayList(Uint8Array.of(0x08)))).toThrow(RangeError)
    expect(() => parseChunkFrame(new Uint8ArrayList(Uint8Array.of(0x12, 0xff, 0xff, 0xff, 0xff, 0x0f)))).toThrow(RangeError)
    expect(() => parseChunkFrame(new Uint8ArrayList(Uint8Array.of(0x0b)))).toThrow(RangeError)
  })
})
