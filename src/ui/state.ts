/**
 * The state of the terminal UI and the one function that changes it. Pure: no I/O, no terminal,
 * so every behaviour is unit-tested without a screen.
 */
import type { MessageView, PresenceView, FileProgress } from '../events.js'
import type { HistoryResult, MemberView, NodeInfo, TeamView } from '../node.js'

export type PresenceStatus = PresenceView['status']

/** A direct conversation with one person. */
export interface DirectView {
  team: string
  peerId: string
  name: string
}

/** A message with its delivery state: written here and waiting, stored, or handed to peers. */
export interface ChatMessage extends MessageView {
  state: 'sending' | 'sent' | 'synced' | 'failed'
}

export type Line =
  | { kind: 'message', m: ChatMessage }
  | { kind: 'system', text: string, time: number, level: 'info' | 'error' | 'digest' }

export interface Conversation {
  team: string
  /** what the list shows: #team, or @name for a direct conversation */
  label: string
  /** for a direct conversation, the other person's peer id */
  direct?: string
  unread: number
  mentions: number
  lines: Line[]
  /** cursor for the page before the oldest loaded message; undefined when the start is loaded */
  before?: string
  loaded: boolean
}

export interface UiState {
  me: { peerId: string, name: string }
  org?: { name: string, admin: boolean }
  /** setup: no organisation yet; chat: the normal screen */
  mode: 'setup' | 'chat'
  conversations: Conversation[]
  current: number
  members: MemberView[]
  presence: Record<string, PresenceView>
  myStatus: { status: PresenceStatus, text: string }
  /** messages that arrived while busy or do-not-disturb, for the digest */
  held: ChatMessage[]
  /** lines scrolled up from the bottom of the conversation */
  scroll: number
  input: { text: string, history: string[], historyIndex: number | null }
  status: { peers: number, error?: string, notice?: string, synced?: number }
  /** file transfers under way, by file id */
  transfers: Record<string, FileProgress>
  /** incremented whenever the UI should ring the terminal bell */
  bell: number
  /** setup lines shown before there is an organisation */
  setupLines: string[]
}

/** Every change the UI can go through. */
export type Action =
  | { type: 'connected', info: NodeInfo, teams: TeamView[], members: MemberView[], presence: PresenceView[], directs?: DirectView[], presenceFresh?: ReadonlySet<string> }
  | { type: 'open-direct', direct: DirectView }
  | { type: 'teams', teams: TeamView[] }
  | { type: 'history', team: string, result: HistoryResult, older: boolean }
  | { type: 'message', m: MessageView }
  | { type: 'sending', team: string, tempId: string, text: string, urgent: boolean }
  | { type: 'sent', tempId: string, m: MessageView }
  | { type: 'send-failed', tempId: string, error: string }
  | { type: 'switch', index: number }
  | { type: 'switch-team', team: string }
  | { type: 'next' }
  | { type: 'prev' }
  /** scroll by `lines` (up is positive), to at most `max` lines up */
  | { type: 'scroll', lines: number, max?: number }
  | { type: 'members', members: MemberView[] }
  | { type: 'presence', p: PresenceView }
  | { type: 'peers', count: number }
  | { type: 'file-progress', p: FileProgress }
  | { type: 'file-done', id: string }
  | { type: 'synced', at: number }
  | { type: 'error', text: string }
  | { type: 'notice', text: string }
  | { type: 'system', text: string, level?: 'info' | 'error' }
  | { type: 'input', text: string }
  | { type: 'input-history', direction: -1 | 1 }
  | { type: 'submitted', text: string }

/** The state before the node has answered. */
export function initialState (): UiState {
  return {
    me: { peerId: '', name: '' },
    mode: 'setup',
    conversations: [],
    current: 0,
    members: [],
    presence: {},
    myStatus: { status: 'available', text: '' },
    held: [],
    scroll: 0,
    input: { text: '', history: [], historyIndex: null },
    status: { peers: 0 },
    transfers: {},
    bell: 0,
    setupLines: []
  }
}

const FOCUS: PresenceStatus[] = ['busy', 'dnd']

