/**
 * Serves a ParleyNode on its control socket, for the CLI, scripts and bots.
 */
import { chmod, unlink } from 'node:fs/promises'
import { createServer } from 'node:net'
import { InvalidArgumentError, InviteError, ProtocolError } from '../errors.js'
import { controlMethod, parseParams } from './api.js'
import { EVENT_NAMES } from '../events.js'
import { CONTROL_API_VERSION, LineSplitter, parseRequest } from './protocol.js'
import { parleyLogger } from '../log.js'
import { socketPathOf } from '../paths.js'
import type { ControlMethod, ControlParams, ControlResult } from './api.js'
import type { ControlEvent, ControlResponse } from './protocol.js'
import type { EventName } from '../events.js'
import type { ParleyNode } from '../node.js'
import type { Server, Socket } from 'node:net'

const log = parleyLogger('control')

/** Unix socket paths are limited to about 108 bytes by the kernel. */
const MAX_SOCKET_PATH = 100

export { socketPathOf } from '../paths.js'

/** How the server answers one method: its params already checked against the schema in api.ts. */
export type Handler<M extends ControlMethod> = (params: ControlParams<M>, socket: Socket) => ControlResult<M> | Promise<ControlResult<M>>

/** A handler for every method of the API, each typed against its own entry. */
export type Handlers = { readonly [M in ControlMethod]: Handler<M> }

/** The control socket server of one node. */
export class ControlServer {
  private readonly node: ParleyNode
  readonly path: string
  private server?: Server
  private readonly sockets = new Set<Socket>()
  private readonly cleanups = new Map<Socket, Array<() => void>>()
  private readonly handlers: Handlers

  constructor (node: ParleyNode) {
    this.node = node
    this.path = socketPathOf(node.dataDir)
    this.handlers = {
      info: () => ({ ...node.info(), api: CONTROL_API_VERSION }),
      send: async (p) => node.send(p.team, p.text, { urgent: p.urgent === true, ...(p.replyTo !== undefined ? { replyTo: p.replyTo } : {}) }),
      'send.direct': async (p) => node.sendDirect(p.peer, p.text, { urgent: p.urgent === true, ...(p.replyTo !== undefined ? { replyTo: p.replyTo } : {}) }),
      'message.edit': async (p) => node.editMessage(p.id, p.text),
      'message.delete': async (p) => node.deleteMessage(p.id),
      'message.react': async (p) => node.react(p.id, p.emoji, { remove: p.remove === true }),
      thread: async (p) => node.thread(p.id),
      directs: async () => node.directs(),
      backup: async (p) => node.backup(p.path),
      export: async ({ team, format, ...range }) => node.exportTeam(team, { format: format ?? 'jsonl', ...range }),
      search: async ({ query, ...options }) => node.search(query, options),
      presence: () => node.presence(),
      'presence.set': async (p) => node.setPresence(p.status, p.text ?? ''),
      history: async ({ team, ...options }) => node.history(team, options),
      peers: () => node.peers(),
      connectivity: () => node.connectivity(),
      teams: () => node.teams(),
      members: (p) => node.members(p.team),
      'sync-status': async () => node.syncStatus(),
      'org.create': async (p) => node.createOrg(p.name),
      invite: async ({ teams, ...options }) => node.invite({ teams: teams ?? [], ...options }),
      join: async (p) => {
        const timeoutMs = p.timeoutMs ?? 600_000
        try {
          return await node.join(p.token, p.name, { signal: AbortSignal.timeout(timeoutMs) })
        } catch (e) {
          if ((e as Error).name === 'TimeoutError') throw new InviteError(`no admin of the organisation answered within ${Math.round(timeoutMs / 1000)} s; try again when one is online`)
          throw e
        }
      },
      'policy.set': async (p) => node.setPolicy(p.text, { everySession: p.everySession === true }),
      'policy.accept': async (p) => node.acceptPolicy(p.version),
      'policy.status': () => node.policyStatus(),
      'policy.session': () => node.beginPolicySession(),
      'admin.rename': async (p) => node.renameMember(p.peer, p.name),
      'admin.approve': async (p) => node.approveRename(p.peer),
      rename: async (p) => node.requestRename(p.name),
      'rename.requests': () => node.renameRequests(),
      'admin.add-admin': async (p) => { await node.addAdmin(p.peer); return node.members() },
      'admin.remove': async (p) => { await node.removeMember(p.peer); return node.members() },
      'team.create': async (p) => { await node.createTeam(p.team, p.members ?? []); return node.teams() },
      'team.add': async (p) => { await node.addToTeam(p.team, p.members ?? []); return node.members(p.team) },
      'team.remove': async (p) => { await node.removeFromTeam(p.team, p.member); return node.members(p.team) },
      'file.send': async ({ peer, team, path, caption, name }) => {
        const options = { caption: caption ?? '', ...(name !== undefined ? { name } : {}) }
        if (peer !== undefined) return node.sendFileDirect(peer, path, options)
        // the schema requires a team whenever no peer is given
        if (team === undefined) throw new InvalidArgumentError('"team" is required')
        return node.sendFile(team, path, options)
      },
      'file.get': async (p, socket) => {
        // the client going away (Ctrl-C) cancels the release; the fetch itself carries on in the background
        const gone = new AbortController()
        const onClose = (): void => { gone.abort(new InvalidArgumentError('the client went away')) }
        socket.once('close', onClose)
        try {
          return await node.getFile(p.id, { signal: gone.signal, ...(p.out !== undefined ? { outDir: p.out } : {}) })
        } finally {
          // a chat asks for many files over one connection
          socket.off('close', onClose)
        }
      },
      'file.list': (p) => node.listFiles(p.team),
      'team.retention': async ({ team, ...change }) => node.setRetention(team, change),
      'file.info': (p) => node.fileInfo(p.id),
      'admin.suspend': async (p) => { await node.suspendMember(p.peer, p.reason ?? ''); return node.members() },
      'admin.resume': async (p) => { await node.resumeMember(p.peer); return node.members() },
      'invite.list': () => node.invites(),
      'invite.revoke': async (p) => node.revokeInvite(p.id),
      'team.create-announce': async (p) => { await node.createAnnounceTeam(p.team, p.members ?? []); return node.teams() },
      'team.posters': async (p) => node.setTeamPosters(p.team, p.posters ?? []),
      'org.log': () => node.orgLog(),
      'org.export': async ({ format, ...range }) => node.exportOrg({ format: format ?? 'jsonl', ...range }),
      subscribe: (p, socket) => this.subscribe(p, socket)
    }
  }

