/**
 * The soak benchmark: 10 parley nodes on 10 network-namespace hosts, finding each other by mDNS,
 * in 5 teams that the admin (host 1) creates with everyone in them, for M minutes (default 2) of:
 *   - steady traffic: every node sends one message at a time to its teams in turn, so that each team
 *     gets `messagesPerSecondPerTeam`;
 *   - churn: every `churnEveryMs` one random node other than the admin is stopped, stays down for
 *     `downMs`, and starts again on the same data dir (history sync should backfill what it missed);
 *   - samples every `sampleEveryMs` of every running node: heap used after a full GC, RSS, open file
 *     descriptors, connected peers, and CPU time from /proc.
 * At the end, once traffic has stopped and history has had time to settle, every node's log must hold
 * every message sent to each of its teams (the senders' counts). A node's heap or descriptors growing
 * by more than `leakThreshold` from the first third of the run to the last third is flagged as a
 * possible leak (per process: a restarted node is judged on its longest-running process).
 */
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { figure } from './benchmark.js'
import { AgentFailedError } from './errors.js'
import { machineBusyOver, ownNetns, processUsage } from './proc-usage.js'
import { clockMs } from './protocol.js'
import { summarise } from './stats.js'
import { mean, REPORT_GRACE_MS, requireReached, round, step, summariseWarnings, Swarm } from './swarm.js'
import type { Benchmark, BenchContext, BenchOutcome } from './benchmark.js'
import type { LatencySummary } from './stats.js'
import type { OrgSetupTimes } from './swarm.js'
import type { HistoryReport, PhaseReceipt, SwarmReportOf } from './swarm-protocol.js'

export interface SoakConfig {
  minutes: number
  nodes: number
  teams: string[]
  messagesPerSecondPerTeam: number
  churnEveryMs: number
  /** how long a churned node stays down */
  downMs: number
  sampleEveryMs: number
  /** growth from the first third to the last third above this share is flagged */
  leakThreshold: number
  meshDegree: number
  joinConcurrency: number
  payloadBytes: number
  limits: {
    /** to spawn every agent and see every node with min(N - 1, meshDegree) peers */
    startMs: number
    /** each org step (founding, one join, creating the teams) */
    orgStepMs: number
    /** after the teams exist, for every node to know every member and see its peers subscribed */
    readyMs: number
    /** for a restarted agent to listen */
    restartMs: number
    /** after traffic stops, for every log to hold every message */
    settleMs: number
    stopMs: number
  }
}

export const SOAK_CONFIG: SoakConfig = {
  minutes: 2,
  nodes: 10,
  teams: ['soak-1', 'soak-2', 'soak-3', 'soak-4', 'soak-5'],
  messagesPerSecondPerTeam: 2,
  churnEveryMs: 30_000,
  downMs: 5_000,
  sampleEveryMs: 15_000,
  leakThreshold: 0.2,
  meshDegree: 6,
  joinConcurrency: 3,
  payloadBytes: 200,
  limits: { startMs: 40_000, orgStepMs: 30_000, readyMs: 45_000, restartMs: 20_000, settleMs: 60_000, stopMs: 5_000 }
}

/** The runner's limit beyond the soak's own minutes: setup, settling, teardown. */
const SOAK_OVERHEAD_MS = 180_000
const SETTLE_POLL_MS = 2_000
/** no churn this close to the end, so the last restarted node is back before traffic stops */
const CHURN_QUIET_END_MS = 20_000
const MAX_MINUTES = 60
/** how long the machine is watched before the soak starts */
const QUIET_CHECK_MS = 2_000

/** One sample of one node. */
export interface SoakSample {
  /** seconds since traffic started */
  t: number
  host: number
  generation: number
  heapMB: number
  rssMB: number
  fds: number
  peers: number
  /** entries stored by history sync since this process started */
  backfilled: number
  cpuSeconds: number
  /** p99 of how late the event loop ran since the previous sample */
  loopDelayP99Ms: number
}

