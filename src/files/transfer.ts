/**
 * A transfer: one file fetched from every peer that holds it, several at once, each chunk checked
 * against the manifest before it is written at its place in the sealed copy; it resumes from the
 * chunks already verified there, and reports its progress.
 */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { CorruptFileError, DiskFullError, NotMemberError, ProtocolError, QuarantinedError } from '../errors.js'
import { chunkMatchesOffThread, sealedSpan, TAG_BYTES } from './chunks.js'
import { FileStreamClient, OPEN_TIMEOUT_MS } from './file-protocol.js'
import { sanitizeFileName } from './names.js'
import { writeAll } from './sealing.js'
import type { FileProgress } from '../events.js'
import type { ChunkSet } from './chunks.js'
import type { FileStore, KnownFile } from './file-store.js'
import type { PeerId, Stream } from '@libp2p/interface'
import type { FileHandle } from 'node:fs/promises'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Chunks asked of one peer ahead: enough to keep a fast link busy, within yamux's 16 MiB stream window. */
const MAX_WINDOW = 8
const WINDOW_BYTES = 12 * 1024 * 1024
/** Bad chunks after which a peer is dropped from a transfer. */
export const MAX_BAD_CHUNKS = 3
const PROGRESS_EVERY_MS = 250

/** What a transfer needs of the node: who to ask, a stream to them, the store, and where to report. */
export interface TransferHost {
  /** the org's id in hex, or undefined when this node is in none */
  orgId: () => string | undefined
  /** connected peers that may read `team` */
  peersFor: (team: string) => PeerId[]
  /** whether this node is still in `team`, so its files may be fetched */
  mayFetch: (team: string) => boolean
  /** a new file protocol stream to `peer` */
  dial: (peer: PeerId, signal: AbortSignal) => Promise<Stream>
  store: Pick<FileStore, 'held' | 'save' | 'sealedPath'>
  /** every chunk is here and verified: check the whole, then mark it complete (or not) */
  completed: (k: KnownFile) => Promise<void>
  warn: (message: string) => void
  progress: (p: FileProgress) => void
}

/**
 * One file being fetched: workers, one per peer, ask for chunks that peer holds and nobody else is
 * fetching, a window at a time, and write each verified chunk at its place in the sealed copy.
 */
export class Transfer {
  private readonly host: TransferHost
  private readonly k: KnownFile
  private have!: ChunkSet
  private handle?: FileHandle
  private readonly inFlight = new Set<number>()
  /** chunk -> peers that sent a bad copy of it */
  private readonly refused = new Map<number, Set<string>>()
  private readonly workers = new Map<string, Promise<void>>()
  private readonly finished = Promise.withResolvers<void>()
  private readonly controller = new AbortController()
  private started = 0
  private receivedNow = 0
  private lastProgress = 0
  private ready = false

  constructor (host: TransferHost, k: KnownFile) {
    this.host = host
    this.k = k
    // a transfer nobody waits on must not crash the process when it fails
    this.finished.promise.catch(() => {})
  }

