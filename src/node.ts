/**
 * ParleyNode: the composition root and public facade of one workstation's node. It opens the
 * identity and the log, builds the services (org, org sync, join, topics, messages, history,
 * files, retention, search, presence, export) with the narrow components each needs, starts and
 * stops them in order, and re-emits nothing itself: services dispatch its typed events.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { composeRunning, startLibp2p, startRunning, stopRunning } from './compose.js'
import { CoreBus, emit, OrgRef, warn } from './context.js'
import { DataDirLockedError, InvalidArgumentError, NotStartedError } from './errors.js'
import { checkDisplayName, checkTeamName, peerIdOfPublicKey } from './ids.js'
import { topicOfTeam } from './net/topics.js'
import { isAdmittedPeer, MemberGate } from './net/member-gate.js'
import { StrangerGate } from './net/stranger-gate.js'
import type { HistorySync } from './history/history-sync.js'
import { exportTeam } from './export/team-export.js'
import { exportOrg } from './export/org-export.js'
import { inviteList } from './teams/invite-list.js'
import { orgLog } from './teams/org-log.js'
import type { InviteView } from './teams/invite-list.js'
import type { OrgLogEntry } from './teams/org-log.js'
import { writeBackup } from './store/backup.js'
import { EntryLog } from './store/entry-log.js'
import { DEFAULT_PORT, logDirOf } from './paths.js'
import { makePrivate } from './store/permissions.js'
import { RestoreGate } from './store/restore-gate.js'
import { defaultDisplayName, loadOrCreateIdentity, saveDisplayName } from './store/identity-file.js'
import { Org, parseDuration } from './teams/org.js'
import { Reader } from './messages/reader.js'
import { Views } from './messages/views.js'
import { Retention } from './retention/retention.js'
import { Conversations } from './messages/conversations.js'
import { SearchIndexer } from './search/indexer.js'
import { searchMessages } from './search/search-query.js'
import type { Running } from './compose.js'
import type { NodeInfo, ParleyInit } from './node-types.js'
import type { FileView } from './files/file-service.js'
import type { MessageView, ParleyEvents, PeerView, PresenceView } from './events.js'
import type { SendOptions } from './messages/message-service.js'
import type { ExportOptions } from './export/team-export.js'
import type { HistoryResult } from './messages/reader.js'
import type { MemberView, TeamView } from './messages/views.js'
import type { KeeperStatus } from './net/peer-keeper.js'
import type { ParleyLibp2p } from './net/libp2p-node.js'
import type { SearchOptions } from './search/search-query.js'
import type { Identity } from './store/identity-file.js'
import type { SyncStatus } from './teams/peer-sessions.js'
import type { VerifiedRecord } from './model/index.js'
import { renameRequests } from './teams/names.js'
import { policyStatus } from './teams/policy.js'
import type { RenameRequestView } from './teams/names.js'
import type { PolicyView } from './teams/policy.js'

export type { HistoryResult } from './messages/reader.js'
export type { MemberView, TeamView } from './messages/views.js'
export type { SyncStatus } from './teams/peer-sessions.js'
export type { InviteView } from './teams/invite-list.js'
export type { OrgLogEntry } from './teams/org-log.js'
export type { NodeInfo, ParleyInit } from './node-types.js'

export { DEFAULT_PORT }
/** Where the log lives inside the data dir. */
export { LOG_DIR } from './paths.js'

