import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TypedEventEmitter } from 'main-event'
import { afterEach, describe, expect, it } from 'vitest'
import { ChunkSet, chunkMatches, chunkSizeFor, fileIdBound, fileIdOf, newFileKey, openChunk, sealChunk, sealedSpan, sha256 } from '../../../src/files/chunks.js'
import { numberedName, placeUnique, sanitizeFileName } from '../../../src/files/names.js'
import { parseScanCommand, scanFile } from '../../../src/files/scanner.js'
import { FileService } from '../../../src/files/file-service.js'
import type { FileServiceComponents } from '../../../src/files/file-service.js'
import type { ParleyEvents } from '../../../src/events.js'
import { checkManifest, decodeBody, encodeBody, MAX_FILE_CHUNKS } from '../../../src/model/index.js'
import type { FileManifest } from '../../../src/model/index.js'

describe('file names from the network', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['/etc/shadow', 'shadow'],
    ['C:\\Users\\x\\evil.bat', 'evil.bat'],
    ['..', 'file'],
    ['.bashrc', 'bashrc'],
    ['', 'file'],
    ['\u001b[2J\u001b[31mred.txt', 'red.txt'],
    ['\u001b]0;title\u0007x.txt', 'x.txt'],
    ['a\u0000b\nc\td.txt', 'abcd.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['invoice\u061Cfdp.exe', 'invoicefdp.exe'],
    ['pay\u2066roll\u2069\u200B.pdf\u00AD', 'payroll.pdf'],
    ['tagged\u{E0041}\u{E0042}.txt', 'tagged.txt'],
    ['line\u2028break.txt', 'linebreak.txt'],
    ['con.txt', '_con.txt'],
    ['what?<>|"*.txt', 'what______.txt'],
    ['trailing. . ', 'trailing'],
    ['Ünïcödé résumé.odt', 'Ünïcödé résumé.odt']
  ])('%j becomes %j', (given, safe) => {
    expect(sanitizeFileName(given)).toBe(safe)
  })

  it('cuts long names on a character boundary and keeps the extension', () => {
    const safe = sanitizeFileName('é'.repeat(300) + '.pdf')
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200)
    expect(safe.endsWith('.pdf')).toBe(true)
    expect(safe).not.toContain('\ufffd')
  })

  it('numbers copies before the extension', () => {
    expect(numberedName('plan.pdf', 2)).toBe('plan (2).pdf')
    expect(numberedName('README', 1)).toBe('README (1)')
  })

  describe('placeUnique', () => {
    let dir = ''
    afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

    it('never replaces an existing file', async () => {
      dir = await mkdtemp(join(tmpdir(), 'parley-names-'))
      await writeFile(join(dir, 'a.txt'), 'original')
      for (let i = 0; i < 3; i++) {
        await writeFile(join(dir, '.tmp'), `copy ${i}`)
        await placeUnique(join(dir, '.tmp'), dir, '../a.txt')
      }
      expect((await readdir(dir)).sort()).toEqual(['a (1).txt', 'a (2).txt', 'a (3).txt', 'a.txt'])
    })

    it('onto another filesystem, copies into a new file only, never through a planted link, keeping the mode', async () => {
      dir = await mkdtemp(join(tmpdir(), 'parley-names-'))
      // /dev/shm is a tmpfs here, apart from the disk: no hard link across
      const privateDir = await mkdtemp('/dev/shm/parley-private-')
      try {
        const victim = join(dir, 'victim.txt')
        await writeFile(victim, 'do not touch')
        await symlink(victim, join(dir, 'a.txt'))
        const from = join(privateDir, 'checked')
        await writeFile(from, 'the checked file', { mode: 0o640 })
        await chmod(from, 0o640)
        const placed = await placeUnique(from, dir, 'a.txt')
        expect(placed).toBe(join(dir, 'a (1).txt'))
        expect(await readFile(placed, 'utf8')).toBe('the checked file')
        expect((await stat(placed)).mode & 0o777).toBe(0o640)
        expect(await readFile(victim, 'utf8')).toBe('do not touch')
        expect(await readdir(privateDir)).toEqual([])
      } finally {
        await rm(privateDir, { recursive: true, force: true })
      }
    })
  })
})

