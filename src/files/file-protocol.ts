/**
 * The file protocol over one stream, whatever carries it: the requester sends FileOpen (org, team,
 * file id), the server answers FileHave (which verified chunks it holds, or an error class name),
 * then each FileWant (a batch of chunk indexes) is answered by one FileChunk per index, in order.
 * The server side reads from a read-only view of what this node holds; the client side is the
 * framing a transfer uses. Every read is bounded before it is decoded.
 */
import { lpStream } from '@libp2p/utils'
import { NotMemberError, ProtocolError } from '../errors.js'
import { FileHave, FileOpen, FileWant } from '../model/index.js'
import { ChunkSet } from './chunks.js'
import { chunkFrame, parseChunkFrame } from './chunk-frame.js'
import type { ChunkMessage } from './chunk-frame.js'
import type { FileState } from '../events.js'
import type { FileManifest } from '../model/index.js'
import type { Stream } from '@libp2p/interface'

/** The largest request a file server reads (FileOpen, FileWant: a few dozen bytes), and what a stream to it may buffer unread. */
export const MAX_REQUEST_BYTES = 16 * 1024
const MAX_REQUEST_BUFFER_BYTES = 64 * 1024
/** The most chunks one FileWant may ask for (a requester asks for a window of at most 8). */
export const MAX_WANT_CHUNKS = 64
/** What a requester's stream may buffer unread: a whole window and then some (the default is 4 MiB). */
const READ_BUFFER_BYTES = 48 * 1024 * 1024
export const OPEN_TIMEOUT_MS = 10_000
/** A peer that sends nothing for this long is done with (a server) or dropped (a requester). */
export const IDLE_TIMEOUT_MS = 30_000
/** What lpStream throws for a frame over its bounds. */
const OVERSIZE = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'StreamBufferError'])

/** Reads chunks of one sealed copy. */
export interface ChunkReader {
  /** the sealed chunk `index`, as the manifest hashes it */
  read: (index: number) => Promise<Uint8Array>
  close: () => Promise<void>
}

/** One file as a server sees it: live, so a file quarantined mid-stream stops being served. */
export interface ServedFile {
  readonly team: string
  readonly manifest: FileManifest
  state: () => FileState
  /** the verified chunks, looked at when the stream opens */
  held: () => Promise<ChunkSet>
  /** whether verified chunk `index` is here now */
  has: (index: number) => boolean
  openChunks: () => Promise<ChunkReader>
}

/** What a file server may read of this node: the org's membership and the files it holds. */
export interface FileSource {
  /** the org's id in hex, or undefined when this node is in none */
  orgId: () => string | undefined
  isMember: (peer: string) => boolean
  mayRead: (team: string, peer: string) => boolean
  file: (id: string) => ServedFile | undefined
}

/**
 * Serve one inbound stream from `remote` (the peer id Noise proved). A non-member is read nothing:
 * the stream ends before its first byte. Resolves when the stream is done; never throws.
 */
