/**
 * ParleyNode: the identity, the log and the network of one workstation, behind one typed API.
 */
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { TypedEventEmitter } from 'main-event'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { DataDirLockedError, InvalidArgumentError, NotStartedError } from './errors.js'
import { checkTeamName, peerIdOfPublicKey } from './ids.js'
import { multiaddr } from '@multiformats/multiaddr'
import { createEntry, decodeBody, decodeEntry, encodeBody } from './net/codec.js'
import { createParleyLibp2p } from './net/libp2p-node.js'
import { PeerKeeper } from './net/peer-keeper.js'
import { teamOfTopic, topicOfTeam } from './net/topics.js'
import { EntryLog } from './store/entry-log.js'
import { loadOrCreateIdentity } from './store/identity-file.js'
import type { MessageView, ParleyEvents, PeerView } from './events.js'
import type { VerifiedEntry } from './net/codec.js'
import type { ParleyLibp2p } from './net/libp2p-node.js'
import type { Identity } from './store/identity-file.js'
import type { Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

/** The default TCP port; if it is taken, a free one is used instead. */
export const DEFAULT_PORT = 7717
export const DEFAULT_TEAM = 'general'
/** Where the log lives inside the data dir. */
export const LOG_DIR = 'log'

export interface ParleyInit {
  dataDir: string
  /** display name used when the identity is created; ignored afterwards */
  name?: string
  /** multiaddrs to listen on; default all IPv4 interfaces on DEFAULT_PORT */
  listen?: string[]
  /** multiaddrs of peers to keep connected whatever mDNS finds */
  peers?: string[]
  /** discover peers by mDNS on the LAN (default true) */
  mdns?: boolean
  /** teams to join on start, besides those joined before */
  teams?: string[]
}

/** Node info for shells. */
export interface NodeInfo {
  peerId: string
  name: string
  dataDir: string
  addresses: string[]
  teams: string[]
}

/** A page of history, oldest first, and the cursor for the page before it. */
export interface HistoryResult {
  messages: MessageView[]
  before?: string
}

/** Open the data dir (creating identity and log on first use) and build a node; call start() next. */
export async function createNode (init: ParleyInit): Promise<ParleyNode> {
  const identity = await loadOrCreateIdentity(init.dataDir, init.name ?? defaultDisplayName())
  let log: EntryLog
  try {
    log = await EntryLog.open(join(init.dataDir, LOG_DIR))
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new DataDirLockedError(`another parley process is using the data dir ${init.dataDir}`, { cause: err })
    }
    throw err
  }
  try {
    return new ParleyNode(init, identity, log)
  } catch (err) {
    await log.close()
    throw err
  }
}

function defaultDisplayName (): string {
  try {
    return userInfo().username
  } catch {
    // no passwd entry (some containers): fall back to the environment
    return process.env.USER ?? process.env.USERNAME ?? 'parley-user'
  }
}

/** One parley node. Events: see ParleyEvents. */
export class ParleyNode extends TypedEventEmitter<ParleyEvents> {
  readonly peerId: string
  readonly name: string
  readonly dataDir: string
  private readonly identity: Identity
  private readonly log: EntryLog
  private readonly init: ParleyInit
  private libp2p?: ParleyLibp2p
  private keeper?: PeerKeeper
  private readonly teams = new Set<string>()
  /** entries the topic validator checked, handed to the message handler without a second check */
  private readonly validated = new WeakMap<Message, VerifiedEntry>()
  /** own appends run one at a time so sequence numbers never repeat */
  private sending: Promise<unknown> = Promise.resolve()
  private state: 'new' | 'started' | 'stopped' = 'new'

  constructor (init: ParleyInit, identity: Identity, log: EntryLog) {
    super()
    this.init = init
    this.identity = identity
    this.log = log
    this.dataDir = init.dataDir
    this.name = identity.name
    this.peerId = peerIdOfPublicKey(identity.key.publicKey.raw)
  }

