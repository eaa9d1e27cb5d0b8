/**
 * ParleyNode: the identity, the log, the organisation and the network of one workstation,
 * behind one typed API.
 */
import { homedir, userInfo } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream, RateLimiter } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { DataDirLockedError, DiskFullError, InvalidArgumentError, InviteError, NotInOrgError, NotMemberError, NotStartedError, NotSyncedError } from './errors.js'
import { checkDisplayName, checkTeamName, peerIdOfPublicKey } from './ids.js'
import { checkPlausible, createEntry, lamportCeiling, decodeBody, decodeEntry, encodeBody, JoinRequest, JoinResponse, OrgHeads, OrgRecords } from './model/index.js'
import { createParleyLibp2p } from './net/libp2p-node.js'
import type { KeeperStatus } from './net/peer-keeper.js'
import { inboxTopic, JOIN_PROTOCOL, ORG_SYNC_PROTOCOL, orgTopic, presenceTopic, teamOfTopic, topicOfTeam } from './net/topics.js'
import { HistorySync } from './history/history-sync.js'
import { buildExport, EXPORT_DOMAIN } from './export/export-file.js'
import { signForDomain } from './crypto/keys.js'
import { writeBackup } from './store/backup.js'
import { EntryLog } from './store/entry-log.js'
import { makePrivate } from './store/permissions.js'
import { loadOrCreateIdentity, saveDisplayName } from './store/identity-file.js'
import { decodeInviteToken, DM_PREFIX, Org, parseDuration } from './teams/org.js'
import { DEFAULT_AUTO_DOWNLOAD_BYTES, DEFAULT_MAX_FILE_BYTES, FileService } from './files/file-service.js'
import { sanitizeFileName } from './files/names.js'
import { fileIdBound } from './files/chunks.js'
import { SearchIndexer, searchItem } from './search/indexer.js'
import { PresenceService } from './presence/presence-service.js'
import type { FileConfig, FileView } from './files/file-service.js'
import type { MessageView, ParleyEvents, PeerView, PresenceView } from './events.js'
import type { Body, VerifiedEntry, VerifiedRecord } from './model/index.js'
import type { ExportRecord } from './export/export-file.js'
import type { ParleyLibp2p } from './net/libp2p-node.js'
import type { Identity } from './store/identity-file.js'
import type { SearchHit } from './store/search-index.js'
import type { OrgChange } from './teams/org.js'
import type { Message } from '@libp2p/gossipsub'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

/** The default TCP port; if it is taken, a free one is used instead. */
export const DEFAULT_PORT = 7717
/** Where the log lives inside the data dir. */
export const LOG_DIR = 'log'
/** Largest message read on the org sync and join streams. */
const MAX_STREAM_MESSAGE = 4 * 1024 * 1024
/** Largest org sync answer read from a peer outside the directory: the records of a small office. */
const MAX_STRANGER_ORG_REPLY = 256 * 1024
const STREAM_TIMEOUT_MS = 10_000
const ORG_RESYNC_MS = 30_000
/** The least time between two catch-up org syncs with one peer, asked for because this node is behind. */
const ORG_CATCH_UP_INTERVAL_MS = 1_000
/** How long a removed member's open connections stay up so the removal record reaches them. */
const REMOVAL_GRACE_MS = 1_000
/**
 * How long an admin waits, after an org change, before mending rosters (see Org.mendRosters): the
 * offboarding admin's own rosters, written right after a removal, arrive first; a random part keeps
 * two admins from doing it at once.
 */
const MEND_DELAY_MS = 2_000
const MEND_JITTER_MS = 2_000
/** How long an entry from a peer waits for the first org sync with that peer. */
const ORG_SYNC_WAIT_MS = 2_000
/**
 * Team and inbox gossip a peer outside the directory may send in a minute (a member this node has not
 * heard of yet sends a few before the org sync tells of them); past it, the peer is disconnected and
 * its connections refused for STRANGER_BAN_S.
 */
const STRANGER_GOSSIP_PER_MINUTE = 50
const STRANGER_BAN_S = 10 * 60

const DAY_MS = 24 * 60 * 60 * 1000
/** How far past the horizon an entry's successor must be before it is deleted: clocks differ, and a peer checks against its own. */
const RETENTION_MARGIN_MS = 60 * 60 * 1000
/** How often retention is applied (and at start, and when an admin changes it). */
const RETENTION_EVERY_MS = 60 * 60 * 1000
/** Entries examined per write when applying retention. */
const RETENTION_SLICE = 5_000

/** How long a first post waits for history sync to confirm this node's own feed head. */
const OWN_HEAD_WAIT_MS = 5_000
/** How long a restored node waits for each peer's sync before its first post in a team. */
const RESTORE_SYNC_WAIT_MS = 10_000

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
  /** mDNS query pace: while finding peers, once settled, and how long without a new peer settles it */
  mdnsPace?: { intervalMs?: number, settledIntervalMs?: number, settleMs?: number }
  /** the clock, in ms since the epoch (tests move it to see retention work); default Date.now */
  clock?: () => number
  /** file sharing: download folder, sizes, virus scanner */
  files?: Partial<FileConfig>
}

/** Node info for shells. */
export interface NodeInfo {
  peerId: string
  name: string
  dataDir: string
  addresses: string[]
  org?: { id: string, name: string, admin: boolean }
  teams: string[]
  /** this node was removed from the organisation (offboarded): by whom and when; it can no longer read or post */
  removed?: { by: string, byName: string, at: number }
}

/** A page of history, oldest first, and the cursor for the page before it. */
export interface HistoryResult {
  messages: MessageView[]
  before?: string
}

/** Per team: what this node holds and what it is fetching. */
export interface SyncStatus {
  team: string
  /** entries held */
  entries: number
  /** per author, the end of the unbroken run held */
  authors: Array<{ author: string, name: string, seq: number }>
  fetching: Array<{ peer: string, started: number, received: number }>
  /** when a sync of this team last completed, ms since the epoch */
  lastSynced?: number
}

/** A team as listed by `teams()`. */
export interface TeamView {
  name: string
  epoch: number
  members: number
  /** whether this node is in it */
  joined: boolean
  /** days its messages are kept; 0 for ever */
  retentionDays: number
  /** a hold suspends deletion */
  hold: boolean
  holdReason?: string
}

/** A directory member as listed by `members()`. */
export interface MemberView {
  peerId: string
  name: string
  admin: boolean
  online: boolean
  teams: string[]
}

/** Open the data dir (creating identity and log on first use) and build a node; call start() next. */
export async function createNode (init: ParleyInit): Promise<ParleyNode> {
  // owner-only whatever was there before: the folder first, then what is in it once the log has
  // made its files (later ones are made inside folders nobody else can enter)
  await makePrivate(init.dataDir)
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
    await makePrivate(init.dataDir)
    const peerId = peerIdOfPublicKey(identity.key.publicKey.raw)
    const org = await Org.load(log, { key: identity.key, box: identity.box, peerId })
    return new ParleyNode(init, identity, log, org)
  } catch (err) {
    await log.close()
    throw err
  }
}

