/**
 * The delivery benchmark: one sender and two receivers on three network-namespace hosts joined by a
 * bridge, each a separate process (bench/agent.ts). It measures, for parley and then for bare
 * gossipsub on the same libp2p stack and hosts:
 *   - latency: messages sent at a steady pace; receive time minus send time at both receivers;
 *   - burst: N messages sent as fast as the sender takes them, up to `burstInFlight` under way at once (as a
 *     bot or an import pipelines its sends), until both receivers hold them all; messages per second
 *     from the first send to the last receive.
 *   - CPU: per message, the user + system time of each agent process during the latency phase and
 *     during the burst (read from /proc by the runner), beside the machine's busy share.
 * All processes share one clock (same machine); the runner checks how far apart they are.
 *
 * Parley nodes start in no organisation. Before measuring, the sender's agent founds an org with a
 * `bench` team and makes one invite token per receiver; the runner hands the tokens over the control
 * channel to the receivers' agents, which join with them (one after the other). Then, as in bare mode,
 * every agent waits to see the others subscribed, and in parley also all three in the team.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { killAndWait, NetnsLab } from '../test/helpers/netns.js'
import { figure } from './benchmark.js'
import { ControlServer } from './control-server.js'
import { AgentFailedError, BenchTimeoutError } from './errors.js'
import { busyShare, machineCpu, processUsage } from './proc-usage.js'
import { clockMs } from './protocol.js'
import { summarise } from './stats.js'
import type { Benchmark, BenchContext, BenchOutcome } from './benchmark.js'
import type { AgentLink } from './control-server.js'
import type { MachineCpu, ProcessUsage } from './proc-usage.js'
import type { Mode, NetstatReport, ReceivedReport, Report } from './protocol.js'
import type { LatencySummary } from './stats.js'
import type { ChildProcess } from 'node:child_process'

export interface DeliveryConfig {
  /** bytes of message text, in both modes */
  payloadBytes: number
  /** sent at the latency pace before measuring, so connections, mesh and JIT are warm */
  warmupCount: number
  latencyCount: number
  latencyIntervalMs: number
  burstCount: number
  /**
   * sends under way at once in the burst, as a bot or an import pipelines them (parley writes the
   * posts in flight in one batch and one fsync); the paced phases send one after another
   */
  burstInFlight: number
  limits: {
    /** to start one agent, and then for all to see each other subscribed (and in the team) */
    startMs: number
    /** parley: to found the org and make the invites, and then for each receiver to join */
    orgMs: number
    /** added to the time a paced phase takes to send, for the last messages to arrive */
    drainMs: number
    burstMs: number
    stopMs: number
  }
}

export const DELIVERY_CONFIG: DeliveryConfig = {
  payloadBytes: 200,
  warmupCount: 100,
  latencyCount: 1_000,
  latencyIntervalMs: 10,
  burstCount: 5_000,
  burstInFlight: 64,
  limits: { startMs: 20_000, orgMs: 20_000, drainMs: 15_000, burstMs: 60_000, stopMs: 5_000 }
}

/** Each mode listens on its own port; namespaces have their own port space, so a fixed one is free. */
const PORTS: Record<Mode, number> = { parley: 7717, bare: 7718 }
const SENDER = 1
const RECEIVERS = [2, 3]
/** an agent gives up by itself after this, in case the runner itself was killed */
const AGENT_LIFETIME_MS = 180_000
const AGENT_JS = fileURLToPath(new URL('./agent.js', import.meta.url))
const STDERR_TAIL_LINES = 30
/** after a phase, time for the receivers' forwarding to each other to finish before counting bytes */
const TRAFFIC_SETTLE_MS = 250
/** how much longer the runner waits for a report than the agent's own limit, so the agent's error, which says more, comes first */
const REPORT_GRACE_MS = 3_000
/** issue #20: CPU per message, sender and each receiver */
const CPU_TARGET_MS = 0.3

export interface PhaseResult {
  sent: Extract<Report, { type: 'sent' }>
  received: ReceivedReport[]
}

/** What all hosts together sent on the LAN during a phase, per message: payload, framing, gossip, TCP/IP. */
export interface TrafficPerMessage {
  bytes: number
  packets: number
}

