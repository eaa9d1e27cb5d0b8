/**
 * A bench agent: one parley node, or one bare gossipsub node on the same libp2p stack, inside a lab
 * host, driven by the runner over its control socket (see protocol.ts). Started by delivery.ts.
 *
 * A parley node starts in no organisation: the runner has the sender's agent found an org with a
 * `bench` team and make invite tokens (`found-org`), and hands one to each receiver's agent (`join`).
 * Then every agent waits until it sees the others subscribed and, in parley, in the team
 * (`await-ready`): a receiver only accepts entries from authors it knows to be members.
 *
 *   node build/bench/agent.js --control SOCK --host N --mode parley|bare --listen MA [--peer MA]...
 *     [--data DIR] [--payload-bytes 200] [--lifetime-ms 180000]
 *
 * It exits when the runner says stop, when the control socket closes, or when its lifetime is up,
 * so a runner that dies cannot leave it behind.
 */
import { readFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { generateIdentityKey } from '../src/crypto/keys.js'
import { createParleyLibp2p } from '../src/net/libp2p-node.js'
import { createNode } from '../src/node.js'
import { clockMs, decodeCommand, decodePayload, encodeLine, encodePayload } from './protocol.js'
import type { Command, Mode, NetstatReport, Report } from './protocol.js'
import type { ParleyLibp2p } from '../src/net/libp2p-node.js'
import type { Socket } from 'node:net'

/** The parley team the bench writes to. */
const BENCH_TEAM = 'bench'
/** The org the sender's agent founds. */
const ORG_NAME = 'parley-bench'
/** How long the invite tokens last: longer than a whole bench run. */
const INVITE_EXPIRY = '1h'
/** The topic of the bare gossipsub baseline, apart from every parley topic. */
const BARE_TOPIC = '/parley-bench/1/bare'
/** How long the bare agent keeps dialing its static peers. */
const DIAL_LIMIT_MS = 20_000
const READY_POLL_MS = 50
const DIAL_RETRY_MS = 250
const STOP_LIMIT_MS = 5_000
/** The lab host's interface on the bridge (see test/helpers/netns.ts). */
const LAN_INTERFACE = 'eth0'

/** What the agent needs from either stack. */
interface Endpoint {
  peerId: string
  addresses: () => string[]
  /** connected peers subscribed to the bench topic */
  subscribers: () => number
  /** the bench team's members in this node's view of its org (0 while in none); undefined for bare gossipsub */
  members: () => number | undefined
  publish: (text: string) => Promise<void>
  stop: () => Promise<void>
  /** parley only: how the node gets into the bench org */
  org?: OrgSetup
}

interface OrgSetup {
  /** found the org and its bench team; one invite token per newcomer */
  found: (invites: number) => Promise<{ org: string, tokens: string[] }>
  /** join the org of a token, giving up after `limitMs` */
  join: (token: string, limitMs: number) => Promise<{ org: string, teams: string[] }>
}

interface EndpointInit {
  listen: string
  peers: string[]
  dataDir: string
  host: number
  onText: (text: string, receivedAt: number) => void
  onWarning: (message: string) => void
}

async function startParley (init: EndpointInit): Promise<Endpoint> {
  const name = `bench-h${init.host}`
  const node = await createNode({
    dataDir: init.dataDir,
    name,
    listen: [init.listen],
    peers: init.peers,
    mdns: false
  })
  node.addEventListener('message:added', (evt) => {
    const receivedAt = clockMs()
    const m = evt.detail
    if (m.local || m.team !== BENCH_TEAM) return
    if (!m.readable) {
      init.onWarning(`unreadable entry ${m.id.slice(0, 12)} (no key for ${m.team} epoch ${m.epoch})`)
      return
    }
    init.onText(m.text, receivedAt)
  })
  node.addEventListener('node:warning', (evt) => { init.onWarning(evt.detail.message) })
  node.addEventListener('entry:rejected', (evt) => {
    const d = evt.detail
    init.onWarning(`entry rejected${d.team === '' ? '' : ` in ${d.team}`} from ${d.from}: ${d.reason} ${d.message}`)
  })
  node.addEventListener('entry:forked', (evt) => { init.onWarning(`fork in ${evt.detail.team} by ${evt.detail.author} at seq ${evt.detail.seq}`) })
  node.addEventListener('org:refused', (evt) => { init.onWarning(`org record refused: ${evt.detail.kind} by ${evt.detail.signer}: ${evt.detail.reason}`) })
  node.addEventListener('join:waiting', (evt) => { init.onWarning(`join: no admin of ${evt.detail.org} answers yet; still trying`) })
  await node.start()
  // before the node is in an org (or the org has the team) these throw; the ready wait polls them
  const orZero = (count: () => number): number => {
    try {
      return count()
    } catch {
      return 0
    }
  }
  return {
    peerId: node.peerId,
    addresses: () => node.info().addresses,
    subscribers: () => orZero(() => node.teamPeers(BENCH_TEAM).length),
    members: () => orZero(() => node.members(BENCH_TEAM).length),
    publish: async (text) => { await node.send(BENCH_TEAM, text) },
    stop: async () => { await node.stop() },
    org: {
      found: async (invites) => {
        // the token carries the admin's listen addresses: one must be reachable from the other hosts
        const reachable = node.info().addresses.filter(a => !/^\/ip4\/127\.|^\/ip6\/::1\//.test(a))
        if (reachable.length === 0) {
          throw new Error(`the admin listens on no address other hosts can reach: ${node.info().addresses.join(' ')}`)
        }
        const info = await node.createOrg(ORG_NAME)
        await node.createTeam(BENCH_TEAM)
        const tokens: string[] = []
        for (let i = 0; i < invites; i++) tokens.push((await node.invite({ teams: [BENCH_TEAM], expires: INVITE_EXPIRY })).token)
        return { org: info.org?.id ?? '', tokens }
      },
      join: async (token, limitMs) => {
        let info
        try {
          info = await node.join(token, name, { signal: AbortSignal.timeout(limitMs) })
        } catch (err) {
          if ((err as Error).name === 'TimeoutError') {
            throw new Error(`join: no admin admitted this node within ${limitMs} ms (connected peers: ${node.peers().map(p => p.peerId).join(', ') || 'none'})`, { cause: err })
          }
          throw err
        }
        if (!info.teams.includes(BENCH_TEAM)) throw new Error(`joined ${info.org?.name ?? '?'} but not its ${BENCH_TEAM} team (teams: ${info.teams.join(', ')})`)
        return { org: info.org?.id ?? '', teams: info.teams }
      }
    }
  }
}

async function startBare (init: EndpointInit): Promise<Endpoint> {
  const libp2p = await createParleyLibp2p({ privateKey: await generateIdentityKey(), listen: [init.listen], mdns: false, keeper: false })
  await libp2p.start()
  const decoder = new TextDecoder()
  libp2p.services.pubsub.addEventListener('message', (evt) => {
    const receivedAt = clockMs()
    if (evt.detail.topic === BARE_TOPIC) init.onText(decoder.decode(evt.detail.data), receivedAt)
  })
  libp2p.services.pubsub.subscribe(BARE_TOPIC)
  const encoder = new TextEncoder()
  // peers are dialed in the background, as parley's peer keeper does; `ready` waits for them
  for (const peer of init.peers) void dialUntilConnected(libp2p, peer, init.onWarning)
  return {
    peerId: libp2p.peerId.toString(),
    addresses: () => libp2p.getMultiaddrs().map(String),
    subscribers: () => libp2p.services.pubsub.getSubscribers(BARE_TOPIC).length,
    members: () => undefined,
    publish: async (text) => { await libp2p.services.pubsub.publish(BARE_TOPIC, encoder.encode(text)) },
    stop: async () => { await libp2p.stop() }
  }
}

/** Dial until connected or the dial limit is over; the ready wait reports the failure. */
async function dialUntilConnected (libp2p: ParleyLibp2p, address: string, warn: (m: string) => void): Promise<void> {
  const deadline = Date.now() + DIAL_LIMIT_MS
  let lastError = ''
  while (Date.now() < deadline && libp2p.status === 'started') {
    try {
      await libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(DIAL_RETRY_MS * 8) })
      return
    } catch (err) {
      lastError = (err as Error).message
      await sleep(DIAL_RETRY_MS)
    }
  }
  warn(`could not dial ${address}: ${lastError}`)
}