export interface ChurnEvent {
  host: number
  /** the generation that was stopped; the next one is started */
  generation: number
  /** seconds since traffic started */
  stoppedAt: number
  listeningAgainAt: number
  /** when it had min(N - 1, meshDegree) peers again; undefined if not within the restart limit */
  connectedAgainAt?: number
}

/** The growth test of one node. */
export interface GrowthVerdict {
  host: number
  /** the process judged, and how many samples it had */
  generation: number
  samples: number
  heapMB: { firstThird: number, lastThird: number, growth: number }
  fds: { firstThird: number, lastThird: number, growth: number }
  possibleLeak: boolean
}

export interface SoakResult {
  /** how busy the machine was just before the soak started (other work: shared machine), 0..1 */
  machineBusyBefore: number
  setup: OrgSetupTimes & { connectedMs: number, readyMs: number }
  traffic: { seconds: number, intervalMsPerNode: number, sentByTeam: Record<string, number>, failedSends: number }
  delivery: {
    /** every node holds every message of every team */
    complete: boolean
    /** from the end of traffic until complete (or the limit) */
    settleMs: number
    held: number
    expected: number
    /** host -> team -> missing, where anything is missing */
    missing: Record<string, Record<string, number>>
    /** where a sender's own log says it sent a different count than its agent did */
    senderMismatches: string[]
    /** entries stored by history sync, summed over processes (restarted nodes catching up, mostly) */
    backfilled: number
  }
  latencyMs: {
    /** messages received while the receiver was up and connected when they were sent */
    online: LatencySummary
    byThird: LatencySummary[]
    /** messages a node got after coming back, having been down or not yet reconnected when they were sent */
    caughtUp: { count: number, maxMs: number }
  }
  churn: ChurnEvent[]
  growth: GrowthVerdict[]
  /** per sample tick: seconds since traffic started and the means over running nodes */
  series: Array<{ t: number, nodes: number, heapMB: number, rssMB: number, fds: number, peers: number, loopDelayP99Ms: number }>
  samples: SoakSample[]
  warnings: string[]
}

/** The soak benchmark, for the runner; `minutes` overrides the default 2. */
export function soakBenchmark (options: { minutes?: number } = {}): Benchmark & { limitMs: number } {
  const minutes = options.minutes ?? SOAK_CONFIG.minutes
  if (!(minutes > 0 && minutes <= MAX_MINUTES)) throw new RangeError(`soak minutes must be above 0 and at most ${MAX_MINUTES}: ${minutes}`)
  const config = { ...SOAK_CONFIG, minutes }
  return {
    name: 'soak',
    description: `${config.nodes} nodes, ${config.teams.length} teams, mDNS, steady traffic and a restart every ${config.churnEveryMs / 1000} s for ${minutes} min: delivery, heap, RSS, fds`,
    baseline: 'first third (delivery: sent)',
    limitMs: minutes * 60_000 + SOAK_OVERHEAD_MS,
    run: async (ctx) => runSoak(ctx, config)
  }
}

/** Run the soak and judge it. */
export async function runSoak (ctx: BenchContext, config: SoakConfig): Promise<BenchOutcome> {
  const machineBusyBefore = await machineBusyOver(QUIET_CHECK_MS)
  const swarm = await Swarm.create(ctx, 'soak', {
    hosts: config.nodes,
    dir: join(ctx.workDir, 'soak'),
    runnerNetns: await ownNetns(),
    agentLifetimeMs: config.minutes * 60_000 + SOAK_OVERHEAD_MS,
    payloadBytes: config.payloadBytes
  })
  try {
    const result = await new SoakRun(ctx, swarm, config).run()
    return outcome({ machineBusyBefore, ...result }, config)
  } finally {
    await swarm.stopAll(config.limits.stopMs).catch(() => {}) // close() kills whatever is left
    await swarm.close()
  }
}

/** Per sender process: what its traffic sent, once it has stopped. */
type TrafficStopped = SwarmReportOf<'traffic-stopped'>