/**
 * CPU time (user + system, from /proc) each agent process spent during a phase, per message sent,
 * and how busy the whole machine was meanwhile: other work on the machine slows the agents' CPU too
 * (caches, frequency), so a figure measured on a busy machine is an upper bound.
 */
export interface CpuPerMessage {
  /** milliseconds of CPU per message, by host (`host1` is the sender) */
  msByHost: Record<string, number>
  sender: number
  /** the receiver that spent the most */
  receiverMax: number
  /** the share of all the machine's CPUs busy during the phase, 0..1, all processes */
  machineBusy: number
}

/** How long getting ready took, from the last agent listening. */
export interface SetupTimes {
  /** parley: founding the org, the bench team and the invites */
  foundOrgMs?: number
  /** parley: each receiver's join, by host */
  joinMs?: Record<string, number>
  /** until every agent saw the others subscribed (and in the team) */
  readyMs: number
}

export interface ModeResult {
  mode: Mode
  setup: SetupTimes
  /** the latency phase at both receivers */
  latencyMs: LatencySummary
  latencyMsByReceiver: Record<string, LatencySummary>
  burst: {
    messages: number
    /** first send to the last receive at the slower receiver */
    seconds: number
    messagesPerSecond: number
    /** how fast the sender's send loop went, whatever the receivers did */
    senderMessagesPerSecond: number
    /** how long messages queued during the burst */
    latencyMs: LatencySummary
  }
  /** what all three hosts transmitted, per message sent */
  traffic: { latency: TrafficPerMessage, burst: TrafficPerMessage }
  /** CPU of each agent process per message, during the paced latency phase and the burst */
  cpu: { latency: CpuPerMessage, burst: CpuPerMessage }
  /** messages an application saw twice, all phases, both receivers */
  duplicates: number
  /** messages that arrived after a message sent later, per phase, both receivers */
  reordered: { latency: number, burst: number }
  /** the largest difference found between an agent's clock and the runner's, and the probe's error bound */
  clock: { maxOffsetMs: number, uncertaintyMs: number }
  rssMB: Record<string, number>
  warnings: string[]
}

/** The delivery benchmark, for the runner. */
export const deliveryBenchmark: Benchmark = {
  name: 'delivery',
  description: 'latency p50/p99 and burst throughput, 1 sender and 2 receivers on 3 netns hosts; parley vs bare gossipsub',
  run: async (ctx) => runDelivery(ctx, DELIVERY_CONFIG)
}

/** Run both modes on one lab and compare them. */
export async function runDelivery (ctx: BenchContext, config: DeliveryConfig): Promise<BenchOutcome> {
  const lab = await NetnsLab.create(SENDER + RECEIVERS.length)
  ctx.defer(async () => { await lab.destroy() })
  const server = await ControlServer.listen(join(ctx.workDir, 'control.sock'))
  ctx.defer(async () => { await server.close() })
  try {
    const parley = await runMode(ctx, lab, server, 'parley', config)
    const bare = await runMode(ctx, lab, server, 'bare', config)
    const cpuNote = (phase: 'latency' | 'burst'): string => {
      const p = parley.cpu[phase]
      const met = p.sender <= CPU_TARGET_MS && p.receiverMax <= CPU_TARGET_MS
      return `CPU per message, ${phase} phase: parley sender ${p.sender} ms, receivers ${RECEIVERS.map(h => p.msByHost[`host${h}`]).join(' / ')} ms ` +
        `(bare ${bare.cpu[phase].sender} / ${RECEIVERS.map(h => bare.cpu[phase].msByHost[`host${h}`]).join(' / ')} ms); target <= ${CPU_TARGET_MS} ms each: ${met ? 'met' : 'NOT met'}; ` +
        `machine CPU busy ${pct(p.machineBusy)} (parley) / ${pct(bare.cpu[phase].machineBusy)} (bare), other engineers' work included`
    }
    return {
      notes: [cpuNote('latency'), cpuNote('burst')],
      figures: [
        figure('latency p50', 'ms', parley.latencyMs.p50, bare.latencyMs.p50),
        figure('latency p99', 'ms', parley.latencyMs.p99, bare.latencyMs.p99),
        figure(`burst of ${config.burstCount.toLocaleString('en')}`, 'msg/s', parley.burst.messagesPerSecond, bare.burst.messagesPerSecond),
        figure('LAN bytes per message, all hosts', 'B', parley.traffic.latency.bytes, bare.traffic.latency.bytes),
        figure('CPU per message, sender, latency phase', 'ms', parley.cpu.latency.sender, bare.cpu.latency.sender),
        figure('CPU per message, slower receiver, latency phase', 'ms', parley.cpu.latency.receiverMax, bare.cpu.latency.receiverMax),
        figure('CPU per message, sender, burst', 'ms', parley.cpu.burst.sender, bare.cpu.burst.sender),
        figure('CPU per message, slower receiver, burst', 'ms', parley.cpu.burst.receiverMax, bare.cpu.burst.receiverMax)
      ],
      details: {
        config,
        topology: `host ${SENDER} sends; hosts ${RECEIVERS.join(', ')} receive; full mesh of static peers, mDNS off; ` +
          `parley: host ${SENDER} founds the org and team bench, hosts ${RECEIVERS.join(', ')} join it by invite`,
        hosts: lab.hosts.map(h => h.ip),
        parley,
        bare
      }
    }
  } finally {
    await server.close()
    await lab.destroy()
  }
}

