/**
 * Two subnets joined by a router namespace: mDNS stays within each, a static peer links them, and
 * nodes learn the rest of the office from their peers. One office across floors.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'

const netns = await requireNetns('the two-subnet tests')

describe.skipIf(!netns)('an office on two routed subnets', () => {
  let lab: NetnsLab
  let root: string
  const nodes: Daemon[] = []

  beforeAll(async () => {
    // hosts 1-2 on 10.77/16, hosts 3-4 on 10.78/16, a router between
    lab = await NetnsLab.create(4, { routedFrom: 3 })
    root = await mkdtemp(join(tmpdir(), 'parley-subnets-'))
  })
  afterAll(async () => {
    await Promise.all(nodes.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('mDNS does not cross the router, a static peer does, and the rest is learned from peers', async () => {
    const [a1, a2] = [await Daemon.start(join(root, 'a1'), ['--name', 'a1'], { lab, host: 1 }), await Daemon.start(join(root, 'a2'), ['--name', 'a2'], { lab, host: 2 })]
    nodes.push(a1, a2)
    const a1Addr = a1.ready.addresses.find(a => a.startsWith('/ip4/10.77.'))!
    // b1 names a1 across the router; b2 knows nobody and only has mDNS on its own subnet
    const b1 = await Daemon.start(join(root, 'b1'), ['--name', 'b1', '--peer', a1Addr], { lab, host: 3 })
    const b2 = await Daemon.start(join(root, 'b2'), ['--name', 'b2'], { lab, host: 4 })
    nodes.push(b1, b2)
    await call(a1, 'org.create', { name: 'Two Floors' })
    for (const d of [a2, b1, b2]) await call(d, 'join', { token: (await call(a1, 'invite', {})).token, name: d.dataDir.split('/').at(-1) ?? 'member' })
    await waitFor(async () => (await Promise.all(nodes.map(async d => call(d, 'members')))).every(m => m.length === 4), 30_000, 'everyone in the directory')
    // b2 reaches a-side nodes though nothing told it their addresses but its peers
    await waitFor(async () => (await call(b2, 'peers')).some(p => p.peerId === a2.ready.peerId), 45_000, 'b2 connected to a2 across the router')
    const peerAddrs = (await call(b2, 'peers')).flatMap(p => p.addresses)
    expect(peerAddrs.some(a => a.startsWith('/ip4/10.77.'))).toBe(true)
    const sent = await call(b2, 'send', { team: 'general', text: 'hello from the second floor' })
    await waitFor(async () => (await call(a2, 'history', { team: 'general' })).messages.some(m => m.id === sent.id), 15_000, 'delivery across the router')
  })
})
