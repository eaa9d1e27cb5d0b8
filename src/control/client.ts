/**
 * A client of a node's control socket, used by the CLI and by bots.
 */
import { connect } from 'node:net'
import { errorClasses, NodeNotRunningError, ProtocolError } from '../errors.js'
import { LineSplitter, MAX_RESPONSE_BYTES } from './protocol.js'
import { socketPathOf } from './server.js'
import { parleyLogger } from '../log.js'
import type { ControlMethod, ControlResult, ParamsArgs, TypedControlEvent } from './api.js'
import type { ControlEvent, ControlResponse } from './protocol.js'
import type { Socket } from 'node:net'

const log = parleyLogger('control:client')

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

/** Rebuild an error sent by the server as an instance of the same class, when we know it. */
function toError (body: { name: string, message: string }): Error {
  const Cls = (errorClasses as Record<string, new (message: string) => Error>)[body.name]
  const err = Cls !== undefined ? new Cls(body.message) : new Error(body.message)
  if (Cls === undefined) err.name = body.name
  return err
}

/** One connection to a node's control socket. */
export class ControlClient {
  private readonly socket: Socket
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private readonly eventListeners = new Set<(event: TypedControlEvent) => void>()
  private closedError?: Error
  private closeListeners = new Set<() => void>()

  private constructor (socket: Socket) {
    this.socket = socket
    const lines = new LineSplitter(MAX_RESPONSE_BYTES)
    socket.on('data', (chunk: Buffer) => {
      let received: string[]
      try {
        received = lines.push(chunk)
      } catch (err) {
        this.fail(err as Error)
        return
      }
      for (const line of received) this.onLine(line)
    })
    socket.on('error', (err) => { this.fail(err) })
    socket.on('close', () => { this.fail(new NodeNotRunningError('the node closed the control connection')) })
  }

  /** Connect to the node serving `dataDir`. Throws NodeNotRunningError if there is none. */
  static async connect (dataDir: string): Promise<ControlClient> {
    const path = socketPathOf(dataDir)
    log('connecting to %s', path)
    const socket = connect(path)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
          reject(new NodeNotRunningError(`no parley node is running for ${dataDir} (start one with: parley daemon --data ${dataDir})`))
        } else {
          reject(err)
        }
      })
    })
    socket.removeAllListeners('error')
    return new ControlClient(socket)
  }

  /**
   * Call a method and wait for its result; a server-side error is rethrown with its class.
   * Params may be left out for a method whose params are all optional.
   */
  async request<M extends ControlMethod> (method: M, ...params: ParamsArgs<M>): Promise<ControlResult<M>> {
    const [p] = params
    // the server answers M with M's result (src/control/api.ts); the JSON is not checked again here
    return this.requestRaw(method, p) as Promise<ControlResult<M>>
  }

  /**
   * Call any method with any params, unchecked. For tests that send what the typed `request` will
   * not compile (an unknown method, a param of the wrong type) to see the server refuse it, and for
   * plain-JavaScript bots; everything else uses `request`.
   */
  async requestRaw (method: string, params?: Record<string, unknown>): Promise<unknown> {
    if (this.closedError !== undefined) throw this.closedError
    const id = this.nextId++
    const result = new Promise<unknown>((resolve, reject) => { this.pending.set(id, { resolve, reject }) })
    this.socket.write(JSON.stringify(params === undefined ? { id, method } : { id, method, params }) + '\n')
    return result
  }

  /** Receive the events of a subscription; narrowing on `event.event` types `event.data`. */
  onEvent (listener: (event: TypedControlEvent) => void): void {
    this.eventListeners.add(listener)
  }

  /** Called once when the connection ends. */
  onClose (listener: () => void): void {
    this.closeListeners.add(listener)
  }

  /** Close the connection. Safe to call twice. */
  close (): void {
    this.socket.end()
    this.socket.destroy()
  }

  private onLine (line: string): void {
    if (line.trim() === '') return
    let message: ControlResponse | ControlEvent
    try {
      message = JSON.parse(line) as ControlResponse | ControlEvent
    } catch {
      this.fail(new ProtocolError('the node sent a line that is not JSON'))
      return
    }
    if ('event' in message) {
      // the node sends only the events of api.ts, each with its own payload
      const event = message as TypedControlEvent
      for (const listener of this.eventListeners) listener(event)
      return
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined
    if (pending === undefined) return
    this.pending.delete(message.id as number)
    if ('error' in message) pending.reject(toError(message.error))
    else pending.resolve(message.result)
  }

  private fail (err: Error): void {
    if (this.closedError !== undefined) return
    this.closedError = err
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
    this.socket.destroy()
    for (const listener of this.closeListeners) listener()
  }
}
