import { chmod, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createNode } from '../../../src/node.js'

/** Every path under `dir` (itself included) with its permission bits, symbolic links left out. */
async function modes (dir: string): Promise<Array<[string, number, boolean]>> {
  const out: Array<[string, number, boolean]> = []
  const info = await lstat(dir)
  out.push([dir, info.mode & 0o777, info.isDirectory()])
  if (!info.isDirectory()) return out
  for (const name of await readdir(dir)) {
    const child = join(dir, name)
    if ((await lstat(child)).isSymbolicLink()) continue
    out.push(...await modes(child))
  }
  return out
}

describe('store/permissions: the data dir is owner-only whatever existed before', () => {
  const dirs: string[] = []
  const umask = process.umask()
  afterEach(async () => {
    process.umask(umask)
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })

  it('refuses a data dir where one of parley\'s own folders is a link to somewhere else', async () => {
    // another local user who could once write the data dir plants files -> a folder of theirs: the
    // sealed files and the private folder downloads are scanned in would live there
    const base = await mkdtemp(join(tmpdir(), 'parley-perm-'))
    dirs.push(base)
    const dataDir = join(base, 'data')
    const theirs = join(base, 'theirs')
    await mkdir(dataDir, { mode: 0o700 })
    await mkdir(theirs, { mode: 0o777 })
    await symlink(theirs, join(dataDir, 'files'))
    await expect(createNode({ dataDir, name: 'ann', mdns: false })).rejects.toThrow(/symbolic link/)
  })

  it('makes a pre-existing world-readable data dir, its log and everything in it private on open', async () => {
    // another local user's view: a folder made by hand (0755) before init, with a readable log
    process.umask(0o022)
    const base = await mkdtemp(join(tmpdir(), 'parley-perm-'))
    dirs.push(base)
    const dataDir = join(base, 'data')
    await mkdir(join(dataDir, 'log'), { recursive: true, mode: 0o755 })
    await chmod(dataDir, 0o755)
    await writeFile(join(dataDir, 'notes.txt'), 'left here before', { mode: 0o644 })
    await mkdir(join(dataDir, 'files'), { mode: 0o777 })
    await chmod(join(dataDir, 'files'), 0o777)
    await writeFile(join(dataDir, 'files', 'x.json'), '{}', { mode: 0o666 })
    // a link pointing out of the dir is not followed
    const outside = join(base, 'outside.txt')
    await writeFile(outside, 'not ours to change', { mode: 0o644 })
    await symlink(outside, join(dataDir, 'link'))

    const node = await createNode({ dataDir, name: 'ann', mdns: false })
    try {
      const all = await modes(dataDir)
      // LevelDB's own files are there, and private too
      expect(all.some(([p]) => p.endsWith(join('log', 'CURRENT')))).toBe(true)
      expect(all.some(([p]) => p.endsWith('identity.key'))).toBe(true)
      for (const [path, mode, isDir] of all) {
        // what parley did not put there is left alone (it is behind the 0700 folder all the same)
        if (path === join(dataDir, 'notes.txt')) expect(mode).toBe(0o644)
        else expect([path, mode]).toEqual([path, isDir ? 0o700 : 0o600])
      }
      expect((await lstat(outside)).mode & 0o777).toBe(0o644)
    } finally {
      await node.stop()
    }
  })
})
