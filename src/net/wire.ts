import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Entry {
  version: number
  author: Uint8Array<ArrayBuffer>
  team: string
  seq: number
  lamport: number
  wallTime: number
  epoch: number
  prev: Uint8Array<ArrayBuffer>
  body: Uint8Array<ArrayBuffer>
}

export namespace Entry {
  let _codec: Codec<Entry>

  export const codec = (): Codec<Entry> => {
    if (_codec == null) {
      _codec = message<Entry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.author)
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(26)
          w.string(obj.team)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.seq)
        }

        if ((obj.lamport != null && obj.lamport !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.lamport)
        }

        if ((obj.wallTime != null && obj.wallTime !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.wallTime)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.epoch)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.prev)
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.body)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          author: uint8ArrayAlloc(0),
          team: '',
          seq: 0,
          lamport: 0,
          wallTime: 0,
          epoch: 0,
          prev: uint8ArrayAlloc(0),
          body: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.author = reader.bytes()
              break
            }
            case 3: {
              obj.team = reader.string()
              break
            }
            case 4: {
              obj.seq = reader.uint64Number()
              break
            }
            case 5: {
              obj.lamport = reader.uint64Number()
              break
            }
            case 6: {
              obj.wallTime = reader.uint64Number()
              break
            }
            case 7: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 8: {
              obj.prev = reader.bytes()
              break
            }
            case 9: {
              obj.body = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.lamport`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.wallTime`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EntryVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EntryAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface EntrySeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface EntryLamportFieldEvent {
    field: '$.lamport'
    value: number
  }

  export interface EntryWallTimeFieldEvent {
    field: '$.wallTime'
    value: number
  }

  export interface EntryEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface EntryPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryVersionFieldEvent | EntryAuthorFieldEvent | EntryTeamFieldEvent | EntrySeqFieldEvent | EntryLamportFieldEvent | EntryWallTimeFieldEvent | EntryEpochFieldEvent | EntryPrevFieldEvent | EntryBodyFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export interface SignedEntry {
  entry: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedEntry {
  let _codec: Codec<SignedEntry>

  export const codec = (): Codec<SignedEntry> => {
    if (_codec == null) {
      _codec = message<SignedEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.entry != null && obj.entry.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.entry)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entry: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.entry = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.entry`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedEntryEntryFieldEvent {
    field: '$.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEntrySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEntry>): SignedEntry {
    return decodeMessage(buf, SignedEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEntry>): Generator<SignedEntryEntryFieldEvent | SignedEntrySignatureFieldEvent> {
    return streamMessage(buf, SignedEntry.codec(), opts)
  }
}

export interface Body {
  text: string
  authorName: string
}

export namespace Body {
  let _codec: Codec<Body>

  export const codec = (): Codec<Body> => {
    if (_codec == null) {
      _codec = message<Body>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(10)
          w.string(obj.text)
        }

        if ((obj.authorName != null && obj.authorName !== '')) {
          w.uint32(18)
          w.string(obj.authorName)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: '',
          authorName: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.string()
              break
            }
            case 2: {
              obj.authorName = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.authorName`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface BodyTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface BodyAuthorNameFieldEvent {
    field: '$.authorName'
    value: string
  }

  export function encode (obj: Partial<Body>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Body.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Body>): Body {
    return decodeMessage(buf, Body.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Body>): Generator<BodyTextFieldEvent | BodyAuthorNameFieldEvent> {
    return streamMessage(buf, Body.codec(), opts)
  }
}