  async whenDone (signal?: AbortSignal): Promise<void> {
    if (signal === undefined) return this.finished.promise
    signal.throwIfAborted()
    const aborted = new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => { reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }, { once: true })
    })
    return Promise.race([this.finished.promise, aborted])
  }

  async run (): Promise<void> {
    try {
      this.have = await this.host.store.held(this.k)
      this.k.have = this.have
      if (!this.have.complete) {
        this.handle = await open(this.host.store.sealedPath(this.k.stored.manifest.id), constants.O_RDWR | constants.O_CREAT, 0o600)
        if (this.k.stored.state === 'remote') {
          this.k.stored.state = 'partial'
          await this.host.store.save(this.k)
        }
        this.started = Date.now()
        this.ready = true
        this.findPeers()
        await this.allChunks()
        await this.handle.sync()
      }
      await this.handle?.close()
      this.handle = undefined
      this.progress(true)
      await this.host.completed(this.k)
      if (this.k.stored.state === 'complete') this.finished.resolve()
      else this.finished.reject(this.k.stored.state === 'quarantined' ? new QuarantinedError(`${sanitizeFileName(this.k.manifest.name)} is quarantined: ${this.k.stored.reason ?? ''}`) : new CorruptFileError(this.k.stored.reason ?? 'the file does not match its manifest'))
    } catch (err) {
      this.finished.reject(err)
      await this.handle?.close().catch(() => {})
    }
  }

  private readonly allChunksDone = Promise.withResolvers<void>()

  private async allChunks (): Promise<void> {
    if (this.have.complete) return
    await this.allChunksDone.promise
  }

  async cancel (): Promise<void> {
    this.controller.abort(new Error('stopped'))
    this.allChunksDone.reject(new Error('the node stopped'))
    this.allChunksDone.promise.catch(() => {})
    await Promise.allSettled(this.workers.values())
  }

  /** Start a worker for each connected member not already sending. */
  findPeers (): void {
    if (!this.ready || this.have.complete || this.controller.signal.aborted) return
    if (!this.host.mayFetch(this.k.stored.team)) {
      // this node left the team (or was removed): nobody will serve it, so stop asking
      this.controller.abort(new NotMemberError(`you are no longer in ${this.k.stored.team}`))
      this.allChunksDone.reject(new NotMemberError(`you are no longer in ${this.k.stored.team}: ${sanitizeFileName(this.k.manifest.name)} cannot be fetched`))
      this.allChunksDone.promise.catch(() => {})
      return
    }
    for (const peer of this.host.peersFor(this.k.stored.team)) {
      const key = peer.toString()
      if (this.workers.has(key)) continue
      const worker = this.work(peer).catch((err: Error) => {
        if (!this.controller.signal.aborted) this.host.warn(`file ${this.k.stored.manifest.id.slice(0, 8)}: ${key} stopped sending: ${err.message}`)
      }).finally(() => { this.workers.delete(key) })
      this.workers.set(key, worker)
    }
  }

  /** The next chunk `theirs` can give that is neither here nor on its way, nor refused from `peer`. */
  private next (theirs: ChunkSet, peer: string): number | undefined {
    for (let i = 0; i < this.have.size; i++) {
      if (!this.have.has(i) && !this.inFlight.has(i) && theirs.has(i) && this.refused.get(i)?.has(peer) !== true) return i
    }
    return undefined
  }

  private async work (peer: PeerId): Promise<void> {
    const orgId = this.host.orgId()
    if (orgId === undefined) return
    const from = peer.toString()
    const m = this.k.manifest
    const stream = await this.host.dial(peer, AbortSignal.any([AbortSignal.timeout(OPEN_TIMEOUT_MS), this.controller.signal]))
    const client = new FileStreamClient(stream, { orgId, team: this.k.stored.team, manifest: m })
    const pending: number[] = []
    /** chunks received and being checked and written: the next ones are read from the stream meanwhile */
    const storing = new Set<Promise<void>>()
    const peerState = { bad: 0 }
    try {
      const reply = await client.open(this.controller.signal)
      if ('error' in reply) {
        // it does not hold the file for us (or not any more): others may
        await client.close()
        return
      }
      const theirs = reply.chunks
      const window = Math.max(1, Math.min(MAX_WINDOW, Math.floor(WINDOW_BYTES / m.chunkSize)))
      const refill = async (): Promise<void> => {
        const batch: number[] = []
        while (pending.length + storing.size < window) {
          const i = this.next(theirs, from)
          if (i === undefined) break
          this.inFlight.add(i)
          pending.push(i)
          batch.push(i)
        }
        if (batch.length > 0) await client.want(batch)
      }
      for (;;) {
        await refill()
        if (pending.length === 0) {
          // nothing asked for: done with this peer, unless chunks being written hold the window
          if (storing.size === 0 || this.have.complete || peerState.bad >= MAX_BAD_CHUNKS) break
          await Promise.race(storing)
          continue
        }
        let chunk
        try {
          chunk = await client.next(this.controller.signal)
        } catch (err) {
          if (err instanceof ProtocolError) throw new ProtocolError(`${from} sent ${err.message}`, { cause: err })
          throw err
        }
        const index = pending[0]!
        if (chunk.index !== index) throw new ProtocolError(`${from} sent chunk ${chunk.index} when ${index} was next`)
        pending.shift()
        if (chunk.error !== '') {
          this.inFlight.delete(index)
          throw new Error(`refused chunk ${index}: ${chunk.error}`)
        }
        const stored = this.accept(index, chunk.data, from, peerState).finally(() => { storing.delete(stored) })
        storing.add(stored)
        if (this.have.complete || peerState.bad >= MAX_BAD_CHUNKS) break
      }
      await Promise.all(storing)
      if (peerState.bad >= MAX_BAD_CHUNKS) throw new CorruptFileError(`${from} sent ${peerState.bad} bad chunks`)
      await client.close()
    } catch (err) {
      client.abort(err as Error)
      await Promise.allSettled(storing)
      throw err
    } finally {
      for (const i of pending) this.inFlight.delete(i)
      // what this peer could not finish, others can
      if (pending.length > 0) queueMicrotask(() => { this.findPeers() })
    }
  }

  /**
   * Check a received chunk against the manifest (hashed off the main thread, which meanwhile reads
   * the next one from the stream) and write it at its place; a bad one is thrown away, to be fetched
   * from another peer.
   */
  private async accept (index: number, data: Uint8ArrayList, from: string, peerState: { bad: number }): Promise<void> {
    const m = this.k.manifest
    try {
      // one copy, whole: the stream delivered the chunk in pieces
      const sealed = data.subarray()
      if (await chunkMatchesOffThread(m, index, sealed)) {
        const span = sealedSpan(m, index)
        await writeAll(this.handle!, sealed, span.offset)
        this.have.add(index)
        this.receivedNow += span.length - TAG_BYTES
        if (this.have.complete) this.allChunksDone.resolve()
        else this.progress(false)
        return
      }
      peerState.bad++
      const refusedBy = this.refused.get(index) ?? new Set()
      refusedBy.add(from)
      this.refused.set(index, refusedBy)
      this.host.warn(`file ${this.k.stored.manifest.id.slice(0, 8)}: ${from} sent a bad copy of chunk ${index}; it was thrown away and is fetched again`)
    } catch (err) {
      // a failed write (a full disk): the whole transfer stops, to resume later from what is verified
      const failure = (err as NodeJS.ErrnoException).code === 'ENOSPC'
        ? new DiskFullError(`no space left to save ${sanitizeFileName(m.name)}; free some and fetch it again (it resumes from what is here)`, { cause: err })
        : err
      this.allChunksDone.reject(failure)
      this.allChunksDone.promise.catch(() => {})
      this.controller.abort(failure)
    } finally {
      this.inFlight.delete(index)
    }
    // the refused chunk may be waiting for a peer already out of work
    this.findPeers()
  }

  private progress (force: boolean): void {
    const now = Date.now()
    // the first report goes out at once, then at most one per PROGRESS_EVERY_MS
    if (!force && this.lastProgress !== 0 && now - this.lastProgress < PROGRESS_EVERY_MS) return
    this.lastProgress = now
    const m = this.k.manifest
    const seconds = Math.max(0.001, (now - this.started) / 1000)
    this.host.progress({
      id: this.k.stored.manifest.id,
      name: sanitizeFileName(m.name),
      team: this.k.stored.team,
      bytes: this.have === undefined ? 0 : Math.min(m.size, this.have.count * m.chunkSize),
      size: m.size,
      rate: Math.round(this.receivedNow / seconds),
      peers: this.workers.size
    })
  }
}
