/**
 * When a message rings the bell (and notifies), and what is held back while the user is busy or on
 * do-not-disturb, for the digest shown when they come back. Pure.
 */
import { findGroupMentions } from '../mentions.js'
import type { ChatMessage, PresenceStatus, UiState } from '../state.js'
import { reduceScreen } from './screen.js'
import { conversationLabel, mentionsMe, withSystemLine } from './selectors.js'

/** The statuses in which messages are held for a digest instead of ringing. */
export const FOCUS: readonly PresenceStatus[] = ['busy', 'dnd']

/**
 * How a message from someone else is addressed to this user, if it is: a direct message, a mention
 * of them by name, `@team` (every member) or `@here` (whoever is available).
 */
export type Addressed = 'direct' | 'personal' | 'team' | 'here'

/** How `m` is addressed to this user, or undefined when it is not. */
export function addressedTo (s: UiState, m: { text: string, direct?: string }): Addressed | undefined {
  if (m.direct !== undefined) return 'direct'
  if (mentionsMe(s, m.text)) return 'personal'
  const groups = findGroupMentions(m.text).map(g => g.group)
  if (groups.includes('team')) return 'team'
  if (groups.includes('here')) return 'here'
  return undefined
}

/**
 * Whether a message addressed as `addressed` is a mention for this user in `status`: `@here` is not
 * for someone away; every other way is. (busy and dnd then hold it, ringing only if it is urgent:
 * alertFor.)
 */
export function isMention (addressed: Addressed | undefined, status: PresenceStatus): boolean {
  if (addressed === undefined) return false
  return addressed !== 'here' || status !== 'away'
}

/**
 * `next` after message `m` from someone else arrived (`s` is the state before it): a mention rings,
 * unless the user is busy or on do-not-disturb, when the message is held and only an urgent
 * mention still rings.
 */
export function alertFor (s: UiState, next: UiState, m: ChatMessage, mentioned: boolean): UiState {
  if (FOCUS.includes(s.myStatus.status)) {
    // focus: hold it for the digest; only an urgent mention still rings
    return mentioned && m.urgent ? { ...next, held: [...next.held, m], bell: next.bell + 1, alert: m } : { ...next, held: [...next.held, m] }
  }
  return mentioned ? { ...next, bell: next.bell + 1, alert: m } : next
}

/** One line on what arrived while the user was busy or on do-not-disturb: how many where, who mentioned them. */
export function digest (s: UiState, held: ChatMessage[], status: PresenceStatus): string {
  const byTeam = new Map<string, number>()
  for (const m of held) byTeam.set(conversationLabel(s, m.team, m.direct), (byTeam.get(conversationLabel(s, m.team, m.direct)) ?? 0) + 1)
  const parts = [...byTeam].map(([t, n]) => `${t} ${n}`).join(', ')
  const mentioned = held.filter(m => addressedTo(s, m) !== undefined)
  const who = mentioned.slice(0, 3).map(m => `${m.authorName} in ${conversationLabel(s, m.team, m.direct)}`).join('; ')
  return `While you were ${status === 'dnd' ? 'on do-not-disturb' : 'busy'}: ${held.length} message${held.length === 1 ? '' : 's'} (${parts})` +
    (mentioned.length > 0 ? `; ${mentioned.length} mention${mentioned.length === 1 ? '' : 's'} (${who})` : '')
}

/**
 * `next` after the user's own status went from `was` to `now` (`s` is the state before): leaving
 * focus shows the digest of what arrived meanwhile, once, in the conversation and in an overlay.
 */
export function releaseHeld (s: UiState, next: UiState, was: PresenceStatus, now: PresenceStatus): UiState {
  if (!FOCUS.includes(was) || FOCUS.includes(now) || s.held.length === 0) return next
  const text = digest(s, s.held, was)
  return { ...reduceScreen(withSystemLine(next, text, 'digest'), { type: 'overlay', title: 'while you were away', lines: [text] }), held: [] }
}
