/**
 * A full disk: sending fails with a clear error, nothing acknowledged is lost, the log is not
 * corrupted, and the node carries on once there is space. The data dir sits on a small tmpfs.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { call, Daemon } from '../helpers/daemon.js'
import { Fixture, waitFor } from '../helpers/nodes.js'

const exec = promisify(execFile)
const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

async function canMount (): Promise<boolean> {
  if (process.getuid?.() !== 0) return false
  const probe = await mkdtemp(join(tmpdir(), 'parley-mount-probe-'))
  try {
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe])
    await exec('umount', [probe])
    return true
  } catch {
    return false
  } finally {
    await rm(probe, { recursive: true, force: true })
  }
}

const mountable = await canMount()
if (!mountable) {
  const message = 'CANNOT MOUNT A TMPFS (not root?): the disk-full test cannot run here'
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(`\n!!! ${message}; skipping it. !!!\n`)
}

describe.skipIf(!mountable)('a full disk', () => {
  let mnt: string
  let d: Daemon | undefined
  beforeAll(async () => {
    mnt = await mkdtemp(join(tmpdir(), 'parley-tmpfs-'))
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt])
  })
  afterAll(async () => {
    await d?.stop('SIGKILL')
    await exec('umount', [mnt]).catch(() => {}) // not mounted
    await rm(mnt, { recursive: true, force: true })
  })

  it('refuses to send with a clear error, keeps every acknowledged message, and recovers', async () => {
    const data = join(mnt, 'data')
    d = await Daemon.start(data, LOOPBACK)
    await call(d, 'org.create', { name: 'Tight' })
    const acked: string[] = []
    const client = await ControlClient.connect(data)
    let failure: Error | undefined
    try {
      // fill the disk around the node, then keep sending until a send is refused (bounded)
      await writeFile(join(mnt, 'filler'), Buffer.alloc(3 * 1024 * 1024))
      const text = 'x'.repeat(8000)
      for (let i = 0; i < 2000 && failure === undefined; i++) {
        try {
          acked.push((await client.request('send', { team: 'general', text: `${i} ${text}` })).id)
        } catch (err) {
          failure = err as Error
        }
      }
    } finally {
      client.close()
    }
    expect(failure?.name).toBe('DiskFullError')
    expect(failure?.message).toMatch(/is full: the message was not sent/)
    expect(acked.length).toBeGreaterThan(0)
    // free space: the node carries on without a restart
    await rm(join(mnt, 'filler'))
    const after = await call(d, 'send', { team: 'general', text: 'space again' })
    expect(after.seq).toBe(acked.length + 1)
    // and after a restart the log opens with everything acknowledged
    expect(await d.stop('SIGTERM')).toBe(0)
    d = await Daemon.start(data, LOOPBACK)
    const stored = (await call(d, 'history', { team: 'general', limit: 10_000 })).messages.map(m => m.id)
    expect(acked.filter(id => !stored.includes(id))).toEqual([])
    expect(stored).toContain(after.id)
  })

  it('stops fetching a file with a clear error when the disk fills, and resumes once there is space', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-tmpfs-files-'))
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', dir])
    const fx = new Fixture()
    try {
      const [sender, receiver] = await fx.office(2, 'Tight', i => i === 1 ? { dataDir: join(dir, 'data'), files: { autoDownloadBytes: 0 } } : {})
      const source = join(await fx.tempDir(), 'big.bin')
      const bytes = randomBytes(20 * 1024 * 1024)
      await writeFile(source, bytes)
      const sent = await sender!.sendFile('general', source)
      await waitFor(() => receiver!.listFiles().some(f => f.id === sent.id), 10_000, 'the manifest at the receiver')
      const out = await fx.tempDir()
      const failure = await receiver!.getFile(sent.id, { outDir: out }).then(() => undefined, (err: Error) => err)
      expect(failure?.name).toBe('DiskFullError')
      expect(failure?.message).toMatch(/no space left to save big\.bin/)
      // space again: the fetch resumes from the chunks already verified, and the file is whole
      await exec('mount', ['-o', 'remount,size=64m', dir])
      const got = await receiver!.getFile(sent.id, { outDir: out })
      expect((await readFile(got.path)).equals(bytes)).toBe(true)
    } finally {
      await fx.cleanup()
      await exec('umount', [dir]).catch(() => {}) // not mounted
      await rm(dir, { recursive: true, force: true })
    }
  })
})
