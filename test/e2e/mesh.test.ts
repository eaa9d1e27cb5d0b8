/**
 * Ten workstations switched on together (a morning in the office) find each other by mDNS alone and
 * all connect to all, and stay so once their mDNS has settled to one query a minute. Real
 * `parley daemon` processes on ten namespace hosts. The time to the full mesh is printed; `npm run
 * bench -- scale` measures it for 10, 20 and 30.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'

const netns = await requireNetns('the full-mesh test')
// PARLEY_MESH_SIZE: a larger office, by hand (the suite runs 10)
const SIZE = Number(process.env.PARLEY_MESH_SIZE ?? 10)

async function peerCounts (office: Daemon[]): Promise<number[]> {
  return Promise.all(office.map(async d => new Set((await call(d, 'peers')).map(p => p.peerId)).size))
}

describe.skipIf(!netns)(`${SIZE} workstations started together`, () => {
  let lab: NetnsLab
  let root: string
  const office: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(SIZE)
    root = await mkdtemp(join(tmpdir(), 'parley-mesh-'))
  })

  afterAll(async () => {
    await Promise.all(office.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('reach a full mesh by mDNS alone and keep it once discovery has settled', async () => {
    const started = Date.now()
    office.push(...await Promise.all(Array.from({ length: SIZE }, async (_, i) => Daemon.start(join(root, `n${i + 1}`), ['--name', `n${i + 1}`], { lab, host: i + 1 }, 60_000))))
    const allReady = Date.now()
    await waitFor(async () => (await peerCounts(office)).every(n => n === SIZE - 1), 60_000, 'every node connected to every other')
    console.log(`${SIZE} daemons started together: all ready ${allReady - started} ms after spawn, full mesh ${Date.now() - allReady} ms after the last ready line`)
    // discovery settles after 20 s without a new peer; the mesh must not depend on it going on
    await sleep(30_000)
    expect(await peerCounts(office)).toEqual(Array.from({ length: SIZE }, () => SIZE - 1))
    // one connection per pair, not two
    for (const d of office) {
      const peers = await call(d, 'peers')
      expect(peers.every(p => p.addresses.length === 1), `${d.ready.name}: ${JSON.stringify(peers)}`).toBe(true)
    }
  }, 180_000)
})
