/**
 * Conversations people expect, in the terminal UI (#18): on Ann's chat, from the keyboard, a reply,
 * an edit, a reaction and a delete; on Bob's chat, on another host, each of them as it happens.
 * Two daemons on network-namespace hosts, a `parley chat` for each in tmux.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns, PARLEY_BIN } from '../helpers/netns.js'
import { TmuxSession } from '../helpers/tmux.js'
import { waitFor } from '../helpers/nodes.js'

const netns = await requireNetns('the terminal UI conversation tests')

/** The screen without the pane's borders, each line trimmed: what a person reads in the conversation. */
const text = (screen: string): string => screen.split('\n').map(l => l.replace(/[│┌┐└┘├┤┬┴─]+/g, ' ').trim()).join('\n')

describe.skipIf(!netns)('replies, edits, reactions and deletes in the terminal UI', () => {
  let lab: NetnsLab
  let root: string
  let ann: Daemon
  let bob: Daemon
  let annUi: TmuxSession
  let bobUi: TmuxSession
  const chat = (d: Daemon): string => `${process.execPath} ${PARLEY_BIN} chat --data ${d.dataDir}`

  beforeAll(async () => {
    lab = await NetnsLab.create(2)
    root = await mkdtemp(join(tmpdir(), 'parley-tui-acts-'))
    ann = await Daemon.start(join(root, 'ann'), ['--name', 'Ann Lee'], { lab, host: 1 })
    bob = await Daemon.start(join(root, 'bob'), ['--name', 'Bob Marsh'], { lab, host: 2 })
    await call(ann, 'org.create', { name: 'Acme' })
    const { token } = await call(ann, 'invite', {})
    await call(bob, 'join', { token, name: 'Bob Marsh' })
    await waitFor(async () => (await call(bob, 'members', {})).length === 2, 15_000, 'bob knows ann')
    // 99 columns: no members pane; Alt-L hides the list too, so each screen line is one line of the conversation
    annUi = await TmuxSession.start(chat(ann), { width: 99, height: 30 })
    bobUi = await TmuxSession.start(chat(bob), { width: 99, height: 30 })
    for (const ui of [annUi, bobUi]) {
      await ui.waitFor(/1 #general/)
      await ui.press('M-l')
      await waitFor(async () => !/1 #general/.test(await ui.screen()), 5_000, 'the list hidden')
    }
  })

  afterAll(async () => {
    await annUi?.kill()
    await bobUi?.kill()
    await Promise.all([ann, bob].filter(d => d !== undefined).map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('a reply from the keyboard shows on the other host under a quote of what it answers, and the original counts it', async () => {
    await bobUi.line('lunch at noon?')
    await annUi.waitFor(/Bob Marsh: lunch at noon\?/)
    // Alt-Up chooses the newest message (Bob's); r makes the input line a reply to it
    await annUi.press('M-Up')
    await annUi.waitFor(/message [0-9a-f]{8} by Bob Marsh · /)
    await annUi.press('r')
    await annUi.waitFor(/replying to Bob Marsh/)
    await annUi.type('yes, at the usual place')
    await annUi.press('Enter')
    const seen = text(await bobUi.waitFor(/Ann Lee: yes, at the usual place/))
    expect(seen).toMatch(/Bob Marsh: lunch at noon\?[^\n]*\n\s*1 reply \(1 new\)\n\s*↳ Bob Marsh: lunch at noon\?[^\n]*\n\S+ Ann Lee: yes, at the usual place/)
  })

  it('Up on an empty line edits the last message; the other host shows "(edited)" in the same place', async () => {
    await annUi.waitFor(/Ann Lee: yes, at the usual place ✓/)
    await annUi.press('Up')
    await annUi.waitFor(/editing your message/)
    await annUi.press('C-u')
    await annUi.type('yes, at one, the usual place')
    await annUi.press('Enter')
    const seen = text(await bobUi.waitFor(/Ann Lee: yes, at one, the usual place \(edited\)/))
    expect(seen).toMatch(/↳ Bob Marsh: lunch at noon\?[^\n]*\n\S+ Ann Lee: yes, at one, the usual place \(edited\)/)
    expect(seen).not.toMatch(/yes, at the usual place/)
  })

  it('a reaction chosen with + shows under the message with its count on the other host', async () => {
    // k moves to Bob's message, above Ann's reply
    await annUi.press('M-Up')
    await annUi.waitFor(/message [0-9a-f]{8} by you · /)
    await annUi.press('k')
    await annUi.waitFor(/message [0-9a-f]{8} by Bob Marsh · /)
    await annUi.press('+')
    await annUi.waitFor(/react with 1 👍/)
    await annUi.press('1')
    const seen = text(await bobUi.waitFor(/👍 1/))
    expect(seen).toMatch(/Bob Marsh: lunch at noon\?[^\n]*\n\s*👍 1 {2}1 reply \(1 new\)/)
    // Bob sees who
    await bobUi.press('M-Up')
    await bobUi.press('k')
    await bobUi.press('w')
    await bobUi.waitFor(/👍 1: Ann Lee/)
    await bobUi.press('Escape')
    await waitFor(async () => !/Esc closes/.test(await bobUi.screen()), 5_000, 'the overlay closed')
    await bobUi.press('Escape')
  })

  it('a delete asks y/n, then shows as "message deleted (by NAME)" in place on the other host, and in the quote', async () => {
    await annUi.press('M-Up')
    await annUi.waitFor(/message [0-9a-f]{8} by you · /)
    await annUi.press('d')
    await annUi.waitFor(/Delete your message "yes, at one, the usual place" for everyone\? y: yes · n: no/)
    await annUi.press('y')
    const seen = text(await bobUi.waitFor(/Ann Lee: message deleted \(by Ann Lee\)/))
    expect(seen).not.toMatch(/the usual place/)
    expect(seen).toMatch(/Bob Marsh: lunch at noon\?[^\n]*\n\s*👍 1 {2}1 reply \(1 new\)\n\s*↳ Bob Marsh: lunch at noon\?[^\n]*\n\S+ Ann Lee: message deleted \(by Ann Lee\)/)
    // and Bob's thread view shows the same
    await bobUi.press('M-Up')
    await bobUi.press('k')
    await bobUi.press('t')
    const thread = text(await bobUi.waitFor(/thread in #general/))
    expect(thread).toMatch(/Bob Marsh: lunch at noon\?[\s\S]*1 reply[\s\S]*Ann Lee: message deleted \(by Ann Lee\)/)
    await bobUi.press('Escape')
    await bobUi.waitFor(/─ #general ─/)
  })
})
