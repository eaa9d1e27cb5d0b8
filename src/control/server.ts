/**
 * Serves a ParleyNode on its control socket, for the CLI, scripts and bots.
 */
import { chmod, unlink } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { InvalidArgumentError, InviteError, ProtocolError, UnknownMethodError } from '../errors.js'
import { EVENT_NAMES } from '../events.js'
import { CONTROL_API_VERSION, LineSplitter, parseRequest, SOCKET_FILE } from './protocol.js'
import type { ControlEvent, ControlResponse } from './protocol.js'
import type { EventName } from '../events.js'
import type { ParleyNode } from '../node.js'
import type { Server, Socket } from 'node:net'

/** Unix socket paths are limited to about 108 bytes by the kernel. */
const MAX_SOCKET_PATH = 100

/** The control socket path of a data dir. */
export function socketPathOf (dataDir: string): string {
  return join(dataDir, SOCKET_FILE)
}

type Handler = (params: Record<string, unknown>, socket: Socket) => unknown

function optionalString (params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new InvalidArgumentError(`"${key}" must be a string`)
  return value
}

function requiredString (params: Record<string, unknown>, key: string): string {
  const value = optionalString(params, key)
  if (value === undefined) throw new InvalidArgumentError(`"${key}" is required`)
  return value
}

function optionalStrings (params: Record<string, unknown>, key: string): string[] | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) throw new InvalidArgumentError(`"${key}" must be a list of strings`)
  return value
}

function optionalInteger (params: Record<string, unknown>, key: string): number | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidArgumentError(`"${key}" must be a whole number`)
  return value
}

/** The control socket server of one node. */
export class ControlServer {
  private readonly node: ParleyNode
  readonly path: string
  private server?: Server
  private readonly sockets = new Set<Socket>()
  private readonly cleanups = new Map<Socket, Array<() => void>>()
  private readonly handlers: Record<string, Handler>

