/**
 * The startup benchmark: real `bin/parley daemon` processes, each in its own network-namespace host
 * on one bridge, finding each other by mDNS, beside bare libp2p nodes on the same stack
 * (bare-node.ts) in the same hosts, in the same run. It measures:
 *   - process start -> connected to all peers: per process, from its spawn until it has been
 *     connected to every other host's node (the daemon's "peer connected" lines), when the whole
 *     office starts at once, and when one node restarts into a running office (a few times);
 *   - idle RSS: every node of the connected office, after it has been left alone for a while;
 *   - RSS with a 100k-message history: a daemon whose log holds 100,000 messages of one team (signed,
 *     encrypted and indexed, written in setup the way send() builds them), alone in a host of its own,
 *     after its start and after the chat's first page of history and a search; beside a member of
 *     the same org with an empty history, measured the same way.
 * Setup, not measured: an office founded and joined in this process over loopback with mDNS off.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { ControlClient } from '../src/control/client.js'
import { createNode } from '../src/node.js'
import { killAndWait, NetnsLab } from '../test/helpers/netns.js'
import { figure } from './benchmark.js'
import { round, storeHistory, until, within, WORDS } from './history-setup.js'
import { AgentFailedError, BenchTimeoutError } from './errors.js'
import { ownNetns, processUsage } from './proc-usage.js'
import { clockMs } from './protocol.js'
import { summarise } from './stats.js'
import type { Benchmark, BenchContext, BenchOutcome } from './benchmark.js'
import type { ParleyNode } from '../src/node.js'
import type { LatencySummary } from './stats.js'
import type { ChildProcess } from 'node:child_process'

export interface StartupConfig {
  /** hosts of the office, one node each */
  hosts: number
  /** times one node is restarted into the running office */
  restarts: number
  /**
   * then, for each of these, one node stops, the office is left quiet that long (its mDNS settles
   * to one query a minute, every redial of the stopped node has failed), and it starts again
   */
  quietMs: number[]
  /** messages in the history of the node measured with one */
  historyMessages: number
  batchEntries: number
  textBytes: number
  /** how long a connected office is left alone before its memory is read */
  settleMs: number
  limits: {
    /** founding the office in setup, and storing the history */
    setupMs: number
    /** from spawn until every node is connected to every other */
    connectMs: number
    /** from spawn until a daemon prints its ready line */
    readyMs: number
    /** the first page of history and the search, on the node with the history */
    historyLoadMs: number
    stopMs: number
  }
}

export const STARTUP_CONFIG: StartupConfig = {
  hosts: 5,
  restarts: 3,
  quietMs: [150_000, 600_000],
  historyMessages: 100_000,
  batchEntries: 2_000,
  textBytes: 100,
  settleMs: 10_000,
  // setup signs and stores 100k entries: ~50 s on an idle 2-core machine, several times that on a busy one
  limits: { setupMs: 300_000, connectMs: 40_000, readyMs: 30_000, historyLoadMs: 60_000, stopMs: 5_000 }
}

const TEAM = 'general'
/** Every host listens on this port: namespaces have their own port space. */
const PORT = 7720
const POLL_MS = 25
const TAIL_LINES = 30
const BARE_NODE_JS = fileURLToPath(new URL('./bare-node.js', import.meta.url))
/** Compiled to build/bench/startup.js: the repository's bin/parley is two levels up. */
const PARLEY_BIN = fileURLToPath(new URL('../../bin/parley', import.meta.url))
/** The node's private parts that send() uses, reached through a cast for setup only (as catchup.ts does). */
/** The startup benchmark, for the runner; `quietMs` overrides the default quiet periods. */
export function startupBenchmark (options: { quietMs?: number[] } = {}): Benchmark & { limitMs: number } {
  const config = { ...STARTUP_CONFIG, quietMs: options.quietMs ?? STARTUP_CONFIG.quietMs }
  const quiet = config.quietMs.reduce((a, b) => a + b, 0)
  return {
    name: 'startup',
    description: `parley daemon on ${STARTUP_CONFIG.hosts} netns hosts (mDNS): process start -> connected to all peers (at once, restarted, restarted into a settled office), idle RSS, RSS with a 100k-message history`,
    baseline: 'bare libp2p, or as named',
    // both kinds sit through every quiet period
    limitMs: 480_000 + 2 * (quiet + config.quietMs.length * config.limits.connectMs),
    run: async (ctx) => runStartup(ctx, config)
  }
}

