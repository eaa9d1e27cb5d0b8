/**
 * Threads: the one shown in place of its conversation (the message replied to and its replies, kept
 * up to date as replies, edits, deletes and reactions come), and whether the conversation shows
 * replies where they fall or only in their thread. Pure.
 */
import type { MessageView } from '../../index.js'
import type { ChatMessage, UiState } from '../state.js'
import { withNotice } from './screen.js'
import { withConversation } from './selectors.js'

/** The actions of threads. */
export type ThreadAction =
  /** show the thread of `root` (the node's answer to `thread`) in place of its conversation */
  | { type: 'thread-open', root: MessageView, replies: MessageView[] }
  /** Esc: back to the conversation */
  | { type: 'thread-close' }
  /** replies in the conversation where they fall (inline), or only in their thread (collapsed) */
  | { type: 'threads-mode', mode: UiState['threads'] }

/** The start of a message as a reply quotes it. */
export function quoteOf (m: MessageView): NonNullable<MessageView['quote']> {
  return m.deleted !== undefined
    ? { author: m.author, authorName: m.authorName, text: '', deleted: true }
    : { author: m.author, authorName: m.authorName, text: m.text.slice(0, 200) }
}

/**
 * `now`, the message as the node shows it after an act, with what the chat knew of what it replies
 * to when `now` has lost it (a deleted reply's body, and with it the id it replied to, is erased).
 */
export function keepingReply<M extends MessageView> (now: M, was: MessageView): M {
  if (now.replyTo !== undefined || was.replyTo === undefined) return now
  return { ...now, replyTo: was.replyTo, ...(was.quote !== undefined ? { quote: was.quote } : {}) }
}

/** Whether `a` comes before `b` in the shared order (Lamport clock, author, sequence). */
function before (a: MessageView, b: MessageView): boolean {
  return a.lamport < b.lamport || (a.lamport === b.lamport && (a.author < b.author || (a.author === b.author && a.seq < b.seq)))
}

/**
 * `s` after the reply `m` came (or was confirmed sent): in the thread shown, if it is that of the
 * message `m` replies to, in its place, and counted once.
 */
export function withReplyInThread (s: UiState, m: ChatMessage): UiState {
  const t = s.thread
  if (t === undefined || m.replyTo !== t.root.id) return s
  if (t.replies.some(r => r.id === m.id)) return { ...s, thread: { ...t, replies: t.replies.map(r => r.id === m.id ? { ...m, state: r.state === 'synced' ? r.state : m.state } : r) } }
  const at = t.replies.findIndex(r => before(m, r))
  const replies = at === -1 ? [...t.replies, m] : [...t.replies.slice(0, at), m, ...t.replies.slice(at)]
  const root: ChatMessage = { ...t.root, replies: { count: (t.root.replies?.count ?? 0) + 1, last: Math.max(t.root.replies?.last ?? 0, m.time) } }
  return { ...s, thread: { ...t, root, replies } }
}

/** `s` with the message `m` as it is now in the thread shown, and the quotes of it there afresh. */
export function withReplacedInThread (s: UiState, m: MessageView): UiState {
  const t = s.thread
  if (t === undefined) return s
  const now = (x: ChatMessage): ChatMessage => x.id === m.id
    ? keepingReply({ ...m, state: x.state }, x)
    : x.replyTo === m.id ? { ...x, quote: quoteOf(m) } : x
  return { ...s, thread: { ...t, root: now(t.root), replies: t.replies.map(now) } }
}

/** Apply an action of threads. */
export function reduceThreads (s: UiState, a: ThreadAction): UiState {
  switch (a.type) {
    case 'thread-open': {
      const root = a.root
      const known = s.conversations.find(c => c.team === root.team)?.lines.find(l => l.kind === 'message' && l.m.id === root.id)
      const state = known?.kind === 'message' ? known.m.state : 'sent'
      const replies = [...a.replies].sort((x, y) => before(x, y) ? -1 : before(y, x) ? 1 : 0).map((r): ChatMessage => ({ ...r, state: 'sent' }))
      const { selected: _s, ...rest } = s
      // what was new in it is seen now
      const seen = withConversation(rest, root.team, c => ({
        ...c,
        lines: c.lines.map(l => {
          if (l.kind !== 'message' || l.m.id !== root.id || l.m.newReplies === undefined) return l
          const { newReplies: _n, ...m } = l.m
          return { kind: 'message' as const, m }
        })
      }))
      // the status line says what the thread's keys do, not what was said before it
      return withNotice({ ...seen, thread: { team: root.team, root: { ...root, state }, replies }, scroll: 0, newBelow: 0 }, '')
    }
    case 'thread-close': {
      const { thread: _t, selected: _s, ...rest } = s
      return { ...rest, scroll: 0, newBelow: 0 }
    }
    case 'threads-mode': {
      const { selected: _s, ...rest } = s
      return withNotice({ ...rest, threads: a.mode }, a.mode === 'collapsed'
        ? 'threads collapsed: replies show only in their thread (t or /thread ID opens it); the message replied to says how many'
        : 'threads inline: replies show in the conversation where they fall, under a quote of what they answer')
    }
  }
}
