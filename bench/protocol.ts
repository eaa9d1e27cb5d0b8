/**
 * The control channel between the bench runner and its agents, and the bench payload: every
 * encoding the benchmarks use lives here.
 *
 * The channel is JSON lines over a unix socket that the runner listens on. A pathname unix socket lives
 * in the file system, so agents inside network-namespace hosts reach the runner in the root namespace
 * without any network traffic, and the network between the hosts carries only what is measured.
 */

/** Which stack an agent runs: a full parley node, or bare gossipsub on the same libp2p stack. */
export type Mode = 'parley' | 'bare'

/** Runner → agent. */
export type Command =
  | { cmd: 'clock' }
  /**
   * parley only, to the sender's host: found an org, create the bench team, and make one invite
   * token per other host; answered by `invites`
   */
  | { cmd: 'found-org', invites: number }
  /** parley only, to a receiver's host: join the org with this token within `limitMs`; answered by `joined` */
  | { cmd: 'join', token: string, limitMs: number }
  /**
   * wait until the bench topic has `subscribers` connected subscribers and (parley) the bench team
   * lists `members` members, then answer `ready`; answered by `error` after `limitMs`
   */
  | { cmd: 'await-ready', subscribers: number, members: number, limitMs: number }
  /** a receiver reports `received` once it holds `count` distinct messages of `phase` */
  | { cmd: 'expect', phase: string, count: number }
  /**
   * a sender sends `count` messages, one every `intervalMs` (0: as fast as it can, with up to
   * `inFlight` sends under way at once, default 1: one after another)
   */
  | { cmd: 'send', phase: string, count: number, intervalMs: number, inFlight?: number }
  | { cmd: 'status' }
  /** the byte and packet counters of the agent's host (its network namespace) */
  | { cmd: 'netstat' }
  | { cmd: 'stop' }

/** Agent → runner. Times are milliseconds on the shared clock, see `clockMs`. */
export type Report =
  | { type: 'hello', host: number, pid: number }
  | { type: 'listening', peerId: string, addresses: string[] }
  /** the org exists and these tokens admit one newcomer each to `general` and the bench team */
  | { type: 'invites', org: string, tokens: string[] }
  | { type: 'joined', org: string, teams: string[] }
  /** `members` is the bench team's size in this node's view of the org; bare gossipsub has none */
  | { type: 'ready', subscribers: number, members?: number }
  | { type: 'clock', now: number }
  | { type: 'sent', phase: string, count: number, firstSendAt: number, lastSendAt: number, rssBytes: number }
  | ReceivedReport
  | { type: 'status', sent: Record<string, number>, received: Record<string, number> }
  | NetstatReport
  | { type: 'warning', message: string }
  | { type: 'error', message: string }
  | { type: 'stopped' }

export interface ReceivedReport {
  type: 'received'
  phase: string
  count: number
  /** receive time minus send time, one per message in arrival order */
  latenciesMs: number[]
  firstReceivedAt: number
  lastReceivedAt: number
  /** messages delivered twice to the application */
  duplicates: number
  /** messages that arrived after one sent later than them */
  reordered: number
  rssBytes: number
}

/** Counters of the host's LAN interface since it was made. */
export interface NetstatReport {
  type: 'netstat'
  txBytes: number
  txPackets: number
  rxBytes: number
  rxPackets: number
}

export type ReportType = Report['type']

/**
 * The clock every process on this machine agrees on, in milliseconds with sub-millisecond resolution:
 * the wall time at process start plus the monotonic time since.
 */
export function clockMs (): number {
  return performance.timeOrigin + performance.now()
}

/** One JSON line. */
export function encodeLine (message: Command | Report): string {
  return JSON.stringify(message) + '\n'
}

/** Parse a line from an agent; throws on anything that is not a report. */
export function decodeReport (line: string): Report {
  const value = JSON.parse(line) as unknown
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new TypeError(`not a report: ${line.slice(0, 200)}`)
  }
  return value as Report
}

/** Parse a line from the runner; throws on anything that is not a command. */
export function decodeCommand (line: string): Command {
  const value = JSON.parse(line) as unknown
  if (typeof value !== 'object' || value === null || typeof (value as { cmd?: unknown }).cmd !== 'string') {
    throw new TypeError(`not a command: ${line.slice(0, 200)}`)
  }
  return value as Command
}

/** What a bench message carries: its phase, its place in the phase and when it was sent. */
export interface Payload {
  phase: string
  seq: number
  sentAt: number
}

const PAYLOAD_PATTERN = /^bench (\S+) (\d+) (\d+\.\d+) /

/** A message text of exactly `size` ASCII bytes carrying the payload fields, padded with filler. */
export function encodePayload (payload: Payload, size: number): string {
  const head = `bench ${payload.phase} ${payload.seq} ${payload.sentAt.toFixed(3)} `
  if (head.length > size) throw new RangeError(`payload size ${size} is too small for "${head}"`)
  return head + 'x'.repeat(size - head.length)
}

/** The payload fields of a bench message text, or undefined if it is not one. */
export function decodePayload (text: string): Payload | undefined {
  const m = PAYLOAD_PATTERN.exec(text)
  if (m === null) return undefined
  return { phase: m[1]!, seq: Number(m[2]), sentAt: Number(m[3]) }
}