/** Open the data dir (creating identity and log on first use) and build a node; call start() next. */
export async function createNode (init: ParleyInit): Promise<ParleyNode> {
  // owner-only whatever was there before: the folder first, then what is in it once the log has
  // made its files (later ones are made inside folders nobody else can enter)
  await makePrivate(init.dataDir)
  const identity = await loadOrCreateIdentity(init.dataDir, init.name ?? defaultDisplayName())
  let log: EntryLog
  try {
    log = await EntryLog.open(logDirOf(init.dataDir))
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

/** One parley node. Events: see ParleyEvents. */
export class ParleyNode extends TypedEventEmitter<ParleyEvents> {
  readonly peerId: string
  readonly dataDir: string
  private displayName: string
  private readonly identity: Identity
  private readonly log: EntryLog
  private readonly init: ParleyInit
  private readonly orgs: OrgRef
  private readonly bus = new CoreBus()
  private readonly views: Views
  private readonly restore: RestoreGate
  private readonly strangers = new StrangerGate()
  /** gossip only with peers Noise proved to be current members: a LAN outsider is told nothing */
  private readonly memberGate = new MemberGate((peerId) => isAdmittedPeer(this.orgs.current, this.peerId, peerId))
  private readonly indexer: SearchIndexer
  private readonly retention: Retention
  private readonly reader: Reader
  private readonly conversations: Conversations
  private run?: Running
  private state: 'new' | 'started' | 'stopped' = 'new'
  /** aborted by stop(): ends the indexer's waits */
  private readonly stopping = new AbortController()

  constructor (init: ParleyInit, identity: Identity, log: EntryLog, org: Org | undefined) {
    super()
    this.init = init
    this.identity = identity
    this.log = log
    this.orgs = new OrgRef(org)
    this.dataDir = init.dataDir
    this.displayName = identity.name
    this.peerId = peerIdOfPublicKey(identity.key.publicKey.raw)
    this.views = new Views({ selfId: this.peerId, orgs: this.orgs, forks: log.forkBook })
    this.restore = new RestoreGate(log)
    const now = (): number => this.init.clock?.() ?? Date.now()
    this.retention = new Retention({ orgs: this.orgs, events: this, log, views: this.views, files: { forget: async (id, entryId) => this.run?.files.forget(id, entryId) }, now })
    this.conversations = new Conversations({
      selfId: this.peerId,
      orgs: this.orgs,
      log,
      views: this.views,
      files: { forget: async (id, entryId) => this.run?.files.forget(id, entryId) },
      onHold: (team) => this.orgs.current?.state.retention.get(team)?.hold === true,
      teams: async () => this.readableTeams(),
      events: this
    })
    this.reader = new Reader({ selfId: this.peerId, orgs: this.orgs, log, retention: this.retention, views: this.views, conversations: this.conversations })
    this.indexer = new SearchIndexer({
      log,
      bodyOf: (v) => this.views.bodyOf(v),
      textOf: async (v, body) => this.conversations.isAct(v) ? null : this.conversations.currentText(v, body),
      noticeFile: async (v, body) => {
        if (body.file === undefined) return
        await this.run?.files.notice({ entryId: v.idHex, team: v.entry.team, author: v.author, authorName: this.views.authorLabel(v.author), time: v.entry.wallTime, manifest: body.file })
      },
      teams: async () => this.readableTeams(),
      whenSyncIdle: async () => this.run?.history.whenIdle(),
      warn: (m) => { warn(this, m) },
      stopping: this.stopping.signal
    })
  }

  /** The teams and direct conversations this node reads, or undefined outside an org. */
  private async readableTeams (): Promise<string[] | undefined> {
    return this.orgs.current === undefined ? undefined : [...this.orgs.current.myTeams(), ...(await this.directs()).map(d => d.team)]
  }

  /** White-box access for tests that stage what the network does: the org this node is in. */
  private get org (): Org | undefined {
    return this.orgs.current
  }

  private get libp2p (): ParleyLibp2p | undefined {
    return this.run?.libp2p
  }

  private get historySync (): HistorySync | undefined {
    return this.run?.history
  }

  get name (): string {
    return this.orgs.current?.member(this.peerId)?.name ?? this.displayName
  }

  /** Start networking and join the org's topics. */
  async start (): Promise<void> {
    if (this.state !== 'new') throw new NotStartedError('a node can be started once')
    const listen = this.init.listen ?? [`/ip4/0.0.0.0/tcp/${DEFAULT_PORT}`]
    let libp2p: ParleyLibp2p
    try {
      libp2p = await this.startLibp2p(listen)
    } catch (err) {
      if (this.init.listen !== undefined || (err as { code?: string }).code !== 'EADDRINUSE') throw err
      warn(this, `port ${DEFAULT_PORT} is taken; listening on a random port instead`)
      libp2p = await this.startLibp2p(['/ip4/0.0.0.0/tcp/0'])
    }
    this.state = 'started'
    await this.conversations.start()
    this.run = composeRunning({
      selfId: this.peerId,
      orgs: this.orgs,
      events: this,
      bus: this.bus,
      self: this,
      key: this.identity.key,
      me: this.me(),
      dataDir: this.dataDir,
      init: this.init,
      log: this.log,
      views: this.views,
      restore: this.restore,
      strangers: this.strangers,
      memberGate: this.memberGate,
      indexer: this.indexer,
      conversations: this.conversations,
      retention: this.retention,
      orgForWriting: () => this.orgForWriting()
    }, libp2p)
    await startRunning(this.run, { selfId: this.peerId, orgs: this.orgs, bus: this.bus, retention: this.retention, restore: this.restore, indexer: this.indexer, memberGate: this.memberGate, conversations: this.conversations })
  }

  private me (): { key: Identity['key'], box: Identity['box'], peerId: string } {
    return { key: this.identity.key, box: this.identity.box, peerId: this.peerId }
  }

  private async startLibp2p (listen: string[]): Promise<ParleyLibp2p> {
    return startLibp2p({ key: this.identity.key, orgs: this.orgs, strangers: this.strangers, memberGate: this.memberGate, events: this, init: this.init }, listen)
  }

  /** Stop networking and close the log. Safe to call twice. */
  async stop (): Promise<void> {
    if (this.state === 'stopped') return
    const run = this.state === 'started' ? this.run : undefined
    this.state = 'stopped'
    this.stopping.abort()
    if (run !== undefined) await stopRunning(run, { retention: this.retention })
    if (run !== undefined) await this.conversations.stop()
    // what history sync stored and the index has not taken in is left for the next start
    await this.indexer.stop()
    await this.log.close()
  }

  private requireStarted (): Running {
    if (this.state !== 'started' || this.run === undefined) throw new NotStartedError('the node is not running')
    return this.run
  }

  /** The org, for an admin action: after a restore, only once peers have sent the org's latest records. */
  private orgForWriting (): Org {
    const org = this.orgs.require()
    this.restore.checkAdmin(this.run?.orgSync.syncedOnce === true)
    return org
  }

  /** What this node is and where it listens. */
  info (): NodeInfo {
    const info = this.views.info(this.name, this.dataDir, this.run?.libp2p.getMultiaddrs().map(String) ?? [])
    const policy = this.orgs.current === undefined ? null : this.policyStatus()
    if (policy !== null) info.policy = { version: policy.version, everySession: policy.everySession, mayPost: policy.mayPost }
    return info
  }

  // ---- organisation ----

  /** Found an organisation with this node as its first admin and a team `general`. */
  async createOrg (name: string): Promise<NodeInfo> {
    const run = this.requireStarted()
    if (this.orgs.current !== undefined) throw new InvalidArgumentError(`this node is already in the org ${this.orgs.current.name}`)
    const org = await Org.create(this.log, this.me(), name, this.displayName)
    this.orgs.set(org)
    run.orgService.changed({ applied: org.state.applied, refused: [], removed: [] }, org.state.applied)
    return this.info()
  }

  /** Make an invite token for a newcomer (admins only). */
  async invite (options: { teams?: string[], expires?: string, name?: string } = {}): Promise<{ token: string, expires: number }> {
    const org = this.orgForWriting()
    const ttl = parseDuration(options.expires ?? '24h')
    const addresses = this.requireStarted().libp2p.getMultiaddrs().map(String)
    const { token, expires, records } = await org.createInvite(options.teams ?? [], ttl, addresses, options.name)
    this.written(records)
    return { token, expires }
  }

  /**
   * Join the org of an invite: reach one of its admins (by the token's addresses or on the LAN),
   * prove the invite, and adopt the org's records. Emits `join:waiting` while no admin answers.
   */
  async join (token: string, name: string, options: { signal?: AbortSignal } = {}): Promise<NodeInfo> {
    const run = this.requireStarted()
    if (this.orgs.current !== undefined) throw new InvalidArgumentError(`this node is already in the org ${this.orgs.current.name}`)
    const displayName = checkDisplayName(name)
    const org = await run.join.join(token, displayName, { ...options, onWaiting: (o, admins) => { emit(this, 'join:waiting', { org: o, admins }) } })
    this.orgs.set(org)
    // the directory's name: the invite may have fixed another than the one asked for
    this.displayName = org.member(this.peerId)?.name ?? displayName
    await saveDisplayName(this.dataDir, this.displayName)
    run.orgService.changed({ applied: org.state.applied, refused: [], removed: [] }, [])
    // a newcomer fetches the history of its teams at once, not at the next periodic resync (it has
    // no direct conversations yet, and peers that have not heard of it would turn those away)
    for (const peer of run.libp2p.getPeers()) void run.sessions.syncWith(peer, { directs: false })
    return this.info()
  }

  /** Make a directory member an admin (admins only). */
  async addAdmin (peerId: string): Promise<void> {
    this.written(await this.orgForWriting().addAdmin(peerId))
  }

  /** Offboard a member: out of the directory and every team, keys rotated, connections refused. */
  async removeMember (peerId: string): Promise<void> {
    this.written(await this.orgForWriting().removeMember(peerId))
  }

  /** Create a team (admins only); the admin and `members` are in it. */
  async createTeam (team: string, members: string[] = []): Promise<void> {
    this.written(await this.orgForWriting().createTeam(team, members))
  }

  /** Add members to a team (admins only). */
  async addToTeam (team: string, members: string[]): Promise<void> {
    this.written(await this.orgForWriting().addToTeam(team, members))
  }

  /** Take a member out of a team (admins only); the team key is rotated. */
  async removeFromTeam (team: string, member: string): Promise<void> {
    this.written(await this.orgForWriting().removeFromTeam(team, member))
  }

  /**
   * Set how long a team keeps its messages (days; 0 for ever) and/or place or lift a hold, which
   * suspends deletion. Admins only; every node applies it.
   */
  async setRetention (team: string, change: { days?: number, hold?: boolean, reason?: string }): Promise<TeamView> {
    const org = this.orgForWriting()
    // applying the record starts a retention pass (see followOrg in compose.ts): wait for it
    this.written(await org.setRetention(team, change))
    await this.retention.settled()
    return this.teams().find(t => t.name === team)!
  }

  /** Delete what is past each team's retention here (see Retention.apply); how many entries went. */
  async applyRetention (): Promise<number> {
    return this.retention.apply()
  }

  /** The org's teams. */
  teams (): TeamView[] {
    return this.views.teams()
  }

  /** The directory, or one team's members. */
  members (team?: string): MemberView[] {
    return this.views.members(new Set(this.run?.libp2p.getPeers().map(String)), team)
  }

  /** The teams this node is in. */
  joinedTeams (): string[] {
    return this.orgs.current?.myTeams() ?? []
  }

  /** Records this node wrote: follow their effects and publish them. */
  private written (records: VerifiedRecord[]): void {
    this.bus.emit('org:written', { records })
  }

  // ---- presence ----

  /** Set this node's presence (kept across restarts) and tell the org. */
  async setPresence (status: string, text = ''): Promise<PresenceView> {
    return this.requireStarted().presence.set(status, text)
  }

  /** Everyone's presence, this node's included; members not heard from are offline. */
  presence (): PresenceView[] {
    return this.requireStarted().presence.all()
  }

  // ---- messages ----

  /**
   * Write a message to a team. It is encrypted under the team's current key and stored durably
   * before this resolves, so a message reported as sent survives a crash; then it is published.
   */
  async send (team: string, text: string, options: SendOptions = {}): Promise<MessageView> {
    return this.requireStarted().messages.send(team, text, options)
  }

  /** Send a direct message: only this node and `peerId` can read it; no admin is involved. */
  async sendDirect (peerId: string, text: string, options: SendOptions = {}): Promise<MessageView> {
    return this.requireStarted().messages.sendDirect(peerId, text, options)
  }

  /** Change the text of one of this node's messages (`id`: the id or a unique prefix). */
  async editMessage (id: string, text: string): Promise<MessageView> {
    return this.requireStarted().messages.edit(id, text)
  }

  /** Delete a message (its author, or an admin): erased from every node unless its team is on hold. */
  async deleteMessage (id: string): Promise<MessageView> {
    return this.requireStarted().messages.delete(id)
  }

  /** Add, or with `remove` take back, this node's reaction to a message. */
  async react (id: string, emoji: string, options: { remove?: boolean } = {}): Promise<MessageView> {
    return this.requireStarted().messages.react(id, emoji, options)
  }

  /** A message and its replies, oldest first. */
  async thread (id: string): Promise<{ root: MessageView, replies: MessageView[] }> {
    return this.conversations.thread(id)
  }

  /** One message as shown now, by id or unique prefix. */
  async message (id: string): Promise<MessageView> {
    return this.conversations.view(id)
  }

  /** The direct conversations this node holds messages of. */
  async directs (): Promise<Array<{ team: string, peerId: string, name: string }>> {
    return this.reader.directs()
  }

  /** A page of a team's history in display order, oldest first. */
  async history (team: string, options: { limit?: number, before?: string } = {}): Promise<HistoryResult> {
    return this.reader.history(team, options)
  }

  /** Write a backup of this node (identity and log) to `path`; never overwrites a file. */
  async backup (path: string): Promise<{ path: string, rows: number }> {
    if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('give a file to write the backup to')
    const { rows } = await writeBackup(this.log, this.dataDir, path, this.peerId)
    return { path, rows }
  }

  // ---- peers ----

  /** The peers connected now. */
  peers (): PeerView[] {
    return this.requireStarted().sessions.peers()
  }

  /** What the peer keeper sees and tries: sightings, dial targets, their errors (for `parley doctor`). */
  connectivity (): KeeperStatus {
    return this.requireStarted().libp2p.services.keeper.status()
  }

  /** The connected peers subscribed to a team's topic: who a message sent now reaches directly. */
  teamPeers (team: string): string[] {
    checkTeamName(team)
    const org = this.orgs.require()
    return this.requireStarted().libp2p.services.pubsub.getSubscribers(topicOfTeam(org.orgId, team)).map(String).sort()
  }

  /** Dial a multiaddr now. */
  async dial (address: string): Promise<void> {
    await this.requireStarted().libp2p.dial(multiaddr(address))
  }

  /** Per team this node is in: what it holds and what it is fetching. */
  async syncStatus (): Promise<SyncStatus[]> {
    return this.requireStarted().sessions.status()
  }

  // ---- files ----

  /** Share a file with a team: sealed into the store, its manifest posted; peers fetch it from here. */
  async sendFile (team: string, path: string, options: { caption?: string, name?: string } = {}): Promise<FileView> {
    checkTeamName(team)
    const { files } = this.requireStarted()
    if (options.name !== undefined && (options.name.trim() === '' || Buffer.byteLength(options.name) > 255)) throw new InvalidArgumentError('a file name needs 1 to 255 bytes')
    return files.send(team, path, options.caption ?? '', options.name)
  }

  /** Send a file to one member, in the direct conversation with them. */
  async sendFileDirect (peerId: string, path: string, options: { caption?: string, name?: string } = {}): Promise<FileView> {
    return this.sendFile(this.requireStarted().messages.directTeam(peerId), path, options)
  }

  /** Fetch a file if needed and save it into `outDir` (default: the download folder) under a safe new name. */
  async getFile (id: string, options: { outDir?: string, signal?: AbortSignal } = {}): Promise<{ file: FileView, path: string }> {
    return this.requireStarted().files.get(id, options.outDir, options.signal)
  }

  /** Files shared in this node's teams, newest first. */
  listFiles (team?: string): FileView[] {
    if (team !== undefined) checkTeamName(team)
    return this.run?.files.list(team) ?? []
  }

  /** One file by id or unique prefix. */
  fileInfo (id: string): FileView {
    return this.requireStarted().files.find(id)
  }

  // ---- search and export ----

  /**
   * Search the messages of the teams this node is in (and its direct conversations), newest first.
   * Words match whole, after folding case and accents and light stemming; every word must appear.
   */
  async search (query: string, options: SearchOptions = {}): Promise<MessageView[]> {
    return searchMessages({ orgs: this.orgs, log: this.log, indexer: this.indexer, retention: this.retention, views: this.views, conversations: this.conversations, directTeams: async () => (await this.directs()).map(d => d.team) }, query, options)
  }

  /**
   * A verifiable export of a team's history (or a direct conversation's): messages and membership
   * changes, oldest first, hash-chained and signed by this node. Returns the file's lines.
   */
  async exportTeam (team: string, options: ExportOptions = {}): Promise<string[]> {
    return exportTeam({ selfId: this.peerId, self: this, key: this.identity.key, orgs: this.orgs, log: this.log, retention: this.retention, views: this.views, conversations: this.conversations }, team, options)
  }

  // ---- usage policy and names (teams/policy.ts, teams/names.ts) ----

  /** Publish a new version of the org's usage policy (admins only); with `everySession`, each chat start asks again. */
  async setPolicy (text: string, options: { everySession?: boolean } = {}): Promise<PolicyView> {
    this.written(await this.orgForWriting().setPolicy(text, options.everySession === true))
    return this.policyStatus()!
  }

  /** Accept the usage policy in force, by a record signed with this node's key; `version`, if given, must be it. */
  async acceptPolicy (version?: number): Promise<PolicyView> {
    this.written(await this.orgForWriting().acceptPolicy(version))
    return this.policyStatus()!
  }

  /** The usage policy in force, who accepted it, and whether this node may post; null if the org has none. */
  policyStatus (): PolicyView | null {
    const org = this.orgs.require()
    const status = policyStatus(org.state)
    if (status === undefined) return null
    let mayPost = true
    try {
      org.checkMayPost(this.init.clock?.() ?? Date.now())
    } catch {
      // PolicyNotAcceptedError: that is the answer
      mayPost = false
    }
    return { ...status, mayPost }
  }

  /** A chat session begins: a policy that asks at every session must be accepted again before posting. */
  beginPolicySession (): PolicyView | null {
    this.orgs.require().beginSession()
    return this.policyStatus()
  }

  /** Give a member a new display name (admins only); refused if it passes for another member's. */
  async renameMember (peerId: string, name: string): Promise<MemberView[]> {
    this.written(await this.orgForWriting().renameMember(peerId, name))
    return this.members()
  }

  /** Ask the admins for a new display name; an admin's node shows the request until one grants it. */
  async requestRename (name: string): Promise<RenameRequestView[]> {
    this.written(await this.orgForWriting().requestRename(name))
    return this.renameRequests()
  }

  /** Grant a member's pending rename request (admins only). */
  async approveRename (peerId: string): Promise<MemberView[]> {
    this.written(await this.orgForWriting().approveRename(peerId))
    return this.members()
  }

  /** The pending rename requests, oldest first. */
  renameRequests (): RenameRequestView[] {
    return renameRequests(this.orgs.require().state)
  }

  /** A verifiable export of the org's own record (every administrative act), hash-chained and signed by this node. */
  async exportOrg (options: ExportOptions = {}): Promise<string[]> {
    return exportOrg({ selfId: this.peerId, self: this, key: this.identity.key, orgs: this.orgs }, options)
  }

  // ---- the office: suspensions, invites under control, announcement teams, the org log ----

  /** Suspend a member (admins only): out of every team's key, posts and connections refused; the directory keeps them. */
  async suspendMember (peerId: string, reason = ''): Promise<void> {
    this.written(await this.orgForWriting().suspendMember(peerId, reason))
  }

  /** Resume a suspended member (admins only): back into the teams they had, with the keys of what was written meanwhile. */
  async resumeMember (peerId: string): Promise<void> {
    this.written(await this.orgForWriting().resumeMember(peerId))
  }

  /** The org's invites, newest first: pending, used (by whom), expired or revoked, and who made each. */
  invites (): InviteView[] {
    const org = this.orgs.require()
    return inviteList(org.state, p => org.authorLabel(p), this.init.clock?.() ?? Date.now())
  }

  /** Revoke an unused invite (admins only) by its id or a unique prefix: refused at join on every admin's node. */
  async revokeInvite (id: string): Promise<InviteView[]> {
    this.written(await this.orgForWriting().revokeInvite(id))
    return this.invites()
  }

  /** Create an announcement team (admins only): everyone in it reads, only admins and its posters post. */
  async createAnnounceTeam (team: string, members: string[] = []): Promise<void> {
    this.written(await this.orgForWriting().createAnnounceTeam(team, members))
  }

  /** Name who posts in an announcement team besides the admins (admins only); the team's key is rotated. */
  async setTeamPosters (team: string, posters: string[]): Promise<TeamView> {
    this.written(await this.orgForWriting().setTeamPosters(team, posters))
    return this.teams().find(t => t.name === team)!
  }

  /** Every administrative act of the org, in the order every node applies them. */
  orgLog (): OrgLogEntry[] {
    const org = this.orgs.require()
    return orgLog(org.state, p => org.authorLabel(p))
  }
}
