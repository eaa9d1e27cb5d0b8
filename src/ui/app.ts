/**
 * The terminal UI: the only module that imports blessed. It turns keys and node events into actions,
 * runs commands against the backend, and draws the views.
 */
import { homedir } from 'node:os'
import { basename, resolve } from 'node:path'
import { formatBytes } from '../files/file-service.js'
import type { FileProgress, FileView } from '../events.js'
import blessed from 'blessed'
import { HELP, parseCommand, parseSetup, resolveMember } from './commands.js'
import { completeNick, currentConversation, initialState, reduce } from './state.js'
import { conversationList, conversationView, memberList, setupView, statusLine } from './views.js'
import type { ChatBackend } from './backend.js'
import type { Command } from './commands.js'
import type { Action, UiState } from './state.js'
import type { MessageView, PresenceView } from '../events.js'
import type { ControlEvent } from '../control/protocol.js'

const PAGE = 100
/** After this long without a key, an available user shows as away. */
const IDLE_AWAY_MS = 10 * 60_000

/** Run the chat UI until the user quits. */
export async function runChat (backend: ChatBackend): Promise<void> {
  const screen = blessed.screen({ smartCSR: true, fullUnicode: true, title: 'parley', dockBorders: true })
  const left = blessed.box({ parent: screen, top: 0, left: 0, width: 22, bottom: 2, tags: true, border: { type: 'line' }, label: ' conversations ' })
  const right = blessed.box({ parent: screen, top: 0, right: 0, width: 28, bottom: 2, tags: true, border: { type: 'line' }, label: ' members ' })
  // lines are wrapped by the views, so blessed must not wrap them again
  const main = blessed.box({ parent: screen, top: 0, left: 21, right: 27, bottom: 2, tags: true, border: { type: 'line' }, wrap: false })
  const input = blessed.box({ parent: screen, bottom: 1, left: 0, right: 0, height: 1, tags: false })
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 1, tags: true, style: { bg: 'blue' } })

  let state: UiState = initialState()
  let rang = 0
  let autoAway = false
  let idleTimer: NodeJS.Timeout | undefined
  let done!: () => void
  const finished = new Promise<void>(resolve => { done = resolve })

  const dispatch = (a: Action): void => {
    state = reduce(state, a)
    render()
  }
  const fail = (err: unknown): void => { dispatch({ type: 'error', text: (err as Error).message }) }

  function render (): void {
    const width = Math.max(10, (main.width as number) - 3)
    const height = Math.max(1, (main.height as number) - 2)
    if (state.mode === 'setup') {
      left.setContent('')
      right.setContent('')
      main.setLabel(' parley ')
      main.setContent(setupView(state, width).join('\n'))
    } else {
      left.setContent(conversationList(state).join('\n'))
      right.setContent(memberList(state).join('\n'))
      const c = currentConversation(state)
      main.setLabel(c !== undefined ? ` ${c.label} ` : ' parley ')
      main.setContent(conversationView(state, width, height).lines.join('\n'))
    }
    input.setContent(`> ${state.input.text}`)
    status.setContent(statusLine(state))
    if (state.bell > rang) {
      rang = state.bell
      screen.program.bell()
    }
    screen.render()
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

  function onEvent (e: ControlEvent): void {
    switch (e.event) {
      case 'message:added':
        dispatch({ type: 'message', m: e.data as MessageView })
        break
      case 'presence:changed': {
        const p = e.data as PresenceView
        for (const told of presenceTold) told.add(p.peerId)
        dispatch({ type: 'presence', p })
        break
      }
      case 'org:changed':
        void refresh().catch(fail)
        break
      case 'peer:connected':
      case 'peer:disconnected':
        void backend.peers().then(p => { dispatch({ type: 'peers', count: p.length }) }).catch(fail)
        break
      case 'history:synced':
        dispatch({ type: 'synced', at: Date.now() })
        break
      case 'node:warning':
        dispatch({ type: 'notice', text: (e.data as { message: string }).message })
        break
      case 'file:progress':
        dispatch({ type: 'file-progress', p: e.data as FileProgress })
        break
      case 'file:complete':
        dispatch({ type: 'file-done', id: (e.data as FileView).id })
        break
      case 'file:failed':
      case 'file:quarantined': {
        const f = e.data as FileView & { message?: string }
        dispatch({ type: 'file-done', id: f.id })
        dispatch({ type: 'system', text: e.event === 'file:quarantined' ? `${f.name} was quarantined: the virus scanner found ${f.reason ?? 'something'}` : `${f.name}: ${f.message ?? 'failed'}`, level: 'error' })
        break
      }
      case 'join:waiting':
        dispatch({ type: 'system', text: 'waiting for an admin of the organisation to be reachable on the LAN…' })
        break
    }
  }

  async function run (cmd: Command): Promise<void> {
    const team = currentConversation(state)?.team
    switch (cmd.kind) {
      case 'none':
        return
      case 'send': {
        if (team === undefined) throw new Error('no conversation to send to')
        const tempId = `pending-${Date.now()}-${Math.random()}`
        dispatch({ type: 'sending', team, tempId, text: cmd.text, urgent: cmd.urgent })
        try {
          dispatch({ type: 'sent', tempId, m: await backend.send(team, cmd.text, cmd.urgent) })
        } catch (err) {
          dispatch({ type: 'send-failed', tempId, error: (err as Error).message })
        }
        return
      }
      case 'join':
        dispatch({ type: 'switch-team', team: cmd.team })
        return
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
        const c = currentConversation(state)
        if (c !== undefined && !c.loaded) await loadHistory(c.team, false)
        return
      }
      case 'status':
        autoAway = false
        dispatch({ type: 'presence', p: await backend.setPresence(cmd.status, cmd.text) })
        return
      case 'members': {
        const direct = currentConversation(state)?.direct
        const members = direct !== undefined ? state.members.filter(m => m.peerId === direct || m.peerId === state.me.peerId) : await backend.members(team)
        const online = members.filter(m => (state.presence[m.peerId]?.status ?? 'offline') !== 'offline' || m.peerId === state.me.peerId)
        dispatch({ type: 'system', text: `${currentConversation(state)?.label ?? ''}: ${members.length} members, ${online.length} online: ${members.map(m => m.name + (m.admin ? ' (admin)' : '')).join(', ')}` })
        return
      }
      case 'help':
        for (const line of HELP) dispatch({ type: 'system', text: line })
        return
      case 'search': {
        const found = await backend.search(cmd.query, cmd.here ? team : undefined)
        dispatch({ type: 'system', text: found.length === 0 ? `nothing found for "${cmd.query}"` : `${found.length} found for "${cmd.query}", newest first:` })
        for (const m of found.slice(0, 20)) {
          const where = state.conversations.find(c => c.team === m.team)?.label ?? m.team
          dispatch({ type: 'system', text: `  ${where} ${new Date(m.time).toLocaleString()} ${m.authorName}: ${m.text}` })
        }
        return
      }
      case 'sync': {
        const st = await backend.syncStatus()
        for (const t of st) dispatch({ type: 'system', text: `#${t.team}: ${t.entries} entries from ${t.authors.length} authors${t.fetching.length > 0 ? `, fetching from ${t.fetching.length} peer(s)` : ''}` })
        return
      }
      case 'invite': {
        const { token, expires } = await backend.invite(cmd.teams)
        dispatch({ type: 'system', text: `Invite (single use, until ${new Date(expires).toLocaleString()}): ${token}` })
        return
      }
      case 'team-create':
        await backend.call('team.create', { team: cmd.team, members: cmd.members.map(member) })
        dispatch({ type: 'system', text: `created #${cmd.team}` })
        return
      case 'team-add':
        await backend.call('team.add', { team: cmd.team, members: cmd.members.map(member) })
        dispatch({ type: 'system', text: `added ${cmd.members.join(', ')} to #${cmd.team}` })
        return
      case 'team-remove':
        await backend.call('team.remove', { team: cmd.team, member: member(cmd.member) })
        dispatch({ type: 'system', text: `removed ${cmd.member} from #${cmd.team}; its key was rotated` })
        return
      case 'admin-add':
        await backend.call('admin.add-admin', { peer: member(cmd.member) })
        dispatch({ type: 'system', text: `${cmd.member} is now an admin` })
        return
      case 'remove': {
        const id = member(cmd.member)
        await backend.call('admin.remove', { peer: id })
        dispatch({ type: 'system', text: `${cmd.member} was removed from the organisation and every team; keys rotated, connections refused` })
        return
      }
      case 'file-send': {
        if (team === undefined) throw new Error('no conversation to share the file in')
        const path = resolve(cmd.path.replace(/^~(?=$|\/)/, homedir()))
        dispatch({ type: 'notice', text: `sealing ${basename(path)}…` })
        const f = await backend.call<FileView>('file.send', { team, path, caption: cmd.caption })
        dispatch({ type: 'notice', text: `shared ${f.name} (${formatBytes(f.size)})` })
        return
      }
      case 'file-get': {
        dispatch({ type: 'notice', text: `fetching ${cmd.id}…` })
        try {
          const got = await backend.call<{ file: FileView, path: string }>('file.get', { id: cmd.id })
          dispatch({ type: 'system', text: `saved ${got.file.name} to ${got.path}` })
        } finally {
          dispatch({ type: 'file-done', id: cmd.id })
        }
        return
      }
      case 'files': {
        const files = await backend.call<FileView[]>('file.list', team === undefined ? {} : { team })
        dispatch({ type: 'system', text: files.length === 0 ? 'no files shared here yet' : `${files.length} file(s), newest first:` })
        for (const f of files.slice(0, 20)) {
          const state = f.state === 'partial' ? `${Math.floor(100 * f.held / Math.max(1, f.size))}%` : f.state
          dispatch({ type: 'system', text: `  ${f.id.slice(0, 8)}  ${f.name} (${formatBytes(f.size)}) from ${f.authorName || f.author.slice(-8)} · ${state}` })
        }
        return
      }
      case 'unavailable':
        throw new Error(`${cmd.what} is not available in this version yet`)
      case 'error':
        throw new Error(cmd.message)
      case 'quit':
        quit()
        return
      case 'setup-create':
        await backend.createOrg(cmd.name)
        await refresh()
        dispatch({ type: 'system', text: `You founded ${cmd.name}. Invite colleagues with /invite; /help lists commands.` })
        return
      case 'setup-join':
        dispatch({ type: 'system', text: 'joining…' })
        await backend.join(cmd.token, state.me.name)
        await refresh()
        dispatch({ type: 'system', text: 'Welcome! /help lists commands.' })
    }
  }

  function member (who: string): string {
    const m = resolveMember(state.members, who)
    if (typeof m === 'string') throw new Error(m)
    return m.peerId
  }

  function submit (): void {
    const text = state.input.text
    dispatch({ type: 'submitted', text })
    const cmd = state.mode === 'setup' ? parseSetup(text) : parseCommand(text)
    void run(cmd).catch(fail)
  }

  function scroll (pages: number): void {
    const width = Math.max(10, (main.width as number) - 3)
    const height = Math.max(1, (main.height as number) - 2)
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
    screen.destroy()
    backend.close()
    done()
  }

  screen.on('keypress', (ch: string | undefined, key: { full: string, name?: string, ctrl?: boolean, meta?: boolean }) => {
    touched()
    const full = key.full
    if (full === 'C-c') { quit(); return }
    const alt = /^M-([1-9])$/.exec(full)
    if (alt !== null) {
      dispatch({ type: 'switch', index: Number(alt[1]) - 1 })
      const c = currentConversation(state)
      if (c !== undefined && !c.loaded) void loadHistory(c.team, false).catch(fail)
      return
    }
    switch (full) {
      case 'C-n': dispatch({ type: 'next' }); return
      case 'C-p': dispatch({ type: 'prev' }); return
      case 'pageup': scroll(1); return
      case 'pagedown': scroll(-1); return
      case 'up': dispatch({ type: 'input-history', direction: -1 }); return
      case 'down': dispatch({ type: 'input-history', direction: 1 }); return
      case 'enter':
      case 'return': submit(); return
      case 'tab': dispatch({ type: 'input', text: completeNick(state.input.text, state.members.map(m => m.name)) }); return
      case 'backspace': dispatch({ type: 'input', text: [...state.input.text].slice(0, -1).join('') }); return
      case 'C-u': dispatch({ type: 'input', text: '' }); return
      case 'C-w': dispatch({ type: 'input', text: state.input.text.replace(/\S+\s*$/, '') }); return
    }
    if (ch !== undefined && ch.length > 0 && key.ctrl !== true && key.meta !== true && !/[\u0000-\u001f\u007f]/.test(ch)) {
      dispatch({ type: 'input', text: state.input.text + ch })
    }
  })
  screen.on('resize', render)
  backend.onEvent(onEvent)
  backend.onClose(() => {
    dispatch({ type: 'error', text: 'the parley node stopped; press Ctrl-C to quit' })
  })
  touched()
  render()
  try {
    await refresh()
  } catch (err) {
    fail(err)
  }
  return finished
}
