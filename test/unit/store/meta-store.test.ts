import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Level } from 'level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EntryLog, STORE_FORMAT } from '../../../src/store/entry-log.js'

const FIXTURE = fileURLToPath(new URL('../../fixtures/store-v1', import.meta.url))

/** Every `!m!` key of a closed log, with its raw (JSON) value. */
async function rawMeta (path: string): Promise<Record<string, string>> {
  const db = new Level<string, string>(path)
  await db.open()
  const out: Record<string, string> = {}
  try {
    for await (const [k, v] of db.iterator({ gt: '!m!', lt: '!m"' })) out[k] = v
  } finally {
    await db.close()
  }
  return out
}

describe('store/meta-store', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'parley-meta-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('reads the metadata of a format-1 store (the fixture) under the same names, and migrates it to format 2', async () => {
    await cp(join(FIXTURE, 'log'), join(dir, 'log'), { recursive: true })
    const log = await EntryLog.open(join(dir, 'log'))
    try {
      // format 2: the conversation index is new, marked to be built from the log at the next start
      expect(await log.meta('format').get()).toBe(2)
      expect(await log.meta('conversations').get()).toBe(0)
      expect(await log.meta('org').get()).toBe('365847c158bfd7f705e6b6e24d03ed156adb0d8c9745e070fdb477531cced528')
      expect(await log.meta('searchIndex').get()).toBe(1)
      expect(await log.meta('restored').get()).toBeUndefined()
      expect(await log.meta('floor:general').get()).toBeUndefined()
    } finally {
      await log.close()
    }
    expect(Object.keys(await rawMeta(join(dir, 'log')))).toEqual(['!m!conversations', '!m!format', '!m!org', '!m!searchIndex'])
  })

  it('round-trips every name, stored as JSON under !m!<name>, as before the typed store', async () => {
    const path = join(dir, 'log')
    const log = await EntryLog.open(path)
    const spans = { version: 2, spans: { general: { from: 'general:a', to: 'general:b' } } }
    try {
      await log.meta('org').put('ab'.repeat(32))
      await log.meta('presence').put({ status: 'busy', text: 'release prep' })
      await log.meta('searchIndex').put(0)
      await log.meta('unindexed').put(spans)
      await log.meta('restored').put({ at: 1234, confirmed: ['general'] })
      expect(await log.meta('org').get()).toBe('ab'.repeat(32))
      expect(await log.meta('presence').get()).toEqual({ status: 'busy', text: 'release prep' })
      expect(await log.meta('searchIndex').get()).toBe(0)
      expect(await log.meta('unindexed').get()).toEqual(spans)
      expect(await log.meta('restored').get()).toEqual({ at: 1234, confirmed: ['general'] })
      await log.meta('unindexed').delete()
      expect(await log.meta('unindexed').get()).toBeUndefined()
    } finally {
      await log.close()
    }
    expect(await rawMeta(path)).toEqual({
      '!m!format': String(STORE_FORMAT),
      '!m!org': JSON.stringify('ab'.repeat(32)),
      '!m!presence': JSON.stringify({ status: 'busy', text: 'release prep' }),
      '!m!restored': JSON.stringify({ at: 1234, confirmed: ['general'] }),
      '!m!searchIndex': '0'
    })
    // and what was written survives a reopen
    const again = await EntryLog.open(path)
    try {
      expect(await again.meta('restored').get()).toEqual({ at: 1234, confirmed: ['general'] })
    } finally {
      await again.close()
    }
  })

  it('keeps feed floors under floor:<team>', async () => {
    const path = join(dir, 'log')
    const log = await EntryLog.open(path)
    try {
      await log.raiseFloor('general', 'alice', { seq: 4, idHex: 'aa' })
      expect(await log.meta('floor:general').get()).toEqual({ alice: { seq: 4, idHex: 'aa' } })
      expect(await log.floors('general')).toEqual({ alice: { seq: 4, idHex: 'aa' } })
      // a lower floor does not lower it
      await log.raiseFloor('general', 'alice', { seq: 2, idHex: 'bb' })
      expect(await log.floors('general')).toEqual({ alice: { seq: 4, idHex: 'aa' } })
    } finally {
      await log.close()
    }
    expect((await rawMeta(path))['!m!floor:general']).toBe(JSON.stringify({ alice: { seq: 4, idHex: 'aa' } }))
  })
})