/** One process on a lab host: a daemon or a bare node, and what it printed, with times. */
class HostProcess {
  readonly child: ChildProcess
  readonly host: number
  readonly spawnedAt = clockMs()
  readyAt?: number
  /** peers connected now */
  readonly peers = new Set<string>()
  /** when it was first connected to `wanted` peers at once */
  allAt?: number
  readonly closed: Promise<void>
  private readonly tail: string[] = []

  constructor (lab: NetnsLab, host: number, kind: 'daemon' | 'bare', args: string[], env: NodeJS.ProcessEnv, private readonly wanted: number) {
    this.host = host
    this.child = lab.spawn(host, process.execPath, kind === 'daemon' ? [PARLEY_BIN, 'daemon', ...args] : [BARE_NODE_JS, ...args], env)
    this.closed = new Promise(resolve => { this.child.once('exit', () => { resolve() }) })
    const onLine = (line: string): void => {
      const at = clockMs()
      this.tail.push(line)
      if (this.tail.length > TAIL_LINES) this.tail.shift()
      // the daemon: a JSON ready line on stdout, then "parley: peer connected ID" on stderr
      const daemon = /^parley: peer (connected|disconnected) (\S+)/.exec(line)
      if (daemon !== null) {
        this.peerEvent(daemon[1] === 'connected', daemon[2]!, at)
        return
      }
      if (!line.startsWith('{')) return
      try {
        const event = JSON.parse(line) as { event?: string, peer?: string }
        if (event.event === 'ready' || event.event === 'listening') this.readyAt ??= at
        if (event.event === 'connected' && typeof event.peer === 'string') this.peerEvent(true, event.peer, at)
      } catch {
        // not an event line: kept in the tail for the error message
      }
    }
    // readline re-emits the pipe's errors; the process's exit is what the bench acts on
    for (const stream of [this.child.stdout, this.child.stderr]) if (stream !== null) createInterface({ input: stream }).on('error', () => {}).on('line', onLine)
  }

  private peerEvent (connected: boolean, peer: string, at: number): void {
    if (connected) this.peers.add(peer)
    else this.peers.delete(peer)
    if (this.peers.size >= this.wanted) this.allAt ??= at
  }

  get pid (): number {
    if (this.child.pid === undefined) throw new AgentFailedError(`host ${this.host}: the process has no pid (spawn failed)`)
    return this.child.pid
  }

  get exited (): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }

  describe (): string {
    return `host ${this.host}: ${this.peers.size} of ${this.wanted} peers; last output:\n  ${this.tail.join('\n  ')}`
  }

  /** SIGTERM, then SIGKILL after `limitMs`. */
  async stop (limitMs: number): Promise<void> {
    if (this.exited) return
    process.kill(this.pid, 'SIGTERM')
    await Promise.race([this.closed, sleep(limitMs)])
    await killAndWait(this.child)
  }
}

/** Poll until `done` holds for every process; throws naming the ones that did not get there. */
async function waitAll (procs: HostProcess[], done: (p: HostProcess) => boolean, limitMs: number, what: string): Promise<void> {
  const deadline = performance.now() + limitMs
  for (;;) {
    const dead = procs.find(p => p.exited)
    if (dead !== undefined) throw new AgentFailedError(`${what}: the process on host ${dead.host} exited\n${dead.describe()}`)
    const short = procs.filter(p => !done(p))
    if (short.length === 0) return
    if (performance.now() > deadline) throw new BenchTimeoutError(`${what}: not within ${limitMs / 1000} s: ${short.slice(0, 3).map(p => p.describe()).join('\n')}`)
    await sleep(POLL_MS)
  }
}

