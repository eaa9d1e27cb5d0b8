/**
 * Crash safety: kill -9 at random moments of a write loop never corrupts the log nor loses an entry
 * the node acknowledged as sent. Root namespace, loopback, mDNS off.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { Daemon } from '../helpers/daemon.js'
import type { MessageView } from '../../src/events.js'

const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']
const ROUNDS = 10

describe('crash safety', () => {
  let root: string
  const running: Daemon[] = []
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'parley-crash-')) })
  afterAll(async () => {
    await Promise.all(running.map(async d => d.stop('SIGKILL')))
    await rm(root, { recursive: true, force: true })
  })

  it(`keeps every acknowledged entry across ${ROUNDS} kill -9s during a write loop`, async () => {
    const data = join(root, 'node')
    const acked: MessageView[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const d = await Daemon.start(data, LOOPBACK)
      running.push(d)
      const client = await ControlClient.connect(data)
      if (round === 0) await client.request('org.create', { name: 'Crash' })
      // the log opens, with every entry acknowledged so far, in order; an entry stored just before
      // the kill but never acknowledged may be there too, which is fine
      const history = await client.request('history', { team: 'general', limit: 10_000 })
      const stored = history.messages.map(m => m.id)
      expect(acked.map(m => m.id).filter(id => !stored.includes(id))).toEqual([])
      // sequence numbers never repeat or skip across the crashes
      expect(history.messages.map(m => m.seq)).toEqual(history.messages.map((_, i) => i + 1))
      const killAfter = 100 + Math.floor(Math.random() * 300)
      const killer = setTimeout(() => { void d.stop('SIGKILL') }, killAfter)
      try {
        // bounded loop: it ends when the kill cuts the connection
        for (let i = 0; i < 10_000; i++) acked.push(await client.request('send', { team: 'general', text: `round ${round} message ${i}` }))
      } catch {
        // the node died mid-request: that one was never acknowledged
      } finally {
        clearTimeout(killer)
        client.close()
      }
      await d.stop('SIGKILL')
      running.splice(running.indexOf(d), 1)
    }
    expect(acked.length).toBeGreaterThan(ROUNDS)
    const last = await Daemon.start(data, LOOPBACK)
    running.push(last)
    const client = await ControlClient.connect(data)
    const final = await client.request('history', { team: 'general', limit: 10_000 })
    client.close()
    const stored = new Set(final.messages.map(m => m.id))
    for (const m of acked) expect(stored.has(m.id)).toBe(true)
  })
})