/**
 * The counters of the LAN interface. /proc/net/dev lists the interfaces of the reader's network
 * namespace, so this is this host's traffic alone.
 */
async function readNetstat (): Promise<NetstatReport> {
  const table = await readFile('/proc/net/dev', 'utf8')
  const row = table.split('\n').find(l => l.trim().startsWith(`${LAN_INTERFACE}:`))
  if (row === undefined) throw new Error(`no ${LAN_INTERFACE} in /proc/net/dev`)
  // after "eth0:": 8 receive columns (bytes, packets, ...), then 8 transmit columns
  const f = row.slice(row.indexOf(':') + 1).trim().split(/\s+/).map(Number)
  return { type: 'netstat', rxBytes: f[0] ?? NaN, rxPackets: f[1] ?? NaN, txBytes: f[8] ?? NaN, txPackets: f[9] ?? NaN }
}

/** Per phase: what this agent received, checked as it arrives. */
class PhaseLog {
  readonly latenciesMs: number[] = []
  readonly seqs = new Set<number>()
  firstReceivedAt = 0
  lastReceivedAt = 0
  duplicates = 0
  reordered = 0
  private highestSeq = -1

  add (seq: number, sentAt: number, receivedAt: number): void {
    if (this.seqs.has(seq)) {
      this.duplicates++
      return
    }
    this.seqs.add(seq)
    if (this.firstReceivedAt === 0) this.firstReceivedAt = receivedAt
    this.lastReceivedAt = receivedAt
    this.latenciesMs.push(Math.round((receivedAt - sentAt) * 1000) / 1000)
    if (seq < this.highestSeq) this.reordered++
    else this.highestSeq = seq
  }
}

