/**
 * The data dir is the user's alone: the identity key, the log (with the plaintext words of the search
 * index) and the sealed files. Whatever existed before parley made it (a folder made 0755 by hand, a
 * restored copy), it is made owner-only when a node opens it: the folder 0700, and everything of
 * parley's in it (its files, and every folder and file under log/ and files/) 0700 / 0600. Anything
 * else someone put there is left as it is, though nobody else can reach it through a 0700 folder: a
 * data dir pointed at by mistake (a home directory) must not have all its files changed. A symbolic
 * link, or an entry owned by another user, among parley's own is refused (DataDirUnsafeError).
 */
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { DataDirUnsafeError } from '../errors.js'
import { DATA_DIR_ENTRIES } from '../paths.js'

/** Mode of every folder and every file under the data dir. */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/**
 * Create `dir` if needed and make it and everything under it owner-only. The folder itself goes
 * first, so nothing inside can be opened by others from then on. Throws DataDirUnsafeError when
 * something in it cannot be made private (owned by another user).
 */
export async function makePrivate (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  await restrict(dir, true, isParleys)
}

/** What parley keeps at the top of a data dir (and the temporary names it writes them under). */
const isParleys = (name: string): boolean => DATA_DIR_ENTRIES.some(e => name === e || (name.startsWith(`${e}.`) && name.endsWith('.tmp')))

async function restrict (path: string, isDir: boolean, only: (name: string) => boolean = () => true): Promise<void> {
  try {
    await chmod(path, isDir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // gone meanwhile (LevelDB replaces its files as it compacts): nothing left to protect
    if (code === 'ENOENT') return
    if (code === 'EPERM') throw new DataDirUnsafeError(`${path} in the data dir belongs to another user and cannot be made private: remove it, or use another data dir`, { cause: err })
    throw err
  }
  if (!isDir) return
  for (const name of await readdir(path)) {
    if (!only(name)) continue
    const child = join(path, name)
    let info
    try {
      info = await lstat(child)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    if (info.isSymbolicLink()) {
      // one of parley's own names pointing elsewhere (the log, the sealed files, the private folder
      // downloads are scanned in): whoever could plant it controls where they live. Refused, not
      // followed; inside log/ and files/ parley makes no links, so none is expected there either
      throw new DataDirUnsafeError(`${child} in the data dir is a symbolic link (to somewhere another user may control): remove it, or use another data dir`)
    }
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
      throw new DataDirUnsafeError(`${child} in the data dir belongs to another user: remove it, or use another data dir`)
    }
    await restrict(child, info.isDirectory())
  }
}

/** The process's file mode creation mask, read without changing it. */
export function currentUmask (): number {
  const mask = process.umask(0o077)
  process.umask(mask)
  return mask
}