/** One agent process in a lab host, with the tail of its output for error messages. */
class AgentProcess {
  readonly host: number
  readonly child: ChildProcess
  /** resolves with the exit code once the process is gone and its output read */
  readonly closed: Promise<number | null>
  private readonly tail: string[] = []

  constructor (lab: NetnsLab, host: number, args: string[]) {
    this.host = host
    // PARLEY_AGENT_NODE_ARGS: node flags for the agents (profiling: --cpu-prof --cpu-prof-dir=DIR)
    const nodeArgs = (process.env.PARLEY_AGENT_NODE_ARGS ?? '').split(' ').filter(a => a !== '')
    this.child = lab.spawn(host, process.execPath, [...nodeArgs, AGENT_JS, ...args])
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream === null) continue
      // readline re-emits the pipe's errors; the agent's exit is what the runner acts on
      createInterface({ input: stream }).on('error', () => {}).on('line', (line) => {
        this.tail.push(line)
        if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift()
      })
    }
    this.closed = new Promise(resolve => { this.child.once('close', (code) => { resolve(code) }) })
  }

  describe (): string {
    return this.tail.length === 0 ? '' : `output of the agent on host ${this.host} (last lines):\n  ${this.tail.join('\n  ')}`
  }
}

async function runMode (ctx: BenchContext, lab: NetnsLab, server: ControlServer, mode: Mode, config: DeliveryConfig): Promise<ModeResult> {
  const dir = join(ctx.workDir, mode)
  await mkdir(dir, { recursive: true })
  const port = PORTS[mode]
  const agents: AgentProcess[] = []
  const links = new Map<number, AgentLink>()
  try {
    // receivers first, so every dial finds its peer listening; each host dials the hosts after it:
    // a full mesh with one connection per pair, as mDNS would make on a LAN
    ctx.log(`${mode}: starting agents on hosts ${[SENDER, ...RECEIVERS].join(', ')}`)
    for (const host of [...RECEIVERS, SENDER].sort((a, b) => b - a)) {
      const args = [
        '--control', server.path,
        '--host', String(host),
        '--mode', mode,
        '--listen', `/ip4/0.0.0.0/tcp/${port}`,
        '--payload-bytes', String(config.payloadBytes),
        '--lifetime-ms', String(AGENT_LIFETIME_MS)
      ]
      for (const other of lab.hosts.filter(h => h.index > host)) args.push('--peer', `/ip4/${other.ip}/tcp/${port}`)
      if (mode === 'parley') args.push('--data', join(dir, `h${host}`))
      const agent = new AgentProcess(lab, host, args)
      agents.push(agent)
      const link = await Promise.race([
        server.agent(host, config.limits.startMs, () => agent.describe()),
        agent.closed.then((code) => { throw new AgentFailedError(`host ${host}: the ${mode} agent exited (${code}) before connecting\n${agent.describe()}`) })
      ])
      links.set(host, link)
      await link.next('listening', config.limits.startMs)
    }
    const setup = await getReady(ctx, mode, links, config.limits)
    const clock = await measureClock([...links.values()])

    const sender = linkOf(links, SENDER)
    const receivers = RECEIVERS.map(h => linkOf(links, h))
    const pacedLimit = (count: number): number => count * config.latencyIntervalMs + config.limits.drainMs
    ctx.log(`${mode}: warm-up, ${config.warmupCount} messages`)
    const warmup = await runPhase(mode, sender, receivers, 'warmup', config.warmupCount, config.latencyIntervalMs, pacedLimit(config.warmupCount))
    const all = [sender, ...receivers]
    ctx.log(`${mode}: latency, ${config.latencyCount} messages at one per ${config.latencyIntervalMs} ms`)
    let before = await netstatOf(all)
    let cpuBefore = await cpuOf(all)
    const latency = await runPhase(mode, sender, receivers, 'latency', config.latencyCount, config.latencyIntervalMs, pacedLimit(config.latencyCount))
    const latencyTraffic = await trafficSince(before, all, config.latencyCount)
    const latencyCpu = await cpuSince(cpuBefore, all, config.latencyCount)
    ctx.log(`${mode}: burst, ${config.burstCount} messages as fast as the sender can, up to ${config.burstInFlight} in flight`)
    before = await netstatOf(all)
    cpuBefore = await cpuOf(all)
    const burst = await runPhase(mode, sender, receivers, 'burst', config.burstCount, 0, config.limits.burstMs, config.burstInFlight)
    const burstTraffic = await trafficSince(before, all, config.burstCount)
    const burstCpu = await cpuSince(cpuBefore, all, config.burstCount)

    const lastReceive = Math.max(...burst.received.map(r => r.lastReceivedAt))
    const burstSeconds = (lastReceive - burst.sent.firstSendAt) / 1000
    const senderSeconds = (burst.sent.lastSendAt - burst.sent.firstSendAt) / 1000
    const phases = [warmup, latency, burst]
    const result: ModeResult = {
      mode,
      setup,
      latencyMs: summarise(latency.received.flatMap(r => r.latenciesMs)),
      latencyMsByReceiver: Object.fromEntries(latency.received.map((r, i) => [`host${RECEIVERS[i]}`, summarise(r.latenciesMs)])),
      burst: {
        messages: config.burstCount,
        seconds: round(burstSeconds, 3),
        messagesPerSecond: Math.round(config.burstCount / burstSeconds),
        senderMessagesPerSecond: Math.round(config.burstCount / senderSeconds),
        latencyMs: summarise(burst.received.flatMap(r => r.latenciesMs))
      },
      traffic: { latency: latencyTraffic, burst: burstTraffic },
      cpu: { latency: latencyCpu, burst: burstCpu },
      duplicates: phases.flatMap(p => p.received).reduce((n, r) => n + r.duplicates, 0),
      reordered: {
        latency: latency.received.reduce((n, r) => n + r.reordered, 0),
        burst: burst.received.reduce((n, r) => n + r.reordered, 0)
      },
      clock,
      rssMB: {
        [`host${SENDER}`]: toMB(burst.sent.rssBytes),
        ...Object.fromEntries(burst.received.map((r, i) => [`host${RECEIVERS[i]}`, toMB(r.rssBytes)]))
      },
      warnings: [...links.values()].flatMap(l => l.warnings.map(w => `host ${l.host}: ${w}`))
    }
    ctx.log(`${mode}: latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; burst ${result.burst.messagesPerSecond} msg/s; ` +
      `CPU per message (sender, receivers): latency ${Object.values(latencyCpu.msByHost).join(', ')} ms, burst ${Object.values(burstCpu.msByHost).join(', ')} ms`)
    return result
  } finally {
    await stopAgents(agents, links, server, config.limits.stopMs)
  }
}

