/**
 * A swarm of parley nodes for the scale and soak benchmarks: one swarm agent (swarm-agent.ts) per
 * network-namespace host on one bridge, finding each other by mDNS only, driven over the control
 * socket of control-server.ts. It starts and restarts agents, sets up the org the way the delivery
 * benchmark does (host 1 founds it and invites the others, who join with their tokens, here a few at
 * a time), waits for readiness, and reads each agent's CPU and memory from /proc by pid.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { killAndWait, NetnsLab } from '../test/helpers/netns.js'
import { ControlServer } from './control-server.js'
import { AgentFailedError, BenchTimeoutError } from './errors.js'
import { processUsage } from './proc-usage.js'
import { clockMs } from './protocol.js'
import { SwarmLink } from './swarm-protocol.js'
import type { BenchContext } from './benchmark.js'
import type { ProcessUsage } from './proc-usage.js'
import type { SwarmCommand, SwarmReportOf, SwarmReportType } from './swarm-protocol.js'
import type { ChildProcess } from 'node:child_process'

const AGENT_JS = fileURLToPath(new URL('./swarm-agent.js', import.meta.url))
/** Every host listens on this port: namespaces have their own port space. */
const PORT = 7719
const TAIL_LINES = 30
/** how much longer the runner waits for a report than the agent's own limit, so the agent's error, which says more, comes first */
export const REPORT_GRACE_MS = 3_000

/** One agent process in a lab host. */
export class SwarmAgentProcess {
  readonly host: number
  readonly generation: number
  readonly child: ChildProcess
  /** when it was spawned, shared clock */
  readonly spawnedAt: number
  /** resolves with the exit code once the process is gone and its output read */
  readonly closed: Promise<number | null>
  link?: SwarmLink
  peerId = ''
  private readonly tail: string[] = []

  constructor (lab: NetnsLab, host: number, generation: number, args: string[], nodeArgs: string[] = []) {
    this.host = host
    this.generation = generation
    this.spawnedAt = clockMs()
    // --expose-gc: memory samples are taken after a full GC, see swarm-agent.ts
    this.child = lab.spawn(host, process.execPath, ['--expose-gc', ...nodeArgs, AGENT_JS, ...args])
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream === null) continue
      // readline re-emits the pipe's errors; the agent's exit is what the runner acts on
      createInterface({ input: stream }).on('error', () => {}).on('line', (line) => {
        this.tail.push(line)
        if (this.tail.length > TAIL_LINES) this.tail.shift()
      })
    }
    this.closed = new Promise(resolve => { this.child.once('close', (code) => { resolve(code) }) })
  }

  /** The agent's pid: `ip netns exec` execs the command in its own process. */
  get pid (): number {
    if (this.child.pid === undefined) throw new AgentFailedError(`host ${this.host}: the agent has no pid (spawn failed)`)
    return this.child.pid
  }

  requireLink (): SwarmLink {
    if (this.link === undefined) throw new AgentFailedError(`host ${this.host}: the agent has not connected`)
    return this.link
  }

  describe (): string {
    return this.tail.length === 0 ? '' : `output of the agent on host ${this.host} (last lines):\n  ${this.tail.join('\n  ')}`
  }
}

export interface SwarmInit {
  hosts: number
  /** where the hosts' data dirs go */
  dir: string
  /** the runner's network namespace, which agents refuse to run mDNS in */
  runnerNetns: string
  /** an agent exits by itself after this, in case the runner itself was killed */
  agentLifetimeMs: number
  payloadBytes: number
  /** extra flags for the agents' node, e.g. `--cpu-prof --cpu-prof-dir=DIR` to see where their CPU goes */
  nodeArgs?: string[]
}

/** How the org setup went. */
export interface OrgSetupTimes {
  /** founding the org and making the invites */
  foundOrgMs: number
  /** from the first join sent to the last answered */
  joinAllMs: number
  /** each join, from sent to answered */
  joinMs: number[]
  joinConcurrency: number
  /** the admin creating the teams with everyone in them */
  createTeamsMs: number
}

