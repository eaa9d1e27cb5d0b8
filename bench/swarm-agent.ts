/**
 * A swarm agent: one parley node with mDNS discovery on, inside a lab host, driven by the scale and
 * soak benchmarks over their control socket (see swarm-protocol.ts). Unlike bench/agent.ts it finds
 * its peers by mDNS alone, can be in many teams, sends on a schedule the runner gives (or on its own,
 * as steady traffic), and reports memory, descriptors and what its log holds.
 *
 *   node [--expose-gc] build/bench/swarm-agent.js --control SOCK --host N --data DIR --listen MA
 *     --runner-netns NS [--generation G] [--payload-bytes 200] [--lifetime-ms 600000]
 *
 * mDNS must never run in the machine's own network namespace (NETWORK-TESTING.md): the runner passes
 * its namespace as --runner-netns and the agent refuses to start in it.
 *
 * It exits when the runner says stop, when the control socket closes, or when its lifetime is up,
 * so a runner that dies cannot leave it behind.
 */
import { readdir, readlink } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { createNode } from '../src/node.js'
import { clockMs, decodePayload, encodePayload } from './protocol.js'
import { decodeSwarmCommand, encodeSwarmLine } from './swarm-protocol.js'
import type { ParleyNode } from '../src/node.js'
import type { PhaseReceipt, SwarmCommand, SwarmReport } from './swarm-protocol.js'
import type { Socket } from 'node:net'

/** The org the admin's agent founds. */
const ORG_NAME = 'parley-swarm'
/** How long invite tokens last: longer than any run. */
const INVITE_EXPIRY = '1h'
const POLL_MS = 100
const STOP_LIMIT_MS = 5_000
/** past a schedule's end, how long one send may hang before the agent reports without it */
const STUCK_SEND_MS = 5_000

/** What one phase brought this agent. */
class PhaseLog {
  readonly seqs = new Set<number>()
  readonly latenciesMs: number[] = []
  readonly sentAt: number[] = []
  duplicates = 0

  add (seq: number, sentAt: number, receivedAt: number): void {
    if (this.seqs.has(seq)) {
      this.duplicates++
      return
    }
    this.seqs.add(seq)
    this.latenciesMs.push(Math.round((receivedAt - sentAt) * 1000) / 1000)
    this.sentAt.push(Math.round(sentAt))
  }

  receipt (): PhaseReceipt {
    return { count: this.seqs.size, duplicates: this.duplicates, latenciesMs: this.latenciesMs, sentAt: this.sentAt }
  }
}

