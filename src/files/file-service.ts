/**
 * Files in a team. The sender seals the file chunk by chunk into its store and posts a manifest in an
 * ordinary (encrypted, signed) team entry. Members fetch the sealed chunks over the file protocol from
 * every peer that holds them, several at once, checking each chunk against the manifest before it is
 * written; a restart resumes from the chunks already verified. A file is released to a folder only
 * whole, checked against its SHA-256, scanned when a scanner is configured, and under a safe name
 * that replaces nothing.
 *
 * Store layout, under the node's data dir: files/<id>.json (what is known of a file), files/<id>.sealed
 * (its sealed chunks at fixed offsets), files/tmp (plaintext being scanned) and files/quarantine.
 */
import { constants } from 'node:fs'
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { createHash, randomBytes } from 'node:crypto'
import { basename, extname, join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { CorruptFileError, DamagedCopyError, DiskFullError, FileNotFoundError, FileTooLargeError, InvalidArgumentError, NotMemberError, ProtocolError, QuarantinedError } from '../errors.js'
import { FileHave, FileOpen, FileWant } from '../model/index.js'
import { FILE_PROTOCOL } from '../net/topics.js'
import { chunkFrame, parseChunkFrame } from './chunk-frame.js'
import type { Uint8ArrayList } from 'uint8arraylist'
import { ChunkSet, chunkMatches, chunkMatchesOffThread, chunkSizeFor, fileIdBound, fileIdOf, newFileKey, openChunk, sealChunk, sealedSpan, sha256, TAG_BYTES } from './chunks.js'
import { placeUnique, sanitizeFileName } from './names.js'
import { scanFile } from './scanner.js'
import { currentUmask } from '../store/permissions.js'
import type { FileProgress, FileState, FileView } from '../events.js'
import type { FileManifest } from '../model/index.js'
import type { ParleyLibp2p } from '../net/libp2p-node.js'
import type { Org } from '../teams/org.js'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { FileHandle } from 'node:fs/promises'

/** Chunks asked of one peer ahead: enough to keep a fast link busy, within yamux's 16 MiB stream window. */
const MAX_WINDOW = 8
const WINDOW_BYTES = 12 * 1024 * 1024
/** What a file stream may buffer unread: a whole window and then some (the default is 4 MiB). */
const READ_BUFFER_BYTES = 48 * 1024 * 1024
/** The largest request a file server reads (FileOpen, FileWant: a few dozen bytes), and what a stream to it may buffer unread. */
const MAX_REQUEST_BYTES = 16 * 1024
const MAX_REQUEST_BUFFER_BYTES = 64 * 1024
const OPEN_TIMEOUT_MS = 10_000
/** A peer that sends nothing for this long is dropped from a transfer. */
const IDLE_TIMEOUT_MS = 30_000
/** How often a transfer that lacks chunks looks for peers again. */
const RETRY_MS = 5_000
/** Bad chunks after which a peer is dropped from a transfer. */
const MAX_BAD_CHUNKS = 3
const PROGRESS_EVERY_MS = 250

export interface FileConfig {
  /** where `get` puts files when no folder is given */
  downloadDir: string
  /** files up to this size are fetched as soon as their manifest arrives */
  autoDownloadBytes: number
  /** larger files are neither sent nor fetched */
  maxFileBytes: number
  /** argv of the virus scanner ("{}" is the file); unset: no scan */
  scanCommand?: string[]
  /** the permission bits of a released file (default: what the process's umask gives) */
  releaseMode?: number
  /**
   * bytes of files shared by one person that are fetched by themselves in 24 hours (default
   * DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES); past it, their files wait for `get`
   */
  autoDownloadPerAuthorBytes?: number
}

export const DEFAULT_AUTO_DOWNLOAD_BYTES = 25 * 1000 * 1000
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
/** What one person's shared files may make a node fetch by itself in a day: four files at the auto-download size. */
export const DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES = 100 * 1000 * 1000
const QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000

/** What a node learns about a manifest when it reads the entry that carries it. */
export interface ManifestNotice {
  entryId: string
  team: string
  author: string
  authorName: string
  time: number
  manifest: FileManifest
}

export type { FileProgress, FileState, FileView }

export interface FileServiceComponents {
  libp2p: ParleyLibp2p
  org: () => Org | undefined
  peerId: string
  /** files/ in the data dir */
  dir: string
  config: FileConfig
  /** post a body to a team the way a message is sent; resolves with the entry id */
  post: (team: string, body: { text: string, file?: FileManifest, flag?: { file: Uint8Array<ArrayBuffer>, reason: string } }) => Promise<string>
}

export interface FileServiceEvents {
  onAdded: (file: FileView) => void
  onProgress: (progress: FileProgress) => void
  onComplete: (file: FileView) => void
  onFailed: (file: FileView, error: Error) => void
  onQuarantined: (file: FileView) => void
  onWarning: (message: string) => void
}

interface Stored {
  entryId: string
  team: string
  author: string
  authorName: string
  time: number
  state: FileState
  reason?: string
  /** fetch it (again) after a restart */
  wanted: boolean
  manifest: { id: string, name: string, size: number, type: string, chunkSize: number, key: string, chunks: string[], sha256: string }
}

interface Known {
  stored: Stored
  manifest: FileManifest
  /** verified chunks in the sealed copy, once looked at */
  have?: ChunkSet
  transfer?: Transfer
  /** the last save of its record, which the next one waits for */
  saving?: Promise<void>
}

/** The file service of one node. */
export class FileService {
  private readonly c: FileServiceComponents
  private readonly events: FileServiceEvents
  private readonly known = new Map<string, Known>()
  private readonly transfers = new Set<Transfer>()
  private retry?: NodeJS.Timeout
  private stopped = false
  /** per author, the files fetched by themselves in the last QUOTA_WINDOW_MS: when, and how big */
  private readonly autoFetched = new Map<string, Array<{ at: number, bytes: number }>>()

  constructor (components: FileServiceComponents, events: FileServiceEvents) {
    this.c = components
    this.events = events
  }

  async start (): Promise<void> {
    await mkdir(join(this.c.dir, 'tmp'), { recursive: true, mode: 0o700 })
    await rm(join(this.c.dir, 'tmp'), { recursive: true, force: true })
    await mkdir(join(this.c.dir, 'tmp'), { recursive: true, mode: 0o700 })
    for (const name of await readdir(this.c.dir)) {
      if (!name.endsWith('.json')) continue
      try {
        const stored = JSON.parse(await readFile(join(this.c.dir, name), 'utf8')) as Stored
        this.known.set(stored.manifest.id, { stored, manifest: manifestOf(stored) })
      } catch (err) {
        this.events.onWarning(`file record ${name} is unreadable and was skipped: ${(err as Error).message}`)
      }
    }
    await this.c.libp2p.handle(FILE_PROTOCOL, (stream, connection) => { void this.serve(stream, connection) }, { maxInboundStreams: 64 })
    this.retry = setInterval(() => { this.kick() }, RETRY_MS)
    this.retry.unref()
    for (const k of this.known.values()) {
      if (k.stored.wanted && (k.stored.state === 'remote' || k.stored.state === 'partial')) this.startTransfer(k)
    }
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.retry)
    await Promise.all([...this.transfers].map(async t => t.cancel()))
  }

  /** A manifest arrived in a team entry (sent, gossiped or synced). */
  async notice (n: ManifestNotice): Promise<void> {
    const id = hex(n.manifest.id)
    if (!fileIdBound(n.author, n.team, n.manifest)) {
      // a manifest under an id that is not its own (another author's file, or another team's) is
      // refused by every node alike, whatever it arrived before
      this.events.onWarning(`file ${id.slice(0, 8)} in ${n.team} by ${n.author} refused: its id is not the one its author and contents give (someone else's file id, or a manifest from an older parley)`)
      return
    }
    // the id names this very manifest, by this author: a second notice of it is the same file
    if (this.known.has(id)) return
    const own = n.author === this.c.peerId
    const stored: Stored = {
      entryId: n.entryId,
      team: n.team,
      author: n.author,
      authorName: n.authorName,
      time: n.time,
      state: 'remote',
      wanted: !own && n.manifest.size <= Math.min(this.c.config.autoDownloadBytes, this.c.config.maxFileBytes) && this.withinQuota(n.author, n.manifest.size),
      manifest: storedManifest(n.manifest)
    }
    const k: Known = { stored, manifest: n.manifest }
    this.known.set(id, k)
    await this.save(k)
    this.events.onAdded(this.view(k))
    if (stored.wanted) this.startTransfer(k)
  }

  /**
   * Whether a file of `bytes` by `author` may still be fetched by itself (see autoDownloadPerAuthorBytes);
   * if so, it is counted. Kept in memory: a restart starts the window afresh.
   */
  private withinQuota (author: string, bytes: number): boolean {
    const quota = this.c.config.autoDownloadPerAuthorBytes ?? DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES
    const now = Date.now()
    const recent = (this.autoFetched.get(author) ?? []).filter(f => f.at > now - QUOTA_WINDOW_MS)
    const used = recent.reduce((sum, f) => sum + f.bytes, 0)
    if (used + bytes > quota) {
      this.autoFetched.set(author, recent)
      this.events.onWarning(`${author} shared more than ${formatBytes(quota)} of files in a day: this one waits for \`parley file get\` (auto-download-per-author)`)
      return false
    }
    recent.push({ at: now, bytes })
    this.autoFetched.set(author, recent)
    return true
  }

  /** Forget a file whose message expired (retention): its sealed copy and record go, and it is no longer served. */
  async forget (id: string): Promise<void> {
    const k = this.known.get(id)
    if (k === undefined) return
    this.known.delete(id)
    await k.transfer?.cancel()
    await k.saving
    await rm(this.sealedPath(id), { force: true })
    await rm(join(this.c.dir, `${id}.json`), { force: true })
  }

  /** Files of the teams this node is in, newest first. */
  list (team?: string): FileView[] {
    const org = this.c.org()
    const mine = new Set(org?.myTeams() ?? [])
    return [...this.known.values()]
      .filter(k => (team === undefined || k.stored.team === team) && (mine.has(k.stored.team) || org?.directPeer(k.stored.team) !== undefined))
      .map(k => this.view(k))
      .sort((a, b) => b.time - a.time)
  }

  /** One file by id or unique id prefix. Throws FileNotFoundError. */
  find (idOrPrefix: string): FileView {
    return this.view(this.lookup(idOrPrefix))
  }

  private lookup (idOrPrefix: string): Known {
    const prefix = String(idOrPrefix).toLowerCase()
    if (!/^[0-9a-f]{4,32}$/.test(prefix)) throw new InvalidArgumentError(`${JSON.stringify(idOrPrefix)} is not a file id: give at least 4 hex digits of one (see \`parley file list\`)`)
    const matches = [...this.known.entries()].filter(([id]) => id.startsWith(prefix))
    if (matches.length === 0) throw new FileNotFoundError(`no file ${prefix} is known here`)
    if (matches.length > 1) throw new InvalidArgumentError(`${prefix} matches ${matches.length} files: give more of the id`)
    return matches[0]![1]
  }

  // ---- sending ----

  /**
   * Seal a file into the store and post its manifest to `team`. The sealed copy is complete and
   * durable before the manifest goes out, so peers can fetch it as soon as they see it.
   */
  async send (team: string, path: string, caption = '', name = basename(path)): Promise<FileView> {
    const org = this.c.org()
    if (org === undefined) throw new NotMemberError('this node is in no organisation yet')
    let info
    try {
      info = await stat(path)
    } catch (err) {
      throw new FileNotFoundError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    if (!info.isFile()) throw new InvalidArgumentError(`${path} is not a regular file`)
    if (info.size > this.c.config.maxFileBytes) {
      throw new FileTooLargeError(`${basename(path)} is ${formatBytes(info.size)}; the limit is ${formatBytes(this.c.config.maxFileBytes)} (max-file-size)`)
    }
    if (!team.startsWith('dm-') && !org.myTeams().includes(team)) throw new NotMemberError(`you are not a member of ${team}`)
    const key = newFileKey()
    const chunkSize = chunkSizeFor(info.size)
    // sealed under a name of its own first: the file's id follows from what sealing gives
    const partPath = join(this.c.dir, `${hex(newFileKey().subarray(0, 16))}.sealed.part`)
    const whole = createHash('sha256')
    const chunks: Array<Uint8Array<ArrayBuffer>> = []
    const input = await open(path, 'r')
    const output = await open(partPath, 'w', 0o600)
    try {
      const buffer = Buffer.allocUnsafe(chunkSize)
      const count = Math.max(1, Math.ceil(info.size / chunkSize))
      for (let i = 0; i < count; i++) {
        const want = Math.min(chunkSize, info.size - i * chunkSize)
        const { bytesRead } = await input.read(buffer, 0, want, i * chunkSize)
        if (bytesRead !== want) throw new InvalidArgumentError(`${path} changed while it was being read`)
        const plain = buffer.subarray(0, want)
        whole.update(plain)
        const sealed = sealChunk(key, i, plain)
        chunks.push(new Uint8Array(sha256(sealed)))
        await writeAll(output, sealed, i * (chunkSize + TAG_BYTES))
      }
      await output.sync()
    } catch (err) {
      await output.close()
      await rm(partPath, { force: true })
      throw err
    } finally {
      await input.close()
    }
    await output.close()
    const contents = {
      name,
      size: info.size,
      type: mediaType(path),
      chunkSize,
      key,
      chunks,
      sha256: new Uint8Array(whole.digest())
    }
    const id = fileIdOf(this.c.peerId, team, contents)
    const manifest: FileManifest = { id, ...contents }
    const sealedPath = this.sealedPath(hex(id))
    await rename(partPath, sealedPath)
    const k: Known = {
      stored: { entryId: '', team, author: this.c.peerId, authorName: '', time: Date.now(), state: 'complete', wanted: false, manifest: storedManifest(manifest) },
      manifest,
      have: new ChunkSet(chunks.length)
    }
    for (let i = 0; i < chunks.length; i++) k.have!.add(i)
    this.known.set(hex(id), k)
    try {
      k.stored.entryId = await this.c.post(team, { text: caption, file: manifest })
    } catch (err) {
      this.known.delete(hex(id))
      await rm(sealedPath, { force: true })
      throw err
    }
    await this.save(k)
    return this.view(k)
  }

  // ---- fetching ----

  /**
   * Fetch a file (if it is not here yet) and release it into `outDir` under a safe, unused name.
   * Resolves with where it is. Throws FileTooLargeError, QuarantinedError, ScanFailedError,
   * CorruptFileError, or NotMemberError when this node has left the team.
   */
  async get (idOrPrefix: string, outDir = this.c.config.downloadDir, signal?: AbortSignal): Promise<{ file: FileView, path: string }> {
    const k = this.lookup(idOrPrefix)
    this.checkFetchable(k)
    if (k.stored.state !== 'complete') {
      k.stored.wanted = true
      await this.save(k)
      await this.startTransfer(k).whenDone(signal)
    }
    this.checkFetchable(k)
    await mkdir(outDir, { recursive: true })
    // the plaintext is written, scanned and given its mode in files/tmp (0700, in the data dir),
    // where no other user can swap it, and only then placed in the (maybe shared) download folder
    // by a link under a fresh name, or on another disk by an exclusive copy
    const temp = join(this.c.dir, 'tmp', `release-${k.stored.manifest.id}-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`)
    try {
      try {
        await this.decryptTo(k, temp)
      } catch (err) {
        if (err instanceof CorruptFileError) await this.markCorrupt(k, err)
        throw err
      }
      await this.scan(k, temp)
      await chmod(temp, this.c.config.releaseMode ?? 0o666 & ~currentUmask())
      const path = await placeUnique(temp, outDir, k.manifest.name)
      return { file: this.view(k), path }
    } finally {
      await rm(temp, { force: true })
    }
  }

  private checkFetchable (k: Known): void {
    if (!this.mayFetch(k.stored.team)) {
      throw new NotMemberError(`you are no longer in ${k.stored.team}`)
    }
    if (k.stored.state === 'quarantined') throw new QuarantinedError(`${sanitizeFileName(k.manifest.name)} is quarantined: ${k.stored.reason ?? 'the scanner found something'}`)
    if (k.stored.state === 'corrupt') throw new CorruptFileError(`${sanitizeFileName(k.manifest.name)} does not match its manifest: ${k.stored.reason ?? ''}`)
    if (k.manifest.size > this.c.config.maxFileBytes) {
      throw new FileTooLargeError(`${sanitizeFileName(k.manifest.name)} is ${formatBytes(k.manifest.size)}; this node's limit is ${formatBytes(this.c.config.maxFileBytes)} (max-file-size)`)
    }
  }

  private startTransfer (k: Known): Transfer {
    if (k.transfer !== undefined) return k.transfer
    const t = new Transfer(this, k)
    k.transfer = t
    this.transfers.add(t)
    void t.run().finally(() => {
      this.transfers.delete(t)
      k.transfer = undefined
    })
    return t
  }

  /** Look for peers again for every transfer that lacks chunks (a peer connected, or on a timer). */
  kick (): void {
    if (this.stopped) return
    for (const t of this.transfers) t.findPeers()
  }

  /** Whether this node is still in `team` (or the direct conversation), so its files may be fetched. */
  mayFetch (team: string): boolean {
    const org = this.c.org()
    return org !== undefined && (org.myTeams().includes(team) || org.directPeer(team) !== undefined)
  }

  /** Connected peers that may read `team`: the ones to ask for its files. */
  peersFor (team: string): PeerId[] {
    const org = this.c.org()
    if (org === undefined) return []
    return this.c.libp2p.getPeers().filter(p => org.mayRead(team, p.toString()))
  }

  /**
   * Called by a transfer once every chunk is here and verified against the manifest. With a scanner
   * configured, the file is decrypted (checking the whole-file SHA-256) and scanned now; otherwise the
   * whole-file check happens when it is released, which decrypts it anyway.
   */
  async completed (k: Known): Promise<void> {
    const temp = join(this.c.dir, 'tmp', `${k.stored.manifest.id}-${Date.now()}`)
    try {
      if (this.c.config.scanCommand !== undefined) await this.decryptTo(k, temp)
      k.stored.state = 'complete'
      k.stored.wanted = false
      await this.save(k)
      await this.scan(k, temp)
      this.events.onComplete(this.view(k))
    } catch (err) {
      if (err instanceof CorruptFileError) await this.markCorrupt(k, err)
      if (!(err instanceof QuarantinedError)) this.events.onFailed(this.view(k), err as Error)
    } finally {
      await rm(temp, { force: true })
    }
  }

  /** Chunks that match the manifest but a whole that does not: its sender made it so; never serve it. */
  private async markCorrupt (k: Known, err: CorruptFileError): Promise<void> {
    k.stored.state = 'corrupt'
    k.stored.reason = err.message
    k.have = undefined
    await rm(this.sealedPath(k.stored.manifest.id), { force: true })
    await this.save(k)
  }

  /**
   * Decrypt the sealed copy, checking every chunk and the whole-file hash; write the plaintext to
   * `to` when given. Throws CorruptFileError (the sender made it so) or DamagedCopyError (this disk did).
   */
  private async decryptTo (k: Known, to?: string): Promise<void> {
    const m = k.manifest
    const whole = createHash('sha256')
    const input = await open(this.sealedPath(k.stored.manifest.id), 'r')
    const output = to === undefined ? undefined : await open(to, 'wx', 0o600)
    try {
      const buffer = Buffer.allocUnsafe(m.chunkSize + TAG_BYTES)
      let written = 0
      for (let i = 0; i < m.chunks.length; i++) {
        const span = sealedSpan(m, i)
        const { bytesRead } = await input.read(buffer, 0, span.length, span.offset)
        const sealed = buffer.subarray(0, bytesRead)
        if (!chunkMatches(m, i, sealed)) {
          // every chunk was checked before it was written here: this disk damaged it, not its sender.
          // What is held is looked at again, and the next fetch gets the damaged chunks anew.
          k.have = undefined
          if (k.stored.state === 'complete') {
            k.stored.state = 'partial'
            await this.save(k)
          }
          throw new DamagedCopyError(`chunk ${i} of ${sanitizeFileName(m.name)} is damaged on this disk; fetch the file again to repair it (parley file get ${k.stored.manifest.id.slice(0, 8)})`)
        }
        const plain = openChunk(m.key, i, sealed)
        whole.update(plain)
        if (output !== undefined) await writeAll(output, plain, written)
        written += plain.byteLength
      }
      if (!whole.digest().equals(m.sha256)) throw new CorruptFileError(`${sanitizeFileName(m.name)}: the whole file does not match the SHA-256 its sender signed`)
      await output?.sync()
    } finally {
      await input.close()
      await output?.close()
    }
  }

  /** Scan released plaintext; on a finding, quarantine it and tell the team. */
  private async scan (k: Known, path: string): Promise<void> {
    const command = this.c.config.scanCommand
    if (command === undefined) return
    const verdict = await scanFile(command, path)
    if (!verdict.infected) return
    const quarantine = join(this.c.dir, 'quarantine')
    await mkdir(quarantine, { recursive: true, mode: 0o700 })
    await rename(path, join(quarantine, k.stored.manifest.id)).catch(async () => rm(path, { force: true }))
    await chmod(join(quarantine, k.stored.manifest.id), 0o400).catch(() => {})
    k.stored.state = 'quarantined'
    k.stored.reason = verdict.reason
    k.stored.wanted = false
    k.have = undefined
    await rm(this.sealedPath(k.stored.manifest.id), { force: true })
    await this.save(k)
    const view = this.view(k)
    this.events.onQuarantined(view)
    try {
      await this.c.post(k.stored.team, { text: `quarantined ${view.name}: the virus scanner found ${verdict.reason}`, flag: { file: k.manifest.id, reason: verdict.reason } })
    } catch (err) {
      this.events.onWarning(`could not tell ${k.stored.team} about quarantined ${view.name}: ${(err as Error).message}`)
    }
    throw new QuarantinedError(`${view.name} is quarantined: the virus scanner found ${verdict.reason}`)
  }

  // ---- serving ----

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    // someone outside the directory is read nothing at all: the stream ends before its first byte
    // (the libp2p peer id is the member key, proven by Noise)
    if (this.c.org()?.member(remote) === undefined) {
      stream.abort(new NotMemberError(`${remote} is not a member`))
      return
    }
    // a server only ever reads small requests (FileOpen, FileWant): the bound comes before any read
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES, maxBufferSize: MAX_REQUEST_BUFFER_BYTES })
    let handle: FileHandle | undefined
    try {
      const req = FileOpen.decode(await lp.read({ signal: AbortSignal.timeout(OPEN_TIMEOUT_MS) }))
      const k = this.known.get(hex(req.file))
      const org = this.c.org()
      let error = ''
      // never serve a team's file to anyone not in the team now, nor a quarantined or broken one
      if (org === undefined || hex(req.org) !== org.orgId || k === undefined || k.stored.team !== req.team || !org.mayRead(req.team, remote)) error = 'NotMemberError'
      else if (k.stored.state === 'quarantined' || k.stored.state === 'corrupt') error = 'QuarantinedError'
      if (error !== '' || k === undefined || org === undefined) {
        await lp.write(FileHave.encode({ error, chunks: new Uint8Array(0) }))
        await stream.close()
        return
      }
      const have = await this.held(k)
      await lp.write(FileHave.encode({ error: '', chunks: have.toBytes() }))
      const file = await open(this.sealedPath(k.stored.manifest.id), 'r')
      handle = file
      const readChunk = async (index: number): Promise<Uint8Array> => {
        const span = sealedSpan(k.manifest, index)
        const data = Buffer.allocUnsafe(span.length)
        await file.read(data, 0, span.length, span.offset)
        return data
      }
      for (;;) {
        let want: FileWant
        try {
          want = FileWant.decode(await lp.read({ signal: AbortSignal.timeout(IDLE_TIMEOUT_MS) }))
        } catch {
          // the requester is done (closed its side) or went quiet
          break
        }
        // each chunk is read from disk while the one before is being sent
        let next: Promise<Uint8Array> | undefined
        for (const [i, index] of want.chunks.entries()) {
          if (!org.mayRead(k.stored.team, remote) || k.stored.state === 'quarantined') {
            await lp.write(chunkFrame(index, new Uint8Array(0), 'NotMemberError'))
            throw new NotMemberError(`${remote} may no longer read ${k.stored.team}`)
          }
          if (!(k.have ?? have).has(index)) {
            await lp.write(chunkFrame(index, new Uint8Array(0), 'NotHeldError'))
            continue
          }
          const data = await (next ?? readChunk(index))
          next = undefined
          const following = want.chunks[i + 1]
          if (following !== undefined && (k.have ?? have).has(following)) {
            next = readChunk(following)
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
      await handle?.close()
    }
  }

  /** The verified chunks of a file's sealed copy; looked at once, then kept up to date. */
  async held (k: Known): Promise<ChunkSet> {
    if (k.have !== undefined) return k.have
    const m = k.manifest
    const have = new ChunkSet(m.chunks.length)
    if (k.stored.state === 'complete') {
      for (let i = 0; i < m.chunks.length; i++) have.add(i)
    } else {
      let handle: FileHandle | undefined
      try {
        handle = await open(this.sealedPath(k.stored.manifest.id), 'r')
        const buffer = Buffer.allocUnsafe(m.chunkSize + TAG_BYTES)
        for (let i = 0; i < m.chunks.length; i++) {
          const span = sealedSpan(m, i)
          const { bytesRead } = await handle.read(buffer, 0, span.length, span.offset)
          if (chunkMatches(m, i, buffer.subarray(0, bytesRead))) have.add(i)
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      } finally {
        await handle?.close()
      }
    }
    k.have = have
    return have
  }

  sealedPath (id: string): string {
    return join(this.c.dir, `${id}.sealed`)
  }

  /** Write what is known of a file, atomically; saves of one file run one after another, each writing the state at its turn. */
  async save (k: Known): Promise<void> {
    const path = join(this.c.dir, `${k.stored.manifest.id}.json`)
    const write = async (): Promise<void> => {
      await writeFile(`${path}.tmp`, JSON.stringify(k.stored), { mode: 0o600 })
      await rename(`${path}.tmp`, path)
    }
    const run = (k.saving ?? Promise.resolve()).then(write, write)
    k.saving = run.catch(() => {})
    await run
  }

  view (k: Known): FileView {
    const s = k.stored
    const held = k.have === undefined
      ? (s.state === 'complete' ? k.manifest.size : 0)
      : Math.min(k.manifest.size, k.have.count * k.manifest.chunkSize)
    return {
      id: s.manifest.id,
      team: s.team,
      name: sanitizeFileName(k.manifest.name),
      size: k.manifest.size,
      type: k.manifest.type,
      sha256: s.manifest.sha256,
      author: s.author,
      authorName: s.authorName,
      time: s.time,
      entryId: s.entryId,
      state: s.state,
      held,
      ...(s.reason === undefined ? {} : { reason: s.reason })
    }
  }

  /** For transfers: the components and events. */
  get components (): FileServiceComponents {
    return this.c
  }

  emitProgress (p: FileProgress): void {
    this.events.onProgress(p)
  }

  warn (message: string): void {
    this.events.onWarning(message)
  }
}

/**
 * One file being fetched: workers, one per peer, ask for chunks that peer holds and nobody else is
 * fetching, a window at a time, and write each verified chunk at its place in the sealed copy.
 */
class Transfer {
  private readonly service: FileService
  private readonly k: Known
  private have!: ChunkSet
  private handle?: FileHandle
  private readonly inFlight = new Set<number>()
  /** chunk -> peers that sent a bad copy of it */
  private readonly refused = new Map<number, Set<string>>()
  private readonly workers = new Map<string, Promise<void>>()
  private readonly finished = deferred()
  private readonly controller = new AbortController()
  private started = 0
  private receivedNow = 0
  private lastProgress = 0
  private ready = false

  constructor (service: FileService, k: Known) {
    this.service = service
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
      this.have = await this.service.held(this.k)
      this.k.have = this.have
      if (!this.have.complete) {
        this.handle = await open(this.service.sealedPath(this.k.stored.manifest.id), constants.O_RDWR | constants.O_CREAT, 0o600)
        if (this.k.stored.state === 'remote') {
          this.k.stored.state = 'partial'
          await this.service.save(this.k)
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
      await this.service.completed(this.k)
      if (this.k.stored.state === 'complete') this.finished.resolve()
      else this.finished.reject(this.k.stored.state === 'quarantined' ? new QuarantinedError(`${sanitizeFileName(this.k.manifest.name)} is quarantined: ${this.k.stored.reason ?? ''}`) : new CorruptFileError(this.k.stored.reason ?? 'the file does not match its manifest'))
    } catch (err) {
      this.finished.reject(err)
      await this.handle?.close().catch(() => {})
    }
  }

  private readonly allChunksDone = deferred()

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
    if (!this.service.mayFetch(this.k.stored.team)) {
      // this node left the team (or was removed): nobody will serve it, so stop asking
      this.controller.abort(new NotMemberError(`you are no longer in ${this.k.stored.team}`))
      this.allChunksDone.reject(new NotMemberError(`you are no longer in ${this.k.stored.team}: ${sanitizeFileName(this.k.manifest.name)} cannot be fetched`))
      this.allChunksDone.promise.catch(() => {})
      return
    }
    for (const peer of this.service.peersFor(this.k.stored.team)) {
      const key = peer.toString()
      if (this.workers.has(key)) continue
      const worker = this.work(peer).catch((err: Error) => {
        if (!this.controller.signal.aborted) this.service.warn(`file ${this.k.stored.manifest.id.slice(0, 8)}: ${key} stopped sending: ${err.message}`)
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
    const c = this.service.components
    const org = c.org()
    if (org === undefined) return
    const from = peer.toString()
    const m = this.k.manifest
    const stream = await c.libp2p.dialProtocol(peer, FILE_PROTOCOL, { signal: AbortSignal.any([AbortSignal.timeout(OPEN_TIMEOUT_MS), this.controller.signal]) })
    const lp = lpStream(stream, { maxDataLength: m.chunkSize + 1024, maxBufferSize: READ_BUFFER_BYTES })
    const pending: number[] = []
    /** chunks received and being checked and written: the next ones are read from the stream meanwhile */
    const storing = new Set<Promise<void>>()
    const peerState = { bad: 0 }
    try {
      await lp.write(FileOpen.encode({ org: new Uint8Array(Buffer.from(org.orgId, 'hex')), team: this.k.stored.team, file: m.id }))
      const reply = FileHave.decode(await lp.read({ signal: AbortSignal.any([AbortSignal.timeout(OPEN_TIMEOUT_MS), this.controller.signal]) }))
      if (reply.error !== '') return
      const theirs = new ChunkSet(m.chunks.length, reply.chunks)
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
        if (batch.length > 0) await lp.write(FileWant.encode({ chunks: batch }))
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
          chunk = parseChunkFrame(await lp.read({ signal: AbortSignal.any([AbortSignal.timeout(IDLE_TIMEOUT_MS), this.controller.signal]) }))
        } catch (err) {
          if (err instanceof RangeError) throw new ProtocolError(`${from} sent a malformed chunk message: ${err.message}`)
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
      await stream.close().catch(() => {})
    } catch (err) {
      stream.abort(err as Error)
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
      this.service.warn(`file ${this.k.stored.manifest.id.slice(0, 8)}: ${from} sent a bad copy of chunk ${index}; it was thrown away and is fetched again`)
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
    this.service.emitProgress({
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

/**
 * Write all of `data` at `position`. A write can be short (a disk filling up takes what fits and
 * says how much), and the rest is written again, which then fails with ENOSPC: a chunk is never
 * counted as written when only part of it is.
 */
async function writeAll (handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.byteLength;) {
    const { bytesWritten } = await handle.write(data, done, data.byteLength - done, position + done)
    if (bytesWritten === 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' })
    done += bytesWritten
  }
}

function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

function storedManifest (m: FileManifest): Stored['manifest'] {
  return { id: hex(m.id), name: m.name, size: m.size, type: m.type, chunkSize: m.chunkSize, key: hex(m.key), chunks: m.chunks.map(hex), sha256: hex(m.sha256) }
}

function manifestOf (s: Stored): FileManifest {
  const bytes = (h: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(h, 'hex'))
  const m = s.manifest
  return { id: bytes(m.id), name: m.name, size: m.size, type: m.type, chunkSize: m.chunkSize, key: bytes(m.key), chunks: m.chunks.map(bytes), sha256: bytes(m.sha256) }
}

const TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet'
}

function mediaType (path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** 1.5 MB, 820 kB, 12 B: decimal units, as file managers show them. */
export function formatBytes (n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n
  let u = -1
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`
}

function deferred (): { promise: Promise<void>, resolve: () => void, reject: (err: unknown) => void } {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
