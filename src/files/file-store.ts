/**
 * The file store: what this node knows of each file (a record per file, persisted as
 * files/<id>.json) and where its sealed copy lies (files/<id>.sealed, chunks at fixed offsets).
 */
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DamagedCopyError, FileNotFoundError, InvalidArgumentError } from '../errors.js'
import { ChunkSet, chunkMatches, sealedSpan, TAG_BYTES } from './chunks.js'
import { sanitizeFileName } from './names.js'
import type { FileState, FileView } from '../events.js'
import type { ServedFile } from './file-protocol.js'
import type { FileManifest } from '../model/index.js'
import type { FileHandle } from 'node:fs/promises'

/** A file's record as it is written to disk (the JSON layout of files/<id>.json). */
export interface StoredFile {
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

/** A file this node knows of. */
export interface KnownFile {
  stored: StoredFile
  manifest: FileManifest
  /** verified chunks in the sealed copy, once looked at */
  have?: ChunkSet
  /** the last save of its record, which the next one waits for */
  saving?: Promise<void>
}

/** Known files by id, their records on disk and their sealed copies. */
export class FileStore {
  /** files/ in the data dir */
  readonly dir: string
  private readonly known = new Map<string, KnownFile>()

  constructor (dir: string) {
    this.dir = dir
  }

  /** Read every record in the folder (and clear what an interrupted send left); returns the records that could not be read, with why. */
  async load (): Promise<Array<{ name: string, error: Error }>> {
    const skipped: Array<{ name: string, error: Error }> = []
    for (const name of await readdir(this.dir)) {
      // a send interrupted while sealing leaves its unnamed sealed copy: nobody will ever name it
      if (name.endsWith('.sealed.part')) await rm(join(this.dir, name), { force: true })
      if (!name.endsWith('.json')) continue
      try {
        const stored = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as StoredFile
        this.known.set(stored.manifest.id, { stored, manifest: manifestOf(stored) })
      } catch (err) {
        skipped.push({ name, error: err as Error })
      }
    }
    return skipped
  }

  /** The file with this (whole, hex) id. */
  get (id: string): KnownFile | undefined {
    return this.known.get(id)
  }

  has (id: string): boolean {
    return this.known.has(id)
  }

  /** Every known file. */
  all (): IterableIterator<KnownFile> {
    return this.known.values()
  }

  /** Take in a file (not yet saved: see save). */
  add (k: KnownFile): void {
    this.known.set(k.stored.manifest.id, k)
  }

  /** Drop a file from memory only (a send whose post failed; its record was never written). */
  drop (id: string): void {
    this.known.delete(id)
  }

  /** One file by id or unique id prefix. Throws InvalidArgumentError, FileNotFoundError. */
  lookup (idOrPrefix: string): KnownFile {
    const prefix = String(idOrPrefix).toLowerCase()
    if (!/^[0-9a-f]{4,32}$/.test(prefix)) throw new InvalidArgumentError(`${JSON.stringify(idOrPrefix)} is not a file id: give at least 4 hex digits of one (see \`parley file list\`)`)
    const matches = [...this.known.entries()].filter(([id]) => id.startsWith(prefix))
    if (matches.length === 0) throw new FileNotFoundError(`no file ${prefix} is known here`)
    if (matches.length > 1) throw new InvalidArgumentError(`${prefix} matches ${matches.length} files: give more of the id`)
    return matches[0]![1]
  }

  /** Forget a file: its record and sealed copy go (after a save under way). */
  async forget (id: string): Promise<void> {
    const k = this.known.get(id)
    if (k === undefined) return
    this.known.delete(id)
    await k.saving
    await rm(this.sealedPath(id), { force: true })
    await rm(this.recordPath(id), { force: true })
  }

  sealedPath (id: string): string {
    return join(this.dir, `${id}.sealed`)
  }

  private recordPath (id: string): string {
    return join(this.dir, `${id}.json`)
  }

