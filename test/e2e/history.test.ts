/**
 * History on network-namespace hosts: a node that was down catches up on 1,000 messages, and a 3|2
 * partition with messages on both sides heals to the same union everywhere.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'

const netns = await requireNetns('the history end-to-end tests')


async function ids (d: Daemon): Promise<string[]> {
  return (await call(d, 'history', { team: 'general', limit: 10_000 })).messages.map(m => m.id)
}

/** Send `count` messages from `d` over one control connection, waiting for each to be stored. */
async function sendMany (d: Daemon, count: number, label: string): Promise<string[]> {
  const c = await ControlClient.connect(d.dataDir)
  try {
    const sent: string[] = []
    for (let i = 0; i < count; i++) sent.push((await c.request('send', { team: 'general', text: `${label} ${i}` })).id)
    return sent
  } finally {
    c.close()
  }
}

describe.skipIf(!netns)('history across a LAN', () => {
  let lab: NetnsLab
  let root: string
  const nodes: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(5)
    root = await mkdtemp(join(tmpdir(), 'parley-e2e-history-'))
    for (let i = 1; i <= 5; i++) nodes.push(await Daemon.start(join(root, `n${i}`), ['--name', `n${i}`], { lab, host: i }))
    await call(nodes[0]!, 'org.create', { name: 'Acme' })
    for (const d of nodes.slice(1)) {
      const { token } = await call(nodes[0]!, 'invite', {})
      await call(d, 'join', { token, name: d.dataDir.split('/').at(-1) ?? 'member' })
    }
    await waitFor(async () => (await Promise.all(nodes.map(async d => call(d, 'members', { team: 'general' })))).every(m => m.length === 5), 20_000, 'office of five')
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('a node that was down for 1,000 messages gets all of them, in the same order as the others', async () => {
    const away = nodes[4]!
    expect(await away.stop('SIGTERM')).toBe(0)
    await Promise.all([sendMany(nodes[0]!, 500, 'from n1'), sendMany(nodes[1]!, 500, 'from n2')])
    await waitFor(async () => (await ids(nodes[0]!)).length === 1000, 15_000, 'n1 has both senders\' messages')
    const reference = await ids(nodes[0]!)
    const started = Date.now()
    const back = await Daemon.start(away.dataDir, [], { lab, host: 5 })
    nodes[4] = back
    await waitFor(async () => (await ids(back)).length === 1000, 30_000, 'catch-up of 1,000')
    console.info(`history: 1,000 missed messages caught up ${Date.now() - started} ms after restart`)
    expect(await ids(back)).toEqual(reference)
    const status = await call(back, 'sync-status')
    expect(status.find(s => s.team === 'general')?.entries).toBe(1000)
  })

  it('a 3|2 partition with messages on both sides heals to the same union everywhere, without duplicates', async () => {
    const left = [1, 2, 3]
    const right = [4, 5]
    const before = await ids(nodes[0]!)
    await lab.partition(left, right)
    try {
      const [leftA, , rightA] = await Promise.all([sendMany(nodes[0]!, 20, 'left a'), sendMany(nodes[2]!, 20, 'left b'), sendMany(nodes[3]!, 20, 'right a'), sendMany(nodes[4]!, 20, 'right b')])
      // the partition is real: each side has its own messages and none of the other's
      await waitFor(async () => (await ids(nodes[1]!)).length === before.length + 40, 10_000, 'left side has its 40')
      await new Promise(resolve => setTimeout(resolve, 1000))
      expect((await ids(nodes[4]!)).some(id => leftA.includes(id))).toBe(false)
      expect((await ids(nodes[0]!)).some(id => rightA.includes(id))).toBe(false)
    } finally {
      await lab.heal(left, right)
    }
    const expected = before.length + 80
    await waitFor(async () => (await Promise.all(nodes.map(ids))).every(l => l.length === expected), 60_000, 'the union everywhere')
    const all = await Promise.all(nodes.map(ids))
    for (const l of all) {
      expect(new Set(l).size).toBe(l.length)
      expect(l).toEqual(all[0])
    }
  })
})