class SoakRun {
  private readonly n: number
  private readonly degree: number
  private readonly intervalMs: number
  private t0 = 0
  private untilAt = 0
  private readonly samples: SoakSample[] = []
  private readonly churns: ChurnEvent[] = []
  /** hosts down or restarting right now: not sampled */
  private readonly down = new Set<number>()
  /** per host, the traffic of its current process, resolved when it stops */
  private readonly traffic = new Map<number, Promise<TrafficStopped | Error>>()
  private readonly stopped: Array<{ host: number, report: TrafficStopped }> = []
  /** what each receiver process got: [host, generation, receipts by phase] */
  private readonly receipts: Array<{ host: number, generation: number, phases: Record<string, PhaseReceipt> }> = []
  /** per host: windows (shared clock) in which it was down */
  private readonly downWindows = new Map<number, Array<[number, number]>>()
  private readonly warnings: string[] = []

  constructor (private readonly ctx: BenchContext, private readonly swarm: Swarm, private readonly config: SoakConfig) {
    this.n = config.nodes
    this.degree = Math.min(this.n - 1, config.meshDegree)
    // every node sends to its teams in turn: n nodes together give each team its rate
    this.intervalMs = (this.n * 1000) / (config.teams.length * config.messagesPerSecondPerTeam)
  }

  async run (): Promise<Omit<SoakResult, 'machineBusyBefore'>> {
    const { ctx, swarm, config } = this
    ctx.log(`soak: starting ${this.n} agents`)
    const started = clockMs()
    for (const h of swarm.hosts) swarm.spawn(h)
    const connected = new Map(await step('starting and connecting', Promise.all(swarm.hosts.map(async (h) => {
      await swarm.listening(h, config.limits.startMs)
      return [h, await swarm.link(h).ask({ cmd: 'await-peers', peers: this.degree, limitMs: config.limits.startMs }, 'peers-ready', config.limits.startMs + REPORT_GRACE_MS)] as const
    }))))
    requireReached(`not every node had ${this.degree} peers`, connected, a => `${a.connected} peers`)
    const connectedMs = Math.round(clockMs() - started)
    const org = await swarm.setUpOrg(ctx, config.teams, config.joinConcurrency, config.limits.orgStepMs)
    const readyStarted = Date.now()
    const ready = await step('waiting for the teams to be ready', swarm.askAll({ cmd: 'await-ready', teams: config.teams, members: this.n, teamPeers: this.degree, limitMs: config.limits.readyMs }, 'ready', config.limits.readyMs + REPORT_GRACE_MS))
    requireReached('not every node was ready', ready, a => `${a.members} of ${this.n} members known, ${a.teamPeers} of ${this.degree} subscribers connected (smallest over the teams)`)
    const readyMs = Date.now() - readyStarted
    ctx.log(`soak: connected in ${connectedMs} ms, org set up (${org.joinMs.length} joins in ${org.joinAllMs} ms), teams ready in ${readyMs} ms`)

    this.t0 = clockMs()
    this.untilAt = this.t0 + config.minutes * 60_000
    ctx.log(`soak: ${config.minutes} min of traffic (${config.messagesPerSecondPerTeam} msg/s per team), a restart every ${config.churnEveryMs / 1000} s, samples every ${config.sampleEveryMs / 1000} s`)
    for (const h of swarm.hosts) this.startTraffic(h)
    await Promise.all([this.sampleLoop(), this.churnLoop()])

    // every process stops its traffic at untilAt by itself
    const ended = await Promise.all(swarm.hosts.map(async h => this.traffic.get(h)!))
    for (const e of ended) if (e instanceof Error) throw e
    const trafficEnd = clockMs()
    const sentByTeam: Record<string, number> = Object.fromEntries(config.teams.map(t => [t, 0]))
    let failedSends = 0
    for (const { report } of this.stopped) {
      for (const [team, count] of Object.entries(report.sent)) sentByTeam[team] = (sentByTeam[team] ?? 0) + count
      failedSends += report.failed
    }
    ctx.log(`soak: traffic over; sent ${Object.values(sentByTeam).reduce((a, b) => a + b, 0)} messages; waiting for every log to hold them all`)
    const delivery = await this.settle(sentByTeam, trafficEnd)
    ctx.log(`soak: delivery ${delivery.complete ? 'complete' : 'INCOMPLETE'}: ${delivery.held} of ${delivery.expected} held after ${delivery.settleMs} ms`)

    for (const [h, report] of await step('collecting', swarm.askAll({ cmd: 'collect' }, 'collected', 20_000))) {
      this.receipts.push({ host: h, generation: swarm.agent(h).generation, phases: report.phases })
    }
    this.collectWarnings()
    return {
      setup: { ...org, connectedMs, readyMs },
      traffic: { seconds: round((trafficEnd - this.t0) / 1000, 1), intervalMsPerNode: this.intervalMs, sentByTeam, failedSends },
      delivery: { ...delivery, backfilled: this.backfilled() },
      latencyMs: this.latencies(),
      churn: this.churns,
      growth: this.growth(),
      series: this.series(),
      samples: this.samples,
      warnings: summariseWarnings(this.warnings)
    }
  }

