/**
 * The message service: posts this node's entries (stored durably, then published), accepts the
 * entries peers relay; direct conversations included.
 */
import { emit, warn } from '../context.js'
import { DiskFullError, InvalidArgumentError, NotAdminError, NotAuthorError, NotMemberError, NotSyncedError } from '../errors.js'
import { checkTeamName } from '../ids.js'
import { checkEmoji, createEntry, encodeBody, lamportCeiling, signedEntrySize } from '../model/index.js'
import { FeedQuotas } from '../store/feed-quotas.js'
import { inboxTopic, topicOfTeam } from '../net/topics.js'
import { waitAtMost } from '../wait.js'
import type { CoreBus, CoreEvents, OrgView, PublicEvents } from '../context.js'
import type { MessageView } from '../events.js'
import type { HistorySync } from '../history/history-sync.js'
import type { BodyFields, VerifiedEntry } from '../model/index.js'
import type { Conversations } from './conversations.js'
import type { SearchIndexer } from '../search/indexer.js'
import type { EntryLog } from '../store/entry-log.js'
import type { RestoreGate } from '../store/restore-gate.js'
import type { Views } from './views.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Ed25519PrivateKey, Libp2p, PeerId, Startable } from '@libp2p/interface'

/** How long a first post waits for history sync to confirm this node's own feed head. */
export const OWN_HEAD_WAIT_MS = 5_000
/** How long a restored node waits for each peer's sync before its first post in a team. */
export const RESTORE_SYNC_WAIT_MS = 10_000

/** The fields of a body this node posts; its name and the urgent flag are filled in. */
export type PostFields = Omit<BodyFields, 'authorName'>

/** What a message may carry besides its text. */
export interface SendOptions {
  urgent?: boolean
  /** the id (or a unique prefix) of the message replied to, in the same conversation */
  replyTo?: string
}

export interface MessageServiceComponents {
  selfId: string
  key: Ed25519PrivateKey
  /** this node's display name now (the directory's, once in an org) */
  self: { readonly name: string }
  dataDir: string
  orgs: OrgView
  log: Pick<EntryLog, 'feedHead' | 'lamport' | 'append' | 'appendMany' | 'contiguousHeads' | 'get' | 'readFeed'>
  pubsub: Pick<GossipSub, 'publish' | 'getSubscribers'>
  libp2p: Pick<Libp2p, 'getPeers'>
  history: Pick<HistorySync, 'syncedTeams' | 'syncTeam' | 'lastSynced'>
  restore: Pick<RestoreGate, 'mustConfirm' | 'confirmed'>
  indexer: Pick<SearchIndexer, 'add'>
  views: Pick<Views, 'message'>
  conversations: Pick<Conversations, 'stored' | 'find' | 'view' | 'decorate' | 'reacted'>
  now: () => number
  events: PublicEvents
  bus: CoreBus
}

/** The most own posts written in one batch. */
const MAX_GROUP = 256

interface PendingPost {
  team: string
  plaintext: Uint8Array
  /** an edit: the message it edits, also signed in the clear (see Entry.edit_of) */
  editOf?: Uint8Array<ArrayBuffer>
  resolve: (v: VerifiedEntry) => void
  reject: (err: unknown) => void
}

export class MessageService implements Startable {
  private readonly c: MessageServiceComponents
  /** own posts waiting to be written: written by one writer at a time, so sequence numbers never repeat */
  private readonly waiting: PendingPost[] = []
  private writing?: Promise<void>
  /** this node's own feeds, held to the limits every receiver holds them to (see model/feed-quota.ts) */
  private readonly quotas: FeedQuotas

  constructor (components: MessageServiceComponents) {
    this.c = components
    this.quotas = new FeedQuotas(components.log)
  }

  start (): void {
    this.c.bus.addEventListener('entry:relayed', this.onRelayed)
    this.c.bus.addEventListener('entry:gapped', this.onGapped)
  }

  async stop (): Promise<void> {
    this.c.bus.removeEventListener('entry:relayed', this.onRelayed)
    this.c.bus.removeEventListener('entry:gapped', this.onGapped)
    await this.writing
  }

