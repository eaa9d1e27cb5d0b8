import { afterEach, describe, expect, it } from 'vitest'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'

describe('nodes in one process (loopback, static peers, no mDNS)', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('delivers a message from each node to the other two', async () => {
    const a = await fx.node()
    const b = await fx.node({ peers: [a.info().addresses[0]!] })
    const c = await fx.node({ peers: [a.info().addresses[0]!, b.info().addresses[0]!] })
    // a message published before a peer's subscription arrives only reaches it by history sync
    await waitFor(() => [a, b, c].every(n => n.teamPeers('general').length === 2), 10_000, 'every node to see both others in general')
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