  private since (at: number): number {
    return round((at - this.t0) / 1000, 1)
  }

  /** Start the current process of `host` sending; its `traffic-stopped` is kept for the tally. */
  private startTraffic (host: number): void {
    const link = this.swarm.link(host)
    const maxMessages = Math.ceil((this.untilAt - clockMs()) / this.intervalMs) + 1
    // waiting for the end is registered before the command, and never left unhandled
    const done = link.next('traffic-stopped', Math.max(0, this.untilAt - clockMs()) + 60_000)
      .then((report) => { this.stopped.push({ host, report }); return report }, (err: Error) => err)
    this.traffic.set(host, done)
    link.send({ cmd: 'traffic', teams: this.config.teams, intervalMs: this.intervalMs, untilAt: this.untilAt, maxMessages })
  }

  private async sampleLoop (): Promise<void> {
    for (let i = 0; ; i++) {
      const at = this.t0 + i * this.config.sampleEveryMs
      if (at > this.untilAt) return
      await sleep(Math.max(0, at - clockMs()))
      await this.sampleAll()
    }
  }

  private async sampleAll (): Promise<void> {
    const hosts = this.swarm.hosts.filter(h => !this.down.has(h))
    await Promise.all(hosts.map(async (h) => {
      const agent = this.swarm.agent(h)
      try {
        const [s, usage] = await Promise.all([agent.requireLink().ask({ cmd: 'sample', gc: true }, 'sample', 10_000), processUsage(agent.pid)])
        this.samples.push({
          t: this.since(s.at),
          host: h,
          generation: agent.generation,
          heapMB: round(s.heapUsedBytes / 1024 / 1024, 2),
          rssMB: round(s.rssBytes / 1024 / 1024, 1),
          fds: s.fds,
          peers: s.peers,
          backfilled: s.backfilled,
          cpuSeconds: round(usage?.cpuSeconds ?? NaN, 2),
          loopDelayP99Ms: s.loopDelayMs.p99
        })
      } catch (err) {
        // a node stopped by churn while asked; anything else is worth a warning in the report
        if (!this.down.has(h)) this.warnings.push(`host ${h}: sample failed: ${(err as Error).message.split('\n')[0]}`)
      }
    }))
  }

  private async churnLoop (): Promise<void> {
    const candidates = this.swarm.hosts.filter(h => h !== 1)
    for (let i = 1; ; i++) {
      const at = this.t0 + i * this.config.churnEveryMs
      if (at + this.config.downMs + CHURN_QUIET_END_MS > this.untilAt) return
      await sleep(Math.max(0, at - clockMs()))
      await this.restart(candidates[Math.floor(Math.random() * candidates.length)]!)
    }
  }

