/**
 * What another user of the workstation can see of a real daemon's data dir, and the mode of what it
 * releases: loopback only, no multicast.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Daemon } from '../helpers/daemon.js'
import type { FileView } from '../../src/events.js'

const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

/** Every path under `dir` (itself included) with its permission bits, symbolic links left out. */
async function modes (dir: string): Promise<Array<[string, number, 'dir' | 'file' | 'other']>> {
  const info = await lstat(dir)
  const kind = info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other'
  const out: Array<[string, number, 'dir' | 'file' | 'other']> = [[dir, info.mode & 0o777, kind]]
  if (kind === 'dir') for (const name of await readdir(dir)) if (!(await lstat(join(dir, name))).isSymbolicLink()) out.push(...await modes(join(dir, name)))
  return out
}

describe('a daemon\'s files and another local user', () => {
  let root = ''
  const daemons: Daemon[] = []
  const umask = process.umask(0o022)
  process.umask(umask)
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map(async d => d.stop('SIGKILL')))
    process.umask(umask)
    if (root !== '') await rm(root, { recursive: true, force: true })
  })

  it('keeps a pre-existing data dir owner-only while it runs, and releases files with the user\'s umask', async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-perm-e2e-'))
    const data = join(root, 'data')
    await mkdir(data, { mode: 0o755 })
    await chmod(data, 0o755)
    await mkdir(join(data, 'log'), { mode: 0o755 })
    await chmod(join(data, 'log'), 0o755)
    // the daemon inherits this umask: released files get 0640, everything in the data dir stays private
    process.umask(0o027)
    const d = await Daemon.start(data, [...LOOPBACK, '--name', 'Dee'])
    daemons.push(d)
    expect((await d.cli('org', 'create', 'Acme')).code).toBe(0)
    for (let i = 0; i < 20; i++) expect((await d.cli('send', '--team', 'general', `message ${i}`)).code).toBe(0)
    const src = join(root, 'plan.txt')
    await writeFile(src, 'the plan')
    const sent = await d.cli('file', 'send', '--team', 'general', '--json', src)
    expect(sent.code, sent.stderr).toBe(0)
    const out = join(root, 'out')
    const got = await d.cli('file', 'get', (JSON.parse(sent.stdout) as FileView).id, '--out', out, '--json')
    expect(got.code, got.stderr).toBe(0)
    expect((await stat((JSON.parse(got.stdout) as { path: string }).path)).mode & 0o777).toBe(0o640)
    for (const [path, mode, kind] of await modes(data)) {
      if (kind === 'dir') expect([path, mode]).toEqual([path, 0o700])
      else expect([path, mode & 0o077]).toEqual([path, 0])
    }
  })
})
