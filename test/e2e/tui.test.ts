/**
 * The terminal UI as people use it: two daemons on network-namespace hosts, and a `parley chat` for
 * each, driven in tmux (send-keys, capture-pane) and attached to its daemon.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { call, Daemon, runCli } from '../helpers/daemon.js'
import { NetnsLab, requireNetns, PARLEY_BIN } from '../helpers/netns.js'
import { TmuxSession } from '../helpers/tmux.js'
import { waitFor } from '../helpers/nodes.js'
import { displayWidth } from '../../src/ui/text.js'
import { accountFullName } from '../../src/cli/account.js'

const netns = await requireNetns('the terminal UI end-to-end tests')

/** A session bus with a notification service of the test's own: dbus-run-session, python3-dbusmock, notify-send. */
async function notificationBus (): Promise<boolean> {
  const { execFile } = await import('node:child_process')
  const ok = async (file: string, args: string[]): Promise<boolean> => new Promise(resolve => { execFile(file, args, { timeout: 10_000 }, err => { resolve(err === null) }) })
  const have = await ok('dbus-run-session', ['--', 'true']) && await ok('/usr/bin/python3', ['-c', 'import dbusmock']) && await ok('notify-send', ['--version'])
  if (have) return true
  const message = 'NO SESSION BUS TOOLS (dbus, python3-dbusmock, libnotify-bin): the desktop notification test cannot run here'
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(`\n!!! ${message}; skipping it. !!!\n`)
  return false
}
const bus = netns && await notificationBus()