/** A write error that means the disk is full becomes DiskFullError; others pass through. */
function diskError (err: unknown, dataDir: string): Error {
  const text = `${(err as Error).message} ${String((err as { cause?: Error }).cause?.message ?? '')}`
  if (/ENOSPC|No space left/i.test(text)) {
    return new DiskFullError(`the disk holding ${dataDir} is full: the message was not sent; free some space and send it again (everything sent before is safe)`, { cause: err })
  }
  return err as Error
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
  readonly dataDir: string
  private displayName: string
  private readonly identity: Identity
  private readonly log: EntryLog
  private readonly init: ParleyInit
  private org?: Org
  private libp2p?: ParleyLibp2p
  private historySync?: HistorySync
  private files?: FileService
  private readonly indexer: SearchIndexer
  private readonly presenceService: PresenceService
  private mendTimer?: NodeJS.Timeout
  /** this node's rosters refused since the last mending */
  private readonly ownRefusedRosters: VerifiedRecord[] = []
  private readonly subscribed = new Set<string>()
  /** entries the topic validator checked, with the peer that relayed them, for the message handler */
  private readonly validated = new WeakMap<Message, { v: VerifiedEntry, from: PeerId }>()
  /** own appends run one at a time so sequence numbers never repeat */
  private sending: Promise<unknown> = Promise.resolve()
  private resync?: NodeJS.Timeout
  /** peers announced as connected (peer:connected) and not gone since */
  private readonly announced = new Set<string>()
  /** peers we completed an org sync with since they connected */
  private readonly orgSynced = new Set<string>()
  /** org syncs under way, by peer */
  private readonly orgSyncing = new Map<string, Promise<void>>()
  /** catch-up org syncs waiting for their turn, by peer, and when each peer's last one started */
  private readonly catchUps = new Map<string, Promise<void>>()
  private readonly catchUpAt = new Map<string, number>()
  /** aborted by stop(): ends the waits of catch-up syncs */
  private readonly stopping = new AbortController()
  private state: 'new' | 'started' | 'stopped' = 'new'
  private teamsBefore = new Set<string>()
  /** after a restore from backup: the teams whose feeds peers have confirmed since */
  private restored?: { at: number, confirmed: string[] }
  private orgSyncedOnce = false
  /** gossip from peers outside the directory, and the peers cut off for sending too much of it */
  private readonly strangerGossip = new RateLimiter({ points: STRANGER_GOSSIP_PER_MINUTE, duration: 60, keyPrefix: 'gossip' })
  private readonly bannedPeers = new RateLimiter({ points: 0, duration: STRANGER_BAN_S, keyPrefix: 'ban' })

  constructor (init: ParleyInit, identity: Identity, log: EntryLog, org: Org | undefined) {
    super()
    this.init = init
    this.identity = identity
    this.log = log
    this.org = org
    this.dataDir = init.dataDir
    this.displayName = identity.name
    this.peerId = peerIdOfPublicKey(identity.key.publicKey.raw)
    this.indexer = new SearchIndexer({
      log,
      bodyOf: (v) => this.bodyOf(v),
      noticeFile: async (v, body) => {
        if (body.file === undefined) return
        await this.files?.notice({ entryId: v.idHex, team: v.entry.team, author: v.author, authorName: this.authorLabel(v.author), time: v.entry.wallTime, manifest: body.file })
      },
      teams: async () => this.org === undefined ? undefined : [...this.org.myTeams(), ...(await this.directs()).map(d => d.team)],
      whenSyncIdle: async () => this.historySync?.whenIdle(),
      warn: (m) => { this.warn(m) },
      stopping: this.stopping.signal
    })
    this.presenceService = new PresenceService({
      peerId: this.peerId,
      key: identity.key,
      log,
      org: () => this.org,
      libp2p: () => this.state === 'started' ? this.libp2p : undefined,
      learn: (peerId, addrs) => { if (this.state === 'started') this.libp2p?.services.keeper.learn(peerId, addrs) }
    }, {
      onChanged: (view) => { this.safeDispatch('presence:changed', view) },
      onRejected: (from, e) => { this.safeDispatch('entry:rejected', { from, team: '', reason: e.name, message: e.message }) }
    })
  }

  get name (): string {
    return this.org?.member(this.peerId)?.name ?? this.displayName
  }

  /** Start networking and join the org's topics. */
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
    libp2p.services.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    await libp2p.handle(ORG_SYNC_PROTOCOL, (stream, connection) => { void this.serveOrgSync(stream, connection) })
    await libp2p.handle(JOIN_PROTOCOL, (stream, connection) => { void this.serveJoin(stream, connection) })
    this.historySync = new HistorySync({
      registrar: libp2p,
      dialer: libp2p,
      log: this.log,
      org: () => this.org,
      orgSync: {
        syncedWith: async (peer) => { if (!this.orgSynced.has(peer.toString())) await this.syncOrg(peer) },
        catchUp: async (peer) => this.catchUpOrg(peer)
      },
      now: () => this.now(),
      expired: (team, wallTime) => {
        const cutoff = this.retentionCutoff(team)
        return cutoff !== undefined && wallTime < cutoff
      }
    })
    this.historySync.addEventListener('history:stored', ({ detail: { entries } }) => {
      try {
        this.indexer.addAfterSync(entries)
        // building views decrypts; skip it when nobody listens (a large catch-up)
        if (this.listenerCount('message:added') === 0) return
        for (const v of entries) this.safeDispatch('message:added', this.toView(v))
      } catch (err) {
        // the entries are stored: the index and the views follow at the next start
        this.warn(`taking in synced history failed: ${(err as Error).message}`)
      }
    })
    this.historySync.addEventListener('history:refused', ({ detail: { from, team, error: e } }) => { this.safeDispatch('entry:rejected', { from, team, reason: e.name, message: e.message }) })
    this.historySync.addEventListener('history:forked', ({ detail: { entry: v, existingId } }) => { this.safeDispatch('entry:forked', { team: v.entry.team, author: v.author, seq: v.entry.seq, existingId, forkId: v.idHex }) })
    this.historySync.addEventListener('history:synced', ({ detail: { team, from: peer, received } }) => { this.safeDispatch('history:synced', { team, peer, received }) })
    await this.historySync.start()
    this.files = new FileService({
      libp2p,
      org: () => this.org,
      peerId: this.peerId,
      dir: join(this.dataDir, 'files'),
      config: fileConfig(this.init.files),
      post: async (team, body) => (await this.post(team, body)).id
    }, {
      onAdded: (f) => { this.safeDispatch('file:added', f) },
      onProgress: (p) => { this.safeDispatch('file:progress', p) },
      onComplete: (f) => { this.safeDispatch('file:complete', f) },
      onFailed: (f, e) => { this.safeDispatch('file:failed', { ...f, error: e.name, message: e.message }) },
      onQuarantined: (f) => { this.safeDispatch('file:quarantined', f) },
      onWarning: (m) => { this.warn(m) }
    })
    await this.files.start()
    this.updateSubscriptions()
    this.retentionTimer = setInterval(() => { this.retentionSoon() }, RETENTION_EVERY_MS)
    this.retentionTimer.unref()
    this.retentionSoon()
    this.resync = setInterval(() => { this.syncWithAll() }, ORG_RESYNC_MS)
    this.resync.unref()
    this.teamsBefore = new Set(this.org?.myTeams())
    this.restored = await this.log.getMeta<{ at: number, confirmed: string[] }>('restored')
    await this.indexer.start()
    await this.presenceService.start()
    if (this.org?.isAdmin() === true) this.mendRostersSoon()
    // peers that connected while libp2p was starting, before the listeners above were attached (the
    // office's nodes redial a restarted one at its old address as soon as it listens): announced and
    // synced now, as if they had connected just now
    for (const peer of libp2p.getPeers()) this.peerConnected(peer)
  }

  private async startLibp2p (listen: string[]): Promise<ParleyLibp2p> {
    const libp2p = await createParleyLibp2p({
      privateKey: this.identity.key,
      listen,
      mdns: this.init.mdns ?? true,
      mdnsPace: this.init.mdnsPace,
      // colleagues are dialed however many strangers mDNS announces (see peer-keeper.ts)
      keeper: { staticPeers: this.init.peers ?? [], isColleague: (peerId) => this.org?.state.members.has(peerId) === true },
      // offboarding: a removed member's connections are refused both ways; so are, for a while,
      // those of a peer cut off for flooding
      // (a ban never outlives the peer's admission: a member this node had not heard of yet is let in)
      isPeerDenied: (peerId) => this.org?.state.removed.has(peerId) === true || (this.bannedPeers.get(peerId) !== undefined && this.org?.state.members.has(peerId) !== true)
    })
    libp2p.services.keeper.addEventListener('keeper:warning', (e) => { this.warn(e.detail) })
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
    const wasStarted = this.state === 'started'
    this.state = 'stopped'
    this.stopping.abort()
    clearInterval(this.resync)
    clearInterval(this.retentionTimer)
    await this.retaining
    this.presenceService.stop()
    clearTimeout(this.mendTimer)
    await this.files?.stop()
    if (this.libp2p !== undefined && wasStarted) {
      this.libp2p.services.pubsub.removeEventListener('message', this.onGossip)
      this.libp2p.services.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
      this.libp2p.removeEventListener('peer:connect', this.onPeerConnect)
      this.libp2p.removeEventListener('peer:disconnect', this.onPeerDisconnect)
      await this.historySync?.stop()
      await this.libp2p.stop()
    }
    await this.sending.catch(() => {})
    // what history sync stored and the index has not taken in is left for the next start
    await this.indexer.stop()
    await this.log.close()
  }

  private requireStarted (): ParleyLibp2p {
    if (this.state !== 'started' || this.libp2p === undefined) throw new NotStartedError('the node is not running')
    return this.libp2p
  }

  private requireOrg (): Org {
    if (this.org === undefined) throw new NotInOrgError('this node is in no organisation yet: run `parley org create NAME` or `parley join TOKEN`')
    return this.org
  }

  /** The org, for an admin action: after a restore, only once peers have sent the org's latest records. */
  private requireOrgForWriting (): Org {
    const org = this.requireOrg()
    if (this.restored !== undefined && !this.orgSyncedOnce) {
      throw new NotSyncedError('this node was restored from a backup: admin actions wait until a colleague\'s node has sent it the organisation\'s latest records')
    }
    return org
  }

  /** What this node is and where it listens. */
  info (): NodeInfo {
    const info: NodeInfo = {
      peerId: this.peerId,
      name: this.name,
      dataDir: this.dataDir,
      addresses: this.libp2p?.getMultiaddrs().map(String) ?? [],
      teams: this.org?.myTeams() ?? []
    }
    if (this.org !== undefined) info.org = { id: this.org.orgId, name: this.org.name, admin: this.org.isAdmin() }
    const removal = this.org?.state.removed.get(this.peerId)
    if (removal !== undefined) info.removed = { by: removal.by, byName: this.org?.state.members.get(removal.by)?.name ?? this.org?.state.removed.get(removal.by)?.name ?? '', at: removal.at }
    return info
  }

  // ---- organisation ----

  /** Found an organisation with this node as its first admin and a team `general`. */
  async createOrg (name: string): Promise<NodeInfo> {
    this.requireStarted()
    if (this.org !== undefined) throw new InvalidArgumentError(`this node is already in the org ${this.org.name}`)
    this.org = await Org.create(this.log, { key: this.identity.key, box: this.identity.box, peerId: this.peerId }, name, this.displayName)
    this.afterOrgChange({ applied: this.org.state.applied, refused: [], removed: [] }, this.org.state.applied)
    return this.info()
  }

  /** Make an invite token for a newcomer (admins only). */
  async invite (options: { teams?: string[], expires?: string } = {}): Promise<{ token: string, expires: number }> {
    const org = this.requireOrgForWriting()
    const ttl = parseDuration(options.expires ?? '24h')
    const addresses = this.requireStarted().getMultiaddrs().map(String)
    const { token, expires, records } = await org.createInvite(options.teams ?? [], ttl, addresses)
    this.afterOwnRecords(records)
    return { token, expires }
  }

  /**
   * Join the org of an invite: reach one of its admins (by the token's addresses or on the LAN),
   * prove the invite, and adopt the org's records. Emits `join:waiting` while no admin answers.
   */
  async join (token: string, name: string, options: { signal?: AbortSignal } = {}): Promise<NodeInfo> {
    const libp2p = this.requireStarted()
    if (this.org !== undefined) throw new InvalidArgumentError(`this node is already in the org ${this.org.name}`)
    const displayName = checkDisplayName(name)
    const invite = decodeInviteToken(token)
    if (Date.now() > invite.expires) throw new InviteError('this invite has expired: ask an admin for a new one')
    const orgId = Buffer.from(invite.org).toString('hex')
    const admins = invite.admins.map(peerIdOfPublicKey)
    const request = JoinRequest.encode({ org: invite.org, secret: invite.secret, name: displayName, boxKey: new Uint8Array(this.identity.box.publicKey) })
    let waitingSaid = false
    // an admin that got the request but whose answer was lost may have admitted this node: it is
    // asked again first, once, since another admin that has not heard of that yet would admit it a
    // second time (two admissions, and two rosters for one epoch of each team in the invite)
    let askAgain: string | undefined
    const askedAgain = new Set<string>()
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted()
      const targets: Array<{ admin?: string, target: PeerId | ReturnType<typeof multiaddr> }> = []
      for (const peer of libp2p.getPeers()) if (admins.includes(peer.toString())) targets.push({ admin: peer.toString(), target: peer })
      for (const a of invite.addresses) {
        try {
          const ma = multiaddr(a)
          targets.push({ admin: ma.getComponents().find(c => c.name === 'p2p')?.value, target: ma })
        } catch {
          // a damaged address in the token; others may work
        }
      }
      if (askAgain !== undefined) {
        targets.sort((x, y) => Number(y.admin === askAgain) - Number(x.admin === askAgain))
        askedAgain.add(askAgain)
        askAgain = undefined
      }
      for (const { admin, target } of targets) {
        let response: JoinResponse
        let asked = false
        try {
          const signal = options.signal === undefined ? AbortSignal.timeout(STREAM_TIMEOUT_MS) : AbortSignal.any([options.signal, AbortSignal.timeout(STREAM_TIMEOUT_MS)])
          const stream = await libp2p.dialProtocol(target, JOIN_PROTOCOL, { signal })
          const pb = pbStream(stream, { maxDataLength: MAX_STREAM_MESSAGE })
          await pb.write(JoinRequest.decode(request), JoinRequest)
          asked = true
          response = await pb.read(JoinResponse, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
          await stream.close().catch(() => {})
        } catch {
          if (asked && admin !== undefined && !askedAgain.has(admin)) {
            askAgain = admin
            break
          }
          continue // this admin is not reachable; try the next
        }
        if (response.error !== '') {
          throw new InviteError(`the admin refused the invite: ${response.message}`)
        }
        const org = await Org.adopt(this.log, { key: this.identity.key, box: this.identity.box, peerId: this.peerId }, orgId, response.records)
        this.org = org
        this.displayName = displayName
        await saveDisplayName(this.dataDir, displayName)
        this.afterOrgChange({ applied: org.state.applied, refused: [], removed: [] }, [])
        // a newcomer fetches the history of its teams at once, not at the next periodic resync (it has
        // no direct conversations yet, and peers that have not heard of it would turn those away)
        for (const peer of libp2p.getPeers()) void this.syncOrg(peer).then(async () => this.syncHistoryWith(peer, { directs: false }))
        return this.info()
      }
      if (!waitingSaid) {
        waitingSaid = true
        this.safeDispatch('join:waiting', { org: invite.orgName, admins })
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000 * (attempt + 1), 5000))
        options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
      })
    }
  }

  /** Make a directory member an admin (admins only). */
  async addAdmin (peerId: string): Promise<void> {
    this.afterOwnRecords(await this.requireOrgForWriting().addAdmin(peerId))
  }

  /** Offboard a member: out of the directory and every team, keys rotated, connections refused. */
  async removeMember (peerId: string): Promise<void> {
    this.afterOwnRecords(await this.requireOrgForWriting().removeMember(peerId))
  }

  /** Create a team (admins only); the admin and `members` are in it. */
  async createTeam (team: string, members: string[] = []): Promise<void> {
    this.afterOwnRecords(await this.requireOrgForWriting().createTeam(team, members))
  }

  /** Add members to a team (admins only). */
  async addToTeam (team: string, members: string[]): Promise<void> {
    this.afterOwnRecords(await this.requireOrgForWriting().addToTeam(team, members))
  }

  /** Take a member out of a team (admins only); the team key is rotated. */
  async removeFromTeam (team: string, member: string): Promise<void> {
    this.afterOwnRecords(await this.requireOrgForWriting().removeFromTeam(team, member))
  }

  /** The org's teams. */
  teams (): TeamView[] {
    const org = this.requireOrg()
    return [...org.state.teams.values()].map(t => {
      const r = org.state.retention.get(t.name)
      return {
        name: t.name,
        epoch: t.current.epoch,
        members: t.current.members.size,
        joined: t.current.members.has(this.peerId),
        retentionDays: r?.days ?? 0,
        hold: r?.hold ?? false,
        ...(r?.hold === true && r.reason !== '' ? { holdReason: r.reason } : {})
      }
    })
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The directory, or one team's members. */
  members (team?: string): MemberView[] {
    const org = this.requireOrg()
    let ids = [...org.state.members.keys()]
    if (team !== undefined) {
      const t = org.state.teams.get(checkTeamName(team))
      if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
      ids = [...t.current.members]
    }
    const online = new Set(this.libp2p?.getPeers().map(String))
    return ids.map(id => org.member(id)).filter(m => m !== undefined).map(m => ({
      peerId: m.peerId,
      name: m.name,
      admin: m.admin,
      online: m.peerId === this.peerId || online.has(m.peerId),
      teams: [...org.state.teams.values()].filter(t => t.current.members.has(m.peerId)).map(t => t.name).sort()
    })).sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The teams this node is in. */
  joinedTeams (): string[] {
    return this.org?.myTeams() ?? []
  }

  private afterOwnRecords (records: VerifiedRecord[]): void {
    if (records.length === 0) return
    this.afterOrgChange({ applied: records, refused: [], removed: records.filter(r => r.op === 'removeMember').map(r => peerIdOfPublicKey(r.record.removeMember!.member)) }, records)
  }

  /** Publish own records, follow team changes, cut off removed peers, and tell the shells. */
  private afterOrgChange (change: OrgChange, toPublish: VerifiedRecord[]): void {
    const org = this.org
    if (org === undefined) return
    if (change.applied.some(r => r.op === 'retention') && this.state === 'started') this.retentionSoon()
    // this node's rosters that lost to another admin's for the same epoch: their changes are made again
    for (const refusal of change.refused) {
      if (refusal.record.op === 'roster' && refusal.record.signer === this.peerId && refusal.gap !== true) this.ownRefusedRosters.push(refusal.record)
    }
    if ((change.applied.length > 0 || change.refused.length > 0) && org.isAdmin()) this.mendRostersSoon()
    const libp2p = this.libp2p
    if (libp2p !== undefined && this.state === 'started') {
      this.updateSubscriptions()
      for (const r of toPublish) {
        void libp2p.services.pubsub.publish(orgTopic(org.orgId), r.bytes).catch((err: Error) => {
          this.warn(`org record not published now (peers get it by sync): ${err.message}`)
        })
      }
      // the gater refuses removed peers' new connections at once; open ones are closed after a
      // moment, so the removal record itself can reach them and their node can say so
      const removed = change.removed.filter(p => p !== this.peerId)
      if (removed.length > 0) {
        setTimeout(() => {
          for (const peer of removed) void libp2p.hangUp(peerIdFromString(peer)).catch(() => {}) // already gone is fine
        }, REMOVAL_GRACE_MS).unref()
      }
    }
    // presence held for someone just admitted counts now, and they hear ours at once
    this.presenceService.orgChanged(change.applied.some(r => r.op === 'addMember' || r.op === 'genesis'))
    if (change.removed.includes(this.peerId)) this.warn(`this node was removed from ${org.name} by an admin`)
    // a team this node left is no longer searchable here
    const now = new Set(org.state.removed.has(this.peerId) ? [] : org.myTeams())
    for (const team of this.teamsBefore) {
      if (now.has(team)) continue
      this.indexer.dropTeam(team)
    }
    this.teamsBefore = now
    for (const refusal of change.refused) {
      this.safeDispatch('org:refused', { signer: refusal.record.signer, kind: refusal.record.op, reason: refusal.reason })
    }
    if (change.applied.length > 0 || change.removed.length > 0) {
      this.safeDispatch('org:changed', { orgId: org.orgId, applied: change.applied.map(r => r.op), removed: change.removed, by: change.applied.map(r => ({ signer: r.signer, at: r.record.wallTime })) })
    }
  }

  /** As an admin, mend the rosters after a moment (see Org.mendRosters). */
  private mendRostersSoon (): void {
    if (this.mendTimer !== undefined || this.state !== 'started') return
    this.mendTimer = setTimeout(() => {
      this.mendTimer = undefined
      const org = this.org
      if (org === undefined || this.state !== 'started') return
      org.mendRosters(this.ownRefusedRosters.splice(0)).then((records) => {
        if (records.length === 0) return
        this.warn(`team rosters mended after another admin's changes won over this node's or left removed members in: ${records.length} new roster(s)`)
        this.afterOwnRecords(records)
      }, (err: Error) => { this.warn(`team rosters not mended now (tried again at the next org change): ${err.message}`) })
    }, MEND_DELAY_MS + Math.random() * MEND_JITTER_MS)
    this.mendTimer.unref()
  }

  /** Subscribe to the org topic and the topics of the teams this node is in; leave the others. */
  private updateSubscriptions (): void {
    const libp2p = this.libp2p
    const org = this.org
    if (libp2p === undefined || org === undefined) return
    const removed = org.state.removed.has(this.peerId)
    const inbox = inboxTopic(org.orgId, this.peerId)
    const wanted = new Set(removed ? [] : [orgTopic(org.orgId), presenceTopic(org.orgId), inbox, ...org.myTeams().map(t => topicOfTeam(org.orgId, t))])
    const pubsub = libp2p.services.pubsub
    for (const topic of wanted) {
      if (this.subscribed.has(topic)) continue
      const team = teamOfTopic(org.orgId, topic)
      pubsub.topicValidators.set(topic, team !== undefined
        ? async (from, msg) => this.validateEntry(from, team, msg)
        : topic === inbox
          ? async (from, msg) => this.validateEntry(from, undefined, msg)
          : topic === presenceTopic(org.orgId)
            ? async (from, msg) => this.presenceService.validate(from, msg)
            : async (from, msg) => this.validateRecord(from, msg))
      pubsub.subscribe(topic)
      this.subscribed.add(topic)
    }
    for (const topic of [...this.subscribed]) {
      if (wanted.has(topic)) continue
      pubsub.unsubscribe(topic)
      pubsub.topicValidators.delete(topic)
      this.subscribed.delete(topic)
    }
  }

  // ---- presence ----

  /** Set this node's presence (kept across restarts) and tell the org. */
  async setPresence (status: string, text = ''): Promise<PresenceView> {
    return this.presenceService.set(status, text)
  }

  /** Everyone's presence, this node's included; members not heard from are offline. */
  presence (): PresenceView[] {
    return this.presenceService.all()
  }

  /** A peer that starts listening for presence hears ours at once, not at the next round. */
  private readonly onSubscriptionChange = (evt: CustomEvent<{ subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    this.presenceService.subscriptionsChanged(evt.detail.subscriptions)
  }

  // ---- messages ----

  /**
   * Write a message to a team. It is encrypted under the team's current key and stored durably
   * before this resolves, so a message reported as sent survives a crash; then it is published.
   */
  async send (team: string, text: string, options: { urgent?: boolean } = {}): Promise<MessageView> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new InvalidArgumentError('a message needs some text')
    }
    return this.post(team, { text, urgent: options.urgent === true })
  }

  /** Write any body (a message, a file's manifest, a quarantine flag) to a team: stored durably, then published. */
  private async post (team: string, fields: Omit<Body, 'authorName' | 'urgent'> & { urgent?: boolean }): Promise<MessageView> {
    checkTeamName(team)
    const libp2p = this.requireStarted()
    const org = this.requireOrg()
    const plaintext = encodeBody({ ...fields, authorName: this.name })
    await this.confirmOwnHead(team)
    const run = this.sending.then(async () => {
      const head = await this.log.feedHead(team, this.peerId)
      const seq = (head?.entry.seq ?? 0) + 1
      const { epoch, body } = org.encryptBody(team, seq, plaintext)
      const entry = await createEntry(this.identity.key, {
        team,
        seq,
        // clamped: an entry at the largest clock (stored before entries so far ahead were refused)
        // must not stop every later post
        lamport: Math.min((await this.log.lamport(team, this.lamportCeiling(team))) + 1, Number.MAX_SAFE_INTEGER),
        // never before the previous entry's: a peer whose history expired relies on a feed's times not going back
        wallTime: Math.max(this.now(), head?.entry.wallTime ?? 0),
        epoch,
        prev: head === undefined ? new Uint8Array(0) : new Uint8Array(head.id),
        body: new Uint8Array(body)
      })
      try {
        await this.log.append(entry, { durable: true })
      } catch (err) {
        throw diskError(err, this.dataDir)
      }
      return entry
    })
    this.sending = run.catch(() => {})
    const entry = await run
    this.indexer.add([entry])
    const view = this.toView(entry)
    this.safeDispatch('message:added', view)
    try {
      const peer = org.directPeer(team)
      const topic = peer === undefined ? topicOfTeam(org.orgId, team) : inboxTopic(org.orgId, peer)
      const result = await libp2p.services.pubsub.publish(topic, entry.bytes)
      return { ...view, recipients: result.recipients.length }
    } catch (err) {
      // the entry is stored; peers that miss it now get it from history sync
      this.warn(`message ${view.id.slice(0, 12)} stored but not published: ${(err as Error).message}`)
      return { ...view, recipients: 0 }
    }
  }

  /**
   * Before the first post in a team since start, fetch the team from the peers at hand: a node
   * restored from an old backup learns its own feed's head from them and never reuses a sequence
   * number. Bounded: with nobody reachable, posting goes ahead.
   */
  private async confirmOwnHead (team: string): Promise<void> {
    const history = this.historySync
    const libp2p = this.libp2p
    if (history === undefined || libp2p === undefined) return
    if (this.restored !== undefined && !this.restored.confirmed.includes(team)) {
      await this.confirmAfterRestore(team)
      return
    }
    if (history.syncedTeams.has(team)) return
    const org = this.requireOrg()
    const direct = org.directPeer(team)
    const peers = direct === undefined
      ? libp2p.services.pubsub.getSubscribers(topicOfTeam(org.orgId, team))
      : libp2p.getPeers().filter(p => p.toString() === direct)
    if (peers.length === 0) return
    await Promise.race([
      Promise.all(peers.map(async p => history.syncTeam(p, team))),
      new Promise(resolve => setTimeout(resolve, OWN_HEAD_WAIT_MS))
    ])
  }

  /** Send a direct message: only this node and `peerId` can read it; no admin is involved. */
  async sendDirect (peerId: string, text: string, options: { urgent?: boolean } = {}): Promise<MessageView> {
    const org = this.requireOrg()
    if (peerId === this.peerId || org.member(peerId) === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
    return this.send(org.directTeam(peerId), text, options)
  }

  /** The direct conversations this node holds messages of. */
  async directs (): Promise<Array<{ team: string, peerId: string, name: string }>> {
    const org = this.requireOrg()
    const out: Array<{ team: string, peerId: string, name: string }> = []
    for (const m of org.state.members.values()) {
      if (m.peerId === this.peerId) continue
      const team = org.directTeam(m.peerId)
      if ((await this.log.contiguousHeads(team)).size > 0 || await this.log.count(team) > 0) out.push({ team, peerId: m.peerId, name: m.name })
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }

  /**
   * A node restored from a backup may have written more after the backup was made. It posts in a
   * team only once a peer has sent it that team (its own later entries included), never guessing.
   */
  private async confirmAfterRestore (team: string): Promise<void> {
    const restored = this.restored!
    const history = this.historySync!
    const org = this.requireOrg()
    const direct = org.directPeer(team)
    const peers = this.requireStarted().getPeers().filter(p => direct === undefined ? org.state.teams.get(team)?.current.members.has(p.toString()) === true : p.toString() === direct)
    for (const peer of peers) {
      const before = history.lastSynced.get(team)
      await Promise.race([history.syncTeam(peer, team), new Promise(resolve => setTimeout(resolve, RESTORE_SYNC_WAIT_MS))])
      if (history.lastSynced.get(team) !== before) {
        restored.confirmed.push(team)
        await this.log.putMeta('restored', restored)
        return
      }
    }
    throw new NotSyncedError(`this node was restored from a backup: it posts in ${team} once a colleague's node has sent it what it wrote since (so it never reuses a sequence number); none is reachable yet`)
  }

  /** Write a backup of this node (identity and log) to `path`; never overwrites a file. */
  async backup (path: string): Promise<{ path: string, rows: number }> {
    if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('give a file to write the backup to')
    const { rows } = await writeBackup(this.log, this.dataDir, path, this.peerId)
    return { path, rows }
  }

  /** A page of a team's history in display order, oldest first. */
  async history (team: string, options: { limit?: number, before?: string } = {}): Promise<HistoryResult> {
    checkTeamName(team)
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 10_000)) {
      throw new InvalidArgumentError('limit must be a whole number from 1 to 10000')
    }
    const org = this.requireOrg()
    if (!org.state.teams.has(team) && org.directPeer(team) === undefined) throw new NotMemberError(`there is no team ${team}`)
    const page = await this.log.page(team, options)
    const messages = this.unexpired(team, page.entries).map(v => this.toView(v))
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

  /** What the peer keeper sees and tries: sightings, dial targets, their errors (for `parley doctor`). */
  connectivity (): KeeperStatus {
    return this.requireStarted().services.keeper.status()
  }

  /** The connected peers subscribed to a team's topic: who a message sent now reaches directly. */
  teamPeers (team: string): string[] {
    checkTeamName(team)
    const org = this.requireOrg()
    return this.requireStarted().services.pubsub.getSubscribers(topicOfTeam(org.orgId, team)).map(String).sort()
  }

  /** Dial a multiaddr now. */
  async dial (address: string): Promise<void> {
    await this.requireStarted().dial(multiaddr(address))
  }

  /** Check an entry from a team topic, or (team undefined) a direct message from this node's inbox. */
  private async validateEntry (from: PeerId, topicTeam: string | undefined, msg: Message): Promise<TopicValidatorResult> {
    let team = topicTeam ?? 'inbox'
    if (!this.mayGossip(from)) return TopicValidatorResult.Reject
    try {
      const v = await decodeEntry(msg.data)
      // a direct message must be of the conversation between its author and this node
      team = topicTeam ?? this.requireOrg().directTeam(v.author)
      if (v.entry.team !== team) {
        throw new InvalidArgumentError(`entry for ${v.entry.team} sent on the topic of ${team}`)
      }
      // the very bytes of an entry held here (history sync brought it first, or a peer relays it
      // late) are no fault of the relaying peer: drop the copy without lowering that peer's score.
      // The id is the hash of the signed bytes, so this is never a forgery or a fork.
      if (await this.log.has(v.idHex)) return TopicValidatorResult.Ignore
      // a node that was away learns of removals from this peer's org view before accepting its traffic
      if (!this.orgSynced.has(from.toString())) {
        await Promise.race([this.syncOrg(from), new Promise(resolve => setTimeout(resolve, ORG_SYNC_WAIT_MS))])
      }
      // only a current member may relay a team's traffic: a non-member (a removed member behind a
      // fresh libp2p identity, an outsider) relaying a genuine entry would otherwise be asked for the
      // history before it, and could serve whatever it likes. The libp2p peer id is the member's
      // identity key, proven by the Noise handshake, so this is a check of the member key itself.
      if (!this.mayRelay(from.toString(), team)) {
        throw new NotMemberError(`entry relayed by ${from.toString()}, who is not a member of ${team}`)
      }
      const verdict = this.requireOrg().entryVerdict(team, v.entry.epoch, v.author)
      if (verdict === 'unknown-epoch') {
        // we are behind on rosters: ask the relaying peer, and let history sync bring the entry later
        void this.syncOrg(from)
        return TopicValidatorResult.Ignore
      }
      if (verdict !== 'ok') throw new NotMemberError(verdict)
      try {
        checkPlausible(v.entry, await this.log.lamport(team, this.lamportCeiling(team)), this.now(), this.requireOrg().createdAt(team))
      } catch (err) {
        // dropped without blaming the relay, which may be further ahead than this node; history
        // sync brings it once this node holds enough of the team, or once its date has come
        this.safeDispatch('entry:rejected', { from: from.toString(), team, reason: (err as Error).name, message: (err as Error).message })
        return TopicValidatorResult.Ignore
      }
      this.validated.set(msg, { v, from })
      return TopicValidatorResult.Accept
    } catch (err) {
      const e = err as Error
      this.safeDispatch('entry:rejected', { from: from.toString(), team, reason: e.name, message: e.message })
      return TopicValidatorResult.Reject
    }
  }

  /**
   * Count gossip from a peer outside the directory; one that sends more than
   * STRANGER_GOSSIP_PER_MINUTE is disconnected and refused for STRANGER_BAN_S. Members are not counted.
   */
  private mayGossip (from: PeerId): boolean {
    const peer = from.toString()
    if (this.org?.member(peer) !== undefined) return true
    if (this.bannedPeers.get(peer) !== undefined) return false
    try {
      this.strangerGossip.consume(peer)
      return true
    } catch {
      // over the limit
      this.bannedPeers.block(peer, STRANGER_BAN_S)
      this.warn(`${peer}, who is not a member, sent more than ${STRANGER_GOSSIP_PER_MINUTE} team messages in a minute: disconnected, and refused for ${STRANGER_BAN_S / 60} minutes`)
      void this.libp2p?.hangUp(from).catch(() => {}) // already gone is fine
      return false
    }
  }

  /** The highest Lamport clock `team` may have reached by now (see codec.lamportCeiling). */
  private lamportCeiling (team: string): number {
    return lamportCeiling(this.now(), this.requireOrg().createdAt(team))
  }

  /** Whether `peer` may relay entries of `team` (a direct conversation: the other person only). */
  private mayRelay (peer: string, team: string): boolean {
    return this.org?.mayRead(team, peer) === true
  }

  private async validateRecord (from: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const org = this.org
    if (org === undefined) return TopicValidatorResult.Ignore
    const change = await org.ingest([msg.data])
    for (const e of change.errors) {
      this.safeDispatch('entry:rejected', { from: from.toString(), team: '', reason: e.name, message: e.message })
    }
    this.afterOrgChange(change, [])
    // a record after one this node missed (or by an admin added by one it missed) waits for that
    // one: fetch it from the peer that relayed this, now rather than at the next periodic resync
    if (change.refused.some(r => r.gap === true) || change.unknownSigners > 0) void this.catchUpOrg(from)
    if (change.errors.length > 0) return TopicValidatorResult.Reject
    // a signer unknown here may be an admin added by a record we have not seen yet: drop, do not punish
    return change.unknownSigners > 0 ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept
  }

  private readonly onGossip = (evt: CustomEvent<Message>): void => {
    const validated = this.validated.get(evt.detail)
    if (validated === undefined) return
    void this.accept(validated.v, validated.from)
  }

  private async accept (v: VerifiedEntry, from: PeerId): Promise<void> {
    try {
      const outcome = await this.log.append(v)
      if (outcome.status === 'added') {
        this.indexer.add([v])
        this.safeDispatch('message:added', this.toView(v))
        // a gap before this entry: fetch what is missing from the peer that relayed it
        const head = (await this.log.contiguousHeads(v.entry.team)).get(v.author)
        if ((head?.seq ?? 0) < v.entry.seq) void this.historySync?.syncTeam(from, v.entry.team)
      } else if (outcome.status === 'fork') {
        this.safeDispatch('entry:forked', { team: v.entry.team, author: v.author, seq: v.entry.seq, existingId: outcome.existingId, forkId: v.idHex })
      }
    } catch (err) {
      this.warn(`could not store entry ${v.idHex.slice(0, 12)}: ${(err as Error).message}`)
    }
  }

  // ---- retention ----

  private retentionTimer?: NodeJS.Timeout
  private retaining: Promise<unknown> = Promise.resolve()

  /** Apply retention in the background, one pass at a time. */
  private retentionSoon (): void {
    this.retaining = this.retaining.then(async () => this.applyRetention())
      .catch((err: Error) => { this.warn(`retention not applied: ${err.message}`) })
  }

  private now (): number {
    return this.init.clock?.() ?? Date.now()
  }

  /** Messages of `team` written before this are past its retention (undefined: kept for ever, or on hold). */
  private retentionCutoff (team: string): number | undefined {
    const r = this.org?.state.retention.get(team)
    if (r === undefined || r.days === 0 || r.hold) return undefined
    return this.now() - r.days * DAY_MS
  }

  /** Leave out entries past the team's retention: the newest of each feed stays stored (it anchors the chain) but is not shown. */
  private unexpired (team: string, entries: VerifiedEntry[]): VerifiedEntry[] {
    const cutoff = this.retentionCutoff(team)
    return cutoff === undefined ? entries : entries.filter(v => v.entry.wallTime >= cutoff)
  }

  /**
   * Set how long a team keeps its messages (days; 0 for ever) and/or place or lift a hold, which
   * suspends deletion. Admins only; every node applies it.
   */
  async setRetention (team: string, change: { days?: number, hold?: boolean, reason?: string }): Promise<TeamView> {
    const org = this.requireOrgForWriting()
    // applying the record starts a retention pass (afterOrgChange): wait for it
    this.afterOwnRecords(await org.setRetention(team, change))
    await this.retaining
    return this.teams().find(t => t.name === team)!
  }

  /**
   * Delete what is past each team's retention here: an entry goes once the entry after it in its
   * author's feed is itself past the horizon (plus a margin for clocks), so the newest entry of every
   * feed stays as the anchor its successor will name; until then it is hidden. Search postings of
   * expired messages go at once, and files shared by deleted messages are forgotten. Returns how many
   * entries were deleted.
   */
  async applyRetention (): Promise<number> {
    const org = this.org
    if (org === undefined || this.state !== 'started') return 0
    let deleted = 0
    for (const team of org.state.retention.keys()) {
      const cutoff = this.retentionCutoff(team)
      if (cutoff === undefined) continue
      const authors = new Set([...org.state.members.keys(), ...org.state.removed.keys()])
      for (const author of authors) {
        // a pass over a long-neglected team may meet many entries: they go in slices
        let gone: VerifiedEntry[] = []
        let expired: VerifiedEntry[] = []
        let prev: VerifiedEntry | undefined
        for await (const v of this.log.readFeed(team, author, 1)) {
          if (v.entry.wallTime >= cutoff) break
          expired.push(v)
          if (prev !== undefined && v.entry.seq === prev.entry.seq + 1 && v.entry.wallTime < cutoff - RETENTION_MARGIN_MS) gone.push(prev)
          prev = v
          if (expired.length >= RETENTION_SLICE) {
            deleted += await this.expireSlice(team, expired, gone)
            expired = []
            gone = []
          }
        }
        deleted += await this.expireSlice(team, expired, gone)
      }
    }
    return deleted
  }

  /** Drop the search postings of `expired` and delete `gone` (a subset, in feed order) with the files they shared. */
  private async expireSlice (team: string, expired: VerifiedEntry[], gone: VerifiedEntry[]): Promise<number> {
    if (expired.length === 0) return 0
    const goneIds = new Set(gone.map(v => v.idHex))
    const items = []
    for (const v of expired) {
      const body = this.bodyOf(v)
      if (body === undefined) continue
      items.push(searchItem(v, body))
      if (body.file !== undefined && goneIds.has(v.idHex)) await this.files?.forget(Buffer.from(body.file.id).toString('hex'))
    }
    await this.log.searchIndex().remove(items)
    await this.log.expire(team, gone)
    return gone.length
  }

  // ---- files ----

  /** Share a file with a team: sealed into the store, its manifest posted; peers fetch it from here. */
  async sendFile (team: string, path: string, options: { caption?: string, name?: string } = {}): Promise<FileView> {
    checkTeamName(team)
    this.requireStarted()
    if (this.files === undefined) throw new NotStartedError('the node is not running')
    if (options.name !== undefined && (options.name.trim() === '' || Buffer.byteLength(options.name) > 255)) throw new InvalidArgumentError('a file name needs 1 to 255 bytes')
    return this.files.send(team, path, options.caption ?? '', options.name)
  }

  /** Send a file to one member, in the direct conversation with them. */
  async sendFileDirect (peerId: string, path: string, options: { caption?: string, name?: string } = {}): Promise<FileView> {
    const org = this.requireOrg()
    if (peerId === this.peerId || org.member(peerId) === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
    return this.sendFile(org.directTeam(peerId), path, options)
  }

  /** Fetch a file if needed and save it into `outDir` (default: the download folder) under a safe new name. */
  async getFile (id: string, options: { outDir?: string, signal?: AbortSignal } = {}): Promise<{ file: FileView, path: string }> {
    this.requireStarted()
    if (this.files === undefined) throw new NotStartedError('the node is not running')
    return this.files.get(id, options.outDir, options.signal)
  }

  /** Files shared in this node's teams, newest first. */
  listFiles (team?: string): FileView[] {
    if (team !== undefined) checkTeamName(team)
    return this.files?.list(team) ?? []
  }

  /** One file by id or unique prefix. */
  fileInfo (id: string): FileView {
    if (this.files === undefined) throw new NotStartedError('the node is not running')
    return this.files.find(id)
  }

  // ---- search ----

  /**
   * Search the messages of the teams this node is in (and its direct conversations), newest first.
   * Words match whole, after folding case and accents and light stemming; every word must appear.
   */
  async search (query: string, options: { team?: string, from?: string, since?: number, limit?: number } = {}): Promise<MessageView[]> {
    const org = this.requireOrg()
    if (typeof query !== 'string' || query.trim() === '') throw new InvalidArgumentError('search for some words')
    const limit = options.limit ?? 50
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidArgumentError('limit must be a whole number from 1 to 1000')
    const mine = [...org.myTeams(), ...(await this.directs()).map(d => d.team)]
    let teams = mine
    if (options.team !== undefined) {
      checkTeamName(options.team)
      if (!mine.includes(options.team)) throw new NotMemberError(`you are not in ${options.team}`)
      teams = [options.team]
    }
    let authors: Set<string> | undefined
    if (options.from !== undefined) {
      const q = options.from.trim().toLowerCase()
      authors = new Set([...org.state.members.values(), ...org.state.removed.values()]
        .filter(m => m.peerId.toLowerCase() === q || m.name.toLowerCase() === q).map(m => m.peerId))
      if (authors.size === 0) throw new InvalidArgumentError(`nobody called ${options.from} in the directory`)
    }
    // what was stored and is not indexed yet (a rebuild, a sync's entries) is indexed now
    await this.indexer.current()
    const hits = await this.log.searchIndex().search(teams, query, {
      limit,
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(authors !== undefined ? { accept: (hit: SearchHit) => authors.has(hit.author) } : {})
    })
    const out: MessageView[] = []
    for (const hit of hits) {
      const v = await this.log.get(hit.id)
      if (v !== undefined && this.unexpired(v.entry.team, [v]).length > 0) out.push(this.toView(v))
    }
    // across teams, newest by the authors' clocks
    return out.sort((a, b) => b.time - a.time || b.lamport - a.lamport).slice(0, limit)
  }

  // ---- export ----

  /**
   * A verifiable export of a team's history (or a direct conversation's): messages and membership
   * changes, oldest first, hash-chained and signed by this node. Returns the file's lines.
   */
  async exportTeam (team: string, options: { since?: number, until?: number, format?: 'jsonl' | 'csv' } = {}): Promise<string[]> {
    const org = this.requireOrg()
    checkTeamName(team)
    if (!org.state.teams.has(team) && org.directPeer(team) === undefined) throw new NotMemberError(`there is no team ${team}`)
    const since = options.since ?? 0
    const until = options.until ?? Number.MAX_SAFE_INTEGER
    // pages come newest first; each page is in the shared order
    const pages: ExportRecord[][] = []
    let before: string | undefined
    do {
      const page = await this.log.page(team, { limit: 2_000, ...(before !== undefined ? { before } : {}) })
      const messages: ExportRecord[] = []
      pages.unshift(messages)
      for (const v of this.unexpired(team, page.entries)) {
        const m = this.toView(v)
        if (m.time < since || m.time > until) continue
        messages.push({
          kind: 'message',
          time: m.time,
          author: m.author,
          authorName: m.authorName,
          text: m.readable ? m.text : '[cannot decrypt on this node]',
          id: m.id,
          seq: m.seq,
          epoch: m.epoch,
          ...(m.direct !== undefined ? { direct: m.direct } : {}),
          // a shared file is recorded by its name, size and the SHA-256 its sender signed
          ...(m.file !== undefined ? { file: { id: m.file.id, name: m.file.name, size: m.file.size, sha256: m.file.sha256 } } : {})
        })
      }
      before = page.before
    } while (before !== undefined)
    const memberships: ExportRecord[] = []
    for (const roster of org.state.teams.get(team)?.epochs.values() ?? []) {
      const time = roster.record.record.wallTime
      if (time < since || time > until) continue
      const members = [...roster.members].sort()
      memberships.push({ kind: 'membership', time, author: roster.record.signer, authorName: org.member(roster.record.signer)?.name ?? '', text: `epoch ${roster.epoch}: ${members.map(p => org.member(p)?.name ?? org.state.removed.get(p)?.name ?? p).join(', ')}`, id: roster.recordId, epoch: roster.epoch, members })
    }
    // messages keep the shared order; membership changes slot in before the first later message
    memberships.sort((a, b) => a.time - b.time)
    const records: ExportRecord[] = []
    for (const m of pages.flat()) {
      while (memberships.length > 0 && memberships[0]!.time <= m.time) records.push(memberships.shift()!)
      records.push(m)
    }
    records.push(...memberships)
    return buildExport({
      org: org.orgId,
      team,
      exportedBy: this.peerId,
      exportedByName: this.name,
      publicKey: Buffer.from(this.identity.key.publicKey.raw).toString('base64'),
      exportedAt: Date.now(),
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {})
    }, records, async (data) => signForDomain(this.identity.key, EXPORT_DOMAIN, data), options.format ?? 'jsonl')
  }

  // ---- org sync and join streams ----

  private readonly onPeerConnect = (evt: CustomEvent<PeerId>): void => {
    this.peerConnected(evt.detail)
  }

  /** A peer connected: announce it once per connection spell, then sync membership and history. */
  private peerConnected (peer: PeerId): void {
    const peerId = peer.toString()
    if (this.announced.has(peerId)) return
    this.announced.add(peerId)
    this.files?.kick()
    const addresses = this.libp2p?.getConnections(peer).map(c => c.remoteAddr.toString()) ?? []
    this.safeDispatch('peer:connected', { peerId, addresses })
    // membership first, then history: entries are checked against the rosters
    void this.syncOrg(peer).then(async () => this.syncHistoryWith(peer))
  }

  private readonly onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.announced.delete(evt.detail.toString())
    this.orgSynced.delete(evt.detail.toString())
    this.presenceService.peerGone(evt.detail.toString())
    this.safeDispatch('peer:disconnected', { peerId: evt.detail.toString() })
  }

  private syncWithAll (): void {
    for (const peer of this.libp2p?.getPeers() ?? []) void this.syncOrg(peer).then(async () => this.syncHistoryWith(peer))
  }

  /** Fetch from `peer` what it holds of every team we share with it. */
  private async syncHistoryWith (peer: PeerId, options: { directs?: boolean } = {}): Promise<void> {
    const org = this.org
    const history = this.historySync
    if (org === undefined || history === undefined || this.state !== 'started') return
    const shared = org.myTeams().filter(t => org.state.teams.get(t)?.current.members.has(peer.toString()) === true)
    // and our direct conversation, if the peer is a member
    if (options.directs !== false && org.member(peer.toString()) !== undefined && peer.toString() !== this.peerId) shared.push(org.directTeam(peer.toString()))
    await Promise.all(shared.map(async t => history.syncTeam(peer, t)))
  }

  /** Per team this node is in: what it holds and what it is fetching. */
  async syncStatus (): Promise<SyncStatus[]> {
    const org = this.requireOrg()
    const out: SyncStatus[] = []
    for (const team of org.myTeams()) {
      const heads = await this.log.contiguousHeads(team)
      const status: SyncStatus = {
        team,
        entries: await this.log.count(team),
        authors: [...heads].map(([author, h]) => ({ author, name: org.member(author)?.name ?? '', seq: h.seq })).sort((a, b) => a.name.localeCompare(b.name)),
        fetching: (this.historySync?.fetchingOf(team) ?? []).map(f => ({ peer: f.peer, started: f.started, received: f.received }))
      }
      const last = this.historySync?.lastSynced.get(team)
      if (last !== undefined) status.lastSynced = last
      out.push(status)
    }
    return out
  }

  /** Ask a peer for the org records we lack; concurrent calls for one peer share one exchange. */
  private async syncOrg (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const running = this.orgSyncing.get(key)
    if (running !== undefined) return running
    const run = this.syncOrgOnce(peer).finally(() => { this.orgSyncing.delete(key) })
    this.orgSyncing.set(key, run)
    return run
  }

  /**
   * Sync the org with `peer` because something showed this node is behind: a record after one it
   * missed, or a peer it does not know asking for history. The exchange starts after the call (an
   * exchange already under way may have been asked before the peer held what we lack); at most one
   * per peer per ORG_CATCH_UP_INTERVAL_MS, and callers who ask while one waits share it.
   */
  private async catchUpOrg (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const queued = this.catchUps.get(key)
    if (queued !== undefined) return queued
    const run = (async () => {
      const wait = (this.catchUpAt.get(key) ?? 0) + ORG_CATCH_UP_INTERVAL_MS - Date.now()
      await sleep(Math.max(0, wait), undefined, { signal: this.stopping.signal, ref: false })
      this.catchUps.delete(key)
      // one time per peer, kept only as long as it matters (strangers come and go)
      const now = Date.now()
      for (const [peer, at] of this.catchUpAt) if (now - at > ORG_CATCH_UP_INTERVAL_MS) this.catchUpAt.delete(peer)
      this.catchUpAt.set(key, now)
      await this.orgSyncing.get(key)
      await this.syncOrg(peer)
    })().catch(() => {
      // stopped while waiting: nothing to catch up on any more
      this.catchUps.delete(key)
    })
    this.catchUps.set(key, run)
    return run
  }

  /** One org sync exchange. Failures are normal (peer not a member, gone). */
  private async syncOrgOnce (peer: PeerId): Promise<void> {
    const org = this.org
    const libp2p = this.libp2p
    if (org === undefined || libp2p === undefined || this.state !== 'started') return
    try {
      const stream = await libp2p.dialProtocol(peer, ORG_SYNC_PROTOCOL, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      // a peer outside the directory may be a member this node has not heard of yet, so it is asked
      // too (records are signed: it can withhold, never forge); but each record costs a signature
      // check, so what it may send back is bounded much lower than a member's answer
      const limit = org.member(peer.toString()) !== undefined ? MAX_STREAM_MESSAGE : MAX_STRANGER_ORG_REPLY
      const pb = pbStream(stream, { maxDataLength: limit })
      const heads = [...org.heads()].map(([signer, seq]) => ({ signer: new Uint8Array(peerIdFromString(signer).publicKey?.raw ?? new Uint8Array(0)), seq }))
      await pb.write({ org: new Uint8Array(Buffer.from(org.orgId, 'hex')), heads }, OrgHeads)
      const reply = await pb.read(OrgRecords, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      await stream.close().catch(() => {})
      if (reply.records.length > 0) {
        const change = await org.ingest(reply.records)
        for (const e of change.errors) {
          this.safeDispatch('entry:rejected', { from: peer.toString(), team: '', reason: e.name, message: e.message })
        }
        this.afterOrgChange(change, [])
      }
      this.orgSynced.add(peer.toString())
      this.orgSyncedOnce = true
    } catch {
      // not a member of our org, an old version, or gone: the periodic resync tries again
    }
  }

  private async serveOrgSync (stream: Stream, connection: Connection): Promise<void> {
    const org = this.org
    const remote = connection.remotePeer.toString()
    // only current members may read the directory; from anyone else nothing is even read
    if (org === undefined || !org.state.members.has(remote)) {
      stream.abort(new NotMemberError('not a member of this org'))
      return
    }
    try {
      const pb = pbStream(stream, { maxDataLength: 64 * 1024 })
      const request = await pb.read(OrgHeads, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      if (Buffer.from(request.org).toString('hex') !== org.orgId) {
        stream.abort(new NotMemberError('not a member of this org'))
        return
      }
      const after = new Map(request.heads.filter(h => h.signer.length === 32).map(h => [peerIdOfPublicKey(h.signer), h.seq]))
      await pb.write({ records: org.recordBytes(after) }, OrgRecords)
      await stream.close()
    } catch {
      stream.abort(new Error('org sync failed'))
    }
  }

  private async serveJoin (stream: Stream, connection: Connection): Promise<void> {
    const joiner = connection.remotePeer.toString()
    const pb = pbStream(stream, { maxDataLength: 16 * 1024 })
    try {
      const request = await pb.read(JoinRequest, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      const org = this.requireOrgForWriting()
      if (Buffer.from(request.org).toString('hex') !== org.orgId) throw new InviteError('this invite is for another org')
      const records = await org.admit(joiner, request.secret, request.name, request.boxKey)
      this.afterOwnRecords(records)
      await pb.write({ error: '', message: '', records: org.recordBytes() }, JoinResponse)
      await stream.close()
    } catch (err) {
      const e = err as Error
      this.safeDispatch('entry:rejected', { from: joiner, team: '', reason: e.name, message: `join refused: ${e.message}` })
      try {
        await pb.write({ error: e.name, message: e.message, records: [] }, JoinResponse)
        await stream.close()
      } catch {
        stream.abort(e)
      }
    }
  }

  /** The decrypted body of an entry, or undefined when this node cannot read it. */
  private bodyOf (v: VerifiedEntry): Body | undefined {
    const { team, epoch, seq } = v.entry
    const plain = this.org?.decryptBody(team, epoch, v.author, seq, v.entry.body)
    if (plain === undefined) return undefined
    try {
      return decodeBody(plain)
    } catch {
      // decrypted but malformed: shown as unreadable rather than dropped
      return undefined
    }
  }

  private toView (v: VerifiedEntry, decoded = this.bodyOf(v)): MessageView {
    const { team, epoch, seq } = v.entry
    const body: Body = decoded ?? { text: '', authorName: '', urgent: false }
    const readable = decoded !== undefined
    // a manifest under an id that is not its own is not shown as a file (FileService refuses it too)
    const file = body.file === undefined || !fileIdBound(v.author, team, body.file) ? {} : { file: { id: Buffer.from(body.file.id).toString('hex'), name: sanitizeFileName(body.file.name), size: body.file.size, type: body.file.type, sha256: Buffer.from(body.file.sha256).toString('hex') } }
    const flag = body.flag === undefined ? {} : { flag: { file: Buffer.from(body.flag.file).toString('hex'), reason: body.flag.reason.slice(0, 200) } }
    return {
      ...file,
      ...flag,
      id: v.idHex,
      team,
      author: v.author,
      // the directory's name, never the one written inside the entry (an author can put any there)
      authorName: this.authorLabel(v.author),
      seq,
      lamport: v.entry.lamport,
      time: v.entry.wallTime,
      text: body.text,
      urgent: body.urgent,
      local: v.author === this.peerId,
      readable,
      epoch,
      ...(team.startsWith(DM_PREFIX) && this.org?.directPeer(team) !== undefined ? { direct: this.org.directPeer(team) } : {})
    }
  }

  /** Who wrote an entry, by the directory (see Org.authorLabel). */
  private authorLabel (author: string): string {
    return this.org?.authorLabel(author) ?? `…${author.slice(-8)} (unknown)`
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

/** File settings with the defaults filled in. */
function fileConfig (given: Partial<FileConfig> = {}): FileConfig {
  return {
    downloadDir: given.downloadDir ?? process.env.XDG_DOWNLOAD_DIR ?? join(homedir(), 'Downloads'),
    autoDownloadBytes: given.autoDownloadBytes ?? DEFAULT_AUTO_DOWNLOAD_BYTES,
    maxFileBytes: given.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    ...(given.autoDownloadPerAuthorBytes === undefined ? {} : { autoDownloadPerAuthorBytes: given.autoDownloadPerAuthorBytes }),
    ...(given.releaseMode === undefined ? {} : { releaseMode: given.releaseMode }),
    ...(given.scanCommand === undefined ? {} : { scanCommand: given.scanCommand })
  }
}
