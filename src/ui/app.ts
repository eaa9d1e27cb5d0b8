/**
 * The terminal UI: the only module that imports blessed. It turns keys and node events into actions,
 * runs commands against the backend, and draws the views.
 */
import { writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, resolve } from 'node:path'
import { formatBytes } from '../files/file-service.js'
import { formatDateTime } from '../time-format.js'
import blessed from 'blessed'
import { HELP, parseCommand, parseSetup, resolveMember } from './commands.js'
import { complete } from './complete.js'
import { editorView } from './line-editor.js'
import type { Edit, LineEditor } from './line-editor.js'
import { distinctName, findMentions } from './mentions.js'
import { desktopNotify, messageNotice, NOTIFY_MODES, terminalSequences } from './notifier.js'
import type { NotifyMode } from './notifier.js'
import { conversationLabel, currentConversation, initialState, mentionable, reduce, whatHappened } from './state.js'
import { charWidth, oneLine, wideCharPattern } from './text.js'
import { conversationList, conversationView, memberList, overlayView, removedView, setupView, statusLine } from './views.js'
import type { ChatBackend } from './backend.js'
import type { Command } from './commands.js'
import type { Action, UiState } from './state.js'
import type { MessageView } from '../events.js'
import type { TypedControlEvent } from '../control/api.js'

const PAGE = 100
/** After this long without a key, an available user shows as away. */
const IDLE_AWAY_MS = 10 * 60_000
/** Below these terminal widths the members pane, then the conversation list, are hidden (Alt-M, Alt-L). */
const MEMBERS_PANE_MIN_COLUMNS = 100
const LIST_PANE_MIN_COLUMNS = 64

const PASTE_START = '\u001b[200~'
const PASTE_END = '\u001b[201~'

/** What the chat may do besides talking to its node. */
export interface ChatOptions {
  /** run a node in this process when the one attached to stops (another chat ran it); the new backend */
  runNode?: () => Promise<ChatBackend>
  /** the user's full name from the OS account, to prefill the display name when joining */
  fullName?: string
  /** how to notify of mentions, direct and urgent messages while the chat is not in front (default desktop) */
  notify?: NotifyMode
}

/*
 * blessed's own width tables predate most emoji, so it would give 🎉 one cell where the terminal
 * draws two, leaving a cell over at the end of the line. Teach it ours (those of glibc, which tmux
 * and the common terminals use).
 */
function teachBlessedWidths (): void {
  // blessed.unicode is untyped in @types/blessed: a narrow view of the three fields it reads
  const unicode = (blessed as unknown as { unicode: { charWidth: (s: string | number, i?: number) => number, combining: Record<number, boolean>, chars: { all: RegExp } } }).unicode
  unicode.charWidth = (s, i = 0) => {
    const cp = typeof s === 'number' ? s : s.codePointAt(i) ?? 0
    return cp === 0x09 ? 1 : charWidth(cp)
  }
  unicode.chars.all = wideCharPattern()
  unicode.combining = new Proxy({}, { get: (_t, key) => typeof key === 'string' && charWidth(Number(key)) === 0 && Number(key) >= 0x300 })
}

