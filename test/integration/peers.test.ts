import { afterEach, describe, expect, it } from 'vitest'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'

describe('peer keeping (loopback, static peers)', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('keeps one connection when both sides dial each other', async () => {
    const a = await fx.node()
    const b = await fx.node({ peers: [a.info().addresses[0]!] })
    await b.stop()
    // restart b on a known port, then have both name each other as static peers at once
    const bAgain = await fx.node({ dataDir: b.dataDir, peers: [a.info().addresses[0]!] })
    // the dial may lose the race to the other side's and be closed as the duplicate: that is the point
    await a.dial(bAgain.info().addresses[0]!).catch(() => {})
    await waitFor(() => a.peers().length === 1 && bAgain.peers().length === 1, 10_000, 'connection')
    // give racing dials time to land, then check the duplicates were closed
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect(a.peers()[0]?.addresses).toHaveLength(1)
    expect(bAgain.peers()[0]?.addresses).toHaveLength(1)
  })

  it('redials a static peer that restarts, and messages flow again', async () => {
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    const addr = a.info().addresses[0]!
    const dataDir = a.dataDir
    await a.stop()
    await waitFor(() => b.peers().length === 0, 10_000, 'b notices a is gone')
    // the same identity and port come back
    const port = addr.split('/')[4]!
    const again = await fx.node({ dataDir, listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    await waitFor(() => b.teamPeers('general').length === 1 && again.teamPeers('general').length === 1, 20_000, 'reconnected')
    const arrival = nextEvent(again, 'message:added', m => m.text === 'welcome back')
    await b.send('general', 'welcome back')
    expect((await arrival).author).toBe(b.peerId)
  })
})

describe('peers that dialed us', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('are redialed when they restart knowing nobody, at the addresses they announced', async () => {
    // b dialed a (its static peer); a never discovered b (no mDNS here)
    const a = await fx.node({ name: 'a' })
    const b = await fx.node({ name: 'b', peers: [a.info().addresses[0]!] })
    await waitFor(() => a.peers().length === 1 && b.peers().length === 1, 10_000, 'connection')
    const addr = b.info().addresses[0]!
    await b.stop()
    await waitFor(() => a.peers().length === 0, 10_000, 'a notices b is gone')
    // b comes back on the same port with no peers to dial: only a can restore the connection
    const again = await fx.node({ dataDir: b.dataDir, listen: [`/ip4/127.0.0.1/tcp/${addr.split('/')[4]!}`] })
    await waitFor(() => a.peers().length === 1 && again.peers().length === 1, 20_000, 'a redials b')
  })
})

describe('peers that connect while the node starts', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('are announced and synced once the start is done, not at the next periodic resync', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const dir = user.dataDir
    await user.stop()
    await admin.send('general', 'while you were away')
    // the admin's node dials the user's as soon as its libp2p listens, before the node has attached
    // its listeners: the connection is there when start() goes on (as when the office redials a
    // restarted workstation at its old address)
    let connectedEarly = false
    const connected: string[] = []
    const back = await fx.node({ dataDir: dir }, (n) => {
      n.addEventListener('peer:connected', (e) => { connected.push(e.detail.peerId) })
      const internals = n as unknown as { startLibp2p: (listen: string[]) => Promise<ParleyLibp2p> }
      const startLibp2p = internals.startLibp2p.bind(n)
      internals.startLibp2p = async (listen) => {
        const libp2p = await startLibp2p(listen)
        await admin.dial(libp2p.getMultiaddrs()[0]!.toString())
        await waitFor(() => libp2p.getPeers().some(p => p.toString() === admin.peerId), 5_000, 'admin connected during start')
        connectedEarly = true
        return libp2p
      }
    })
    expect(connectedEarly).toBe(true)
    expect(connected).toContain(admin.peerId)
    // well before the 30 s resync
    await waitFor(async () => (await back.history('general')).messages.some(m => m.text === 'while you were away'), 10_000, 'history synced')
  })
})

describe('peers learned from peers', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('two members who only know the admin find each other through presence and connect directly', async () => {
    const admin = await fx.node({ name: 'admin' })
    await admin.createOrg('Acme')
    const addr = admin.info().addresses[0]!
    const b = await fx.node({ name: 'b', peers: [addr] })
    await b.join((await admin.invite()).token, 'b')
    const c = await fx.node({ name: 'c', peers: [addr] })
    await c.join((await admin.invite()).token, 'c')
    await waitFor(() => b.peers().some(p => p.peerId === c.peerId) && c.peers().some(p => p.peerId === b.peerId), 20_000, 'b and c connected')
    // and each has heard the other join general's topic on that connection (gossip goes both ways)
    await waitFor(() => b.teamPeers('general').includes(c.peerId) && c.teamPeers('general').includes(b.peerId), 10_000, 'b and c on general')
    // and with the admin gone, they still talk
    await admin.stop()
    const arrival = nextEvent(c, 'message:added', m => m.text === 'direct line')
    await b.send('general', 'direct line')
    await arrival
  })
})