  /** Stop `host`'s node (keeping what it sent and received), wait `downMs`, start it on the same data dir. */
  private async restart (host: number): Promise<void> {
    const { swarm, config } = this
    const agent = swarm.agent(host)
    const link = agent.requireLink()
    this.down.add(host)
    link.send({ cmd: 'stop-traffic' })
    const stopped = await this.traffic.get(host)!
    if (stopped instanceof Error) throw stopped
    const collected = await step(`host ${host}: collecting before restart`, link.ask({ cmd: 'collect' }, 'collected', 10_000))
    this.receipts.push({ host, generation: agent.generation, phases: collected.phases })
    this.warnings.push(...link.warnings.map(w => `host ${host}: ${w}`))
    const stoppedAt = clockMs()
    await swarm.stopAgent(host, config.limits.stopMs)
    await sleep(config.downMs)
    const next = swarm.spawn(host, agent.generation + 1)
    await step(`host ${host}: restarting`, swarm.listening(host, config.limits.restartMs))
    const listening = clockMs()
    // it sends again at once, as a user would; messages sent to it until it is connected again count as caught up
    this.down.delete(host)
    this.startTraffic(host)
    const peers = await step(`host ${host}: reconnecting`, swarm.link(host).ask({ cmd: 'await-peers', peers: this.degree, limitMs: config.limits.restartMs }, 'peers-ready', config.limits.restartMs + REPORT_GRACE_MS))
    const windows = this.downWindows.get(host) ?? []
    windows.push([stoppedAt, peers.at])
    this.downWindows.set(host, windows)
    this.churns.push({
      host,
      generation: agent.generation,
      stoppedAt: this.since(stoppedAt),
      listeningAgainAt: this.since(listening),
      ...(peers.reached ? { connectedAgainAt: this.since(peers.at) } : {})
    })
    this.ctx.log(`soak: host ${host} restarted (generation ${next.generation}): listening at ${this.since(listening)} s, ${peers.reached ? `connected at ${this.since(peers.at)} s` : `NOT reconnected to ${this.degree} peers within ${config.limits.restartMs / 1000} s`}`)
  }

  /** Poll every node's log until each holds every message of each team, or the limit passes. */
  private async settle (sentByTeam: Record<string, number>, trafficEnd: number): Promise<Omit<SoakResult['delivery'], 'backfilled'>> {
    const { swarm, config } = this
    const expected = Object.values(sentByTeam).reduce((a, b) => a + b, 0) * this.n
    const deadline = Date.now() + config.limits.settleMs
    for (;;) {
      const histories = await step('reading the logs', swarm.askAll({ cmd: 'history' }, 'history', 10_000))
      const missing: Record<string, Record<string, number>> = {}
      let held = 0
      for (const [h, report] of histories) {
        for (const team of config.teams) {
          const entries = report.teams[team]?.entries ?? 0
          held += Math.min(entries, sentByTeam[team]!)
          if (entries < sentByTeam[team]!) (missing[`host${h}`] ??= {})[team] = sentByTeam[team]! - entries
        }
      }
      const complete = Object.keys(missing).length === 0
      if (complete || Date.now() > deadline) {
        return { complete, settleMs: Math.round(clockMs() - trafficEnd), held, expected, missing, senderMismatches: this.senderMismatches(histories, sentByTeam) }
      }
      await sleep(SETTLE_POLL_MS)
    }
  }

  /** Each sender's own feed length per team against what its agents reported sending. */
  private senderMismatches (histories: Map<number, HistoryReport>, sentByTeam: Record<string, number>): string[] {
    const out: string[] = []
    const byHost = new Map<number, Record<string, number>>()
    for (const { host, report } of this.stopped) {
      const mine = byHost.get(host) ?? {}
      for (const [team, count] of Object.entries(report.sent)) mine[team] = (mine[team] ?? 0) + count
      byHost.set(host, mine)
    }
    for (const [h, report] of histories) {
      for (const team of this.config.teams) {
        const own = report.teams[team]?.heads[report.peerId] ?? 0
        const said = byHost.get(h)?.[team] ?? 0
        if (own !== said) out.push(`host ${h}, ${team}: its log holds ${own} of its own messages, its agents reported ${said} sent`)
      }
    }
    const total = Object.values(sentByTeam).reduce((a, b) => a + b, 0)
    if (total === 0) out.push('nothing was sent')
    return out
  }