/** One kind of node (daemon or bare) on the office's hosts. */
export interface OfficeResult {
  /** the whole office spawned at once: per node, spawn -> ready, spawn -> connected to all */
  officeStart: { readyMs: LatencySummary, connectedMs: LatencySummary }
  /** one node restarted into the running office: spawn -> connected to all, each time */
  restartConnectedMs: number[]
  /** after each quiet period: spawn -> connected to all, and ready line -> connected to all */
  quietRestarts: Array<{ quietMs: number, connectedMs: number, afterReadyMs: number }>
  /** every node of the connected office, after settleMs alone */
  idleRssMB: { mean: number, max: number }
}

/** Start the office's hosts all at once, restart a few one by one, then read their memory. */
async function measureOffice (ctx: BenchContext, lab: NetnsLab, kind: 'daemon' | 'bare', argsOf: (host: number) => string[], env: NodeJS.ProcessEnv, config: StartupConfig): Promise<OfficeResult> {
  const wanted = config.hosts - 1
  const procs = new Map<number, HostProcess>()
  const spawn = (host: number): HostProcess => {
    const p = new HostProcess(lab, host, kind, argsOf(host), env, wanted)
    procs.set(host, p)
    return p
  }
  try {
    for (let h = 1; h <= config.hosts; h++) spawn(h)
    const all = [...procs.values()]
    await waitAll(all, p => p.allAt !== undefined && p.readyAt !== undefined, config.limits.connectMs, `${kind}: the office connecting`).catch((err: Error) => {
      err.message += `\nevery node:\n${all.map(p => p.describe()).join('\n')}`
      throw err
    })
    const officeStart = {
      readyMs: summarise(all.map(p => p.readyAt! - p.spawnedAt)),
      connectedMs: summarise(all.map(p => p.allAt! - p.spawnedAt))
    }
    ctx.log(`startup: ${kind}, office of ${config.hosts} started at once: connected to all after p50 ${officeStart.connectedMs.p50} ms, slowest ${officeStart.connectedMs.max} ms`)

    const restartConnectedMs: number[] = []
    for (let r = 0; r < config.restarts; r++) {
      const host = 2 + (r % (config.hosts - 1))
      await procs.get(host)!.stop(config.limits.stopMs)
      const again = spawn(host)
      await waitAll([again], p => p.allAt !== undefined, config.limits.connectMs, `${kind}: host ${host} restarting into the office`).catch((err: Error) => {
        // what the others saw says more than the restarted node alone
        err.message += `\nthe others:\n${[...procs.values()].filter(p => p !== again).map(p => p.describe()).join('\n')}`
        throw err
      })
      restartConnectedMs.push(round(again.allAt! - again.spawnedAt, 1))
      ctx.log(`startup: ${kind}, host ${host} restarted: connected to all after ${restartConnectedMs.at(-1)} ms`)
    }

    const quietRestarts: OfficeResult['quietRestarts'] = []
    for (const quietMs of config.quietMs) {
      const host = config.hosts
      await procs.get(host)!.stop(config.limits.stopMs)
      ctx.log(`startup: ${kind}, host ${host} stopped; the office is left quiet for ${quietMs / 1000} s`)
      await sleep(quietMs)
      const again = spawn(host)
      await waitAll([again], p => p.allAt !== undefined && p.readyAt !== undefined, config.limits.connectMs, `${kind}: host ${host} restarting into an office quiet for ${quietMs / 1000} s`).catch((err: Error) => {
        err.message += `\nthe others:\n${[...procs.values()].filter(p => p !== again).map(p => p.describe()).join('\n')}`
        throw err
      })
      quietRestarts.push({ quietMs, connectedMs: round(again.allAt! - again.spawnedAt, 1), afterReadyMs: round(Math.max(0, again.allAt! - again.readyAt!), 1) })
      ctx.log(`startup: ${kind}, host ${host} restarted after ${quietMs / 1000} s of quiet: connected to all after ${quietRestarts.at(-1)!.connectedMs} ms (${quietRestarts.at(-1)!.afterReadyMs} ms after its ready line)`)
    }

    await sleep(config.settleMs)
    const rss: number[] = []
    for (const p of procs.values()) {
      const usage = await processUsage(p.pid)
      if (usage === undefined) throw new AgentFailedError(`${kind}: the process on host ${p.host} exited\n${p.describe()}`)
      rss.push(usage.rssMB)
    }
    return { officeStart, restartConnectedMs, quietRestarts, idleRssMB: { mean: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1), max: Math.max(...rss) } }
  } finally {
    await Promise.all([...procs.values()].map(async p => p.stop(config.limits.stopMs)))
  }
}