/** Run the chat UI until the user quits. */
export async function runChat (firstBackend: ChatBackend, options: ChatOptions = {}): Promise<void> {
  let backend = firstBackend
  teachBlessedWidths()
  // enter()/leave() (the alternate screen) are blessed's but missing from @types/blessed
  const screen = blessed.screen({ smartCSR: true, fullUnicode: true, title: 'parley', dockBorders: true }) as blessed.Widgets.Screen & { enter: () => void, leave: () => void }
  const left = blessed.box({ parent: screen, top: 0, left: 0, width: 22, bottom: 2, tags: false, border: { type: 'line' }, label: ' conversations ', wrap: false })
  const right = blessed.box({ parent: screen, top: 0, right: 0, width: 28, bottom: 2, tags: false, border: { type: 'line' }, label: ' members ', wrap: false })
  // lines are wrapped by the views, so blessed must not wrap them again
  const main = blessed.box({ parent: screen, top: 0, left: 21, right: 27, bottom: 2, tags: false, border: { type: 'line' }, wrap: false })
  const overlay = blessed.box({ parent: screen, top: 1, left: 2, right: 2, bottom: 3, tags: false, border: { type: 'line' }, wrap: false, hidden: true })
  const input = blessed.box({ parent: screen, bottom: 1, left: 0, right: 0, height: 1, tags: false, wrap: false })
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 1, tags: false, wrap: false, style: { inverse: true } })

  let state: UiState = initialState({ colour: process.env.NO_COLOR === undefined || process.env.NO_COLOR === '' })
  let rang = 0
  let autoAway = false
  let idleTimer: NodeJS.Timeout | undefined
  /** what Enter does while a question is in the status line (Esc drops it) */
  let pending: (() => Promise<void>) | undefined
  /** what Esc says instead of "cancelled" */
  let declined: string | undefined
  /** text shown on the terminal's normal screen, outside the chat, until a key is pressed */
  let outside = false
  let notifyMode: NotifyMode = options.notify ?? 'desktop'
  /** whether the terminal has the focus, from its focus reports (undefined: it never said) */
  let focused: boolean | undefined
  let notifyFailed = false
  let orgChanges = Promise.resolve()
  /** the last Tab that found several choices: what it completed, and which choice it shows */
  let lastTab: { base: LineEditor, after: LineEditor, pick: number } | undefined
  let done!: () => void
  const finished = new Promise<void>(resolve => { done = resolve })

  const dispatch = (a: Action): void => {
    // scrolled up: keep the same lines in view when new ones come in below
    const before = state.scroll > 0 && (a.type === 'message' || a.type === 'sent' || a.type === 'system' || a.type === 'happened') ? conversationView(state, mainWidth(), mainHeight()).total : undefined
    state = reduce(state, a)
    if (before !== undefined && state.scroll > 0) {
      const grown = conversationView(state, mainWidth(), mainHeight()).total - before
      if (grown > 0) state = { ...state, scroll: state.scroll + grown }
    }
    render()
  }
  const fail = (err: unknown): void => { dispatch({ type: 'error', text: (err as Error).message }) }
  const show = (title: string, lines: string[]): void => { dispatch({ type: 'overlay', title, lines }) }

  /** Ask a yes/no question in the status line: Enter runs `yes`, Esc drops it. */
  function ask (question: string, yes: () => Promise<void>, no?: string): void {
    pending = yes
    declined = no
    dispatch({ type: 'confirm', question: `${question} Enter: yes · Esc: no` })
  }

  function layout (): void {
    const cols = screen.width as number
    const showList = state.mode !== 'setup' && (state.panes.list ?? cols >= LIST_PANE_MIN_COLUMNS)
    const showMembers = state.mode !== 'setup' && (state.panes.members ?? cols >= MEMBERS_PANE_MIN_COLUMNS)
    const listWidth = cols >= MEMBERS_PANE_MIN_COLUMNS ? 22 : 18
    const membersWidth = cols >= 120 ? 30 : 26
    if (showList) left.show(); else left.hide()
    if (showMembers) right.show(); else right.hide()
    left.width = listWidth
    left.setLabel(listWidth >= 22 ? ' conversations ' : ' chats ')
    right.width = membersWidth
    // the borders are shared where panes meet
    main.left = showList ? listWidth - 1 : 0
    main.right = showMembers ? membersWidth - 1 : 0
  }

  function mainWidth (): number { return Math.max(10, (main.width as number) - 3) }
  function mainHeight (): number { return Math.max(1, (main.height as number) - 2) }

  /**
   * Show lines on the terminal's own screen, outside the chat, as plain output: a long line (an invite
   * token) is then one line the terminal wraps by itself, and copies as one, and it stays in the
   * terminal's scrollback after the chat ends. Any key goes back.
   */
  function showOutside (lines: string[]): void {
    outside = true
    screen.leave()
    process.stdout.write(`\n${lines.join('\n')}\n\nPress Enter to go back to the chat.\n`)
  }

  function backInside (): void {
    outside = false
    screen.enter()
    screen.realloc()
    render()
  }

  function render (): void {
    if (outside) return
    layout()
    const width = mainWidth()
    const height = mainHeight()
    if (state.mode === 'setup') {
      main.setLabel(' parley ')
      main.setContent(setupView(state, width).join('\n'))
    } else if (state.mode === 'removed' && currentConversation(state) === undefined) {
      left.setContent('')
      right.setContent('')
      main.setLabel(' parley ')
      main.setContent(removedView(state, width).join('\n'))
    } else {
      left.setContent(conversationList(state, (left.width as number) - 2).join('\n'))
      right.setContent(memberList(state, (right.width as number) - 2).join('\n'))
      const c = currentConversation(state)
      main.setLabel(c !== undefined ? ` ${oneLine(c.label)} ` : ' parley ')
      main.setContent(conversationView(state, width, height).lines.join('\n'))
    }
    if (state.overlay !== undefined) {
      const w = Math.max(10, (overlay.width as number) - 4)
      const h = Math.max(1, (overlay.height as number) - 2)
      const view = overlayView(state, w, h)
      overlay.setLabel(` ${oneLine(state.overlay.title)} · Esc closes${view.more ? ' · Down/PgDn for more' : ''} `)
      overlay.setContent(view.lines.map(l => ` ${l}`).join('\n'))
      overlay.show()
      overlay.setFront()
    } else {
      overlay.hide()
    }
    const cols = screen.width as number
    const lines = state.input.text.split('\n').length
    const prompt = lines > 1 ? `[${lines} lines] > ` : '> '
    const view = editorView(state.input, Math.max(4, cols - prompt.length - 1))
    input.setContent(prompt + view.text)
    status.setContent(statusLine(state))
    if (state.bell > rang) {
      rang = state.bell
      screen.program.bell()
      if (state.alert !== undefined) notify(state.alert)
    }
    screen.render()
    // the cursor stands where the next character goes
    screen.program.cup((screen.height as number) - 2, prompt.length + view.cursor)
    screen.program.showCursor()
  }

  /** A notification for a message that rang, unless the chat is in front (the bell is enough then). */
  function notify (m: MessageView): void {
    if (notifyMode === 'off' || focused === true) return
    const n = messageNotice(m, conversationLabel(state, m.team, m.direct))
    if (notifyMode === 'terminal' || notifyMode === 'both') screen.program.write(terminalSequences(n))
    // no desktop session (a login over ssh, a console): nothing to show a desktop notification on
    const desktop = ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY'].some(v => (process.env[v] ?? '') !== '')
    if ((notifyMode === 'desktop' || notifyMode === 'both') && desktop) {
      void desktopNotify(n).catch((err: Error) => {
        // said once: without a notification service (no desktop session) every mention would repeat it
        if (notifyFailed) return
        notifyFailed = true
        dispatch({ type: 'notice', text: `desktop notifications do not work here (${err.message.split('\n')[0]}): /notify terminal or /notify off` })
      })
    }
  }

  async function loadHistory (team: string, older: boolean): Promise<void> {
    const c = state.conversations.find(x => x.team === team)
    if (c === undefined) return
    const before = older ? c.before : undefined
    if (older && before === undefined) return
    const result = await backend.history(team, before === undefined ? { limit: PAGE } : { limit: PAGE, before })
    dispatch({ type: 'history', team, result, older })
  }

  /** members whose presence an event told, per refresh in flight: newer than that refresh's snapshot */
  const presenceTold = new Set<Set<string>>()

  async function refresh (): Promise<void> {
    const info = await backend.info()
    if (info.org === undefined) {
      dispatch({ type: 'connected', info, teams: [], members: [], presence: [] })
      // the first screen too says whether colleagues' workstations are in reach (joining needs an admin's)
      dispatch({ type: 'peers', count: (await backend.peers()).length })
      return
    }
    const told = new Set<string>()
    presenceTold.add(told)
    try {
      const [teams, members, presence, peers, directs] = await Promise.all([backend.teams(), backend.members(), backend.presence(), backend.peers(), backend.directs()])
      dispatch({ type: 'connected', info, teams, members, presence, directs, presenceFresh: told })
      dispatch({ type: 'peers', count: peers.length })
    } finally {
      presenceTold.delete(told)
    }
    for (const c of state.conversations) if (!c.loaded) await loadHistory(c.team, false)
  }

  function onEvent (e: TypedControlEvent): void {
    switch (e.event) {
      case 'message:added':
        dispatch({ type: 'message', m: e.data })
        break
      case 'presence:changed': {
        const p = e.data
        for (const told of presenceTold) told.add(p.peerId)
        dispatch({ type: 'presence', p })
        break
      }
      case 'org:changed': {
        const change = e.data
        // say in the conversations what changed: compare the directory before and after, one change
        // at a time (two at once would both see the same newcomer as new)
        orgChanges = orgChanges.then(async () => {
          const before = state.members
          const wasRemoved = state.mode === 'removed'
          await refresh()
          dispatch({ type: 'happened', lines: whatHappened(before, state.members, change, state.me.peerId) })
          if (!wasRemoved && state.mode === 'removed') show('removed', removedView(state, 200).map(l => l.replace(/\u001b\[[\d;]*m/g, '')))
        }).catch(fail)
        break
      }
      case 'peer:connected':
      case 'peer:disconnected':
        void backend.peers().then(p => { dispatch({ type: 'peers', count: p.length }) }).catch(fail)
        break
      case 'history:synced':
        dispatch({ type: 'synced', at: Date.now() })
        break
      case 'node:warning':
        dispatch({ type: 'notice', text: e.data.message })
        break
      case 'file:progress':
        dispatch({ type: 'file-progress', p: e.data })
        break
      case 'file:complete':
        dispatch({ type: 'file-done', id: e.data.id })
        break
      case 'file:failed':
      case 'file:quarantined': {
        const f = e.data
        dispatch({ type: 'file-done', id: f.id })
        // said in the file's own conversation
        dispatch({ type: 'happened', lines: [{ team: f.team, text: e.event === 'file:quarantined' ? `${f.name} (from ${f.authorName}) was quarantined: the virus scanner found ${f.reason ?? 'something'}; it is never opened or passed on` : `${f.name}: ${e.data.message}` }] })
        break
      }
      case 'join:waiting':
        dispatch({ type: 'system', text: 'waiting for an admin of the organisation to be reachable on the LAN…' })
        break
    }
  }

  async function send (team: string, text: string, urgent: boolean): Promise<void> {
    const tempId = `pending-${Date.now()}-${Math.random()}`
    dispatch({ type: 'sending', team, tempId, text, urgent })
    try {
      dispatch({ type: 'sent', tempId, m: await backend.send(team, text, urgent) })
    } catch (err) {
      dispatch({ type: 'send-failed', tempId, error: (err as Error).message })
    }
  }

  async function run (cmd: Command, typed: string): Promise<void> {
    const c = currentConversation(state)
    const team = c?.team
    switch (cmd.kind) {
      case 'none':
        return
      case 'send': {
        if (team === undefined) throw new Error('no conversation to send to')
        const spans = findMentions(cmd.text, mentionable(state))
        const unclear = spans.find(m => m.peerId === undefined && m.candidates.length > 1)
        if (unclear !== undefined) {
          // keep what was typed: the person fixes the name and sends again
          dispatch({ type: 'input', text: typed })
          throw new Error(`@${unclear.token} could be ${unclear.candidates.map(distinctName).join(', ')}: type more of the name (Tab completes)`)
        }
        if (cmd.urgent && c?.direct === undefined && !spans.some(m => m.peerId !== undefined)) {
          ask(`This urgent message mentions nobody: only those who are available will see it at once. Send it to ${c?.label ?? ''} anyway?`, async () => { await send(team, cmd.text, true) })
          return
        }
        await send(team, cmd.text, cmd.urgent)
        return
      }
      case 'join':
        dispatch({ type: 'switch-team', team: cmd.team })
        if (currentConversation(state)?.loaded === false) await loadHistory(cmd.team, false)
        return
      case 'teams': {
        const teams = await backend.teams()
        dispatch({ type: 'teams', teams })
        show('teams', [
          `${teams.length} team${teams.length === 1 ? '' : 's'} in ${state.org?.name ?? 'the organisation'}:`,
          ...teams.map(t => `  ${t.joined ? '●' : '○'} #${t.name}  ${t.members} member${t.members === 1 ? '' : 's'}${t.joined ? '' : ' · you are not in it (an admin can add you)'}${t.retentionDays > 0 ? ` · kept ${t.retentionDays} days` : ''}${t.hold ? ' · on hold' : ''}`),
          '/join TEAM switches to a team you are in.'
        ])
        return
      }
      case 'msg': {
        const m = resolveMember(state.members, cmd.who)
        if (typeof m === 'string') throw new Error(m)
        if (m.peerId === state.me.peerId) throw new Error('that is you')
        const sent = cmd.text === '' ? undefined : await backend.sendDirect(m.peerId, cmd.text)
        const directTeam = sent?.team ?? (await backend.directs()).find(d => d.peerId === m.peerId)?.team
        if (directTeam === undefined) throw new Error(`no messages with ${m.name} yet: /msg ${m.name} TEXT starts the conversation`)
        dispatch({ type: 'open-direct', direct: { team: directTeam, peerId: m.peerId, name: m.name } })
        if (sent !== undefined) dispatch({ type: 'sent', tempId: '', m: sent })
        dispatch({ type: 'switch-team', team: directTeam })
        const now = currentConversation(state)
        if (now !== undefined && !now.loaded) await loadHistory(now.team, false)
        return
      }
      case 'status':
        autoAway = false
        dispatch({ type: 'presence', p: await backend.setPresence(cmd.status, cmd.text) })
        return
      case 'members': {
        const direct = c?.direct
        const members = direct !== undefined ? state.members.filter(m => m.peerId === direct || m.peerId === state.me.peerId) : await backend.members(team)
        const online = members.filter(m => (state.presence[m.peerId]?.status ?? 'offline') !== 'offline' || m.peerId === state.me.peerId)
        show(`members of ${c?.label ?? ''}`, [
          `${members.length} members, ${online.length} online:`,
          ...members.map(m => `  ${oneLine(m.name)}${m.admin ? ' (admin)' : ''}  …${m.peerId.slice(-6)}  ${m.peerId === state.me.peerId ? 'you' : state.presence[m.peerId]?.status ?? 'offline'}`)
        ])
        return
      }
      case 'help':
        show('help', HELP)
        return
      case 'search': {
        const found = await backend.search(cmd.query, cmd.here ? team : undefined)
        show(`search: ${cmd.query}`, found.length === 0
          ? [`nothing found for "${cmd.query}"`]
          : [`${found.length} found for "${cmd.query}", newest first:`, ...found.slice(0, 50).map(m => `${conversationLabel(state, m.team, m.direct)} ${formatDateTime(m.time)} ${oneLine(m.authorName)}: ${oneLine(m.text)}`)])
        return
      }
      case 'sync': {
        const st = await backend.syncStatus()
        show('sync', st.map(t => `${conversationLabel(state, t.team)}: ${t.entries} entries from ${t.authors.length} authors${t.fetching.length > 0 ? `, fetching from ${t.fetching.length} peer(s)` : ''}`))
        return
      }
      case 'invite': {
        const { token, expires } = await backend.invite(cmd.teams)
        if (cmd.out !== undefined) {
          const path = resolve(cmd.out.replace(/^~(?=$|\/)/, homedir()))
          // never over another file; owner-only, like a password
          await writeFile(path, token + '\n', { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
            throw new Error(e.code === 'EEXIST' ? `${path} already exists: choose another file name` : `cannot write ${path}: ${e.message}`)
          })
        }
        showOutside([
          `parley invite token: single use, valid until ${formatDateTime(expires)}${cmd.teams.length > 0 ? `, for #general and ${cmd.teams.map(t => `#${t}`).join(', ')}` : ''}.${cmd.out !== undefined ? ` Also written to ${cmd.out}.` : ''}`,
          'The newcomer pastes it into their first parley screen, or runs: parley join TOKEN --name "Their Name"',
          '',
          token
        ])
        dispatch({ type: 'notice', text: `an invite was made, valid until ${formatDateTime(expires)}${cmd.out !== undefined ? ` and written to ${cmd.out}` : ''}` })
        return
      }
      case 'team-create':
        await backend.call('team.create', { team: cmd.team, members: cmd.members.map(member) })
        dispatch({ type: 'notice', text: `created #${cmd.team}` })
        return
      case 'team-add':
        await backend.call('team.add', { team: cmd.team, members: cmd.members.map(member) })
        dispatch({ type: 'notice', text: `added ${cmd.members.join(', ')} to #${cmd.team}` })
        return
      case 'team-remove':
        await backend.call('team.remove', { team: cmd.team, member: member(cmd.member) })
        dispatch({ type: 'notice', text: `removed ${cmd.member} from #${cmd.team}; its key was rotated` })
        return
      case 'admin-add':
        await backend.call('admin.add-admin', { peer: member(cmd.member) })
        dispatch({ type: 'notice', text: `${cmd.member} is now an admin` })
        return
      case 'remove': {
        const id = member(cmd.member)
        await backend.call('admin.remove', { peer: id })
        dispatch({ type: 'notice', text: `${cmd.member} was removed from the organisation and every team; keys rotated, connections refused` })
        return
      }
      case 'file-send': {
        if (team === undefined) throw new Error('no conversation to share the file in')
        const path = resolve(cmd.path.replace(/^~(?=$|\/)/, homedir()))
        dispatch({ type: 'notice', text: `sealing ${basename(path)}…` })
        const f = await backend.call('file.send', { team, path, caption: cmd.caption })
        dispatch({ type: 'notice', text: `shared ${f.name} (${formatBytes(f.size)})` })
        return
      }
      case 'file-get': {
        dispatch({ type: 'notice', text: `fetching ${cmd.id}…` })
        try {
          const got = await backend.call('file.get', { id: cmd.id })
          dispatch({ type: 'notice', text: `saved ${got.file.name} to ${got.path}` })
        } finally {
          dispatch({ type: 'file-done', id: cmd.id })
        }
        return
      }
      case 'files': {
        const files = await backend.call('file.list', team === undefined ? {} : { team })
        show(`files in ${c?.label ?? ''}`, files.length === 0
          ? ['no files shared here yet']
          : [`${files.length} file(s), newest first (/get ID saves one):`, ...files.slice(0, 50).map((f) => {
              const st = f.state === 'partial' ? `${Math.floor(100 * f.held / Math.max(1, f.size))}%` : f.state
              return `  ${f.id.slice(0, 8)}  ${oneLine(f.name)} (${formatBytes(f.size)}) from ${oneLine(f.authorName || f.author.slice(-8))} · ${st}`
            })])
        return
      }
      case 'notify': {
        if (cmd.mode === undefined) {
          dispatch({ type: 'notice', text: `notifications: ${notifyMode} (/notify desktop|terminal|both|off)` })
          return
        }
        if (!(NOTIFY_MODES as readonly string[]).includes(cmd.mode)) throw new Error('usage: /notify desktop|terminal|both|off')
        notifyMode = cmd.mode as NotifyMode
        notifyFailed = false
        dispatch({ type: 'notice', text: `notifications: ${notifyMode}` })
        return
      }
      case 'unavailable':
        throw new Error(`${cmd.what} is not available in this version yet`)
      case 'error':
        // what was typed is in the input history: Up brings it back to fix
        throw new Error(cmd.message)
      case 'quit':
        quit()
        return
      case 'setup-create':
        ask(`Found a new organisation called "${cmd.name}", with you as its first admin? (To join an existing one, paste the invite token instead.)`, async () => {
          await backend.createOrg(cmd.name)
          await refresh()
          show('welcome', [`You founded ${cmd.name}, with a team #general.`, 'Invite colleagues with /invite (it prints a token to give them); /help lists commands and keys.'])
        })
        return
      case 'setup-join': {
        // joining: the display name colleagues will see, prefilled with the account's full name
        const suggested = options.fullName ?? (state.me.name !== '' ? state.me.name : '')
        dispatch({ type: 'system', text: 'Your display name, as colleagues will see it: edit it and press Enter.' })
        dispatch({ type: 'input', text: suggested })
        pending = async () => {
          const name = state.input.text.trim()
          dispatch({ type: 'submitted', text: '' })
          if (name === '') throw new Error('a display name is needed: type one and press Enter')
          dispatch({ type: 'system', text: `joining as ${name}…` })
          await backend.join(cmd.token, name)
          await refresh()
          show('welcome', [`Welcome, ${name}! /help lists commands and keys.`])
        }
        dispatch({ type: 'confirm', question: 'Enter: join with this name · Esc: cancel' })
      }
    }
  }

  function member (who: string): string {
    const m = resolveMember(state.members, who)
    if (typeof m === 'string') throw new Error(m)
    return m.peerId
  }

  function submit (): void {
    if (pending !== undefined) {
      const yes = pending
      pending = undefined
      declined = undefined
      dispatch({ type: 'confirmed' })
      void yes().catch(fail)
      return
    }
    const text = state.input.text
    dispatch({ type: 'submitted', text })
    const cmd = state.mode === 'setup' ? parseSetup(text) : parseCommand(text)
    void run(cmd, text).catch(fail)
  }

  function scroll (pages: number): void {
    const width = mainWidth()
    const height = mainHeight()
    const { total } = conversationView(state, width, height)
    dispatch({ type: 'scroll', lines: pages * (height - 1), max: Math.max(0, total - height) })
    const c = currentConversation(state)
    // at the top of what is loaded: fetch the page before it
    if (pages > 0 && c !== undefined && conversationView(state, width, height).atTop && c.before !== undefined) {
      void loadHistory(c.team, true).catch(fail)
    }
  }

  function touched (): void {
    clearTimeout(idleTimer)
    if (autoAway && state.myStatus.status === 'away') {
      autoAway = false
      void backend.setPresence('available', '').then(p => { dispatch({ type: 'presence', p }) }).catch(fail)
    }
    idleTimer = setTimeout(() => {
      if (state.myStatus.status !== 'available') return
      autoAway = true
      void backend.setPresence('away', 'idle').then(p => { dispatch({ type: 'presence', p }) }).catch(fail)
    }, IDLE_AWAY_MS)
    idleTimer.unref()
  }

  function quit (): void {
    clearTimeout(idleTimer)
    if (outside) screen.enter()
    screen.program.write('\u001b[?2004l\u001b[?1004l')
    screen.destroy()
    backend.close()
    done()
  }

  function switched (): void {
    const c = currentConversation(state)
    if (c !== undefined && !c.loaded) void loadHistory(c.team, false).catch(fail)
  }

  const EDIT_KEYS: Record<string, Edit> = {
    left: { type: 'left' },
    right: { type: 'right' },
    home: { type: 'home' },
    'C-a': { type: 'home' },
    end: { type: 'end' },
    'C-e': { type: 'end' },
    'M-b': { type: 'word-left' },
    'C-left': { type: 'word-left' },
    'M-f': { type: 'word-right' },
    'C-right': { type: 'word-right' },
    backspace: { type: 'backspace' },
    'C-h': { type: 'backspace' },
    delete: { type: 'delete' },
    'C-d': { type: 'delete' },
    'C-w': { type: 'kill-word-back' },
    'M-backspace': { type: 'kill-word-back' },
    'M-d': { type: 'kill-word-forward' },
    'C-u': { type: 'kill-to-start' },
    'C-k': { type: 'kill-to-end' }
  }

  screen.on('keypress', (ch: string | undefined, key: { full: string, name?: string, ctrl?: boolean, meta?: boolean }) => {
    touched()
    const full = key.full
    if (full === 'C-c') { quit(); return }
    if (outside) {
      if (full === 'return' || full === 'escape' || full === 'q' || full === 'space') backInside()
      return
    }
    if (full === 'escape') {
      if (state.confirm !== undefined || pending !== undefined) {
        const wasJoin = state.mode === 'setup'
        const no = declined
        pending = undefined
        declined = undefined
        dispatch({ type: 'confirmed' })
        if (wasJoin) dispatch({ type: 'input', text: '' })
        if (no !== undefined) dispatch({ type: 'error', text: no })
        else dispatch({ type: 'notice', text: 'cancelled' })
      } else if (state.overlay !== undefined) dispatch({ type: 'close-overlay' })
      return
    }
    if (state.overlay !== undefined) {
      // the overlay takes the scrolling keys while it is open
      const h = Math.max(1, (overlay.height as number) - 2)
      if (full === 'up' || full === 'pageup' || full === 'down' || full === 'pagedown') {
        const { total } = overlayView(state, Math.max(10, (overlay.width as number) - 4), h)
        dispatch({ type: 'overlay-scroll', lines: full === 'up' ? -1 : full === 'down' ? 1 : full === 'pageup' ? -(h - 1) : h - 1, max: Math.max(0, total - h) })
        return
      }
    }
    const alt = /^M-([1-9])$/.exec(full)
    if (alt !== null) {
      dispatch({ type: 'switch', index: Number(alt[1]) - 1 })
      switched()
      return
    }
    const editKey = EDIT_KEYS[full]
    // End: back to the newest message, once the cursor is at the end of what is typed (a first End
    // on a line being typed goes to its end)
    if (full === 'end' && state.input.cursor >= [...state.input.text].length && state.scroll > 0) { dispatch({ type: 'bottom' }); return }
    if (editKey !== undefined) { dispatch({ type: 'edit', edit: editKey }); return }
    switch (full) {
      case 'C-n': dispatch({ type: 'next' }); switched(); return
      case 'C-p': dispatch({ type: 'prev' }); switched(); return
      case 'M-a': dispatch({ type: 'next-active' }); switched(); return
      case 'M-l': dispatch({ type: 'toggle-pane', pane: 'list', shown: left.hidden }); return
      case 'M-m': dispatch({ type: 'toggle-pane', pane: 'members', shown: right.hidden }); return
      case 'C-l': screen.realloc(); render(); return
      case 'pageup': scroll(1); return
      case 'pagedown': scroll(-1); return
      case 'M-end':
      case 'C-end': dispatch({ type: 'bottom' }); return
      case 'up': dispatch({ type: 'input-history', direction: -1 }); return
      case 'down': dispatch({ type: 'input-history', direction: 1 }); return
      case 'return': submit(); return
      case 'enter': return // blessed reports a Return twice, as 'enter' and 'return'
      case 'linefeed': dispatch({ type: 'edit', edit: { type: 'insert', text: '\n' } }); return
      case 'tab': {
        const teams = state.teams.filter(t => t.joined).map(t => t.name)
        const people = mentionable(state).filter(p => p.peerId !== state.me.peerId)
        // Tab again right after a Tab that found several: the next of them, whole
        const again = lastTab !== undefined && lastTab.after.text === state.input.text && lastTab.after.cursor === state.input.cursor
        const base = again ? lastTab!.base : { text: state.input.text, cursor: state.input.cursor }
        const pick = again ? lastTab!.pick + 1 : undefined
        const r = complete(base, { people, teams }, pick)
        lastTab = r.choices.length > 1 ? { base, after: r.editor, pick: pick ?? -1 } : undefined
        dispatch({ type: 'input', text: r.editor.text, cursor: r.editor.cursor })
        dispatch({ type: 'notice', text: r.choices.length > 0 ? `${r.choices.length} match: ${r.choices.join(' · ')}` : '' })
        return
      }
    }
    if (ch !== undefined && ch.length > 0 && key.ctrl !== true && key.meta !== true && !/[\u0000-\u001f\u007f]/.test(ch)) {
      dispatch({ type: 'edit', edit: { type: 'insert', text: ch } })
    }
  })

  /*
   * Bracketed paste and Alt-Enter, read before blessed parses keys: blessed would turn each pasted
   * newline into a Return (a series of sends) and Alt-Enter into Esc then Return.
   */
  const stdin = screen.program.input as NodeJS.ReadStream
  const keyListeners = stdin.listeners('data') as Array<(data: Buffer | string) => void>
  for (const l of keyListeners) stdin.removeListener('data', l)
  let pasting: string | undefined
  const forward = (text: string): void => { if (text !== '') for (const l of keyListeners) l(Buffer.from(text)) }
  stdin.on('data', (data: Buffer | string) => {
    let rest = typeof data === 'string' ? data : data.toString('utf8')
    while (rest !== '') {
      if (pasting !== undefined) {
        const end = rest.indexOf(PASTE_END)
        if (end === -1) { pasting += rest; return }
        const text = pasting + rest.slice(0, end)
        pasting = undefined
        rest = rest.slice(end + PASTE_END.length)
        touched()
        dispatch({ type: 'paste', text })
        continue
      }
      const start = rest.indexOf(PASTE_START)
      let chunk = start === -1 ? rest : rest.slice(0, start)
      // focus reports (ESC [ I, ESC [ O): whether to notify, not keys
      chunk = chunk.replace(/\u001b\[([IO])/g, (_m, f: string) => { focused = f === 'I'; return '' })
      // Alt-Enter: a new line in the message
      const parts = chunk.split(/\u001b[\r\n]/)
      parts.forEach((p, i) => {
        if (i > 0) { touched(); dispatch({ type: 'edit', edit: { type: 'insert', text: '\n' } }) }
        forward(p)
      })
      if (start === -1) return
      pasting = ''
      rest = rest.slice(start + PASTE_START.length)
    }
  })
  // bracketed paste, and focus reports
  screen.program.write('\u001b[?2004h\u001b[?1004h')

  screen.on('resize', () => { screen.realloc(); dispatch({ type: 'reset-panes' }) })
  function attach (b: ChatBackend): void {
    b.onEvent(onEvent)
    b.onClose(() => {
      if (b !== backend) return
      if (options.runNode === undefined) {
        dispatch({ type: 'error', text: 'the parley node stopped; press Ctrl-C to quit' })
        return
      }
      const runNode = options.runNode
      ask('The parley node this chat was attached to stopped (the chat or daemon that ran it ended). Run it here, in this chat?', async () => {
        dispatch({ type: 'notice', text: 'starting the node…' })
        backend = await runNode()
        attach(backend)
        await refresh()
        dispatch({ type: 'notice', text: 'the node runs in this chat now: it stops when you quit' })
      }, 'no parley node: nothing can be sent or received; Ctrl-C quits')
    })
  }
  attach(backend)
  touched()
  render()
  try {
    await refresh()
    if (state.mode === 'removed') show('removed', removedView(state, 200).map(l => l.replace(/\u001b\[[\d;]*m/g, '')))
  } catch (err) {
    fail(err)
  }
  return finished
}