/** The agent's side of the protocol: receives, sends, answers the runner. */
class Agent {
  private readonly phases = new Map<string, PhaseLog>()
  private readonly expected = new Map<string, number>()
  private readonly sent = new Map<string, number>()
  private endpoint?: Endpoint
  private stopping = false

  constructor (
    private readonly socket: Socket,
    private readonly payloadBytes: number
  ) {}

  report (message: Report): void {
    if (!this.socket.destroyed) this.socket.write(encodeLine(message))
  }

  attach (endpoint: Endpoint): void {
    this.endpoint = endpoint
  }

  readonly onText = (text: string, receivedAt: number): void => {
    const payload = decodePayload(text)
    if (payload === undefined) {
      this.report({ type: 'warning', message: `not a bench message: ${text.slice(0, 60)}` })
      return
    }
    let log = this.phases.get(payload.phase)
    if (log === undefined) {
      log = new PhaseLog()
      this.phases.set(payload.phase, log)
    }
    log.add(payload.seq, payload.sentAt, receivedAt)
    this.reportIfComplete(payload.phase)
  }

  private reportIfComplete (phase: string): void {
    const count = this.expected.get(phase)
    const log = this.phases.get(phase)
    if (count === undefined || log === undefined || log.seqs.size < count) return
    this.expected.delete(phase)
    this.report({
      type: 'received',
      phase,
      count: log.seqs.size,
      latenciesMs: log.latenciesMs,
      firstReceivedAt: log.firstReceivedAt,
      lastReceivedAt: log.lastReceivedAt,
      duplicates: log.duplicates,
      reordered: log.reordered,
      rssBytes: process.memoryUsage().rss
    })
  }

  async handle (command: Command): Promise<void> {
    switch (command.cmd) {
      case 'clock':
        this.report({ type: 'clock', now: clockMs() })
        return
      case 'found-org': {
        const { org, tokens } = await this.requireOrgSetup().found(command.invites)
        this.report({ type: 'invites', org, tokens })
        return
      }
      case 'join': {
        const { org, teams } = await this.requireOrgSetup().join(command.token, command.limitMs)
        this.report({ type: 'joined', org, teams })
        return
      }
      case 'await-ready':
        await this.awaitReady(command.subscribers, command.members, command.limitMs)
        return
      case 'expect':
        this.expected.set(command.phase, command.count)
        this.reportIfComplete(command.phase)
        return
      case 'send':
        await this.send(command.phase, command.count, command.intervalMs, command.inFlight ?? 1)
        return
      case 'status':
        this.report({
          type: 'status',
          sent: Object.fromEntries(this.sent),
          received: Object.fromEntries([...this.phases].map(([phase, log]) => [phase, log.seqs.size]))
        })
        return
      case 'netstat':
        this.report(await readNetstat())
        return
      case 'stop':
        await this.stop(0)
    }
  }

  private requireOrgSetup (): OrgSetup {
    const org = this.requireEndpoint().org
    if (org === undefined) throw new Error('this agent runs bare gossipsub: it has no org')
    return org
  }

  private requireEndpoint (): Endpoint {
    if (this.endpoint === undefined) throw new Error('the node has not started yet')
    return this.endpoint
  }

  /**
   * Wait until the bench topic has `subscribers` connected subscribers and, where there is an org,
   * the bench team has `members` members; fail after `limitMs` saying what is missing.
   */
  private async awaitReady (subscribers: number, members: number, limitMs: number): Promise<void> {
    const endpoint = this.requireEndpoint()
    const deadline = Date.now() + limitMs
    const done = (): boolean => endpoint.subscribers() >= subscribers && (endpoint.members() ?? members) >= members
    while (!done()) {
      if (Date.now() > deadline) {
        const m = endpoint.members()
        throw new Error(`not ready after ${limitMs} ms: ${endpoint.subscribers()} of ${subscribers} peers subscribed` +
          (m === undefined ? '' : `, ${m} of ${members} team members known`))
      }
      await sleep(READY_POLL_MS)
    }
    const m = endpoint.members()
    this.report(m === undefined
      ? { type: 'ready', subscribers: endpoint.subscribers() }
      : { type: 'ready', subscribers: endpoint.subscribers(), members: m })
  }

