/**
 * Conversations from the command line, as a user runs them: two real daemons in the root namespace
 * (127.0.0.1, mDNS off); replies by id prefix, edits, reactions, deletes and threads through
 * `bin/parley`, what history and tail print of them, and the refusals (not the author, not an admin,
 * an unknown id, an ambiguous prefix, a reply into another conversation).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { call, Daemon } from '../helpers/daemon.js'
import { killAndWait, PARLEY_BIN } from '../helpers/netns.js'
import { waitFor } from '../helpers/nodes.js'
import type { MessageView } from '../../src/events.js'
import type { ChildProcess } from 'node:child_process'

const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

/** A `parley tail` process and every line it printed so far. */
interface Tail { child: ChildProcess, lines: string[] }

async function startTail (d: Daemon, args: string[]): Promise<Tail> {
  const child = spawn(process.execPath, [PARLEY_BIN, 'tail', ...args, '--data', d.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  createInterface({ input: child.stdout }).on('line', (l) => { lines.push(l) })
  // tail says on stderr when its subscription is in place
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (l) => { if (l.includes('parley tail: following')) resolve() })
    child.once('exit', (code) => { reject(new Error(`tail exited with ${code}`)) })
  })
  return { child, lines }
}

type TailJson = MessageView & { event: string, reactor?: string, emoji?: string, removed?: boolean }
const jsonLines = (t: Tail): TailJson[] => t.lines.map(l => JSON.parse(l) as TailJson)

async function historyJson (d: Daemon, team = 'general'): Promise<MessageView[]> {
  const r = await d.cli('history', '--team', team, '--json', '--limit', '100')
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l) as MessageView)
}

