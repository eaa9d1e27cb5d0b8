/**
 * The lines of each conversation: history pages, messages as they arrive (in the shared order, with
 * unread and mention counts), our own sends and their delivery state, system lines. Pure.
 */
import type { HistoryResult, MessageView } from '../../index.js'
import type { ChatMessage, Line, UiState } from '../state.js'
import { withDirect } from './conversations.js'
import { addressedTo, alertFor, isMention } from './notifications.js'
import { currentConversation, lastMessageId, withConversation, withSystemLine } from './selectors.js'
import { keepingReply, quoteOf, withReplyInThread, withReplacedInThread } from './threads.js'

/** The actions of the conversations' lines. */
export type TimelineAction =
  | { type: 'history', team: string, result: HistoryResult, older: boolean }
  | { type: 'message', m: MessageView }
  /** a message shown already is now known to be forked: its line is marked, nothing counts as new */
  | { type: 'forked', m: MessageView }
  | { type: 'sending', team: string, tempId: string, text: string, urgent: boolean, replyTo?: string, quote?: MessageView['quote'] }
  | { type: 'sent', tempId: string, m: MessageView }
  | { type: 'send-failed', tempId: string, error: string }
  | { type: 'system', text: string, level?: 'info' | 'error' }
  /** lines saying what changed in the organisation, each in its conversation */
  | { type: 'happened', lines: Array<{ team: string, text: string }> }
  /** a message was edited, deleted or reacted to: the message as it is now, in its place */
  | { type: 'replaced', m: MessageView }

/** Whether `lines` hold the message `id`. */
function holds (lines: Line[], id: string): boolean {
  return lines.some(l => l.kind === 'message' && l.m.id === id)
}

/**
 * `lines` after the new reply `reply` came: the message it replies to counts it (and, for a reply
 * from someone else that the thread view is not showing, marks it new).
 */
export function withReplyCounted (lines: Line[], reply: MessageView, seen: boolean): Line[] {
  const root = reply.replyTo
  if (root === undefined) return lines
  return lines.map(l => {
    if (l.kind !== 'message' || l.m.id !== root) return l
    const count = (l.m.replies?.count ?? 0) + 1
    const last = Math.max(l.m.replies?.last ?? 0, reply.time)
    const m: ChatMessage = { ...l.m, replies: { count, last } }
    if (!reply.local && !seen) m.newReplies = (l.m.newReplies ?? 0) + 1
    return { kind: 'message', m }
  })
}

/**
 * `lines` with the message `m` as it is now (edited, deleted, reacted to) where it was, keeping its
 * place and delivery state; the replies to it quote it afresh. Unchanged when it is not there.
 */
export function withReplaced (lines: Line[], m: MessageView): Line[] {
  let changed = false
  const out = lines.map((l): Line => {
    if (l.kind !== 'message') return l
    if (l.m.id === m.id) {
      changed = true
      return { kind: 'message', m: keepingReply({ ...m, state: l.m.state, ...(l.m.newReplies !== undefined ? { newReplies: l.m.newReplies } : {}) }, l.m) }
    }
    if (l.m.replyTo === m.id) {
      changed = true
      return { kind: 'message', m: { ...l.m, quote: quoteOf(m) } }
    }
    return l
  })
  return changed ? out : lines
}

/** `m`, with the quote of what it replies to taken from `lines` when the node sent none and it is there. */
function quoted<M extends MessageView> (lines: Line[], m: M): M {
  if (m.replyTo === undefined || m.quote !== undefined) return m
  const root = lines.find(l => l.kind === 'message' && l.m.id === m.replyTo)
  return root?.kind === 'message' ? { ...m, quote: quoteOf(root.m) } : m
}

/** A message event's data without what the event adds (who reacted with what). */
function viewOnly (m: MessageView & { reactor?: string, emoji?: string, removed?: boolean }): MessageView {
  const { reactor: _r, emoji: _e, removed: _x, ...view } = m
  return view
}

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
      let m: ChatMessage = { ...a.m, state: 'sent' }
      if (m.direct !== undefined && !s.conversations.some(x => x.team === m.team)) {
        // the first message of a direct conversation opens it
        const name = s.members.find(x => x.peerId === m.direct)?.name ?? m.authorName
        s = withDirect(s, { team: m.team, peerId: m.direct, name })
        s = withConversation(s, m.team, x => ({ ...x, loaded: true }))
      }
      const c = s.conversations.find(x => x.team === m.team)
      if (c === undefined) return s
      m = quoted(c.lines, m)
      // our own message, while its send is pending: the 'sent' action puts it in place
      if (m.local && c.lines.some(l => l.kind === 'message' && l.m.state === 'sending' && l.m.text === m.text)) return s
      const isNew = !holds(c.lines, m.id)
      // a new reply: the message it replies to counts it, and the thread shows it if it is open
      const seen = s.thread?.root.id === m.replyTo
      let next = withConversation(s, m.team, x => ({ ...x, lines: isNew ? withReplyCounted(addMessage(x.lines, m), m, seen) : addMessage(x.lines, m) }))
      if (isNew) next = withReplyInThread(next, m)
      if (m.local || !isNew) return next
      const here = currentConversation(s)?.team === m.team
      const visible = here && s.scroll === 0
      if (here && !visible) next = { ...next, newBelow: next.newBelow + 1 }
      // a direct message is addressed to you: it counts as a mention; so do @team, and @here unless you are away
      const mentioned = isMention(addressedTo(s, m), s.myStatus.status)
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
      if (a.replyTo !== undefined) m.replyTo = a.replyTo
      if (a.quote !== undefined) m.quote = a.quote
      const next: UiState = { ...withConversation(s, a.team, c => ({ ...c, lines: [...c.lines, { kind: 'message', m }] })), scroll: 0, newBelow: 0 }
      // a reply in the thread shown: there too, at its end
      if (a.replyTo !== undefined && next.thread?.root.id === a.replyTo) next.thread = { ...next.thread, replies: [...next.thread.replies, m] }
      return next
    }
    case 'sent': {
      const state: ChatMessage['state'] = (a.m.recipients ?? 0) > 0 ? 'synced' : 'sent'
      const c = s.conversations.find(x => x.team === a.m.team)
      const isNew = c !== undefined && !holds(c.lines, a.m.id)
      const thread = s.thread === undefined ? undefined : { ...s.thread, replies: s.thread.replies.filter(r => r.id !== a.tempId) }
      const next = withConversation({ ...s, ...(thread !== undefined ? { thread } : {}) }, a.m.team, (x) => {
        const lines = x.lines.filter(l => !(l.kind === 'message' && (l.m.id === a.tempId || l.m.id === a.m.id)))
        const added = addMessage(lines, quoted(x.lines, { ...a.m, state }))
        return { ...x, lines: isNew ? withReplyCounted(added, a.m, true) : added }
      })
      return withReplyInThread(next, { ...a.m, state })
    }
    case 'send-failed': {
      const failed = (m: ChatMessage): ChatMessage => m.id === a.tempId ? { ...m, state: 'failed' } : m
      const next = { ...s, conversations: s.conversations.map(c => ({ ...c, lines: c.lines.map(l => l.kind === 'message' && l.m.id === a.tempId ? { kind: 'message' as const, m: failed(l.m) } : l) })) }
      if (next.thread !== undefined) next.thread = { ...next.thread, replies: next.thread.replies.map(failed) }
      return { ...next, status: { ...next.status, error: a.error } }
    }
    case 'replaced': {
      const m = viewOnly(a.m)
      return withReplacedInThread(withConversation(s, m.team, c => ({ ...c, lines: withReplaced(c.lines, m) })), m)
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
