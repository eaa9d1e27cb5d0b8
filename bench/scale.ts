/**
 * The scale benchmark: N parley nodes in one team, each in its own network-namespace host on one
 * bridge, finding each other by mDNS alone (no static peers), for N = 10, 30 and 100 by default.
 * Per N it measures:
 *   - connecting: from spawning the first process until every node has at least
 *     min(N - 1, meshDegree) connected peers (meshDegree 6: gossipsub's default D, twice parley's
 *     mesh, so that flooding and the mesh both have peers to choose from);
 *   - org setup, apart: host 1 founds the org and invites the others, who join a few at a time; host 1
 *     creates team `bench` with everyone; then "ready": every node knows all N members of `bench`
 *     and is connected to at least min(N - 1, meshDegree) of them subscribed to its topic;
 *   - the ready swarm is let settle (its setup's syncs die down), then its idle CPU and the bytes each
 *     node sends onto the LAN per second (mDNS, presence, heartbeats and resyncs go on without bench
 *     traffic), read from the switch's ports;
 *   - delivery: after one warm-up message per node, 1,000 messages from senders spread over all nodes
 *     (message k from host k mod N + 1) on a fixed schedule at a steady total rate; per receiver the
 *     share of what the others sent that it got, and p50/p99 latency over all receivers;
 *   - CPU (utime + stime from /proc/PID/stat) and RSS of every node, the bytes all hosts sent onto
 *     the LAN per message, and how busy the machine was.
 * It reports the largest N that sent every message on schedule with 100% delivery and p99 ≤ 1 s.
 * Sizes run smallest first. The hosts know each other's MAC addresses from the start as permanent
 * neighbour entries (see NetnsLab), which the kernel's neighbour table, shared by every namespace, does
 * not count towards its limit (gc_thresh3, usually 1,024) since Linux 4.19; on an older kernel a size
 * whose full mesh needs more (~N * (N + 1) entries) is not run. Nor is a size when too little of the
 * time budget is left, or after a smaller size failed; the notes say which and why.
 */
