/**
 * A workstation that sleeps (SIGSTOP, then SIGCONT) or moves to a new address keeps working and
 * catches up, with no restart. Three namespace hosts, mDNS, no static peers.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { MessageView } from '../../src/events.js'

const exec = promisify(execFile)
const netns = await requireNetns('the sleep and network-change tests')

async function ids (d: Daemon): Promise<string[]> {
  return (await call(d, 'history', { team: 'general', limit: 10_000 })).messages.map(m => m.id)
}

describe.skipIf(!netns)('sleep and network changes', () => {
  let lab: NetnsLab
  let root: string
  const nodes: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(3)
    root = await mkdtemp(join(tmpdir(), 'parley-resilience-'))
    for (let i = 1; i <= 3; i++) nodes.push(await Daemon.start(join(root, `n${i}`), ['--name', `n${i}`], { lab, host: i }))
    await call(nodes[0]!, 'org.create', { name: 'Acme' })
    for (const d of nodes.slice(1)) await call(d, 'join', { token: (await call(nodes[0]!, 'invite', {})).token, name: `member ${d.ready.name}` })
    await waitFor(async () => (await Promise.all(nodes.map(async d => call(d, 'members', { team: 'general' })))).every(m => m.length === 3), 20_000, 'office of three')
  })

  afterAll(async () => {
    for (const d of nodes) {
      // a stopped process must be continued before it can die
      if (d.child.pid !== undefined) try { process.kill(d.child.pid, 'SIGCONT') } catch { /* already gone */ }
    }
    await Promise.all(nodes.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('a node frozen with SIGSTOP for 2 minutes is back with everyone and catches up after SIGCONT, without a restart', async () => {
    const sleeper = nodes[2]!
    process.kill(sleeper.child.pid!, 'SIGSTOP')
    const sent: string[] = []
    try {
      for (let i = 0; i < 20; i++) sent.push((await call(nodes[i % 2]!, 'send', { team: 'general', text: `while asleep ${i}` })).id)
      // long enough for the others to give up on its connections and on redialing it
      await new Promise(resolve => setTimeout(resolve, 120_000))
    } finally {
      process.kill(sleeper.child.pid!, 'SIGCONT')
    }
    const woke = Date.now()
    const others = nodes.slice(0, 2).map(d => d.ready.peerId)
    await waitFor(async () => {
      const peers = (await call(sleeper, 'peers')).map(p => p.peerId)
      return others.every(p => peers.includes(p))
    }, 30_000, 'reconnected after waking')
    const connectedMs = Date.now() - woke
    await waitFor(async () => {
      const held = await ids(sleeper)
      return sent.every(id => held.includes(id))
    }, 45_000, 'catch-up after waking')
    console.log(`frozen 2 min: connected to both ${connectedMs} ms after SIGCONT, caught up ${Date.now() - woke} ms after`)
    const mine = await call(sleeper, 'send', { team: 'general', text: 'good morning' })
    await waitFor(async () => (await ids(nodes[0]!)).includes(mine.id), 15_000, 'the woken node is heard')
    expect(await ids(sleeper)).toEqual(await ids(nodes[0]!))
  }, 240_000)

  it('a node that moves to a new address is found again and keeps chatting', async () => {
    const mover = nodes[1]!
    const host = lab.host(2)
    await exec('ip', ['-n', host.ns, 'addr', 'del', `${host.ip}/16`, 'dev', 'eth0'])
    await exec('ip', ['-n', host.ns, 'addr', 'add', '10.77.9.9/16', 'dev', 'eth0'])
    await exec('ip', ['-n', host.ns, 'route', 'replace', '224.0.0.0/4', 'dev', 'eth0'])
    const moved = Date.now()
    await waitFor(async () => (await Promise.all(nodes.filter(d => d !== mover).map(async d => call(d, 'peers')))).every(peers => peers.some(p => p.peerId === mover.ready.peerId && p.addresses.some(a => a.includes('/10.77.9.9/')))), 60_000, 'everyone connected to the new address')
    console.log(`moved to a new address: every colleague connected to it ${Date.now() - moved} ms after the change`)
    const text = `from the new address ${Date.now()}`
    let sent: MessageView | undefined
    await waitFor(async () => {
      sent ??= await call(mover, 'send', { team: 'general', text })
      return (await ids(nodes[0]!)).includes(sent.id)
    }, 60_000, 'a message from the moved node')
    const back = await call(nodes[0]!, 'send', { team: 'general', text: 'welcome to the new desk' })
    await waitFor(async () => (await ids(mover)).includes(back.id), 30_000, 'a message to the moved node')
  })
})