  private backfilled (): number {
    // the last sample of each process holds its running total
    const last = new Map<string, number>()
    for (const s of this.samples) last.set(`${s.host}/${s.generation}`, s.backfilled)
    return [...last.values()].reduce((a, b) => a + b, 0)
  }

  /** Latencies of messages received while the receiver was up at their send time, by third of the run. */
  private latencies (): SoakResult['latencyMs'] {
    const online: number[] = []
    const thirds: number[][] = [[], [], []]
    let caughtUp = 0
    let caughtUpMax = 0
    const length = this.untilAt - this.t0
    for (const r of this.receipts) {
      const windows = this.downWindows.get(r.host) ?? []
      for (const receipt of Object.values(r.phases)) {
        receipt.latenciesMs.forEach((latency, i) => {
          const sentAt = receipt.sentAt[i]!
          if (windows.some(([from, to]) => sentAt >= from && sentAt <= to)) {
            caughtUp++
            caughtUpMax = Math.max(caughtUpMax, latency)
            return
          }
          online.push(latency)
          const third = Math.min(2, Math.max(0, Math.floor(((sentAt - this.t0) / length) * 3)))
          thirds[third]!.push(latency)
        })
      }
    }
    if (online.length === 0) throw new AgentFailedError('no message reached any receiver')
    return {
      online: summarise(online),
      byThird: thirds.map(t => t.length === 0 ? summarise([NaN]) : summarise(t)),
      caughtUp: { count: caughtUp, maxMs: round(caughtUpMax, 1) }
    }
  }

  /** Per node, on its longest-running process: heap and descriptors, first third against last third. */
  private growth (): GrowthVerdict[] {
    const out: GrowthVerdict[] = []
    for (const h of this.swarm.hosts) {
      const byGeneration = new Map<number, SoakSample[]>()
      for (const s of this.samples.filter(x => x.host === h)) byGeneration.set(s.generation, [...byGeneration.get(s.generation) ?? [], s])
      const [generation, series] = [...byGeneration].sort((a, b) => b[1].length - a[1].length)[0] ?? [0, []]
      if (series.length < 3) continue
      const third = Math.floor(series.length / 3)
      const compare = (of: (s: SoakSample) => number): GrowthVerdict['fds'] => {
        const first = mean(series.slice(0, third).map(of))
        const last = mean(series.slice(series.length - third).map(of))
        return { firstThird: round(first, 2), lastThird: round(last, 2), growth: round((last - first) / first, 3) }
      }
      const heapMB = compare(s => s.heapMB)
      const fds = compare(s => s.fds)
      out.push({ host: h, generation, samples: series.length, heapMB, fds, possibleLeak: heapMB.growth > this.config.leakThreshold || fds.growth > this.config.leakThreshold })
    }
    return out
  }

  private series (): SoakResult['series'] {
    const ticks = new Map<number, SoakSample[]>()
    for (const s of this.samples) {
      const tick = Math.round(s.t / (this.config.sampleEveryMs / 1000))
      ticks.set(tick, [...ticks.get(tick) ?? [], s])
    }
    return [...ticks].sort((a, b) => a[0] - b[0]).map(([, list]) => ({
      t: round(mean(list.map(s => s.t)), 1),
      nodes: list.length,
      heapMB: round(mean(list.map(s => s.heapMB)), 2),
      rssMB: round(mean(list.map(s => s.rssMB)), 1),
      fds: round(mean(list.map(s => s.fds)), 1),
      peers: round(mean(list.map(s => s.peers)), 1),
      loopDelayP99Ms: round(mean(list.map(s => s.loopDelayP99Ms)), 1)
    }))
  }

