/**
 * What the terminal UI needs from a parley node, over the node's control socket: the same public
 * API bots use, so the UI works the same attached to a daemon or to a node it started itself.
 */
import { ControlClient } from '../control/client.js'
import type { ControlEvent } from '../control/protocol.js'
import type { MessageView, PeerView, PresenceView } from '../events.js'
import type { HistoryResult, MemberView, NodeInfo, SyncStatus, TeamView } from '../node.js'
import type { DirectView } from './state.js'

/** The node, as the UI sees it. */
export interface ChatBackend {
  info: () => Promise<NodeInfo>
  history: (team: string, options: { limit: number, before?: string }) => Promise<HistoryResult>
  send: (team: string, text: string, urgent?: boolean) => Promise<MessageView>
  sendDirect: (peerId: string, text: string) => Promise<MessageView>
  directs: () => Promise<DirectView[]>
  members: (team?: string) => Promise<MemberView[]>
  teams: () => Promise<TeamView[]>
  peers: () => Promise<PeerView[]>
  presence: () => Promise<PresenceView[]>
  setPresence: (status: string, text: string) => Promise<PresenceView>
  syncStatus: () => Promise<SyncStatus[]>
  createOrg: (name: string) => Promise<NodeInfo>
  join: (token: string, name: string) => Promise<NodeInfo>
  invite: (teams: string[]) => Promise<{ token: string, expires: number }>
  search: (query: string, team?: string) => Promise<MessageView[]>
  call: <T>(method: string, params?: Record<string, unknown>) => Promise<T>
  onEvent: (listener: (event: ControlEvent) => void) => void
  onClose: (listener: () => void) => void
  close: () => void
}

/** Connect to the node serving `dataDir` and subscribe to all its events. */
export async function connectBackend (dataDir: string): Promise<ChatBackend> {
  const c = await ControlClient.connect(dataDir)
  const backend: ChatBackend = {
    info: async () => c.request<NodeInfo>('info'),
    history: async (team, o) => c.request<HistoryResult>('history', o.before === undefined ? { team, limit: o.limit } : { team, limit: o.limit, before: o.before }),
    send: async (team, text, urgent) => c.request<MessageView>('send', { team, text, urgent: urgent === true }),
    sendDirect: async (peer, text) => c.request<MessageView>('send.direct', { peer, text }),
    directs: async () => c.request<DirectView[]>('directs'),
    members: async (team) => c.request<MemberView[]>('members', team === undefined ? {} : { team }),
    teams: async () => c.request<TeamView[]>('teams'),
    peers: async () => c.request<PeerView[]>('peers'),
    presence: async () => c.request<PresenceView[]>('presence'),
    setPresence: async (status, text) => c.request<PresenceView>('presence.set', { status, text }),
    syncStatus: async () => c.request<SyncStatus[]>('sync-status'),
    createOrg: async (name) => c.request<NodeInfo>('org.create', { name }),
    join: async (token, name) => c.request<NodeInfo>('join', { token, name }),
    invite: async (teams) => c.request<{ token: string, expires: number }>('invite', { teams }),
    search: async (query, team) => c.request<MessageView[]>('search', team === undefined ? { query } : { query, team }),
    call: async <T>(method: string, params?: Record<string, unknown>) => c.request<T>(method, params),
    onEvent: (listener) => { c.onEvent(listener) },
    onClose: (listener) => { c.onClose(listener) },
    close: () => { c.close() }
  }
  await c.request('subscribe', {})
  return backend
}