export async function serveFileStream (stream: Stream, remote: string, source: FileSource): Promise<void> {
  if (!source.isMember(remote)) {
    stream.abort(new NotMemberError(`${remote} is not a member`))
    return
  }
  // a server only ever reads small requests (FileOpen, FileWant): the bound comes before any read
  const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES, maxBufferSize: MAX_REQUEST_BUFFER_BYTES })
  let reader: ChunkReader | undefined
  try {
    const req = FileOpen.decode(await lp.read({ signal: AbortSignal.timeout(OPEN_TIMEOUT_MS) }))
    const file = source.file(Buffer.from(req.file).toString('hex'))
    let error = ''
    // never serve a team's file to anyone not in the team now, nor a quarantined or broken one
    if (Buffer.from(req.org).toString('hex') !== source.orgId() || file === undefined || file.team !== req.team || !source.mayRead(req.team, remote)) error = 'NotMemberError'
    else if (file.state() === 'quarantined' || file.state() === 'corrupt') error = 'QuarantinedError'
    if (error !== '' || file === undefined) {
      await lp.write(FileHave.encode({ error, chunks: new Uint8Array(0) }))
      await stream.close()
      return
    }
    const have = await file.held()
    await lp.write(FileHave.encode({ error: '', chunks: have.toBytes() }))
    const chunks = await file.openChunks()
    reader = chunks
    for (;;) {
      let bytes
      try {
        bytes = await lp.read({ signal: AbortSignal.timeout(IDLE_TIMEOUT_MS) })
      } catch (err) {
        // a frame over the bound ends the stream as an error, not as the end of a conversation
        if (OVERSIZE.has((err as Error).name)) throw err
        // the requester is done (closed its side) or went quiet
        break
      }
      // a malformed FileWant throws, and the stream is aborted
      const want = FileWant.decode(bytes)
      if (want.chunks.length > MAX_WANT_CHUNKS) throw new ProtocolError(`${remote} asked for ${want.chunks.length} chunks at once`)
      // each chunk is read from disk while the one before is being sent
      let next: Promise<Uint8Array> | undefined
      for (const [i, index] of want.chunks.entries()) {
        if (!source.mayRead(file.team, remote) || file.state() === 'quarantined') {
          await lp.write(chunkFrame(index, new Uint8Array(0), 'NotMemberError'))
          throw new NotMemberError(`${remote} may no longer read ${file.team}`)
        }
        if (!file.has(index)) {
          await lp.write(chunkFrame(index, new Uint8Array(0), 'NotHeldError'))
          continue
        }
        const data = await (next ?? chunks.read(index))
        next = undefined
        const following = want.chunks[i + 1]
        if (following !== undefined && file.has(following)) {
          next = chunks.read(following)
          // awaited when its turn comes, or below when the batch ends early
          next.catch(() => {})
        }
        await lp.write(chunkFrame(index, data))
      }
      await next?.catch(() => {})
    }
    await stream.close()
  } catch (err) {
    stream.abort(err as Error)
  } finally {
    await reader?.close()
  }
}

/** What a requester opens a file with. */
export interface FileRequest {
  /** the org's id in hex */
  orgId: string
  team: string
  manifest: FileManifest
}

/** The requester's side of one file stream: open, then ask for chunks and read them in order. */
export class FileStreamClient {
  private readonly stream: Stream
  private readonly lp: ReturnType<typeof lpStream>
  private readonly request: FileRequest

  constructor (stream: Stream, request: FileRequest) {
    this.stream = stream
    this.request = request
    // a chunk and its few header bytes is the largest message a server sends
    this.lp = lpStream(stream, { maxDataLength: request.manifest.chunkSize + 1024, maxBufferSize: READ_BUFFER_BYTES })
  }

  /** Send FileOpen; resolves with the chunks the server holds, or the error class name it refused with. */
  async open (signal: AbortSignal): Promise<{ chunks: ChunkSet } | { error: string }> {
    const m = this.request.manifest
    await this.lp.write(FileOpen.encode({ org: new Uint8Array(Buffer.from(this.request.orgId, 'hex')), team: this.request.team, file: m.id }))
    const reply = FileHave.decode(await this.lp.read({ signal: AbortSignal.any([AbortSignal.timeout(OPEN_TIMEOUT_MS), signal]) }))
    if (reply.error !== '') return { error: reply.error }
    return { chunks: new ChunkSet(m.chunks.length, reply.chunks) }
  }

  /** Ask for a batch of chunks, answered in this order. */
  async want (chunks: number[]): Promise<void> {
    await this.lp.write(FileWant.encode({ chunks }))
  }

  /** The next FileChunk. Throws ProtocolError when it is malformed, or a timeout after IDLE_TIMEOUT_MS of silence. */
  async next (signal: AbortSignal): Promise<ChunkMessage> {
    const bytes = await this.lp.read({ signal: AbortSignal.any([AbortSignal.timeout(IDLE_TIMEOUT_MS), signal]) })
    try {
      return parseChunkFrame(bytes)
    } catch (err) {
      if (err instanceof RangeError) throw new ProtocolError(`a malformed chunk message: ${err.message}`)
      throw err
    }
  }

  /** Done: close our side. */
  async close (): Promise<void> {
    await this.stream.close().catch(() => {
      // the server may already have gone; nothing is lost
    })
  }

  abort (err: Error): void {
    this.stream.abort(err)
  }
}
