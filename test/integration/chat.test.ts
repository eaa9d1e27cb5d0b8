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

  it('a newcomer and the office see each other as available as soon as the join is done, not at the next round', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const status = (n: ParleyNode, peerId: string): string | undefined => n.presence().find(p => p.peerId === peerId)?.status
    const newcomer = await fx.node({ name: 'newcomer', peers: [admin.info().addresses[0]!, user.info().addresses[0]!] })
    await newcomer.join((await admin.invite()).token, 'newcomer')
    // presence is announced every 15 s; this must not wait for it
    await waitFor(() => status(newcomer, admin.peerId) === 'available' && status(newcomer, user.peerId) === 'available', 5_000, 'the newcomer sees the office')
    await waitFor(() => status(admin, newcomer.peerId) === 'available' && status(user, newcomer.peerId) === 'available', 5_000, 'the office sees the newcomer')
  })

  it('carries the urgent flag', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const arrival = nextEvent(user, 'message:added', m => m.text === 'server down')
    await admin.send('general', 'server down', { urgent: true })
    expect((await arrival).urgent).toBe(true)
  })
})

describe('direct messages', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('reach only the other person, readable only by the two, and catch up after being offline', async () => {
    const [admin, bob, carol] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const heard: string[] = []
    carol.addEventListener('message:added', (e) => { heard.push(e.detail.text) })
    const arrival = nextEvent(bob, 'message:added', m => m.text === 'your review is due')
    const sent = await admin.sendDirect(bob.peerId, 'your review is due')
    const got = await arrival
    expect(got).toMatchObject({ direct: admin.peerId, readable: true, author: admin.peerId })
    expect(sent.direct).toBe(bob.peerId)
    expect((await bob.directs()).map(d => d.name)).toEqual(['admin'])
    // carol never sees it, and could not read it if she did
    const stored = await (bob as unknown as { log: { get: (id: string) => Promise<{ entry: { epoch: number, seq: number, body: Uint8Array } } | undefined> } }).log.get(sent.id)
    const carolOrg = (carol as unknown as { org: { decryptBody: (t: string, e: number, a: string, s: number, b: Uint8Array) => Uint8Array | undefined } }).org
    expect(carolOrg.decryptBody(sent.team, stored!.entry.epoch, admin.peerId, stored!.entry.seq, stored!.entry.body)).toBeUndefined()
    expect(heard).not.toContain('your review is due')
    await expect(carol.history(sent.team)).rejects.toThrow(/no team/)

    // bob is away; the message waits on the admin's node and arrives when he is back
    const dir = bob.dataDir
    await bob.stop()
    const later = await admin.sendDirect(bob.peerId, 'while you were out')
    const back = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
    await waitFor(async () => (await back.history(later.team)).messages.some(m => m.id === later.id && m.readable), 10_000, 'the direct message after coming back')
    const reply = nextEvent(admin, 'message:added', m => m.text === 'thanks' && m.direct === back.peerId)
    await back.sendDirect(admin.peerId, 'thanks')
    await reply
    await expect(back.sendDirect(back.peerId, 'me')).rejects.toThrow(/not in the directory/)
  })
})

describe('search', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('finds messages across teams with case, accents and stemming, filters them, and forgets a team you left', async () => {
    const [admin, bob] = await fx.office(2) as [ParleyNode, ParleyNode]
    await admin.createTeam('dev', [bob.peerId])
    await waitFor(() => bob.joinedTeams().includes('dev'), 10_000, 'bob in dev')
    const start = Date.now()
    await admin.send('general', 'Meeting at the Café at noon')
    await admin.send('dev', 'the deploy meetings are moving')
    const own = await bob.send('dev', 'I will join the meeting')
    await waitFor(async () => (await bob.history('dev')).messages.length === 2 && (await bob.history('general')).messages.length === 1, 10_000, 'delivery')
    await waitFor(async () => (await bob.search('meeting')).length === 3, 5_000, 'indexing')
    expect((await bob.search('MEETING')).map(m => m.text)).toEqual(['I will join the meeting', 'the deploy meetings are moving', 'Meeting at the Café at noon'])
    expect((await bob.search('cafe noon')).map(m => m.team)).toEqual(['general'])
    expect((await bob.search('meeting', { team: 'dev' })).length).toBe(2)
    expect((await bob.search('meeting', { from: 'admin' })).length).toBe(2)
    expect((await bob.search('meeting', { from: bob.peerId })).map(m => m.id)).toEqual([own.id])
    expect((await bob.search('meeting', { since: Date.now() + 60_000 }))).toEqual([])
    expect((await bob.search('meeting', { since: start })).length).toBe(3)
    await expect(bob.search('meeting', { from: 'nobody' })).rejects.toThrow(/nobody called/)
    // bob leaves dev: its messages are no longer searchable on his node
    await admin.removeFromTeam('dev', bob.peerId)
    await waitFor(() => !bob.joinedTeams().includes('dev'), 10_000, 'bob out of dev')
    await waitFor(async () => (await bob.search('meeting')).length === 1, 5_000, 'dev forgotten')
    await expect(bob.search('meeting', { team: 'dev' })).rejects.toThrow(/not in dev/)
  })
})
