/**
 * Backups of a node: its identity files and its whole log (not the search index, which is rebuilt),
 * as gzip'd JSON lines. A backup holds the private key: it is written owner-only and should be kept
 * like one.
 */
import { createWriteStream } from 'node:fs'
import { open, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { createGunzip, createGzip } from 'node:zlib'
import { InvalidArgumentError } from '../errors.js'
import { BOX_KEY_FILE, IDENTITY_KEY_FILE, LOG_DIR, PROFILE_FILE } from '../paths.js'
import { ensureDataDir } from './identity-file.js'
import type { EntryLog } from './entry-log.js'

const FORMAT = 'parley-backup/1'
const FILES = [IDENTITY_KEY_FILE, BOX_KEY_FILE, PROFILE_FILE]

/** Write a backup of `dataDir` (whose log is `log`, open) to `path`, never overwriting a file. */
export async function writeBackup (log: EntryLog, dataDir: string, path: string, peerId: string): Promise<{ rows: number }> {
  let rows = 0
  async function * lines (): AsyncGenerator<string> {
    yield JSON.stringify({ format: FORMAT, peerId, createdAt: Date.now() }) + '\n'
    for (const file of FILES) {
      yield JSON.stringify({ file, v: (await readFile(join(dataDir, file))).toString('base64') }) + '\n'
    }
    for await (const [k, v] of log.dump()) {
      rows++
      yield JSON.stringify({ k, v: Buffer.from(v).toString('base64') }) + '\n'
    }
    yield JSON.stringify({ end: rows }) + '\n'
  }
  await pipeline(Readable.from(lines()), createGzip(), createWriteStream(path, { flags: 'wx', mode: 0o600 }))
  return { rows }
}

/** Read a backup's header without restoring it. */
async function * backupLines (path: string): AsyncGenerator<Record<string, unknown>> {
  // opened first, so a missing or unreadable file is a clear error, not a stream's unhandled one
  const handle = await open(path, 'r')
  const file = handle.createReadStream()
  const input = createGunzip()
  file.on('error', (err) => { input.destroy(err) })
  file.pipe(input)
  input.on('error', () => { file.destroy() })
  let n = 0
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++
    try {
      yield JSON.parse(line) as Record<string, unknown>
    } catch {
      throw new InvalidArgumentError(`${path} is not a parley backup (line ${n} is damaged)`)
    }
  }
}

/** The lines of a backup; a file that is not gzip is not a parley backup. */
async function * readBackup (path: string): AsyncGenerator<Record<string, unknown>> {
  try {
    yield * backupLines(path)
  } catch (err) {
    if ((err as { code?: string }).code === 'Z_DATA_ERROR' || (err as { code?: string }).code === 'Z_BUF_ERROR') {
      throw new InvalidArgumentError(`${path} is not a parley backup (not a gzip file)`, { cause: err })
    }
    throw err
  }
}

/**
 * Restore a backup into `dataDir`, which must hold no identity yet. `openLog` opens the new log.
 * Returns the peer id restored.
 */
export async function restoreBackup (path: string, dataDir: string, openLog: () => Promise<EntryLog>): Promise<{ peerId: string, rows: number }> {
  await ensureDataDir(dataDir)
  const present = await readdir(dataDir)
  if (present.includes(IDENTITY_KEY_FILE) || present.includes(LOG_DIR)) {
    throw new InvalidArgumentError(`${dataDir} already holds a parley node; restore into a new, empty data dir`)
  }
  const lines = readBackup(path)
  let header: Record<string, unknown> | undefined
  try {
    header = (await lines.next()).value as Record<string, unknown> | undefined
  } catch (err) {
    // a file that cannot be read is said as such (the CLI names it); anything else is no backup
    if (err instanceof InvalidArgumentError || /^E[A-Z]+$/.test(String((err as { code?: string }).code))) throw err
    throw new InvalidArgumentError(`${path} is not a parley backup: ${(err as Error).message}`)
  }
  if (header?.format !== FORMAT || typeof header.peerId !== 'string') throw new InvalidArgumentError(`${path} is not a parley backup`)
  const log = await openLog()
  let ended = false
  try {
    const rows = await log.load((async function * () {
      for await (const line of lines) {
        if (typeof line.file === 'string' && FILES.includes(line.file) && typeof line.v === 'string') {
          await writeFile(join(dataDir, line.file), Buffer.from(line.v, 'base64'), { mode: 0o600 })
        } else if (typeof line.k === 'string' && typeof line.v === 'string') {
          yield [line.k, new Uint8Array(Buffer.from(line.v, 'base64'))] as [string, Uint8Array]
        } else if (typeof line.end === 'number') {
          ended = true
        }
      }
    })())
    if (!ended) throw new InvalidArgumentError(`${path} is cut short: restore from a complete backup`)
    // until it hears from peers, the node must not post: it may have written more after this backup
    await log.meta('restored').put({ at: Date.now(), confirmed: [] })
    return { peerId: header.peerId, rows }
  } finally {
    await log.close()
  }
}