/** Whether `text` mentions `name` as @name (any case). */
export function mentions (text: string, name: string): boolean {
  if (name === '') return false
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^\\w])@${escaped}(?![\\w])`, 'i').test(text)
}

/** The conversation currently shown, if any. */
export function currentConversation (s: UiState): Conversation | undefined {
  return s.conversations[s.current]
}

function withConversation (s: UiState, team: string, change: (c: Conversation) => Conversation): UiState {
  return { ...s, conversations: s.conversations.map(c => c.team === team ? change(c) : c) }
}

function conversationsFor (teams: TeamView[], old: Conversation[], directs: DirectView[] = []): Conversation[] {
  const joined = teams.filter(t => t.joined).map(t => t.name)
  const ordered = [...joined.filter(t => t === 'general'), ...joined.filter(t => t !== 'general').sort()]
  const teamConversations = ordered.map(team => old.find(c => c.team === team) ?? { team, label: `#${team}`, unread: 0, mentions: 0, lines: [], loaded: false })
  // direct conversations: those the node holds, and those opened or received since
  const knownDirects = [...directs.map(d => ({ team: d.team, label: `@${d.name}`, direct: d.peerId })), ...old.filter(c => c.direct !== undefined).map(c => ({ team: c.team, label: c.label, direct: c.direct! }))]
  const seen = new Set<string>()
  const directConversations = knownDirects.filter(d => !seen.has(d.team) && seen.add(d.team) !== undefined)
    .map(d => old.find(c => c.team === d.team) ?? { ...d, unread: 0, mentions: 0, lines: [], loaded: false })
  return [...teamConversations, ...directConversations]
}

function digest (held: ChatMessage[], status: PresenceStatus, me: string): string {
  const byTeam = new Map<string, number>()
  for (const m of held) byTeam.set(m.team, (byTeam.get(m.team) ?? 0) + 1)
  const parts = [...byTeam].map(([t, n]) => `#${t} ${n}`).join(', ')
  const mentioned = held.filter(m => mentions(m.text, me))
  const who = mentioned.slice(0, 3).map(m => `${m.authorName} in #${m.team}`).join('; ')
  return `While you were ${status === 'dnd' ? 'on do-not-disturb' : 'busy'}: ${held.length} message${held.length === 1 ? '' : 's'} (${parts})` +
    (mentioned.length > 0 ? `; ${mentioned.length} mention${mentioned.length === 1 ? '' : 's'} (${who})` : '')
}

function addMessage (lines: Line[], m: ChatMessage): Line[] {
  const at = lines.findIndex(l => l.kind === 'message' && l.m.id === m.id)
  if (at !== -1) {
    const copy = lines.slice()
    copy[at] = { kind: 'message', m }
    return copy
  }
  // keep the shared order (Lamport clock, author, sequence) even when messages arrive out of it
  const key = (x: MessageView): [number, string, number] => [x.lamport, x.author, x.seq]
  const k = key(m)
  let i = lines.length
  while (i > 0) {
    const l = lines[i - 1]!
    if (l.kind !== 'message') { i--; continue }
    const o = key(l.m)
    if (o[0] < k[0] || (o[0] === k[0] && (o[1] < k[1] || (o[1] === k[1] && o[2] < k[2])))) break
    i--
  }
  if (i === lines.length) return [...lines, { kind: 'message', m }]
  // a system line just before the insertion point stays where it was
  return [...lines.slice(0, i), { kind: 'message', m }, ...lines.slice(i)]
}

function system (s: UiState, text: string, level: 'info' | 'error' | 'digest'): UiState {
  const c = currentConversation(s)
  if (c === undefined) return { ...s, setupLines: [...s.setupLines, text] }
  return withConversation(s, c.team, x => ({ ...x, lines: [...x.lines, { kind: 'system', text, time: Date.now(), level }] }))
}

