/**
 * Files in a team. The sender seals the file chunk by chunk into its store and posts a manifest in an
 * ordinary (encrypted, signed) team entry. Members fetch the sealed chunks over the file protocol from
 * every peer that holds them, several at once, checking each chunk against the manifest before it is
 * written; a restart resumes from the chunks already verified. A file is released to a folder only
 * whole, checked against its SHA-256, scanned when a scanner is configured, and under a safe name
 * that replaces nothing.
 *
 * This service ties the parts together: the store (file-store.ts), sealing (sealing.ts), the file
 * protocol (file-protocol.ts), transfers (transfer.ts) and release with the scan hook (release.ts).
 *
 * Store layout, under the node's data dir: files/<id>.json (what is known of a file), files/<id>.sealed
 * (its sealed chunks at fixed offsets), files/tmp (plaintext being scanned) and files/quarantine.
 */
import { rename, rm, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { emit, warn } from '../context.js'
import { CorruptFileError, DamagedCopyError, FileNotFoundError, FileTooLargeError, InvalidArgumentError, NotMemberError, QuarantinedError } from '../errors.js'
import { formatBytes } from '../format.js'
import { parleyLogger } from '../log.js'
import { FILE_PROTOCOL } from '../net/topics.js'
import { AutoDownloadQuota, DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES } from './auto-download-quota.js'
import { ChunkSet, fileIdBound, fileIdOf } from './chunks.js'
import { serveFileStream } from './file-protocol.js'
import { FileStore, hex, storedManifest } from './file-store.js'
import { sanitizeFileName } from './names.js'
import { Release } from './release.js'
import { sealFile, unsealFile } from './sealing.js'
import { Transfer } from './transfer.js'
import type { PublicEvents } from '../context.js'
import type { FileProgress, FileState, FileView } from '../events.js'
import type { FileManifest } from '../model/index.js'
import type { Org } from '../teams/org.js'
import type { FileConfig } from './file-config.js'
import type { FileSource } from './file-protocol.js'
import type { KnownFile } from './file-store.js'
import type { TransferHost } from './transfer.js'
import type { Libp2p, PeerId, Startable } from '@libp2p/interface'

export { formatBytes } from '../format.js'
export { DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES } from './auto-download-quota.js'
export { DEFAULT_AUTO_DOWNLOAD_BYTES, DEFAULT_MAX_FILE_BYTES } from './file-config.js'
export type { FileConfig } from './file-config.js'
export type { FileProgress, FileState, FileView }

/** How often a transfer that lacks chunks looks for peers again. */
const RETRY_MS = 5_000
const MAX_INBOUND_STREAMS = 64

const log = parleyLogger('files')

/** What a node learns about a manifest when it reads the entry that carries it. */
export interface ManifestNotice {
  entryId: string
  team: string
  author: string
  authorName: string
  time: number
  manifest: FileManifest
}

/** What the file service reads of the org. */
export type FileOrg = Pick<Org, 'orgId' | 'myTeams' | 'directPeer' | 'mayRead' | 'member'>

/** The body of an entry the file service posts: a manifest, or a flag on a quarantined file. */
export interface FilePost {
  text: string
  file?: FileManifest
  flag?: { file: Uint8Array<ArrayBuffer>, reason: string }
}

export interface FileServiceComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'getPeers'>
  orgs: { readonly current: FileOrg | undefined }
  /** this node's peer id */
  selfId: string
  /** file:added, file:progress, file:complete, file:failed, file:quarantined, node:warning */
  events: PublicEvents
  /** posts an entry to a team the way a message is sent */
  messages: { post: (team: string, body: FilePost) => Promise<{ id: string }> }
}

export interface FileServiceInit extends FileConfig {
  /** files/ in the data dir */
  dir: string
}

/** The file service of one node. */
export class FileService implements Startable {
  private readonly c: FileServiceComponents
  private readonly config: FileServiceInit
  private readonly store: FileStore
  private readonly release: Release
  private readonly quota: AutoDownloadQuota
  private readonly transfers = new Map<string, Transfer>()
  private readonly host: TransferHost
  private readonly source: FileSource
  private retry?: NodeJS.Timeout
  private stopped = false

