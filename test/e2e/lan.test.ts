/**
 * Real `parley daemon` processes on three network-namespace hosts joined by a bridge, finding each
 * other by mDNS with no static peers. mDNS runs only inside these namespaces, never in the root one.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daemon } from '../helpers/daemon.js'
import { NetnsLab, netnsAvailable, REPO_ROOT } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { MessageView, PeerView } from '../../src/events.js'

const support = await netnsAvailable()
if (!support.ok) {
  const message = `NETWORK NAMESPACES UNAVAILABLE (${support.why}): the LAN end-to-end tests cannot run here`
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(`\n!!! ${message}; skipping them. Run as root to test for real. !!!\n`)
}

async function peersOf (d: Daemon): Promise<PeerView[]> {
  const r = await d.cli('peers', '--json')
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as PeerView[]
}

async function historyOf (d: Daemon, team = 'general'): Promise<MessageView[]> {
  const r = await d.cli('history', '--team', team, '--json', '--limit', '1000')
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map(l => JSON.parse(l) as MessageView)
}

describe.skipIf(!support.ok)('three hosts on one LAN', () => {
  let lab: NetnsLab
  let root: string
  const daemons: Daemon[] = []
  const names = ['alice', 'bob', 'carol']

  beforeAll(async () => {
    lab = await NetnsLab.create(4)
    root = await mkdtemp(join(tmpdir(), 'parley-e2e-'))
    for (let i = 1; i <= 3; i++) {
      daemons.push(await Daemon.start(join(root, names[i - 1]!), ['--name', names[i - 1]!], { lab, host: i }))
    }
  })

  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('finds every peer by mDNS, with no static peers, one connection each', async () => {
    const started = Date.now()
    await waitFor(async () => (await Promise.all(daemons.map(peersOf))).every(p => p.length === 2), 15_000, 'all hosts connected')
    console.info(`mDNS: 3 hosts fully connected ${Date.now() - started} ms after the last one was ready`)
    for (const d of daemons) {
      const peers = await peersOf(d)
      // exactly one connection per peer, dialed on the LAN address, never loopback
      for (const p of peers) {
        expect(p.addresses).toHaveLength(1)
        expect(p.addresses[0]).toMatch(/^\/ip4\/10\.77\./)
      }
      expect(peers.map(p => p.peerId).sort()).toEqual(daemons.filter(o => o !== d).map(o => o.ready.peerId).sort())
    }
  })

  it('delivers a message from each host to the other two', async () => {
    for (const [i, d] of daemons.entries()) {
      const text = `hello from ${names[i]}`
      const r = await d.cli('send', '--team', 'general', text)
      expect(r.code, r.stderr).toBe(0)
      for (const other of daemons.filter(o => o !== d)) {
        await waitFor(async () => (await historyOf(other)).some(m => m.text === text && m.authorName === names[i]), 10_000, `${text} at another host`)
      }
    }
    const histories = await Promise.all(daemons.map(async d => historyOf(d)))
    expect(histories[0]).toHaveLength(3)
    // one order everywhere: the same ids in the same order
    expect(histories[1]!.map(m => m.id)).toEqual(histories[0]!.map(m => m.id))
    expect(histories[2]!.map(m => m.id)).toEqual(histories[0]!.map(m => m.id))
  })

  it('a restarted node reconnects by itself, keeps its history and continues its sequence', async () => {
    const carol = daemons[2]!
    const before = await historyOf(carol)
    expect(await carol.stop('SIGTERM')).toBe(0)
    const again = await Daemon.start(carol.dataDir, [], { lab, host: 3 })
    daemons[2] = again
    expect(again.ready.peerId).toBe(carol.ready.peerId)
    expect((await historyOf(again)).map(m => m.id)).toEqual(before.map(m => m.id))
    await waitFor(async () => (await Promise.all(daemons.map(peersOf))).every(p => p.length === 2), 20_000, 'reconnection after restart')
    const r = await again.cli('send', '--team', 'general', '--json', 'carol is back')
    expect(r.code, r.stderr).toBe(0)
    const sent = JSON.parse(r.stdout) as MessageView
    const previous = before.filter(m => m.author === again.ready.peerId).map(m => m.seq)
    expect(sent.seq).toBe(Math.max(...previous) + 1)
    await waitFor(async () => (await historyOf(daemons[0]!)).some(m => m.id === sent.id), 10_000, 'post-restart message at alice')
  })

  it('rejects forged, corrupted, garbage and oversized entries before they reach the log', async () => {
    const alice = daemons[0]!
    const target = alice.ready.addresses.find(a => a.includes('/ip4/10.77.'))!
    const injector = lab.spawn(4, process.execPath, [join(REPO_ROOT, 'test/e2e/fixtures/inject.mjs'), target, daemons[1]!.ready.peerId, 'general'])
    const output = await new Promise<string>((resolve, reject) => {
      let text = ''
      let errText = ''
      injector.stdout?.on('data', (c: Buffer) => { text += c.toString() })
      injector.stderr?.on('data', (c: Buffer) => { errText += c.toString() })
      injector.once('exit', (code) => {
        if (code === 0) resolve(text)
        else reject(new Error(`injector failed: ${errText}`))
      })
    })
    const report = JSON.parse(output) as { published: Array<{ name: string, recipients: number }> }
    // the injector really reached alice; otherwise this test would prove nothing
    for (const p of report.published) expect(p.recipients, p.name).toBeGreaterThan(0)
    await waitFor(() => alice.stderrLines.filter(l => l.includes('rejected entry')).length >= 3, 10_000, 'rejections logged')
    const rejections = alice.stderrLines.filter(l => l.includes('rejected entry'))
    expect(rejections.some(l => l.includes('BadSignatureError'))).toBe(true)
    expect(rejections.some(l => l.includes('InvalidEntryError'))).toBe(true)
    for (const d of daemons) {
      const texts = (await historyOf(d)).map(m => m.text)
      expect(texts).not.toContain('FORGED-SENDER')
      expect(texts.some(t => t.includes('CORRUPTED'))).toBe(false)
    }
  })
})
