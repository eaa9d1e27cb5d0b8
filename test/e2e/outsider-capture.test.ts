/**
 * What a LAN outsider learns, measured on the wire: two members on namespace hosts found their org,
 * make a confidential team, talk, set a presence with a private text, while a curious node on a third
 * host (no invite) finds them by mDNS, connects, subscribes to whatever is announced and asks every
 * protocol. tcpdump captures everything that crosses the switch. Nothing of the org may be in any
 * packet, and the outsider must have learned nothing but that parley nodes are there.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { killAndWait, NetnsLab, requireNetns, REPO_ROOT } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import { readPcap } from '../helpers/pcap.js'
import type { MemberView, NodeInfo } from '../../src/node.js'
import type { ChildProcess } from 'node:child_process'

const netns = await requireNetns('the outsider capture test')
const OUTSIDER = join(REPO_ROOT, 'test/e2e/fixtures/outsider.mjs')

interface OutsiderReport {
  self: string
  found: string[]
  connected: string[]
  identified: Array<{ peer: string, protocols: string[], agent: string }>
  topicsSeen: string[]
  messages: unknown[]
  answers: { orgSync: Array<{ peer: string, records?: number, refused?: string }>, history: Array<{ peer: string, entries?: number, refused?: string }> }
}

async function json<T> (d: Daemon, ...args: string[]): Promise<T> {
  const r = await d.cli(...args, '--json')
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  return JSON.parse(r.stdout) as T
}

describe.skipIf(!netns)('a LAN outsider, seen from the wire', () => {
  let lab: NetnsLab
  let root: string
  const daemons: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(3)
    root = await mkdtemp(join(tmpdir(), 'parley-e2e-capture-'))
  })

  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('learns that parley nodes are there, and nothing of the org: no name, team, member, text or presence in any packet', { timeout: 120_000 }, async () => {
    const pcap = join(root, 'lan.pcap')
    const tcpdump: ChildProcess = await lab.capture(pcap)
    const start = async (name: string, host: number): Promise<Daemon> => {
      const d = await Daemon.start(join(root, name), ['--name', name], { lab, host })
      daemons.push(d)
      return d
    }
    const alice = await start('Alice Quartermain', 1)
    const bob = await start('Dave Newhire (contractor)', 2)
    const info = await json<NodeInfo>(alice, 'org', 'create', 'Zebulon Holdings')
    const orgId = info.org!.id
    const { token } = await json<{ token: string }>(alice, 'invite', '--expires', '1h')
    await json<NodeInfo>(bob, 'join', token, '--name', 'Dave Newhire (contractor)')
    await waitFor(async () => (await json<MemberView[]>(bob, 'members')).length === 2, 20_000, 'bob in the directory')
    expect((await alice.cli('team', 'create', 'layoffs-2026', bob.ready.peerId)).code).toBe(0)

    const outsider = lab.spawn(3, process.execPath, [OUTSIDER, '20000'])
    let outsiderErr = ''
    outsider.stderr?.on('data', (c: Buffer) => { outsiderErr += c.toString() })
    const lines: string[] = []
    createInterface({ input: outsider.stdout! }).on('line', (l) => { lines.push(l) })
    const exited = new Promise<number | null>(resolve => { outsider.once('exit', resolve) })
    try {
      // the members talk while the outsider is connected
      await call(alice, 'presence.set', { status: 'busy', text: 'at the clinic - oncology follow-up' })
      for (const [d, team, text] of [[alice, 'layoffs-2026', 'merger-talks: twelve positions go in March'], [bob, 'general', 'payroll moved to Quarterbank'], [alice, 'general', 'welcome Dave']] as const) {
        expect((await d.cli('send', '--team', team, text)).code).toBe(0)
      }
      await waitFor(async () => (await bob.cli('history', '--team', 'layoffs-2026', '--json')).stdout.includes('twelve positions'), 20_000, 'bob has the team message')
      expect(await exited, outsiderErr).toBe(0)
    } finally {
      await killAndWait(outsider)
    }
    const report = JSON.parse(lines.at(-1)!) as OutsiderReport
    if (process.env.PARLEY_PRINT_OUTSIDER === '1') console.log(JSON.stringify(report, null, 1))
    tcpdump.kill('SIGINT')
    await new Promise<void>(resolve => { if (tcpdump.exitCode !== null) resolve(); else tcpdump.once('exit', () => { resolve() }) })

    // the outsider's own view: it found both nodes and connected (or this test proves nothing) ...
    const members = [alice.ready.peerId, bob.ready.peerId].sort()
    expect(report.found.filter(p => members.includes(p)).sort()).toEqual(members)
    expect(report.identified.map(i => i.peer).filter(p => members.includes(p)).sort()).toEqual(members)
    // ... and was told of no topic, got no message, and was answered by no protocol
    expect(report.topicsSeen).toEqual([])
    expect(report.messages).toEqual([])
    // (refused outright, or at most an empty answer: never a record or an entry)
    expect(report.answers.orgSync.filter(a => members.includes(a.peer)).every(a => a.refused !== undefined || a.records === 0), JSON.stringify(report.answers)).toBe(true)
    expect(report.answers.history.filter(a => members.includes(a.peer)).every(a => a.refused !== undefined || a.entries === 0), JSON.stringify(report.answers)).toBe(true)
    expect(report.answers.orgSync.length).toBeGreaterThan(0)

    // the wire: what was captured, and that none of the org is in it
    const packets = await readPcap(pcap)
    const ipOf = (i: number): string => lab.host(i).ip
    const outsiderTcp = packets.filter(p => p.proto === 'tcp' && (p.src === ipOf(3) || p.dst === ipOf(3)) && p.payload.length > 0)
    expect(outsiderTcp.length, 'the outsider\'s connections were captured').toBeGreaterThan(0)
    // what is in the clear before Noise: the protocol negotiation (which shows the reader works on TCP)
    expect(outsiderTcp.some(p => p.payload.includes('/noise'))).toBe(true)
    const memberTcp = packets.filter(p => p.proto === 'tcp' && [p.src, p.dst].sort().join() === [ipOf(1), ipOf(2)].sort().join() && p.payload.length > 0)
    expect(memberTcp.length, 'the members\' traffic was captured').toBeGreaterThan(0)
    // every datagram is mDNS, and mDNS names the service and the nodes, nothing else of the org
    const udp = packets.filter(p => p.proto === 'udp')
    expect(udp.every(p => p.sport === 5353 && p.dport === 5353)).toBe(true)
    expect(udp.some(p => p.payload.includes('_parley'))).toBe(true)
    // (seven characters or more: a shorter string turns up in that much ciphertext by chance)
    const secrets = [
      'Zebulon', 'Alice Quartermain', 'Quartermain', 'Newhire', 'contractor', 'layoffs-2026', 'merger-talks', 'twelve positions',
      'payroll', 'Quarterbank', 'welcome Dave', 'oncology', 'at the clinic', '/parley/1/', 'general', '/inbox/', 'presence',
      orgId, Buffer.from(orgId, 'hex').toString('base64')
    ].map(s => ({ what: s, bytes: Buffer.from(s) }))
    secrets.push({ what: 'the org id as bytes', bytes: Buffer.from(orgId, 'hex') })
    for (const p of packets) {
      for (const s of secrets) {
        expect(p.payload.includes(s.bytes), `"${s.what}" in a ${p.proto} packet ${p.src}:${p.sport} -> ${p.dst}:${p.dport}`).toBe(false)
      }
    }
  })
})
