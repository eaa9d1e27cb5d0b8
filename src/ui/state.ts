/**
 * The state of the terminal UI and the one function that changes it. Pure: no I/O, no terminal,
 * so every behaviour is unit-tested without a screen.
 */
import type { MessageView, OrgChangeView, PresenceView, FileProgress } from '../events.js'
import type { HistoryResult, MemberView, NodeInfo, TeamView } from '../node.js'
import { edit, editorOf } from './line-editor.js'
import type { Edit } from './line-editor.js'
import { findMentions } from './mentions.js'
import type { Mentionable } from './mentions.js'

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
  /** the last message read when this conversation was left ('' for none): the unread marker goes after it */
  readUpTo?: string
}

/** Local output (help, search results, invites, digests): shown over the conversation until Esc. */
export interface Overlay {
  title: string
  lines: string[]
  /** lines scrolled down from its top */
  scroll: number
}

export interface UiState {
  me: { peerId: string, name: string }
  org?: { name: string, admin: boolean }
  /** setup: no organisation yet; chat: the normal screen; removed: this workstation was offboarded */
  mode: 'setup' | 'chat' | 'removed'
  /** for a removed workstation: by whom (name) and when */
  removed?: { byName: string, at: number }
  conversations: Conversation[]
  current: number
  members: MemberView[]
  presence: Record<string, PresenceView>
  myStatus: { status: PresenceStatus, text: string }
  /** messages that arrived while busy or do-not-disturb, for the digest */
  held: ChatMessage[]
  /** lines scrolled up from the bottom of the conversation */
  scroll: number
  /** messages that arrived below the view while scrolled up */
  newBelow: number
  /** the input line (an editor: text and cursor) and what was typed before */
  input: { text: string, cursor: number, history: string[], historyIndex: number | null, draft?: string }
  status: { peers: number, error?: string, notice?: string, synced?: number }
  /** every team of the organisation, joined or not */
  teams: TeamView[]
  overlay?: Overlay
  /** a yes/no question the next Enter (yes) or Esc (no) answers */
  confirm?: string
  /** whether colours are used (off with NO_COLOR) */
  colour: boolean
  /** side panes the user has shown or hidden (undefined: as the terminal's width allows) */
  panes: { list?: boolean, members?: boolean }
  /** file transfers under way, by file id */
  transfers: Record<string, FileProgress>
  /** incremented whenever the UI should ring the terminal bell (and notify) */
  bell: number
  /** the message that rang it last, for the desktop notification */
  alert?: ChatMessage
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
  /** replace the input line (the cursor goes to its end) */
  | { type: 'input', text: string, cursor?: number }
  | { type: 'edit', edit: Edit }
  /** a bracketed paste: inserted as it is, newlines and all, to review before Enter sends it */
  | { type: 'paste', text: string }
  | { type: 'input-history', direction: -1 | 1 }
  | { type: 'submitted', text: string }
  | { type: 'overlay', title: string, lines: string[] }
  /** scroll the overlay by `lines` (down is positive), to at most `max` lines down */
  | { type: 'overlay-scroll', lines: number, max?: number }
  | { type: 'close-overlay' }
  | { type: 'confirm', question: string }
  | { type: 'confirmed' }
  /** End: back to the newest message */
  | { type: 'bottom' }
  /** Alt-A: the next conversation with mentions, else with unread messages */
  | { type: 'next-active' }
  | { type: 'toggle-pane', pane: 'list' | 'members', shown: boolean }
  /** lines saying what changed in the organisation, each in its conversation */
  | { type: 'happened', lines: Array<{ team: string, text: string }> }
  /** the terminal was resized: the panes go back to what its width allows */
  | { type: 'reset-panes' }

/** The state before the node has answered. */
export function initialState (options: { colour?: boolean } = {}): UiState {
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
    newBelow: 0,
    input: { text: '', cursor: 0, history: [], historyIndex: null },
    status: { peers: 0 },
    teams: [],
    colour: options.colour ?? true,
    panes: {},
    transfers: {},
    bell: 0,
    setupLines: []
  }
}

const FOCUS: PresenceStatus[] = ['busy', 'dnd']

/** Everyone who can be mentioned: the directory, and this node's user even before it is listed. */
export function mentionable (s: UiState): Mentionable[] {
  const people: Mentionable[] = s.members.map(m => ({ peerId: m.peerId, name: m.name }))
  if (s.me.peerId !== '' && !people.some(p => p.peerId === s.me.peerId)) people.push({ peerId: s.me.peerId, name: s.me.name })
  return people
}

/** Whether `text` mentions this node's user (by @ and a unique start of a word of their name). */
export function mentionsMe (s: UiState, text: string): boolean {
  return findMentions(text, mentionable(s)).some(m => m.peerId === s.me.peerId)
}

