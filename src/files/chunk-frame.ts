/**
 * FileChunk messages on the file protocol, written and read without copying the chunk itself. The
 * bytes on the wire are the protobuf message wire.proto defines (fields in any order are valid
 * protobuf): the sender writes the small fields, then the data field's tag and length, then the
 * sealed chunk as it was read from disk, as parts of one length-prefixed write; the receiver parses
 * the fields from the parts it got from the stream and takes the data as a view over them. A 1 MiB
 * chunk was copied twice more by the generated codec (encode at the sender, decode at the receiver).
 */
import { writer } from 'protons-runtime'
import { Uint8ArrayList } from 'uint8arraylist'
import { FileChunk } from '../model/index.js'

/** Wire type 2 (length-delimited) of field 2, `data`. */
const DATA_TAG = (2 << 3) | 2

/** The message for chunk `index`, as parts to send as one write: the chunk is not copied. */
export function chunkFrame (index: number, data: Uint8Array, error = ''): Uint8ArrayList {
  const head = FileChunk.encode({ index, data: new Uint8Array(0), error })
  if (data.byteLength === 0) return new Uint8ArrayList(head)
  // the data field's tag and length, as the generated codec writes them
  const prefix = writer()
  prefix.uint32(DATA_TAG)
  prefix.uint32(data.byteLength)
  return new Uint8ArrayList(head, prefix.finish(), data)
}

export interface ChunkMessage {
  index: number
  error: string
  /** the sealed chunk, a view over the bytes read from the stream */
  data: Uint8ArrayList
}

/**
 * Parse a FileChunk message, whatever the order of its fields. Throws RangeError when the bytes
 * are not one (a truncated field, a length past the end).
 */
export function parseChunkFrame (bytes: Uint8ArrayList): ChunkMessage {
  const out: ChunkMessage = { index: 0, error: '', data: new Uint8ArrayList() }
  let pos = 0
  const readVarint = (): number => {
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= bytes.byteLength) throw new RangeError('a FileChunk field is cut short')
      const b = bytes.get(pos++)
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
    }
    throw new RangeError('a FileChunk varint is too long')
  }
  const readLength = (): number => {
    const length = readVarint()
    if (pos + length > bytes.byteLength) throw new RangeError('a FileChunk field runs past the end of the message')
    return length
  }
  while (pos < bytes.byteLength) {
    const tag = readVarint()
    const field = Math.floor(tag / 8)
    const type = tag & 7
    if (field === 1 && type === 0) {
      out.index = readVarint() >>> 0
    } else if (field === 2 && type === 2) {
      const length = readLength()
      out.data = bytes.sublist(pos, pos + length)
      pos += length
    } else if (field === 3 && type === 2) {
      const length = readLength()
      out.error = Buffer.from(bytes.subarray(pos, pos + length)).toString('utf8')
      pos += length
    } else if (type === 0) {
      readVarint()
    } else if (type === 2) {
      const length = readLength()
      pos += length
    } else if (type === 5) {
      pos += 4
    } else if (type === 1) {
      pos += 8
    } else {
      throw new RangeError(`a FileChunk has a field of wire type ${type}`)
    }
  }
  if (pos !== bytes.byteLength) throw new RangeError('a FileChunk field runs past the end of the message')
  return out
}