  /**
   * Write a message to a team. It is encrypted under the team's current key and stored durably
   * before this resolves, so a message reported as sent survives a crash; then it is published.
   */
  async send (team: string, text: string, options: SendOptions = {}): Promise<MessageView> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new InvalidArgumentError('a message needs some text')
    }
    checkTeamName(team)
    const replyTo = options.replyTo === undefined ? undefined : await this.replyTarget(team, options.replyTo)
    return this.post(team, { text, urgent: options.urgent === true, ...(replyTo !== undefined ? { replyTo } : {}) })
  }

  /** Send a direct message: only this node and `peerId` can read it; no admin is involved. */
  async sendDirect (peerId: string, text: string, options: SendOptions = {}): Promise<MessageView> {
    return this.send(this.directTeam(peerId), text, options)
  }

  /** The id of the message a reply in `team` names: held here, in the same conversation. */
  private async replyTarget (team: string, idOrPrefix: string): Promise<Uint8Array<ArrayBuffer>> {
    const v = await this.c.conversations.find(idOrPrefix)
    if (v.entry.team !== team) throw new InvalidArgumentError(`message ${v.idHex.slice(0, 12)} is in another conversation: a reply goes where its message is`)
    return v.id
  }

  /**
   * Change the text of one of this node's messages. Every node shows the latest text, marked edited,
   * in the message's place; the earlier versions stay in this node's signed feed (and exports).
   */
  async edit (idOrPrefix: string, text: string): Promise<MessageView> {
    if (typeof text !== 'string' || text.trim().length === 0) throw new InvalidArgumentError('an edit needs some text (to take a message back, delete it)')
    const v = await this.c.conversations.find(idOrPrefix)
    if (v.author !== this.c.selfId) throw new NotAuthorError('only its author can edit a message')
    const shown = await this.c.conversations.view(v.idHex)
    if (shown.deleted !== undefined) throw new InvalidArgumentError('that message was deleted')
    if (shown.file !== undefined) throw new InvalidArgumentError('a file\'s caption cannot be edited: share it again')
    await this.post(v.entry.team, { text, editOf: v.id })
    return this.c.conversations.view(v.idHex)
  }

  /**
   * Delete a message (its author, or an admin): it leaves every member's chat, history, search and
   * files, and its text is erased from every node's disk, unless the team is under a hold.
   */
  async delete (idOrPrefix: string): Promise<MessageView> {
    const v = await this.c.conversations.find(idOrPrefix)
    const org = this.c.orgs.require()
    if (v.author !== this.c.selfId && !org.isAdmin()) throw new NotAdminError('only its author or an admin can delete a message')
    const shown = await this.c.conversations.view(v.idHex)
    if (shown.deleted !== undefined) return shown
    await this.post(v.entry.team, { text: '', deleteOf: v.id })
    return this.c.conversations.view(v.idHex)
  }

  /** Add (or with `remove`, take back) this node's reaction `emoji` to a message: one per person per emoji. */
  async react (idOrPrefix: string, emoji: string, options: { remove?: boolean } = {}): Promise<MessageView> {
    if (typeof emoji !== 'string') throw new InvalidArgumentError('a reaction is an emoji')
    const symbol = emoji.trim()
    try {
      checkEmoji(symbol)
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
    const v = await this.c.conversations.find(idOrPrefix)
    const shown = await this.c.conversations.view(v.idHex)
    if (shown.deleted !== undefined) throw new InvalidArgumentError('that message was deleted')
    const remove = options.remove === true
    // nothing to say when the state asked for is the state already
    if (this.c.conversations.reacted(v, this.c.selfId, symbol) !== remove) return shown
    await this.post(v.entry.team, { text: '', reaction: { target: v.id, emoji: symbol, remove } })
    return this.c.conversations.view(v.idHex)
  }

  /** The direct conversation with a directory member (NotMemberError for anyone else). */
  directTeam (peerId: string): string {
    const org = this.c.orgs.require()
    if (peerId === this.c.selfId || org.member(peerId) === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
    return org.directTeam(peerId)
  }

  /** Write any body (a message, a file's manifest, a quarantine flag) to a team: stored durably, then published. */
  async post (team: string, fields: PostFields): Promise<MessageView> {
    checkTeamName(team)
    const org = this.c.orgs.require()
    // at once, not after waiting for history: a node that has not accepted the policy reads only
    org.checkMayPost(this.c.now())
    const plaintext = encodeBody({ ...fields, authorName: this.c.self.name })
    await this.confirmOwnHead(team)
    const entry = await this.append(team, plaintext, fields.editOf)
    this.c.indexer.add([entry])
    // said to shells (message:added, or the change an act made) before it is published
    await this.c.conversations.stored([entry])
    const view = await this.c.conversations.decorate(this.c.views.message(entry), entry)
    try {
      const peer = org.directPeer(team)
      const topic = peer === undefined ? topicOfTeam(org.orgId, team) : inboxTopic(org.orgId, peer)
      const result = await this.c.pubsub.publish(topic, entry.bytes)
      return { ...view, recipients: result.recipients.length }
    } catch (err) {
      // the entry is stored; peers that miss it now get it from history sync
      warn(this.c.events, `message ${view.id.slice(0, 12)} stored but not published: ${(err as Error).message}`)
      return { ...view, recipients: 0 }
    }
  }

  /**
   * Sign `plaintext` as this node's next entry in `team` and store it durably. Posts that arrive
   * while a write is under way are written together, in one batch and one fsync (group commit); each
   * resolves only once its batch is on disk.
   */
  private async append (team: string, plaintext: Uint8Array, editOf?: Uint8Array<ArrayBuffer>): Promise<VerifiedEntry> {
    return new Promise<VerifiedEntry>((resolve, reject) => {
      this.waiting.push({ team, plaintext, resolve, reject, ...(editOf !== undefined && editOf.length > 0 ? { editOf } : {}) })
      this.writing ??= this.writeWaiting().finally(() => { this.writing = undefined })
    })
  }

  private async writeWaiting (): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_GROUP)
      // within a group, each team's next entry follows the one before it in the group
      const heads = new Map<string, { seq: number, id: Uint8Array, wallTime: number } | undefined>()
      const lamports = new Map<string, number>()
      const signed: Array<{ post: PendingPost, v: VerifiedEntry }> = []
      for (const post of group) {
        try {
          const v = await this.sign(post, heads, lamports)
          signed.push({ post, v })
        } catch (err) {
          post.reject(err)
        }
      }
      try {
        await this.c.log.appendMany(signed.map(x => x.v), { durable: true })
        for (const { post, v } of signed) post.resolve(v)
      } catch (err) {
        const e = diskError(err, this.c.dataDir)
        for (const { post } of signed) post.reject(e)
      }
    }
  }

  private async sign (post: PendingPost, heads: Map<string, { seq: number, id: Uint8Array, wallTime: number } | undefined>, lamports: Map<string, number>): Promise<VerifiedEntry> {
    const { team } = post
    const org = this.c.orgs.require()
    if (!heads.has(team)) {
      const head = await this.c.log.feedHead(team, this.c.selfId)
      heads.set(team, head === undefined ? undefined : { seq: head.entry.seq, id: head.id, wallTime: head.entry.wallTime })
    }
    const head = heads.get(team)
    const seq = (head?.seq ?? 0) + 1
    const { epoch, body } = org.encryptBody(team, seq, post.plaintext)
    const now = this.c.now()
    const stored = await this.c.log.lamport(team, lamportCeiling(now, org.createdAt(team)))
    // clamped: an entry at the largest clock (stored before entries so far ahead were refused) must not stop every later post
    const lamport = Math.min(Math.max(stored, lamports.get(team) ?? 0) + 1, Number.MAX_SAFE_INTEGER)
    // never before the previous entry's: a feed's wall times never go back (every receiver checks)
    const wallTime = Math.max(now, head?.wallTime ?? 0)
    // the usage policy: every other node refuses an entry not covered by an acceptance (policy.ts)
    org.checkMayPost(wallTime)
    const fields = {
      team,
      seq,
      lamport,
      wallTime,
      epoch,
      prev: head === undefined ? new Uint8Array(0) : new Uint8Array(head.id),
      body: new Uint8Array(body),
      ...(post.editOf !== undefined ? { editOf: post.editOf } : {})
    }
    // the limits every receiver applies to this feed, before signing: a post over them is refused
    // here with EntryQuotaError ("slow down"), and the feed goes on from the same head, with no gap.
    // A feed this node does not hold whole (restored, its old entries still coming) is not judged.
    const candidate = { team, author: this.c.selfId, seq, wallTime: fields.wallTime, bytes: signedEntrySize(this.c.key.publicKey.raw, fields), prevHex: head === undefined ? '' : Buffer.from(head.id).toString('hex') }
    await this.quotas.check(candidate, 'you')
    const v = await createEntry(this.c.key, fields)
    this.quotas.record(candidate, v.idHex)
    heads.set(team, { seq, id: v.id, wallTime: v.entry.wallTime })
    lamports.set(team, lamport)
    return v
  }

  /**
   * Before the first post in a team since start, fetch the team from the peers at hand: a node
   * restored from an old backup learns its own feed's head from them and never reuses a sequence
   * number. Bounded: with nobody reachable, posting goes ahead.
   */
  private async confirmOwnHead (team: string): Promise<void> {
    const history = this.c.history
    if (this.c.restore.mustConfirm(team)) {
      await this.confirmAfterRestore(team)
      return
    }
    if (history.syncedTeams.has(team)) return
    const org = this.c.orgs.require()
    const direct = org.directPeer(team)
    const peers = direct === undefined
      ? this.c.pubsub.getSubscribers(topicOfTeam(org.orgId, team))
      : this.c.libp2p.getPeers().filter(p => p.toString() === direct)
    if (peers.length === 0) return
    await waitAtMost(Promise.all(peers.map(async p => history.syncTeam(p, team))), OWN_HEAD_WAIT_MS)
  }

  /**
   * A node restored from a backup may have written more after the backup was made. It posts in a
   * team only once a peer has sent it that team (its own later entries included), never guessing.
   */
  private async confirmAfterRestore (team: string): Promise<void> {
    const history = this.c.history
    const org = this.c.orgs.require()
    const direct = org.directPeer(team)
    const peers = this.c.libp2p.getPeers().filter(p => direct === undefined ? org.state.teams.get(team)?.current.members.has(p.toString()) === true : p.toString() === direct)
    for (const peer of peers) {
      const before = history.lastSynced.get(team)
      await waitAtMost(history.syncTeam(peer, team), RESTORE_SYNC_WAIT_MS)
      if (history.lastSynced.get(team) !== before) {
        await this.c.restore.confirmed(team)
        return
      }
    }
    throw new NotSyncedError(`this node was restored from a backup: it posts in ${team} once a colleague's node has sent it what it wrote since (so it never reuses a sequence number); none is reachable yet`)
  }

  private readonly onRelayed = (evt: CoreEvents['entry:relayed']): void => {
    void this.accept(evt.detail.v, evt.detail.from)
  }

  private readonly onGapped = (evt: CoreEvents['entry:gapped']): void => {
    void this.c.history.syncTeam(evt.detail.from, evt.detail.team)
  }

  /** Store an entry a peer relayed (checked by the topic router); a gap before it is fetched from that peer. */
  async accept (v: VerifiedEntry, from: PeerId): Promise<void> {
    try {
      const outcome = await this.c.log.append(v)
      if (outcome.status === 'added') {
        this.c.indexer.add([v])
        await this.c.conversations.stored([v])
        const head = (await this.c.log.contiguousHeads(v.entry.team)).get(v.author)
        if ((head?.seq ?? 0) < v.entry.seq) void this.c.history.syncTeam(from, v.entry.team)
      } else if (outcome.status === 'fork' && outcome.evidence === 'new') {
        await this.forked(v, outcome.existingId)
      }
    } catch (err) {
      warn(this.c.events, `could not store entry ${v.idHex.slice(0, 12)}: ${(err as Error).message}`)
    }
  }

  /**
   * A fork newly found here (`v` signed by its author for the place of its feed that `existingId`
   * holds, or right after it): said to shells with the message as now marked, and both versions
   * published once on the team topic, so that every member online learns of it whichever version it
   * holds (each checks both itself; gossip drops a copy it has seen). Members away learn of it from
   * history sync, which serves fork evidence. Called once per fork slot: only for new evidence.
   */
  async forked (v: VerifiedEntry, existingId: string): Promise<void> {
    const held = await this.c.log.get(existingId)
    emit(this.c.events, 'entry:forked', {
      team: v.entry.team,
      author: v.author,
      seq: v.entry.seq,
      existingId,
      forkId: v.idHex,
      ...(held !== undefined ? { message: this.c.views.message(held) } : {})
    })
    const org = this.c.orgs.current
    // a direct conversation has one other reader, who holds what the forker sent it
    if (org === undefined || org.directPeer(v.entry.team) !== undefined) return
    const topic = topicOfTeam(org.orgId, v.entry.team)
    for (const e of held === undefined ? [v] : [held, v]) {
      try {
        await this.c.pubsub.publish(topic, e.bytes)
      } catch (err) {
        // history sync still serves the evidence to every member that asks
        warn(this.c.events, `fork evidence ${e.idHex.slice(0, 12)} not published: ${(err as Error).message}`)
      }
    }
  }
}

/** A write error that means the disk is full becomes DiskFullError; others pass through. */
export function diskError (err: unknown, dataDir: string): Error {
  const text = `${(err as Error).message} ${String((err as { cause?: Error }).cause?.message ?? '')}`
  if (/ENOSPC|No space left/i.test(text)) {
    return new DiskFullError(`the disk holding ${dataDir} is full: the message was not sent; free some space and send it again (everything sent before is safe)`, { cause: err })
  }
  return err as Error
}
