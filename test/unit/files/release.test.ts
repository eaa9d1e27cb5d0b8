import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fileIdOf } from '../../../src/files/chunks.js'
import { Release } from '../../../src/files/release.js'
import { sealFile, unsealFile } from '../../../src/files/sealing.js'
import type { FileManifest } from '../../../src/model/index.js'
import { flipBytes } from '../../helpers/damage.js'

describe('files/sealing and files/release', () => {
  const dirs: string[] = []
  afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }) })

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-release-'))
    dirs.push(dir)
    return dir
  }

  it('seals a file into a sealed copy and opens it again, telling a damaged copy from a bad file', async () => {
    const dir = await tempDir()
    const plain = randomBytes(2 * 1024 * 1024 + 7)
    await writeFile(join(dir, 'report.pdf'), plain)
    const { sealedPath, contents } = await sealFile(join(dir, 'report.pdf'), plain.length, dir, 'report.pdf')
    expect(contents).toMatchObject({ name: 'report.pdf', size: plain.length, type: 'application/pdf', chunkSize: 1024 * 1024 })
    expect(contents.chunks).toHaveLength(3)
    const manifest: FileManifest = { id: fileIdOf('me', 'general', contents), ...contents }
    await unsealFile(manifest, sealedPath, join(dir, 'out'))
    expect((await readFile(join(dir, 'out'))).equals(plain)).toBe(true)
    // the output is a new file: an existing one is never written through
    await expect(unsealFile(manifest, sealedPath, join(dir, 'out'))).rejects.toMatchObject({ code: 'EEXIST' })
    // chunks that match the manifest but a whole that does not: the sender's doing
    await expect(unsealFile({ ...manifest, sha256: new Uint8Array(32) }, sealedPath)).rejects.toMatchObject({ name: 'CorruptFileError' })
    // a byte this disk changed
    await flipBytes(sealedPath, [1024 * 1024 + 16 + 10])
    const damaged = unsealFile(manifest, sealedPath)
    await expect(damaged).rejects.toMatchObject({ name: 'DamagedCopyError' })
    await expect(damaged).rejects.toThrow(/chunk 1 of report\.pdf is damaged on this disk/)
  })

  it('places a released file under a safe name that replaces nothing, with the mode asked for', async () => {
    const dir = await tempDir()
    const out = await tempDir()
    const release = new Release({ dir, releaseMode: 0o640 })
    await release.start()
    await writeFile(join(out, 'passwd'), 'keep me')
    const paths = []
    for (let i = 0; i < 2; i++) {
      const temp = release.tempPath('ab'.repeat(16), 'release')
      expect(temp.startsWith(join(dir, 'tmp'))).toBe(true)
      await writeFile(temp, `copy ${i}`)
      paths.push(await release.place(temp, out, '../../etc/passwd'))
    }
    expect(paths).toEqual([join(out, 'passwd (1)'), join(out, 'passwd (2)')])
    expect(await readFile(join(out, 'passwd'), 'utf8')).toBe('keep me')
    expect((await stat(paths[0]!)).mode & 0o777).toBe(0o640)
    // nothing stays behind in the private folder
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
    expect((await stat(join(dir, 'tmp'))).mode & 0o777).toBe(0o700)
  })

  it('clears plaintext a crash left in the private folder when it starts', async () => {
    const dir = await tempDir()
    const release = new Release({ dir })
    await release.start()
    await writeFile(release.tempPath('cd'.repeat(16), 'check'), 'left over')
    await new Release({ dir }).start()
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
  })

  it('quarantines what the scanner finds, read-only, and releases nothing when the scanner fails', async () => {
    const dir = await tempDir()
    const id = 'ef'.repeat(16)
    const infected = new Release({ dir, scanCommand: ['sh', '-c', 'echo "$1: Eicar-Test-Signature FOUND"; exit 1', 'scan', '{}'] })
    await infected.start()
    const temp = infected.tempPath(id, 'release')
    await writeFile(temp, 'X5O!P%@AP')
    expect(await infected.scan(id, temp)).toEqual({ infected: true, reason: 'Eicar-Test-Signature' })
    await expect(stat(temp)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await readFile(join(dir, 'quarantine', id), 'utf8')).toBe('X5O!P%@AP')
    expect((await stat(join(dir, 'quarantine', id))).mode & 0o777).toBe(0o400)
    expect((await stat(join(dir, 'quarantine'))).mode & 0o777).toBe(0o700)

    const broken = new Release({ dir, scanCommand: ['sh', '-c', 'echo no database >&2; exit 2', 'scan'] })
    const other = broken.tempPath(id, 'release')
    await writeFile(other, 'fine')
    const failed = broken.scan(id, other)
    await expect(failed).rejects.toMatchObject({ name: 'ScanFailedError' })
    await expect(failed).rejects.toThrow(/no database/)

    const clean = new Release({ dir, scanCommand: ['sh', '-c', 'exit 0', 'scan'] })
    expect(await clean.scan(id, other)).toEqual({ infected: false })
    expect(await new Release({ dir }).scan(id, '/nonexistent')).toEqual({ infected: false })
  })
})