/**
 * Bring the agents to where they can measure: in parley, found the org and have the receivers join
 * it; then wait until every agent sees the others subscribed and, in parley, all hosts in the team.
 */
async function getReady (ctx: BenchContext, mode: Mode, links: Map<number, AgentLink>, limits: DeliveryConfig['limits']): Promise<SetupTimes> {
  const times: Partial<SetupTimes> = {}
  if (mode === 'parley') {
    const sender = linkOf(links, SENDER)
    ctx.log(`parley: host ${SENDER} founds the org and invites hosts ${RECEIVERS.join(', ')}`)
    let started = Date.now()
    sender.send({ cmd: 'found-org', invites: RECEIVERS.length })
    const { org, tokens } = await step(`parley: host ${SENDER} founding the org`, sender.next('invites', limits.orgMs))
    times.foundOrgMs = Date.now() - started
    if (tokens.length !== RECEIVERS.length) {
      throw new AgentFailedError(`parley: host ${SENDER} made ${tokens.length} invite tokens for ${RECEIVERS.length} receivers`)
    }
    // one at a time, so each join's time is its own and a failure points at one host (concurrent
    // joins also worked when tried; this costs well under a second)
    times.joinMs = {}
    for (const [i, host] of RECEIVERS.entries()) {
      const link = linkOf(links, host)
      started = Date.now()
      link.send({ cmd: 'join', token: tokens[i]!, limitMs: limits.orgMs })
      const joined = await step(`parley: host ${host} joining the org`, link.next('joined', limits.orgMs + REPORT_GRACE_MS))
      if (joined.org !== org) throw new AgentFailedError(`parley: host ${host} joined org ${joined.org}, not ${org}`)
      times.joinMs[`host${host}`] = Date.now() - started
    }
  }
  const started = Date.now()
  const hosts = [...links.values()]
  await step(`${mode}: waiting for every host to see the others${mode === 'parley' ? ' subscribed and in the team' : ' subscribed'}`,
    Promise.all(hosts.map(async (link) => {
      link.send({ cmd: 'await-ready', subscribers: hosts.length - 1, members: hosts.length, limitMs: limits.startMs })
      return link.next('ready', limits.startMs + REPORT_GRACE_MS)
    })))
  return { ...times, readyMs: Date.now() - started }
}