  /** Write what is known of a file, atomically; saves of one file run one after another, each writing the state at its turn. */
  async save (k: KnownFile): Promise<void> {
    const path = this.recordPath(k.stored.manifest.id)
    const write = async (): Promise<void> => {
      await writeFile(`${path}.tmp`, JSON.stringify(k.stored), { mode: 0o600 })
      await rename(`${path}.tmp`, path)
    }
    const run = (k.saving ?? Promise.resolve()).then(write, write)
    // the next save waits for this one whether it worked or not; this caller gets its error
    k.saving = run.catch(() => {})
    await run
  }

  /** Chunks that match the manifest but a whole that does not: its sender made it so; never serve it. */
  async markCorrupt (k: KnownFile, reason: string): Promise<void> {
    k.stored.state = 'corrupt'
    k.stored.reason = reason
    k.have = undefined
    await rm(this.sealedPath(k.stored.manifest.id), { force: true })
    await this.save(k)
  }

  /** A scanner found something: never release or serve it again. */
  async markQuarantined (k: KnownFile, reason: string): Promise<void> {
    k.stored.state = 'quarantined'
    k.stored.reason = reason
    k.stored.wanted = false
    k.have = undefined
    await rm(this.sealedPath(k.stored.manifest.id), { force: true })
    await this.save(k)
  }

  /** This disk damaged a verified chunk: what is held is looked at again, and a fetch gets it anew. */
  async markDamaged (k: KnownFile): Promise<void> {
    k.have = undefined
    if (k.stored.state === 'complete') {
      k.stored.state = 'partial'
      await this.save(k)
    }
  }

  /** The verified chunks of a file's sealed copy; looked at once, then kept up to date. */
  async held (k: KnownFile): Promise<ChunkSet> {
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
        // no sealed copy yet: nothing is held
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      } finally {
        await handle?.close()
      }
    }
    k.have = have
    return have
  }

  /** A known file as the file protocol serves it: live, reading chunks from its sealed copy. */
  served (k: KnownFile): ServedFile {
    let opened: ChunkSet | undefined
    const sealedPath = this.sealedPath(k.stored.manifest.id)
    return {
      team: k.stored.team,
      manifest: k.manifest,
      state: (): FileState => k.stored.state,
      held: async () => {
        opened = await this.held(k)
        return opened
      },
      // what is held may be looked at again meanwhile (a damaged copy): the latest view counts
      has: (index) => (k.have ?? opened)?.has(index) === true,
      openChunks: async () => {
        const file = await open(sealedPath, 'r')
        return {
          read: async (index) => {
            const span = sealedSpan(k.manifest, index)
            const data = Buffer.allocUnsafe(span.length)
            const { bytesRead } = await file.read(data, 0, span.length, span.offset)
            // a copy cut short on this disk: never send the rest of the buffer (old memory) instead
            if (bytesRead !== span.length) throw new DamagedCopyError(`chunk ${index} of ${k.stored.manifest.id.slice(0, 8)} is cut short on this disk`)
            return data
          },
          close: async () => { await file.close() }
        }
      }
    }
  }

  /** How a file is shown: its name made safe, how much of it is here. */
  view (k: KnownFile): FileView {
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
}

/** Bytes as lower-case hex. */
export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/** A manifest as its record keeps it (hex strings). */
export function storedManifest (m: FileManifest): StoredFile['manifest'] {
  return { id: hex(m.id), name: m.name, size: m.size, type: m.type, chunkSize: m.chunkSize, key: hex(m.key), chunks: m.chunks.map(hex), sha256: hex(m.sha256) }
}

function manifestOf (s: StoredFile): FileManifest {
  const bytes = (h: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(h, 'hex'))
  const m = s.manifest
  return { id: bytes(m.id), name: m.name, size: m.size, type: m.type, chunkSize: m.chunkSize, key: bytes(m.key), chunks: m.chunks.map(bytes), sha256: bytes(m.sha256) }
}
