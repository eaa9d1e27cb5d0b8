/**
 * The CLI as a user runs it: real processes in the root namespace, on 127.0.0.1 with mDNS off.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { Daemon, runCli } from '../helpers/daemon.js'
import { killAndWait, PARLEY_BIN } from '../helpers/netns.js'
import type { MessageView } from '../../src/events.js'

const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

describe('parley CLI', () => {
  let root: string
  const daemons: Daemon[] = []
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'parley-cli-')) })
  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await rm(root, { recursive: true, force: true })
  })

  it('says its version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    const r = await runCli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`parley ${pkg.version}\n`)
  })

  it('init creates the identity once and prints the same peer id again', async () => {
    const data = join(root, 'init')
    const first = await runCli(['init', '--name', 'Ann', '--data', data])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout.trim()).toMatch(/^12D3KooW\w+$/)
    const second = await runCli(['init', '--name', 'Bob', '--data', data])
    expect(second.code).toBe(0)
    expect(second.stdout).toBe(first.stdout)
    expect(second.stderr).toMatch(/nothing changed/)
    expect((await stat(join(data, 'identity.key'))).mode & 0o777).toBe(0o600)
  })

  it('takes settings from a config file, flags winning, and refuses a bad one by line', async () => {
    const cfg = join(root, 'parley.conf')
    await writeFile(cfg, `# test\nmdns = false\nlisten = /ip4/127.0.0.1/tcp/0\nname = From Config\n`)
    const d = await Daemon.start(join(root, 'configured'), ['--config', cfg])
    daemons.push(d)
    expect(d.ready.name).toBe('From Config')
    expect(d.ready.addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\//)
    await d.stop('SIGTERM')
    await writeFile(cfg, 'mdns = false\nlisten = nonsense\n')
    const bad = await runCli(['daemon', '--config', cfg, '--data', join(root, 'configured')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/parley.conf line 2: "listen" takes a multiaddr/)
  })

  it('installs a per-user systemd unit that runs the daemon, and removes it', async () => {
    const config = join(root, 'xdg-config')
    const data = join(root, 'svc data')
    // no systemctl on PATH: it must still write the unit and say how to enable it
    const env = { XDG_CONFIG_HOME: config, PATH: '' }
    const installed = await runCli(['service', 'install', '--data', data], env)
    expect(installed.code, installed.stderr).toBe(0)
    expect(installed.stdout).toMatch(/wrote .*systemd\/user\/parley\.service/)
    expect(installed.stdout).toMatch(/systemctl --user enable --now parley\.service/)
    const unit = await readFile(join(config, 'systemd/user/parley.service'), 'utf8')
    expect(unit).toContain(`ExecStart="${process.execPath}" "${PARLEY_BIN}" daemon --data "${data}"`)
    expect(unit).toMatch(/WantedBy=default\.target/)
    expect((await runCli(['service', 'status'], env)).stdout).toMatch(/installed: /)
    expect((await runCli(['service', 'uninstall'], env)).stdout).toMatch(/removed /)
    expect((await runCli(['service', 'status'], env)).stdout).toMatch(/not installed/)
  })

  it('takes the data dir from PARLEY_DATA', async () => {
    const data = join(root, 'env')
    const viaEnv = await runCli(['init', '--name', 'Env'], { PARLEY_DATA: data })
    const viaFlag = await runCli(['init', '--name', 'Env', '--data', data])
    expect(viaEnv.stdout).toBe(viaFlag.stdout)
  })

  it('join refuses a damaged token, and says it is waiting while no admin answers', async () => {
    const data = join(root, 'joiner')
    const damaged = await runCli(['join', 'parley1:AAAA', '--name', 'Jo', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', data])
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(/damaged/)
    // a valid token of an org whose admin is not running: it waits, then gives up at --timeout
    const admin = await Daemon.start(join(root, 'lonely-admin'), LOOPBACK)
    await admin.cli('org', 'create', 'Lonely')
    const token = (await admin.cli('invite')).stdout.trim()
    await admin.stop('SIGTERM')
    const waiting = await runCli(['join', token, '--name', 'Jo', '--timeout', '3s', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--data', data])
    expect(waiting.code).toBe(1)
    expect(waiting.stderr).toMatch(/waiting for an admin/)
    expect(waiting.stderr).toMatch(/no admin of the organisation answered within 3s/)
  })

  it('gives a clear message and a non-zero exit for bad usage and no running node', async () => {
    const data = join(root, 'none')
    const noNode = await runCli(['peers', '--data', data])
    expect(noNode.code).toBe(1)
    expect(noNode.stderr).toMatch(/no parley node is running/)
    const badTeam = await runCli(['send', '--team', 'Bad Team', 'hi', '--data', data])
    expect(badTeam.code).toBe(2)
    expect(badTeam.stderr).toMatch(/invalid team name/)
    const unknownFlag = await runCli(['peers', '--bogus', '--data', data])
    expect(unknownFlag.code).toBe(2)
    const unknownCommand = await runCli(['frobnicate'])
    expect(unknownCommand.code).toBe(2)
    expect(unknownCommand.stderr).toMatch(/unknown command/)
    const noName = await runCli(['init', '--data', data])
    expect(noName.code).toBe(2)
    const help = await runCli(['send', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/usage: parley send/)
  })

  it('runs a daemon that serves send, history, tail and peers, refuses a second one, and stops cleanly', async () => {
    const data = join(root, 'daemon')
    const d = await Daemon.start(data, [...LOOPBACK, '--name', 'Dee'])
    daemons.push(d)
    expect(d.ready.event).toBe('ready')
    expect(d.ready.addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)

    const early = await d.cli('send', '--team', 'general', 'too early')
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(/no organisation yet/)
    const created = await d.cli('org', 'create', 'Acme', 'Corp')
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toMatch(/created Acme Corp/)

    const second = await runCli(['daemon', '--data', data, ...LOOPBACK])
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(/another parley process is using the data dir/)

    // tail --json streams what arrives, as JSON lines, from a separate process
    const tail = spawn(process.execPath, [PARLEY_BIN, 'tail', '--team', 'general', '--json', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] })
    const tailed = new Promise<MessageView>((resolve) => {
      createInterface({ input: tail.stdout }).once('line', (l) => { resolve(JSON.parse(l) as MessageView) })
    })
    // tail says on stderr when its subscription is in place
    await new Promise<void>((resolve) => {
      createInterface({ input: tail.stderr }).on('line', (l) => { if (l.includes('following #general')) resolve() })
    })
    const sent = await d.cli('send', '--team', 'general', '--json', 'hello', 'there')
    expect(sent.code, sent.stderr).toBe(0)
    const view = JSON.parse(sent.stdout) as MessageView
    expect(view).toMatchObject({ text: 'hello there', authorName: 'Dee', seq: 1, team: 'general' })
    expect((await tailed).id).toBe(view.id)
    await killAndWait(tail, 'SIGINT')

    const found = await d.cli('search', 'THERE', '--json')
    expect(found.code, found.stderr).toBe(0)
    expect(JSON.parse(found.stdout.trim().split('\n')[0]!)).toMatchObject({ id: view.id })
    const badDate = await d.cli('search', 'x', '--since', 'yesterday-ish')
    expect(badDate.code).toBe(2)
    // a verifiable export for the records; a changed line is caught
    const exported = join(root, 'general.jsonl')
    const ex = await d.cli('export', '--team', 'general', '--out', exported)
    expect(ex.code, ex.stderr).toBe(0)
    expect((await runCli(['verify-export', exported])).stdout).toMatch(/^ok: 2 records of #general, exported by Dee/)
    const again = await d.cli('export', '--team', 'general', '--out', exported)
    expect(again.code).toBe(1) // never overwrites
    // in a sentence, not as a raw errno
    expect(again.stderr).toMatch(/already exists; it is never overwritten/)
    expect(again.stderr).not.toMatch(/EEXIST/)
    await writeFile(exported, (await readFile(exported, 'utf8')).replace('hello there', 'hello there!'))
    const tampered = await runCli(['verify-export', exported])
    expect(tampered.code).toBe(1)
    expect(tampered.stderr).toMatch(/NOT VALID: line 3: this line was altered/)
    const csv = await d.cli('export', '--team', 'general', '--format', 'csv')
    await writeFile(join(root, 'general.csv'), csv.stdout)
    expect((await runCli(['verify-export', join(root, 'general.csv')])).code).toBe(0)
    const hist = await d.cli('history', '--team', 'general')
    expect(hist.stdout).toMatch(/#general {2}Dee \(…\w+\): hello there/)
    const peers = await d.cli('peers', '--json')
    expect(JSON.parse(peers.stdout)).toEqual([])

    // team administration through the CLI
    expect((await d.cli('team', 'create', 'dev')).code).toBe(0)
    const dup = await d.cli('team', 'create', 'dev')
    expect(dup.code).toBe(2)
    expect(dup.stderr).toMatch(/already exists/)
    const teams = JSON.parse((await d.cli('team', 'list', '--json')).stdout) as Array<{ name: string, joined: boolean, epoch: number }>
    expect(teams.map(t => `${t.name}:${t.epoch}:${t.joined}`)).toEqual(['dev:1:true', 'general:1:true'])
    const members = await d.cli('members', '--team', 'dev')
    expect(members.stdout).toMatch(/● Dee .* admin {2}#dev #general/)
    const notAMember = await d.cli('team', 'add', 'dev', '12D3KooWFydWYAwTG1eeJWJzfPy8wQpNiNyKHfpd8jqpAimei13V')
    expect(notAMember.code).toBe(1)
    expect(notAMember.stderr).toMatch(/not in the directory/)
    const badInvite = await d.cli('invite', '--expires', 'forever')
    expect(badInvite.code).toBe(2)
    const invite = await d.cli('invite', '--team', 'dev', '--expires', '2h')
    expect(invite.stdout.trim()).toMatch(/^parley1:[\w-]+$/)
    const tokenFile = join(root, 'invite.txt')
    const written = await d.cli('invite', '--out', tokenFile)
    expect(written.code, written.stderr).toBe(0)
    expect(written.stdout).toBe('')
    expect(await readFile(tokenFile, 'utf8')).toMatch(/^parley1:[\w-]+\n$/)
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)
    expect((await d.cli('invite', '--out', tokenFile)).stderr).toMatch(/invite\.txt" already exists/)

    // retention and holds
    const kept = await d.cli('team', 'retention', 'dev', '90')
    expect(kept.code, kept.stderr).toBe(0)
    expect(kept.stdout).toMatch(/#dev: messages older than 90 days are deleted on every node/)
    const hold = await d.cli('team', 'hold', 'dev', 'on', '--reason', 'audit')
    expect(hold.stdout).toMatch(/#dev: on hold, nothing is deleted/)
    expect((await d.cli('team', 'list')).stdout).toMatch(/#dev +1 members, key epoch 1, keeps 90 days, ON HOLD \(audit\)/)
    expect((await d.cli('team', 'retention', 'dev', 'soon')).code).toBe(2)
    expect((await d.cli('team', 'hold', 'dev', 'maybe')).code).toBe(2)
    expect((await d.cli('team', 'retention', 'dev', 'forever')).stdout).toMatch(/kept for ever .*on hold/)

    expect(await d.stop('SIGTERM')).toBe(0)
    await expect(stat(join(data, 'control.sock'))).rejects.toThrow(/ENOENT/)
  })

  it('backs up and restores through the CLI; the restored node will not post until it hears from a peer', async () => {
    const data = join(root, 'to-back-up')
    const d = await Daemon.start(data, LOOPBACK)
    daemons.push(d)
    expect((await d.cli('org', 'create', 'Backed')).code).toBe(0)
    expect((await d.cli('send', '--team', 'general', 'keep me')).code).toBe(0)
    const file = join(root, 'node.backup')
    const b = await d.cli('backup', file)
    expect(b.code, b.stderr).toBe(0)
    expect(b.stdout).toMatch(/private key/)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    await d.stop('SIGTERM')
    const target = join(root, 'restored')
    const r = await runCli(['restore', file, '--data', target])
    expect(r.code, r.stderr).toBe(0)
    const twice = await runCli(['restore', file, '--data', target])
    expect(twice.code).toBe(2)
    expect(twice.stderr).toMatch(/already holds a parley node/)
    const damaged = join(root, 'damaged.backup')
    await writeFile(damaged, 'not a backup')
    const bad = await runCli(['restore', damaged, '--data', join(root, 'other')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/not a parley backup/)
    const restored = await Daemon.start(target, LOOPBACK)
    daemons.push(restored)
    expect(restored.ready.peerId).toBe(d.ready.peerId)
    const hist = await restored.cli('history', '--team', 'general', '--json')
    expect(hist.stdout).toMatch(/keep me/)
    const early = await restored.cli('send', '--team', 'general', 'hello?')
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(/restored from a backup/)
  })

  it('restarts after kill -9 with the history and the sequence intact', async () => {
    const data = join(root, 'crash')
    const d = await Daemon.start(data, LOOPBACK)
    expect((await d.cli('org', 'create', 'Crashers')).code).toBe(0)
    const ids: string[] = []
    for (let i = 1; i <= 5; i++) {
      const r = await d.cli('send', '--team', 'general', '--json', `m${i}`)
      ids.push((JSON.parse(r.stdout) as MessageView).id)
    }
    await d.stop('SIGKILL')
    const again = await Daemon.start(data, LOOPBACK)
    daemons.push(again)
    const hist = await again.cli('history', '--team', 'general', '--json')
    expect(hist.stdout.trim().split('\n').map(l => (JSON.parse(l) as MessageView).id)).toEqual(ids)
    const next = JSON.parse((await again.cli('send', '--team', 'general', '--json', 'm6')).stdout) as MessageView
    expect(next.seq).toBe(6)
  })
})
