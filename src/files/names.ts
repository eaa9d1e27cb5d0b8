/**
 * File names from the network are hostile until made safe: no directories, no control or escape
 * sequences, no tricks with bidi overrides or reserved device names. A released file never
 * overwrites anything: it gets the first free "name (n).ext".
 */
import { constants } from 'node:fs'
import { link, lstat, open, unlink } from 'node:fs/promises'
import { extname, join } from 'node:path'

/** Longest name written to disk, in UTF-8 bytes (most filesystems allow 255). */
const MAX_NAME_BYTES = 200
// ESC-introduced sequences (CSI, OSC, and two-byte escapes), then any remaining C0/C1 control
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-_])?|\u009b[0-?]*[ -/]*[@-~]/g
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g
/**
 * bidi marks, overrides and isolates (U+202E makes "invoice\u202Efdp.exe" read "invoiceexe.pdf", the
 * Arabic letter mark U+061C too), zero-width and other invisible characters, line and paragraph
 * separators, variation selectors, tag characters and the BOM: they make a name read as something else
 */
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu
/** characters Windows forbids, and both path separators */
const FORBIDDEN = /[<>:"/\\|?*]/g
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i

/** A name safe to create in a folder: a single path component, printable, not hidden, not reserved. */
export function sanitizeFileName (name: string): string {
  let safe = String(name).normalize('NFC')
  // keep only the last path component, whichever separator the sender used
  safe = safe.slice(Math.max(safe.lastIndexOf('/'), safe.lastIndexOf('\\')) + 1)
  safe = safe.replace(ESCAPES, '').replace(CONTROLS, '').replace(INVISIBLE, '').replace(FORBIDDEN, '_')
  // no leading dots (hidden files, "." and ".."), no trailing dots or spaces (Windows drops them)
  safe = safe.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '').trim()
  if (RESERVED.test(safe)) safe = `_${safe}`
  safe = truncateUtf8(safe, MAX_NAME_BYTES)
  return safe === '' ? 'file' : safe
}

/** Cut a name to `max` UTF-8 bytes without splitting a character, keeping its extension. */
function truncateUtf8 (name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name
  const ext = extname(name).slice(0, 16)
  let stem = name.slice(0, name.length - ext.length)
  while (Buffer.byteLength(stem + ext) > max) stem = [...stem].slice(0, -1).join('')
  return stem + ext
}

/** "name (n).ext" for n >= 1. */
export function numberedName (name: string, n: number): string {
  const ext = extname(name)
  const stem = ext === '' || ext === name ? name : name.slice(0, -ext.length)
  return `${stem} (${n})${ext === name ? '' : ext}`
}

/**
 * Give the finished file at `from` (in a folder nobody else can write) its final name in `dir`
 * without ever replacing an existing file: a hard link fails if the name is taken, so two releases
 * racing for one name both survive, and what appears under the name is the very file that was
 * checked. On another filesystem (no link across), it is copied into a file created exclusively
 * (O_EXCL, not through a symbolic link), and the name is checked to still be that file once the copy
 * is done. Returns the path it now has.
 */
export async function placeUnique (from: string, dir: string, name: string, attempts = 1000): Promise<string> {
  const safe = sanitizeFileName(name)
  let across = false
  for (let n = 0; n < attempts; n++) {
    const candidate = join(dir, n === 0 ? safe : numberedName(safe, n))
    try {
      if (across) await copyExclusive(from, candidate)
      else await link(from, candidate)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (code === 'EXDEV' && !across) {
        across = true
        n--
        continue
      }
      throw err
    }
    await unlink(from)
    return candidate
  }
  throw new Error(`no free name for ${safe} in ${dir} after ${attempts} tries`)
}

/** Copy `from` into a new file `to` (never an existing one, never through a link), with `from`'s mode. */
async function copyExclusive (from: string, to: string): Promise<void> {
  const source = await open(from, 'r')
  try {
    const { mode } = await source.stat()
    const target = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777)
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024)
      for (let position = 0; ;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, position)
        if (bytesRead === 0) break
        for (let done = 0; done < bytesRead;) done += (await target.write(buffer, done, bytesRead - done)).bytesWritten
        position += bytesRead
      }
      await target.chmod(mode & 0o777)
      await target.sync()
      // someone who can write the folder may have renamed another file to this name meanwhile
      const [ours, named] = [await target.stat(), await lstat(to)]
      if (ours.ino !== named.ino || ours.dev !== named.dev) throw new Error(`${to} was replaced by another file while it was being written`)
    } finally {
      await target.close()
    }
  } finally {
    await source.close()
  }
}