/** Apply one action. */
export function reduce (s: UiState, a: Action): UiState {
  switch (a.type) {
    case 'connected': {
      const conversations = conversationsFor(a.teams, s.conversations, a.directs)
      // the snapshot was taken while events kept coming: it replaces only what no event has told since
      // it was asked for (an event read before the answer may be newer than the answer)
      const presence: Record<string, PresenceView> = { ...s.presence }
      for (const p of a.presence) if (!(a.presenceFresh?.has(p.peerId) ?? false)) presence[p.peerId] = p
      const mine = presence[a.info.peerId]
      return {
        ...s,
        me: { peerId: a.info.peerId, name: a.info.name },
        ...(a.info.org !== undefined ? { org: { name: a.info.org.name, admin: a.info.org.admin } } : {}),
        mode: a.info.org === undefined ? 'setup' : 'chat',
        conversations,
        current: Math.min(s.current, Math.max(0, conversations.length - 1)),
        members: a.members,
        presence,
        myStatus: mine !== undefined && mine.status !== 'offline' ? { status: mine.status, text: mine.text } : s.myStatus
      }
    }
    case 'open-direct': {
      if (s.conversations.some(c => c.team === a.direct.team)) return s
      return { ...s, conversations: [...s.conversations, { team: a.direct.team, label: `@${a.direct.name}`, direct: a.direct.peerId, unread: 0, mentions: 0, lines: [], loaded: false }] }
    }
    case 'teams': {
      const team = currentConversation(s)?.team
      const conversations = conversationsFor(a.teams, s.conversations)
      const at = conversations.findIndex(c => c.team === team)
      return { ...s, conversations, current: at === -1 ? 0 : at }
    }
    case 'history': {
      return withConversation(s, a.team, (c) => {
        let lines = a.older ? c.lines : c.lines.filter(l => l.kind === 'system')
        for (const m of a.result.messages) lines = addMessage(lines, { ...m, state: 'sent' })
        const { before: _old, ...rest } = c
        return a.result.before === undefined ? { ...rest, lines, loaded: true } : { ...rest, lines, loaded: true, before: a.result.before }
      })
    }
    case 'message': {
      const m: ChatMessage = { ...a.m, state: 'sent' }
      if (m.direct !== undefined && !s.conversations.some(x => x.team === m.team)) {
        // the first message of a direct conversation opens it
        const name = s.members.find(x => x.peerId === m.direct)?.name ?? m.authorName
        s = reduce(s, { type: 'open-direct', direct: { team: m.team, peerId: m.direct, name } })
        s = withConversation(s, m.team, x => ({ ...x, loaded: true }))
      }
      const c = s.conversations.find(x => x.team === m.team)
      if (c === undefined) return s
      // our own message, while its send is pending: the 'sent' action puts it in place
      if (m.local && c.lines.some(l => l.kind === 'message' && l.m.state === 'sending' && l.m.text === m.text)) return s
      let next = withConversation(s, m.team, x => ({ ...x, lines: addMessage(x.lines, m) }))
      if (m.local) return next
      const visible = currentConversation(s)?.team === m.team && s.scroll === 0
      // a direct message is addressed to you: it counts as a mention
      const mentioned = mentions(m.text, s.me.name) || m.direct !== undefined
      next = withConversation(next, m.team, x => ({ ...x, unread: visible ? x.unread : x.unread + 1, mentions: x.mentions + (mentioned && !visible ? 1 : 0) }))
      if (FOCUS.includes(s.myStatus.status)) {
        // focus: hold it for the digest; only an urgent mention still rings
        return { ...next, held: [...next.held, m], bell: next.bell + (mentioned && m.urgent ? 1 : 0) }
      }
      return mentioned ? { ...next, bell: next.bell + 1 } : next
    }
    case 'sending': {
      const now = Date.now()
      const m: ChatMessage = { id: a.tempId, team: a.team, author: s.me.peerId, authorName: s.me.name, seq: Number.MAX_SAFE_INTEGER, lamport: Number.MAX_SAFE_INTEGER, time: now, text: a.text, urgent: a.urgent, local: true, readable: true, epoch: 0, state: 'sending' }
      return { ...withConversation(s, a.team, c => ({ ...c, lines: [...c.lines, { kind: 'message', m }] })), scroll: 0 }
    }
    case 'sent': {
      const state: ChatMessage['state'] = (a.m.recipients ?? 0) > 0 ? 'synced' : 'sent'
      return withConversation(s, a.m.team, (c) => {
        const lines = c.lines.filter(l => !(l.kind === 'message' && (l.m.id === a.tempId || l.m.id === a.m.id)))
        return { ...c, lines: addMessage(lines, { ...a.m, state }) }
      })
    }
    case 'send-failed': {
      const next = { ...s, conversations: s.conversations.map(c => ({ ...c, lines: c.lines.map(l => l.kind === 'message' && l.m.id === a.tempId ? { kind: 'message' as const, m: { ...l.m, state: 'failed' as const } } : l) })) }
      return { ...next, status: { ...next.status, error: a.error } }
    }
    case 'switch': {
      if (a.index < 0 || a.index >= s.conversations.length) return s
      return { ...s, current: a.index, scroll: 0, conversations: s.conversations.map((c, i) => i === a.index ? { ...c, unread: 0, mentions: 0 } : c) }
    }
    case 'switch-team': {
      const i = s.conversations.findIndex(c => c.team === a.team)
      return i === -1 ? { ...s, status: { ...s.status, error: `you are not in #${a.team}: an admin can add you` } } : reduce(s, { type: 'switch', index: i })
    }
    case 'next':
    case 'prev': {
      const n = s.conversations.length
      if (n === 0) return s
      return reduce(s, { type: 'switch', index: (s.current + (a.type === 'next' ? 1 : n - 1)) % n })
    }
    case 'scroll': {
      const scroll = Math.max(0, Math.min(a.max ?? Number.MAX_SAFE_INTEGER, s.scroll + a.lines))
      const c = currentConversation(s)
      const next = { ...s, scroll }
      return scroll === 0 && c !== undefined ? withConversation(next, c.team, x => ({ ...x, unread: 0, mentions: 0 })) : next
    }
    case 'members':
      return { ...s, members: a.members }
    case 'presence': {
      const presence = { ...s.presence, [a.p.peerId]: a.p }
      if (a.p.peerId !== s.me.peerId || a.p.status === 'offline') return { ...s, presence }
      const was = s.myStatus.status
      const next: UiState = { ...s, presence, myStatus: { status: a.p.status, text: a.p.text } }
      // leaving focus: show what arrived meanwhile, once
      if (FOCUS.includes(was) && !FOCUS.includes(a.p.status) && s.held.length > 0) {
        return { ...system(next, digest(s.held, was, s.me.name), 'digest'), held: [] }
      }
      return next
    }
    case 'peers':
      return { ...s, status: { ...s.status, peers: a.count } }
    case 'file-progress':
      return { ...s, transfers: { ...s.transfers, [a.p.id]: a.p } }
    case 'file-done': {
      const { [a.id]: _done, ...rest } = s.transfers
      return { ...s, transfers: rest }
    }
    case 'synced':
      return { ...s, status: { ...s.status, synced: a.at } }
    case 'error': {
      const { notice: _n, ...rest } = s.status
      return { ...s, status: { ...rest, error: a.text } }
    }
    case 'notice': {
      const { error: _e, ...rest } = s.status
      return { ...s, status: { ...rest, notice: a.text } }
    }
    case 'system':
      return system(s, a.text, a.level ?? 'info')
    case 'input':
      return { ...s, input: { ...s.input, text: a.text } }
    case 'input-history': {
      const h = s.input.history
      if (h.length === 0) return s
      let i = s.input.historyIndex === null ? (a.direction === -1 ? h.length - 1 : null) : s.input.historyIndex + a.direction
      if (i !== null && i >= h.length) i = null
      if (i !== null && i < 0) i = 0
      return { ...s, input: { ...s.input, historyIndex: i, text: i === null ? '' : h[i]! } }
    }
    case 'submitted': {
      const { error: _e, ...status } = s.status
      const history = a.text.trim() === '' || s.input.history.at(-1) === a.text ? s.input.history : [...s.input.history, a.text].slice(-200)
      return { ...s, status, input: { text: '', history, historyIndex: null } }
    }
  }
}

/** Complete the word before the cursor to a member's name: `@Bea ` inside a line, `Bea: ` at its start. */
export function completeNick (input: string, names: string[]): string {
  const m = /(^|\s)(@?)([^\s@]*)$/.exec(input)
  if (m === null || m[3] === '' && m[2] === '') return input
  const word = (m[3] ?? '').toLowerCase()
  const match = names.filter(n => n.toLowerCase().startsWith(word)).sort()[0]
  if (match === undefined) return input
  const start = input.length - (m[2]!.length + m[3]!.length)
  const atLineStart = start === 0 && m[2] === ''
  return input.slice(0, start) + (atLineStart ? `${match}: ` : `@${match} `)
}