  constructor (components: FileServiceComponents, init: FileServiceInit) {
    this.c = components
    this.config = init
    this.store = new FileStore(init.dir)
    this.release = new Release({ dir: init.dir, ...(init.scanCommand === undefined ? {} : { scanCommand: init.scanCommand }), ...(init.releaseMode === undefined ? {} : { releaseMode: init.releaseMode }) })
    this.quota = new AutoDownloadQuota(init.autoDownloadPerAuthorBytes ?? DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES)
    this.host = {
      orgId: () => this.c.orgs.current?.orgId,
      peersFor: (team) => this.peersFor(team),
      mayFetch: (team) => this.mayFetch(team),
      dial: async (peer, signal) => this.c.libp2p.dialProtocol(peer, FILE_PROTOCOL, { signal }),
      store: this.store,
      completed: async (k) => this.completed(k),
      warn: (message) => { warn(this.c.events, message) },
      progress: (p) => { emit(this.c.events, 'file:progress', p) }
    }
    this.source = {
      orgId: () => this.c.orgs.current?.orgId,
      isMember: (peer) => this.c.orgs.current?.member(peer) !== undefined,
      mayRead: (team, peer) => this.c.orgs.current?.mayRead(team, peer) === true,
      file: (id) => {
        const k = this.store.get(id)
        return k === undefined ? undefined : this.store.served(k)
      }
    }
  }

