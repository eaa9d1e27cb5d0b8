import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import { feedKey, isRebuiltKey, orderKey, pad } from '../../../src/store/layout.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

async function entry (key: Ed25519PrivateKey, team: string, seq: number, lamport: number): Promise<VerifiedEntry> {
  return createEntry(key, { team, seq, lamport, wallTime: 1_000, epoch: 1, prev: new Uint8Array(seq === 1 ? 0 : 32), body: new Uint8Array(encodeBody({ text: `m${seq}`, authorName: 'x' })) })
}

describe('store/layout', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'parley-layout-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('pads numbers to 14 hex digits, so byte order is numeric order', () => {
    expect(pad(255)).toBe('000000000000ff')
    expect(pad(Number.MAX_SAFE_INTEGER)).toBe('1fffffffffffff')
    expect([pad(10), pad(9), pad(256)].sort()).toEqual([pad(9), pad(10), pad(256)])
  })

  it('writes an entry under exactly the keys of format 1', async () => {
    const key = await generateIdentityKey()
    const v = await entry(key, 'general', 3, 17)
    expect(orderKey(v)).toBe(`general:${pad(17)}:${v.author}:${pad(3)}`)
    expect(feedKey('general', v.author, 3)).toBe(`general:${v.author}:${pad(3)}`)
    const path = join(dir, 'log')
    const log = await EntryLog.open(path)
    await log.append(v)
    // a second entry for the same slot is fork evidence
    const fork = await createEntry(key, { team: 'general', seq: 3, lamport: 18, wallTime: 2_000, epoch: 1, prev: new Uint8Array(32), body: new Uint8Array(encodeBody({ text: 'other', authorName: 'x' })) })
    expect((await log.append(fork)).status).toBe('fork')
    await log.close()
    const db = new Level<string, string>(path)
    await db.open()
    const rows = new Map<string, string>()
    for await (const [k, val] of db.iterator()) rows.set(k, val)
    await db.close()
    expect([...rows.keys()].sort()).toEqual([
      `!e!${v.idHex}`,
      `!f!general:${v.author}:${pad(3)}`,
      '!m!format',
      `!o!general:${pad(17)}:${v.author}:${pad(3)}`,
      `!x!general:${v.author}:${pad(3)}:${fork.idHex}`
    ].sort())
    expect(rows.get(`!f!general:${v.author}:${pad(3)}`)).toBe(v.idHex)
    expect(rows.get(`!o!general:${pad(17)}:${v.author}:${pad(3)}`)).toBe(v.idHex)
  })

  it('names the search index and its marker as what a backup leaves out', () => {
    expect(isRebuiltKey('!s!general:word:1:a:1')).toBe(true)
    expect(isRebuiltKey('!m!searchIndex')).toBe(true)
    expect(isRebuiltKey('!m!org')).toBe(false)
    expect(isRebuiltKey('!e!ab')).toBe(false)
  })
})