/** How a conversation is called everywhere: #team, or @name of the other person for a direct one. */
export function conversationLabel (s: UiState, team: string, direct?: string): string {
  const c = s.conversations.find(x => x.team === team)
  if (c !== undefined) return c.label
  if (direct !== undefined) return `@${s.members.find(m => m.peerId === direct)?.name ?? direct.slice(-8)}`
  return `#${team}`
}

/** The conversation currently shown, if any. */
export function currentConversation (s: UiState): Conversation | undefined {
  return s.conversations[s.current]
}

function withConversation (s: UiState, team: string, change: (c: Conversation) => Conversation): UiState {
  return { ...s, conversations: s.conversations.map(c => c.team === team ? change(c) : c) }
}

/**
 * The conversations to list. Numbers never change once given (Alt-3 stays what it was): those already
 * listed keep their place, a team left drops out, and new ones are appended — on the first screen
 * #general, then other teams by name, then direct conversations.
 */
function conversationsFor (teams: TeamView[], old: Conversation[], directs: DirectView[] = []): Conversation[] {
  const joined = teams.filter(t => t.joined).map(t => t.name)
  const ordered = [...joined.filter(t => t === 'general'), ...joined.filter(t => t !== 'general').sort()]
  const fresh = (team: string): Conversation => ({ team, label: `#${team}`, unread: 0, mentions: 0, lines: [], loaded: false })
  // direct conversations: those the node holds, and those opened or received since
  const directTeams = new Set([...directs.map(d => d.team), ...old.filter(c => c.direct !== undefined).map(c => c.team)])
  const kept = old.filter(c => c.direct !== undefined || joined.includes(c.team))
  const known = new Set(kept.map(c => c.team))
  const added = [
    ...ordered.filter(t => !known.has(t)).map(fresh),
    ...directs.filter(d => !known.has(d.team)).map(d => ({ team: d.team, label: `@${d.name}`, direct: d.peerId, unread: 0, mentions: 0, lines: [], loaded: false }))
  ]
  const seen = new Set<string>()
  return [...kept, ...added].filter(c => (c.direct === undefined || directTeams.has(c.team)) && !seen.has(c.team) && seen.add(c.team) !== undefined)
}

/** The id of the newest message of a conversation, if any. */
function lastMessageId (c: Conversation): string | undefined {
  for (let i = c.lines.length - 1; i >= 0; i--) {
    const l = c.lines[i]!
    if (l.kind === 'message' && l.m.state !== 'sending') return l.m.id
  }
  return undefined
}

