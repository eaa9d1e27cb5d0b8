import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pbStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { FileHave, FileOpen } from '../../src/model/index.js'
import { FILE_PROTOCOL } from '../../src/net/topics.js'
import { verifyExport } from '../../src/export/export-file.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import { flipBytes } from '../helpers/damage.js'
import type { ParleyNode } from '../../src/node.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'

const MiB = 1024 * 1024

describe('files between nodes in one process (loopback)', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  async function randomFile (name: string, size: number): Promise<{ path: string, bytes: Buffer }> {
    const bytes = randomBytes(size)
    const path = join(await fx.tempDir(), name)
    await writeFile(path, bytes)
    return { path, bytes }
  }

  it('sends a file that every member fetches by itself and saves byte-identical under its name', async () => {
    const [a, b, c] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const { path, bytes } = await randomFile('plan.pdf', 3 * MiB + 123)
    const done = [b, c].map(async n => nextEvent(n, 'file:complete', f => f.name === 'plan.pdf', 20_000))
    const announced = nextEvent(b, 'message:added', m => m.file !== undefined)
    const sent = await a.sendFile('general', path, { caption: 'the plan' })
    expect(sent).toMatchObject({ name: 'plan.pdf', size: bytes.length, type: 'application/pdf', state: 'complete' })
    const message = await announced
    expect(message).toMatchObject({ text: 'the plan', file: { id: sent.id, name: 'plan.pdf', size: bytes.length } })
    await Promise.all(done)
    for (const n of [b, c]) {
      expect(n.listFiles('general').map(f => [f.id, f.state])).toEqual([[sent.id, 'complete']])
      const out = await fx.tempDir()
      const got = await n.getFile(sent.id.slice(0, 8), { outDir: out })
      expect(got.path).toBe(join(out, 'plan.pdf'))
      expect((await readFile(got.path)).equals(bytes)).toBe(true)
      // a second copy never replaces the first
      const again = await n.getFile(sent.id, { outDir: out })
      expect(again.path).toBe(join(out, 'plan (1).pdf'))
      expect((await readdir(out)).sort()).toEqual(['plan (1).pdf', 'plan.pdf'])
    }
    // found by its name in search
    expect((await b.search('plan.pdf')).map(m => m.id)).toContain(message.id)
    // and recorded with its hash in a verifiable export, as JSONL and as CSV
    const sha = createHash('sha256').update(bytes).digest('hex')
    const lines = await c.exportTeam('general')
    expect(lines.map(l => JSON.parse(l) as { file?: unknown }).find(r => r.file !== undefined)?.file).toEqual({ id: sent.id, name: 'plan.pdf', size: bytes.length, sha256: sha })
    expect((await verifyExport(lines.join('\n'))).records).toBeGreaterThan(0)
    const csv = await c.exportTeam('general', { format: 'csv' })
    expect(csv.join('\n')).toContain(sha)
    expect((await verifyExport(csv.join('\n'))).records).toBeGreaterThan(0)
  })

  it('sanitises hostile names: no paths, no escapes, no hidden files', async () => {
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    const { path } = await randomFile('x.bin', 1000)
    const hostile = ['../../../../etc/passwd', '/root/.bashrc', 'C:\\Windows\\evil.exe', '\u001b]0;pwned\u0007\u001b[31mred.txt', 'in\u202Eelif.exe', '..']
    const expected = ['passwd', '.bashrc'.slice(1), 'evil.exe', 'red.txt', 'inelif.exe', 'file']
    const out = await fx.tempDir()
    for (const [i, name] of hostile.entries()) {
      const seen = nextEvent(b, 'file:complete', f => f.author === a.peerId && f.name === expected[i])
      const sent = await a.sendFile('general', path, { name })
      await seen
      const got = await b.getFile(sent.id, { outDir: out })
      expect(got.path).toBe(join(out, expected[i]!))
    }
    expect((await readdir(out)).sort()).toEqual([...expected].sort())
  })

  it('refuses files over the size limit on both sides, and fetches big ones only on request', async () => {
    const [a, b] = await fx.office(2, 'Acme', i => ({ files: { maxFileBytes: i === 0 ? 8 * MiB : 2 * MiB, autoDownloadBytes: MiB } }))
    const big = await randomFile('big.iso', 4 * MiB)
    const small = await randomFile('small.txt', 2 * MiB)
    await expect(b!.sendFile('general', big.path)).rejects.toMatchObject({ name: 'FileTooLargeError' })
    const added = nextEvent(b!, 'file:added', f => f.name === 'big.iso')
    const sent = await a!.sendFile('general', big.path)
    await added
    await expect(b!.getFile(sent.id, { outDir: await fx.tempDir() })).rejects.toMatchObject({ name: 'FileTooLargeError' })
    // over auto-download but under the limit: listed, not fetched until asked
    const addedSmall = nextEvent(b!, 'file:added', f => f.name === 'small.txt')
    const sentSmall = await a!.sendFile('general', small.path)
    await addedSmall
    expect(b!.fileInfo(sentSmall.id).state).toBe('remote')
    const got = await b!.getFile(sentSmall.id, { outDir: await fx.tempDir() })
    expect((await readFile(got.path)).equals(small.bytes)).toBe(true)
    await expect(b!.getFile('nothex')).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    await expect(b!.getFile('abcdef12')).rejects.toMatchObject({ name: 'FileNotFoundError' })
  })

  it('throws away a tampered chunk and fetches it from another peer', async () => {
    const [a, b, c] = await fx.office(3, 'Acme', i => ({ files: { autoDownloadBytes: i === 2 ? 0 : 100 * MiB } }))
    const { path, bytes } = await randomFile('data.bin', 6 * MiB)
    const atB = nextEvent(b!, 'file:complete', f => f.name === 'data.bin', 20_000)
    const sent = await a!.sendFile('general', path)
    await atB
    // b's copy goes bad on disk: every chunk has a flipped byte
    await flipBytes(join(b!.dataDir, 'files', `${sent.id}.sealed`), [0, 1, 2, 3, 4, 5].map(i => i * (MiB + 16) + 100))
    // with the sender away, b is the only source: its chunks are refused, never written
    const aDir = a!.dataDir
    await a!.stop()
    const refused = nextEvent(c!, 'node:warning', w => w.message.includes('bad copy') && w.message.includes(b!.peerId), 20_000)
    const fetching = c!.getFile(sent.id, { outDir: await fx.tempDir() })
    fetching.catch(() => {})
    await refused
    expect(c!.fileInfo(sent.id).state).toBe('partial')
    // the sender returns: the refused chunks come from it
    await fx.node({ dataDir: aDir, peers: [b!.info().addresses[0]!, c!.info().addresses[0]!] })
    const got = await fetching
    expect((await readFile(got.path)).equals(bytes)).toBe(true)
  })

  it('tells a copy damaged on its own disk from a bad file, and repairs it by fetching the damaged chunks again', async () => {
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    const { path, bytes } = await randomFile('notes.bin', 3 * MiB)
    const atB = nextEvent(b, 'file:complete', f => f.name === 'notes.bin', 20_000)
    const sent = await a.sendFile('general', path)
    await atB
    await flipBytes(join(b.dataDir, 'files', `${sent.id}.sealed`), [MiB + 16 + 7])
    const out = await fx.tempDir()
    const failure = await b.getFile(sent.id, { outDir: out }).then(() => undefined, (err: Error) => err)
    expect(failure?.name).toBe('DamagedCopyError')
    expect(failure?.message).toMatch(/chunk 1 of notes\.bin is damaged on this disk/)
    // not blamed on the sender: the file is not marked corrupt, and the next fetch repairs it
    expect(b.fileInfo(sent.id).state).toBe('partial')
    const got = await b.getFile(sent.id, { outDir: out })
    expect((await readFile(got.path)).equals(bytes)).toBe(true)
    expect(b.fileInfo(sent.id).state).toBe('complete')
    expect(await readdir(out)).toEqual(['notes.bin'])
  })

  it('resumes an interrupted transfer from its verified chunks, and completes from another holder when the sender is gone', async () => {
    const [a, b, c] = await fx.office(3, 'Acme', () => ({ files: { autoDownloadBytes: 0 } }))
    const { path, bytes } = await randomFile('video.mp4', 40 * MiB)
    const sent = await a!.sendFile('general', path)
    await waitFor(() => b!.listFiles().length === 1 && c!.listFiles().length === 1, 10_000, 'manifest everywhere')
    const bFull = await b!.getFile(sent.id, { outDir: await fx.tempDir() })
    expect((await readFile(bFull.path)).equals(bytes)).toBe(true)
    // c starts, is stopped after some chunks, and a (the sender) goes away for good
    const some = nextEvent(c!, 'file:progress', p => p.bytes > 0, 20_000)
    const first = c!.getFile(sent.id, { outDir: await fx.tempDir() })
    first.catch(() => {})
    await some
    const cDir = c!.dataDir
    await c!.stop()
    await a!.stop()
    const restarted = await fx.node({ dataDir: cDir, peers: [b!.info().addresses[0]!], files: { autoDownloadBytes: 0 } })
    const resumed = nextEvent(restarted, 'file:progress', () => true, 20_000)
    const complete = nextEvent(restarted, 'file:complete', f => f.id === sent.id, 30_000)
    // without resuming, the first report would count one chunk
    expect((await resumed).bytes).toBeGreaterThanOrEqual(2 * MiB)
    await complete
    const got = await restarted.getFile(sent.id, { outDir: await fx.tempDir() })
    expect((await readFile(got.path)).equals(bytes)).toBe(true)
  })

  it('serves no chunk to someone who is not in the team', async () => {
    const [a, b] = await fx.office(2, 'Acme', () => ({ files: { autoDownloadBytes: 0 } }))
    await a!.createTeam('board', [])
    const { path } = await randomFile('secret.txt', 5000)
    const sent = await a!.sendFile('board', path)
    expect(b!.listFiles()).toEqual([])
    // b asks a directly on the file protocol, as a modified client would
    const libp2p = (b as unknown as { libp2p: ParleyLibp2p }).libp2p
    const stream = await libp2p.dialProtocol(libp2p.getPeers().find(p => p.toString() === a!.peerId)!, FILE_PROTOCOL)
    const pb = pbStream(stream)
    await pb.write({ org: new Uint8Array(Buffer.from(a!.info().org!.id, 'hex')), team: 'board', file: new Uint8Array(Buffer.from(sent.id, 'hex')) }, FileOpen)
    const reply = await pb.read(FileHave)
    expect(reply.error).toBe('NotMemberError')
    expect(reply.chunks.length).toBe(0)
  })

  it('stops fetching the files of a team this node was taken out of', async () => {
    const [a, b] = await fx.office(2, 'Acme', () => ({ files: { autoDownloadBytes: 0 } }))
    await a!.createTeam('board', [b!.peerId])
    await waitFor(() => b!.joinedTeams().includes('board'), 10_000, 'b in board')
    const { path } = await randomFile('minutes.txt', 3 * MiB)
    const added = nextEvent(b!, 'file:added', f => f.name === 'minutes.txt')
    const sent = await a!.sendFile('board', path)
    await added
    await a!.removeFromTeam('board', b!.peerId)
    await waitFor(() => !b!.joinedTeams().includes('board'), 10_000, 'b out of board')
    await expect(b!.getFile(sent.id, { outDir: await fx.tempDir() })).rejects.toMatchObject({ name: 'NotMemberError' })
    expect(b!.listFiles()).toEqual([])
  })
})
