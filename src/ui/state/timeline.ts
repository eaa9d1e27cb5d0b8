/**
 * The lines of each conversation: history pages, messages as they arrive (in the shared order, with
 * unread and mention counts), our own sends and their delivery state, system lines. Pure.
 */
import type { HistoryResult, MessageView } from '../../index.js'
import type { ChatMessage, Line, UiState } from '../state.js'
import { withDirect } from './conversations.js'
import { alertFor } from './notifications.js'
import { currentConversation, lastMessageId, mentionsMe, withConversation, withSystemLine } from './selectors.js'

/** The actions of the conversations' lines. */
export type TimelineAction =
  | { type: 'history', team: string, result: HistoryResult, older: boolean }
  | { type: 'message', m: MessageView }
  /** a message shown already is now known to be forked: its line is marked, nothing counts as new */
  | { type: 'forked', m: MessageView }
  | { type: 'sending', team: string, tempId: string, text: string, urgent: boolean }
  | { type: 'sent', tempId: string, m: MessageView }
  | { type: 'send-failed', tempId: string, error: string }
  | { type: 'system', text: string, level?: 'info' | 'error' }
  /** lines saying what changed in the organisation, each in its conversation */
  | { type: 'happened', lines: Array<{ team: string, text: string }> }

/** `lines` with `m` in its place in the shared order, replacing the line of the same id if there is one. */
export function addMessage (lines: Line[], m: ChatMessage): Line[] {
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

/** Apply an action of the conversations' lines. */
export function reduceTimeline (s: UiState, a: TimelineAction): UiState {
  switch (a.type) {
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
        s = withDirect(s, { team: m.team, peerId: m.direct, name })
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
      return alertFor(s, next, m, mentioned)
    }
    case 'forked':
      return withConversation(s, a.m.team, c => c.lines.some(l => l.kind === 'message' && l.m.id === a.m.id)
        ? { ...c, lines: c.lines.map(l => l.kind === 'message' && l.m.id === a.m.id ? { kind: 'message' as const, m: { ...l.m, ...a.m } } : l) }
        : c)
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
    case 'system':
      return withSystemLine(s, a.text, a.level ?? 'info')
    case 'happened': {
      let next = s
      for (const l of a.lines) next = withConversation(next, l.team, c => ({ ...c, lines: [...c.lines, { kind: 'system', text: l.text, time: Date.now(), level: 'info' }] }))
      return next
    }
  }
}
