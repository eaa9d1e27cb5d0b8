/**
 * The runner's end of the control channel (see protocol.ts): a unix socket server that agents
 * connect to, and one link per agent to send commands and wait for reports with a time limit.
 */
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { AgentFailedError, BenchTimeoutError } from './errors.js'
import { decodeReport, encodeLine } from './protocol.js'
import type { Command, Report, ReportType } from './protocol.js'
import type { Server, Socket } from 'node:net'

type ReportOf<T extends ReportType> = Extract<Report, { type: T }>

interface Waiter {
  matches: (report: Report) => boolean
  resolve: (report: Report) => void
  reject: (err: Error) => void
}

/** The runner's link to one agent. */
export class AgentLink {
  readonly host: number
  /** the agent's process id, from its hello: the runner reads its CPU time and memory from /proc */
  readonly pid: number
  /** warnings the agent reported, in order */
  readonly warnings: string[] = []
  /** more context for error messages, e.g. the tail of the agent's stderr */
  describe: () => string = () => ''
  private readonly socket: Socket
  private readonly inbox: Report[] = []
  private readonly waiters = new Set<Waiter>()
  private failure?: Error

  constructor (host: number, socket: Socket, pid: number) {
    this.host = host
    this.socket = socket
    this.pid = pid
  }

  /** Send a command; a link that has failed ignores it (its waiters have been told). */
  send (command: Command): void {
    if (this.failure === undefined && !this.socket.destroyed) this.socket.write(encodeLine(command))
  }

  /** The next report of `type` (that `match` accepts), waiting at most `timeoutMs`. */
  async next<T extends ReportType> (type: T, timeoutMs: number, match: (report: ReportOf<T>) => boolean = () => true): Promise<ReportOf<T>> {
    const matches = (r: Report): boolean => r.type === type && match(r as ReportOf<T>)
    const queued = this.inbox.findIndex(matches)
    if (queued !== -1) return this.inbox.splice(queued, 1)[0] as ReportOf<T>
    if (this.failure !== undefined) throw this.failure
    return new Promise<ReportOf<T>>((resolve, reject) => {
      const waiter: Waiter = {
        matches,
        resolve: (r) => { clearTimeout(timer); this.waiters.delete(waiter); resolve(r as ReportOf<T>) },
        reject: (err) => { clearTimeout(timer); this.waiters.delete(waiter); reject(err) }
      }
      const timer = setTimeout(() => {
        waiter.reject(new BenchTimeoutError(`host ${this.host}: no "${type}" report within ${timeoutMs} ms${this.context()}`))
      }, Math.max(0, timeoutMs))
      this.waiters.add(waiter)
    })
  }

  /** Called by the server for each report from this agent. */
  deliver (report: Report): void {
    if (report.type === 'warning') {
      this.warnings.push(report.message)
      return
    }
    if (report.type === 'error') {
      this.fail(new AgentFailedError(`host ${this.host}: ${report.message}${this.context()}`))
      return
    }
    for (const waiter of this.waiters) {
      if (waiter.matches(report)) {
        waiter.resolve(report)
        return
      }
    }
    this.inbox.push(report)
  }

  /** Reject every waiter, now and later. */
  fail (err: Error): void {
    if (this.failure !== undefined) return
    this.failure = err
    for (const waiter of [...this.waiters]) waiter.reject(err)
  }

  private context (): string {
    const more = this.describe()
    return more === '' ? '' : `\n${more}`
  }
}

/** A unix socket server for agents; each says hello with its host number first. */
export class ControlServer {
  readonly path: string
  private readonly server: Server
  private readonly links = new Map<number, AgentLink>()
  private readonly arrivals = new Map<number, (link: AgentLink) => void>()
  private readonly sockets = new Set<Socket>()

  private constructor (path: string, server: Server) {
    this.path = path
    this.server = server
    server.on('connection', (socket) => { this.accept(socket) })
  }

  /** Listen on a unix socket at `path` (which must not exist). */
  static async listen (path: string): Promise<ControlServer> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => { server.off('error', reject); resolve() })
    })
    return new ControlServer(path, server)
  }

  private accept (socket: Socket): void {
    this.sockets.add(socket)
    let link: AgentLink | undefined
    socket.on('error', () => {
      // 'close' follows and fails the link
    })
    socket.on('close', () => {
      this.sockets.delete(socket)
      link?.fail(new AgentFailedError(`host ${link.host}: the agent closed its control channel${link.describe() === '' ? '' : '\n' + link.describe()}`))
    })
    const lines = createInterface({ input: socket })
    // readline re-emits the socket's errors (ECONNRESET when an agent dies): 'close' above reports it
    lines.on('error', () => {})
    lines.on('line', (line) => {
      let report: Report
      try {
        report = decodeReport(line)
      } catch (err) {
        const failure = new AgentFailedError(`bad control line: ${(err as Error).message}`)
        if (link === undefined) socket.destroy(failure)
        else link.fail(failure)
        return
      }
      if (link !== undefined) {
        link.deliver(report)
        return
      }
      if (report.type !== 'hello') {
        socket.destroy()
        return
      }
      link = new AgentLink(report.host, socket, report.pid)
      this.links.set(report.host, link)
      this.arrivals.get(report.host)?.(link)
    })
  }

  /** The link of the agent on `host`, once it has connected and said hello. */
  async agent (host: number, timeoutMs: number, describe: () => string = () => ''): Promise<AgentLink> {
    const known = this.links.get(host)
    if (known !== undefined) {
      known.describe = describe
      return known
    }
    return new Promise<AgentLink>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.arrivals.delete(host)
        const more = describe()
        reject(new BenchTimeoutError(`host ${host}: the agent did not connect within ${timeoutMs} ms${more === '' ? '' : '\n' + more}`))
      }, timeoutMs)
      this.arrivals.set(host, (link) => {
        clearTimeout(timer)
        this.arrivals.delete(host)
        link.describe = describe
        resolve(link)
      })
    })
  }

  /** Forget the agent of `host` (it has stopped), so a new one can take its place. */
  forget (host: number): void {
    this.links.delete(host)
  }

  /** Close every agent connection and the server. Safe to call twice. */
  async close (): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    if (!this.server.listening) return
    await new Promise<void>(resolve => { this.server.close(() => { resolve() }) })
  }
}
