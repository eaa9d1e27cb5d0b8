/**
 * Running the office through the CLI, end to end on network-namespace hosts with real daemons:
 * invite list and revoke (a revoked token refused at join), suspend and resume (kept in the
 * directory, posts refused, back with what was written meanwhile), an announcement team and its
 * posters, the org log and its verifiable export.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { MessageView } from '../../src/events.js'
import type { InviteView, MemberView, NodeInfo, OrgLogEntry, TeamView } from '../../src/node.js'

const netns = await requireNetns('the office end-to-end test')

async function json<T> (d: Daemon, ...args: string[]): Promise<T> {
  const r = await d.cli(...args, '--json')
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  return JSON.parse(r.stdout) as T
}

async function historyOf (d: Daemon, team: string): Promise<MessageView[]> {
  const r = await d.cli('history', '--team', team, '--json', '--limit', '1000')
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map(l => JSON.parse(l) as MessageView)
}

describe.skipIf(!netns)('running the office through the CLI', () => {
  let lab: NetnsLab
  let root: string
  const daemons: Daemon[] = []

  beforeAll(async () => {
    lab = await NetnsLab.create(4)
    root = await mkdtemp(join(tmpdir(), 'parley-e2e-office-'))
  })

  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  // four daemons, a dozen admin acts and some sixty CLI runs (a process each): several minutes on a loaded machine
  it('invites under control, suspension and resume, an announcement team, the org log and its export', { timeout: 480_000 }, async () => {
    const start = async (name: string, host: number): Promise<Daemon> => {
      const d = await Daemon.start(join(root, name), ['--name', name], { lab, host })
      daemons.push(d)
      return d
    }
    const ann = await start('ann', 1)
    const bob = await start('bob', 2)
    const cy = await start('cy', 3)
    const dee = await start('dee', 4)
    await json<NodeInfo>(ann, 'org', 'create', 'Acme')
    for (const [d, name] of [[bob, 'bob'], [cy, 'cy']] as const) {
      const { token } = await json<{ token: string }>(ann, 'invite', '--expires', '1h')
      await json<NodeInfo>(d, 'join', token, '--name', name)
    }
    const bobId = bob.ready.peerId
    const cyId = cy.ready.peerId
    await waitFor(async () => (await Promise.all([ann, bob, cy].map(async d => json<MemberView[]>(d, 'members')))).every(m => m.length === 3), 15_000, 'everyone in the directory')

    // invites: a pending one is revoked, and refused at join
    const { token: spare } = await json<{ token: string }>(ann, 'invite', '--expires', '1h')
    let invites = await json<InviteView[]>(ann, 'invite', 'list')
    expect(invites.filter(i => i.status === 'used').map(i => i.usedBy).sort()).toEqual([bobId, cyId].sort())
    const pending = invites.find(i => i.status === 'pending')!
    expect(pending.issuerName).toBe('ann')
    const revoked = await ann.cli('invite', 'revoke', pending.id.slice(0, 12))
    expect(revoked.code, revoked.stderr).toBe(0)
    invites = await json<InviteView[]>(ann, 'invite', 'list')
    expect(invites.find(i => i.id === pending.id)?.status).toBe('revoked')
    expect((await ann.cli('invite', 'list')).stdout).toMatch(/revoked/)
    const refused = await dee.cli('join', spare, '--name', 'dee', '--timeout', '30s')
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/revoked/)

    // suspension: kept in the directory and marked, out of every team, posts refused
    const suspended = await ann.cli('admin', 'suspend', bobId, '--reason', 'on leave')
    expect(suspended.code, suspended.stderr).toBe(0)
    expect(suspended.stdout).toMatch(/SUSPENDED \(on leave\)/)
    await waitFor(async () => (await json<MemberView[]>(cy, 'members')).find(m => m.peerId === bobId)?.suspended?.reason === 'on leave', 10_000, 'cy sees the suspension')
    await waitFor(async () => (await json<NodeInfo>(bob, 'info')).suspended !== undefined, 10_000, 'bob learns of it')
    const blocked = await bob.cli('send', '--team', 'general', 'am I still here?')
    expect(blocked.code).not.toBe(0)
    expect(blocked.stderr).toMatch(/suspended/)
    const meanwhile = await json<MessageView>(ann, 'send', '--team', 'general', 'written while bob is away')
    const resumed = await ann.cli('admin', 'resume', bobId)
    expect(resumed.code, resumed.stderr).toBe(0)
    await waitFor(async () => (await historyOf(bob, 'general')).some(m => m.id === meanwhile.id && m.readable), 30_000, 'bob is back and reads what was written meanwhile')
    await json<MessageView>(bob, 'send', '--team', 'general', 'back again')

    // an announcement team: only the admin, then a named poster, post
    const created = await ann.cli('team', 'create', 'news', bobId, cyId, '--announce')
    expect(created.code, created.stderr).toBe(0)
    await waitFor(async () => (await json<TeamView[]>(cy, 'team', 'list')).find(t => t.name === 'news')?.joined === true, 10_000, 'cy is in news')
    const notPoster = await cy.cli('send', '--team', 'news', 'may I?')
    expect(notPoster.code).not.toBe(0)
    expect(notPoster.stderr).toMatch(/announcement team/)
    const named = await json<TeamView>(ann, 'team', 'posters', 'news', cyId)
    expect(named.posters).toEqual([cyId])
    await waitFor(async () => (await json<TeamView[]>(cy, 'team', 'list')).find(t => t.name === 'news')?.epoch === named.epoch, 10_000, 'cy has the new epoch')
    const posted = await json<MessageView>(cy, 'send', '--team', 'news', 'lunch at noon')
    await waitFor(async () => (await historyOf(bob, 'news')).some(m => m.id === posted.id && m.readable), 10_000, 'bob reads cy\'s announcement')

    // the org log, and its export verifies; an edited copy does not
    const log = await json<OrgLogEntry[]>(ann, 'org', 'log')
    const acts = log.map(e => e.act)
    for (const act of ['founded', 'invite-made', 'joined', 'invite-revoked', 'suspended', 'resumed', 'team-created', 'team-posters']) expect(acts, act).toContain(act)
    expect((await ann.cli('org', 'log')).stdout).toMatch(/ann: suspended bob: on leave/)
    for (const format of ['jsonl', 'csv']) {
      const file = join(root, `org.${format}`)
      const exported = await cy.cli('export', '--org', '--format', format, '--out', file)
      expect(exported.code, exported.stderr).toBe(0)
      const ok = await cy.cli('verify-export', file)
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.stdout).toMatch(/^ok: \d+ records of the org log/)
      await writeFile(join(root, `edited.${format}`), (await readFile(file, 'utf8')).replace('suspended bob: on leave', 'suspended bob: nothing'))
      const bad = await cy.cli('verify-export', join(root, `edited.${format}`))
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(/NOT VALID/)
    }
  })
})
