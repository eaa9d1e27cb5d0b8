/**
 * Sealing: a plaintext file into a sealed copy (chunk by chunk, under a new file key) and a sealed
 * copy back into plaintext, checking every chunk and the whole-file SHA-256 on the way.
 */
import { createHash } from 'node:crypto'
import { open, rm } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { CorruptFileError, DamagedCopyError, InvalidArgumentError } from '../errors.js'
import { chunkMatches, chunkSizeFor, newFileKey, openChunk, sealChunk, sealedSpan, sha256, TAG_BYTES } from './chunks.js'
import { sanitizeFileName } from './names.js'
import type { FileManifest } from '../model/index.js'
import type { FileHandle } from 'node:fs/promises'

/** What sealing a file gives: everything of its manifest but the id (which follows from it). */
export type SealedContents = Omit<FileManifest, 'id'>

/**
 * Seal the `size` bytes of the file at `path` into a new file in `dir`, synced to disk before this
 * resolves. Returns the sealed copy's path (to be renamed once the id is known) and the contents of
 * its manifest. Throws InvalidArgumentError when the file changes size while it is read.
 */
export async function sealFile (path: string, size: number, dir: string, name: string): Promise<{ sealedPath: string, contents: SealedContents }> {
  const key = newFileKey()
  const chunkSize = chunkSizeFor(size)
  // sealed under a name of its own first: the file's id follows from what sealing gives
  const sealedPath = join(dir, `${Buffer.from(newFileKey().subarray(0, 16)).toString('hex')}.sealed.part`)
  const whole = createHash('sha256')
  const chunks: Array<Uint8Array<ArrayBuffer>> = []
  const input = await open(path, 'r')
  const output = await open(sealedPath, 'w', 0o600)
  try {
    const buffer = Buffer.allocUnsafe(chunkSize)
    const count = Math.max(1, Math.ceil(size / chunkSize))
    for (let i = 0; i < count; i++) {
      const want = Math.min(chunkSize, size - i * chunkSize)
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
    await rm(sealedPath, { force: true })
    throw err
  } finally {
    await input.close()
  }
  await output.close()
  return {
    sealedPath,
    contents: { name, size, type: mediaType(path), chunkSize, key, chunks, sha256: new Uint8Array(whole.digest()) }
  }
}

/**
 * Decrypt the sealed copy at `sealedPath`, checking every chunk and the whole-file hash; write the
 * plaintext to the new file `to` when given. Throws CorruptFileError (the sender made it so) or
 * DamagedCopyError (this disk did: every chunk was checked before it was written here).
 */
export async function unsealFile (m: FileManifest, sealedPath: string, to?: string): Promise<void> {
  const whole = createHash('sha256')
  const input = await open(sealedPath, 'r')
  const output = to === undefined ? undefined : await open(to, 'wx', 0o600)
  try {
    const buffer = Buffer.allocUnsafe(m.chunkSize + TAG_BYTES)
    let written = 0
    for (let i = 0; i < m.chunks.length; i++) {
      const span = sealedSpan(m, i)
      const { bytesRead } = await input.read(buffer, 0, span.length, span.offset)
      const sealed = buffer.subarray(0, bytesRead)
      if (!chunkMatches(m, i, sealed)) {
        throw new DamagedCopyError(`chunk ${i} of ${sanitizeFileName(m.name)} is damaged on this disk; fetch the file again to repair it (parley file get ${Buffer.from(m.id).toString('hex').slice(0, 8)})`)
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

/**
 * Write all of `data` at `position`. A write can be short (a disk filling up takes what fits and
 * says how much), and the rest is written again, which then fails with ENOSPC: a chunk is never
 * counted as written when only part of it is.
 */
export async function writeAll (handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.byteLength;) {
    const { bytesWritten } = await handle.write(data, done, data.byteLength - done, position + done)
    if (bytesWritten === 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' })
    done += bytesWritten
  }
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

/** The media type a file's extension suggests. */
export function mediaType (path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}
