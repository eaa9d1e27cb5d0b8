import { afterEach, describe, expect, it } from 'vitest'
import { Fixture, nextEvent } from '../helpers/nodes.js'
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