/** A daemon alone in a host: memory after start, and after the first page of history and a search. */
export interface HistoryRssResult {
  messages: number
  readyMs: number
  rssAfterStartMB: number
  /** `history` of the team (the chat's first page) and a search for a common word */
  historyPageMs: number
  searchMs: number
  rssAfterLoadMB: number
  /** after settleMs more, alone */
  rssSettledMB: number
  peakRssMB: number
}

async function measureHistoryRss (lab: NetnsLab, dataDir: string, messages: number, env: NodeJS.ProcessEnv, config: StartupConfig): Promise<HistoryRssResult> {
  const p = new HostProcess(lab, 1, 'daemon', ['--data', dataDir, '--listen', `/ip4/0.0.0.0/tcp/${PORT}`], env, 0)
  try {
    await waitAll([p], q => q.readyAt !== undefined, config.limits.readyMs, 'a daemon with a history starting')
    const rss = async (): Promise<{ rssMB: number, peakRssMB: number }> => {
      const usage = await processUsage(p.pid)
      if (usage === undefined) throw new AgentFailedError(`the daemon exited\n${p.describe()}`)
      return usage
    }
    const rssAfterStartMB = (await rss()).rssMB
    const client = await ControlClient.connect(dataDir)
    let historyPageMs: number
    let searchMs: number
    try {
      let started = performance.now()
      const page = await within(client.request('history', { team: TEAM }), config.limits.historyLoadMs, 'the first page of history')
      historyPageMs = round(performance.now() - started, 1)
      if (messages > 0 && page.messages.length === 0) throw new AgentFailedError(`the daemon's history of ${TEAM} is empty; setup stored ${messages} messages`)
      started = performance.now()
      await within(client.request('search', { query: WORDS[0]! }), config.limits.historyLoadMs, 'a search')
      searchMs = round(performance.now() - started, 1)
    } finally {
      client.close()
    }
    const rssAfterLoadMB = (await rss()).rssMB
    await sleep(config.settleMs)
    const settled = await rss()
    return { messages, readyMs: round(p.readyAt! - p.spawnedAt, 1), rssAfterStartMB, historyPageMs, searchMs, rssAfterLoadMB, rssSettledMB: settled.rssMB, peakRssMB: settled.peakRssMB }
  } finally {
    await p.stop(config.limits.stopMs)
  }
}

/**
 * Setup: an office of `hosts` members plus two more (one to hold the history, one with none),
 * founded and joined in this process over loopback with mDNS off, then stopped. Returns the data dirs.
 */
