/**
 * The example bot, run for real against its own node: it is a member with its own invite, it answers
 * in the team and in direct messages, and an admin removes it like anyone else.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { killAndWait, REPO_ROOT } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { ChildProcess } from 'node:child_process'

const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

describe('the example bot', () => {
  let root: string
  let admin: Daemon
  let botNode: Daemon
  let bot: ChildProcess

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-bot-'))
    admin = await Daemon.start(join(root, 'admin'), [...LOOPBACK, '--name', 'Ann'])
    await call(admin, 'org.create', { name: 'Acme' })
    botNode = await Daemon.start(join(root, 'bot'), [...LOOPBACK, '--name', 'Help Bot', '--peer', admin.ready.addresses[0]!])
    const { token } = await call(admin, 'invite', {})
    await call(botNode, 'join', { token, name: 'Help Bot' })
    bot = spawn(process.execPath, [join(REPO_ROOT, 'examples/help-bot.mjs'), '--data', botNode.dataDir], { stdio: ['ignore', 'ignore', 'pipe'] })
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: bot.stderr! }).on('line', (l) => { if (l.includes('listening')) resolve() })
      bot.once('exit', (code) => { reject(new Error(`bot exited with ${code}`)) })
    })
  })

  afterAll(async () => {
    if (bot !== undefined) await killAndWait(bot)
    await Promise.all([admin, botNode].filter(d => d !== undefined).map(async d => d.stop('SIGKILL')))
    await rm(root, { recursive: true, force: true })
  })

  it('answers !help in the team, and !summary in a direct message', async () => {
    await waitFor(async () => (await call(admin, 'members', { team: 'general' })).length === 2, 10_000, 'bot in general')
    await call(admin, 'send', { team: 'general', text: 'good morning' })
    await call(admin, 'send', { team: 'general', text: '!help' })
    await waitFor(async () => (await call(admin, 'history', { team: 'general' })).messages.some(m => m.authorName === 'Help Bot' && m.text.includes('!summary')), 10_000, 'the bot\'s help')
    const dm = await call(admin, 'send.direct', { peer: botNode.ready.peerId, text: '!summary' })
    await waitFor(async () => (await call(admin, 'history', { team: dm.team })).messages.some(m => m.authorName === 'Help Bot' && /Last 24 hours in #.*Ann \d+/.test(m.text)), 10_000, 'the summary, directly')
  })

  it('is removed like any member', async () => {
    await call(admin, 'admin.remove', { peer: botNode.ready.peerId })
    await waitFor(async () => (await call(botNode, 'peers')).length === 0, 10_000, 'bot cut off')
    await call(admin, 'send', { team: 'general', text: '!help' })
    await new Promise(resolve => setTimeout(resolve, 1000))
    // its earlier answer stays, under the directory's name marked as removed; no new one
    const answers = (await call(admin, 'history', { team: 'general' })).messages.filter(m => m.author === botNode.ready.peerId)
    expect(answers).toHaveLength(1)
    expect(answers[0]!.authorName).toBe('Help Bot (removed)')
  })
})
