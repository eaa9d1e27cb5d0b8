/**
 * The state of the terminal UI, every action it can go through, and the one function that changes
 * it. Pure: no I/O, no terminal, so every behaviour is unit-tested without a screen. Each concern's
 * actions and reducer are in state/: the conversation list (conversations.ts), their lines
 * (timeline.ts), members and presence (presence.ts), the bell and held messages (notifications.ts),
 * file transfers (files.ts), the input line (input.ts), the status line, overlay and panes (screen.ts),
 * threads and how replies are shown (threads.ts), choosing a message and what the input line is
 * for — a reply, an edit, a reaction (selection.ts).
 */
import type { DirectConversation, FileProgress, MemberView, MessageView, PresenceView, TeamView } from '../index.js'
import { reduceConversations } from './state/conversations.js'
import type { ConversationAction } from './state/conversations.js'
import { reduceFiles } from './state/files.js'
import type { FileAction } from './state/files.js'
import { reduceInput } from './state/input.js'
import type { InputAction } from './state/input.js'
import { reducePresence } from './state/presence.js'
import type { PresenceAction } from './state/presence.js'
import { reduceScreen } from './state/screen.js'
import type { ScreenAction } from './state/screen.js'
import { reduceSelection } from './state/selection.js'
import type { SelectionAction } from './state/selection.js'
import { reduceThreads } from './state/threads.js'
import type { ThreadAction } from './state/threads.js'
import { reduceTimeline } from './state/timeline.js'
import type { TimelineAction } from './state/timeline.js'

export { conversationLabel, currentConversation, findMessage, mentionable, mentionsMe, shownMessages } from './state/selectors.js'
export { whatHappened } from './state/org-changes.js'

export type PresenceStatus = PresenceView['status']

/** A direct conversation with one person. */
export type DirectView = DirectConversation

/** A message with its delivery state: written here and waiting, stored, or handed to peers. */
export interface ChatMessage extends MessageView {
  state: 'sending' | 'sent' | 'synced' | 'failed'
  /** replies from others that arrived since this chat last showed this message's thread */
  newReplies?: number
}

/** What the next Enter does with the input line, besides sending it: reply, edit or react to a message. */
export type Compose =
  /** send it as a reply to `id` (by `to`, whose first words `quote` are) */
  | { kind: 'reply', team: string, id: string, to: string, quote: string }
  /** replace the text of `id`, one of this user's messages */
  | { kind: 'edit', team: string, id: string }
  /** react to `id` with the emoji typed (or one of the quick ones, by its number) */
  | { kind: 'react', team: string, id: string }

/** A thread shown in place of its conversation: the message replied to and its replies, oldest first. */
export interface ThreadView {
  team: string
  root: ChatMessage
  replies: ChatMessage[]
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
  /** replies shown in the conversation where they fall (inline), or only in their thread (collapsed) */
  threads: 'inline' | 'collapsed'
  /** selection mode: the message chosen (by id) in what the conversation pane shows */
  selected?: string
  /** the thread shown in place of the conversation, until Esc */
  thread?: ThreadView
  /** what the input line is for, when it is not a new message */
  compose?: Compose
}

/** Every change the UI can go through: the actions of each concern. */
export type Action = ConversationAction | TimelineAction | PresenceAction | FileAction | InputAction | ScreenAction | ThreadAction | SelectionAction

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
    setupLines: [],
    threads: 'inline'
  }
}


/** Apply one action: its concern's reducer does. */
export function reduce (s: UiState, a: Action): UiState {
  switch (a.type) {
    case 'connected':
    case 'open-direct':
    case 'teams':
    case 'switch':
    case 'switch-team':
    case 'next':
    case 'prev':
    case 'scroll':
    case 'bottom':
    case 'next-active':
      return reduceConversations(s, a)
    case 'history':
    case 'message':
    case 'forked':
    case 'sending':
    case 'sent':
    case 'send-failed':
    case 'system':
    case 'happened':
    case 'replaced':
      return reduceTimeline(s, a)
    case 'thread-open':
    case 'thread-close':
    case 'threads-mode':
      return reduceThreads(s, a)
    case 'select':
    case 'select-move':
    case 'select-end':
    case 'compose':
    case 'compose-end':
    case 'edit-last':
      return reduceSelection(s, a)
    case 'members':
    case 'presence':
      return reducePresence(s, a)
    case 'file-progress':
    case 'file-done':
      return reduceFiles(s, a)
    case 'input':
    case 'edit':
    case 'paste':
    case 'input-history':
    case 'submitted':
      return reduceInput(s, a)
    case 'peers':
    case 'synced':
    case 'error':
    case 'notice':
    case 'overlay':
    case 'overlay-scroll':
    case 'close-overlay':
    case 'confirm':
    case 'confirmed':
    case 'toggle-pane':
    case 'reset-panes':
      return reduceScreen(s, a)
  }
}