  /** Listen on the socket (owner-only). The caller holds the data dir lock, so a leftover socket is stale. */
  async start (): Promise<void> {
    if (Buffer.byteLength(this.path) > MAX_SOCKET_PATH) {
      throw new InvalidArgumentError(`data dir path is too long for a control socket (${this.path}); use a shorter --data`)
    }
    await unlink(this.path).catch(() => {}) // absent, or left by a process that was killed
    const server = createServer((socket) => { this.serve(socket) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.path, () => { server.off('error', reject); resolve() })
    })
    await chmod(this.path, 0o600)
    this.server = server
    log('listening on %s', this.path)
  }

  /** Close every connection and the socket. Safe to call twice. */
  async stop (): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    await unlink(this.path).catch(() => {}) // already gone is fine
    log('stopped listening on %s', this.path)
  }

  private serve (socket: Socket): void {
    this.sockets.add(socket)
    log('client connected (%d open)', this.sockets.size)
    const lines = new LineSplitter()
    socket.on('data', (chunk: Buffer) => {
      let received: string[]
      try {
        received = lines.push(chunk)
      } catch (err) {
        this.write(socket, { id: null, error: { name: (err as Error).name, message: (err as Error).message } })
        socket.end()
        return
      }
      for (const line of received) {
        if (line.trim() === '') continue
        void this.handle(line, socket)
      }
    })
    socket.on('error', () => {}) // a client that vanishes mid-write is not our error
    socket.on('close', () => {
      this.sockets.delete(socket)
      log('client gone (%d open)', this.sockets.size)
      for (const cleanup of this.cleanups.get(socket) ?? []) cleanup()
      this.cleanups.delete(socket)
    })
  }

  private async handle (line: string, socket: Socket): Promise<void> {
    let id: number | string | null = null
    try {
      const request = parseRequest(line)
      id = request.id
      log.trace('request %s %s', request.id, request.method)
      const result = await this.dispatch(request.method, request.params ?? {}, socket)
      this.write(socket, { id: request.id, result: result ?? null })
    } catch (err) {
      const e = err instanceof Error ? err : new ProtocolError(String(err))
      log('request %s failed: %s: %s', id, e.name, e.message)
      this.write(socket, { id, error: { name: e.name, message: e.message } })
    }
  }

  /** Check the params of `method` against the schema and run its handler. */
  private async dispatch (method: string, raw: Record<string, unknown>, socket: Socket): Promise<unknown> {
    const m = controlMethod(method)
    return this.run(m, parseParams(m, raw), socket)
  }

  private async run<M extends ControlMethod> (method: M, params: ControlParams<M>, socket: Socket): Promise<ControlResult<M>> {
    const handler: Handler<M> = this.handlers[method]
    return handler(params, socket)
  }

  private subscribe (params: ControlParams<'subscribe'>, socket: Socket): ControlResult<'subscribe'> {
    const team = params.team
    const events: EventName[] = params.events ?? [...EVENT_NAMES]
    const list = this.cleanups.get(socket) ?? []
    for (const name of events) {
      const listener = (evt: CustomEvent<unknown>): void => {
        const data = evt.detail as { team?: string }
        if (team !== undefined && typeof data.team === 'string' && data.team !== team) return
        this.write(socket, { event: name, data })
      }
      this.node.addEventListener(name, listener)
      list.push(() => { this.node.removeEventListener(name, listener) })
    }
    this.cleanups.set(socket, list)
    return { events }
  }

  private write (socket: Socket, message: ControlResponse | ControlEvent): void {
    if (!socket.writable) return
    socket.write(JSON.stringify(message) + '\n')
  }
}