/** Await a setup step; a timeout or an agent failure says which step it was. */
async function step<T> (what: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (err) {
    const e = err as Error
    const Failure = err instanceof BenchTimeoutError ? BenchTimeoutError : AgentFailedError
    throw new Failure(`${what}: ${e.message}`, { cause: err })
  }
}

function linkOf (links: Map<number, AgentLink>, host: number): AgentLink {
  const link = links.get(host)
  if (link === undefined) throw new Error(`no agent on host ${host}`)
  return link
}

/**
 * Send `count` messages from the sender and wait until both receivers hold them all, within
 * `limitMs`; on timeout, say how far each agent got.
 */
async function runPhase (mode: Mode, sender: AgentLink, receivers: AgentLink[], phase: string, count: number, intervalMs: number, limitMs: number, inFlight = 1): Promise<PhaseResult> {
  const deadline = Date.now() + limitMs
  const left = (): number => deadline - Date.now()
  for (const r of receivers) r.send({ cmd: 'expect', phase, count })
  sender.send({ cmd: 'send', phase, count, intervalMs, inFlight })
  try {
    const [sent, ...received] = await Promise.all([
      sender.next('sent', left(), r => r.phase === phase),
      ...receivers.map(async r => r.next('received', left(), x => x.phase === phase))
    ])
    return { sent, received }
  } catch (err) {
    if (!(err instanceof BenchTimeoutError)) throw err
    const progress = await describeProgress(sender, receivers, phase, count)
    throw new BenchTimeoutError(`${mode}, ${phase} phase: not complete within its limit of ${limitMs / 1000} s. ${progress}`, { cause: err })
  }
}

async function describeProgress (sender: AgentLink, receivers: AgentLink[], phase: string, count: number): Promise<string> {
  const statusOf = async (link: AgentLink): Promise<Extract<Report, { type: 'status' }> | undefined> => {
    link.send({ cmd: 'status' })
    return link.next('status', 2_000).catch(() => undefined)
  }
  const parts: string[] = []
  const s = await statusOf(sender)
  parts.push(`host ${sender.host} sent ${s?.sent[phase] ?? '?'} of ${count}`)
  for (const r of receivers) {
    const st = await statusOf(r)
    parts.push(`host ${r.host} received ${st?.received[phase] ?? '?'} of ${count}`)
  }
  return parts.join('; ')
}