  /**
   * Send `count` messages, paced at `intervalMs`, or (0) as fast as the sender takes them with up to
   * `inFlight` sends awaited at once, in order: the way a bot or an import pipelines its sends.
   */
  private async send (phase: string, count: number, intervalMs: number, inFlight: number): Promise<void> {
    const endpoint = this.requireEndpoint()
    const start = clockMs()
    let firstSendAt = 0
    const window = new Set<Promise<void>>()
    for (let seq = 0; seq < count; seq++) {
      if (intervalMs > 0) {
        // a steady pace from the phase start, so one slow send does not shift the rest
        const wait = start + seq * intervalMs - clockMs()
        if (wait > 0) await sleep(wait)
      }
      const sentAt = clockMs()
      if (seq === 0) firstSendAt = sentAt
      const sending = endpoint.publish(encodePayload({ phase, seq, sentAt }, this.payloadBytes)).then(() => {
        this.sent.set(phase, (this.sent.get(phase) ?? 0) + 1)
      })
      window.add(sending)
      // a failed send fails the phase when awaited below
      void sending.catch(() => {}).finally(() => { window.delete(sending) })
      if (window.size >= Math.max(1, inFlight)) await Promise.race(window)
    }
    await Promise.all(window)
    this.report({ type: 'sent', phase, count, firstSendAt, lastSendAt: clockMs(), rssBytes: process.memoryUsage().rss })
  }

  /** Stop the node and exit, within STOP_LIMIT_MS whatever happens. */
  async stop (code: number): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    setTimeout(() => { process.exit(code === 0 ? 3 : code) }, STOP_LIMIT_MS)
    try {
      await this.endpoint?.stop()
    } catch (err) {
      this.report({ type: 'warning', message: `stop failed: ${(err as Error).message}` })
    }
    if (this.socket.destroyed) process.exit(code)
    this.report({ type: 'stopped' })
    this.socket.end(() => { process.exit(code) })
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
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
      mode: { type: 'string' },
      listen: { type: 'string' },
      peer: { type: 'string', multiple: true, default: [] },
      data: { type: 'string', default: '' },
      'payload-bytes': { type: 'string', default: '200' },
      'lifetime-ms': { type: 'string', default: '180000' }
    },
    strict: true
  })
  const mode = values.mode as Mode
  if (values.control === undefined || values.host === undefined || values.listen === undefined || (mode !== 'parley' && mode !== 'bare')) {
    throw new Error('usage: agent --control SOCK --host N --mode parley|bare --listen MA [--peer MA]... [--data DIR]')
  }
  if (mode === 'parley' && values.data === '') throw new Error('parley mode needs --data DIR')
  const host = Number(values.host)
  // a last resort: the runner kills agents by pid, this covers a runner that was itself killed
  setTimeout(() => {
    process.stderr.write('agent lifetime is over; exiting\n')
    process.exit(4)
  }, Number(values['lifetime-ms'])).unref()

  const socket = await connectControl(values.control)
  const agent = new Agent(socket, Number(values['payload-bytes']))
  socket.on('close', () => { void agent.stop(1) })
  socket.on('error', () => {
    // 'close' follows and stops the agent
  })
  agent.report({ type: 'hello', host, pid: process.pid })

  const lines = createInterface({ input: socket })
  lines.on('line', (line) => {
    let command: Command
    try {
      command = decodeCommand(line)
    } catch (err) {
      agent.report({ type: 'error', message: (err as Error).message })
      return
    }
    agent.handle(command).catch((err: unknown) => {
      agent.report({ type: 'error', message: `${command.cmd} failed: ${(err as Error).stack ?? String(err)}` })
    })
  })

  const init: EndpointInit = {
    listen: values.listen,
    peers: values.peer,
    dataDir: values.data,
    host,
    onText: agent.onText,
    onWarning: (message) => { agent.report({ type: 'warning', message }) }
  }
  const endpoint = mode === 'parley' ? await startParley(init) : await startBare(init)
  agent.attach(endpoint)
  // from here the runner drives: org setup (parley), then `await-ready`, then the phases
  agent.report({ type: 'listening', peerId: endpoint.peerId, addresses: endpoint.addresses() })
}

main().catch((err: unknown) => {
  process.stderr.write(`agent failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
