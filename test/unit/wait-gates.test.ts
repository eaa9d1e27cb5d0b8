import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NotSyncedError } from '../../src/errors.js'
import { StrangerGate, STRANGER_GOSSIP_PER_MINUTE } from '../../src/net/stranger-gate.js'
import { EntryLog } from '../../src/store/entry-log.js'
import { RestoreGate } from '../../src/store/restore-gate.js'
import { waitAtMost } from '../../src/wait.js'

describe('waitAtMost', () => {
  it('is true when the work settles in time (even by failing), false when it does not', async () => {
    expect(await waitAtMost(Promise.resolve(1), 1_000)).toBe(true)
    expect(await waitAtMost(Promise.reject(new Error('x')), 1_000)).toBe(true)
    expect(await waitAtMost(new Promise(() => {}), 10)).toBe(false)
  })
})

describe('StrangerGate', () => {
  it('lets a stranger send a minute\'s allowance, then bans it, saying so once', () => {
    const gate = new StrangerGate()
    const verdicts = Array.from({ length: STRANGER_GOSSIP_PER_MINUTE + 3 }, () => gate.consume('peer'))
    expect(verdicts.slice(0, STRANGER_GOSSIP_PER_MINUTE).every(v => v === 'ok')).toBe(true)
    expect(verdicts.slice(STRANGER_GOSSIP_PER_MINUTE)).toEqual(['banned-now', 'banned', 'banned'])
    expect(gate.isBanned('peer')).toBe(true)
    expect(gate.isBanned('other')).toBe(false)
  })
})

describe('RestoreGate', () => {
  it('holds a restored node\'s posts per team and its admin acts until synced, across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-gate-'))
    try {
      let log = await EntryLog.open(join(dir, 'log'))
      const fresh = new RestoreGate(log)
      await fresh.load()
      expect(fresh.mustConfirm('general')).toBe(false)
      expect(() => { fresh.checkAdmin(false) }).not.toThrow()
      await log.meta('restored').put({ at: Date.now(), confirmed: [] })
      const gate = new RestoreGate(log)
      await gate.load()
      expect(gate.mustConfirm('general')).toBe(true)
      expect(() => { gate.checkAdmin(false) }).toThrow(NotSyncedError)
      expect(() => { gate.checkAdmin(true) }).not.toThrow()
      await gate.confirmed('general')
      expect(gate.mustConfirm('general')).toBe(false)
      expect(gate.mustConfirm('ops')).toBe(true)
      await log.close()
      log = await EntryLog.open(join(dir, 'log'))
      const again = new RestoreGate(log)
      await again.load()
      expect(again.mustConfirm('general')).toBe(false)
      await log.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