import { join } from 'node:path'
import { cpus, loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { figure } from './benchmark.js'
import { BenchTimeoutError } from './errors.js'
import { busyShare, machineBusyOver, machineCpu, neighbourTable, ownNetns, permanentNeighboursExempt } from './proc-usage.js'
import { clockMs } from './protocol.js'
import { summarise } from './stats.js'
import { mean, REPORT_GRACE_MS, requireReached, round, step, summariseWarnings, Swarm } from './swarm.js'
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './benchmark.js'
import type { ProcessUsage } from './proc-usage.js'
import type { LatencySummary } from './stats.js'
import type { OrgSetupTimes } from './swarm.js'

export interface ScaleConfig {
  /** swarm sizes, run smallest first */
  sizes: number[]
  /** messages in the measured phase, over all senders */
  messages: number
  /** messages per second over the whole swarm, sent on a fixed schedule */
  ratePerSecond: number
  payloadBytes: number
  /** "connected" means at least min(N - 1, meshDegree) peers (6: gossipsub's default D, twice parley's MESH.D) */
  meshDegree: number
  /** joins under way at once against the one admin */
  joinConcurrency: number
  /** the target: 100% delivery and p99 at most this */
  latencyTargetMs: number
  /** the whole benchmark, all sizes; a size that starts with less than `minSizeBudgetMs` left is skipped */
  budgetMs: number
  minSizeBudgetMs: number
  /** extra node flags for the agents, e.g. `--cpu-prof` (see SwarmInit) */
  agentNodeArgs: string[]
  limits: {
    /** to spawn every agent and see every node connected: base plus per host */
    connectBaseMs: number
    connectPerHostMs: number
    /** each org step (founding, one join, creating the team) */
    orgStepMs: number
    /** from the team's creation until every node is ready: base plus per host */
    readyBaseMs: number
    readyPerHostMs: number
    /** for every node's warm-up message to reach every other node: base plus per host */
    warmupMs: number
    warmupPerHostMs: number
    /** after the last scheduled send, for the last messages to arrive */
    drainMs: number
    stopMs: number
  }
}

export const SCALE_CONFIG: ScaleConfig = {
  sizes: [10, 20, 30],
  messages: 1_000,
  ratePerSecond: 25,
  payloadBytes: 200,
  meshDegree: 6,
  joinConcurrency: 2,
  latencyTargetMs: 1_000,
  budgetMs: 450_000,
  minSizeBudgetMs: 60_000,
  // PARLEY_AGENT_NODE_ARGS: node flags for the agents (profiling: --cpu-prof --cpu-prof-dir=DIR)
  agentNodeArgs: (process.env.PARLEY_AGENT_NODE_ARGS ?? '').split(' ').filter(a => a !== ''),
  limits: {
    connectBaseMs: 20_000,
    // N processes starting at once share 2 cores: each needs seconds of CPU to load its modules,
    // listen and answer the others' mDNS queries (at N = 30: connected in 70 s)
    connectPerHostMs: 5_000,
    orgStepMs: 60_000,
    readyBaseMs: 40_000,
    readyPerHostMs: 300,
    warmupMs: 20_000,
    warmupPerHostMs: 500,
    drainMs: 20_000,
    stopMs: 5_000
  }
}

/** The runner's limit for this benchmark: its budget and a margin for the last teardown. */
const SCALE_LIMIT_MS = SCALE_CONFIG.budgetMs + 15_000
const TEAM = 'bench'
const PROGRESS_POLL_MS = 1_000
/** between one node's warm-up message and the next */
const WARMUP_SPACING_MS = 50
/** how long the ready swarm is watched with no traffic, for the nodes' idle CPU */
const IDLE_MS = 5_000
/** after ready, the swarm is let settle for at most this long, watched over SETTLE_POLL_MS at a time */
const SETTLE_LIMIT_MS = 40_000
const SETTLE_POLL_MS = 2_000
/** settled: the machine less busy than this */
const SETTLED_BUSY = 0.6
/** how long the machine is watched before a size starts */
const QUIET_CHECK_MS = 2_000
/** after the schedule's last send time, how long a node that fell behind may go on sending */
const SCHEDULE_SLACK_MS = 10_000
/** after that, for the last send to finish and its report to arrive */
const SENT_REPORT_GRACE_MS = 20_000

/** The figures of one size. */
export interface SizeResult {
  nodes: number
  ok: boolean
  /** how busy the machine was just before this size started (other work: shared machine), 0..1 */
  machineBusyBefore: number
  /** times the kernel's neighbour table was full while this size ran (sends then fail with ENOBUFS) */
  neighbourTableOverflows?: number
  /** the step it failed in and why, when not ok */
  failure?: { step: string, reason: string }
  /** from spawning the first agent, ms */
  start?: {
    /** until every node listened */
    listeningMs: number
    /** until every node had min(N - 1, D) peers: the "connected" figure */
    connectedMs: number
    /** per node, spawn of the first agent to its own "connected" */
    connectedMsByNode: LatencySummary
    /** until every node was connected to all N - 1 others (absent: not within the limit) */
    fullMeshMs?: number
    /** the same, counted from the moment the last node listened (the machine's start-up cost aside) */
    fullMeshAfterListeningMs?: number
    /** nodes short of N - 1 peers when the limit passed */
    fullMeshShort: number
    machineBusy: number
  }
  /** peers per node once the traffic is done: did the mesh hold? */
  meshAfterTraffic?: { min: number, mean: number }
  org?: OrgSetupTimes & {
    /** from the team's creation until every node was ready */
    readyMs: number
    /** connected peers per node once ready: is the LAN a full mesh? */
    peersAtReady: { min: number, mean: number, max: number }
    machineBusy: number
  }
  /** after ready, until the setup's work died down (see settle) */
  settle?: { ms: number, settled: boolean, machineBusy: number }
  warmup?: { ms: number, complete: boolean }
  /** the ready swarm with no bench traffic: CPU per node (% of a core) and of the machine */
  idle?: { percentOfCore: { mean: number, max: number }, machineBusy: number, /** bytes each node sent onto the LAN per second, mean */ lanBytesPerNodeSecond: number }
  traffic?: {
    /** planned, and sent before the schedule's end (plus slack): a starved node falls behind */
    messages: number
    sent: number
    scheduleKept: boolean
    ratePerSecond: number
    /** how long the schedule took to send, and the drain after it */
    sendSeconds: number
    drainSeconds: number
    /** received / expected (what the others sent) over all receivers, and the worst receiver's */
    delivery: number
    worstReceiverDelivery: number
    /** receivers that missed messages: host -> missing count */
    missing: Record<string, number>
    duplicates: number
    /** what all hosts sent onto the LAN during the traffic (its idle part included), per message sent */
    lanBytesPerMessage: number
    lanPacketsPerMessage: number
    latencyMs: LatencySummary
    /** how long the senders' `send()` took (durable append with fsync, then publish): part of the latency */
    sendCallMs: LatencySummary
    /** the worst receiver's p99 */
    worstReceiverP99Ms: number
    /** how late the nodes' event loops ran in the traffic phase: the mean of their p99s, and the worst */
    loopDelayMs: { meanP99: number, maxP99: number, max: number }
    machineBusy: number
  }
  /** per node, the traffic phase and the whole run */
  cpu?: {
    /** CPU time in the traffic phase over its wall time, % of one core */
    trafficPercentOfCore: { mean: number, max: number }
    /** CPU seconds from process start to the end of traffic */
    totalSeconds: { mean: number, max: number }
    /** all nodes' CPU in the traffic phase over all CPUs of the machine; the rest of `machineBusy` was other work */
    swarmShareOfMachine: number
    /** CPU the traffic phase cost beyond idle, per message sent or received, summed over nodes */
    perMessageMs: number
  }
  rssMB?: { mean: number, max: number, peak: number }
  loadAverageAfter?: number[]
  warnings: string[]
}

/** The scale benchmark, for the runner; `sizes` overrides the default 10, 20, 30. */
export function scaleBenchmark (options: { sizes?: number[] } = {}): Benchmark & { limitMs: number } {
  const config = { ...SCALE_CONFIG, sizes: options.sizes ?? SCALE_CONFIG.sizes }
  return {
    name: 'scale',
    description: `N nodes in one team on N netns hosts, mDNS only (N = ${config.sizes.join(', ')}): connect time, org setup, 1,000 messages, CPU and RSS`,
    baseline: `smallest N (${Math.min(...config.sizes)})`,
    limitMs: SCALE_LIMIT_MS,
    run: async (ctx) => runScale(ctx, config)
  }
}

/** Every size in turn, smallest first, within the budget. */
export async function runScale (ctx: BenchContext, config: ScaleConfig): Promise<BenchOutcome> {
  const sizes = [...new Set(config.sizes)].sort((a, b) => a - b)
  if (sizes.length === 0 || sizes.some(n => !Number.isInteger(n) || n < 2)) throw new RangeError(`sizes must be whole numbers of at least 2: ${config.sizes.join(', ')}`)
  const deadline = Date.now() + config.budgetMs
  const results: SizeResult[] = []
  const notTried: Array<{ nodes: number, why: string }> = []
  for (const n of sizes) {
    const left = deadline - Date.now()
    const blocked = results.find(r => !r.ok)
    if (blocked !== undefined) {
      notTried.push({ nodes: n, why: `N = ${blocked.nodes} failed` })
      continue
    }
    // a full mesh of n hosts needs ~n * (n + 1) kernel neighbour entries (a peer each, and multicast),
    // in one table shared with every namespace on the machine: past its limit nothing connects (ENOBUFS)
    const need = n * (n + 1)
    const table = await neighbourTable()
    if (!permanentNeighboursExempt() && need > table.limit) {
      notTried.push({
        nodes: n,
        why: `a full mesh of ${n} hosts needs ~${need} kernel neighbour (ARP) entries; the table, shared by all namespaces, holds ${table.limit} ` +
          `(net.ipv4.neigh.default.gc_thresh3): past it mDNS and dials fail with ENOBUFS, and on this kernel (before 4.19) the lab's permanent entries count too`
      })
      continue
    }
    if (left < config.minSizeBudgetMs) {
      notTried.push({ nodes: n, why: `only ${Math.round(left / 1000)} s of the ${config.budgetMs / 1000} s budget left` })
      continue
    }
    ctx.log(`scale: N = ${n}, ${Math.round(left / 1000)} s of budget left`)
    results.push(await runSize(ctx, n, config, deadline))
  }
  return outcome(results, notTried, config)
}

/** The table, notes and details of all sizes. */
function outcome (results: SizeResult[], notTried: Array<{ nodes: number, why: string }>, config: ScaleConfig): BenchOutcome {
  const done = results.filter(r => r.ok)
  const base = done[0]
  const figures: Figure[] = []
  for (const r of done) {
    const rows: Array<[string, string, (s: SizeResult) => number]> = [
      ['time to connected', 's', s => s.start!.connectedMs / 1000],
      ['time to full mesh (N-1 peers each), from spawn', 's', s => (s.start!.fullMeshMs ?? NaN) / 1000],
      ['time to full mesh, from the last node listening', 's', s => (s.start!.fullMeshAfterListeningMs ?? NaN) / 1000],
      ['fewest peers of a node after the traffic', 'peers', s => s.meshAfterTraffic?.min ?? NaN],
      ['org setup: found, joins, team', 's', s => (s.org!.foundOrgMs + s.org!.joinAllMs + s.org!.createTeamsMs) / 1000],
      ['team ready after its creation', 's', s => s.org!.readyMs / 1000],
      ['messages sent on schedule', '%', s => (s.traffic!.sent / s.traffic!.messages) * 100],
      ['delivery of what was sent', '%', s => s.traffic!.delivery * 100],
      ['latency p50', 'ms', s => s.traffic!.latencyMs.p50],
      ['latency p99', 'ms', s => s.traffic!.latencyMs.p99],
      ['CPU per node in traffic, mean', '% core', s => s.cpu!.trafficPercentOfCore.mean],
      ['CPU per node idle (ready, no traffic)', '% core', s => s.idle!.percentOfCore.mean],
      ['CPU per message sent or received', 'ms', s => s.cpu!.perMessageMs],
      ['LAN bytes per message, all hosts (idle traffic included)', 'B', s => s.traffic!.lanBytesPerMessage],
      ['LAN bytes per node per second, idle', 'B/s', s => s.idle!.lanBytesPerNodeSecond],
      ['RSS per node, mean', 'MB', s => s.rssMB!.mean],
      ['RSS per node, max', 'MB', s => s.rssMB!.max]
    ]
    for (const [name, unit, of] of rows) figures.push(figure(`N=${r.nodes}: ${name}`, unit, round(of(r), 3), round(of(base!), 3)))
  }
  const meets = (r: SizeResult): boolean => r.ok && r.traffic!.scheduleKept && r.traffic!.delivery === 1 && r.traffic!.latencyMs.p99 <= config.latencyTargetMs
  const passing = done.filter(meets)
  const largest = passing.length === 0 ? undefined : Math.max(...passing.map(r => r.nodes))
  const notes = [
    `"connected": every node has ≥ min(N-1, ${config.meshDegree}) connected peers (found by mDNS only); "ready": every node knows all N members of team ${TEAM} and has ≥ min(N-1, ${config.meshDegree}) of them connected and subscribed`,
    `target: every message sent on schedule, 100% delivered, p99 ≤ ${config.latencyTargetMs} ms: largest N that met it: ${largest ?? 'none'}`,
    ...done.map(r => `N=${r.nodes}: machine ${pct(r.machineBusyBefore)} busy before it started; ${r.traffic!.sent} of ${r.traffic!.messages} messages sent${r.traffic!.scheduleKept ? '' : ' (senders FELL BEHIND the schedule)'}; delivery ${pct(r.traffic!.delivery)} (worst receiver ${pct(r.traffic!.worstReceiverDelivery)}${r.traffic!.delivery < 1 ? `; missing = not arrived ${round(r.traffic!.drainSeconds, 1)} s after the schedule ended` : ''}), p50 ${r.traffic!.latencyMs.p50} ms, p99 ${r.traffic!.latencyMs.p99} ms ` +
      `(of which send() p50 ${r.traffic!.sendCallMs.p50} ms, p99 ${r.traffic!.sendCallMs.p99} ms; event loop delay p99 ${r.traffic!.loopDelayMs.meanP99} ms mean of nodes, worst ${r.traffic!.loopDelayMs.maxP99} ms), ` +
      `${meets(r) ? 'met' : 'NOT met'}; machine CPU busy: start ${pct(r.start!.machineBusy)}, org ${pct(r.org!.machineBusy)}, traffic ${pct(r.traffic!.machineBusy)} (the swarm's own share ${pct(r.cpu!.swarmShareOfMachine)}); ` +
      `joins ${r.org!.joinMs.length} (${r.org!.joinConcurrency} at a time) in ${round(r.org!.joinAllMs / 1000, 1)} s; peers per node at ready ${r.org!.peersAtReady.min}..${r.org!.peersAtReady.max}; ` +
      `${r.settle!.settled ? 'settled' : 'NOT settled'} ${round(r.settle!.ms / 1000, 1)} s after ready; the idle swarm used ${round((r.idle!.percentOfCore.mean * r.nodes) / 100, 2)} cores`),
    ...results.filter(r => !r.ok).map(r => `N=${r.nodes}: FAILED in ${r.failure!.step}: ${r.failure!.reason.split('\n')[0]}; before that: ${partial(r)}`),
    ...results.filter(r => (r.neighbourTableOverflows ?? 0) > 0).map(r => `N=${r.nodes}: the kernel's neighbour (ARP) table was full ${r.neighbourTableOverflows} times while it ran: sends failed with ENOBUFS, figures are not trustworthy`),
    ...notTried.map(t => `N=${t.nodes}: not run: ${t.why}`)
  ]
  return {
    figures,
    notes,
    details: {
      config,
      topology: 'one netns host per node on one bridge; mDNS discovery only; host 1 founds the org and invites the rest; team bench holds everyone; senders spread over all nodes',
      largestMeetingTarget: largest ?? null,
      sizes: results,
      notTried
    }
  }
}

/** One swarm of `n`: start, connect, org, ready, warm-up, traffic; always torn down. */
async function runSize (ctx: BenchContext, n: number, config: ScaleConfig, deadline: number): Promise<SizeResult> {
  const result: SizeResult = { nodes: n, ok: false, machineBusyBefore: await machineBusyOver(QUIET_CHECK_MS), warnings: [] }
  const left = (limitMs: number): number => Math.max(1_000, Math.min(limitMs, deadline - Date.now()))
  const degree = Math.min(n - 1, config.meshDegree)
  let current = 'creating the hosts'
  let swarm: Swarm | undefined
  const overflowsBefore = (await neighbourTable()).overflows
  try {
    swarm = await Swarm.create(ctx, `scale-${n}`, {
      hosts: n,
      dir: join(ctx.workDir, `scale-${n}`),
      runnerNetns: await ownNetns(),
      agentLifetimeMs: config.budgetMs + 60_000,
      payloadBytes: config.payloadBytes,
      nodeArgs: config.agentNodeArgs
    })
    const s = swarm

    current = 'starting and connecting'
    ctx.log(`scale N=${n}: starting ${n} agents; waiting for each to have ${degree} peers`)
    const connectLimit = left(config.limits.connectBaseMs + config.limits.connectPerHostMs * n)
    const cpuStart = await machineCpu()
    const t0 = clockMs()
    for (const h of s.hosts) s.spawn(h)
    const listenedAt: number[] = []
    const connected = new Map(await step('starting and connecting', Promise.all(s.hosts.map(async (h) => {
      const started = Date.now()
      await s.listening(h, connectLimit)
      listenedAt.push(clockMs())
      const limit = Math.max(1_000, connectLimit - (Date.now() - started))
      return [h, await s.link(h).ask({ cmd: 'await-peers', peers: degree, limitMs: limit }, 'peers-ready', limit + REPORT_GRACE_MS)] as const
    }))))
    requireReached(`not every node had ${degree} peers within ${Math.round(connectLimit / 1000)} s (machine ${pct(busyShare(cpuStart, await machineCpu()))} busy)`,
      connected, a => `${a.connected} peers`)
    const connectedAt = [...connected.values()].map(c => c.at - t0)
    // then the whole mesh: every node to every other (mDNS finds them all on one LAN); reported, not required
    const meshLimit = left(config.limits.connectBaseMs)
    const mesh = await step('waiting for the full mesh', s.askAll({ cmd: 'await-peers', peers: n - 1, limitMs: meshLimit }, 'peers-ready', meshLimit + REPORT_GRACE_MS))
    const meshShort = [...mesh.values()].filter(m => !m.reached).length
    const meshAt = Math.max(...[...mesh.values()].map(m => m.at))
    result.start = {
      listeningMs: Math.round(Math.max(...listenedAt) - t0),
      connectedMs: Math.round(Math.max(...connectedAt)),
      connectedMsByNode: summarise(connectedAt),
      ...(meshShort === 0 ? { fullMeshMs: Math.round(meshAt - t0), fullMeshAfterListeningMs: Math.round(Math.max(0, meshAt - Math.max(...listenedAt))) } : {}),
      fullMeshShort: meshShort,
      machineBusy: busyShare(cpuStart, await machineCpu())
    }
    ctx.log(`scale N=${n}: all listening after ${result.start.listeningMs} ms, all connected after ${result.start.connectedMs} ms, ` +
      (meshShort === 0 ? `full mesh after ${result.start.fullMeshMs} ms (${result.start.fullMeshAfterListeningMs} ms after the last listened)` : `full mesh NOT reached within ${Math.round(meshLimit / 1000)} s (${meshShort} nodes short)`))

    current = 'org setup'
    const cpuOrg = await machineCpu()
    const times = await s.setUpOrg(ctx, [TEAM], config.joinConcurrency, left(config.limits.orgStepMs))
    current = 'waiting for the team to be ready'
    const readyLimit = left(config.limits.readyBaseMs + config.limits.readyPerHostMs * n)
    const teamAt = Date.now()
    const ready = await step(current, s.askAll({ cmd: 'await-ready', teams: [TEAM], members: n, teamPeers: degree, limitMs: readyLimit }, 'ready', readyLimit + REPORT_GRACE_MS))
    requireReached(`not every node was ready within ${Math.round(readyLimit / 1000)} s`, ready,
      a => `${a.members} of ${n} members known, ${a.teamPeers} of ${degree} subscribers connected, ${a.peers} peers`)
    const readyMs = Date.now() - teamAt
    const peers = [...ready.values()].map(x => x.peers)
    result.org = {
      ...times,
      readyMs,
      peersAtReady: { min: Math.min(...peers), mean: round(mean(peers), 1), max: Math.max(...peers) },
      machineBusy: busyShare(cpuOrg, await machineCpu())
    }
    ctx.log(`scale N=${n}: org founded in ${times.foundOrgMs} ms, ${n - 1} joins in ${times.joinAllMs} ms, team in ${times.createTeamsMs} ms, ready ${readyMs} ms later`)

    current = 'settling'
    result.settle = await settle(left(SETTLE_LIMIT_MS))
    ctx.log(`scale N=${n}: ${result.settle.settled ? 'settled' : 'NOT settled'} ${result.settle.ms} ms after ready (machine ${pct(result.settle.machineBusy)} busy over the last ${SETTLE_POLL_MS} ms)`)

    current = 'idle'
    result.idle = await measureIdle(s)
    ctx.log(`scale N=${n}: idle, ${result.idle.percentOfCore.mean}% of a core per node, machine ${pct(result.idle.machineBusy)} busy`)

    current = 'warm-up'
    result.warmup = await warmUp(s, n, left(config.limits.warmupMs + config.limits.warmupPerHostMs * n))
    ctx.log(`scale N=${n}: warm-up ${result.warmup.complete ? 'complete' : 'INCOMPLETE'} in ${result.warmup.ms} ms`)

    current = 'traffic'
    await measureTraffic(ctx, s, n, config, left, result)
    const after = [...(await s.askAll({ cmd: 'await-peers', peers: n - 1, limitMs: 0 }, 'peers-ready', 10_000)).values()].map(m => m.connected)
    result.meshAfterTraffic = { min: Math.min(...after), mean: round(mean(after), 1) }
    result.loadAverageAfter = loadavg().map(x => round(x, 2))
    result.ok = true
  } catch (err) {
    const e = err as Error
    result.failure = { step: current, reason: `${e.name}: ${e.message}` }
    result.loadAverageAfter = loadavg().map(x => round(x, 2))
    ctx.log(`scale N=${n}: FAILED in ${current}: ${e.message.split('\n')[0]} (load average ${result.loadAverageAfter.join(' ')})`)
  } finally {
    if (swarm !== undefined) {
      result.warnings = summariseWarnings([...swarm.agents.values()].flatMap(a => (a.link?.warnings ?? []).map(w => `host ${a.host}: ${w}`)))
      await swarm.stopAll(config.limits.stopMs).catch(() => {}) // close() below kills whatever is left
      await swarm.close()
    }
    result.neighbourTableOverflows = (await neighbourTable()).overflows - overflowsBefore
  }
  return result
}

/**
 * Wait for the ready swarm's setup to die down (every node syncs org and history with every newcomer,
 * presence spreads): until the machine is less than SETTLED_BUSY busy over SETTLE_POLL_MS, within
 * `limitMs`. An office does not start its day a second after its last member joined.
 */
async function settle (limitMs: number): Promise<NonNullable<SizeResult['settle']>> {
  const started = Date.now()
  let busy = 1
  while (Date.now() - started < limitMs) {
    busy = await machineBusyOver(SETTLE_POLL_MS)
    if (busy < SETTLED_BUSY) return { ms: Date.now() - started, settled: true, machineBusy: busy }
  }
  return { ms: Date.now() - started, settled: false, machineBusy: busy }
}

/** CPU of the ready swarm over IDLE_MS without bench traffic (mDNS, presence, gossip heartbeats, resyncs go on). */
async function measureIdle (s: Swarm): Promise<NonNullable<SizeResult['idle']>> {
  const before = await s.usage()
  const cpuBefore = await machineCpu()
  const lanBefore = await s.lab.lanSent()
  const started = Date.now()
  await sleep(IDLE_MS)
  const after = await s.usage()
  const wallSeconds = (Date.now() - started) / 1000
  const share = [...after].flatMap(([h, u]) => {
    const b = before.get(h)
    return b === undefined || b.pid !== u.pid ? [] : [((u.cpuSeconds - b.cpuSeconds) / wallSeconds) * 100]
  })
  const lan = await s.lab.lanSent()
  const lanBytesPerNodeSecond = round((lan.bytes - lanBefore.bytes) / s.hosts.length / wallSeconds, 0)
  return { percentOfCore: { mean: round(mean(share), 1), max: round(Math.max(...share), 1) }, machineBusy: busyShare(cpuBefore, await machineCpu()), lanBytesPerNodeSecond }
}

/** One message from every node, spaced out; wait until every node has every other's. */
async function warmUp (s: Swarm, n: number, limitMs: number): Promise<{ ms: number, complete: boolean }> {
  const started = Date.now()
  const firstAt = clockMs() + 500
  for (const h of s.hosts) s.link(h).send({ cmd: 'send', team: TEAM, phase: `w.h${h}`, count: 1, firstAt: firstAt + (h - 1) * WARMUP_SPACING_MS, intervalMs: 0, untilAt: firstAt + limitMs })
  await Promise.all(s.hosts.map(async h => s.link(h).next('sent', limitMs + REPORT_GRACE_MS, r => r.phase === `w.h${h}`)))
  const complete = await waitForAll(s, limitMs - (Date.now() - started), (h, received) =>
    s.hosts.every(sender => sender === h || (received[`w.h${sender}`] ?? 0) >= 1))
  return { ms: Date.now() - started, complete }
}

/** Poll `progress` until `done` holds for every host, or `limitMs` passes; whether it held. */
async function waitForAll (s: Swarm, limitMs: number, done: (host: number, received: Record<string, number>) => boolean): Promise<boolean> {
  const deadline = Date.now() + limitMs
  let pending = s.hosts
  while (pending.length > 0) {
    const progress = await s.askAll({ cmd: 'progress' }, 'progress', 10_000, pending)
    pending = pending.filter(h => !done(h, progress.get(h)!.received))
    if (pending.length === 0) return true
    if (Date.now() > deadline) return false
    await sleep(PROGRESS_POLL_MS)
  }
  return true
}

/** The measured phase: the schedule, the drain, and what every node received and used. */
async function measureTraffic (ctx: BenchContext, s: Swarm, n: number, config: ScaleConfig, left: (ms: number) => number, result: SizeResult): Promise<void> {
  const intervalMs = (n * 1000) / config.ratePerSecond
  const counts = new Map(s.hosts.map(h => [h, Math.ceil((config.messages - (h - 1)) / n)]))
  const phaseOf = (h: number): string => `m.h${h}`
  const sendSeconds = config.messages / config.ratePerSecond
  ctx.log(`scale N=${n}: ${config.messages} messages at ${config.ratePerSecond}/s from all ${n} nodes (${round(sendSeconds, 1)} s)`)
  await s.askAll({ cmd: 'sample', gc: false }, 'sample', 10_000) // starts the event loop delay histograms afresh
  const usageBefore = await s.usage()
  const cpuBefore = await machineCpu()
  const lanBefore = await s.lab.lanSent()
  const wallBefore = Date.now()
  const firstAt = clockMs() + 1_000
  // a node too starved to keep its schedule stops at this time and says how far it got
  const untilAt = firstAt + sendSeconds * 1000 + SCHEDULE_SLACK_MS
  const senders = s.hosts.filter(h => counts.get(h)! > 0)
  for (const h of senders) {
    s.link(h).send({ cmd: 'send', team: TEAM, phase: phaseOf(h), count: counts.get(h)!, firstAt: firstAt + ((h - 1) * 1000) / config.ratePerSecond, intervalMs, untilAt })
  }
  const sendLimit = left(untilAt - clockMs() + SENT_REPORT_GRACE_MS)
  const sentReports = await step('sending the schedule', Promise.all(senders.map(async h => s.link(h).next('sent', sendLimit, r => r.phase === phaseOf(h)))))
  const sentAll = Date.now()
  const sent = new Map(senders.map((h, i) => [h, sentReports[i]!.count]))
  const sentTotal = [...sent.values()].reduce((a, b) => a + b, 0)
  const expected = (receiver: number): number => senders.filter(h => h !== receiver).reduce((sum, h) => sum + sent.get(h)!, 0)
  await waitForAll(s, left(config.limits.drainMs), (h, received) =>
    senders.every(sender => sender === h || (received[phaseOf(sender)] ?? 0) >= sent.get(sender)!))
  const drained = Date.now()
  const usageAfter = await s.usage()
  const cpuAfter = await machineCpu()
  const lanAfter = await s.lab.lanSent()
  const delays = [...(await s.askAll({ cmd: 'sample', gc: false }, 'sample', 10_000)).values()].map(x => x.loopDelayMs)
  const collected = await step('collecting', s.askAll({ cmd: 'collect' }, 'collected', 20_000))

  let receivedTotal = 0
  let expectedTotal = 0
  let duplicates = 0
  let worst = 1
  let worstP99 = 0
  const missing: Record<string, number> = {}
  const latencies: number[] = []
  for (const [h, report] of collected) {
    let got = 0
    const mine: number[] = []
    for (const sender of senders) {
      if (sender === h) continue
      const receipt = report.phases[phaseOf(sender)]
      if (receipt === undefined) continue
      // a send that hung past the report may still arrive: count only up to what the sender reported
      got += Math.min(receipt.count, sent.get(sender)!)
      duplicates += receipt.duplicates
      mine.push(...receipt.latenciesMs)
    }
    const want = expected(h)
    receivedTotal += got
    expectedTotal += want
    worst = Math.min(worst, got / want)
    if (got < want) missing[`host${h}`] = want - got
    if (mine.length > 0) worstP99 = Math.max(worstP99, summarise(mine).p99)
    latencies.push(...mine)
  }
  if (latencies.length === 0) throw new BenchTimeoutError('no measured message reached any receiver')
  const wallSeconds = (drained - wallBefore) / 1000
  result.traffic = {
    messages: config.messages,
    sent: sentTotal,
    scheduleKept: sentTotal === config.messages,
    ratePerSecond: config.ratePerSecond,
    sendSeconds: round((sentAll - wallBefore) / 1000, 1),
    drainSeconds: round((drained - sentAll) / 1000, 1),
    delivery: round(receivedTotal / expectedTotal, 6),
    worstReceiverDelivery: round(worst, 6),
    missing,
    duplicates,
    latencyMs: summarise(latencies),
    sendCallMs: summarise(sentReports.flatMap(r => r.sendMs)),
    worstReceiverP99Ms: worstP99,
    loopDelayMs: { meanP99: round(mean(delays.map(d => d.p99)), 1), maxP99: Math.max(...delays.map(d => d.p99)), max: Math.max(...delays.map(d => d.max)) },
    machineBusy: busyShare(cpuBefore, cpuAfter),
    // everything the hosts sent while the traffic ran (idle traffic included), per message sent
    lanBytesPerMessage: round((lanAfter.bytes - lanBefore.bytes) / sentTotal, 0),
    lanPacketsPerMessage: round((lanAfter.packets - lanBefore.packets) / sentTotal, 1)
  }
  result.cpu = cpuFigures(usageBefore, usageAfter, wallSeconds, result.idle?.percentOfCore.mean ?? 0, receivedTotal + sentTotal)
  const rss = [...usageAfter.values()].map(u => u.rssMB)
  result.rssMB = { mean: round(mean(rss), 1), max: Math.max(...rss), peak: Math.max(...[...usageAfter.values()].map(u => u.peakRssMB)) }
  ctx.log(`scale N=${n}: delivery ${pct(result.traffic.delivery)}, p50 ${result.traffic.latencyMs.p50} ms, p99 ${result.traffic.latencyMs.p99} ms, ` +
    `CPU ${result.cpu.trafficPercentOfCore.mean}% of a core per node (machine ${pct(result.traffic.machineBusy)} busy), RSS mean ${result.rssMB.mean} MB`)
}

function cpuFigures (before: Map<number, ProcessUsage>, after: Map<number, ProcessUsage>, wallSeconds: number, idlePercent: number, messagesHandled: number): NonNullable<SizeResult['cpu']> {
  const traffic: number[] = []
  const total: number[] = []
  for (const [h, u] of after) {
    const b = before.get(h)
    if (b !== undefined && b.pid === u.pid) traffic.push(((u.cpuSeconds - b.cpuSeconds) / wallSeconds) * 100)
    total.push(u.cpuSeconds)
  }
  return {
    trafficPercentOfCore: { mean: round(mean(traffic), 1), max: round(Math.max(...traffic), 1) },
    totalSeconds: { mean: round(mean(total), 2), max: round(Math.max(...total), 2) },
    swarmShareOfMachine: round(traffic.reduce((a, b) => a + b, 0) / 100 / cpus().length, 3),
    perMessageMs: round((traffic.reduce((a, b) => a + b - idlePercent, 0) / 100) * wallSeconds * 1000 / messagesHandled, 2)
  }
}

/** What a failed size got through, for its note. */
function partial (r: SizeResult): string {
  const parts = [`machine ${pct(r.machineBusyBefore)} busy before it started`]
  if (r.start !== undefined) parts.push(`all connected after ${round(r.start.connectedMs / 1000, 1)} s (listening after ${round(r.start.listeningMs / 1000, 1)} s; machine ${pct(r.start.machineBusy)} busy)`)
  if (r.org !== undefined) parts.push(`org founded in ${round(r.org.foundOrgMs / 1000, 1)} s, ${r.org.joinMs.length} joins (${r.org.joinConcurrency} at a time) in ${round(r.org.joinAllMs / 1000, 1)} s, ready ${round(r.org.readyMs / 1000, 1)} s after the team`)
  if (r.idle !== undefined) parts.push(`idle CPU ${r.idle.percentOfCore.mean}% of a core per node = ${round((r.idle.percentOfCore.mean * r.nodes) / 100, 2)} cores for the swarm (machine ${pct(r.idle.machineBusy)} busy)`)
  if (r.loadAverageAfter !== undefined) parts.push(`load average ${r.loadAverageAfter.join(' ')}`)
  return parts.join('; ')
}

function pct (share: number): string {
  return `${round(share * 100, 2)}%`
}