  constructor (node: ParleyNode) {
    this.node = node
    this.path = socketPathOf(node.dataDir)
    this.handlers = {
      info: () => ({ ...node.info(), api: CONTROL_API_VERSION }),
      send: async (p) => node.send(requiredString(p, 'team'), requiredString(p, 'text'), { urgent: p.urgent === true }),
      'send.direct': async (p) => node.sendDirect(requiredString(p, 'peer'), requiredString(p, 'text'), { urgent: p.urgent === true }),
      directs: async () => node.directs(),
      backup: async (p) => node.backup(requiredString(p, 'path')),
      export: async (p) => {
        const format = optionalString(p, 'format') ?? 'jsonl'
        if (format !== 'jsonl' && format !== 'csv') throw new InvalidArgumentError('format is jsonl or csv')
        const since = optionalInteger(p, 'since')
        const until = optionalInteger(p, 'until')
        return node.exportTeam(requiredString(p, 'team'), { format, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) })
      },
      search: async (p) => {
        const since = optionalInteger(p, 'since')
        const limit = optionalInteger(p, 'limit')
        const team = optionalString(p, 'team')
        const from = optionalString(p, 'from')
        return node.search(requiredString(p, 'query'), { ...(team !== undefined ? { team } : {}), ...(from !== undefined ? { from } : {}), ...(since !== undefined ? { since } : {}), ...(limit !== undefined ? { limit } : {}) })
      },
      presence: () => node.presence(),
      'presence.set': async (p) => node.setPresence(requiredString(p, 'status'), optionalString(p, 'text') ?? ''),
      history: async (p) => {
        const before = optionalString(p, 'before')
        const limit = optionalInteger(p, 'limit')
        return node.history(requiredString(p, 'team'), { ...(limit !== undefined ? { limit } : {}), ...(before !== undefined ? { before } : {}) })
      },
      peers: () => node.peers(),
      connectivity: () => node.connectivity(),
      teams: () => node.teams(),
      members: (p) => node.members(optionalString(p, 'team')),
      'sync-status': async () => node.syncStatus(),
      'org.create': async (p) => node.createOrg(requiredString(p, 'name')),
      invite: async (p) => {
        const expires = optionalString(p, 'expires')
        return node.invite({ teams: optionalStrings(p, 'teams') ?? [], ...(expires !== undefined ? { expires } : {}) })
      },
      join: async (p) => {
        const timeoutMs = optionalInteger(p, 'timeoutMs') ?? 600_000
        try {
          return await node.join(requiredString(p, 'token'), requiredString(p, 'name'), { signal: AbortSignal.timeout(timeoutMs) })
        } catch (e) {
          if ((e as Error).name === 'TimeoutError') throw new InviteError(`no admin of the organisation answered within ${Math.round(timeoutMs / 1000)} s; try again when one is online`)
          throw e
        }
      },
      'admin.add-admin': async (p) => { await node.addAdmin(requiredString(p, 'peer')); return node.members() },
      'admin.remove': async (p) => { await node.removeMember(requiredString(p, 'peer')); return node.members() },
      'team.create': async (p) => { await node.createTeam(requiredString(p, 'team'), optionalStrings(p, 'members') ?? []); return node.teams() },
      'team.add': async (p) => { await node.addToTeam(requiredString(p, 'team'), optionalStrings(p, 'members') ?? []); return node.members(requiredString(p, 'team')) },
      'team.remove': async (p) => { await node.removeFromTeam(requiredString(p, 'team'), requiredString(p, 'member')); return node.members(requiredString(p, 'team')) },
      'file.send': async (p) => {
        const name = optionalString(p, 'name')
        const options = { caption: optionalString(p, 'caption') ?? '', ...(name !== undefined ? { name } : {}) }
        const peer = optionalString(p, 'peer')
        return peer !== undefined
          ? node.sendFileDirect(peer, requiredString(p, 'path'), options)
          : node.sendFile(requiredString(p, 'team'), requiredString(p, 'path'), options)
      },
      'file.get': async (p, socket) => {
        // the client going away (Ctrl-C) cancels the release; the fetch itself carries on in the background
        const gone = new AbortController()
        const onClose = (): void => { gone.abort(new InvalidArgumentError('the client went away')) }
        socket.once('close', onClose)
        const out = optionalString(p, 'out')
        try {
          return await node.getFile(requiredString(p, 'id'), { signal: gone.signal, ...(out !== undefined ? { outDir: out } : {}) })
        } finally {
          // a chat asks for many files over one connection
          socket.off('close', onClose)
        }
      },
      'file.list': (p) => node.listFiles(optionalString(p, 'team')),
      'team.retention': async (p) => {
        const days = optionalInteger(p, 'days')
        const hold = p.hold === undefined ? undefined : p.hold === true
        const reason = optionalString(p, 'reason')
        return node.setRetention(requiredString(p, 'team'), { ...(days !== undefined ? { days } : {}), ...(hold !== undefined ? { hold } : {}), ...(reason !== undefined ? { reason } : {}) })
      },
      'file.info': (p) => node.fileInfo(requiredString(p, 'id')),
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
  }

  /** Close every connection and the socket. Safe to call twice. */
  async stop (): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    await unlink(this.path).catch(() => {}) // already gone is fine
  }

  private serve (socket: Socket): void {
    this.sockets.add(socket)
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
      for (const cleanup of this.cleanups.get(socket) ?? []) cleanup()
      this.cleanups.delete(socket)
    })
  }

  private async handle (line: string, socket: Socket): Promise<void> {
    let id: number | string | null = null
    try {
      const request = parseRequest(line)
      id = request.id
      const handler = this.handlers[request.method]
      if (handler === undefined) throw new UnknownMethodError(`unknown method ${JSON.stringify(request.method)}`)
      const result = await handler(request.params ?? {}, socket)
      this.write(socket, { id: request.id, result: result ?? null })
    } catch (err) {
      const e = err instanceof Error ? err : new ProtocolError(String(err))
      this.write(socket, { id, error: { name: e.name, message: e.message } })
    }
  }

  private subscribe (params: Record<string, unknown>, socket: Socket): { events: EventName[] } {
    const team = optionalString(params, 'team')
    const asked = params.events
    let events: EventName[] = [...EVENT_NAMES]
    if (asked !== undefined) {
      if (!Array.isArray(asked) || !asked.every((e): e is EventName => (EVENT_NAMES as readonly unknown[]).includes(e))) {
        throw new InvalidArgumentError(`"events" must be a list of: ${EVENT_NAMES.join(', ')}`)
      }
      events = asked
    }
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
