/**
 * Files between real daemons on network-namespace hosts: a file shared through the CLI arrives
 * byte-identical, a transfer whose sender is killed completes from another holder, and with ClamAV
 * as the scan hook (and a signature database made for the test that matches the EICAR string) an
 * EICAR file is quarantined, never released, and flagged to the team.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { FileView, MessageView } from '../../src/events.js'
import type { NodeInfo } from '../../src/node.js'

const netns = await requireNetns('the file end-to-end tests')
const clamscan = await promisify(execFile)('clamscan', ['--version']).then(() => true, () => false)
if (!clamscan && process.env.CI === 'true') throw new Error('clamscan is missing: .ci/run installs Debian\'s clamav package')

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
const MB = 1000 * 1000

async function json<T> (d: Daemon, ...args: string[]): Promise<T> {
  const r = await d.cli(...args, '--json')
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  return JSON.parse(r.stdout) as T
}

describe.skipIf(!netns)('files on a LAN of namespace hosts', () => {
  let lab: NetnsLab
  let root: string
  const office: Daemon[] = []
  const names = ['alice', 'bob', 'carol']

  beforeAll(async () => {
    lab = await NetnsLab.create(3)
    root = await mkdtemp(join(tmpdir(), 'parley-files-'))
    // a signature database that matches the EICAR test string, and nothing else
    const db = join(root, 'parley-test.ndb')
    await writeFile(db, `Parley.Test.EICAR:0:*:${Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE').toString('hex')}\n`)
    for (const [i, name] of names.entries()) {
      const config = join(root, `${name}.conf`)
      await writeFile(config, [
        'auto-download = 1MB',
        ...(name === 'carol' && clamscan ? [`scan-command = clamscan --no-summary -d "${db}" {}`] : []),
        ...(name === 'bob' ? ['max-file-size = 30MB'] : []),
        ''
      ].join('\n'))
      office.push(await Daemon.start(join(root, name), ['--name', name, '--config', config], { lab, host: i + 1 }))
    }
    const [alice, bob, carol] = office as [Daemon, Daemon, Daemon]
    await json<NodeInfo>(alice, 'org', 'create', 'Acme')
    for (const [d, name] of [[bob, 'bob'], [carol, 'carol']] as const) {
      const inv = await json<{ token: string }>(alice, 'invite')
      await json<NodeInfo>(d, 'join', inv.token, '--name', name)
    }
    await waitFor(async () => (await Promise.all(office.map(async d => json<unknown[]>(d, 'members', '--team', 'general')))).every(m => m.length === 3), 20_000, 'everyone in #general')
  }, 90_000)

  afterAll(async () => {
    await Promise.all(office.map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('arrives byte-identical on every member, and completes from another holder when the sender is killed', async () => {
    const [alice, bob, carol] = office as [Daemon, Daemon, Daemon]
    const bytes = randomBytes(25 * MB)
    const path = join(root, 'site survey.bin')
    await writeFile(path, bytes)
    const sent = await json<FileView>(alice, 'file', 'send', '--team', 'general', '--caption', 'survey', path)
    expect(sent).toMatchObject({ name: 'site survey.bin', size: bytes.length, state: 'complete' })
    await waitFor(async () => (await Promise.all([bob, carol].map(async d => json<FileView[]>(d, 'file', 'list')))).every(l => l.length === 1), 15_000, 'manifest on every host')
    // too big to fetch by itself here: bob asks for it
    expect((await json<FileView[]>(bob, 'file', 'list'))[0]!.state).toBe('remote')
    const bobOut = join(root, 'bob-out')
    const atBob = await json<{ path: string }>(bob, 'file', 'get', sent.id.slice(0, 10), '--out', bobOut)
    expect(atBob.path).toBe(join(bobOut, 'site survey.bin'))
    expect((await readFile(atBob.path)).equals(bytes)).toBe(true)

    // carol starts, from both holders slowed to ~5 MB/s each; alice (the sender) dies mid-transfer; carol finishes from bob
    await lab.limitRate(1, '40mbit')
    await lab.limitRate(2, '40mbit')
    const carolOut = join(root, 'carol-out')
    const getting = carol.cli('file', 'get', sent.id, '--out', carolOut)
    await waitFor(async () => {
      const [f] = await json<FileView[]>(carol, 'file', 'list')
      return f !== undefined && f.held > 0 && f.held < f.size
    }, 20_000, 'carol has some chunks, not all')
    await alice.stop('SIGKILL')
    const done = await getting
    expect(done.code, done.stderr).toBe(0)
    expect(done.stdout.trim()).toBe(join(carolOut, 'site survey.bin'))
    expect((await readFile(join(carolOut, 'site survey.bin'))).equals(bytes)).toBe(true)
    // the progress line went to stderr
    expect(done.stderr).toMatch(/site survey\.bin +\d+% .* from \d peers?/)
  }, 120_000)

  it('sanitises hostile names and refuses oversize files', async () => {
    const [, bob, carol] = office as [Daemon, Daemon, Daemon]
    const path = join(root, 'note.txt')
    await writeFile(path, 'hello')
    const out = join(root, 'carol-names')
    for (const [name, safe] of [['../../../../etc/cron.d/evil', 'evil'], ['/root/.ssh/authorized_keys', 'authorized_keys'], ['\u001b]0;owned\u0007\u001b[2Jreport.txt', 'report.txt'], ['..', 'file']]) {
      const sent = await json<FileView>(bob, 'file', 'send', '--team', 'general', '--name', name!, path)
      await waitFor(async () => (await json<FileView[]>(carol, 'file', 'list')).some(f => f.id === sent.id && f.state === 'complete'), 15_000, `${safe} at carol`)
      const got = await json<{ path: string }>(carol, 'file', 'get', sent.id, '--out', out)
      expect(got.path).toBe(join(out, safe!))
    }
    expect((await readdir(out)).sort()).toEqual(['authorized_keys', 'evil', 'file', 'report.txt'])
    // bob's limit is 30 MB: he sends nothing bigger, and does not fetch carol's 31 MB file
    const big = join(root, 'big.bin')
    await writeFile(big, randomBytes(31 * MB))
    const refused = await bob.cli('file', 'send', '--team', 'general', big)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/big\.bin is 31 MB; the limit is 30 MB/)
    const sent = await json<FileView>(carol, 'file', 'send', '--team', 'general', big)
    await waitFor(async () => (await json<FileView[]>(bob, 'file', 'list')).some(f => f.id === sent.id), 15_000, 'manifest at bob')
    const tooBig = await bob.cli('file', 'get', sent.id, '--out', join(root, 'bob-big'))
    expect(tooBig.code).toBe(1)
    expect(tooBig.stderr).toMatch(/this node's limit is 30 MB/)
  }, 90_000)

  it.skipIf(!clamscan)('quarantines an EICAR file with ClamAV: never released, never served, flagged to the team', async () => {
    const [, bob, carol] = office as [Daemon, Daemon, Daemon]
    const path = join(root, 'invoice.com')
    await writeFile(path, EICAR)
    const sent = await json<FileView>(bob, 'file', 'send', '--team', 'general', path)
    // small enough to fetch at once; carol's scanner runs as soon as it is whole
    await waitFor(async () => (await json<FileView[]>(carol, 'file', 'list')).find(f => f.id === sent.id)?.state === 'quarantined', 20_000, 'quarantined at carol')
    const [view] = (await json<FileView[]>(carol, 'file', 'list')).filter(f => f.id === sent.id)
    expect(view!.reason).toContain('Parley.Test.EICAR')
    const out = join(root, 'carol-eicar')
    const r = await carol.cli('file', 'get', sent.id, '--out', out)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/quarantined/)
    expect(await readdir(out).catch(() => [])).toEqual([])
    expect(await readdir(join(root, 'carol', 'files', 'quarantine'))).toEqual([sent.id])
    // the team hears of it, from carol
    await waitFor(async () => {
      const r = await bob.cli('history', '--team', 'general', '--json', '--limit', '50')
      return r.stdout.trim().split('\n').map(l => JSON.parse(l) as MessageView).some(m => m.flag?.file === sent.id && m.author === carol.ready.peerId)
    }, 15_000, 'flag in #general at bob')
  }, 60_000)
})