describe('chunks', () => {
  it('grows the chunk size so the list fits a manifest', () => {
    expect(chunkSizeFor(0)).toBe(1024 * 1024)
    expect(chunkSizeFor(500e6)).toBe(1024 * 1024)
    expect(Math.ceil(5e9 / chunkSizeFor(5e9))).toBeLessThanOrEqual(MAX_FILE_CHUNKS)
  })

  it('seals and opens a chunk; another index, key or byte fails', () => {
    const key = newFileKey()
    const plain = Buffer.from('some file bytes')
    const sealed = sealChunk(key, 3, plain)
    expect(openChunk(key, 3, sealed).equals(plain)).toBe(true)
    expect(() => openChunk(key, 4, sealed)).toThrow(/does not decrypt/)
    expect(() => openChunk(newFileKey(), 3, sealed)).toThrow(/does not decrypt/)
    const bad = Buffer.from(sealed)
    bad[0]! ^= 1
    expect(() => openChunk(key, 3, bad)).toThrow(/does not decrypt/)
  })

  it('matches chunks by hash and length', () => {
    const key = newFileKey()
    const sealed = sealChunk(key, 0, Buffer.alloc(100, 1))
    const m = manifest({ size: 100, chunks: [new Uint8Array(sha256(sealed))] })
    expect(chunkMatches(m, 0, sealed)).toBe(true)
    expect(chunkMatches(m, 0, sealed.subarray(1))).toBe(false)
    expect(chunkMatches(m, 1, sealed)).toBe(false)
    expect(sealedSpan({ size: 100, chunkSize: 65536 }, 0)).toEqual({ offset: 0, length: 116 })
  })

  it('keeps a chunk set as a bitmap', () => {
    const set = new ChunkSet(10)
    for (const i of [0, 3, 9, 9, 12, -1]) set.add(i)
    expect(set.count).toBe(3)
    const copy = new ChunkSet(10, set.toBytes())
    expect([...Array(10).keys()].filter(i => copy.has(i))).toEqual([0, 3, 9])
    expect(copy.complete).toBe(false)
  })
})

describe('manifests', () => {
  it('travel in a body and are checked on the way in and out', () => {
    const m = manifest({ size: 3 * 65536, chunkSize: 65536, chunks: [1, 2, 3].map(i => new Uint8Array(32).fill(i)) })
    const body = decodeBody(encodeBody({ text: 'caption', authorName: 'ann', file: m }))
    expect(body.file?.chunks).toHaveLength(3)
    expect(() => { checkManifest({ ...m, chunks: m.chunks.slice(1) }) }).toThrow(/chunk count/)
    expect(() => { checkManifest({ ...m, key: new Uint8Array(5) }) }).toThrow(/key/)
    expect(() => { checkManifest({ ...m, chunkSize: 10 }) }).toThrow(/chunk size/)
    expect(() => { checkManifest({ ...m, size: -1 }) }).toThrow(/size/)
  })
})