/** The lab, its control server and one agent per host. */
export class Swarm {
  readonly lab: NetnsLab
  readonly server: ControlServer
  readonly init: SwarmInit
  readonly agents = new Map<number, SwarmAgentProcess>()
  /** every agent process ever started, for the final kill */
  private readonly started: SwarmAgentProcess[] = []
  private closed = false

  private constructor (lab: NetnsLab, server: ControlServer, init: SwarmInit) {
    this.lab = lab
    this.server = server
    this.init = init
  }

  /** Make the hosts and the control socket; both are torn down by `close()`, which `ctx` also runs at the end. */
  static async create (ctx: BenchContext, name: string, init: SwarmInit): Promise<Swarm> {
    // permanent neighbour entries: a large swarm would otherwise overflow the kernel's shared ARP table
    const lab = await NetnsLab.create(init.hosts, { permanentNeighbours: true })
    let server: ControlServer
    try {
      server = await ControlServer.listen(join(ctx.workDir, `${name}.sock`))
    } catch (err) {
      await lab.destroy()
      throw err
    }
    await mkdir(init.dir, { recursive: true })
    const swarm = new Swarm(lab, server, init)
    ctx.defer(async () => { await swarm.close() })
    return swarm
  }

  get hosts (): number[] {
    return this.lab.hosts.map(h => h.index)
  }

  agent (host: number): SwarmAgentProcess {
    const agent = this.agents.get(host)
    if (agent === undefined) throw new AgentFailedError(`no agent on host ${host}`)
    return agent
  }

  link (host: number): SwarmLink {
    return this.agent(host).requireLink()
  }

  /** Spawn an agent on `host` (without waiting for it); `generation` counts restarts from 1. */
  spawn (host: number, generation = 1): SwarmAgentProcess {
    const args = [
      '--control', this.server.path,
      '--host', String(host),
      '--data', join(this.init.dir, `h${host}`),
      '--listen', `/ip4/0.0.0.0/tcp/${PORT}`,
      '--runner-netns', this.init.runnerNetns,
      '--generation', String(generation),
      '--payload-bytes', String(this.init.payloadBytes),
      '--lifetime-ms', String(this.init.agentLifetimeMs)
    ]
    const agent = new SwarmAgentProcess(this.lab, host, generation, args, this.init.nodeArgs)
    this.agents.set(host, agent)
    this.started.push(agent)
    return agent
  }

  /** Wait until the agent on `host` has connected and its node listens; `limitMs` for both. */
  async listening (host: number, limitMs: number): Promise<SwarmAgentProcess> {
    const agent = this.agent(host)
    const deadline = Date.now() + limitMs
    const exited = agent.closed.then((code) => {
      throw new AgentFailedError(`host ${host}: the agent exited (${code}) before listening\n${agent.describe()}`)
    })
    const link = await Promise.race([this.server.agent(host, limitMs, () => agent.describe()), exited])
    agent.link = new SwarmLink(link)
    const listening = await Promise.race([agent.link.next('listening', Math.max(0, deadline - Date.now())), exited])
    agent.peerId = listening.peerId
    return agent
  }

  /** Ask every agent (or those of `hosts`) the same and gather the answers, by host. */
  async askAll<T extends SwarmReportType> (command: SwarmCommand, type: T, limitMs: number, hosts = this.hosts): Promise<Map<number, SwarmReportOf<T>>> {
    const answers = await Promise.all(hosts.map(async h => [h, await this.link(h).ask(command, type, limitMs)] as const))
    return new Map(answers)
  }

