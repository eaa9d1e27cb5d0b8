/**
 * The composition of a running node: the services that need its libp2p node, each built with the
 * narrow components it needs (see ParleyNode for those that live as long as the node).
 */
import { emit, warn } from './context.js'
import { defaultDownloadDir, filesDirOf } from './paths.js'
import { HistorySync } from './history/history-sync.js'
import { createParleyLibp2p } from './net/libp2p-node.js'
import { DEFAULT_AUTO_DOWNLOAD_BYTES, DEFAULT_MAX_FILE_BYTES, FileService } from './files/file-service.js'
import { MessageService } from './messages/message-service.js'
import { TopicRouter } from './net/topic-router.js'
import { Join } from './teams/join.js'
import { OrgService } from './teams/org-service.js'
import { OrgSync } from './teams/org-sync.js'
import { PeerSessions } from './teams/peer-sessions.js'
import { PresenceService } from './presence/presence-service.js'
import { isColleague } from './teams/org-state.js'
import type { CoreBus, OrgRef } from './context.js'
import type { ParleyEvents } from './events.js'
import type { FileConfig } from './files/file-service.js'
import type { Views } from './messages/views.js'
import type { ParleyLibp2p } from './net/libp2p-node.js'
import type { MemberGate } from './net/member-gate.js'
import type { StrangerGate } from './net/stranger-gate.js'
import type { ParleyInit } from './node.js'
import type { Retention } from './retention/retention.js'
import type { SearchIndexer } from './search/indexer.js'
import type { Conversations } from './messages/conversations.js'
import type { EntryLog } from './store/entry-log.js'
import type { RestoreGate } from './store/restore-gate.js'
import type { Org, OrgIdentity } from './teams/org.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import type { TypedEventEmitter } from 'main-event'

/** The services that exist while the node runs (they need its libp2p node). */
export interface Running {
  libp2p: ParleyLibp2p
  orgSync: OrgSync
  orgService: OrgService
  join: Join
  topics: TopicRouter
  history: HistorySync
  sessions: PeerSessions
  messages: MessageService
  files: FileService
  presence: PresenceService
}

/** What lives as long as the node, which the running services are built over. */
export interface Shared {
  selfId: string
  orgs: OrgRef
  events: TypedEventEmitter<ParleyEvents>
  bus: CoreBus
  self: { readonly name: string }
  key: Ed25519PrivateKey
  me: OrgIdentity
  dataDir: string
  init: Pick<ParleyInit, 'clock' | 'files'>
  log: EntryLog
  views: Views
  restore: RestoreGate
  strangers: StrangerGate
  /** gossipsub speaks only with current members (see member-gate.ts) */
  memberGate: MemberGate
  indexer: SearchIndexer
  conversations: Conversations
  retention: Retention
  /** the org for an admin action (see RestoreGate.checkAdmin) */
  orgForWriting: () => Org
}

/** Build the services that need the running libp2p node, each with the components it needs. */
export function composeRunning (s: Shared, libp2p: ParleyLibp2p): Running {
  const base = { selfId: s.selfId, orgs: s.orgs, events: s.events, bus: s.bus }
  const now = (): number => s.init.clock?.() ?? Date.now()
  const pubsub = libp2p.services.pubsub
  const orgSync = new OrgSync({ ...base, libp2p })
  const presence = new PresenceService({ ...base, key: s.key, log: s.log, libp2p, pubsub, keeper: libp2p.services.keeper })
  const retention = s.retention
  const history = new HistorySync({
    registrar: libp2p,
    dialer: libp2p,
    log: s.log,
    org: () => s.orgs.current,
    orgSync: {
      syncedWith: async (peer) => { if (!orgSync.isSynced(peer.toString())) await orgSync.sync(peer) },
      catchUp: async (peer) => orgSync.catchUp(peer)
    },
    now,
    expired: (team, wallTime) => retention.expired(team, wallTime),
    erasures: async (team, deletes) => s.conversations.checkErasures(team, deletes),
    erasureOf: async (bytes) => s.conversations.erasureOfEncoded(bytes)
  })
  history.addEventListener('history:stored', ({ detail: { entries } }) => {
    try {
      s.indexer.addAfterSync(entries)
      // replies and acts are indexed now (a delete erases at once); views are built only for listeners
      void s.conversations.stored(entries, s.events.listenerCount('message:added') > 0).catch((err: Error) => { warn(s.events, `taking in synced history failed: ${err.message}`) })
    } catch (err) {
      // the entries are stored (the index takes them in at the next start); only their events are lost
      warn(s.events, `taking in synced history failed: ${(err as Error).message}`)
    }
  })
  history.addEventListener('history:refused', ({ detail: { from, team, error: e } }) => { emit(s.events, 'entry:rejected', { from, team, reason: e.name, message: e.message }) })
  history.addEventListener('history:forked', ({ detail: { entry: v, existingId } }) => { void messages.forked(v, existingId).catch((err: Error) => { warn(s.events, `fork by ${v.author}: ${err.message}`) }) })
  history.addEventListener('history:synced', ({ detail: { team, from: peer, received } }) => { emit(s.events, 'history:synced', { team, peer, received }) })
  const messages = new MessageService({
    ...base,
    key: s.key,
    self: s.self,
    dataDir: s.dataDir,
    log: s.log,
    pubsub,
    libp2p,
    history,
    restore: s.restore,
    indexer: s.indexer,
    views: s.views,
    conversations: s.conversations,
    now
  })
  const fileService = new FileService({ libp2p, orgs: s.orgs, selfId: s.selfId, events: s.events, messages }, { dir: filesDirOf(s.dataDir), ...fileConfig(s.init.files) })
  return {
    libp2p,
    orgSync,
    orgService: new OrgService({ ...base, pubsub, libp2p }),
    join: new Join({ ...base, libp2p, log: s.log, me: s.me, orgForWriting: s.orgForWriting }),
    topics: new TopicRouter({ ...base, pubsub, libp2p, log: s.log, orgSync, presence, strangers: s.strangers, now }),
    history,
    sessions: new PeerSessions({
      ...base,
      libp2p,
      orgSync,
      history,
      log: s.log,
      peers: { connected: () => { fileService.kick() }, gone: (peer) => { presence.peerGone(peer) } }
    }),
    messages,
    files: fileService,
    presence
  }
}

