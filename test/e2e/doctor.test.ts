/**
 * `parley doctor` on namespace hosts: it sees a missing multicast route, and a node that is running
 * and connected.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, PARLEY_BIN, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'

const exec = promisify(execFile)
const netns = await requireNetns('the doctor end-to-end tests')

describe.skipIf(!netns)('parley doctor', () => {
  let lab: NetnsLab
  let root: string
  const daemons: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(2)
    root = await mkdtemp(join(tmpdir(), 'parley-doctor-'))
  })
  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  /** Run doctor inside host `i`, where its checks see that host's network. */
  async function doctor (i: number, dataDir: string): Promise<{ code: number, out: string }> {
    try {
      const { stdout } = await exec('ip', ['netns', 'exec', lab.host(i).ns, process.execPath, PARLEY_BIN, 'doctor', '--data', dataDir], { timeout: 30_000 })
      return { code: 0, out: stdout }
    } catch (err) {
      const e = err as { code?: number, stdout?: string }
      return { code: e.code ?? -1, out: e.stdout ?? '' }
    }
  }

  it('reports a missing multicast route as the reason mDNS cannot work', async () => {
    await exec('ip', ['-n', lab.host(2).ns, 'route', 'del', '224.0.0.0/4'])
    try {
      const r = await doctor(2, join(root, 'none'))
      expect(r.code).toBe(1)
      expect(r.out).toMatch(/✗ no route for multicast/)
      expect(r.out).toMatch(/ip route add 224\.0\.0\.0\/4/)
    } finally {
      await exec('ip', ['-n', lab.host(2).ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0'])
    }
    expect((await doctor(2, join(root, 'none'))).out).toMatch(/✓ mDNS multicast leaves by eth0/)
  })

  it('reports a running, connected node', async () => {
    const a = await Daemon.start(join(root, 'a'), ['--name', 'A'], { lab, host: 1 })
    const b = await Daemon.start(join(root, 'b'), ['--name', 'B'], { lab, host: 2 })
    daemons.push(a, b)
    await call(a, 'org.create', { name: 'Acme' })
    await call(b, 'join', { token: (await call(a, 'invite', {})).token, name: 'B' })
    await waitFor(async () => (await call(a, 'peers')).length === 1, 10_000, 'connected')
    const r = await doctor(1, a.dataDir)
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/✓ node A \(.*\) is running/)
    expect(r.out).toMatch(/✓ connected to 1 peer in Acme/)
    expect(r.out).not.toMatch(/TCP port 7717 is/) // the node holds it: not reported as taken
  })

  it('says when colleagues answer mDNS but cannot be reached, and what the node tries', async () => {
    const [a, b] = daemons as [Daemon, Daemon]
    // TCP between the two hosts is dropped; multicast (mDNS) still crosses the switch
    await lab.partition([1], [2])
    try {
      await waitFor(async () => (await call(a, 'peers')).length === 0, 60_000, 'the connection to b drops')
      await waitFor(async () => /connected to nobody for \d+ s although \d+ mDNS answers? arrived/.test((await doctor(1, a.dataDir)).out), 60_000, 'doctor names the symptom')
      const r = await doctor(1, a.dataDir)
      expect(r.code).toBe(1)
      expect(r.out).toContain(b.ready.peerId)
      expect(r.out).toMatch(/failed dial|dialing now/)
    } finally {
      await lab.heal([1], [2])
    }
    await waitFor(async () => (await call(a, 'peers')).length === 1, 30_000, 'connected again once TCP passes')
  }, 150_000)
})
