/**
 * Another user of the same workstation: they can write a shared download folder, but must never get
 * their own file released under the name of a file parley fetched, nor read what parley keeps.
 */
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Fixture, waitFor } from '../helpers/nodes.js'
import type { ParleyNode } from '../../src/node.js'

describe('another local user and the download folder', () => {
  const fx = new Fixture()
  const umask = process.umask(0o022)
  process.umask(umask)
  afterEach(async () => {
    process.umask(umask)
    await fx.cleanup()
  })

  it('cannot swap the file being scanned in a group-writable download folder', async () => {
    const downloads = await fx.tempDir()
    await chmod(downloads, 0o777)
    // the scanner runs while the file waits for release; here it also plays the other user, who
    // renames any parley file it finds in the folder away and puts its own in its place
    const swap = 'for f in "$1"/.parley-partial-* "$1"/.*parley*; do [ -f "$f" ] || continue; mv "$f" "$1/moved-away"; printf "attacker payload" > "$f"; done; exit 0'
    const [a, b] = await fx.office(2, 'Acme', (i) => i === 1 ? { files: { downloadDir: downloads, scanCommand: ['sh', '-c', swap, 'sh', downloads, '{}'] } } : {}) as [ParleyNode, ParleyNode]
    const src = await fx.tempDir()
    await writeFile(join(src, 'contract.txt'), 'the genuine contract')
    const sent = await a.sendFile('general', join(src, 'contract.txt'))
    await waitFor(() => b.listFiles().some(f => f.id === sent.id && f.state === 'complete'), 10_000, 'fetched and scanned')
    const got = await b.getFile(sent.id)
    expect(await readFile(got.path, 'utf8')).toBe('the genuine contract')
    expect(await readdir(downloads)).toEqual(['contract.txt'])
  })

  it('gives a released file the mode the user\'s umask gives, not a forced 0644', async () => {
    process.umask(0o027)
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    const src = await fx.tempDir()
    await writeFile(join(src, 'salaries.txt'), 'private')
    const sent = await a.sendFile('general', join(src, 'salaries.txt'))
    await waitFor(() => b.listFiles().some(f => f.id === sent.id), 10_000, 'the manifest at b')
    const got = await b.getFile(sent.id, { outDir: await fx.tempDir() })
    expect((await stat(got.path)).mode & 0o777).toBe(0o640)
  })
})