/** File settings with the defaults filled in. */
function fileConfig (given: Partial<FileConfig> = {}): FileConfig {
  return {
    downloadDir: given.downloadDir ?? defaultDownloadDir(),
    autoDownloadBytes: given.autoDownloadBytes ?? DEFAULT_AUTO_DOWNLOAD_BYTES,
    maxFileBytes: given.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    ...(given.autoDownloadPerAuthorBytes === undefined ? {} : { autoDownloadPerAuthorBytes: given.autoDownloadPerAuthorBytes }),
    ...(given.releaseMode === undefined ? {} : { releaseMode: given.releaseMode }),
    ...(given.scanCommand === undefined ? {} : { scanCommand: given.scanCommand })
  }
}

/** Start the services in order: protocols first, then what follows the org, then peers. */
export async function startRunning (run: Running, s: Pick<Shared, 'selfId' | 'orgs' | 'bus' | 'retention' | 'restore' | 'indexer' | 'memberGate' | 'conversations'>): Promise<void> {
  followOrg(run, s)
  await run.orgSync.start()
  await run.join.start()
  await run.history.start()
  await run.files.start()
  run.orgService.start()
  run.messages.start()
  run.topics.start()
  s.retention.start()
  await s.restore.load()
  await s.indexer.start()
  await run.presence.start()
  run.sessions.start()
}

/** The org changed: follow it (subscriptions, retention, presence, what is searchable here) while `run` runs. */
function followOrg (run: Running, s: Pick<Shared, 'selfId' | 'orgs' | 'bus' | 'retention' | 'indexer' | 'memberGate' | 'conversations'>): void {
  let teamsBefore = new Set(s.orgs.current?.myTeams())
  s.bus.addEventListener('org:updated', ({ detail: { change } }) => {
    const org = s.orgs.current
    if (org === undefined) return
    if (change.applied.some(r => r.op === 'retention')) {
      s.retention.soon()
      // a hold lifted: what deletes hid meanwhile is erased now
      for (const team of org.state.retention.keys()) {
        if (org.state.retention.get(team)?.hold !== true) void s.conversations.releaseHeld(team).catch(() => {})
      }
    }
    // members connected before this node heard of them gossip with it from now on
    s.memberGate.recheck()
    run.topics.update()
    // presence held for someone just admitted counts now, and they hear ours at once
    run.presence.orgChanged(change.applied.some(r => r.op === 'addMember' || r.op === 'genesis'))
    // a team this node left is no longer searchable here
    const now = new Set(org.state.removed.has(s.selfId) ? [] : org.myTeams())
    for (const team of teamsBefore) if (!now.has(team)) s.indexer.dropTeam(team)
    teamsBefore = now
  })
}

/** Stop the services, peers first, libp2p last but the writes it may have started. */
export async function stopRunning (run: Running, s: Pick<Shared, 'retention'>): Promise<void> {
  run.sessions.stop()
  await s.retention.stop()
  run.presence.stop()
  run.orgService.stop()
  await run.files.stop()
  run.topics.stop()
  await run.orgSync.stop()
  await run.join.stop()
  await run.history.stop()
  await run.libp2p.stop()
  await run.messages.stop()
}

/** Build and start this node's libp2p: only members are colleagues; removed and banned peers are refused. */
export async function startLibp2p (s: Pick<Shared, 'key' | 'orgs' | 'strangers' | 'events' | 'memberGate'> & { init: Pick<ParleyInit, 'mdns' | 'mdnsPace' | 'peers'> }, listen: string[]): Promise<ParleyLibp2p> {
  const libp2p = await createParleyLibp2p({
    privateKey: s.key,
    listen,
    mdns: s.init.mdns ?? true,
    mdnsPace: s.init.mdnsPace,
    memberGate: s.memberGate,
    // colleagues are dialed however many strangers mDNS announces (see peer-keeper.ts)
    keeper: { staticPeers: s.init.peers ?? [], isColleague: (peerId) => isColleague(s.orgs.current?.state, s.key.publicKey.toString(), peerId) },
    // offboarding: a removed (or suspended) member's connections are refused both ways; so are,
    // for a while, those of a peer cut off for flooding
    // (a ban never outlives the peer's admission: a member this node had not heard of yet is let in)
    isPeerDenied: (peerId) => s.orgs.current?.state.removed.has(peerId) === true || s.orgs.current?.state.suspended.has(peerId) === true || (s.strangers.isBanned(peerId) && s.orgs.current?.state.members.has(peerId) !== true)
  })
  libp2p.services.keeper.addEventListener('keeper:warning', (e) => { warn(s.events, e.detail) })
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
