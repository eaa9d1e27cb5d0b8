/**
 * The control channel of the swarm agent (bench/swarm-agent.ts), used by the scale and soak
 * benchmarks: the same JSON lines over the same unix socket as protocol.ts, with the commands a swarm
 * of mDNS nodes needs (many senders, many teams, traffic that runs by itself, memory samples, history
 * counts). The runner's end is bench/control-server.ts; `SwarmLink` gives its links these types.
 */
import type { AgentLink } from './control-server.js'
import type { Command, ReportType } from './protocol.js'

/** Runner → swarm agent. Times (`firstAt`, `untilAt`) are on the shared clock, see `clockMs`. */
export type SwarmCommand =
  | { cmd: 'clock' }
  /** answered by `peers-ready` once the node has at least `peers` connected peers, or after `limitMs` with `reached: false` */
  | { cmd: 'await-peers', peers: number, limitMs: number }
  /** found an org (it has team `general`) and make `invites` invite tokens; answered by `invites` */
  | { cmd: 'found-org', invites: number }
  /** join the org of `token` within `limitMs`; answered by `joined` */
  | { cmd: 'join', token: string, limitMs: number }
  /** admin: create each team with this admin and `members` (peer ids) in it; answered by `teams-created` */
  | { cmd: 'create-teams', teams: string[], members: string[] }
  /**
   * answered by `ready` once, in every one of `teams`, this node knows at least `members` members and
   * is connected to at least `teamPeers` subscribers, or after `limitMs` with `reached: false`
   */
  | { cmd: 'await-ready', teams: string[], members: number, teamPeers: number, limitMs: number }
  /**
   * send `count` messages to `team` under `phase`, message i at `firstAt + i * intervalMs`, none begun
   * after `untilAt` (a starved node falls behind its schedule); answered by `sent`
   */
  | { cmd: 'send', team: string, phase: string, count: number, firstAt: number, intervalMs: number, untilAt: number }
  /**
   * send to `teams` in turn, one message every `intervalMs`, until `untilAt` or `stop-traffic`, at most
   * `maxMessages`; answered by `traffic-stopped` when it ends
   */
  | { cmd: 'traffic', teams: string[], intervalMs: number, untilAt: number, maxMessages: number }
  | { cmd: 'stop-traffic' }
  /** how many distinct messages of each phase arrived; answered by `progress` */
  | { cmd: 'progress' }
  /** what arrived, with latencies; answered by `collected` */
  | { cmd: 'collect' }
  /** memory and descriptors now (after a full GC if `gc` and the agent runs with --expose-gc); answered by `sample` */
  | { cmd: 'sample', gc: boolean }
  /** what the log holds of each team the node is in; answered by `history` */
  | { cmd: 'history' }
  | { cmd: 'stop' }

/** What one receiver got of one phase. */
export interface PhaseReceipt {
  count: number
  duplicates: number
  /** receive time minus send time, ms, in arrival order */
  latenciesMs: number[]
  /** the send time of each, shared clock rounded to ms, in the same order */
  sentAt: number[]
}

/** Swarm agent → runner. */
export type SwarmReport =
  | { type: 'hello', host: number, pid: number }
  | { type: 'listening', peerId: string, addresses: string[] }
  /** `at`: when it was reached, or when the agent gave up */
  | { type: 'peers-ready', reached: boolean, connected: number, at: number }
  | { type: 'invites', org: string, tokens: string[] }
  | { type: 'joined', org: string, teams: string[] }
  | { type: 'teams-created', teams: string[] }
  /** `members` and `teamPeers` are the smallest over the teams asked about; `at` as for `peers-ready` */
  | { type: 'ready', reached: boolean, at: number, members: number, teamPeers: number, peers: number }
  | { type: 'clock', now: number }
  /**
   * `count` sent of `planned` (`failed` threw); `sendMs`: how long each `send()` took (durable append,
   * then publish), in order. A send still hanging when the report goes is not counted.
   */
  | { type: 'sent', phase: string, count: number, planned: number, failed: number, firstSendAt: number, lastSendAt: number, sendMs: number[] }
  /** `sent` counts messages per team; `failed` sends that threw */
  | { type: 'traffic-stopped', sent: Record<string, number>, failed: number }
  | { type: 'progress', received: Record<string, number> }
  | { type: 'collected', phases: Record<string, PhaseReceipt> }
  | SampleReport
  | HistoryReport
  | { type: 'warning', message: string }
  | { type: 'error', message: string }
  | { type: 'stopped' }

export interface SampleReport {
  type: 'sample'
  at: number
  heapUsedBytes: number
  rssBytes: number
  /** entries in /proc/self/fd */
  fds: number
  /** connected peers */
  peers: number
  /** entries stored by history sync since the process started */
  backfilled: number
  /** how late the event loop ran timers since the last sample (CPU starvation shows here), ms */
  loopDelayMs: { p50: number, p99: number, max: number }
}

export interface HistoryReport {
  type: 'history'
  peerId: string
  /** per team: entries held, and per author the end of the unbroken run held */
  teams: Record<string, { entries: number, heads: Record<string, number> }>
}

export type SwarmReportType = SwarmReport['type']
export type SwarmReportOf<T extends SwarmReportType> = Extract<SwarmReport, { type: T }>

/**
 * A control-server link that speaks the swarm protocol. The server and its links are typed for the
 * delivery agent's protocol; the wire (JSON lines with `cmd` / `type`) is the same, so this only
 * re-types what goes through. The link's special reports (`warning`, `error`, `hello`) have the same
 * shape in both protocols.
 */
export class SwarmLink {
  constructor (readonly link: AgentLink) {}

  get host (): number {
    return this.link.host
  }

  get warnings (): string[] {
    return this.link.warnings
  }

  send (command: SwarmCommand): void {
    // the same wire format; see the class comment
    this.link.send(command as unknown as Command)
  }

  /** The next report of `type` (that `match` accepts), waiting at most `timeoutMs`. */
  async next<T extends SwarmReportType> (type: T, timeoutMs: number, match: (report: SwarmReportOf<T>) => boolean = () => true): Promise<SwarmReportOf<T>> {
    // the same wire format; see the class comment
    const report = await this.link.next(type as unknown as ReportType, timeoutMs, r => match(r as unknown as SwarmReportOf<T>))
    return report as unknown as SwarmReportOf<T>
  }

  /** Send `command` and wait for its answer of `type`. */
  async ask<T extends SwarmReportType> (command: SwarmCommand, type: T, timeoutMs: number): Promise<SwarmReportOf<T>> {
    const answer = this.next(type, timeoutMs)
    this.send(command)
    return answer
  }
}

/** One JSON line, agent side. */
export function encodeSwarmLine (message: SwarmReport): string {
  return JSON.stringify(message) + '\n'
}

/** Parse a line from the runner; throws on anything that is not a command. */
export function decodeSwarmCommand (line: string): SwarmCommand {
  const value = JSON.parse(line) as unknown
  if (typeof value !== 'object' || value === null || typeof (value as { cmd?: unknown }).cmd !== 'string') {
    throw new TypeError(`not a command: ${line.slice(0, 200)}`)
  }
  return value as SwarmCommand
}