/** The agent's side of the protocol. */
class SwarmAgent {
  private readonly phases = new Map<string, PhaseLog>()
  private traffic?: { stop: AbortController, done: Promise<void> }
  private backfilled = 0
  private stopping = false
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 })

  constructor (
    private readonly socket: Socket,
    private readonly node: ParleyNode,
    private readonly host: number,
    private readonly generation: number,
    private readonly payloadBytes: number
  ) {
    this.loopDelay.enable()
    node.addEventListener('message:added', (evt) => {
      const receivedAt = clockMs()
      const m = evt.detail
      if (m.local) return
      if (!m.readable) {
        this.warn(`unreadable entry ${m.id.slice(0, 12)} in ${m.team} (no key for epoch ${m.epoch})`)
        return
      }
      const payload = decodePayload(m.text)
      if (payload === undefined) return // not a bench message
      let log = this.phases.get(payload.phase)
      if (log === undefined) {
        log = new PhaseLog()
        this.phases.set(payload.phase, log)
      }
      log.add(payload.seq, payload.sentAt, receivedAt)
    })
    node.addEventListener('history:synced', (evt) => { this.backfilled += evt.detail.received })
    node.addEventListener('node:warning', (evt) => { this.warn(evt.detail.message) })
    node.addEventListener('entry:rejected', (evt) => {
      const d = evt.detail
      this.warn(`entry rejected${d.team === '' ? '' : ` in ${d.team}`} from ${d.from}: ${d.reason} ${d.message}`)
    })
    node.addEventListener('entry:forked', (evt) => { this.warn(`fork in ${evt.detail.team} by ${evt.detail.author} at seq ${evt.detail.seq}`) })
    node.addEventListener('org:refused', (evt) => { this.warn(`org record refused: ${evt.detail.kind} by ${evt.detail.signer}: ${evt.detail.reason}`) })
  }

  report (message: SwarmReport): void {
    if (!this.socket.destroyed) this.socket.write(encodeSwarmLine(message))
  }

  private warn (message: string): void {
    this.report({ type: 'warning', message })
  }

  async handle (command: SwarmCommand): Promise<void> {
    switch (command.cmd) {
      case 'clock':
        this.report({ type: 'clock', now: clockMs() })
        return
      case 'await-peers': {
        const reached = await this.until(() => this.node.peers().length >= command.peers, command.limitMs)
        this.report({ type: 'peers-ready', reached, connected: this.node.peers().length, at: clockMs() })
        return
      }
      case 'found-org':
        await this.foundOrg(command.invites)
        return
      case 'join':
        await this.join(command.token, command.limitMs)
        return
      case 'create-teams':
        for (const team of command.teams) await this.node.createTeam(team, command.members.filter(p => p !== this.node.peerId))
        this.report({ type: 'teams-created', teams: command.teams })
        return
      case 'await-ready':
        await this.awaitReady(command.teams, command.members, command.teamPeers, command.limitMs)
        return
      case 'send':
        await this.send(command.team, command.phase, command.count, command.firstAt, command.intervalMs, command.untilAt)
        return
      case 'traffic':
        this.startTraffic(command.teams, command.intervalMs, command.untilAt, command.maxMessages)
        return
      case 'stop-traffic':
        if (this.traffic === undefined) {
          this.report({ type: 'traffic-stopped', sent: {}, failed: 0 })
          return
        }
        this.traffic.stop.abort()
        return
      case 'progress':
        this.report({ type: 'progress', received: Object.fromEntries([...this.phases].map(([phase, log]) => [phase, log.seqs.size])) })
        return
      case 'collect':
        this.report({ type: 'collected', phases: Object.fromEntries([...this.phases].map(([phase, log]) => [phase, log.receipt()])) })
        return
      case 'sample':
        await this.sample(command.gc)
        return
      case 'history':
        await this.history()
        return
      case 'stop':
        await this.stop(0)
    }
  }

  /** Poll `done` until it holds (true) or `limitMs` passes (false): the runner judges, with the counts. */
  private async until (done: () => boolean, limitMs: number): Promise<boolean> {
    const deadline = Date.now() + limitMs
    while (!done()) {
      if (Date.now() > deadline) return false
      await sleep(POLL_MS)
    }
    return true
  }

  private async foundOrg (invites: number): Promise<void> {
    // the token carries the admin's listen addresses: one must be reachable from the other hosts
    const reachable = this.node.info().addresses.filter(a => !/^\/ip4\/127\.|^\/ip6\/::1\//.test(a))
    if (reachable.length === 0) throw new Error(`the admin listens on no address other hosts can reach: ${this.node.info().addresses.join(' ')}`)
    const info = await this.node.createOrg(ORG_NAME)
    const tokens: string[] = []
    for (let i = 0; i < invites; i++) tokens.push((await this.node.invite({ expires: INVITE_EXPIRY })).token)
    this.report({ type: 'invites', org: info.org?.id ?? '', tokens })
  }

  private async join (token: string, limitMs: number): Promise<void> {
    let info
    try {
      info = await this.node.join(token, `swarm-h${this.host}`, { signal: AbortSignal.timeout(limitMs) })
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new Error(`join: no admin admitted this node within ${limitMs} ms (${this.node.peers().length} peers connected)`, { cause: err })
      }
      throw err
    }
    this.report({ type: 'joined', org: info.org?.id ?? '', teams: info.teams })
  }

  /** Members known and subscribers connected, the smallest over `teams`; 0 while the node lacks a team. */
  private teamCounts (teams: string[]): { members: number, teamPeers: number } {
    let members = Infinity
    let teamPeers = Infinity
    for (const team of teams) {
      try {
        if (!this.node.joinedTeams().includes(team)) return { members: 0, teamPeers: 0 }
        members = Math.min(members, this.node.members(team).length)
        teamPeers = Math.min(teamPeers, this.node.teamPeers(team).length)
      } catch {
        // not in the org yet, or the team's roster has not arrived: not ready
        return { members: 0, teamPeers: 0 }
      }
    }
    return { members, teamPeers }
  }

  private async awaitReady (teams: string[], members: number, teamPeers: number, limitMs: number): Promise<void> {
    const done = (): boolean => {
      const c = this.teamCounts(teams)
      return c.members >= members && c.teamPeers >= teamPeers
    }
    const reached = await this.until(done, limitMs)
    this.report({ type: 'ready', reached, at: clockMs(), ...this.teamCounts(teams), peers: this.node.peers().length })
  }

  private async send (team: string, phase: string, count: number, firstAt: number, intervalMs: number, untilAt: number): Promise<void> {
    let firstSendAt = 0
    let failed = 0
    const sendMs: number[] = []
    let reported = false
    const report = (): void => {
      if (reported) return
      reported = true
      this.report({ type: 'sent', phase, count: sendMs.length, planned: count, failed, firstSendAt, lastSendAt: clockMs(), sendMs: [...sendMs] })
    }
    // a send that never returns must not hold the report back: the runner judges from what was sent by then
    const stuck = setTimeout(report, Math.max(0, untilAt - clockMs()) + STUCK_SEND_MS)
    for (let seq = 0; seq < count && !reported; seq++) {
      // a fixed schedule from the runner, so one slow send does not shift the rest
      const wait = firstAt + seq * intervalMs - clockMs()
      if (wait > 0) await sleep(wait)
      const sentAt = clockMs()
      if (sentAt > untilAt) break
      if (seq === 0) firstSendAt = sentAt
      try {
        await this.node.send(team, encodePayload({ phase, seq, sentAt }, this.payloadBytes))
        if (!reported) sendMs.push(Math.round((clockMs() - sentAt) * 1000) / 1000)
      } catch (err) {
        failed++
        this.warn(`send ${phase} ${seq} failed: ${(err as Error).message}`)
      }
    }
    clearTimeout(stuck)
    report()
  }

  /** Steady traffic in the background: one message every `intervalMs`, to `teams` in turn. */
  private startTraffic (teams: string[], intervalMs: number, untilAt: number, maxMessages: number): void {
    if (this.traffic !== undefined) throw new Error('traffic is already running')
    if (teams.length === 0) throw new Error('traffic needs at least one team')
    const stop = new AbortController()
    const sent: Record<string, number> = Object.fromEntries(teams.map(t => [t, 0]))
    let failed = 0
    const done = (async () => {
      const start = clockMs()
      for (let i = 0; i < maxMessages && !stop.signal.aborted; i++) {
        const wait = start + i * intervalMs - clockMs()
        if (clockMs() + Math.max(0, wait) >= untilAt) break
        if (wait > 0) await sleep(wait, undefined, { signal: stop.signal }).catch(() => {}) // aborted: the loop ends
        if (stop.signal.aborted) break
        // hosts start at different teams so every team gets traffic from the first round
        const team = teams[(i + this.host) % teams.length]!
        try {
          await this.node.send(team, encodePayload({ phase: `${team}.h${this.host}.g${this.generation}`, seq: sent[team]!, sentAt: clockMs() }, this.payloadBytes))
          sent[team]!++
        } catch (err) {
          failed++
          this.warn(`traffic: send to ${team} failed: ${(err as Error).message}`)
        }
      }
    })()
    this.traffic = { stop, done }
    void done.then(() => {
      this.traffic = undefined
      this.report({ type: 'traffic-stopped', sent, failed })
    })
  }

  private async sample (gc: boolean): Promise<void> {
    // a full GC first, where allowed, so heap figures compare live data and not garbage not yet collected
    const collect = (globalThis as { gc?: () => void }).gc
    if (gc && collect !== undefined) collect()
    const memory = process.memoryUsage()
    // the histogram is in nanoseconds; reset so each sample covers the time since the last
    const delay = (ns: number): number => Math.round(ns / 1e4) / 100
    const loopDelayMs = { p50: delay(this.loopDelay.percentile(50)), p99: delay(this.loopDelay.percentile(99)), max: delay(this.loopDelay.max) }
    this.loopDelay.reset()
    this.report({
      type: 'sample',
      at: clockMs(),
      heapUsedBytes: memory.heapUsed,
      rssBytes: memory.rss,
      fds: (await readdir('/proc/self/fd')).length,
      peers: this.node.peers().length,
      backfilled: this.backfilled,
      loopDelayMs
    })
  }

  private async history (): Promise<void> {
    const teams: Record<string, { entries: number, heads: Record<string, number> }> = {}
    for (const s of await this.node.syncStatus()) {
      teams[s.team] = { entries: s.entries, heads: Object.fromEntries(s.authors.map(a => [a.author, a.seq])) }
    }
    this.report({ type: 'history', peerId: this.node.peerId, teams })
  }

  /** Stop traffic and the node and exit, within STOP_LIMIT_MS whatever happens. */
  async stop (code: number): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    setTimeout(() => { process.exit(code === 0 ? 3 : code) }, STOP_LIMIT_MS).unref()
    this.traffic?.stop.abort()
    await this.traffic?.done
    try {
      await this.node.stop()
    } catch (err) {
      this.warn(`stop failed: ${(err as Error).message}`)
    }
    if (this.socket.destroyed) process.exit(code)
    this.report({ type: 'stopped' })
    this.socket.end(() => { process.exit(code) })
  }
}

