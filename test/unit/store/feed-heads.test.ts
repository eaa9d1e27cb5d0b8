import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

async function entry (key: Ed25519PrivateKey, team: string, seq: number): Promise<VerifiedEntry> {
  return createEntry(key, { team, seq, lamport: seq, wallTime: 1_000, epoch: 1, prev: new Uint8Array(seq === 1 ? 0 : 32), body: new Uint8Array(encodeBody({ text: `m${seq}`, authorName: 'x' })) })
}

describe('store/feed-heads and lamport-clocks', () => {
  let dir: string
  let log: EntryLog
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-heads-'))
    log = await EntryLog.open(join(dir, 'log'))
  })
  afterEach(async () => {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('after expiry, a feed\'s head starts at its floor and moves on from there', async () => {
    const key = await generateIdentityKey()
    const es = await Promise.all([1, 2, 3, 4].map(async s => entry(key, 'general', s)))
    await log.appendMany(es)
    await log.expire('general', es.slice(0, 2))
    const author = es[0]!.author
    expect(await log.floors('general')).toEqual({ [author]: { seq: 2, idHex: es[1]!.idHex } })
    expect((await log.contiguousHeads('general')).get(author)).toEqual({ seq: 4, idHex: es[3]!.idHex })
    expect(await log.count('general')).toBe(2)
    const five = await entry(key, 'general', 5)
    await log.append(five)
    expect((await log.contiguousHeads('general')).get(author)).toEqual({ seq: 5, idHex: five.idHex })
  })

  it('a raised floor (a peer had nothing below it) lets the head start above a gap', async () => {
    const key = await generateIdentityKey()
    const es = await Promise.all([7, 8].map(async s => entry(key, 'dev', s)))
    await log.appendMany(es)
    const author = es[0]!.author
    expect((await log.contiguousHeads('dev')).get(author)).toBeUndefined()
    await log.raiseFloor('dev', author, { seq: 6, idHex: 'ff' })
    expect((await log.contiguousHeads('dev')).get(author)).toEqual({ seq: 8, idHex: es[1]!.idHex })
  })

  it('keeps the highest clock current over appends, per team', async () => {
    const key = await generateIdentityKey()
    expect(await log.lamport('general')).toBe(0)
    await log.append(await entry(key, 'general', 3))
    await log.append(await entry(key, 'dev', 9))
    expect(await log.lamport('general')).toBe(3)
    expect(await log.lamport('dev')).toBe(9)
    expect(await log.lamport('dev', 5)).toBe(0)
  })
})