async function setUpOffice (ctx: BenchContext, dir: string, config: StartupConfig): Promise<{ hosts: string[], withHistory: string, empty: string }> {
  const nodes: ParleyNode[] = []
  const names = [...Array.from({ length: config.hosts }, (_, i) => `h${i + 1}`), 'history', 'empty']
  try {
    const deadline = performance.now() + config.limits.setupMs
    const left = (): number => Math.max(1_000, Math.round(deadline - performance.now()))
    for (const name of names) {
      const admin = nodes[0]
      const node = await createNode({ dataDir: join(dir, name), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, name, ...(admin !== undefined ? { peers: [admin.info().addresses[0]!] } : {}) })
      nodes.push(node)
      await within(node.start(), left(), `starting ${name}`)
      if (admin === undefined) await node.createOrg('Startup Bench')
      else await node.join((await admin.invite()).token, name, { signal: AbortSignal.timeout(left()) })
    }
    await until(() => nodes.every(n => n.members(TEAM).length === names.length), left(), () => `every node to see ${names.length} members of ${TEAM}`)
    ctx.log(`startup: office of ${names.length} founded; storing ${config.historyMessages.toLocaleString('en')} messages on node "history"`)
    // the others stop first: running, they would sync the history (the "empty" node too)
    const history = nodes[config.hosts]!
    for (const node of nodes.filter(n => n !== history).reverse()) await within(node.stop(), config.limits.stopMs, `stopping ${node.name}`)
    nodes.splice(0, nodes.length, history)
    const started = performance.now()
    // a year of history, evenly spread, up to now
    const year = 365 * 86_400_000
    const first = Date.now() - year
    await storeHistory(history, { team: TEAM, messages: config.historyMessages, batchEntries: config.batchEntries, textBytes: config.textBytes, deadline, index: true, wallTime: (i) => Math.round(first + i * year / config.historyMessages) })
    ctx.log(`startup: history stored and indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  } finally {
    for (const node of nodes.reverse()) await within(node.stop(), config.limits.stopMs, `stopping ${node.name}`)
  }
  return { hosts: names.slice(0, config.hosts).map(n => join(dir, n)), withHistory: join(dir, 'history'), empty: join(dir, 'empty') }
}

/** Set up, measure daemons and bare nodes on the same hosts, then the history node alone. */
export async function runStartup (ctx: BenchContext, config: StartupConfig): Promise<BenchOutcome> {
  const dir = join(ctx.workDir, 'startup')
  const removeDir = async (): Promise<void> => { await rm(dir, { recursive: true, force: true }) }
  ctx.defer(removeDir)
  // no config file of the machine's user: the daemons take only what the bench gives them
  const env = { XDG_CONFIG_HOME: join(dir, 'config'), PARLEY_CONFIG: join(dir, 'config', 'none') }
  await mkdir(join(dir, 'config'), { recursive: true })
  try {
    const dirs = await setUpOffice(ctx, dir, config)
    const runnerNetns = await ownNetns()
    const lab = await NetnsLab.create(config.hosts)
    ctx.defer(async () => { await lab.destroy() })
    let parley: OfficeResult
    let bare: OfficeResult
    try {
      const listen = `/ip4/0.0.0.0/tcp/${PORT}`
      ctx.log(`startup: ${config.hosts} daemons on ${config.hosts} hosts`)
      parley = await measureOffice(ctx, lab, 'daemon', h => ['--data', dirs.hosts[h - 1]!, '--listen', listen], env, config)
      ctx.log(`startup: ${config.hosts} bare libp2p nodes on the same hosts`)
      // a bare node ends itself after its lifetime (in case the runner dies): it must outlast the quiet periods
      const bareLifetimeMs = 300_000 + config.quietMs.reduce((a, b) => a + b, 0) + config.quietMs.length * config.limits.connectMs
      bare = await measureOffice(ctx, lab, 'bare', () => ['--listen', listen, '--runner-netns', runnerNetns, '--lifetime-ms', String(bareLifetimeMs)], env, config)
    } finally {
      await lab.destroy()
    }
    // alone on a bridge of its own, so that nobody syncs its history from it
    const single = await NetnsLab.create(1)
    ctx.defer(async () => { await single.destroy() })
    let empty: HistoryRssResult
    let full: HistoryRssResult
    try {
      ctx.log('startup: a daemon with an empty history, alone')
      empty = await measureHistoryRss(single, dirs.empty, 0, env, config)
      ctx.log(`startup: a daemon with ${config.historyMessages.toLocaleString('en')} messages, alone`)
      full = await measureHistoryRss(single, dirs.withHistory, config.historyMessages, env, config)
    } finally {
      await single.destroy()
    }
    const n = config.hosts
    const count = config.historyMessages.toLocaleString('en')
    const restart = (r: OfficeResult): LatencySummary => summarise(r.restartConnectedMs)
    return {
      figures: [
        figure(`office of ${n} started at once: spawn -> connected to all ${n - 1} peers, median node`, 's', round(parley.officeStart.connectedMs.p50 / 1000, 3), round(bare.officeStart.connectedMs.p50 / 1000, 3)),
        figure(`office of ${n} started at once: spawn -> connected to all ${n - 1} peers, slowest node`, 's', round(parley.officeStart.connectedMs.max / 1000, 3), round(bare.officeStart.connectedMs.max / 1000, 3)),
        figure(`one node restarted into the office: spawn -> connected to all, median of ${config.restarts}`, 's', round(restart(parley).p50 / 1000, 3), round(restart(bare).p50 / 1000, 3)),
        ...parley.quietRestarts.map((q, i) => figure(`one node restarted into an office quiet for ${q.quietMs / 1000} s: spawn -> connected to all`, 's', round(q.connectedMs / 1000, 3), round((bare.quietRestarts[i]?.connectedMs ?? NaN) / 1000, 3))),
        figure('idle RSS per node, connected office, mean', 'MB', parley.idleRssMB.mean, bare.idleRssMB.mean),
        figure(`RSS after start + first history page + search: ${count} messages vs empty history`, 'MB', full.rssAfterLoadMB, empty.rssAfterLoadMB),
        figure(`RSS ${config.settleMs / 1000} s later: ${count} messages vs empty history`, 'MB', full.rssSettledMB, empty.rssSettledMB)
      ],
      notes: [
        `spawn -> ready line (node started, control socket up): parley p50 ${parley.officeStart.readyMs.p50} ms, bare libp2p p50 ${bare.officeStart.readyMs.p50} ms (office started at once on ${n} hosts of a ${n}-host bridge)`,
        `restarts into the running office, spawn -> connected to all: parley ${parley.restartConnectedMs.join(', ')} ms; bare ${bare.restartConnectedMs.join(', ')} ms`,
        `restarts into a settled office, ready line -> connected to all: parley ${parley.quietRestarts.map(q => `${q.afterReadyMs} ms after ${q.quietMs / 1000} s`).join(', ') || 'none'}; bare ${bare.quietRestarts.map(q => `${q.afterReadyMs} ms`).join(', ') || 'none'} (a bare node restarts with a new identity, new to every peer store)`,
        `idle RSS: parley mean ${parley.idleRssMB.mean} MB (max ${parley.idleRssMB.max}), bare libp2p mean ${bare.idleRssMB.mean} MB (max ${bare.idleRssMB.max}), ${config.settleMs / 1000} s after the last restart`,
        `with ${count} messages (signed, encrypted, indexed; alone on its host): ready ${full.readyMs} ms after spawn (empty: ${empty.readyMs} ms); RSS ${full.rssAfterStartMB} MB after start (empty: ${empty.rssAfterStartMB}), ` +
          `${full.rssAfterLoadMB} MB after the first history page (${full.historyPageMs} ms) and a search (${full.searchMs} ms), ${full.rssSettledMB} MB ${config.settleMs / 1000} s later; peak ${full.peakRssMB} MB (empty: ${empty.peakRssMB} MB)`
      ],
      details: { config, parley, bare, history: { empty, full } }
    }
  } finally {
    await removeDir()
  }
}

