import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileStore, storedManifest } from '../../../src/files/file-store.js'
import { AUTHOR, sealedFixture } from './helpers.js'
import type { KnownFile } from '../../../src/files/file-store.js'
import type { SealedFixture } from './helpers.js'

describe('files/file-store', () => {
  const dirs: string[] = []
  afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }) })

  async function store (): Promise<FileStore> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-file-store-'))
    dirs.push(dir)
    return new FileStore(dir)
  }

  function known (fixture: SealedFixture, over: Partial<KnownFile['stored']> = {}): KnownFile {
    return {
      stored: { entryId: 'e1', team: 'general', author: AUTHOR, authorName: 'bob', time: 5, state: 'remote', wanted: true, manifest: storedManifest(fixture.manifest), ...over },
      manifest: fixture.manifest
    }
  }

  it('persists what it knows of a file and reads it back after a restart, skipping an unreadable record', async () => {
    const s = await store()
    const fixture = sealedFixture(3000, 1024)
    const k = known(fixture, { state: 'quarantined', reason: 'Eicar', wanted: false })
    s.add(k)
    // saves of one file run in turn: the last state given is the one on disk
    k.stored.authorName = 'first'
    const first = s.save(k)
    k.stored.authorName = 'Bob Builder'
    await Promise.all([first, s.save(k)])
    await writeFile(join(s.dir, 'broken.json'), '{ not json')
    await writeFile(join(s.dir, '0123.sealed.part'), 'a send that was interrupted')

    const again = new FileStore(s.dir)
    const skipped = await again.load()
    expect(skipped.map(x => x.name)).toEqual(['broken.json'])
    expect(await readdir(s.dir)).not.toContain('0123.sealed.part')
    const back = again.get(fixture.id)!
    expect(back.stored).toEqual(k.stored)
    expect(back.manifest).toEqual(fixture.manifest)
    expect(again.view(back)).toMatchObject({ id: fixture.id, team: 'general', authorName: 'Bob Builder', state: 'quarantined', reason: 'Eicar', held: 0, size: 3000 })
  })

  it('forgets a file: its record and sealed copy go', async () => {
    const s = await store()
    const fixture = sealedFixture(100, 1024)
    const k = known(fixture)
    s.add(k)
    await s.save(k)
    await writeFile(s.sealedPath(fixture.id), fixture.sealed[0]!)
    expect((await readdir(s.dir)).sort()).toEqual([`${fixture.id}.json`, `${fixture.id}.sealed`])
    await s.forget(fixture.id)
    expect(s.has(fixture.id)).toBe(false)
    expect(await readdir(s.dir)).toEqual([])
    expect(await new FileStore(s.dir).load()).toEqual([])
    // forgetting twice, or an unknown file, is fine
    await s.forget(fixture.id)
  })

  it('finds a file by a unique prefix of its id and says why it cannot', async () => {
    const s = await store()
    const fixture = sealedFixture(100, 1024)
    s.add(known(fixture))
    expect(s.lookup(fixture.id.slice(0, 4).toUpperCase()).stored.manifest.id).toBe(fixture.id)
    expect(() => s.lookup('xyz')).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => s.lookup('../etc')).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    const other = fixture.id.startsWith('0000') ? 'ffff' : '0000'
    expect(() => s.lookup(other)).toThrow(expect.objectContaining({ name: 'FileNotFoundError' }))
  })

  it('counts as held only the chunks of a sealed copy that match the manifest, and forgets that on damage', async () => {
    const s = await store()
    const fixture = sealedFixture(3 * 1024, 1024)
    const k = known(fixture, { state: 'partial' })
    s.add(k)
    expect((await s.held(k)).count).toBe(0)
    k.have = undefined
    const copy = Buffer.concat(fixture.sealed)
    copy[1024 + 16 + 3]! ^= 1
    await writeFile(s.sealedPath(fixture.id), copy)
    const have = await s.held(k)
    expect([0, 1, 2].map(i => have.has(i))).toEqual([true, false, true])
    expect(s.view(k).held).toBe(2 * 1024)
    k.stored.state = 'complete'
    await s.markDamaged(k)
    expect(k.stored.state).toBe('partial')
    expect(k.have).toBeUndefined()
  })

  it('marks a corrupt or quarantined file so, and deletes its sealed copy', async () => {
    const s = await store()
    for (const mark of ['corrupt', 'quarantined'] as const) {
      const fixture = sealedFixture(100, 1024)
      const k = known(fixture)
      s.add(k)
      await writeFile(s.sealedPath(fixture.id), fixture.sealed[0]!)
      if (mark === 'corrupt') await s.markCorrupt(k, 'the whole does not match')
      else await s.markQuarantined(k, 'Eicar')
      expect(k.stored).toMatchObject({ state: mark })
      expect(await readdir(s.dir)).not.toContain(`${fixture.id}.sealed`)
      const back = new FileStore(s.dir)
      await back.load()
      expect(back.get(fixture.id)?.stored.state).toBe(mark)
    }
  })

  it('serves a chunk only whole: a sealed copy cut short on disk sends no stale memory', async () => {
    const s = await store()
    const fixture = sealedFixture(3 * 1024, 1024)
    const k = known(fixture, { state: 'complete' })
    s.add(k)
    await writeFile(s.sealedPath(fixture.id), Buffer.concat(fixture.sealed).subarray(0, 2 * (1024 + 16) + 100))
    const served = s.served(k)
    expect((await served.held()).complete).toBe(true)
    const chunks = await served.openChunks()
    try {
      expect(Buffer.from(await chunks.read(1)).equals(fixture.sealed[1]!)).toBe(true)
      await expect(chunks.read(2)).rejects.toMatchObject({ name: 'DamagedCopyError' })
    } finally {
      await chunks.close()
    }
  })
})
