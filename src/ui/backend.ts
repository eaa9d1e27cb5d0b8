/**
 * What the terminal UI needs from a parley node, over the node's control socket: the same public
 * API bots use, so the UI works the same attached to a daemon or to a node it started itself.
 */
import { ControlClient } from '../control/client.js'
import type { ControlMethod, ControlResult, ParamsArgs, TypedControlEvent } from '../control/api.js'

/** The node, as the UI sees it: each method answers what its control method does (src/control/api.ts). */
export interface ChatBackend {
  info: () => Promise<ControlResult<'info'>>
  history: (team: string, options: { limit: number, before?: string }) => Promise<ControlResult<'history'>>
  /** `replyTo`: the id of the message this one replies to */
  send: (team: string, text: string, urgent?: boolean, replyTo?: string) => Promise<ControlResult<'send'>>
  sendDirect: (peerId: string, text: string) => Promise<ControlResult<'send.direct'>>
  directs: () => Promise<ControlResult<'directs'>>
  members: (team?: string) => Promise<ControlResult<'members'>>
  teams: () => Promise<ControlResult<'teams'>>
  peers: () => Promise<ControlResult<'peers'>>
  presence: () => Promise<ControlResult<'presence'>>
  setPresence: (status: string, text: string) => Promise<ControlResult<'presence.set'>>
  syncStatus: () => Promise<ControlResult<'sync-status'>>
  createOrg: (name: string) => Promise<ControlResult<'org.create'>>
  join: (token: string, name: string) => Promise<ControlResult<'join'>>
  invite: (teams: string[]) => Promise<ControlResult<'invite'>>
  search: (query: string, team?: string) => Promise<ControlResult<'search'>>
  /** any other method of the control API, typed by its entry in src/control/api.ts */
  call: <M extends ControlMethod>(method: M, ...params: ParamsArgs<M>) => Promise<ControlResult<M>>
  /** every event of the node, its payload typed by its name (ControlEvents in src/control/api.ts) */
  onEvent: (listener: (event: TypedControlEvent) => void) => void
  onClose: (listener: () => void) => void
  close: () => void
}

/** Connect to the node serving `dataDir` and subscribe to all its events. */
export async function connectBackend (dataDir: string): Promise<ChatBackend> {
  const c = await ControlClient.connect(dataDir)
  const backend: ChatBackend = {
    info: async () => c.request('info'),
    history: async (team, o) => c.request('history', o.before === undefined ? { team, limit: o.limit } : { team, limit: o.limit, before: o.before }),
    send: async (team, text, urgent, replyTo) => c.request('send', replyTo === undefined ? { team, text, urgent: urgent === true } : { team, text, urgent: urgent === true, replyTo }),
    sendDirect: async (peer, text) => c.request('send.direct', { peer, text }),
    directs: async () => c.request('directs'),
    members: async (team) => c.request('members', team === undefined ? {} : { team }),
    teams: async () => c.request('teams'),
    peers: async () => c.request('peers'),
    presence: async () => c.request('presence'),
    setPresence: async (status, text) => c.request('presence.set', { status, text }),
    syncStatus: async () => c.request('sync-status'),
    createOrg: async (name) => c.request('org.create', { name }),
    join: async (token, name) => c.request('join', { token, name }),
    invite: async (teams) => c.request('invite', { teams }),
    search: async (query, team) => c.request('search', team === undefined ? { query } : { query, team }),
    call: async (method, ...params) => c.request(method, ...params),
    onEvent: (listener) => { c.onEvent(listener) },
    onClose: (listener) => { c.onClose(listener) },
    close: () => { c.close() }
  }
  await c.request('subscribe', {})
  return backend
}