describe.skipIf(!netns)('the terminal UI', () => {
  let lab: NetnsLab
  let root: string
  let ann: Daemon
  let bob: Daemon
  let mal: Daemon
  let annUi: TmuxSession
  let bobUi: TmuxSession
  /** extra sessions a test opens (a small terminal, a second chat): killed at the end */
  const extra: TmuxSession[] = []
  const chat = (d: Daemon): string => `${process.execPath} ${PARLEY_BIN} chat --data ${d.dataDir}`
  /** Esc, and wait until the overlay is gone (a key typed at once could join the Esc as Alt-key) */
  const closeOverlay = async (ui: TmuxSession): Promise<void> => {
    await ui.press('Escape')
    await waitFor(async () => !/Esc closes/.test(await ui.screen()), 5_000, 'the overlay closed')
  }

  beforeAll(async () => {
    lab = await NetnsLab.create(4)
    root = await mkdtemp(join(tmpdir(), 'parley-tui-'))
    for (const name of ['ann', 'bob']) await writeFile(join(root, `${name}.conf`), `download-dir = ${join(root, `${name}-downloads`)}\n`)
    ann = await Daemon.start(join(root, 'ann'), ['--name', 'Ann Lee', '--config', join(root, 'ann.conf')], { lab, host: 1 })
    bob = await Daemon.start(join(root, 'bob'), ['--name', 'Bob Marsh', '--config', join(root, 'bob.conf')], { lab, host: 2 })
    // a member whose name is hostile: tag syntax and a right-to-left override are valid in a name
    mal = await Daemon.start(join(root, 'mal'), ['--name', 'Mal{|}\u202Eyrogla', '--config', join(root, 'bob.conf')], { lab, host: 3 })
    await call(ann, 'org.create', { name: 'Acme' })
    const { token } = await call(ann, 'invite', {})
    await call(bob, 'join', { token, name: 'Bob Marsh' })
    const second = await call(ann, 'invite', {})
    await call(mal, 'join', { token: second.token, name: 'Mal{|}\u202Eyrogla' })
    await call(ann, 'team.create', { team: 'dev', members: [bob.ready.peerId] })
    await waitFor(async () => (await call(bob, 'members', { team: 'dev' })).length === 2, 15_000, 'bob in dev')
    await waitFor(async () => (await call(bob, 'members', {})).length === 3, 15_000, 'bob knows mal')
    annUi = await TmuxSession.start(chat(ann))
    bobUi = await TmuxSession.start(chat(bob))
    await annUi.waitFor(/#general/)
    await bobUi.waitFor(/#dev/)
  })

  afterAll(async () => {
    await annUi?.kill()
    await bobUi?.kill()
    for (const t of extra) await t.kill()
    await Promise.all([ann, bob, mal].filter(d => d !== undefined).map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('a message typed in one UI arrives in the other, and the sender sees it delivered', async () => {
    await annUi.line('hello Bob, coffee?')
    const bobScreen = await bobUi.waitFor(/Ann Lee: hello Bob, coffee\?/)
    expect(bobScreen).toMatch(/● Ann/)
    await annUi.waitFor(/Ann Lee: hello Bob, coffee\? ✓✓/)
  })

  it('switches teams with Alt-2 and Ctrl-N, and shows unread counts for the others', async () => {
    await annUi.press('M-2')
    await annUi.waitFor(/─ #dev ─/)
    await annUi.line('deploy at five')
    // bob is on #general: #dev gets an unread count
    await bobUi.waitFor(/2 #dev 1/)
    await bobUi.press('C-n')
    const screen = await bobUi.waitFor(/─ #dev ─/)
    expect(screen).toMatch(/Ann Lee: deploy at five/)
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
    await bobUi.waitFor(/Ann Lee: backlog 79/)
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
    await bobUi.waitFor(/Ann Lee: @Bob are you there\?/)
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
    // (the screen may be read while it is being drawn: wait for the count to go)
    await waitFor(async () => !/held/.test(await bobUi.screen()), 5_000, 'the held count gone')
    // the digest is in its own place, over the conversation, until Esc
    expect(after).toMatch(/while you were away · Esc closes/)
    await closeOverlay(bobUi)
  })

  it('sends a direct message with /msg, which opens a conversation on both sides', async () => {
    await bobUi.line('/msg ann got a minute?')
    await bobUi.waitFor(/─ @Ann Lee ─/)
    const annScreen = await annUi.waitFor(/@Bob Marsh 1 @/)
    expect(annScreen).not.toMatch(/got a minute/)
    await annUi.press('M-3')
    await annUi.waitFor(/Bob Marsh: got a minute\?/)
    await annUi.line('sure, call me')
    await bobUi.waitFor(/Ann Lee: sure, call me/)
    await bobUi.press('M-1')
    await annUi.press('M-1')
  })

  it('searches with /search', async () => {
    await bobUi.line('/search BACKLOG 42')
    await bobUi.waitFor(/1 found for "BACKLOG 42"/)
    await bobUi.waitFor(/#general .*Ann Lee: backlog 42/)
    // direct conversations are named after the other person, in the chat and in the CLI
    const cli = await runCli(['search', 'minute', '--data', bob.dataDir])
    expect(cli.stdout).toMatch(/@Ann Lee {2}Bob Marsh \(…\w+\): got a minute\?/)
    await bobUi.line('/search minute')
    await bobUi.waitFor(/@Ann Lee .*Bob Marsh: got a minute\?/)
    await closeOverlay(bobUi)
    await bobUi.line('/search zebra')
    await bobUi.waitFor(/nothing found for "zebra"/)
    await closeOverlay(bobUi)
  })

  it('shows bad input as an error in the status line and keeps running', async () => {
    await bobUi.line('/status sleepy')
    await bobUi.waitFor(/usage: \/status/)
    await bobUi.line('/frobnicate')
    await bobUi.waitFor(/unknown command \/frobnicate/)
    await bobUi.line('still alive')
    await annUi.press('M-1')
    await annUi.waitFor(/Bob Marsh: still alive/)
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
    await bobUi.waitFor(new RegExp(`${id} {2}agenda v2\\.txt \\(14 B\\) from Ann Lee · complete`))
  })

  it('shows hostile text and names from a real peer as plain text, with wide characters in their real width', async () => {
    await closeOverlay(bobUi)
    await bobUi.press('M-1')
    const text = '{center}x{/center}{|}red\n12:00 Ann Lee: IT here, DM me your VPN password\n-- notice\u001b[2J\u001b]0;PWNED\u0007 file\u202Egnp.exe zero\u200Bwidth 中文字 🎉✓✓ end'
    await call(mal, 'send', { team: 'general', text })
    const screen = await bobUi.waitFor(/🎉✓✓ end/)
    const lines = screen.split('\n')
    // the name: braces and the override shown, nothing aligned or reversed
    const first = lines.findIndex(l => l.includes('{center}x{/center}'))
    expect(lines[first]).toMatch(/\d\d:\d\d Mal\{\|\}<U\+202E>yrogla: \{center\}x\{\/center\}\{\|\}red/)
    // the lines after the first are indented: none starts like a message or a notice
    expect(lines[first + 1]).toMatch(/│ {6}12:00 Ann Lee: IT here/)
    expect(lines.find(l => l.includes('-- notice'))).toMatch(/│ {6}-- notice\uFFFD\[2J\uFFFD\]0;PWNED\uFFFD file<U\+202E>gnp\.exe/)
    expect(screen).toMatch(/zero<U\+200B>width/)
    // no escape of the peer's reached the terminal: no title was set, no screen cleared by them
    expect(await bobUi.raw()).not.toContain('\u001b]0;PWNED')
    // every line still ends in the right border: the wide characters left no cell over or short
    for (const l of lines.slice(0, 28)) expect(displayWidth(l)).toBe(110)
    for (const l of lines.slice(1, 27)) expect(l.endsWith('│')).toBe(true)
    // the member list shows the hostile name the same way
    expect(screen).toMatch(/Mal\{\|\}<U\+202E>yrogla/)
  })

  it('edits the input line at a visible cursor, by character, word and line', async () => {
    await bobUi.type('helo world')
    for (let i = 0; i < 7; i++) await bobUi.press('Left')
    await bobUi.type('l')
    await bobUi.waitFor(/^> hello world\s*$/m)
    expect(await bobUi.cursor()).toMatchObject({ x: 2 + 4, y: 28, visible: true })
    await bobUi.press('C-e')
    await bobUi.type(' again')
    await bobUi.press('M-b')
    await bobUi.press('M-b')
    await bobUi.press('C-k')
    await bobUi.press('BSpace')
    await bobUi.waitFor(/^> hello\s*$/m)
    await bobUi.type(' there friend')
    await bobUi.press('C-w')
    await bobUi.press('Home')
    await bobUi.press('Delete')
    await bobUi.type('J')
    await bobUi.waitFor(/^> Jello there\s*$/m)
    expect((await bobUi.cursor()).x).toBe(3)
    await bobUi.press('End')
    await bobUi.press('C-u')
    await bobUi.waitFor(/^>\s*$/m)
    // a line longer than the terminal scrolls, so the cursor and what is typed stay in view
    const long = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ')
    await bobUi.type(long)
    const s = await bobUi.waitFor(/w29\s*$/m)
    expect(s).toMatch(/^> ‹/m)
    expect((await bobUi.cursor()).x).toBeLessThan(110)
    await bobUi.press('Enter')
    await annUi.waitFor(/w0 w1 w2/)
  })

  it('sends a multi-line message with Alt-Enter, and takes a pasted block as one message to review', async () => {
    await annUi.press('M-1')
    await bobUi.type('first line')
    await bobUi.press('M-Enter')
    await bobUi.type('second line')
    await bobUi.waitFor(/\[2 lines\] > first line↵second line/)
    await bobUi.press('Enter')
    const annScreen = await annUi.waitFor(/Bob Marsh: first line/)
    expect(annScreen).toMatch(/│ {6}second line/)
    // a paste of three lines: nothing is sent until Enter, then it goes as one message
    await bobUi.paste('paste one\npaste two\n/quit\n')
    await bobUi.waitFor(/\[3 lines\] > paste one↵paste two↵\/quit/)
    await bobUi.waitFor(/pasted 3 lines as one message/)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(await annUi.screen()).not.toMatch(/paste one/)
    await bobUi.press('Enter')
    const pasted = await annUi.waitFor(/Bob Marsh: paste one/)
    expect(pasted).toMatch(/│ {6}paste two/)
    expect(pasted).toMatch(/│ {6}\/quit/)
    // the chat is still running: "/quit" was text in the message, not a command
    await bobUi.waitFor(/Bob Marsh: paste one/)
  })

  it('completes names with Tab, mentions by a start of the surname, and asks before an urgent message that mentions nobody', async () => {
    const before = await bobUi.bells()
    await annUi.type('ping @mar')
    await annUi.press('Tab')
    await annUi.waitFor(/^> ping @Bob Marsh\s*$/m)
    await annUi.type('the build')
    await annUi.press('Enter')
    await bobUi.waitFor(/Ann Lee: ping @Bob Marsh the build/)
    await waitFor(async () => await bobUi.bells() > before, 5_000, 'a bell for the mention')
    // several fit: Tab lists them, and Tab again goes through them whole
    await annUi.type('x @')
    await annUi.press('Tab')
    await annUi.waitFor(/2 match: .*Bob Marsh \(…\w{6}\)/)
    await annUi.press('Tab')
    // (a capture drops the space after the name)
    const whole = /^> x @(Bob Marsh|Mal\S+)\s*$/m
    const one = whole.exec(await annUi.waitFor(whole))![1]
    await annUi.press('Tab')
    const other = whole.exec(await annUi.waitFor(one === 'Bob Marsh' ? /^> x @Mal\S+\s*$/m : /^> x @Bob Marsh\s*$/m))![1]
    expect(other).not.toBe(one)
    await annUi.press('C-u')
    // only the surname's start, typed by hand: still a mention
    await annUi.line('@marsh lunch?')
    await waitFor(async () => await bobUi.bells() > before + 1, 5_000, 'a bell for @marsh')
    // /urgent that mentions nobody: a question first; Esc drops it
    await annUi.line('/urgent server room is flooding')
    await annUi.waitFor(/This urgent message mentions nobody/)
    await annUi.press('Escape')
    await annUi.waitFor(/cancelled/)
    await annUi.line('/urgent server room is on fire')
    await annUi.waitFor(/mentions nobody/)
    await annUi.press('Enter')
    await bobUi.waitFor(/! \d\d:\d\d Ann Lee: server room is on fire/)
    expect(await bobUi.screen()).not.toMatch(/flooding/)
    // a start of a name that fits several people: nothing sent, and they are told apart by id
    await bobUi.line('hi @ma')
    await bobUi.waitFor(/@ma could be (Bob Marsh|Mal\S*) \(…\w{6}\), (Bob Marsh|Mal\S*) \(…\w{6}\)/)
    await bobUi.waitFor(/^> hi @ma\s*$/m)
    await bobUi.press('C-u')
  })

  it('keeps local output in an overlay, says what came in below while scrolled up, and End goes back', async () => {
    await bobUi.line('/help')
    await bobUi.waitFor(/help · Esc closes/)
    // it scrolls by itself, to its last line
    for (let i = 0; i < 3; i++) await bobUi.press('NPage')
    await bobUi.waitFor(/Admins: \/invite/)
    expect(await bobUi.screen()).not.toMatch(/for more/)
    await call(ann, 'send', { team: 'general', text: 'while the help was open' })
    await closeOverlay(bobUi)
    await bobUi.waitFor(/Ann Lee: while the help was open/)
    await bobUi.press('PPage')
    await bobUi.waitFor(/scrolled up/)
    await call(ann, 'send', { team: 'general', text: 'news from below' })
    const up = await bobUi.waitFor(/1 new below \(End\)/)
    expect(up).not.toMatch(/news from below/)
    await bobUi.press('End')
    const back = await bobUi.waitFor(/Ann Lee: news from below/)
    expect(back).not.toMatch(/new below/)
  })

  it('numbers conversations for good, lists teams, jumps to activity with Alt-A, and says when a team does not exist', async () => {
    await bobUi.press('M-1')
    // a new team sorts before #dev by name, but is appended: Alt-3 is still the direct conversation
    await call(ann, 'team.create', { team: 'alpha', members: [bob.ready.peerId] })
    const list = await bobUi.waitFor(/4 #alpha/)
    expect(list).toMatch(/2 #dev/)
    expect(list).toMatch(/3 @Ann Lee/)
    await call(ann, 'send', { team: 'dev', text: 'plain news' })
    await call(ann, 'send', { team: 'alpha', text: '@Bob first in alpha' })
    await bobUi.waitFor(/4 #alpha 1 @/)
    await bobUi.waitFor(/2 #dev \d/)
    // mentions first
    await bobUi.press('M-a')
    await bobUi.waitFor(/─ #alpha ─/)
    await bobUi.waitFor(/-- You were added to #alpha by Ann Lee/)
    await bobUi.press('M-a')
    const dev = await bobUi.waitFor(/─ #dev ─/)
    // the unread marker: after what was read when Bob left #dev, before what came since
    const rows = dev.split('\n')
    const marker = rows.findIndex(l => /─── new ─/.test(l))
    expect(marker).toBeGreaterThan(rows.findIndex(l => /deploy at five/.test(l)))
    expect(marker).toBeLessThan(rows.findIndex(l => /build is green/.test(l)))
    await bobUi.line('/join nosuchteam')
    await bobUi.waitFor(/there is no team #nosuchteam: \/teams lists them/)
    await bobUi.line('/teams')
    const teams = await bobUi.waitFor(/teams · Esc closes/)
    expect(teams).toMatch(/● #general +3 members/)
    expect(teams).toMatch(/● #alpha +2 members/)
    await closeOverlay(bobUi)
  })

  it('is usable on an 80x24 terminal, and redraws when resized', async () => {
    await call(ann, 'send', { team: 'general', text: 'a line for the small screen, long enough that it has to wrap on an 80 column terminal' })
    const small = await TmuxSession.start(`NO_COLOR=1 ${chat(bob)}`, { width: 80, height: 24 })
    extra.push(small)
    const screen = await small.waitFor(/Ann Lee: a line for the small screen/)
    // no members pane: the messages get the width
    expect(screen).not.toMatch(/─ members ─/)
    // the conversation gets all but the list: the message wraps at about 60 columns, not 30
    const line = screen.split('\n').find(l => /Ann Lee: a line/.test(l))!
    expect(line).toMatch(/Ann Lee: a line for the small screen, long enough/)
    for (const l of screen.split('\n').slice(0, 22)) expect(displayWidth(l)).toBe(80)
    await small.type('typed on a small screen')
    await small.press('Enter')
    await annUi.waitFor(/Bob Marsh: typed on a small screen/)
    // Alt-M shows the members pane when wanted
    await small.press('M-m')
    await small.waitFor(/─ members ─/)
    await small.press('M-m')
    await waitFor(async () => !/─ members ─/.test(await small.screen()), 5_000, 'members pane hidden')
    // wider: the members pane comes back by itself, and every line is redrawn to the new width
    await small.resize(120, 30)
    const wide = await small.waitFor(/─ members ─/)
    for (const l of wide.split('\n').slice(0, 28)) expect(displayWidth(l)).toBe(120)
    // NO_COLOR: attributes (bold, inverse) but no colour at all
    const colours = (raw: string): string[] => [...raw.matchAll(/\u001b\[([\d;]*)m/g)].flatMap(m => m[1]!.split(';')).filter(p => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p))
    expect(colours(await small.raw())).toEqual([])
    // with colours (tmux is an 8-colour terminal here): never black or grey text, which vanish on dark backgrounds
    const used = colours(await bobUi.raw())
    expect(used.length).toBeGreaterThan(0)
    expect(used.filter(p => p === '30' || /^9[0-7]$/.test(p))).toEqual([])
  })

  it.skipIf(!bus)('notifies a mention, a direct message and an urgent one over D-Bus, not on do-not-disturb; or by OSC 777/9', async () => {
    const monitor = join(root, 'notify.monitor')
    // the service and the monitor are up before the chat starts (each wait bounded: 10 s)
    const script = [
      '/usr/bin/python3 -m dbusmock --template notification_daemon >/dev/null 2>&1 &',
      'for i in $(seq 100); do dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q true && break; sleep 0.1; done;',
      `dbus-monitor "interface=org.freedesktop.Notifications,member=Notify" > ${monitor} 2>/dev/null &`,
      `for i in $(seq 100); do [ -s ${monitor} ] && break; sleep 0.1; done;`,
      `exec ${chat(bob)}`
    ].join(' ')
    const ui = await TmuxSession.start(`dbus-run-session -- sh -c '${script}'`)
    extra.push(ui)
    await ui.waitFor(/─ #general ─/)
    const calls = async (): Promise<string[]> => (await readFile(monitor, 'utf8').catch(() => '')).split(/^method call /m).filter(c => /member=Notify/.test(c))
    await call(ann, 'send', { team: 'general', text: '@marsh is the <b>build</b> green?' })
    await waitFor(async () => (await calls()).length === 1, 10_000, 'a Notify call for the mention')
    const first = (await calls())[0]!
    expect(first).toMatch(/string "parley"/)
    expect(first).toMatch(/string "Ann Lee in #general"/)
    // the body is the peer's text with its markup escaped
    expect(first).toMatch(/string "@marsh is the &lt;b&gt;build&lt;\/b&gt; green\?"/)
    await call(ann, 'send.direct', { peer: bob.ready.peerId, text: 'a word in private' })
    await waitFor(async () => (await calls()).length === 2, 10_000, 'a Notify call for the direct message')
    expect((await calls())[1]).toMatch(/string "Ann Lee \(direct message\)"/)
    // in front (the terminal reports the focus): the bell only, no notification; out of it again: one
    await ui.type('\u001b[I')
    await call(ann, 'send', { team: 'general', text: '@bob seen while in front' })
    await ui.waitFor(/seen while in front/)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(await calls()).toHaveLength(2)
    await ui.type('\u001b[O')
    await call(ann, 'send', { team: 'general', text: '@bob after looking away' })
    await waitFor(async () => (await calls()).length === 3, 10_000, 'a Notify call once out of focus')
    // a message that mentions nobody: no notification
    await call(ann, 'send', { team: 'general', text: 'nothing for anyone' })
    // do-not-disturb: nothing, exactly like the bell, except an urgent mention
    await ui.line('/status dnd')
    await ui.waitFor(/you: dnd/)
    await call(ann, 'send', { team: 'general', text: '@Bob ping while dnd' })
    await ui.waitFor(/ping while dnd/)
    await call(ann, 'send', { team: 'general', text: '@Bob the server is down', urgent: true })
    await waitFor(async () => (await calls()).length === 4, 10_000, 'a Notify call for the urgent mention')
    expect((await calls())[3]).toMatch(/string "urgent: Ann Lee in #general"/)
    await ui.line('/status available')
    await ui.waitFor(/you: available/)
    await closeOverlay(ui)
    // Bob's other chat on the same node saw him leave do-not-disturb too, and shows the digest
    await bobUi.waitFor(/while you were away · Esc closes/)
    await closeOverlay(bobUi)
    // terminal notifications instead
    await ui.line('/notify terminal')
    await ui.waitFor(/notifications: terminal/)
    await call(ann, 'send', { team: 'general', text: '@bob by terminal; with a semicolon\u0007' })
    await waitFor(async () => (await ui.raw()).includes('\u001b]777;notify;Ann Lee in #general;@bob by terminal, with a semicolon\uFFFD\u0007'), 10_000, 'an OSC 777 notification')
    expect(await ui.raw()).toContain('\u001b]9;Ann Lee in #general: @bob by terminal, with a semicolon\uFFFD\u0007')
    expect(await calls()).toHaveLength(4)
  })

  it('says in the conversations who was made admin and who was removed, by whom; the removed workstation and doctor say so plainly', async () => {
    const flat = (screen: string): string => screen.replace(/[│\s]+/g, ' ')
    const malUi = await TmuxSession.start(chat(mal))
    extra.push(malUi)
    await malUi.waitFor(/─ #general ─/)
    await bobUi.press('M-1')
    await annUi.press('M-1')
    await call(ann, 'admin.add-admin', { peer: bob.ready.peerId })
    await bobUi.waitFor(/-- You were made an admin by Ann Lee/)
    await annUi.waitFor(/-- Bob Marsh was made an admin by you/)
    await annUi.line('/remove mal')
    await waitFor(async () => /-- Mal\{\|\}<U\+202E>yrogla was removed from the organisation by Ann Lee: their workstation can no longer read or post here/.test(flat(await bobUi.screen())), 15_000, 'the removal line in #general')
    await waitFor(async () => /You were removed from Acme by Ann Lee on .*can no longer read or post in Acme's teams/.test(flat(await malUi.screen())), 15_000, 'the removed chat says so')
    expect(await malUi.screen()).toMatch(/removed from Acme/)
    // and again when the chat is opened later: not an empty chat that looks like a network problem
    await malUi.kill()
    const later = await TmuxSession.start(chat(mal))
    extra.push(later)
    await waitFor(async () => /You were removed from Acme by Ann Lee on .*can no longer read or post/.test(flat(await later.screen())), 15_000, 'the reopened chat says so')
    const doctor = await runCli(['doctor', '--data', mal.dataDir])
    expect(doctor.code).toBe(1)
    expect(flat(doctor.stdout)).toMatch(/this workstation was removed from Acme by Ann Lee on .*: it can no longer read or post there/)
    expect(doctor.stdout).not.toMatch(/firewall/)
  })

  it('first run: asks before founding, joins under a name prefilled from the account, with the invite on one line to copy', async () => {
    const deeData = join(root, 'dee')
    const ns = lab.hosts[3]!.ns
    // a newcomer's chat runs its own node, on a host of its own
    const dee = await TmuxSession.start(`ip netns exec ${ns} ${chat({ dataDir: deeData } as Daemon)}`)
    extra.push(dee)
    await dee.waitFor(/not in an organisation yet/)
    // a person typing their own name does not found an organisation by it
    await dee.line('Dee Novak')
    // the first screen shows while the node is still starting (a loaded machine); an Enter then
    // is answered "press Enter again" and keeps what was typed, so a person presses it again: only
    // while the name still waits on the input line, so that no Enter answers the founding question
    for (let i = 0; i < 30; i++) {
      const screen = await dee.screen()
      if (/Found a new organisation called "Dee Novak"/.test(screen)) break
      if (/your node is still starting/.test(screen) && /^> Dee Novak\s*$/m.test(screen)) await dee.press('Enter')
      await new Promise(resolve => setTimeout(resolve, 1_000))
    }
    await dee.waitFor(/Found a new organisation called "Dee Novak"/)
    await dee.press('Escape')
    await dee.waitFor(/cancelled/)
    expect(await dee.screen()).toMatch(/not in an organisation yet/)

    // the admin's invite: on the terminal's own screen, one line however wide the terminal
    await annUi.line('/invite')
    await annUi.waitFor(/Press Enter to go back to the chat/)
    const token = (await annUi.joinedScreen()).split('\n').find(l => /^parley1:\S+$/.test(l))
    expect(token).toBeDefined()
    expect(token!.length).toBeGreaterThan(110)
    await annUi.press('Enter')
    await annUi.waitFor(/─ conversations ─/)

    // pasted into the first screen: the display name is asked for, prefilled from the OS account
    await dee.paste(token!)
    await dee.press('Enter')
    await dee.waitFor(/Your display name, as colleagues will see it/)
    const prefill = accountFullName()
    await dee.waitFor(new RegExp(`^> ${prefill}\\s*$`, 'm'))
    await dee.press('C-u')
    await dee.type('Dee Novak')
    await dee.press('Enter')
    await dee.waitFor(/Welcome, Dee Novak!/, 30_000)
    // (Bob is an admin too by now: either may have let Dee in)
    await annUi.waitFor(/-- Dee Novak joined the organisation \(let in by (you|Bob Marsh)\)/, 15_000)
    await closeOverlay(dee)

    // a second chat attached to the node the first one runs: told when it stops, and offered to run it
    const second = await TmuxSession.start(`ip netns exec ${ns} ${chat({ dataDir: deeData } as Daemon)}`)
    extra.push(second)
    await second.waitFor(/─ #general ─/)
    await dee.press('C-c')
    await second.waitFor(/The parley node this chat was attached to stopped/)
    await second.press('Enter')
    await second.waitFor(/the node runs in this chat now/, 20_000)
    await second.line('hello from the second chat')
    await annUi.press('M-1')
    const end = await annUi.waitFor(/Dee Novak: hello from the second chat/, 20_000)
    // her arrival was said once, though it took more than one record
    expect(end.match(/Dee Novak joined the organisation/g)).toHaveLength(1)
  })
})