  /** Start networking and join the teams. */
  async start (): Promise<void> {
    if (this.state !== 'new') throw new NotStartedError('a node can be started once')
    const listen = this.init.listen ?? [`/ip4/0.0.0.0/tcp/${DEFAULT_PORT}`]
    try {
      this.libp2p = await this.startLibp2p(listen)
    } catch (err) {
      if (this.init.listen !== undefined || (err as { code?: string }).code !== 'EADDRINUSE') throw err
      this.warn(`port ${DEFAULT_PORT} is taken; listening on a random port instead`)
      this.libp2p = await this.startLibp2p(['/ip4/0.0.0.0/tcp/0'])
    }
    this.state = 'started'
    const libp2p = this.libp2p
    libp2p.addEventListener('peer:connect', this.onPeerConnect)
    libp2p.addEventListener('peer:disconnect', this.onPeerDisconnect)
    libp2p.services.pubsub.addEventListener('message', this.onGossip)
    const joined = await this.log.getMeta<string[]>('teams') ?? []
    for (const team of new Set([DEFAULT_TEAM, ...joined, ...(this.init.teams ?? [])])) {
      await this.joinTeam(team)
    }
    this.keeper = new PeerKeeper(libp2p, { staticPeers: this.init.peers ?? [], onWarning: (m) => { this.warn(m) } })
    this.keeper.start()
  }

  private async startLibp2p (listen: string[]): Promise<ParleyLibp2p> {
    const libp2p = await createParleyLibp2p({ privateKey: this.identity.key, listen, mdns: this.init.mdns ?? true })
    try {
      await libp2p.start()
    } catch (err) {
      try {
        await libp2p.stop()
      } catch {
        // the start error is the one worth reporting
      }
      throw err
    }
    return libp2p
  }

  /** Stop networking and close the log. Safe to call twice. */
  async stop (): Promise<void> {
    if (this.state === 'stopped') return
    this.state = 'stopped'
    this.keeper?.stop()
    if (this.libp2p !== undefined) {
      this.libp2p.services.pubsub.removeEventListener('message', this.onGossip)
      this.libp2p.removeEventListener('peer:connect', this.onPeerConnect)
      this.libp2p.removeEventListener('peer:disconnect', this.onPeerDisconnect)
      await this.libp2p.stop()
    }
    await this.sending.catch(() => {})
    await this.log.close()
  }

  private requireStarted (): ParleyLibp2p {
    if (this.state !== 'started' || this.libp2p === undefined) throw new NotStartedError('the node is not running')
    return this.libp2p
  }

  /** What this node is and where it listens. */
  info (): NodeInfo {
    return {
      peerId: this.peerId,
      name: this.name,
      dataDir: this.dataDir,
      addresses: this.libp2p?.getMultiaddrs().map(String) ?? [],
      teams: [...this.teams].sort()
    }
  }

  /** Subscribe to a team's topic (remembered across restarts). */
  async joinTeam (team: string): Promise<void> {
    checkTeamName(team)
    const libp2p = this.requireStarted()
    if (this.teams.has(team)) return
    const topic = topicOfTeam(team)
    libp2p.services.pubsub.topicValidators.set(topic, async (from, msg) => this.validate(from, team, msg))
    libp2p.services.pubsub.subscribe(topic)
    this.teams.add(team)
    await this.log.putMeta('teams', [...this.teams].sort())
  }

  /** The teams this node has joined. */
  joinedTeams (): string[] {
    return [...this.teams].sort()
  }