  async start (): Promise<void> {
    this.stopped = false
    await this.release.start()
    for (const { name, error } of await this.store.load()) {
      warn(this.c.events, `file record ${name} is unreadable and was skipped: ${error.message}`)
    }
    await this.c.libp2p.handle(FILE_PROTOCOL, (stream, connection) => { void serveFileStream(stream, connection.remotePeer.toString(), this.source) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
    this.retry = setInterval(() => { this.kick() }, RETRY_MS)
    this.retry.unref()
    for (const k of this.store.all()) {
      if (k.stored.wanted && (k.stored.state === 'remote' || k.stored.state === 'partial')) this.startTransfer(k)
    }
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.retry)
    await Promise.all([...this.transfers.values()].map(async t => t.cancel()))
    await this.c.libp2p.unhandle(FILE_PROTOCOL).catch((err: Error) => { log('unhandle failed: %s', err.message) })
  }

  /** A manifest arrived in a team entry (sent, gossiped or synced). */
  async notice (n: ManifestNotice): Promise<void> {
    const id = hex(n.manifest.id)
    if (!fileIdBound(n.author, n.team, n.manifest)) {
      // a manifest under an id that is not its own (another author's file, or another team's) is
      // refused by every node alike, whatever it arrived before
      warn(this.c.events, `file ${id.slice(0, 8)} in ${n.team} by ${n.author} refused: its id is not the one its author and contents give (someone else's file id, or a manifest from an older parley)`)
      return
    }
    // the id names this very manifest, by this author: a second notice of it is the same file
    if (this.store.has(id)) return
    const own = n.author === this.c.selfId
    const k: KnownFile = {
      stored: {
        entryId: n.entryId,
        team: n.team,
        author: n.author,
        authorName: n.authorName,
        time: n.time,
        state: 'remote',
        wanted: !own && n.manifest.size <= Math.min(this.config.autoDownloadBytes, this.config.maxFileBytes) && this.withinQuota(n.author, n.manifest.size),
        manifest: storedManifest(n.manifest)
      },
      manifest: n.manifest
    }
    this.store.add(k)
    await this.store.save(k)
    emit(this.c.events, 'file:added', this.store.view(k))
    if (k.stored.wanted) this.startTransfer(k)
  }

  /** Whether a file of `bytes` by `author` may still be fetched by itself; if so, it is counted. */
  private withinQuota (author: string, bytes: number): boolean {
    if (this.quota.take(author, bytes)) return true
    warn(this.c.events, `${author} shared more than ${formatBytes(this.quota.limit)} of files in a day: this one waits for \`parley file get\` (auto-download-per-author)`)
    return false
  }

  /**
   * Forget a file whose message expired (retention): its sealed copy and record go, and it is no
   * longer served. With `entryId`, only when that entry is the one that introduced the file, so an
   * entry that merely names another's file id cannot take that file with it.
   */
  async forget (id: string, entryId?: string): Promise<void> {
    const k = this.store.get(id)
    if (k === undefined) return
    if (entryId !== undefined && k.stored.entryId !== entryId) return
    await this.transfers.get(id)?.cancel()
    await this.store.forget(id)
  }

  /** Files of the teams this node is in, newest first. */
  list (team?: string): FileView[] {
    const org = this.c.orgs.current
    const mine = new Set(org?.myTeams() ?? [])
    return [...this.store.all()]
      .filter(k => (team === undefined || k.stored.team === team) && (mine.has(k.stored.team) || org?.directPeer(k.stored.team) !== undefined))
      .map(k => this.store.view(k))
      .sort((a, b) => b.time - a.time)
  }

  /** One file by id or unique id prefix. Throws FileNotFoundError. */
  find (idOrPrefix: string): FileView {
    return this.store.view(this.store.lookup(idOrPrefix))
  }

  /**
   * Seal a file into the store and post its manifest to `team`. The sealed copy is complete and
   * durable before the manifest goes out, so peers can fetch it as soon as they see it.
   */
  async send (team: string, path: string, caption = '', name = basename(path)): Promise<FileView> {
    const org = this.c.orgs.current
    if (org === undefined) throw new NotMemberError('this node is in no organisation yet')
    let info
    try {
      info = await stat(path)
    } catch (err) {
      throw new FileNotFoundError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    if (!info.isFile()) throw new InvalidArgumentError(`${path} is not a regular file`)
    if (info.size > this.config.maxFileBytes) {
      throw new FileTooLargeError(`${basename(path)} is ${formatBytes(info.size)}; the limit is ${formatBytes(this.config.maxFileBytes)} (max-file-size)`)
    }
    if (!team.startsWith('dm-') && !org.myTeams().includes(team)) throw new NotMemberError(`you are not a member of ${team}`)
    const sealed = await sealFile(path, info.size, this.config.dir, name)
    const manifest: FileManifest = { id: fileIdOf(this.c.selfId, team, sealed.contents), ...sealed.contents }
    const id = hex(manifest.id)
    const sealedPath = this.store.sealedPath(id)
    await rename(sealed.sealedPath, sealedPath)
    const k: KnownFile = {
      stored: { entryId: '', team, author: this.c.selfId, authorName: '', time: Date.now(), state: 'complete', wanted: false, manifest: storedManifest(manifest) },
      manifest,
      have: new ChunkSet(manifest.chunks.length)
    }
    for (let i = 0; i < manifest.chunks.length; i++) k.have!.add(i)
    this.store.add(k)
    try {
      k.stored.entryId = (await this.c.messages.post(team, { text: caption, file: manifest })).id
    } catch (err) {
      this.store.drop(id)
      await rm(sealedPath, { force: true })
      throw err
    }
    await this.store.save(k)
    return this.store.view(k)
  }

  /**
   * Fetch a file (if it is not here yet) and release it into `outDir` under a safe, unused name.
   * Resolves with where it is. Throws FileTooLargeError, QuarantinedError, ScanFailedError,
   * CorruptFileError, or NotMemberError when this node has left the team.
   */
  async get (idOrPrefix: string, outDir = this.config.downloadDir, signal?: AbortSignal): Promise<{ file: FileView, path: string }> {
    const k = this.store.lookup(idOrPrefix)
    this.checkFetchable(k)
    if (k.stored.state !== 'complete') {
      k.stored.wanted = true
      await this.store.save(k)
      await this.startTransfer(k).whenDone(signal)
    }
    this.checkFetchable(k)
    // the plaintext is written, scanned and given its mode in the private folder, and only then
    // placed in the (maybe shared) download folder
    const temp = this.release.tempPath(k.stored.manifest.id, 'release')
    try {
      try {
        await this.unseal(k, temp)
      } catch (err) {
        if (err instanceof CorruptFileError) await this.store.markCorrupt(k, err.message)
        throw err
      }
      await this.scan(k, temp)
      const path = await this.release.place(temp, outDir, k.manifest.name)
      return { file: this.store.view(k), path }
    } finally {
      await rm(temp, { force: true })
    }
  }

  private checkFetchable (k: KnownFile): void {
    if (!this.mayFetch(k.stored.team)) {
      throw new NotMemberError(`you are no longer in ${k.stored.team}`)
    }
    if (k.stored.state === 'quarantined') throw new QuarantinedError(`${sanitizeFileName(k.manifest.name)} is quarantined: ${k.stored.reason ?? 'the scanner found something'}`)
    if (k.stored.state === 'corrupt') throw new CorruptFileError(`${sanitizeFileName(k.manifest.name)} does not match its manifest: ${k.stored.reason ?? ''}`)
    if (k.manifest.size > this.config.maxFileBytes) {
      throw new FileTooLargeError(`${sanitizeFileName(k.manifest.name)} is ${formatBytes(k.manifest.size)}; this node's limit is ${formatBytes(this.config.maxFileBytes)} (max-file-size)`)
    }
  }

  private startTransfer (k: KnownFile): Transfer {
    const id = k.stored.manifest.id
    const running = this.transfers.get(id)
    if (running !== undefined) return running
    const t = new Transfer(this.host, k)
    this.transfers.set(id, t)
    void t.run().finally(() => { this.transfers.delete(id) })
    return t
  }

  /** Look for peers again for every transfer that lacks chunks (a peer connected, or on a timer). */
  kick (): void {
    if (this.stopped) return
    for (const t of this.transfers.values()) t.findPeers()
  }

  /** Whether this node is still in `team` (or the direct conversation), so its files may be fetched. */
  private mayFetch (team: string): boolean {
    const org = this.c.orgs.current
    return org !== undefined && (org.myTeams().includes(team) || org.directPeer(team) !== undefined)
  }

  /** Connected peers that may read `team`: the ones to ask for its files. */
  private peersFor (team: string): PeerId[] {
    const org = this.c.orgs.current
    if (org === undefined) return []
    return this.c.libp2p.getPeers().filter(p => org.mayRead(team, p.toString()))
  }

  /**
   * Called by a transfer once every chunk is here and verified against the manifest. With a scanner
   * configured, the file is decrypted (checking the whole-file SHA-256) and scanned now; otherwise the
   * whole-file check happens when it is released, which decrypts it anyway.
   */
  private async completed (k: KnownFile): Promise<void> {
    const temp = this.release.tempPath(k.stored.manifest.id, 'check')
    try {
      if (this.release.scans) await this.unseal(k, temp)
      k.stored.state = 'complete'
      k.stored.wanted = false
      await this.store.save(k)
      if (this.release.scans) await this.scan(k, temp)
      emit(this.c.events, 'file:complete', this.store.view(k))
    } catch (err) {
      if (err instanceof CorruptFileError) await this.store.markCorrupt(k, err.message)
      if (!(err instanceof QuarantinedError)) emit(this.c.events, 'file:failed', { ...this.store.view(k), error: (err as Error).name, message: (err as Error).message })
    } finally {
      await rm(temp, { force: true })
    }
  }

  /** Decrypt the sealed copy to `to`, checking it; a copy this disk damaged is marked so first. */
  private async unseal (k: KnownFile, to?: string): Promise<void> {
    try {
      await unsealFile(k.manifest, this.store.sealedPath(k.stored.manifest.id), to)
    } catch (err) {
      if (err instanceof DamagedCopyError) await this.store.markDamaged(k)
      throw err
    }
  }

  /** Scan released plaintext; on a finding, quarantine it, tell the team and throw QuarantinedError. */
  private async scan (k: KnownFile, path: string): Promise<void> {
    const verdict = await this.release.scan(k.stored.manifest.id, path)
    if (!verdict.infected) return
    await this.store.markQuarantined(k, verdict.reason)
    const view = this.store.view(k)
    emit(this.c.events, 'file:quarantined', view)
    try {
      await this.c.messages.post(k.stored.team, { text: `quarantined ${view.name}: the virus scanner found ${verdict.reason}`, flag: { file: k.manifest.id, reason: verdict.reason } })
    } catch (err) {
      warn(this.c.events, `could not tell ${k.stored.team} about quarantined ${view.name}: ${(err as Error).message}`)
    }
    throw new QuarantinedError(`${view.name} is quarantined: the virus scanner found ${verdict.reason}`)
  }
}

/** The file service, as a libp2p-style factory. */
export function fileService (init: FileServiceInit): (components: FileServiceComponents) => FileService {
  return (components) => new FileService(components, init)
}
