/**
 * The terminal UI as people use it: two daemons on network-namespace hosts, and a `parley chat` for
 * each, driven in tmux (send-keys, capture-pane) and attached to its daemon.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns, PARLEY_BIN } from '../helpers/netns.js'
import { TmuxSession } from '../helpers/tmux.js'
import { waitFor } from '../helpers/nodes.js'
import type { MemberView } from '../../src/node.js'

const netns = await requireNetns('the terminal UI end-to-end tests')


describe.skipIf(!netns)('the terminal UI', () => {
  let lab: NetnsLab
  let root: string
  let ann: Daemon
  let bob: Daemon
  let annUi: TmuxSession
  let bobUi: TmuxSession

  beforeAll(async () => {
    lab = await NetnsLab.create(2)
    root = await mkdtemp(join(tmpdir(), 'parley-tui-'))
    for (const name of ['ann', 'bob']) await writeFile(join(root, `${name}.conf`), `download-dir = ${join(root, `${name}-downloads`)}\n`)
    ann = await Daemon.start(join(root, 'ann'), ['--name', 'Ann', '--config', join(root, 'ann.conf')], { lab, host: 1 })
    bob = await Daemon.start(join(root, 'bob'), ['--name', 'Bob', '--config', join(root, 'bob.conf')], { lab, host: 2 })
    await call(ann, 'org.create', { name: 'Acme' })
    const { token } = await call<{ token: string }>(ann, 'invite', {})
    await call(bob, 'join', { token, name: 'Bob' })
    await call(ann, 'team.create', { team: 'dev', members: [bob.ready.peerId] })
    await waitFor(async () => (await call<MemberView[]>(bob, 'members', { team: 'dev' })).length === 2, 15_000, 'bob in dev')
    annUi = await TmuxSession.start(`${process.execPath} ${PARLEY_BIN} chat --data ${ann.dataDir}`)
    bobUi = await TmuxSession.start(`${process.execPath} ${PARLEY_BIN} chat --data ${bob.dataDir}`)
    await annUi.waitFor(/#general/)
    await bobUi.waitFor(/#dev/)
  })

  afterAll(async () => {
    await annUi?.kill()
    await bobUi?.kill()
    await Promise.all([ann, bob].filter(d => d !== undefined).map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('a message typed in one UI arrives in the other, and the sender sees it delivered', async () => {
    await annUi.line('hello Bob, coffee?')
    const bobScreen = await bobUi.waitFor(/Ann: hello Bob, coffee\?/)
    expect(bobScreen).toMatch(/● Ann/)
    await annUi.waitFor(/Ann: hello Bob, coffee\? ✓✓/)
  })

  it('switches teams with Alt-2 and Ctrl-N, and shows unread counts for the others', async () => {
    await annUi.press('M-2')
    await annUi.waitFor(/─ #dev ─/)
    await annUi.line('deploy at five')
    // bob is on #general: #dev gets an unread count
    await bobUi.waitFor(/2 #dev 1/)
    await bobUi.press('C-n')
    const screen = await bobUi.waitFor(/─ #dev ─/)
    expect(screen).toMatch(/Ann: deploy at five/)
    expect(screen).not.toMatch(/2 #dev 1/)
    await bobUi.press('C-p')
    await bobUi.waitFor(/─ #general ─/)
  })

  it('scrolls back through history with PgUp and returns with PgDn', async () => {
    const c = await ControlClient.connect(ann.dataDir)
    try {
      for (let i = 0; i < 80; i++) await c.request('send', { team: 'general', text: `backlog ${i}` })
    } finally {
      c.close()
    }
    await bobUi.waitFor(/Ann: backlog 79/)
    for (let i = 0; i < 2; i++) await bobUi.press('PPage')
    const up = await bobUi.waitFor(/scrolled up/)
    expect(up).not.toMatch(/backlog 79/)
    expect(up).toMatch(/backlog [1-5]\d\b/)
    // far past the top: it stops at the first page
    for (let i = 0; i < 5; i++) await bobUi.press('PPage')
    const top = await bobUi.waitFor(/start of #general/)
    expect(top).toMatch(/backlog 0\b/)
    for (let i = 0; i < 10; i++) await bobUi.press('NPage')
    await bobUi.waitFor(/backlog 79/)
  })

  it('do-not-disturb holds the notification, lets an urgent mention through, and shows a digest afterwards', async () => {
    const before = await bobUi.bells()
    // not in focus: a mention rings
    await call(ann, 'send', { team: 'general', text: '@Bob are you there?' })
    await bobUi.waitFor(/Ann: @Bob are you there\?/)
    await waitFor(async () => await bobUi.bells() > before, 5_000, 'a bell for the mention')
    const afterMention = await bobUi.bells()

    await bobUi.line('/status dnd writing the report')
    await bobUi.waitFor(/you: dnd \(writing the report\)/)
    await annUi.waitFor(/⊘ Bob/)
    await call(ann, 'send', { team: 'general', text: '@Bob lunch at noon?' })
    await call(ann, 'send', { team: 'dev', text: 'build is green' })
    await bobUi.waitFor(/2 held/)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(await bobUi.bells()).toBe(afterMention)

    await call(ann, 'send', { team: 'general', text: '@Bob the server is down', urgent: true })
    await bobUi.waitFor(/3 held/)
    await waitFor(async () => await bobUi.bells() > afterMention, 5_000, 'a bell for the urgent mention')

    await bobUi.line('/status available')
    const after = await bobUi.waitFor(/While you were on do-not-disturb: 3 messages/)
    expect(after.replace(/[│\s]+/g, ' ')).toMatch(/3 messages \(#general 2, #dev 1\); 2 mentions/)
    expect(after).not.toMatch(/held/)
  })

  it('sends a direct message with /msg, which opens a conversation on both sides', async () => {
    await bobUi.line('/msg ann got a minute?')
    await bobUi.waitFor(/─ @Ann ─/)
    const annScreen = await annUi.waitFor(/@Bob 1 @/)
    expect(annScreen).not.toMatch(/got a minute/)
    await annUi.press('M-3')
    await annUi.waitFor(/Bob: got a minute\?/)
    await annUi.line('sure, call me')
    await bobUi.waitFor(/Ann: sure, call me/)
    await bobUi.press('M-1')
    await annUi.press('M-1')
  })

  it('searches with /search', async () => {
    await bobUi.line('/search BACKLOG 42')
    await bobUi.waitFor(/1 found for "BACKLOG 42"/)
    await bobUi.waitFor(/#general .*Ann: backlog 42/)
    await bobUi.line('/search zebra')
    await bobUi.waitFor(/nothing found for "zebra"/)
  })

  it('shows bad input as an error in the status line and keeps running', async () => {
    await bobUi.line('/status sleepy')
    await bobUi.waitFor(/usage: \/status/)
    await bobUi.line('/frobnicate')
    await bobUi.waitFor(/unknown command \/frobnicate/)
    await bobUi.line('still alive')
    await annUi.press('M-1')
    await annUi.waitFor(/Bob: still alive/)
  })

  it('shares a file with /file and saves it with /get', async () => {
    const path = join(root, 'agenda v2.txt')
    await writeFile(path, 'item 1\nitem 2\n')
    await annUi.line(`/file "${path}"`)
    const screen = await bobUi.waitFor(/\[file\] agenda v2\.txt \(14 B\) · \/get [0-9a-f]{8}/)
    const id = /\/get ([0-9a-f]{8})/.exec(screen)![1]!
    await bobUi.line(`/get ${id}`)
    await bobUi.waitFor(/saved agenda v2\.txt to/)
    expect(await readFile(join(root, 'bob-downloads', 'agenda v2.txt'), 'utf8')).toBe('item 1\nitem 2\n')
    await bobUi.line('/files')
    await bobUi.waitFor(new RegExp(`${id} {2}agenda v2\\.txt \\(14 B\\) from Ann · complete`))
  })
})