  /**
   * Write a message to a team. It is stored durably before this resolves, so a message reported
   * as sent survives a crash; then it is published to the connected members.
   */
  async send (team: string, text: string): Promise<MessageView> {
    checkTeamName(team)
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new InvalidArgumentError('a message needs some text')
    }
    const libp2p = this.requireStarted()
    await this.joinTeam(team)
    const run = this.sending.then(async () => {
      const head = await this.log.feedHead(team, this.peerId)
      const entry = await createEntry(this.identity.key, {
        team,
        seq: (head?.entry.seq ?? 0) + 1,
        lamport: (await this.log.lamport(team)) + 1,
        wallTime: Date.now(),
        epoch: 0,
        prev: head === undefined ? new Uint8Array(0) : new Uint8Array(head.id),
        body: new Uint8Array(encodeBody({ text, authorName: this.name }))
      })
      await this.log.append(entry, { durable: true })
      return entry
    })
    this.sending = run.catch(() => {})
    const entry = await run
    const view = this.toView(entry)
    this.safeDispatch('message:added', view)
    try {
      await libp2p.services.pubsub.publish(topicOfTeam(team), entry.bytes)
    } catch (err) {
      // the entry is stored; peers that miss it now get it from history sync
      this.warn(`message ${view.id.slice(0, 12)} stored but not published: ${(err as Error).message}`)
    }
    return view
  }

  /** A page of a team's history in display order, oldest first. */
  async history (team: string, options: { limit?: number, before?: string } = {}): Promise<HistoryResult> {
    checkTeamName(team)
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 10_000)) {
      throw new InvalidArgumentError('limit must be a whole number from 1 to 10000')
    }
    const page = await this.log.page(team, options)
    const messages = page.entries.map(v => this.toView(v))
    return page.before === undefined ? { messages } : { messages, before: page.before }
  }

  /** The peers connected now. */
  peers (): PeerView[] {
    const libp2p = this.requireStarted()
    const byPeer = new Map<string, string[]>()
    for (const c of libp2p.getConnections()) {
      const list = byPeer.get(c.remotePeer.toString()) ?? []
      list.push(c.remoteAddr.toString())
      byPeer.set(c.remotePeer.toString(), list)
    }
    return [...byPeer].map(([peerId, addresses]) => ({ peerId, addresses })).sort((a, b) => a.peerId.localeCompare(b.peerId))
  }

  /** The connected peers subscribed to a team's topic: who a message sent now reaches directly. */
  teamPeers (team: string): string[] {
    checkTeamName(team)
    return this.requireStarted().services.pubsub.getSubscribers(topicOfTeam(team)).map(String).sort()
  }

  /** Dial a multiaddr now (used by tests and `--peer`-like tools). */
  async dial (address: string): Promise<void> {
    await this.requireStarted().dial(multiaddr(address))
  }

  private async validate (from: PeerId, team: string, msg: Message): Promise<TopicValidatorResult> {
    try {
      const v = await decodeEntry(msg.data)
      if (v.entry.team !== team) {
        throw new InvalidArgumentError(`entry for team ${v.entry.team} sent on the topic of ${team}`)
      }
      this.validated.set(msg, v)
      return TopicValidatorResult.Accept
    } catch (err) {
      const e = err as Error
      this.safeDispatch('entry:rejected', { from: from.toString(), team, reason: e.name, message: e.message })
      return TopicValidatorResult.Reject
    }
  }

  private readonly onGossip = (evt: CustomEvent<Message>): void => {
    const team = teamOfTopic(evt.detail.topic)
    const v = this.validated.get(evt.detail)
    if (team === undefined || v === undefined) return
    void this.accept(v)
  }

  private async accept (v: VerifiedEntry): Promise<void> {
    try {
      const outcome = await this.log.append(v)
      if (outcome.status === 'added') {
        this.safeDispatch('message:added', this.toView(v))
      } else if (outcome.status === 'fork') {
        this.safeDispatch('entry:forked', { team: v.entry.team, author: v.author, seq: v.entry.seq, existingId: outcome.existingId, forkId: v.idHex })
      }
    } catch (err) {
      this.warn(`could not store entry ${v.idHex.slice(0, 12)}: ${(err as Error).message}`)
    }
  }

  private readonly onPeerConnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail.toString()
    const addresses = this.libp2p?.getConnections(evt.detail).map(c => c.remoteAddr.toString()) ?? []
    this.safeDispatch('peer:connected', { peerId, addresses })
  }

  private readonly onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.safeDispatch('peer:disconnected', { peerId: evt.detail.toString() })
  }

  private toView (v: VerifiedEntry): MessageView {
    const body = decodeBody(v.entry.body)
    return {
      id: v.idHex,
      team: v.entry.team,
      author: v.author,
      authorName: body.authorName,
      seq: v.entry.seq,
      lamport: v.entry.lamport,
      time: v.entry.wallTime,
      text: body.text,
      local: v.author === this.peerId
    }
  }

  private warn (message: string): void {
    this.safeDispatch('node:warning', { message })
  }

  /** Dispatch an event; a throwing listener must not break the core. */
  private safeDispatch<K extends keyof ParleyEvents> (type: K, detail: ParleyEvents[K]['detail']): void {
    try {
      this.dispatchEvent(new CustomEvent(type, { detail }))
    } catch (err) {
      process.emitWarning(`parley listener for ${type} threw: ${(err as Error).message}`)
    }
  }
}