describe('conversations through the CLI', () => {
  let root: string
  let ann: Daemon
  let bob: Daemon
  const tails: Tail[] = []

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-conv-cli-'))
    ann = await Daemon.start(join(root, 'ann'), [...LOOPBACK, '--name', 'Ann'])
    await call(ann, 'org.create', { name: 'Acme' })
    bob = await Daemon.start(join(root, 'bob'), [...LOOPBACK, '--name', 'Bob', '--peer', ann.ready.addresses[0]!])
    const { token } = await call(ann, 'invite', {})
    await call(bob, 'join', { token, name: 'Bob' })
    await waitFor(async () => (await call(ann, 'members', { team: 'general' })).every(m => m.online) && (await call(bob, 'members', { team: 'general' })).length === 2, 20_000, 'ann and bob in general')
  })

  afterAll(async () => {
    await Promise.all(tails.map(async t => killAndWait(t.child)))
    await Promise.all([ann, bob].filter(d => d !== undefined).map(async d => d.stop('SIGKILL')))
    await rm(root, { recursive: true, force: true })
  })

  it('replies by prefix, edits, reacts, deletes and shows it all in thread, history and tail', async () => {
    const bobTail = await startTail(bob, ['--team', 'general', '--json'])
    const annTail = await startTail(ann, [])
    tails.push(bobTail, annTail)

    const sent = await ann.cli('send', '--team', 'general', 'lunch at noon?')
    expect(sent.code, sent.stderr).toBe(0)
    const rootId = sent.stdout.trim()
    expect(rootId).toMatch(/^[0-9a-f]{64}$/)
    await waitFor(async () => (await historyJson(bob)).some(m => m.id === rootId), 15_000, 'the message at bob')

    // a reply names its message by a prefix of its id, as shown first on each history line
    const plain = await bob.cli('history', '--team', 'general')
    expect(plain.stdout).toMatch(new RegExp(`^${rootId.slice(0, 8)} {2}.* {2}#general {2}Ann \\(…\\w+\\): lunch at noon\\?$`, 'm'))
    const replied = await bob.cli('send', '--team', 'general', '--reply-to', rootId.slice(0, 6).toUpperCase(), '--json', 'yes,', 'the usual place')
    expect(replied.code, replied.stderr).toBe(0)
    const reply = JSON.parse(replied.stdout) as MessageView
    expect(reply).toMatchObject({ text: 'yes, the usual place', replyTo: rootId, quote: { author: ann.ready.peerId, authorName: 'Ann', text: 'lunch at noon?' } })

    await waitFor(async () => (await historyJson(ann)).some(m => m.id === reply.id), 15_000, 'the reply at ann')

    // the author edits; the other cannot
    const edited = await ann.cli('edit', rootId.slice(0, 8), 'lunch at 12:30?')
    expect(edited.code, edited.stderr).toBe(0)
    expect(edited.stdout).toMatch(/: lunch at 12:30\? \(edited\)\n {4}1 reply, latest .* \(parley thread [0-9a-f]{8}\)\n$/)
    const hijack = await bob.cli('edit', rootId, 'lunch is cancelled')
    expect(hijack.code).toBe(1)
    expect(hijack.stderr).toBe('parley edit: only its author can edit a message\n')

    // reactions: one per person per emoji, taken back with --remove
    expect((await bob.cli('react', rootId.slice(0, 8), '👍')).code).toBe(0)
    await waitFor(async () => (await historyJson(ann)).find(m => m.id === rootId)?.reactions?.['👍']?.length === 1, 15_000, 'bob\'s reaction at ann')
    expect((await ann.cli('react', rootId, '👍')).code).toBe(0)
    expect((await ann.cli('react', rootId, '🎉')).code).toBe(0)
    const removed = await ann.cli('react', rootId, '🎉', '--remove', '--json')
    expect(removed.code, removed.stderr).toBe(0)
    expect((JSON.parse(removed.stdout) as MessageView).reactions).toEqual({ '👍': [ann.ready.peerId, bob.ready.peerId].sort() })
    const junk = await ann.cli('react', rootId, 'thumbs up')
    expect(junk.code).toBe(2)
    expect(junk.stderr).toMatch(/^parley react: give one emoji .*\nusage: parley react ID EMOJI/)

    // thread --json: the root as shown now and its replies
    await waitFor(async () => {
      const t = JSON.parse((await bob.cli('thread', rootId.slice(0, 8), '--json')).stdout) as { root: MessageView }
      return t.root.text === 'lunch at 12:30?' && t.root.reactions?.['👍']?.length === 2 && t.root.reactions['🎉'] === undefined
    }, 15_000, 'the edit and reactions at bob')
    const thread = JSON.parse((await bob.cli('thread', rootId.slice(0, 8), '--json')).stdout) as { root: MessageView, replies: MessageView[] }
    expect(thread.root).toMatchObject({ id: rootId, text: 'lunch at 12:30?', edited: expect.any(Number) as number, replies: { count: 1 } })
    expect(thread.root.deleted).toBeUndefined()
    expect(thread.replies.map(r => ({ id: r.id, replyTo: r.replyTo, quote: r.quote?.text }))).toEqual([{ id: reply.id, replyTo: rootId, quote: 'lunch at 12:30?' }])
    const threadPlain = await bob.cli('thread', reply.id.slice(0, 8))
    expect(threadPlain.code).toBe(0)
    expect(threadPlain.stdout).toMatch(/Bob \(…\w+\): yes, the usual place\n {4}↳ reply to Ann: lunch at 12:30\?\n$/)
    expect(threadPlain.stderr).toBe('(no replies yet)\n')

    // history --json carries replyTo, edited and reactions; plain history shows them readably
    const annHistory = await historyJson(ann)
    const rootSeen = annHistory.find(m => m.id === rootId)!
    expect(rootSeen).toMatchObject({ text: 'lunch at 12:30?', reactions: { '👍': [ann.ready.peerId, bob.ready.peerId].sort() } })
    expect(rootSeen.edited).toBeGreaterThanOrEqual(rootSeen.time)
    expect(rootSeen.replyTo).toBeUndefined()
    expect(rootSeen.deleted).toBeUndefined()
    expect(annHistory.find(m => m.id === reply.id)).toMatchObject({ replyTo: rootId })
    expect(annHistory.find(m => m.id === reply.id)!.edited).toBeUndefined()
    // acts are not messages of their own
    expect(annHistory.map(m => m.text)).toEqual(['lunch at 12:30?', 'yes, the usual place'])
    const annPlain = (await ann.cli('history', '--team', 'general')).stdout
    expect(annPlain).toMatch(/Ann \(…\w+\): lunch at 12:30\? \(edited\)\n {4}👍 2\n {4}1 reply, latest /)
    expect(annPlain).toMatch(/Bob \(…\w+\): yes, the usual place\n {4}↳ reply to Ann: lunch at 12:30\?\n/)

    // a member who is not an admin cannot delete another's message; its author can
    const notAdmin = await bob.cli('delete', rootId.slice(0, 8))
    expect(notAdmin.code).toBe(1)
    expect(notAdmin.stderr).toMatch(/^parley delete: only its author or an admin can delete a message\n$/)
    const deleted = await bob.cli('delete', reply.id.slice(0, 8))
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(deleted.stdout).toMatch(/Bob \(…\w+\): message deleted \(by Bob\)\n/)
    await waitFor(async () => (await historyJson(ann)).find(m => m.id === reply.id)?.deleted !== undefined, 15_000, 'the delete at ann')
    const gone = (await historyJson(ann)).find(m => m.id === reply.id)!
    expect(gone).toMatchObject({ text: '', deleted: { by: bob.ready.peerId, time: expect.any(Number) as number } })
    expect((await ann.cli('history', '--team', 'general')).stdout).toMatch(/Bob \(…\w+\): message deleted \(by Bob\)\n/)
    const again = await bob.cli('edit', reply.id, 'undo')
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/^parley edit: that message was deleted\n/)

    // tail --json saw each change as it happened, one line per event, the message as shown now
    await waitFor(() => jsonLines(bobTail).some(l => l.event === 'message:edited'), 10_000, 'the edit in bob\'s tail')
    const events = jsonLines(bobTail)
    expect(events.find(l => l.event === 'message:added' && l.id === rootId)).toMatchObject({ text: 'lunch at noon?' })
    expect(events.find(l => l.event === 'message:edited')).toMatchObject({ id: rootId, text: 'lunch at 12:30?', edited: expect.any(Number) as number })
    expect(events.filter(l => l.event === 'reaction:changed').map(l => `${l.reactor === ann.ready.peerId ? 'ann' : 'bob'} ${l.emoji} ${l.removed === true ? 'off' : 'on'}`).sort()).toEqual(['bob 👍 on', 'ann 👍 on', 'ann 🎉 on', 'ann 🎉 off'].sort())
    expect(events.find(l => l.event === 'message:deleted')).toMatchObject({ id: reply.id, text: '', deleted: { by: bob.ready.peerId } })
    // and a reply is not announced twice, nor an act as a message
    expect(events.filter(l => l.event === 'message:added').map(l => l.id)).toEqual([rootId, reply.id])
    // the plain tail, readably
    await waitFor(() => annTail.lines.some(l => l.includes('message deleted (by Bob)')), 10_000, 'the delete in ann\'s tail')
    const annSaw = annTail.lines.join('\n')
    expect(annSaw).toMatch(/Ann \(…\w+\): lunch at 12:30\? \(edited\)/)
    expect(annSaw).toMatch(/Bob \(…\w+\) reacted 👍 to Ann's message {2}\(now 👍 1\)/)
    expect(annSaw).toMatch(/Ann \(…\w+\) took back 🎉 on Ann's message {2}\(now 👍 2\)/)
  })

  it('refuses an unknown id, an ambiguous prefix and a reply into another conversation', async () => {
    const unknown = await ann.cli('react', 'f'.repeat(64), '👍')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(`parley react: no message ${'f'.repeat(64)} here\n`)
    expect((await ann.cli('thread', 'f'.repeat(64))).code).toBe(1)

    // a direct message and a reply in it, with --to; a reply from there into a team is refused
    const dm = await ann.cli('send', '--to', bob.ready.peerId, 'psst')
    expect(dm.code, dm.stderr).toBe(0)
    const dmId = dm.stdout.trim()
    await waitFor(async () => (await call(bob, 'directs')).length === 1, 15_000, 'the direct message at bob')
    const dmReply = await bob.cli('send', '--to', ann.ready.peerId, '--reply-to', dmId.slice(0, 8), '--json', 'yes?')
    expect(dmReply.code, dmReply.stderr).toBe(0)
    expect(JSON.parse(dmReply.stdout)).toMatchObject({ direct: ann.ready.peerId, replyTo: dmId, quote: { text: 'psst' } })
    const across = await bob.cli('send', '--team', 'general', '--reply-to', dmId.slice(0, 8), 'everyone: ann said psst')
    expect(across.code).toBe(2)
    expect(across.stderr).toMatch(/is in another conversation: a reply goes where its message is\nusage: parley send /)

    // messages until two share their first 4 hex digits (bounded: about 300 are expected)
    await call(ann, 'team.create', { team: 'bulk' })
    const client = await ControlClient.connect(ann.dataDir)
    const byPrefix = new Map<string, string>()
    let clash: string | undefined
    try {
      for (let i = 0; i < 3000 && clash === undefined; i++) {
        const m = await client.request('send', { team: 'bulk', text: `m${i}` })
        const prefix = m.id.slice(0, 4)
        if (byPrefix.has(prefix)) clash = prefix
        byPrefix.set(prefix, m.id)
      }
    } finally {
      client.close()
    }
    expect(clash).toBeDefined()
    const ambiguous = await ann.cli('edit', clash!, 'which one?')
    expect(ambiguous.code).toBe(1)
    expect(ambiguous.stderr).toBe(`parley edit: ${clash!} names more than one message: give more of its id\n`)
    // more of the id names one
    const one = await ann.cli('edit', byPrefix.get(clash!)!.slice(0, 12), 'this one')
    expect(one.code, one.stderr).toBe(0)
    expect(one.stdout).toMatch(/: this one \(edited\)\n$/)
  })
})
