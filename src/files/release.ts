/**
 * Release: plaintext is written, scanned and given its mode in files/tmp (0700, in the data dir),
 * where no other user can swap it, and only then placed in the (maybe shared) download folder under a
 * safe name that replaces nothing; what the scan hook finds goes to files/quarantine instead.
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { currentUmask } from '../store/permissions.js'
import { placeUnique } from './names.js'
import { scanFile } from './scanner.js'
import type { ScanVerdict } from './scanner.js'

export interface ReleaseInit {
  /** files/ in the data dir: tmp/ and quarantine/ are made under it */
  dir: string
  /** argv of the virus scanner ("{}" is the file); unset: no scan */
  scanCommand?: string[]
  /** the permission bits of a released file (default: what the process's umask gives) */
  releaseMode?: number
}

/** The private folder plaintext passes through, the scan hook, and placing a file under its name. */
export class Release {
  private readonly tmp: string
  private readonly quarantine: string
  private readonly scanCommand?: string[]
  private readonly releaseMode?: number

  constructor (init: ReleaseInit) {
    this.tmp = join(init.dir, 'tmp')
    this.quarantine = join(init.dir, 'quarantine')
    this.scanCommand = init.scanCommand
    this.releaseMode = init.releaseMode
  }

  /** Whether a scanner is configured. */
  get scans (): boolean {
    return this.scanCommand !== undefined
  }

  /** Make the private folder afresh: plaintext a crash left there goes. */
  async start (): Promise<void> {
    await mkdir(this.tmp, { recursive: true, mode: 0o700 })
    await rm(this.tmp, { recursive: true, force: true })
    await mkdir(this.tmp, { recursive: true, mode: 0o700 })
  }

  /** A new path in the private folder for plaintext of file `id` (nothing is created). */
  tempPath (id: string, purpose: 'release' | 'check'): string {
    return join(this.tmp, purpose === 'release'
      ? `release-${id}-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`
      : `${id}-${Date.now()}-${randomBytes(4).toString('hex')}`)
  }

  /**
   * Scan the plaintext at `path` (in the private folder). Clean (or no scanner): `{ infected: false }`.
   * Infected: the file is moved to quarantine/<id>, read-only. Throws ScanFailedError when the scanner
   * gives no verdict, which releases nothing.
   */
  async scan (id: string, path: string): Promise<ScanVerdict> {
    if (this.scanCommand === undefined) return { infected: false }
    const verdict = await scanFile(this.scanCommand, path)
    if (!verdict.infected) return verdict
    await mkdir(this.quarantine, { recursive: true, mode: 0o700 })
    const kept = join(this.quarantine, id)
    // should the move fail, the plaintext must not stay around unscanned-looking
    await rename(path, kept).catch(async () => rm(path, { force: true }))
    // best effort: the file is in a 0700 folder either way
    await chmod(kept, 0o400).catch(() => {})
    return verdict
  }

  /**
   * Give checked plaintext (in the private folder) its mode and place it in `outDir` under `name`
   * made safe, never replacing a file (see placeUnique). Returns where it is.
   */
  async place (temp: string, outDir: string, name: string): Promise<string> {
    await chmod(temp, this.releaseMode ?? 0o666 & ~currentUmask())
    await mkdir(outDir, { recursive: true })
    return placeUnique(temp, outDir, name)
  }
}
