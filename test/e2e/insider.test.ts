/**
 * A removed member's relay attack, end to end on network-namespace hosts with real daemons: after
 * `admin remove`, the removed person runs their old member key behind a fresh libp2p identity, and
 * when a colleague comes back from being offline relays them a genuine entry whose predecessor they
 * lack, ready to serve a forgery signed under the old epoch as the history before it. The returning
 * colleague must not even tell that peer of its subscriptions, never read its gossip (relayed the
 * gossipsub way or as a raw RPC) and never ask it for history; it then catches up from a member, and
 * the forgery is nowhere.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daemon } from '../helpers/daemon.js'
import { killAndWait, NetnsLab, requireNetns, REPO_ROOT } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { MessageView } from '../../src/events.js'
import type { MemberView, NodeInfo } from '../../src/node.js'

const execFileP = promisify(execFile)
const netns = await requireNetns('the insider end-to-end test')
const ATTACK = join(REPO_ROOT, 'test/e2e/fixtures/relay-attack.mjs')

async function json<T> (d: Daemon, ...args: string[]): Promise<T> {
  const r = await d.cli(...args, '--json')
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  return JSON.parse(r.stdout) as T
}

async function historyOf (d: Daemon): Promise<MessageView[]> {
  const r = await d.cli('history', '--team', 'general', '--json', '--limit', '1000')
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map(l => JSON.parse(l) as MessageView)
}

describe.skipIf(!netns)('a removed member on the LAN', () => {
  let lab: NetnsLab
  let root: string
  const daemons: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(4)
    root = await mkdtemp(join(tmpdir(), 'parley-e2e-insider-'))
  })

  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  // five daemon starts, a removal and two catch-ups: about a minute on a busy machine
  it('relaying behind a fresh identity to a returning colleague gets nothing in, and is never asked for history', { timeout: 180_000 }, async () => {
    const start = async (name: string, host: number, args: string[] = []): Promise<Daemon> => {
      const d = await Daemon.start(join(root, name), ['--name', name, ...args], { lab, host })
      daemons.push(d)
      return d
    }
    let alice = await start('alice', 1)
    let bob = await start('bob', 2)
    const mallory = await start('mallory', 3)
    const orgId = (await json<NodeInfo>(alice, 'org', 'create', 'Acme')).org!.id
    for (const [d, name] of [[bob, 'bob'], [mallory, 'mallory']] as const) {
      const { token } = await json<{ token: string }>(alice, 'invite', '--expires', '1h')
      await json<NodeInfo>(d, 'join', token, '--name', name)
    }
    await waitFor(async () => (await Promise.all([alice, bob, mallory].map(async d => json<MemberView[]>(d, 'members')))).every(m => m.length === 3), 15_000, 'everyone in the directory')
    await json<MessageView>(alice, 'send', '--team', 'general', 'good morning')
    await waitFor(async () => (await historyOf(bob)).length === 1, 10_000, 'bob has the first message')

    // bob is away; alice writes while mallory is still a member (mallory's node gets it)
    expect(await bob.stop('SIGTERM')).toBe(0)
    const whileAway = await json<MessageView>(alice, 'send', '--team', 'general', 'written while bob was away')
    await waitFor(async () => (await historyOf(mallory)).some(m => m.id === whileAway.id), 10_000, 'mallory has it')
    // mallory keeps a copy of her data dir; with it she signs a forgery under the epoch she holds
    expect(await mallory.stop('SIGTERM')).toBe(0)
    const stash = join(root, 'stash.json')
    const prepared = await execFileP(process.execPath, [ATTACK, 'prepare', mallory.dataDir, stash, alice.ready.peerId])
    expect(JSON.parse(prepared.stdout.trim())).toEqual({ prepared: true, genuineSeq: whileAway.seq })

    // offboarding, then alice goes home: when bob returns the attacker is the only peer around
    await json<MemberView[]>(alice, 'admin', 'remove', mallory.ready.peerId)
    const aliceDir = alice.dataDir
    expect(await alice.stop('SIGTERM')).toBe(0)

    bob = await Daemon.start(bob.dataDir, [], { lab, host: 2 })
    daemons.push(bob)
    const target = bob.ready.addresses.find(a => a.includes(`/ip4/${lab.host(2).ip}/`)) ?? bob.ready.addresses[0]!
    const attacker = lab.spawn(4, process.execPath, [ATTACK, 'attack', target, orgId, stash])
    let attackerErr = ''
    attacker.stderr?.on('data', (c: Buffer) => { attackerErr += c.toString() })
    const lines: string[] = []
    const exited = new Promise<number | null>(resolve => { attacker.once('exit', resolve) })
    createInterface({ input: attacker.stdout! }).on('line', (l) => { lines.push(l) })
    try {
      await waitFor(() => lines.some(l => l.includes('ready')), 60_000, `the attacker relays (${attackerErr})`)
      expect(await exited, attackerErr).toBe(0)
    } finally {
      await killAndWait(attacker)
    }
    const report = JSON.parse(lines.at(-1)!) as { relayedTo: number, rawSent: boolean, sawSubscription: boolean, askedForHistory: number }
    // the attacker reached bob's node (or this test would prove nothing) and wrote its relay on a
    // meshsub stream; bob told it nothing, read nothing of it, and never asked it for history
    expect(report.rawSent).toBe(true)
    expect(report.sawSubscription).toBe(false)
    expect(report.relayedTo).toBe(0)
    expect(report.askedForHistory).toBe(0)
    expect(bob.stderrLines.filter(l => l.includes('relayed by'))).toEqual([])
    expect((await historyOf(bob)).map(m => m.text)).toEqual(['good morning'])

    // alice is back: bob catches up from a member, and the forgery is nowhere
    alice = await Daemon.start(aliceDir, [], { lab, host: 1 })
    daemons.push(alice)
    await waitFor(async () => (await historyOf(bob)).some(m => m.id === whileAway.id), 30_000, 'bob catches up from alice')
    for (const d of [alice, bob]) {
      const texts = (await historyOf(d)).map(m => m.text)
      expect(texts).toEqual(['good morning', 'written while bob was away'])
    }
    const search = await bob.cli('search', 'IBAN', '--json')
    expect(search.stdout).not.toContain('IBAN')
  })
})
