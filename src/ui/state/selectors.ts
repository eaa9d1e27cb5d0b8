/**
 * What the reducers and the views read from the UI state, and the two small updates every concern
 * shares (change one conversation, add a system line). Pure.
 */
import { findMentions } from '../mentions.js'
import type { Mentionable } from '../mentions.js'
import type { Conversation, UiState } from '../state.js'

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
