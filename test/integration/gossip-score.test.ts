/**
 * Gossipsub peer scoring as parley configures it (libp2p-node.ts): a peer whose messages the topic
 * validator rejects falls under the graylist and is hung up on, whoever it is and however slowly
 * the stranger gate would count it; a peer whose messages pass is never touched. Real libp2p
 * nodes on loopback, no mDNS.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../src/crypto/keys.js'
import { createParleyLibp2p, GRAYLIST_THRESHOLD, MESH } from '../../src/net/libp2p-node.js'
import { waitFor } from '../helpers/nodes.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'

const TOPIC = 'parley/test/score'

describe('gossipsub peer scoring', () => {
  const nodes: ParleyLibp2p[] = []
  afterEach(async () => { for (const n of nodes.splice(0)) await n.stop() })

  async function node (): Promise<ParleyLibp2p> {
    const libp2p = await createParleyLibp2p({ privateKey: await generateIdentityKey(), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    nodes.push(libp2p)
    await libp2p.start()
    libp2p.services.pubsub.subscribe(TOPIC)
    return libp2p
  }

  /** The next `n` gossipsub heartbeats of `libp2p` (one a second), awaited as events. */
  async function heartbeats (libp2p: ParleyLibp2p, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await new Promise<void>(resolve => { libp2p.services.pubsub.addEventListener('gossipsub:heartbeat', () => { resolve() }, { once: true }) })
    }
  }

  const score = (of: ParleyLibp2p, peer: ParleyLibp2p): number => (of.services.pubsub as unknown as { getScore: (p: string) => number }).getScore(peer.peerId.toString())

  it('keeps a mesh of MESH.D peers, which gossipsub accepts (Dout under Dlo and at most D / 2, Dscore at most D)', async () => {
    const libp2p = await node()
    const opts = (libp2p.services.pubsub as unknown as { opts: Record<string, unknown> }).opts
    expect({ D: opts.D, Dlo: opts.Dlo, Dhi: opts.Dhi, Dscore: opts.Dscore, Dout: opts.Dout }).toEqual(MESH)
    expect(MESH.Dout).toBeLessThan(MESH.Dlo)
    expect(MESH.Dout).toBeLessThanOrEqual(MESH.D / 2)
    expect(MESH.Dscore).toBeLessThanOrEqual(MESH.D)
    expect(opts.floodPublish).toBe(true)
  })

  it('a peer sending messages the validator rejects is graylisted and hung up on; one whose messages pass is not', { timeout: 120_000 }, async () => {
    const target = await node()
    // the validator refuses everything from `attacker`, takes everything from `honest`
    const attacker = await node()
    const honest = await node()
    target.services.pubsub.topicValidators.set(TOPIC, async (from) => from.equals(attacker.peerId) ? TopicValidatorResult.Reject : TopicValidatorResult.Accept)
    for (const n of [attacker, honest]) {
      await n.dial(target.getMultiaddrs()[0]!)
      await waitFor(() => n.services.pubsub.getSubscribers(TOPIC).some(p => p.equals(target.peerId)), 10_000, 'subscribed')
    }
    // the hang-up, seen as it happens (the attacker may dial again at once, so its connections are
    // not a state to poll for)
    const hungUp = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('the attacker was not hung up on within 45 s')) }, 45_000)
      target.addEventListener('peer:disconnect', (e) => { if (e.detail.equals(attacker.peerId)) { clearTimeout(timer); resolve() } })
    })
    // 30 messages each: fewer than the stranger gate's allowance (50 a minute), so only the score can act
    for (let i = 0; i < 30; i++) {
      await attacker.services.pubsub.publish(TOPIC, new TextEncoder().encode(`junk ${i}`)).catch(() => {})
      await honest.services.pubsub.publish(TOPIC, new TextEncoder().encode(`fine ${i}`)).catch(() => {})
    }
    // at the first heartbeat after its score fell under the graylist
    await hungUp
    expect(score(target, attacker)).toBeLessThan(GRAYLIST_THRESHOLD)
    // the honest peer's messages count for nothing either way, and it stays through more heartbeats
    await heartbeats(target, 3)
    expect(score(target, honest)).toBeGreaterThanOrEqual(0)
    expect(target.getConnections(honest.peerId).length).toBeGreaterThan(0)
  })
})
