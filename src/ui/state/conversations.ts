/**
 * The list of conversations and moving between them: the node's snapshot that sets it up, teams
 * and direct conversations coming and going, switching, scrolling, the unread marker. Pure.
 */
import type { MemberView, NodeInfo, PresenceView, TeamView } from '../../index.js'
import type { Conversation, DirectView, UiState } from '../state.js'
import { mergePresence } from './presence.js'
import { withNotice } from './screen.js'
import { currentConversation, lastMessageId, withConversation } from './selectors.js'

/** The actions of the conversation list and of moving in it. */
export type ConversationAction =
  | { type: 'connected', info: NodeInfo, teams: TeamView[], members: MemberView[], presence: PresenceView[], directs?: DirectView[], presenceFresh?: ReadonlySet<string> }
  | { type: 'open-direct', direct: DirectView }
  | { type: 'teams', teams: TeamView[] }
  | { type: 'switch', index: number }
  | { type: 'switch-team', team: string }
  | { type: 'next' }
  | { type: 'prev' }
  /** scroll by `lines` (up is positive), to at most `max` lines up */
  | { type: 'scroll', lines: number, max?: number }
  /** End: back to the newest message */
  | { type: 'bottom' }
  /** Alt-A: the next conversation with mentions, else with unread messages */
  | { type: 'next-active' }

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

/** `s` with a direct conversation listed at the end, unless it is listed already. */
export function withDirect (s: UiState, direct: DirectView): UiState {
  if (s.conversations.some(c => c.team === direct.team)) return s
  return { ...s, conversations: [...s.conversations, { team: direct.team, label: `@${direct.name}`, direct: direct.peerId, unread: 0, mentions: 0, lines: [], loaded: false }] }
}

/** Apply an action of the conversation list. */
export function reduceConversations (s: UiState, a: ConversationAction): UiState {
  switch (a.type) {
    case 'connected': {
      const conversations = conversationsFor(a.teams, s.conversations, a.directs)
      const presence = mergePresence(s.presence, a.presence, a.presenceFresh)
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
    case 'open-direct':
      return withDirect(s, a.direct)
    case 'teams': {
      const team = currentConversation(s)?.team
      const conversations = conversationsFor(a.teams, s.conversations)
      const at = conversations.findIndex(c => c.team === team)
      return { ...s, conversations, teams: a.teams, current: at === -1 ? 0 : at }
    }
    case 'switch': {
      if (a.index < 0 || a.index >= s.conversations.length) return s
      // a thread and a chosen message belong to the conversation left
      if (s.thread !== undefined || s.selected !== undefined) {
        const { thread: _t, selected: _s, ...rest } = s
        s = rest
      }
      if (a.index === s.current) return { ...s, scroll: 0, newBelow: 0 }
      // the one left is read up to its newest message: the unread marker goes there
      const left = (c: Conversation): Conversation => ({ ...c, readUpTo: lastMessageId(c) ?? '' })
      return { ...s, current: a.index, scroll: 0, newBelow: 0, conversations: s.conversations.map((c, i) => i === a.index ? { ...c, unread: 0, mentions: 0 } : i === s.current ? left(c) : c) }
    }
    case 'switch-team': {
      const i = s.conversations.findIndex(c => c.team === a.team)
      if (i !== -1) return reduceConversations(s, { type: 'switch', index: i })
      const { notice: _n, ...status } = s.status
      const exists = s.teams.some(t => t.name === a.team)
      return { ...s, status: { ...status, error: exists ? `you are not in #${a.team}: an admin can add you` : `there is no team #${a.team}: /teams lists them` } }
    }
    case 'next':
    case 'prev': {
      const n = s.conversations.length
      if (n === 0) return s
      return reduceConversations(s, { type: 'switch', index: (s.current + (a.type === 'next' ? 1 : n - 1)) % n })
    }
    case 'scroll': {
      const scroll = Math.max(0, Math.min(a.max ?? Number.MAX_SAFE_INTEGER, s.scroll + a.lines))
      const c = currentConversation(s)
      const next = { ...s, scroll, newBelow: scroll === 0 ? 0 : s.newBelow }
      return scroll === 0 && c !== undefined ? withConversation(next, c.team, x => ({ ...x, unread: 0, mentions: 0 })) : next
    }
    case 'bottom':
      return reduceConversations(s, { type: 'scroll', lines: -s.scroll })
    case 'next-active': {
      const n = s.conversations.length
      const order = Array.from({ length: n }, (_, k) => (s.current + 1 + k) % n).filter(i => i !== s.current)
      const target = order.find(i => s.conversations[i]!.mentions > 0) ?? order.find(i => s.conversations[i]!.unread > 0)
      if (target === undefined) return withNotice(s, 'no other conversation has new messages')
      return reduceConversations(s, { type: 'switch', index: target })
    }
  }
}