function digest (s: UiState, held: ChatMessage[], status: PresenceStatus): string {
  const byTeam = new Map<string, number>()
  for (const m of held) byTeam.set(conversationLabel(s, m.team, m.direct), (byTeam.get(conversationLabel(s, m.team, m.direct)) ?? 0) + 1)
  const parts = [...byTeam].map(([t, n]) => `${t} ${n}`).join(', ')
  const mentioned = held.filter(m => mentionsMe(s, m.text) || m.direct !== undefined)
  const who = mentioned.slice(0, 3).map(m => `${m.authorName} in ${conversationLabel(s, m.team, m.direct)}`).join('; ')
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
  const before = (o: MessageView): boolean => { const x = key(o); return x[0] < k[0] || (x[0] === k[0] && (x[1] < k[1] || (x[1] === k[1] && x[2] < k[2]))) }
  let i = lines.length
  while (i > 0) {
    const l = lines[i - 1]!
    if (l.kind === 'message') {
      if (before(l.m)) break
      i--
      continue
    }
    // a system line (a digest, an error) stays above what comes after it: a new message goes below
    // it, never above where it would scroll out of sight, unless it belongs before the message above
    let j = i - 1
    while (j > 0 && lines[j - 1]!.kind !== 'message') j--
    const above = lines[j - 1]
    if (above === undefined || (above.kind === 'message' && before(above.m))) break
    i = j
  }
  if (i === lines.length) return [...lines, { kind: 'message', m }]
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
        mode: a.info.org === undefined ? 'setup' : a.info.removed !== undefined ? 'removed' : 'chat',
        ...(a.info.removed !== undefined ? { removed: { byName: a.info.removed.byName, at: a.info.removed.at } } : {}),
        conversations,
        teams: a.teams,
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
      return { ...s, conversations, teams: a.teams, current: at === -1 ? 0 : at }
    }
    case 'history': {
      return withConversation(s, a.team, (c) => {
        let lines = a.older ? c.lines : c.lines.filter(l => l.kind === 'system')
        for (const m of a.result.messages) lines = addMessage(lines, { ...m, state: 'sent' })
        const { before: _old, ...rest } = c
        const loaded = { ...rest, lines, loaded: true }
        // a conversation first loaded in the background: what comes after this is unread
        if (!a.older && c.readUpTo === undefined && currentConversation(s)?.team !== a.team) {
          // '' when it is empty: everything that comes is new
          loaded.readUpTo = lastMessageId(loaded) ?? ''
        }
        return a.result.before === undefined ? loaded : { ...loaded, before: a.result.before }
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
      const here = currentConversation(s)?.team === m.team
      const visible = here && s.scroll === 0
      if (here && !visible) next = { ...next, newBelow: next.newBelow + 1 }
      // a direct message is addressed to you: it counts as a mention
      const mentioned = mentionsMe(s, m.text) || m.direct !== undefined
      next = withConversation(next, m.team, x => ({ ...x, unread: visible ? x.unread : x.unread + 1, mentions: x.mentions + (mentioned && !visible ? 1 : 0) }))
      if (FOCUS.includes(s.myStatus.status)) {
        // focus: hold it for the digest; only an urgent mention still rings
        return mentioned && m.urgent ? { ...next, held: [...next.held, m], bell: next.bell + 1, alert: m } : { ...next, held: [...next.held, m] }
      }
      return mentioned ? { ...next, bell: next.bell + 1, alert: m } : next
    }
    case 'sending': {
      const now = Date.now()
      const m: ChatMessage = { id: a.tempId, team: a.team, author: s.me.peerId, authorName: s.me.name, seq: Number.MAX_SAFE_INTEGER, lamport: Number.MAX_SAFE_INTEGER, time: now, text: a.text, urgent: a.urgent, local: true, readable: true, epoch: 0, state: 'sending' }
      return { ...withConversation(s, a.team, c => ({ ...c, lines: [...c.lines, { kind: 'message', m }] })), scroll: 0, newBelow: 0 }
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
      if (a.index === s.current) return { ...s, scroll: 0, newBelow: 0 }
      // the one left is read up to its newest message: the unread marker goes there
      const left = (c: Conversation): Conversation => ({ ...c, readUpTo: lastMessageId(c) ?? '' })
      return { ...s, current: a.index, scroll: 0, newBelow: 0, conversations: s.conversations.map((c, i) => i === a.index ? { ...c, unread: 0, mentions: 0 } : i === s.current ? left(c) : c) }
    }
    case 'switch-team': {
      const i = s.conversations.findIndex(c => c.team === a.team)
      if (i !== -1) return reduce(s, { type: 'switch', index: i })
      const { notice: _n, ...status } = s.status
      const exists = s.teams.some(t => t.name === a.team)
      return { ...s, status: { ...status, error: exists ? `you are not in #${a.team}: an admin can add you` : `there is no team #${a.team}: /teams lists them` } }
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
      const next = { ...s, scroll, newBelow: scroll === 0 ? 0 : s.newBelow }
      return scroll === 0 && c !== undefined ? withConversation(next, c.team, x => ({ ...x, unread: 0, mentions: 0 })) : next
    }
    case 'bottom':
      return reduce(s, { type: 'scroll', lines: -s.scroll })
    case 'next-active': {
      const n = s.conversations.length
      const order = Array.from({ length: n }, (_, k) => (s.current + 1 + k) % n).filter(i => i !== s.current)
      const target = order.find(i => s.conversations[i]!.mentions > 0) ?? order.find(i => s.conversations[i]!.unread > 0)
      if (target === undefined) return reduce(s, { type: 'notice', text: 'no other conversation has new messages' })
      return reduce(s, { type: 'switch', index: target })
    }
    case 'overlay':
      return { ...s, overlay: { title: a.title, lines: a.lines, scroll: 0 } }
    case 'overlay-scroll':
      return s.overlay === undefined ? s : { ...s, overlay: { ...s.overlay, scroll: Math.max(0, Math.min(a.max ?? Number.MAX_SAFE_INTEGER, s.overlay.scroll + a.lines)) } }
    case 'close-overlay': {
      const { overlay: _o, ...rest } = s
      return rest
    }
    case 'confirm':
      return { ...s, confirm: a.question }
    case 'confirmed': {
      const { confirm: _c, ...rest } = s
      return rest
    }
    case 'toggle-pane':
      return { ...s, panes: { ...s.panes, [a.pane]: a.shown } }
    case 'reset-panes':
      return { ...s, panes: {} }
    case 'happened': {
      let next = s
      for (const l of a.lines) next = withConversation(next, l.team, c => ({ ...c, lines: [...c.lines, { kind: 'system', text: l.text, time: Date.now(), level: 'info' }] }))
      return next
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
        const text = digest(s, s.held, was)
        return { ...reduce(system(next, text, 'digest'), { type: 'overlay', title: 'while you were away', lines: [text] }), held: [] }
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
      // an empty notice clears the one shown
      const { error: _e, notice: _n, ...rest } = s.status
      return { ...s, status: a.text === '' ? rest : { ...rest, notice: a.text } }
    }
    case 'system':
      return system(s, a.text, a.level ?? 'info')
    case 'input': {
      const e = editorOf(a.text)
      return { ...s, input: { ...s.input, text: e.text, cursor: a.cursor ?? e.cursor } }
    }
    case 'edit': {
      const e = edit(s.input, a.edit)
      return { ...s, input: { ...s.input, text: e.text, cursor: e.cursor } }
    }
    case 'paste': {
      // normalise line ends, drop a trailing newline (the paste of one whole line), never send
      // and no control characters: a pasted escape sequence would colour or move the input line
      const text = a.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '\uFFFD')
      const e = edit(s.input, { type: 'insert', text })
      const lines = text.split('\n').length
      const next = { ...s, input: { ...s.input, text: e.text, cursor: e.cursor } }
      return lines > 1 ? reduce(next, { type: 'notice', text: `pasted ${lines} lines as one message: Enter sends it, Ctrl-U clears it` }) : next
    }
    case 'input-history': {
      const h = s.input.history
      if (h.length === 0) return s
      let i = s.input.historyIndex === null ? (a.direction === -1 ? h.length - 1 : null) : s.input.historyIndex + a.direction
      if (i !== null && i >= h.length) i = null
      if (i !== null && i < 0) i = 0
      // what was being typed is kept, and comes back after the newest entry
      const draft = s.input.historyIndex === null ? s.input.text : s.input.draft
      const text = i === null ? draft ?? '' : h[i]!
      const { draft: _d, ...input } = s.input
      return { ...s, input: { ...input, ...(i === null ? {} : draft === undefined ? {} : { draft }), historyIndex: i, text, cursor: [...text].length } }
    }
    case 'submitted': {
      const { error: _e, notice: _n, ...status } = s.status
      const history = a.text.trim() === '' || s.input.history.at(-1) === a.text ? s.input.history : [...s.input.history, a.text].slice(-200)
      return { ...s, status, input: { text: '', cursor: 0, history, historyIndex: null } }
    }
  }
}