  private collectWarnings (): void {
    for (const agent of this.swarm.agents.values()) this.warnings.push(...(agent.link?.warnings ?? []).map(w => `host ${agent.host}: ${w}`))
  }
}

/** The table, notes and details. */
function outcome (r: SoakResult, config: SoakConfig): BenchOutcome {
  const third = Math.max(1, Math.floor(r.series.length / 3))
  const first = r.series.slice(0, third)
  const last = r.series.slice(-third)
  const avg = (list: SoakResult['series'], key: 'heapMB' | 'rssMB' | 'fds'): number => round(mean(list.map(x => x[key])), 2)
  const admin = r.growth.find(g => g.host === 1)
  const figures = [
    figure('messages held at the end, all nodes and teams', 'msgs', r.delivery.held, r.delivery.expected),
    figure('latency p50, last third of the run', 'ms', r.latencyMs.byThird[2]!.p50, r.latencyMs.byThird[0]!.p50),
    figure('latency p99, last third of the run', 'ms', r.latencyMs.byThird[2]!.p99, r.latencyMs.byThird[0]!.p99),
    figure('heap used after GC, mean of nodes', 'MB', avg(last, 'heapMB'), avg(first, 'heapMB')),
    ...(admin === undefined ? [] : [figure('heap used after GC, admin (never restarted)', 'MB', admin.heapMB.lastThird, admin.heapMB.firstThird)]),
    figure('RSS, mean of nodes', 'MB', avg(last, 'rssMB'), avg(first, 'rssMB')),
    figure('open file descriptors, mean of nodes', 'fds', avg(last, 'fds'), avg(first, 'fds'))
  ]
  const leaks = r.growth.filter(g => g.possibleLeak)
  const sent = Object.values(r.traffic.sentByTeam).reduce((a, b) => a + b, 0)
  const notes = [
    `delivery: ${r.delivery.complete ? 'COMPLETE' : 'INCOMPLETE'}: ${r.delivery.held} of ${r.delivery.expected} (${sent} messages x ${config.nodes} nodes) held ${round(r.delivery.settleMs / 1000, 1)} s after traffic stopped` +
      (r.delivery.complete ? '' : `; missing: ${JSON.stringify(r.delivery.missing)}`),
    `${r.churn.length} restarts (${r.churn.map(c => `h${c.host} down ${c.stoppedAt}s, listening ${c.listeningAgainAt}s, connected ${c.connectedAgainAt ?? 'never'}s`).join('; ')}); ` +
      `${r.latencyMs.caughtUp.count} deliveries caught up after a restart (max ${r.latencyMs.caughtUp.maxMs} ms); ${r.delivery.backfilled} entries stored by history sync`,
    `latency of messages received by connected nodes: p50 ${r.latencyMs.online.p50} ms, p99 ${r.latencyMs.online.p99} ms, max ${r.latencyMs.online.max} ms`,
    ...(r.delivery.senderMismatches.length === 0 ? [] : [`sender counts disagree: ${r.delivery.senderMismatches.join('; ')}`]),
    leaks.length === 0
      ? `growth test (> ${config.leakThreshold * 100}% from the first third to the last): no possible leak (${r.growth.length} nodes judged)`
      : `POSSIBLE LEAK (> ${config.leakThreshold * 100}% growth, first third to last): ${leaks.map(g => `host ${g.host} heap ${g.heapMB.firstThird}->${g.heapMB.lastThird} MB, fds ${g.fds.firstThird}->${g.fds.lastThird}`).join('; ')}`,
    `the machine was ${round(r.machineBusyBefore * 100, 1)}% busy before the soak started (other work skews latency)`,
    `series (t s: heap MB / RSS MB / fds / event loop delay p99 ms, means of running nodes): ${r.series.map(s => `${s.t}: ${s.heapMB}/${s.rssMB}/${s.fds}/${s.loopDelayP99Ms}`).join(', ')}`
  ]
  return { figures, notes, details: { config, ...r } }
}