async function netstatOf (links: AgentLink[]): Promise<NetstatReport[]> {
  return Promise.all(links.map(async (link) => {
    link.send({ cmd: 'netstat' })
    return link.next('netstat', 2_000)
  }))
}

/** Bytes and packets all hosts sent since `before`, per message; waits a moment for stragglers first. */
async function trafficSince (before: NetstatReport[], links: AgentLink[], messages: number): Promise<TrafficPerMessage> {
  await new Promise(resolve => setTimeout(resolve, TRAFFIC_SETTLE_MS))
  const after = await netstatOf(links)
  const sum = (list: NetstatReport[], key: 'txBytes' | 'txPackets'): number => list.reduce((n, r) => n + r[key], 0)
  return {
    bytes: Math.round((sum(after, 'txBytes') - sum(before, 'txBytes')) / messages),
    packets: round((sum(after, 'txPackets') - sum(before, 'txPackets')) / messages, 2)
  }
}

interface CpuReading {
  machine: MachineCpu
  /** by host; a process that has exited has none */
  processes: Map<number, ProcessUsage>
}

/** The CPU time of every agent process and the machine's counters, now. */
async function cpuOf (links: AgentLink[]): Promise<CpuReading> {
  const machine = await machineCpu()
  const processes = new Map<number, ProcessUsage>()
  for (const link of links) {
    const usage = await processUsage(link.pid)
    if (usage !== undefined) processes.set(link.host, usage)
  }
  return { machine, processes }
}

/** Milliseconds of CPU each agent spent since `before`, per message; read after trafficSince's settle, so forwarding is in. */
async function cpuSince (before: CpuReading, links: AgentLink[], messages: number): Promise<CpuPerMessage> {
  const after = await cpuOf(links)
  const msByHost: Record<string, number> = {}
  for (const link of links) {
    const b = before.processes.get(link.host)
    const a = after.processes.get(link.host)
    if (a === undefined || b === undefined || a.pid !== b.pid) throw new AgentFailedError(`host ${link.host}: the agent process (pid ${link.pid}) is gone; no CPU figure`)
    msByHost[`host${link.host}`] = round(((a.cpuSeconds - b.cpuSeconds) * 1000) / messages, 3)
  }
  return {
    msByHost,
    sender: msByHost[`host${SENDER}`] ?? NaN,
    receiverMax: Math.max(...RECEIVERS.map(h => msByHost[`host${h}`] ?? NaN)),
    machineBusy: busyShare(before.machine, after.machine)
  }
}

function pct (share: number): string {
  return `${Math.round(share * 100)}%`
}

/**
 * How far each agent's clock is from the runner's: the best of a few round trips over the control
 * socket. Latencies are only as good as this.
 */
async function measureClock (links: AgentLink[]): Promise<ModeResult['clock']> {
  let maxOffset = 0
  let uncertainty = 0
  for (const link of links) {
    let best = { rtt: Infinity, offset: 0 }
    for (let i = 0; i < 5; i++) {
      const before = clockMs()
      link.send({ cmd: 'clock' })
      const reply = await link.next('clock', 2_000)
      const after = clockMs()
      if (after - before < best.rtt) best = { rtt: after - before, offset: reply.now - (before + after) / 2 }
    }
    maxOffset = Math.max(maxOffset, Math.abs(best.offset))
    uncertainty = Math.max(uncertainty, best.rtt / 2)
  }
  return { maxOffsetMs: round(maxOffset, 3), uncertaintyMs: round(uncertainty, 3) }
}

/** Ask every agent to stop, wait a little, then kill what is left by pid. */
async function stopAgents (agents: AgentProcess[], links: Map<number, AgentLink>, server: ControlServer, limitMs: number): Promise<void> {
  for (const link of links.values()) link.send({ cmd: 'stop' })
  await Promise.all(agents.map(async (agent) => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>(resolve => { timer = setTimeout(resolve, limitMs) })
    await Promise.race([agent.closed, timeout])
    clearTimeout(timer)
    await killAndWait(agent.child)
    server.forget(agent.host)
  }))
}

function round (x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

function toMB (bytes: number): number {
  return round(bytes / 1024 / 1024, 1)
}
