import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CorruptIdentityError } from '../../../src/errors.js'
import { IDENTITY_KEY_FILE, loadOrCreateIdentity, PROFILE_FILE } from '../../../src/store/identity-file.js'

describe('store/identity-file', () => {
  let dir: string
  beforeEach(async () => { dir = join(await mkdtemp(join(tmpdir(), 'parley-id-')), 'data') })
  afterEach(async () => { await rm(join(dir, '..'), { recursive: true, force: true }) })

  it('creates an owner-only key once and keeps it and the name', async () => {
    const first = await loadOrCreateIdentity(dir, 'alice')
    expect(first.created).toBe(true)
    expect((await stat(join(dir, IDENTITY_KEY_FILE))).mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    const second = await loadOrCreateIdentity(dir, 'bob')
    expect(second.created).toBe(false)
    expect(second.name).toBe('alice')
    expect(second.key.publicKey.raw).toEqual(first.key.publicKey.raw)
  })

  it('refuses to replace a key file it cannot read', async () => {
    await loadOrCreateIdentity(dir, 'alice')
    await writeFile(join(dir, IDENTITY_KEY_FILE), 'garbage')
    await expect(loadOrCreateIdentity(dir, 'alice')).rejects.toBeInstanceOf(CorruptIdentityError)
    expect(await readFile(join(dir, IDENTITY_KEY_FILE), 'utf8')).toBe('garbage')
  })

  it('recovers the display name from a damaged profile without touching the key', async () => {
    const first = await loadOrCreateIdentity(dir, 'alice')
    await writeFile(join(dir, PROFILE_FILE), '{not json')
    const again = await loadOrCreateIdentity(dir, 'fallback')
    expect(again.name).toBe('fallback')
    expect(again.key.publicKey.raw).toEqual(first.key.publicKey.raw)
  })
})
