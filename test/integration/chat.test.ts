import { afterEach, describe, expect, it } from 'vitest'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { ParleyNode } from '../../src/node.js'

describe('nodes in one process (loopback, static peers, no mDNS)', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('delivers a message from each node to the other two', async () => {
    const [a, b, c] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    for (const [sender, others] of [[a, [b, c]], [b, [a, c]], [c, [a, b]]] as const) {
      const text = `hello from ${sender.peerId.slice(-6)}`
      const arrivals = others.map(async o => nextEvent(o, 'message:added', m => m.text === text))
      await sender.send('general', text)
      const got = await Promise.all(arrivals)
      for (const m of got) {
        expect(m.author).toBe(sender.peerId)
        expect(m.local).toBe(false)
      }
    }
    const histories = await Promise.all([a, b, c].map(async n => (await n.history('general')).messages.map(m => m.id)))
    expect(histories[0]).toHaveLength(3)
    expect(histories[1]).toEqual(histories[0])
    expect(histories[2]).toEqual(histories[0])
  })
})

describe('presence and urgent messages', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('spreads presence, keeps it across restarts, and shows a stopped node as offline', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const seen = nextEvent(admin, 'presence:changed', p => p.peerId === user.peerId && p.status === 'dnd')
    await user.setPresence('dnd', 'writing the report')
    expect((await seen).text).toBe('writing the report')
    expect(admin.presence().find(p => p.peerId === user.peerId)?.status).toBe('dnd')
    await expect(user.setPresence('sleepy')).rejects.toThrow(/status must be one of/)
    const offline = nextEvent(admin, 'presence:changed', p => p.peerId === user.peerId && p.status === 'offline')
    const dir = user.dataDir
    await user.stop()
    await offline
    const again = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
    expect(again.presence().find(p => p.peerId === again.peerId)?.status).toBe('dnd')
    await waitFor(() => admin.presence().find(p => p.peerId === again.peerId)?.status === 'dnd', 10_000, 'presence after restart')
  })

  it('carries the urgent flag', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const arrival = nextEvent(user, 'message:added', m => m.text === 'server down')
    await admin.send('general', 'server down', { urgent: true })
    expect((await arrival).urgent).toBe(true)
  })
})