/**
 * What an organisation change did, as lines for the conversations it concerns: who joined, was added
 * to or removed from a team, was removed from the organisation, was made an admin — and by whom, from
 * the signers of the records applied.
 */
export function whatHappened (before: MemberView[], after: MemberView[], change: OrgChangeView | undefined, me: string): Array<{ team: string, text: string }> {
  if (before.length === 0) return [] // the first load: nothing happened, it was just not shown yet
  const names = new Map([...before, ...after].map(m => [m.peerId, m.name]))
  const by = (ops: string[]): string => {
    // the first of `ops` that the change holds: whoever signed that record
    const i = ops.map(op => change?.applied.indexOf(op) ?? -1).find(x => x !== -1) ?? -1
    const signer = i === -1 ? undefined : change?.by?.[i]?.signer
    if (signer === undefined) return ''
    return signer === me ? ' by you' : ` by ${names.get(signer) ?? `…${signer.slice(-6)}`}`
  }
  const who = (m: MemberView): string => m.peerId === me ? 'You' : m.name
  const out: Array<{ team: string, text: string }> = []
  const old = new Map(before.map(m => [m.peerId, m]))
  const now = new Map(after.map(m => [m.peerId, m]))
  for (const m of after) {
    const was = old.get(m.peerId)
    if (was === undefined) {
      const admitted = by(['addMember'])
      out.push({ team: 'general', text: `${who(m)} joined the organisation${admitted === '' ? '' : ` (let in${admitted})`}` })
      for (const t of m.teams.filter(t => t !== 'general')) out.push({ team: t, text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} added to #${t}${by(['roster', 'addMember'])}` })
      continue
    }
    for (const t of m.teams.filter(t => !was.teams.includes(t))) out.push({ team: t, text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} added to #${t}${by(['roster'])}` })
    for (const t of was.teams.filter(t => !m.teams.includes(t))) out.push({ team: t, text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} removed from #${t}${by(['roster'])}` })
    if (m.admin && !was.admin) out.push({ team: 'general', text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} made an admin${by(['addMember'])}` })
  }
  for (const m of before) {
    if (now.has(m.peerId) || m.peerId === me) continue
    for (const t of m.teams) out.push({ team: t, text: `${m.name} was removed from the organisation${by(['removeMember'])}: their workstation can no longer read or post here` })
  }
  return out
}