  /**
   * Host 1 founds the org and invites every other host; they join with their tokens, `concurrency`
   * at a time; then host 1 creates `teams` with everyone in them.
   */
  async setUpOrg (ctx: BenchContext, teams: string[], concurrency: number, limitMs: number): Promise<OrgSetupTimes> {
    const admin = this.link(1)
    const joiners = this.hosts.filter(h => h !== 1)
    let started = Date.now()
    const { org, tokens } = await step('host 1 founding the org and making invites', admin.ask({ cmd: 'found-org', invites: joiners.length }, 'invites', limitMs))
    const foundOrgMs = Date.now() - started
    if (tokens.length !== joiners.length) throw new AgentFailedError(`host 1 made ${tokens.length} invite tokens for ${joiners.length} hosts`)
    ctx.log(`host 1 founded the org in ${foundOrgMs} ms; ${joiners.length} hosts join, ${concurrency} at a time`)

    const joinMs: number[] = []
    started = Date.now()
    await inBatches(joiners.map((host, i) => ({ host, token: tokens[i]! })), concurrency, async ({ host, token }) => {
      const began = Date.now()
      const joined = await step(`host ${host} joining the org`, this.link(host).ask({ cmd: 'join', token, limitMs }, 'joined', limitMs + REPORT_GRACE_MS))
      if (joined.org !== org) throw new AgentFailedError(`host ${host} joined org ${joined.org}, not ${org}`)
      joinMs.push(Date.now() - began)
    })
    const joinAllMs = Date.now() - started

    started = Date.now()
    const members = joiners.map(h => this.agent(h).peerId)
    await step(`host 1 creating ${teams.join(', ')}`, admin.ask({ cmd: 'create-teams', teams, members }, 'teams-created', limitMs))
    return { foundOrgMs, joinAllMs, joinMs, joinConcurrency: concurrency, createTeamsMs: Date.now() - started }
  }

  /** CPU and memory of every running agent, by host. */
  async usage (): Promise<Map<number, ProcessUsage>> {
    const out = new Map<number, ProcessUsage>()
    for (const [host, agent] of this.agents) {
      const u = await processUsage(agent.pid)
      if (u !== undefined) out.set(host, u)
    }
    return out
  }

  /** Ask the agent on `host` to stop, wait up to `limitMs`, then kill it by pid. */
  async stopAgent (host: number, limitMs: number): Promise<void> {
    const agent = this.agent(host)
    agent.link?.send({ cmd: 'stop' })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>(resolve => { timer = setTimeout(resolve, limitMs) })
    await Promise.race([agent.closed, timeout])
    clearTimeout(timer)
    await killAndWait(agent.child)
    await agent.closed
    this.server.forget(host)
  }

  /** Stop every agent, in parallel. */
  async stopAll (limitMs: number): Promise<void> {
    await Promise.all([...this.agents.keys()].map(async h => this.stopAgent(h, limitMs)))
  }

  /** Kill whatever still runs, close the socket and delete the hosts. Safe to call twice. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all(this.started.map(async a => killAndWait(a.child)))
    await this.server.close()
    await this.lab.destroy()
  }
}

/**
 * Throw a BenchTimeoutError if any node did not reach what it waited for, naming each that fell short
 * (the first few) with what `describe` says of it.
 */
export function requireReached<T extends { reached: boolean }> (what: string, answers: Map<number, T>, describe: (answer: T) => string): void {
  const short = [...answers].filter(([, a]) => !a.reached)
  if (short.length === 0) return
  const shown = short.slice(0, 8).map(([h, a]) => `host ${h}: ${describe(a)}`).join('; ')
  throw new BenchTimeoutError(`${what}: ${short.length} of ${answers.size} nodes did not get there in time (${shown}${short.length > 8 ? '; ...' : ''})`)
}

/** Await a step; a timeout or an agent failure says which step it was. */
export async function step<T> (what: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (err) {
    const e = err as Error
    const Failure = err instanceof BenchTimeoutError ? BenchTimeoutError : AgentFailedError
    throw new Failure(`${what}: ${e.message}`, { cause: err })
  }
}

/** Run `fn` on every item, at most `concurrency` at a time. */
export async function inBatches<T> (items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await fn(next)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

export function round (x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Warnings counted by kind (numbers and ids masked), with one example each, most frequent first. */
export function summariseWarnings (warnings: string[]): string[] {
  const kinds = new Map<string, { count: number, example: string }>()
  for (const w of warnings) {
    const kind = w.replace(/[0-9a-zA-Z]{40,}|\d+/g, '#').slice(0, 80)
    const k = kinds.get(kind) ?? { count: 0, example: w.slice(0, 300) }
    k.count++
    kinds.set(kind, k)
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count).slice(0, 20).map(k => `${k.count}x ${k.example}`)
}

export function mean (values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length
}
