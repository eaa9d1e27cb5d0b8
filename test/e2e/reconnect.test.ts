/**
 * Always connected: a workstation restarted into an office that has been quiet for a while is back
 * with every colleague, and has caught up, by itself. Real `parley daemon` processes on namespace
 * hosts, mDNS only (no static peers), the default mDNS pace (the office settles to one query a
 * minute after 20 s without a new peer). The waits are generous bounds, not timings: the figures
 * are printed, and `npm run bench -- startup` measures them beside bare libp2p.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'

const netns = await requireNetns('the reconnect tests')

const SIZE = 4

async function peerIds (d: Daemon): Promise<string[]> {
  return (await call(d, 'peers')).map(p => p.peerId)
}

async function ids (d: Daemon): Promise<string[]> {
  return (await call(d, 'history', { team: 'general', limit: 10_000 })).messages.map(m => m.id)
}

describe.skipIf(!netns)('a workstation restarted into a quiet office', () => {
  let lab: NetnsLab
  let root: string
  const office: Daemon[] = []
  const dirs: string[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(SIZE)
    root = await mkdtemp(join(tmpdir(), 'parley-reconnect-'))
    for (let i = 1; i <= SIZE; i++) {
      dirs.push(join(root, `n${i}`))
      office.push(await Daemon.start(dirs[i - 1]!, ['--name', `n${i}`], { lab, host: i }))
    }
    await call(office[0]!, 'org.create', { name: 'Acme' })
    for (const d of office.slice(1)) await call(d, 'join', { token: (await call(office[0]!, 'invite', {})).token, name: `member ${d.ready.name}` })
    await waitFor(async () => (await Promise.all(office.map(async d => call(d, 'members', { team: 'general' })))).every(m => m.length === SIZE), 30_000, 'office set up')
  }, 90_000)

  afterAll(async () => {
    await Promise.all(office.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('is back with every colleague and has caught up, after 0 s, 30 s and 2 min of quiet', async () => {
    const host = SIZE
    const figures: string[] = []
    for (const quietMs of [0, 30_000, 120_000]) {
      const leaver = office[host - 1]!
      await leaver.stop('SIGTERM')
      // colleagues notice it is gone, and chat while it is away
      await waitFor(async () => !(await peerIds(office[0]!)).includes(leaver.ready.peerId), 20_000, 'the office notices the stop')
      const missed: string[] = []
      for (let i = 0; i < 10; i++) missed.push((await call(office[i % 2]!, 'send', { team: 'general', text: `while away ${quietMs} ${i}` })).id)
      // then the office is quiet: no new peer, no message, every redial of the stopped node failed
      await sleep(quietMs)
      const again = await Daemon.start(dirs[host - 1]!, [], { lab, host })
      office[host - 1] = again
      const ready = Date.now()
      const others = office.filter(d => d !== again).map(d => d.ready.peerId)
      await waitFor(async () => {
        const mine = await peerIds(again)
        return others.every(p => mine.includes(p))
      }, 30_000, `reconnected after ${quietMs / 1000} s of quiet`)
      const connectedMs = Date.now() - ready
      // the colleagues see it too
      await waitFor(async () => (await Promise.all(office.filter(d => d !== again).map(peerIds))).every(p => p.includes(again.ready.peerId)), 15_000, 'colleagues see it back')
      await waitFor(async () => {
        const held = await ids(again)
        return missed.every(id => held.includes(id))
      }, 30_000, `caught up after ${quietMs / 1000} s of quiet`)
      figures.push(`quiet ${quietMs / 1000} s: connected to all ${others.length} ${connectedMs} ms after ready, caught up ${Date.now() - ready} ms after ready`)
    }
    console.log(`restart into a quiet office (${SIZE} hosts, mDNS only):\n  ${figures.join('\n  ')}`)
    expect(figures).toHaveLength(3)
  }, 360_000)
})
