/**
 * What the reducers and the views read from the UI state, and the two small updates every concern
 * shares (change one conversation, add a system line). Pure.
 */
import { findMentions } from '../mentions.js'
import type { Mentionable } from '../mentions.js'
import type { ChatMessage, Conversation, UiState } from '../state.js'

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

/** The id of the newest message of a conversation, if any. */
export function lastMessageId (c: Conversation): string | undefined {
  for (let i = c.lines.length - 1; i >= 0; i--) {
    const l = c.lines[i]!
    if (l.kind === 'message' && l.m.state !== 'sending') return l.m.id
  }
  return undefined
}

/** `s` with the conversation of `team` changed by `change` (unchanged if there is none). */
export function withConversation (s: UiState, team: string, change: (c: Conversation) => Conversation): UiState {
  return { ...s, conversations: s.conversations.map(c => c.team === team ? change(c) : c) }
}

/** A system line at the end of the current conversation, or on the setup screen when there is none. */
export function withSystemLine (s: UiState, text: string, level: 'info' | 'error' | 'digest'): UiState {
  const c = currentConversation(s)
  if (c === undefined) return { ...s, setupLines: [...s.setupLines, text] }
  return withConversation(s, c.team, x => ({ ...x, lines: [...x.lines, { kind: 'system', text, time: Date.now(), level }] }))
}

/**
 * The replies of `c` that the conversation does not show: with threads collapsed, those whose
 * message replied to is in it (they are in its thread). A reply to a message not loaded stays shown,
 * so that nothing is out of sight with no way to it.
 */
export function hiddenReplies (s: UiState, c: Conversation): ReadonlySet<string> {
  if (s.threads !== 'collapsed') return new Set()
  const ids = new Set<string>()
  for (const l of c.lines) if (l.kind === 'message') ids.add(l.m.id)
  const hidden = new Set<string>()
  for (const l of c.lines) if (l.kind === 'message' && l.m.replyTo !== undefined && ids.has(l.m.replyTo)) hidden.add(l.m.id)
  return hidden
}

/** The messages the conversation pane shows that can be chosen, oldest first (the thread's, when one is open). */
export function selectableMessages (s: UiState): ChatMessage[] {
  const real = (m: ChatMessage): boolean => m.state !== 'sending' && m.state !== 'failed'
  if (s.thread !== undefined) return [s.thread.root, ...s.thread.replies].filter(real)
  const c = currentConversation(s)
  if (c === undefined) return []
  const hidden = hiddenReplies(s, c)
  const out: ChatMessage[] = []
  for (const l of c.lines) if (l.kind === 'message' && real(l.m) && !hidden.has(l.m.id)) out.push(l.m)
  return out
}

/** Alias of selectableMessages, for the views: what the pane shows, in order. */
export const shownMessages = selectableMessages

/** The shortest id prefix a person types for a message: long enough never to be ambiguous in practice. */
export const SHORT_ID = 8

/**
 * The message that `id` names among those loaded (the open thread's and every conversation's): its
 * whole id or a start of it at least 4 characters long. 'several' when a start fits more than one.
 */
export function findMessage (s: UiState, id: string): ChatMessage | 'several' | undefined {
  const q = id.trim().toLowerCase()
  const all = new Map<string, ChatMessage>()
  if (s.thread !== undefined) for (const m of [s.thread.root, ...s.thread.replies]) all.set(m.id, m)
  for (const c of s.conversations) for (const l of c.lines) if (l.kind === 'message' && l.m.state !== 'sending' && !all.has(l.m.id)) all.set(l.m.id, l.m)
  const exact = [...all.values()].find(m => m.id.toLowerCase() === q)
  if (exact !== undefined) return exact
  if (q.length < 4) return undefined
  const fits = [...all.values()].filter(m => m.id.toLowerCase().startsWith(q))
  return fits.length > 1 ? 'several' : fits[0]
}
