/**
 * Shared fixtures of the ui unit tests: messages, an office (Ann and Bob in #general and #dev), a
 * stub screen and a stub backend with every answer scripted and every call recorded.
 */
import { Chat } from '../../../src/ui/chat.js'
import { initialState, reduce } from '../../../src/ui/state.js'
import type { ChatBackend } from '../../../src/ui/backend.js'
import type { ChatOptions, ChatTerminal } from '../../../src/ui/chat.js'
import type { UiState } from '../../../src/ui/state.js'
import type { ControlMethod, MemberView, MessageView, NodeInfo, TeamView, TypedControlEvent } from '../../../src/index.js'

let lamport = 0
/** A message from Bob in #general, with `over` changed. */
export const msg = (over: Partial<MessageView> = {}): MessageView => ({
  id: `id${++lamport}`, team: 'general', author: 'peer-bob', authorName: 'Bob', seq: lamport, lamport, time: Date.now(),
  text: 'hi', urgent: false, local: false, readable: true, epoch: 1, ...over
})

export const INFO: NodeInfo = { peerId: 'peer-ann', name: 'Ann', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: true }, teams: ['dev', 'general'] }
export const TEAMS: TeamView[] = [
  { name: 'dev', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false },
  { name: 'general', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false },
  { name: 'hr', epoch: 1, members: 1, joined: false, retentionDays: 0, hold: false }
]
export const MEMBERS: MemberView[] = [
  { peerId: 'peer-ann', name: 'Ann', admin: true, online: true, teams: ['dev', 'general'] },
  { peerId: 'peer-bob', name: 'Bob', admin: false, online: true, teams: ['dev', 'general'] }
]

/** Ann's chat after the node answered: #general, then #dev. */
export function office (): UiState {
  return reduce(initialState(), { type: 'connected', info: INFO, teams: TEAMS, members: MEMBERS, presence: [] })
}

/** A screen that draws nothing and records what it was asked to do. */
export interface StubScreen extends ChatTerminal {
  draws: number
  bells: number
  written: string[]
  outsideLines?: string[]
  destroyed: boolean
  list: boolean
  members: boolean
}

export function stubScreen (): StubScreen {
  const s: StubScreen = {
    outside: false,
    draws: 0,
    bells: 0,
    written: [],
    destroyed: false,
    list: true,
    members: true,
    mainWidth: () => 60,
    mainHeight: () => 10,
    overlaySize: () => ({ width: 60, height: 8 }),
    listHidden: () => !s.list,
    membersHidden: () => !s.members,
    draw: () => { s.draws++ },
    flush: () => {},
    bell: () => { s.bells++ },
    write: (sequence) => { s.written.push(sequence) },
    realloc: () => {},
    showOutside: (lines) => { s.outside = true; s.outsideLines = lines },
    backInside: () => { s.outside = false },
    destroy: () => { s.destroyed = true }
  }
  return s
}

/** A backend whose answers are scripted: `calls` records each call, `emit` sends an event, `stop` closes it. */
export interface StubBackend extends ChatBackend {
  calls: Array<{ method: string, args: unknown[] }>
  emit: (event: TypedControlEvent) => void
  stop: () => void
  closed: boolean
}

export function stubBackend (over: Partial<ChatBackend> = {}): StubBackend {
  const eventListeners: Array<(e: TypedControlEvent) => void> = []
  const closeListeners: Array<() => void> = []
  const calls: StubBackend['calls'] = []
  const record = <A extends unknown[], R>(method: string, f: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    calls.push({ method, args })
    return f(...args)
  }
  const base: ChatBackend = {
    info: () => Promise.resolve({ ...INFO, api: 1 }),
    history: () => Promise.resolve({ messages: [] }),
    send: (team, text, urgent) => Promise.resolve(msg({ team, text, urgent: urgent === true, author: 'peer-ann', authorName: 'Ann', local: true, recipients: 1 })),
    sendDirect: (peer, text) => Promise.resolve(msg({ team: 'dm-bob', direct: peer, text, author: 'peer-ann', authorName: 'Ann', local: true })),
    directs: () => Promise.resolve([]),
    members: () => Promise.resolve(MEMBERS),
    teams: () => Promise.resolve(TEAMS),
    peers: () => Promise.resolve([{ peerId: 'peer-bob', addresses: [] }]),
    presence: () => Promise.resolve([]),
    setPresence: (status, text) => Promise.resolve({ peerId: 'peer-ann', status: status as 'available', text, since: Date.now() }),
    syncStatus: () => Promise.resolve([]),
    createOrg: () => Promise.resolve({ ...INFO }),
    join: () => Promise.resolve({ ...INFO }),
    invite: () => Promise.resolve({ token: 'TOKEN', expires: Date.now() + 60_000 }),
    search: () => Promise.resolve([]),
    // every other method: refused, unless `over` scripts it
    call: () => Promise.reject(new Error('not scripted')),
    onEvent: () => {},
    onClose: () => {},
    close: () => {}
  }
  const merged = { ...base, ...over }
  const b: StubBackend = {
    calls,
    closed: false,
    info: record('info', merged.info),
    history: record('history', merged.history),
    send: record('send', merged.send),
    sendDirect: record('sendDirect', merged.sendDirect),
    directs: record('directs', merged.directs),
    members: record('members', merged.members),
    teams: record('teams', merged.teams),
    peers: record('peers', merged.peers),
    presence: record('presence', merged.presence),
    setPresence: record('setPresence', merged.setPresence),
    syncStatus: record('syncStatus', merged.syncStatus),
    createOrg: record('createOrg', merged.createOrg),
    join: record('join', merged.join),
    invite: record('invite', merged.invite),
    search: record('search', merged.search),
    call: (async (method: ControlMethod, ...params: unknown[]) => {
      calls.push({ method, args: params })
      return (merged.call as (m: ControlMethod, ...p: unknown[]) => Promise<unknown>)(method, ...params)
    }) as ChatBackend['call'],
    onEvent: (l) => { eventListeners.push(l) },
    onClose: (l) => { closeListeners.push(l) },
    close: () => { b.closed = true },
    emit: (e) => { for (const l of eventListeners) l(e) },
    stop: () => { for (const l of closeListeners) l() }
  }
  return b
}

/** Wait until `done()` holds (what a command started may wait on the disk), at most `ms`. */
export async function waitUntil (done: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** Wait for the promises a handler started (`void p.then(...)`) to settle. */
export async function settle (): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise(resolve => setImmediate(resolve))
}

/** A chat on a stub screen and backend, after its first load from the node. */
export async function startChat (over: Partial<ChatBackend> = {}, options: ChatOptions = {}): Promise<{ chat: Chat, backend: StubBackend, screen: StubScreen }> {
  const backend = stubBackend(over)
  const screen = stubScreen()
  const chat = new Chat(backend, screen, options)
  chat.node.attach(backend)
  await chat.node.start()
  return { chat, backend, screen }
}

/** Type `line` into the chat's input and press Enter; wait for what it started. */
export async function typeLine (chat: Chat, line: string): Promise<void> {
  chat.dispatch({ type: 'input', text: line })
  chat.submit()
  await settle()
}
