import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
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
  bodyHash: Uint8Array<ArrayBuffer>
  editOf: Uint8Array<ArrayBuffer>
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

        if ((obj.bodyHash != null && obj.bodyHash.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.bodyHash)
        }

        if ((obj.editOf != null && obj.editOf.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.editOf)
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
          body: uint8ArrayAlloc(0),
          bodyHash: uint8ArrayAlloc(0),
          editOf: uint8ArrayAlloc(0)
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
            case 10: {
              obj.bodyHash = reader.bytes()
              break
            }
            case 11: {
              obj.editOf = reader.bytes()
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
            case 10: {
              yield {
                field: `${prefix}.bodyHash`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.editOf`,
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

  export interface EntryBodyHashFieldEvent {
    field: '$.bodyHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EntryEditOfFieldEvent {
    field: '$.editOf'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Entry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
    return decodeMessage(buf, Entry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryVersionFieldEvent | EntryAuthorFieldEvent | EntryTeamFieldEvent | EntrySeqFieldEvent | EntryLamportFieldEvent | EntryWallTimeFieldEvent | EntryEpochFieldEvent | EntryPrevFieldEvent | EntryBodyFieldEvent | EntryBodyHashFieldEvent | EntryEditOfFieldEvent> {
    return streamMessage(buf, Entry.codec(), opts)
  }
}

export interface SignedEntry {
  entry: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  body: Uint8Array<ArrayBuffer>
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

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.body)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entry: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          body: uint8ArrayAlloc(0)
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
            case 3: {
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
            case 3: {
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

  export interface SignedEntryEntryFieldEvent {
    field: '$.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEntrySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEntryBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEntry>): SignedEntry {
    return decodeMessage(buf, SignedEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEntry>): Generator<SignedEntryEntryFieldEvent | SignedEntrySignatureFieldEvent | SignedEntryBodyFieldEvent> {
    return streamMessage(buf, SignedEntry.codec(), opts)
  }
}

export interface Body {
  text: string
  authorName: string
  urgent: boolean
  file?: FileManifest
  flag?: FileFlag
  replyTo: Uint8Array<ArrayBuffer>
  editOf: Uint8Array<ArrayBuffer>
  deleteOf: Uint8Array<ArrayBuffer>
  reaction?: Reaction
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

        if ((obj.urgent != null && obj.urgent !== false)) {
          w.uint32(24)
          w.bool(obj.urgent)
        }

        if (obj.file != null) {
          w.uint32(34)
          FileManifest.codec().encode(obj.file, w)
        }

        if (obj.flag != null) {
          w.uint32(42)
          FileFlag.codec().encode(obj.flag, w)
        }

        if ((obj.replyTo != null && obj.replyTo.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.replyTo)
        }

        if ((obj.editOf != null && obj.editOf.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.editOf)
        }

        if ((obj.deleteOf != null && obj.deleteOf.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.deleteOf)
        }

        if (obj.reaction != null) {
          w.uint32(74)
          Reaction.codec().encode(obj.reaction, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: '',
          authorName: '',
          urgent: false,
          replyTo: uint8ArrayAlloc(0),
          editOf: uint8ArrayAlloc(0),
          deleteOf: uint8ArrayAlloc(0)
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
            case 3: {
              obj.urgent = reader.bool()
              break
            }
            case 4: {
              obj.file = FileManifest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.file
              })
              break
            }
            case 5: {
              obj.flag = FileFlag.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.flag
              })
              break
            }
            case 6: {
              obj.replyTo = reader.bytes()
              break
            }
            case 7: {
              obj.editOf = reader.bytes()
              break
            }
            case 8: {
              obj.deleteOf = reader.bytes()
              break
            }
            case 9: {
              obj.reaction = Reaction.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.reaction
              })
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
            case 3: {
              yield {
                field: `${prefix}.urgent`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield * FileManifest.codec().stream(reader, reader.uint32(), `${prefix}.file`, {
                limits: opts.limits?.file
              })

              break
            }
            case 5: {
              yield * FileFlag.codec().stream(reader, reader.uint32(), `${prefix}.flag`, {
                limits: opts.limits?.flag
              })

              break
            }
            case 6: {
              yield {
                field: `${prefix}.replyTo`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.editOf`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.deleteOf`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield * Reaction.codec().stream(reader, reader.uint32(), `${prefix}.reaction`, {
                limits: opts.limits?.reaction
              })

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

  export interface BodyUrgentFieldEvent {
    field: '$.urgent'
    value: boolean
  }

  export interface BodyFileIdFieldEvent {
    field: '$.file.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyFileNameFieldEvent {
    field: '$.file.name'
    value: string
  }

  export interface BodyFileSizeFieldEvent {
    field: '$.file.size'
    value: number
  }

  export interface BodyFileTypeFieldEvent {
    field: '$.file.type'
    value: string
  }

  export interface BodyFileChunkSizeFieldEvent {
    field: '$.file.chunkSize'
    value: number
  }

  export interface BodyFileKeyFieldEvent {
    field: '$.file.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyFileChunksFieldEvent {
    field: '$.file.chunks[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyFileSha256FieldEvent {
    field: '$.file.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyFlagFileFieldEvent {
    field: '$.flag.file'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyFlagReasonFieldEvent {
    field: '$.flag.reason'
    value: string
  }

  export interface BodyReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyEditOfFieldEvent {
    field: '$.editOf'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyDeleteOfFieldEvent {
    field: '$.deleteOf'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyReactionTargetFieldEvent {
    field: '$.reaction.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BodyReactionEmojiFieldEvent {
    field: '$.reaction.emoji'
    value: string
  }

  export interface BodyReactionRemoveFieldEvent {
    field: '$.reaction.remove'
    value: boolean
  }

  export function encode (obj: Partial<Body>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Body.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Body>): Body {
    return decodeMessage(buf, Body.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Body>): Generator<BodyTextFieldEvent | BodyAuthorNameFieldEvent | BodyUrgentFieldEvent | BodyFileIdFieldEvent | BodyFileNameFieldEvent | BodyFileSizeFieldEvent | BodyFileTypeFieldEvent | BodyFileChunkSizeFieldEvent | BodyFileKeyFieldEvent | BodyFileChunksFieldEvent | BodyFileSha256FieldEvent | BodyFlagFileFieldEvent | BodyFlagReasonFieldEvent | BodyReplyToFieldEvent | BodyEditOfFieldEvent | BodyDeleteOfFieldEvent | BodyReactionTargetFieldEvent | BodyReactionEmojiFieldEvent | BodyReactionRemoveFieldEvent> {
    return streamMessage(buf, Body.codec(), opts)
  }
}

export interface Reaction {
  target: Uint8Array<ArrayBuffer>
  emoji: string
  remove: boolean
}

export namespace Reaction {
  let _codec: Codec<Reaction>

  export const codec = (): Codec<Reaction> => {
    if (_codec == null) {
      _codec = message<Reaction>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.target != null && obj.target.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.target)
        }

        if ((obj.emoji != null && obj.emoji !== '')) {
          w.uint32(18)
          w.string(obj.emoji)
        }

        if ((obj.remove != null && obj.remove !== false)) {
          w.uint32(24)
          w.bool(obj.remove)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          target: uint8ArrayAlloc(0),
          emoji: '',
          remove: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.target = reader.bytes()
              break
            }
            case 2: {
              obj.emoji = reader.string()
              break
            }
            case 3: {
              obj.remove = reader.bool()
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
                field: `${prefix}.target`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.emoji`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.remove`,
                value: reader.bool()
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

  export interface ReactionTargetFieldEvent {
    field: '$.target'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReactionEmojiFieldEvent {
    field: '$.emoji'
    value: string
  }

  export interface ReactionRemoveFieldEvent {
    field: '$.remove'
    value: boolean
  }

  export function encode (obj: Partial<Reaction>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Reaction.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reaction>): Reaction {
    return decodeMessage(buf, Reaction.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reaction>): Generator<ReactionTargetFieldEvent | ReactionEmojiFieldEvent | ReactionRemoveFieldEvent> {
    return streamMessage(buf, Reaction.codec(), opts)
  }
}

export interface FileManifest {
  id: Uint8Array<ArrayBuffer>
  name: string
  size: number
  type: string
  chunkSize: number
  key: Uint8Array<ArrayBuffer>
  chunks: Uint8Array<ArrayBuffer>[]
  sha256: Uint8Array<ArrayBuffer>
}

export namespace FileManifest {
  let _codec: Codec<FileManifest>

  export const codec = (): Codec<FileManifest> => {
    if (_codec == null) {
      _codec = message<FileManifest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.size)
        }

        if ((obj.type != null && obj.type !== '')) {
          w.uint32(34)
          w.string(obj.type)
        }

        if ((obj.chunkSize != null && obj.chunkSize !== 0)) {
          w.uint32(40)
          w.uint32(obj.chunkSize)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.key)
        }

        if (obj.chunks != null && obj.chunks.length > 0) {
          for (const value of obj.chunks) {
            w.uint32(58)
            w.bytes(value)
          }
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.sha256)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          name: '',
          size: 0,
          type: '',
          chunkSize: 0,
          key: uint8ArrayAlloc(0),
          chunks: [],
          sha256: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.size = reader.uint64Number()
              break
            }
            case 4: {
              obj.type = reader.string()
              break
            }
            case 5: {
              obj.chunkSize = reader.uint32()
              break
            }
            case 6: {
              obj.key = reader.bytes()
              break
            }
            case 7: {
              if (opts.limits?.chunks != null && obj.chunks.length === opts.limits.chunks) {
                throw new MaxLengthError('Decode error - repeated field "chunks" had too many elements')
              }

              obj.chunks.push(reader.bytes())
              break
            }
            case 8: {
              obj.sha256 = reader.bytes()
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
        const obj = {
          chunks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.type`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chunkSize`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              if (opts.limits?.chunks != null && obj.chunks === opts.limits.chunks) {
                throw new MaxLengthError('Streaming decode error - repeated field "chunks" had too many elements')
              }

              yield {
                field: `${prefix}.chunks[]`,
                index: obj.chunks,
                value: reader.bytes()
              }

              obj.chunks++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.sha256`,
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

  export interface FileManifestIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileManifestNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface FileManifestSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface FileManifestTypeFieldEvent {
    field: '$.type'
    value: string
  }

  export interface FileManifestChunkSizeFieldEvent {
    field: '$.chunkSize'
    value: number
  }

  export interface FileManifestKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileManifestChunksFieldEvent {
    field: '$.chunks[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileManifestSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileManifest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileManifest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileManifest>): FileManifest {
    return decodeMessage(buf, FileManifest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileManifest>): Generator<FileManifestIdFieldEvent | FileManifestNameFieldEvent | FileManifestSizeFieldEvent | FileManifestTypeFieldEvent | FileManifestChunkSizeFieldEvent | FileManifestKeyFieldEvent | FileManifestChunksFieldEvent | FileManifestSha256FieldEvent> {
    return streamMessage(buf, FileManifest.codec(), opts)
  }
}

export interface FileFlag {
  file: Uint8Array<ArrayBuffer>
  reason: string
}

export namespace FileFlag {
  let _codec: Codec<FileFlag>

  export const codec = (): Codec<FileFlag> => {
    if (_codec == null) {
      _codec = message<FileFlag>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.file != null && obj.file.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.file)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          file: uint8ArrayAlloc(0),
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.file = reader.bytes()
              break
            }
            case 2: {
              obj.reason = reader.string()
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
                field: `${prefix}.file`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
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

  export interface FileFlagFileFieldEvent {
    field: '$.file'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileFlagReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<FileFlag>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileFlag.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileFlag>): FileFlag {
    return decodeMessage(buf, FileFlag.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileFlag>): Generator<FileFlagFileFieldEvent | FileFlagReasonFieldEvent> {
    return streamMessage(buf, FileFlag.codec(), opts)
  }
}

export interface OrgRecord {
  version: number
  org: Uint8Array<ArrayBuffer>
  signer: Uint8Array<ArrayBuffer>
  seq: number
  lamport: number
  wallTime: number
  prev: Uint8Array<ArrayBuffer>
  genesis?: Genesis
  addMember?: AddMember
  removeMember?: RemoveMember
  roster?: Roster
  invite?: Invite
  retention?: Retention
  policy?: Policy
  policyAcceptance?: PolicyAcceptance
  rename?: Rename
  renameRequest?: RenameRequest
  suspend?: Suspend
  resume?: Resume
  revokeInvite?: RevokeInvite
  teamPosters?: TeamPosters
}

export namespace OrgRecord {
  let _codec: Codec<OrgRecord>

  export const codec = (): Codec<OrgRecord> => {
    if (_codec == null) {
      _codec = message<OrgRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.org)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signer)
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

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.prev)
        }

        if (obj.genesis != null) {
          w.uint32(66)
          Genesis.codec().encode(obj.genesis, w)
        }

        if (obj.addMember != null) {
          w.uint32(74)
          AddMember.codec().encode(obj.addMember, w)
        }

        if (obj.removeMember != null) {
          w.uint32(82)
          RemoveMember.codec().encode(obj.removeMember, w)
        }

        if (obj.roster != null) {
          w.uint32(90)
          Roster.codec().encode(obj.roster, w)
        }

        if (obj.invite != null) {
          w.uint32(98)
          Invite.codec().encode(obj.invite, w)
        }

        if (obj.retention != null) {
          w.uint32(106)
          Retention.codec().encode(obj.retention, w)
        }

        if (obj.policy != null) {
          w.uint32(114)
          Policy.codec().encode(obj.policy, w)
        }

        if (obj.policyAcceptance != null) {
          w.uint32(122)
          PolicyAcceptance.codec().encode(obj.policyAcceptance, w)
        }

        if (obj.rename != null) {
          w.uint32(130)
          Rename.codec().encode(obj.rename, w)
        }

        if (obj.renameRequest != null) {
          w.uint32(138)
          RenameRequest.codec().encode(obj.renameRequest, w)
        }

        if (obj.suspend != null) {
          w.uint32(146)
          Suspend.codec().encode(obj.suspend, w)
        }

        if (obj.resume != null) {
          w.uint32(154)
          Resume.codec().encode(obj.resume, w)
        }

        if (obj.revokeInvite != null) {
          w.uint32(162)
          RevokeInvite.codec().encode(obj.revokeInvite, w)
        }

        if (obj.teamPosters != null) {
          w.uint32(170)
          TeamPosters.codec().encode(obj.teamPosters, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          org: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          seq: 0,
          lamport: 0,
          wallTime: 0,
          prev: uint8ArrayAlloc(0)
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
              obj.org = reader.bytes()
              break
            }
            case 3: {
              obj.signer = reader.bytes()
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
              obj.prev = reader.bytes()
              break
            }
            case 8: {
              obj.genesis = Genesis.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.genesis
              })
              break
            }
            case 9: {
              obj.addMember = AddMember.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.addMember
              })
              break
            }
            case 10: {
              obj.removeMember = RemoveMember.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.removeMember
              })
              break
            }
            case 11: {
              obj.roster = Roster.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.roster
              })
              break
            }
            case 12: {
              obj.invite = Invite.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.invite
              })
              break
            }
            case 13: {
              obj.retention = Retention.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.retention
              })
              break
            }
            case 14: {
              obj.policy = Policy.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.policy
              })
              break
            }
            case 15: {
              obj.policyAcceptance = PolicyAcceptance.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.policyAcceptance
              })
              break
            }
            case 16: {
              obj.rename = Rename.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rename
              })
              break
            }
            case 17: {
              obj.renameRequest = RenameRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.renameRequest
              })
              break
            }
            case 18: {
              obj.suspend = Suspend.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.suspend
              })
              break
            }
            case 19: {
              obj.resume = Resume.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resume
              })
              break
            }
            case 20: {
              obj.revokeInvite = RevokeInvite.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.revokeInvite
              })
              break
            }
            case 21: {
              obj.teamPosters = TeamPosters.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.teamPosters
              })
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
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
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
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield * Genesis.codec().stream(reader, reader.uint32(), `${prefix}.genesis`, {
                limits: opts.limits?.genesis
              })

              break
            }
            case 9: {
              yield * AddMember.codec().stream(reader, reader.uint32(), `${prefix}.addMember`, {
                limits: opts.limits?.addMember
              })

              break
            }
            case 10: {
              yield * RemoveMember.codec().stream(reader, reader.uint32(), `${prefix}.removeMember`, {
                limits: opts.limits?.removeMember
              })

              break
            }
            case 11: {
              yield * Roster.codec().stream(reader, reader.uint32(), `${prefix}.roster`, {
                limits: opts.limits?.roster
              })

              break
            }
            case 12: {
              yield * Invite.codec().stream(reader, reader.uint32(), `${prefix}.invite`, {
                limits: opts.limits?.invite
              })

              break
            }
            case 13: {
              yield * Retention.codec().stream(reader, reader.uint32(), `${prefix}.retention`, {
                limits: opts.limits?.retention
              })

              break
            }
            case 14: {
              yield * Policy.codec().stream(reader, reader.uint32(), `${prefix}.policy`, {
                limits: opts.limits?.policy
              })

              break
            }
            case 15: {
              yield * PolicyAcceptance.codec().stream(reader, reader.uint32(), `${prefix}.policyAcceptance`, {
                limits: opts.limits?.policyAcceptance
              })

              break
            }
            case 16: {
              yield * Rename.codec().stream(reader, reader.uint32(), `${prefix}.rename`, {
                limits: opts.limits?.rename
              })

              break
            }
            case 17: {
              yield * RenameRequest.codec().stream(reader, reader.uint32(), `${prefix}.renameRequest`, {
                limits: opts.limits?.renameRequest
              })

              break
            }
            case 18: {
              yield * Suspend.codec().stream(reader, reader.uint32(), `${prefix}.suspend`, {
                limits: opts.limits?.suspend
              })

              break
            }
            case 19: {
              yield * Resume.codec().stream(reader, reader.uint32(), `${prefix}.resume`, {
                limits: opts.limits?.resume
              })

              break
            }
            case 20: {
              yield * RevokeInvite.codec().stream(reader, reader.uint32(), `${prefix}.revokeInvite`, {
                limits: opts.limits?.revokeInvite
              })

              break
            }
            case 21: {
              yield * TeamPosters.codec().stream(reader, reader.uint32(), `${prefix}.teamPosters`, {
                limits: opts.limits?.teamPosters
              })

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

  export interface OrgRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface OrgRecordOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface OrgRecordLamportFieldEvent {
    field: '$.lamport'
    value: number
  }

  export interface OrgRecordWallTimeFieldEvent {
    field: '$.wallTime'
    value: number
  }

  export interface OrgRecordPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordGenesisNameFieldEvent {
    field: '$.genesis.name'
    value: string
  }

  export interface OrgRecordGenesisAdminNameFieldEvent {
    field: '$.genesis.adminName'
    value: string
  }

  export interface OrgRecordGenesisAdminBoxKeyFieldEvent {
    field: '$.genesis.adminBoxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordGenesisNonceFieldEvent {
    field: '$.genesis.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordAddMemberMemberFieldEvent {
    field: '$.addMember.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordAddMemberNameFieldEvent {
    field: '$.addMember.name'
    value: string
  }

  export interface OrgRecordAddMemberBoxKeyFieldEvent {
    field: '$.addMember.boxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordAddMemberAdminFieldEvent {
    field: '$.addMember.admin'
    value: boolean
  }

  export interface OrgRecordAddMemberInviteFieldEvent {
    field: '$.addMember.invite'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordRemoveMemberMemberFieldEvent {
    field: '$.removeMember.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordRemoveMemberCutoffSeqFieldEvent {
    field: '$.removeMember.cutoffSeq'
    value: number
  }

  export interface OrgRecordRemoveMemberEndsTeamFieldEvent {
    field: '$.removeMember.ends[].team'
    value: string
    index: number
  }

  export interface OrgRecordRemoveMemberEndsSeqFieldEvent {
    field: '$.removeMember.ends[].seq'
    value: number
    index: number
  }

  export interface OrgRecordRemoveMemberEndsIdFieldEvent {
    field: '$.removeMember.ends[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface OrgRecordRosterTeamFieldEvent {
    field: '$.roster.team'
    value: string
  }

  export interface OrgRecordRosterEpochFieldEvent {
    field: '$.roster.epoch'
    value: number
  }

  export interface OrgRecordRosterPrevFieldEvent {
    field: '$.roster.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordRosterKeyCheckFieldEvent {
    field: '$.roster.keyCheck'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordRosterSealedMemberFieldEvent {
    field: '$.roster.sealed[].member'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface OrgRecordRosterSealedSealedFieldEvent {
    field: '$.roster.sealed[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface OrgRecordInviteIdFieldEvent {
    field: '$.invite.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordInviteExpiresFieldEvent {
    field: '$.invite.expires'
    value: number
  }

  export interface OrgRecordInviteTeamsFieldEvent {
    field: '$.invite.teams[]'
    index: number
    value: string
  }

  export interface OrgRecordInviteNameFieldEvent {
    field: '$.invite.name'
    value: string
  }

  export interface OrgRecordRetentionTeamFieldEvent {
    field: '$.retention.team'
    value: string
  }

  export interface OrgRecordRetentionDaysFieldEvent {
    field: '$.retention.days'
    value: number
  }

  export interface OrgRecordRetentionHoldFieldEvent {
    field: '$.retention.hold'
    value: boolean
  }

  export interface OrgRecordRetentionReasonFieldEvent {
    field: '$.retention.reason'
    value: string
  }

  export interface OrgRecordPolicyVersionFieldEvent {
    field: '$.policy.version'
    value: number
  }

  export interface OrgRecordPolicyTextFieldEvent {
    field: '$.policy.text'
    value: string
  }

  export interface OrgRecordPolicyEverySessionFieldEvent {
    field: '$.policy.everySession'
    value: boolean
  }

  export interface OrgRecordPolicyAcceptanceVersionFieldEvent {
    field: '$.policyAcceptance.version'
    value: number
  }

  export interface OrgRecordPolicyAcceptanceSessionFieldEvent {
    field: '$.policyAcceptance.session'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordRenameMemberFieldEvent {
    field: '$.rename.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordRenameNameFieldEvent {
    field: '$.rename.name'
    value: string
  }

  export interface OrgRecordRenameRequestNameFieldEvent {
    field: '$.renameRequest.name'
    value: string
  }

  export interface OrgRecordSuspendMemberFieldEvent {
    field: '$.suspend.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordSuspendReasonFieldEvent {
    field: '$.suspend.reason'
    value: string
  }

  export interface OrgRecordSuspendCutoffSeqFieldEvent {
    field: '$.suspend.cutoffSeq'
    value: number
  }

  export interface OrgRecordResumeMemberFieldEvent {
    field: '$.resume.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordResumeFromSeqFieldEvent {
    field: '$.resume.fromSeq'
    value: number
  }

  export interface OrgRecordRevokeInviteIdFieldEvent {
    field: '$.revokeInvite.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgRecordTeamPostersTeamFieldEvent {
    field: '$.teamPosters.team'
    value: string
  }

  export interface OrgRecordTeamPostersAnnounceFieldEvent {
    field: '$.teamPosters.announce'
    value: boolean
  }

  export interface OrgRecordTeamPostersPostersFieldEvent {
    field: '$.teamPosters.posters[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OrgRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OrgRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OrgRecord>): OrgRecord {
    return decodeMessage(buf, OrgRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OrgRecord>): Generator<OrgRecordVersionFieldEvent | OrgRecordOrgFieldEvent | OrgRecordSignerFieldEvent | OrgRecordSeqFieldEvent | OrgRecordLamportFieldEvent | OrgRecordWallTimeFieldEvent | OrgRecordPrevFieldEvent | OrgRecordGenesisNameFieldEvent | OrgRecordGenesisAdminNameFieldEvent | OrgRecordGenesisAdminBoxKeyFieldEvent | OrgRecordGenesisNonceFieldEvent | OrgRecordAddMemberMemberFieldEvent | OrgRecordAddMemberNameFieldEvent | OrgRecordAddMemberBoxKeyFieldEvent | OrgRecordAddMemberAdminFieldEvent | OrgRecordAddMemberInviteFieldEvent | OrgRecordRemoveMemberMemberFieldEvent | OrgRecordRemoveMemberCutoffSeqFieldEvent | OrgRecordRemoveMemberEndsTeamFieldEvent | OrgRecordRemoveMemberEndsSeqFieldEvent | OrgRecordRemoveMemberEndsIdFieldEvent | OrgRecordRosterTeamFieldEvent | OrgRecordRosterEpochFieldEvent | OrgRecordRosterPrevFieldEvent | OrgRecordRosterKeyCheckFieldEvent | OrgRecordRosterSealedMemberFieldEvent | OrgRecordRosterSealedSealedFieldEvent | OrgRecordInviteIdFieldEvent | OrgRecordInviteExpiresFieldEvent | OrgRecordInviteTeamsFieldEvent | OrgRecordInviteNameFieldEvent | OrgRecordRetentionTeamFieldEvent | OrgRecordRetentionDaysFieldEvent | OrgRecordRetentionHoldFieldEvent | OrgRecordRetentionReasonFieldEvent | OrgRecordPolicyVersionFieldEvent | OrgRecordPolicyTextFieldEvent | OrgRecordPolicyEverySessionFieldEvent | OrgRecordPolicyAcceptanceVersionFieldEvent | OrgRecordPolicyAcceptanceSessionFieldEvent | OrgRecordRenameMemberFieldEvent | OrgRecordRenameNameFieldEvent | OrgRecordRenameRequestNameFieldEvent | OrgRecordSuspendMemberFieldEvent | OrgRecordSuspendReasonFieldEvent | OrgRecordSuspendCutoffSeqFieldEvent | OrgRecordResumeMemberFieldEvent | OrgRecordResumeFromSeqFieldEvent | OrgRecordRevokeInviteIdFieldEvent | OrgRecordTeamPostersTeamFieldEvent | OrgRecordTeamPostersAnnounceFieldEvent | OrgRecordTeamPostersPostersFieldEvent> {
    return streamMessage(buf, OrgRecord.codec(), opts)
  }
}

export interface Policy {
  version: number
  text: string
  everySession: boolean
}

export namespace Policy {
  let _codec: Codec<Policy>

  export const codec = (): Codec<Policy> => {
    if (_codec == null) {
      _codec = message<Policy>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(18)
          w.string(obj.text)
        }

        if ((obj.everySession != null && obj.everySession !== false)) {
          w.uint32(24)
          w.bool(obj.everySession)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          text: '',
          everySession: false
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
              obj.text = reader.string()
              break
            }
            case 3: {
              obj.everySession = reader.bool()
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
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.everySession`,
                value: reader.bool()
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

  export interface PolicyVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PolicyTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface PolicyEverySessionFieldEvent {
    field: '$.everySession'
    value: boolean
  }

  export function encode (obj: Partial<Policy>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Policy.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Policy>): Policy {
    return decodeMessage(buf, Policy.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Policy>): Generator<PolicyVersionFieldEvent | PolicyTextFieldEvent | PolicyEverySessionFieldEvent> {
    return streamMessage(buf, Policy.codec(), opts)
  }
}

export interface PolicyAcceptance {
  version: number
  session: Uint8Array<ArrayBuffer>
}

export namespace PolicyAcceptance {
  let _codec: Codec<PolicyAcceptance>

  export const codec = (): Codec<PolicyAcceptance> => {
    if (_codec == null) {
      _codec = message<PolicyAcceptance>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.session != null && obj.session.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.session)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          session: uint8ArrayAlloc(0)
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
              obj.session = reader.bytes()
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
                field: `${prefix}.session`,
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

  export interface PolicyAcceptanceVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PolicyAcceptanceSessionFieldEvent {
    field: '$.session'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PolicyAcceptance>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PolicyAcceptance.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PolicyAcceptance>): PolicyAcceptance {
    return decodeMessage(buf, PolicyAcceptance.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PolicyAcceptance>): Generator<PolicyAcceptanceVersionFieldEvent | PolicyAcceptanceSessionFieldEvent> {
    return streamMessage(buf, PolicyAcceptance.codec(), opts)
  }
}

export interface Rename {
  member: Uint8Array<ArrayBuffer>
  name: string
}

export namespace Rename {
  let _codec: Codec<Rename>

  export const codec = (): Codec<Rename> => {
    if (_codec == null) {
      _codec = message<Rename>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          name: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
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

  export interface RenameMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RenameNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode (obj: Partial<Rename>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Rename.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rename>): Rename {
    return decodeMessage(buf, Rename.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rename>): Generator<RenameMemberFieldEvent | RenameNameFieldEvent> {
    return streamMessage(buf, Rename.codec(), opts)
  }
}

export interface RenameRequest {
  name: string
}

export namespace RenameRequest {
  let _codec: Codec<RenameRequest>

  export const codec = (): Codec<RenameRequest> => {
    if (_codec == null) {
      _codec = message<RenameRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
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
                field: `${prefix}.name`,
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

  export interface RenameRequestNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode (obj: Partial<RenameRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RenameRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RenameRequest>): RenameRequest {
    return decodeMessage(buf, RenameRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RenameRequest>): Generator<RenameRequestNameFieldEvent> {
    return streamMessage(buf, RenameRequest.codec(), opts)
  }
}

export interface Suspend {
  member: Uint8Array<ArrayBuffer>
  reason: string
  cutoffSeq: number
}

export namespace Suspend {
  let _codec: Codec<Suspend>

  export const codec = (): Codec<Suspend> => {
    if (_codec == null) {
      _codec = message<Suspend>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if ((obj.cutoffSeq != null && obj.cutoffSeq !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.cutoffSeq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          reason: '',
          cutoffSeq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            case 3: {
              obj.cutoffSeq = reader.uint64Number()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cutoffSeq`,
                value: reader.uint64Number()
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

  export interface SuspendMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SuspendReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface SuspendCutoffSeqFieldEvent {
    field: '$.cutoffSeq'
    value: number
  }

  export function encode (obj: Partial<Suspend>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Suspend.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Suspend>): Suspend {
    return decodeMessage(buf, Suspend.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Suspend>): Generator<SuspendMemberFieldEvent | SuspendReasonFieldEvent | SuspendCutoffSeqFieldEvent> {
    return streamMessage(buf, Suspend.codec(), opts)
  }
}

export interface Resume {
  member: Uint8Array<ArrayBuffer>
  fromSeq: number
}

export namespace Resume {
  let _codec: Codec<Resume>

  export const codec = (): Codec<Resume> => {
    if (_codec == null) {
      _codec = message<Resume>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.fromSeq != null && obj.fromSeq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.fromSeq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          fromSeq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.fromSeq = reader.uint64Number()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.fromSeq`,
                value: reader.uint64Number()
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

  export interface ResumeMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResumeFromSeqFieldEvent {
    field: '$.fromSeq'
    value: number
  }

  export function encode (obj: Partial<Resume>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Resume.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resume>): Resume {
    return decodeMessage(buf, Resume.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resume>): Generator<ResumeMemberFieldEvent | ResumeFromSeqFieldEvent> {
    return streamMessage(buf, Resume.codec(), opts)
  }
}

export interface RevokeInvite {
  id: Uint8Array<ArrayBuffer>
}

export namespace RevokeInvite {
  let _codec: Codec<RevokeInvite>

  export const codec = (): Codec<RevokeInvite> => {
    if (_codec == null) {
      _codec = message<RevokeInvite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
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
                field: `${prefix}.id`,
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

  export interface RevokeInviteIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RevokeInvite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevokeInvite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevokeInvite>): RevokeInvite {
    return decodeMessage(buf, RevokeInvite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RevokeInvite>): Generator<RevokeInviteIdFieldEvent> {
    return streamMessage(buf, RevokeInvite.codec(), opts)
  }
}

export interface TeamPosters {
  team: string
  announce: boolean
  posters: Uint8Array<ArrayBuffer>[]
}

export namespace TeamPosters {
  let _codec: Codec<TeamPosters>

  export const codec = (): Codec<TeamPosters> => {
    if (_codec == null) {
      _codec = message<TeamPosters>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(10)
          w.string(obj.team)
        }

        if ((obj.announce != null && obj.announce !== false)) {
          w.uint32(16)
          w.bool(obj.announce)
        }

        if (obj.posters != null && obj.posters.length > 0) {
          for (const value of obj.posters) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          team: '',
          announce: false,
          posters: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.team = reader.string()
              break
            }
            case 2: {
              obj.announce = reader.bool()
              break
            }
            case 3: {
              if (opts.limits?.posters != null && obj.posters.length === opts.limits.posters) {
                throw new MaxLengthError('Decode error - repeated field "posters" had too many elements')
              }

              obj.posters.push(reader.bytes())
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
        const obj = {
          posters: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.announce`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              if (opts.limits?.posters != null && obj.posters === opts.limits.posters) {
                throw new MaxLengthError('Streaming decode error - repeated field "posters" had too many elements')
              }

              yield {
                field: `${prefix}.posters[]`,
                index: obj.posters,
                value: reader.bytes()
              }

              obj.posters++

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

  export interface TeamPostersTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface TeamPostersAnnounceFieldEvent {
    field: '$.announce'
    value: boolean
  }

  export interface TeamPostersPostersFieldEvent {
    field: '$.posters[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<TeamPosters>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TeamPosters.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TeamPosters>): TeamPosters {
    return decodeMessage(buf, TeamPosters.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TeamPosters>): Generator<TeamPostersTeamFieldEvent | TeamPostersAnnounceFieldEvent | TeamPostersPostersFieldEvent> {
    return streamMessage(buf, TeamPosters.codec(), opts)
  }
}

export interface Retention {
  team: string
  days: number
  hold: boolean
  reason: string
}

export namespace Retention {
  let _codec: Codec<Retention>

  export const codec = (): Codec<Retention> => {
    if (_codec == null) {
      _codec = message<Retention>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(10)
          w.string(obj.team)
        }

        if ((obj.days != null && obj.days !== 0)) {
          w.uint32(16)
          w.uint32(obj.days)
        }

        if ((obj.hold != null && obj.hold !== false)) {
          w.uint32(24)
          w.bool(obj.hold)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(34)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          team: '',
          days: 0,
          hold: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.team = reader.string()
              break
            }
            case 2: {
              obj.days = reader.uint32()
              break
            }
            case 3: {
              obj.hold = reader.bool()
              break
            }
            case 4: {
              obj.reason = reader.string()
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
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.days`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.hold`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.reason`,
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

  export interface RetentionTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface RetentionDaysFieldEvent {
    field: '$.days'
    value: number
  }

  export interface RetentionHoldFieldEvent {
    field: '$.hold'
    value: boolean
  }

  export interface RetentionReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<Retention>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Retention.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Retention>): Retention {
    return decodeMessage(buf, Retention.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Retention>): Generator<RetentionTeamFieldEvent | RetentionDaysFieldEvent | RetentionHoldFieldEvent | RetentionReasonFieldEvent> {
    return streamMessage(buf, Retention.codec(), opts)
  }
}

export interface Genesis {
  name: string
  adminName: string
  adminBoxKey: Uint8Array<ArrayBuffer>
  nonce: Uint8Array<ArrayBuffer>
}

export namespace Genesis {
  let _codec: Codec<Genesis>

  export const codec = (): Codec<Genesis> => {
    if (_codec == null) {
      _codec = message<Genesis>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.adminName != null && obj.adminName !== '')) {
          w.uint32(18)
          w.string(obj.adminName)
        }

        if ((obj.adminBoxKey != null && obj.adminBoxKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.adminBoxKey)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.nonce)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          adminName: '',
          adminBoxKey: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.adminName = reader.string()
              break
            }
            case 3: {
              obj.adminBoxKey = reader.bytes()
              break
            }
            case 4: {
              obj.nonce = reader.bytes()
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.adminName`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.adminBoxKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nonce`,
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

  export interface GenesisNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GenesisAdminNameFieldEvent {
    field: '$.adminName'
    value: string
  }

  export interface GenesisAdminBoxKeyFieldEvent {
    field: '$.adminBoxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GenesisNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Genesis>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Genesis.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Genesis>): Genesis {
    return decodeMessage(buf, Genesis.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Genesis>): Generator<GenesisNameFieldEvent | GenesisAdminNameFieldEvent | GenesisAdminBoxKeyFieldEvent | GenesisNonceFieldEvent> {
    return streamMessage(buf, Genesis.codec(), opts)
  }
}

export interface AddMember {
  member: Uint8Array<ArrayBuffer>
  name: string
  boxKey: Uint8Array<ArrayBuffer>
  admin: boolean
  invite: Uint8Array<ArrayBuffer>
}

export namespace AddMember {
  let _codec: Codec<AddMember>

  export const codec = (): Codec<AddMember> => {
    if (_codec == null) {
      _codec = message<AddMember>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.boxKey != null && obj.boxKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.boxKey)
        }

        if ((obj.admin != null && obj.admin !== false)) {
          w.uint32(32)
          w.bool(obj.admin)
        }

        if ((obj.invite != null && obj.invite.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.invite)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          name: '',
          boxKey: uint8ArrayAlloc(0),
          admin: false,
          invite: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.boxKey = reader.bytes()
              break
            }
            case 4: {
              obj.admin = reader.bool()
              break
            }
            case 5: {
              obj.invite = reader.bytes()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.boxKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.admin`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.invite`,
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

  export interface AddMemberMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AddMemberNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface AddMemberBoxKeyFieldEvent {
    field: '$.boxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AddMemberAdminFieldEvent {
    field: '$.admin'
    value: boolean
  }

  export interface AddMemberInviteFieldEvent {
    field: '$.invite'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AddMember>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AddMember.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddMember>): AddMember {
    return decodeMessage(buf, AddMember.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddMember>): Generator<AddMemberMemberFieldEvent | AddMemberNameFieldEvent | AddMemberBoxKeyFieldEvent | AddMemberAdminFieldEvent | AddMemberInviteFieldEvent> {
    return streamMessage(buf, AddMember.codec(), opts)
  }
}

export interface RemoveMember {
  member: Uint8Array<ArrayBuffer>
  cutoffSeq: number
  ends: FeedEnd[]
}

export namespace RemoveMember {
  let _codec: Codec<RemoveMember>

  export const codec = (): Codec<RemoveMember> => {
    if (_codec == null) {
      _codec = message<RemoveMember>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.cutoffSeq != null && obj.cutoffSeq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.cutoffSeq)
        }

        if (obj.ends != null && obj.ends.length > 0) {
          for (const value of obj.ends) {
            w.uint32(26)
            FeedEnd.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          cutoffSeq: 0,
          ends: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.cutoffSeq = reader.uint64Number()
              break
            }
            case 3: {
              if (opts.limits?.ends != null && obj.ends.length === opts.limits.ends) {
                throw new MaxLengthError('Decode error - repeated field "ends" had too many elements')
              }

              obj.ends.push(FeedEnd.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ends$
              }))
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
        const obj = {
          ends: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cutoffSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              if (opts.limits?.ends != null && obj.ends === opts.limits.ends) {
                throw new MaxLengthError('Streaming decode error - repeated field "ends" had too many elements')
              }

              for (const evt of FeedEnd.codec().stream(reader, reader.uint32(), `${prefix}.ends[]`, {
                limits: opts.limits?.ends$
              })) {
                yield {
                  ...evt,
                  index: obj.ends
                }
              }

              obj.ends++

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

  export interface RemoveMemberMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RemoveMemberCutoffSeqFieldEvent {
    field: '$.cutoffSeq'
    value: number
  }

  export interface RemoveMemberEndsTeamFieldEvent {
    field: '$.ends[].team'
    value: string
    index: number
  }

  export interface RemoveMemberEndsSeqFieldEvent {
    field: '$.ends[].seq'
    value: number
    index: number
  }

  export interface RemoveMemberEndsIdFieldEvent {
    field: '$.ends[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<RemoveMember>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RemoveMember.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RemoveMember>): RemoveMember {
    return decodeMessage(buf, RemoveMember.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RemoveMember>): Generator<RemoveMemberMemberFieldEvent | RemoveMemberCutoffSeqFieldEvent | RemoveMemberEndsTeamFieldEvent | RemoveMemberEndsSeqFieldEvent | RemoveMemberEndsIdFieldEvent> {
    return streamMessage(buf, RemoveMember.codec(), opts)
  }
}

export interface FeedEnd {
  team: string
  seq: number
  id: Uint8Array<ArrayBuffer>
}

export namespace FeedEnd {
  let _codec: Codec<FeedEnd>

  export const codec = (): Codec<FeedEnd> => {
    if (_codec == null) {
      _codec = message<FeedEnd>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(10)
          w.string(obj.team)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.id)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          team: '',
          seq: 0,
          id: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.team = reader.string()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.id = reader.bytes()
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
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.id`,
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

  export interface FeedEndTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface FeedEndSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface FeedEndIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FeedEnd>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FeedEnd.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FeedEnd>): FeedEnd {
    return decodeMessage(buf, FeedEnd.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FeedEnd>): Generator<FeedEndTeamFieldEvent | FeedEndSeqFieldEvent | FeedEndIdFieldEvent> {
    return streamMessage(buf, FeedEnd.codec(), opts)
  }
}

export interface Roster {
  team: string
  epoch: number
  prev: Uint8Array<ArrayBuffer>
  keyCheck: Uint8Array<ArrayBuffer>
  sealed: SealedKeys[]
}

export namespace Roster {
  let _codec: Codec<Roster>

  export const codec = (): Codec<Roster> => {
    if (_codec == null) {
      _codec = message<Roster>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(10)
          w.string(obj.team)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.epoch)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.prev)
        }

        if ((obj.keyCheck != null && obj.keyCheck.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.keyCheck)
        }

        if (obj.sealed != null && obj.sealed.length > 0) {
          for (const value of obj.sealed) {
            w.uint32(42)
            SealedKeys.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          team: '',
          epoch: 0,
          prev: uint8ArrayAlloc(0),
          keyCheck: uint8ArrayAlloc(0),
          sealed: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.team = reader.string()
              break
            }
            case 2: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 3: {
              obj.prev = reader.bytes()
              break
            }
            case 4: {
              obj.keyCheck = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.sealed != null && obj.sealed.length === opts.limits.sealed) {
                throw new MaxLengthError('Decode error - repeated field "sealed" had too many elements')
              }

              obj.sealed.push(SealedKeys.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sealed$
              }))
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
        const obj = {
          sealed: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.keyCheck`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.sealed != null && obj.sealed === opts.limits.sealed) {
                throw new MaxLengthError('Streaming decode error - repeated field "sealed" had too many elements')
              }

              for (const evt of SealedKeys.codec().stream(reader, reader.uint32(), `${prefix}.sealed[]`, {
                limits: opts.limits?.sealed$
              })) {
                yield {
                  ...evt,
                  index: obj.sealed
                }
              }

              obj.sealed++

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

  export interface RosterTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface RosterEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface RosterPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RosterKeyCheckFieldEvent {
    field: '$.keyCheck'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RosterSealedMemberFieldEvent {
    field: '$.sealed[].member'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RosterSealedSealedFieldEvent {
    field: '$.sealed[].sealed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<Roster>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Roster.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Roster>): Roster {
    return decodeMessage(buf, Roster.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Roster>): Generator<RosterTeamFieldEvent | RosterEpochFieldEvent | RosterPrevFieldEvent | RosterKeyCheckFieldEvent | RosterSealedMemberFieldEvent | RosterSealedSealedFieldEvent> {
    return streamMessage(buf, Roster.codec(), opts)
  }
}

export interface SealedKeys {
  member: Uint8Array<ArrayBuffer>
  sealed: Uint8Array<ArrayBuffer>
}

export namespace SealedKeys {
  let _codec: Codec<SealedKeys>

  export const codec = (): Codec<SealedKeys> => {
    if (_codec == null) {
      _codec = message<SealedKeys>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.member)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          member: uint8ArrayAlloc(0),
          sealed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.member = reader.bytes()
              break
            }
            case 2: {
              obj.sealed = reader.bytes()
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
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sealed`,
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

  export interface SealedKeysMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedKeysSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SealedKeys>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedKeys.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedKeys>): SealedKeys {
    return decodeMessage(buf, SealedKeys.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedKeys>): Generator<SealedKeysMemberFieldEvent | SealedKeysSealedFieldEvent> {
    return streamMessage(buf, SealedKeys.codec(), opts)
  }
}

export interface EpochKeys {
  keys: EpochKey[]
}

export namespace EpochKeys {
  let _codec: Codec<EpochKeys>

  export const codec = (): Codec<EpochKeys> => {
    if (_codec == null) {
      _codec = message<EpochKeys>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.keys != null && obj.keys.length > 0) {
          for (const value of obj.keys) {
            w.uint32(10)
            EpochKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keys: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              obj.keys.push(EpochKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keys$
              }))
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
        const obj = {
          keys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              for (const evt of EpochKey.codec().stream(reader, reader.uint32(), `${prefix}.keys[]`, {
                limits: opts.limits?.keys$
              })) {
                yield {
                  ...evt,
                  index: obj.keys
                }
              }

              obj.keys++

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

  export interface EpochKeysKeysEpochFieldEvent {
    field: '$.keys[].epoch'
    value: number
    index: number
  }

  export interface EpochKeysKeysKeyFieldEvent {
    field: '$.keys[].key'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<EpochKeys>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EpochKeys.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EpochKeys>): EpochKeys {
    return decodeMessage(buf, EpochKeys.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EpochKeys>): Generator<EpochKeysKeysEpochFieldEvent | EpochKeysKeysKeyFieldEvent> {
    return streamMessage(buf, EpochKeys.codec(), opts)
  }
}

export interface EpochKey {
  epoch: number
  key: Uint8Array<ArrayBuffer>
}

export namespace EpochKey {
  let _codec: Codec<EpochKey>

  export const codec = (): Codec<EpochKey> => {
    if (_codec == null) {
      _codec = message<EpochKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.epoch)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          key: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 2: {
              obj.key = reader.bytes()
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
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
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

  export interface EpochKeyEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface EpochKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<EpochKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EpochKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EpochKey>): EpochKey {
    return decodeMessage(buf, EpochKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EpochKey>): Generator<EpochKeyEpochFieldEvent | EpochKeyKeyFieldEvent> {
    return streamMessage(buf, EpochKey.codec(), opts)
  }
}

export interface Invite {
  id: Uint8Array<ArrayBuffer>
  expires: number
  teams: string[]
  name: string
}

export namespace Invite {
  let _codec: Codec<Invite>

  export const codec = (): Codec<Invite> => {
    if (_codec == null) {
      _codec = message<Invite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.expires != null && obj.expires !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.expires)
        }

        if (obj.teams != null && obj.teams.length > 0) {
          for (const value of obj.teams) {
            w.uint32(26)
            w.string(value)
          }
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(34)
          w.string(obj.name)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          expires: 0,
          teams: [],
          name: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.expires = reader.uint64Number()
              break
            }
            case 3: {
              if (opts.limits?.teams != null && obj.teams.length === opts.limits.teams) {
                throw new MaxLengthError('Decode error - repeated field "teams" had too many elements')
              }

              obj.teams.push(reader.string())
              break
            }
            case 4: {
              obj.name = reader.string()
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
        const obj = {
          teams: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.expires`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              if (opts.limits?.teams != null && obj.teams === opts.limits.teams) {
                throw new MaxLengthError('Streaming decode error - repeated field "teams" had too many elements')
              }

              yield {
                field: `${prefix}.teams[]`,
                index: obj.teams,
                value: reader.string()
              }

              obj.teams++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.name`,
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

  export interface InviteIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteExpiresFieldEvent {
    field: '$.expires'
    value: number
  }

  export interface InviteTeamsFieldEvent {
    field: '$.teams[]'
    index: number
    value: string
  }

  export interface InviteNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode (obj: Partial<Invite>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Invite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invite>): Invite {
    return decodeMessage(buf, Invite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invite>): Generator<InviteIdFieldEvent | InviteExpiresFieldEvent | InviteTeamsFieldEvent | InviteNameFieldEvent> {
    return streamMessage(buf, Invite.codec(), opts)
  }
}

export interface SignedRecord {
  record: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedRecord {
  let _codec: Codec<SignedRecord>

  export const codec = (): Codec<SignedRecord> => {
    if (_codec == null) {
      _codec = message<SignedRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.record != null && obj.record.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.record)
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
          record: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.record = reader.bytes()
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
                field: `${prefix}.record`,
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

  export interface SignedRecordRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedRecord>): SignedRecord {
    return decodeMessage(buf, SignedRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedRecord>): Generator<SignedRecordRecordFieldEvent | SignedRecordSignatureFieldEvent> {
    return streamMessage(buf, SignedRecord.codec(), opts)
  }
}

export interface InviteToken {
  org: Uint8Array<ArrayBuffer>
  orgName: string
  admins: Uint8Array<ArrayBuffer>[]
  secret: Uint8Array<ArrayBuffer>
  expires: number
  addresses: string[]
}

export namespace InviteToken {
  let _codec: Codec<InviteToken>

  export const codec = (): Codec<InviteToken> => {
    if (_codec == null) {
      _codec = message<InviteToken>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.org)
        }

        if ((obj.orgName != null && obj.orgName !== '')) {
          w.uint32(18)
          w.string(obj.orgName)
        }

        if (obj.admins != null && obj.admins.length > 0) {
          for (const value of obj.admins) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.secret != null && obj.secret.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.secret)
        }

        if ((obj.expires != null && obj.expires !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.expires)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(50)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          org: uint8ArrayAlloc(0),
          orgName: '',
          admins: [],
          secret: uint8ArrayAlloc(0),
          expires: 0,
          addresses: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.org = reader.bytes()
              break
            }
            case 2: {
              obj.orgName = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.admins != null && obj.admins.length === opts.limits.admins) {
                throw new MaxLengthError('Decode error - repeated field "admins" had too many elements')
              }

              obj.admins.push(reader.bytes())
              break
            }
            case 4: {
              obj.secret = reader.bytes()
              break
            }
            case 5: {
              obj.expires = reader.uint64Number()
              break
            }
            case 6: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.string())
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
        const obj = {
          admins: 0,
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.orgName`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.admins != null && obj.admins === opts.limits.admins) {
                throw new MaxLengthError('Streaming decode error - repeated field "admins" had too many elements')
              }

              yield {
                field: `${prefix}.admins[]`,
                index: obj.admins,
                value: reader.bytes()
              }

              obj.admins++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.secret`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expires`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.string()
              }

              obj.addresses++

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

  export interface InviteTokenOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteTokenOrgNameFieldEvent {
    field: '$.orgName'
    value: string
  }

  export interface InviteTokenAdminsFieldEvent {
    field: '$.admins[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteTokenSecretFieldEvent {
    field: '$.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InviteTokenExpiresFieldEvent {
    field: '$.expires'
    value: number
  }

  export interface InviteTokenAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<InviteToken>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InviteToken.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InviteToken>): InviteToken {
    return decodeMessage(buf, InviteToken.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InviteToken>): Generator<InviteTokenOrgFieldEvent | InviteTokenOrgNameFieldEvent | InviteTokenAdminsFieldEvent | InviteTokenSecretFieldEvent | InviteTokenExpiresFieldEvent | InviteTokenAddressesFieldEvent> {
    return streamMessage(buf, InviteToken.codec(), opts)
  }
}

export interface JoinRequest {
  org: Uint8Array<ArrayBuffer>
  secret: Uint8Array<ArrayBuffer>
  name: string
  boxKey: Uint8Array<ArrayBuffer>
}

export namespace JoinRequest {
  let _codec: Codec<JoinRequest>

  export const codec = (): Codec<JoinRequest> => {
    if (_codec == null) {
      _codec = message<JoinRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.org)
        }

        if ((obj.secret != null && obj.secret.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.secret)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.boxKey != null && obj.boxKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.boxKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          org: uint8ArrayAlloc(0),
          secret: uint8ArrayAlloc(0),
          name: '',
          boxKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.org = reader.bytes()
              break
            }
            case 2: {
              obj.secret = reader.bytes()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.boxKey = reader.bytes()
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
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.secret`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.boxKey`,
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

  export interface JoinRequestOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinRequestSecretFieldEvent {
    field: '$.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JoinRequestNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface JoinRequestBoxKeyFieldEvent {
    field: '$.boxKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinRequest>): JoinRequest {
    return decodeMessage(buf, JoinRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinRequest>): Generator<JoinRequestOrgFieldEvent | JoinRequestSecretFieldEvent | JoinRequestNameFieldEvent | JoinRequestBoxKeyFieldEvent> {
    return streamMessage(buf, JoinRequest.codec(), opts)
  }
}

export interface JoinResponse {
  error: string
  message: string
  records: Uint8Array<ArrayBuffer>[]
}

export namespace JoinResponse {
  let _codec: Codec<JoinResponse>

  export const codec = (): Codec<JoinResponse> => {
    if (_codec == null) {
      _codec = message<JoinResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(10)
          w.string(obj.error)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          error: '',
          message: '',
          records: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
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
        const obj = {
          records: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              yield {
                field: `${prefix}.records[]`,
                index: obj.records,
                value: reader.bytes()
              }

              obj.records++

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

  export interface JoinResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface JoinResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface JoinResponseRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinResponse>): JoinResponse {
    return decodeMessage(buf, JoinResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinResponse>): Generator<JoinResponseErrorFieldEvent | JoinResponseMessageFieldEvent | JoinResponseRecordsFieldEvent> {
    return streamMessage(buf, JoinResponse.codec(), opts)
  }
}

export interface OrgHeads {
  org: Uint8Array<ArrayBuffer>
  heads: SignerHead[]
}

export namespace OrgHeads {
  let _codec: Codec<OrgHeads>

  export const codec = (): Codec<OrgHeads> => {
    if (_codec == null) {
      _codec = message<OrgHeads>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.org)
        }

        if (obj.heads != null && obj.heads.length > 0) {
          for (const value of obj.heads) {
            w.uint32(18)
            SignerHead.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          org: uint8ArrayAlloc(0),
          heads: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.org = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                throw new MaxLengthError('Decode error - repeated field "heads" had too many elements')
              }

              obj.heads.push(SignerHead.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.heads$
              }))
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
        const obj = {
          heads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.heads != null && obj.heads === opts.limits.heads) {
                throw new MaxLengthError('Streaming decode error - repeated field "heads" had too many elements')
              }

              for (const evt of SignerHead.codec().stream(reader, reader.uint32(), `${prefix}.heads[]`, {
                limits: opts.limits?.heads$
              })) {
                yield {
                  ...evt,
                  index: obj.heads
                }
              }

              obj.heads++

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

  export interface OrgHeadsOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OrgHeadsHeadsSignerFieldEvent {
    field: '$.heads[].signer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface OrgHeadsHeadsSeqFieldEvent {
    field: '$.heads[].seq'
    value: number
    index: number
  }

  export function encode (obj: Partial<OrgHeads>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OrgHeads.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OrgHeads>): OrgHeads {
    return decodeMessage(buf, OrgHeads.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OrgHeads>): Generator<OrgHeadsOrgFieldEvent | OrgHeadsHeadsSignerFieldEvent | OrgHeadsHeadsSeqFieldEvent> {
    return streamMessage(buf, OrgHeads.codec(), opts)
  }
}

export interface SignerHead {
  signer: Uint8Array<ArrayBuffer>
  seq: number
}

export namespace SignerHead {
  let _codec: Codec<SignerHead>

  export const codec = (): Codec<SignerHead> => {
    if (_codec == null) {
      _codec = message<SignerHead>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.signer)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signer: uint8ArrayAlloc(0),
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signer = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
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
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
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

  export interface SignerHeadSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignerHeadSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<SignerHead>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignerHead.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignerHead>): SignerHead {
    return decodeMessage(buf, SignerHead.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignerHead>): Generator<SignerHeadSignerFieldEvent | SignerHeadSeqFieldEvent> {
    return streamMessage(buf, SignerHead.codec(), opts)
  }
}

export interface OrgRecords {
  records: Uint8Array<ArrayBuffer>[]
}

export namespace OrgRecords {
  let _codec: Codec<OrgRecords>

  export const codec = (): Codec<OrgRecords> => {
    if (_codec == null) {
      _codec = message<OrgRecords>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          records: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
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
        const obj = {
          records: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              yield {
                field: `${prefix}.records[]`,
                index: obj.records,
                value: reader.bytes()
              }

              obj.records++

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

  export interface OrgRecordsRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OrgRecords>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OrgRecords.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OrgRecords>): OrgRecords {
    return decodeMessage(buf, OrgRecords.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OrgRecords>): Generator<OrgRecordsRecordsFieldEvent> {
    return streamMessage(buf, OrgRecords.codec(), opts)
  }
}

export interface HistoryRequest {
  org: Uint8Array<ArrayBuffer>
  team: string
  heads: FeedHead[]
}

export namespace HistoryRequest {
  let _codec: Codec<HistoryRequest>

  export const codec = (): Codec<HistoryRequest> => {
    if (_codec == null) {
      _codec = message<HistoryRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.org)
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(18)
          w.string(obj.team)
        }

        if (obj.heads != null && obj.heads.length > 0) {
          for (const value of obj.heads) {
            w.uint32(26)
            FeedHead.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          org: uint8ArrayAlloc(0),
          team: '',
          heads: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.org = reader.bytes()
              break
            }
            case 2: {
              obj.team = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.heads != null && obj.heads.length === opts.limits.heads) {
                throw new MaxLengthError('Decode error - repeated field "heads" had too many elements')
              }

              obj.heads.push(FeedHead.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.heads$
              }))
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
        const obj = {
          heads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.heads != null && obj.heads === opts.limits.heads) {
                throw new MaxLengthError('Streaming decode error - repeated field "heads" had too many elements')
              }

              for (const evt of FeedHead.codec().stream(reader, reader.uint32(), `${prefix}.heads[]`, {
                limits: opts.limits?.heads$
              })) {
                yield {
                  ...evt,
                  index: obj.heads
                }
              }

              obj.heads++

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

  export interface HistoryRequestOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryRequestTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface HistoryRequestHeadsAuthorFieldEvent {
    field: '$.heads[].author'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface HistoryRequestHeadsSeqFieldEvent {
    field: '$.heads[].seq'
    value: number
    index: number
  }

  export interface HistoryRequestHeadsIdFieldEvent {
    field: '$.heads[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<HistoryRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRequest>): HistoryRequest {
    return decodeMessage(buf, HistoryRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRequest>): Generator<HistoryRequestOrgFieldEvent | HistoryRequestTeamFieldEvent | HistoryRequestHeadsAuthorFieldEvent | HistoryRequestHeadsSeqFieldEvent | HistoryRequestHeadsIdFieldEvent> {
    return streamMessage(buf, HistoryRequest.codec(), opts)
  }
}

export interface FeedHead {
  author: Uint8Array<ArrayBuffer>
  seq: number
  id: Uint8Array<ArrayBuffer>
}

export namespace FeedHead {
  let _codec: Codec<FeedHead>

  export const codec = (): Codec<FeedHead> => {
    if (_codec == null) {
      _codec = message<FeedHead>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.author)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.id)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          author: uint8ArrayAlloc(0),
          seq: 0,
          id: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.author = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.id = reader.bytes()
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
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.id`,
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

  export interface FeedHeadAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FeedHeadSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface FeedHeadIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FeedHead>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FeedHead.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FeedHead>): FeedHead {
    return decodeMessage(buf, FeedHead.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FeedHead>): Generator<FeedHeadAuthorFieldEvent | FeedHeadSeqFieldEvent | FeedHeadIdFieldEvent> {
    return streamMessage(buf, FeedHead.codec(), opts)
  }
}

export interface HistoryBatch {
  entries: Uint8Array<ArrayBuffer>[]
  done: boolean
  error: string
  forks: Uint8Array<ArrayBuffer>[]
  erasures: Uint8Array<ArrayBuffer>[]
}

export namespace HistoryBatch {
  let _codec: Codec<HistoryBatch>

  export const codec = (): Codec<HistoryBatch> => {
    if (_codec == null) {
      _codec = message<HistoryBatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(16)
          w.bool(obj.done)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(26)
          w.string(obj.error)
        }

        if (obj.forks != null && obj.forks.length > 0) {
          for (const value of obj.forks) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (obj.erasures != null && obj.erasures.length > 0) {
          for (const value of obj.erasures) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: [],
          done: false,
          error: '',
          forks: [],
          erasures: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(reader.bytes())
              break
            }
            case 2: {
              obj.done = reader.bool()
              break
            }
            case 3: {
              obj.error = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.forks != null && obj.forks.length === opts.limits.forks) {
                throw new MaxLengthError('Decode error - repeated field "forks" had too many elements')
              }

              obj.forks.push(reader.bytes())
              break
            }
            case 5: {
              if (opts.limits?.erasures != null && obj.erasures.length === opts.limits.erasures) {
                throw new MaxLengthError('Decode error - repeated field "erasures" had too many elements')
              }

              obj.erasures.push(reader.bytes())
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
        const obj = {
          entries: 0,
          forks: 0,
          erasures: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              yield {
                field: `${prefix}.entries[]`,
                index: obj.entries,
                value: reader.bytes()
              }

              obj.entries++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.forks != null && obj.forks === opts.limits.forks) {
                throw new MaxLengthError('Streaming decode error - repeated field "forks" had too many elements')
              }

              yield {
                field: `${prefix}.forks[]`,
                index: obj.forks,
                value: reader.bytes()
              }

              obj.forks++

              break
            }
            case 5: {
              if (opts.limits?.erasures != null && obj.erasures === opts.limits.erasures) {
                throw new MaxLengthError('Streaming decode error - repeated field "erasures" had too many elements')
              }

              yield {
                field: `${prefix}.erasures[]`,
                index: obj.erasures,
                value: reader.bytes()
              }

              obj.erasures++

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

  export interface HistoryBatchEntriesFieldEvent {
    field: '$.entries[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryBatchDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export interface HistoryBatchErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface HistoryBatchForksFieldEvent {
    field: '$.forks[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface HistoryBatchErasuresFieldEvent {
    field: '$.erasures[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HistoryBatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryBatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryBatch>): HistoryBatch {
    return decodeMessage(buf, HistoryBatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryBatch>): Generator<HistoryBatchEntriesFieldEvent | HistoryBatchDoneFieldEvent | HistoryBatchErrorFieldEvent | HistoryBatchForksFieldEvent | HistoryBatchErasuresFieldEvent> {
    return streamMessage(buf, HistoryBatch.codec(), opts)
  }
}

export interface HistoryAck {
  batches: number
}

export namespace HistoryAck {
  let _codec: Codec<HistoryAck>

  export const codec = (): Codec<HistoryAck> => {
    if (_codec == null) {
      _codec = message<HistoryAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.batches != null && obj.batches !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.batches)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          batches: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.batches = reader.uint64Number()
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
                field: `${prefix}.batches`,
                value: reader.uint64Number()
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

  export interface HistoryAckBatchesFieldEvent {
    field: '$.batches'
    value: number
  }

  export function encode (obj: Partial<HistoryAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HistoryAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryAck>): HistoryAck {
    return decodeMessage(buf, HistoryAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryAck>): Generator<HistoryAckBatchesFieldEvent> {
    return streamMessage(buf, HistoryAck.codec(), opts)
  }
}

export interface Presence {
  org: Uint8Array<ArrayBuffer>
  member: Uint8Array<ArrayBuffer>
  status: string
  text: string
  time: number
  since: number
  addresses: string[]
}

export namespace Presence {
  let _codec: Codec<Presence>

  export const codec = (): Codec<Presence> => {
    if (_codec == null) {
      _codec = message<Presence>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.org)
        }

        if ((obj.member != null && obj.member.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.member)
        }

        if ((obj.status != null && obj.status !== '')) {
          w.uint32(26)
          w.string(obj.status)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(34)
          w.string(obj.text)
        }

        if ((obj.time != null && obj.time !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.time)
        }

        if ((obj.since != null && obj.since !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.since)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(58)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          org: uint8ArrayAlloc(0),
          member: uint8ArrayAlloc(0),
          status: '',
          text: '',
          time: 0,
          since: 0,
          addresses: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.org = reader.bytes()
              break
            }
            case 2: {
              obj.member = reader.bytes()
              break
            }
            case 3: {
              obj.status = reader.string()
              break
            }
            case 4: {
              obj.text = reader.string()
              break
            }
            case 5: {
              obj.time = reader.uint64Number()
              break
            }
            case 6: {
              obj.since = reader.uint64Number()
              break
            }
            case 7: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.string())
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
        const obj = {
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.member`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.status`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.time`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.since`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.string()
              }

              obj.addresses++

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

  export interface PresenceOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceMemberFieldEvent {
    field: '$.member'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceStatusFieldEvent {
    field: '$.status'
    value: string
  }

  export interface PresenceTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface PresenceTimeFieldEvent {
    field: '$.time'
    value: number
  }

  export interface PresenceSinceFieldEvent {
    field: '$.since'
    value: number
  }

  export interface PresenceAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<Presence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Presence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Presence {
    return decodeMessage(buf, Presence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Generator<PresenceOrgFieldEvent | PresenceMemberFieldEvent | PresenceStatusFieldEvent | PresenceTextFieldEvent | PresenceTimeFieldEvent | PresenceSinceFieldEvent | PresenceAddressesFieldEvent> {
    return streamMessage(buf, Presence.codec(), opts)
  }
}

export interface SignedPresence {
  presence: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPresence {
  let _codec: Codec<SignedPresence>

  export const codec = (): Codec<SignedPresence> => {
    if (_codec == null) {
      _codec = message<SignedPresence>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.presence != null && obj.presence.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.presence)
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
          presence: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.presence = reader.bytes()
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
                field: `${prefix}.presence`,
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

  export interface SignedPresencePresenceFieldEvent {
    field: '$.presence'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPresenceSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPresence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPresence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPresence>): SignedPresence {
    return decodeMessage(buf, SignedPresence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPresence>): Generator<SignedPresencePresenceFieldEvent | SignedPresenceSignatureFieldEvent> {
    return streamMessage(buf, SignedPresence.codec(), opts)
  }
}

export interface FileOpen {
  org: Uint8Array<ArrayBuffer>
  team: string
  file: Uint8Array<ArrayBuffer>
}

export namespace FileOpen {
  let _codec: Codec<FileOpen>

  export const codec = (): Codec<FileOpen> => {
    if (_codec == null) {
      _codec = message<FileOpen>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.org != null && obj.org.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.org)
        }

        if ((obj.team != null && obj.team !== '')) {
          w.uint32(18)
          w.string(obj.team)
        }

        if ((obj.file != null && obj.file.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.file)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          org: uint8ArrayAlloc(0),
          team: '',
          file: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.org = reader.bytes()
              break
            }
            case 2: {
              obj.team = reader.string()
              break
            }
            case 3: {
              obj.file = reader.bytes()
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
                field: `${prefix}.org`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.team`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.file`,
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

  export interface FileOpenOrgFieldEvent {
    field: '$.org'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOpenTeamFieldEvent {
    field: '$.team'
    value: string
  }

  export interface FileOpenFileFieldEvent {
    field: '$.file'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileOpen>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileOpen.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOpen>): FileOpen {
    return decodeMessage(buf, FileOpen.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOpen>): Generator<FileOpenOrgFieldEvent | FileOpenTeamFieldEvent | FileOpenFileFieldEvent> {
    return streamMessage(buf, FileOpen.codec(), opts)
  }
}

export interface FileHave {
  error: string
  chunks: Uint8Array<ArrayBuffer>
}

export namespace FileHave {
  let _codec: Codec<FileHave>

  export const codec = (): Codec<FileHave> => {
    if (_codec == null) {
      _codec = message<FileHave>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(10)
          w.string(obj.error)
        }

        if ((obj.chunks != null && obj.chunks.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.chunks)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          error: '',
          chunks: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = reader.string()
              break
            }
            case 2: {
              obj.chunks = reader.bytes()
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
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.chunks`,
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

  export interface FileHaveErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface FileHaveChunksFieldEvent {
    field: '$.chunks'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileHave>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileHave.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileHave>): FileHave {
    return decodeMessage(buf, FileHave.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileHave>): Generator<FileHaveErrorFieldEvent | FileHaveChunksFieldEvent> {
    return streamMessage(buf, FileHave.codec(), opts)
  }
}

export interface FileWant {
  chunks: number[]
}

export namespace FileWant {
  let _codec: Codec<FileWant>

  export const codec = (): Codec<FileWant> => {
    if (_codec == null) {
      _codec = message<FileWant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.chunks != null && obj.chunks.length > 0) {
          for (const value of obj.chunks) {
            w.uint32(8)
            w.uint32(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chunks: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.chunks != null && obj.chunks.length === opts.limits.chunks) {
                throw new MaxLengthError('Decode error - repeated field "chunks" had too many elements')
              }

              obj.chunks.push(reader.uint32())
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
        const obj = {
          chunks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.chunks != null && obj.chunks === opts.limits.chunks) {
                throw new MaxLengthError('Streaming decode error - repeated field "chunks" had too many elements')
              }

              yield {
                field: `${prefix}.chunks[]`,
                index: obj.chunks,
                value: reader.uint32()
              }

              obj.chunks++

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

  export interface FileWantChunksFieldEvent {
    field: '$.chunks[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<FileWant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileWant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileWant>): FileWant {
    return decodeMessage(buf, FileWant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileWant>): Generator<FileWantChunksFieldEvent> {
    return streamMessage(buf, FileWant.codec(), opts)
  }
}

export interface FileChunk {
  index: number
  data: Uint8Array<ArrayBuffer>
  error: string
}

export namespace FileChunk {
  let _codec: Codec<FileChunk>

  export const codec = (): Codec<FileChunk> => {
    if (_codec == null) {
      _codec = message<FileChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint32(obj.index)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(26)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          data: uint8ArrayAlloc(0),
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint32()
              break
            }
            case 2: {
              obj.data = reader.bytes()
              break
            }
            case 3: {
              obj.error = reader.string()
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
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.error`,
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

  export interface FileChunkIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface FileChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileChunkErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<FileChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileChunk>): FileChunk {
    return decodeMessage(buf, FileChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileChunk>): Generator<FileChunkIndexFieldEvent | FileChunkDataFieldEvent | FileChunkErrorFieldEvent> {
    return streamMessage(buf, FileChunk.codec(), opts)
  }
}