async function connectControl (path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => { resolve(socket) })
    socket.once('error', reject)
  })
}

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      control: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      listen: { type: 'string' },
      'runner-netns': { type: 'string' },
      generation: { type: 'string', default: '1' },
      'payload-bytes': { type: 'string', default: '200' },
      'lifetime-ms': { type: 'string', default: '600000' }
    },
    strict: true
  })
  if (values.control === undefined || values.host === undefined || values.data === undefined || values.listen === undefined || values['runner-netns'] === undefined) {
    throw new Error('usage: swarm-agent --control SOCK --host N --data DIR --listen MA --runner-netns NS [--generation G]')
  }
  // mDNS in the machine's own namespace would go out of its real interface
  const netns = await readlink('/proc/self/ns/net')
  if (netns === values['runner-netns']) throw new Error(`refusing to run mDNS in the runner's network namespace (${netns}): start this agent in a lab host`)
  const host = Number(values.host)
  // a last resort: the runner kills agents by pid, this covers a runner that was itself killed
  setTimeout(() => {
    process.stderr.write('agent lifetime is over; exiting\n')
    process.exit(4)
  }, Number(values['lifetime-ms'])).unref()

  const socket = await connectControl(values.control)
  const say = (message: SwarmReport): void => { if (!socket.destroyed) socket.write(encodeSwarmLine(message)) }
  say({ type: 'hello', host, pid: process.pid })
  const node = await createNode({ dataDir: values.data, name: `swarm-h${host}`, listen: [values.listen], mdns: true })
  const agent = new SwarmAgent(socket, node, host, Number(values.generation), Number(values['payload-bytes']))
  socket.on('close', () => { void agent.stop(1) })
  socket.on('error', () => {
    // 'close' follows and stops the agent
  })
  createInterface({ input: socket }).on('line', (line) => {
    let command: SwarmCommand
    try {
      command = decodeSwarmCommand(line)
    } catch (err) {
      agent.report({ type: 'error', message: (err as Error).message })
      return
    }
    agent.handle(command).catch((err: unknown) => {
      agent.report({ type: 'error', message: `${command.cmd} failed: ${(err as Error).stack ?? String(err)}` })
    })
  })
  await node.start()
  // from here the runner drives: peers, org, readiness, traffic
  agent.report({ type: 'listening', peerId: node.peerId, addresses: node.info().addresses })
}

main().catch((err: unknown) => {
  process.stderr.write(`agent failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