describe('file ids', () => {
  const bob = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBob'
  const dave = '12D3KooWDaveDaveDaveDaveDaveDaveDaveDaveDaveDaveDave'
  const dirs: string[] = []
  afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }) })

  it('are bound to the sharer, the team and every field of the manifest', () => {
    const m = manifest({ size: 10, chunks: [new Uint8Array(32).fill(7)] })
    const id = fileIdOf(bob, 'general', m)
    expect(fileIdOf(bob, 'general', { ...m })).toEqual(id)
    for (const other of [fileIdOf(dave, 'general', m), fileIdOf(bob, 'dev', m), fileIdOf(bob, 'general', { ...m, name: 'g.bin' }), fileIdOf(bob, 'general', { ...m, sha256: new Uint8Array(32).fill(1) }), fileIdOf(bob, 'general', { ...m, chunks: [new Uint8Array(32).fill(8)] })]) {
      expect(other).not.toEqual(id)
    }
    expect(fileIdBound(bob, 'general', { ...m, id })).toBe(true)
    expect(fileIdBound(dave, 'general', { ...m, id })).toBe(false)
  })

  it('cannot be taken over: another author\'s manifest under a file\'s id is refused, whichever arrives first', async () => {
    for (const order of ['hijack first', 'genuine first'] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'parley-files-'))
      dirs.push(dir)
      const warnings: string[] = []
      // no transfers: nothing is fetched below the auto-download size of 0
      const events = new TypedEventEmitter<ParleyEvents>()
      events.addEventListener('node:warning', (e) => { warnings.push(e.detail.message) })
      const components: FileServiceComponents = {
        libp2p: { handle: async () => {}, unhandle: async () => {}, dialProtocol: async () => await Promise.reject(new Error('no network here')), getPeers: () => [] },
        orgs: { current: undefined },
        selfId: 'me',
        events,
        messages: { post: async () => await Promise.resolve({ id: '' }) }
      }
      const service = new FileService(components, { dir, downloadDir: dir, autoDownloadBytes: 0, maxFileBytes: 1e9 })
      const genuine = manifest({ size: 10, name: 'payroll.xlsx', chunks: [new Uint8Array(32).fill(7)], sha256: new Uint8Array(32).fill(3) })
      genuine.id = fileIdOf(bob, 'general', genuine)
      // Dave's own payload (other hashes), under the id of Bob's file
      const hijack = { ...genuine, chunks: [new Uint8Array(32).fill(9)], sha256: new Uint8Array(32).fill(4) }
      const notices = [
        { entryId: 'b', team: 'general', author: bob, authorName: 'bob', time: 2, manifest: genuine },
        { entryId: 'd', team: 'general', author: dave, authorName: 'dave', time: 1, manifest: hijack }
      ]
      if (order === 'hijack first') notices.reverse()
      for (const n of notices) await service.notice(n)
      const file = service.find(Buffer.from(genuine.id).toString('hex'))
      expect(file).toMatchObject({ author: bob, entryId: 'b', sha256: Buffer.from(genuine.sha256).toString('hex') })
      expect(warnings.some(w => /refused/.test(w))).toBe(true)
      await service.stop()
    }
  })
})

describe('the scan hook', () => {
  it('splits the command, with quotes and the {} placeholder', () => {
    expect(parseScanCommand('clamscan --no-summary -d "/var/lib/my db" {}')).toEqual(['clamscan', '--no-summary', '-d', '/var/lib/my db', '{}'])
    expect(() => parseScanCommand('  ')).toThrow(/empty/)
  })

  it('reads exit 0 as clean, 1 as infected and anything else as no verdict', async () => {
    expect(await scanFile(['sh', '-c', 'exit 0', 'x'], '/nonexistent')).toEqual({ infected: false })
    expect(await scanFile(['sh', '-c', 'echo "$1: Eicar-Test-Signature FOUND"; exit 1', 'x', '{}'], '/tmp/f')).toEqual({ infected: true, reason: 'Eicar-Test-Signature' })
    await expect(scanFile(['sh', '-c', 'echo broken >&2; exit 2', 'x'], '/tmp/f')).rejects.toThrow(/^sh failed \(exit 2\): broken$/)
    await expect(scanFile(['/no/such/scanner'], '/tmp/f')).rejects.toThrow(/could not be run \(ENOENT\)/)
    await expect(scanFile(['/no/such/scanner'], '/tmp/f')).rejects.toMatchObject({ name: 'ScanFailedError' })
  })
})

function manifest (over: Partial<FileManifest>): FileManifest {
  return {
    id: new Uint8Array(16),
    name: 'f.bin',
    size: 0,
    type: 'application/octet-stream',
    chunkSize: 65536,
    key: new Uint8Array(32),
    chunks: [new Uint8Array(32)],
    sha256: new Uint8Array(32),
    ...over
  }
}
