/**
 * The topic router: subscribes to the org's topics and those of this node's teams, and runs the
 * validator of each (entries, org records, presence) before gossipsub relays anything.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { emit, warn } from '../context.js'
import { BadSignatureError, InvalidArgumentError, InvalidEntryError, NotMemberError } from '../errors.js'
import { checkPlausible, decodeEntryStructure, lamportCeiling, verifyEntrySignature } from '../model/index.js'
import { FeedQuotas } from '../store/feed-quotas.js'
import { waitAtMost } from '../wait.js'
import { parleyLogger } from '../log.js'
import { STRANGER_BAN_S, STRANGER_GOSSIP_PER_MINUTE } from './stranger-gate.js'
import { inboxTopic, orgTopic, presenceTopic, teamOfTopic, topicOfTeam } from './topics.js'
import type { StrangerGate } from './stranger-gate.js'
import type { CoreBus, OrgView, PublicEvents } from '../context.js'
import type { VerifiedEntry } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'
import type { OrgSync } from '../teams/org-sync.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, PeerId, Startable } from '@libp2p/interface'

/** How long an entry from a peer waits for the first org sync with that peer. */
export const ORG_SYNC_WAIT_MS = 2_000
/** How long an entry waits for the check of its predecessor, under way when it arrived. */
export const PREDECESSOR_WAIT_MS = 500

const log = parleyLogger('topics')

export interface TopicRouterComponents {
  selfId: string
  orgs: OrgView
  pubsub: Pick<GossipSub, 'subscribe' | 'unsubscribe' | 'topicValidators' | 'addEventListener' | 'removeEventListener'>
  libp2p: Pick<Libp2p, 'hangUp'>
  log: Pick<EntryLog, 'holds' | 'lamport' | 'contiguousHeads' | 'readFeed'>
  orgSync: Pick<OrgSync, 'sync' | 'isSynced' | 'catchUp'>
  presence: { validate: (from: PeerId, msg: Message) => Promise<TopicValidatorResult> }
  strangers: StrangerGate
  now: () => number
  events: PublicEvents
  bus: CoreBus
}

export class TopicRouter implements Startable {
  private readonly c: TopicRouterComponents
  private readonly subscribed = new Set<string>()
  /** entries the topic validator checked, with the peer that relayed them, for the message handler */
  private readonly validated = new WeakMap<Message, { v: VerifiedEntry, from: PeerId }>()
  /** each author's recent entries per team, for the limits on entries (see model/feed-quota.ts) */
  private readonly quotas: FeedQuotas
  /** the entries being checked now, by team and id, each with the promise its check ends */
  private readonly underWay = new Map<string, Promise<void>>()

  constructor (components: TopicRouterComponents) {
    this.c = components
    this.quotas = new FeedQuotas(components.log)
  }

  start (): void {
    this.c.pubsub.addEventListener('message', this.onGossip)
    this.update()
  }

  stop (): void {
    this.c.pubsub.removeEventListener('message', this.onGossip)
  }

  /** The topics subscribed to now. */
  topics (): string[] {
    return [...this.subscribed]
  }

  /** Subscribe to the org topic and the topics of the teams this node is in; leave the others. */
  update (): void {
    const org = this.c.orgs.current
    if (org === undefined) return
    const removed = org.state.removed.has(this.c.selfId)
    const inbox = inboxTopic(org.orgId, this.c.selfId)
    const wanted = new Set(removed ? [] : [orgTopic(org.orgId), presenceTopic(org.orgId), inbox, ...org.myTeams().map(t => topicOfTeam(org.orgId, t))])
    const pubsub = this.c.pubsub
    for (const topic of wanted) {
      if (this.subscribed.has(topic)) continue
      const team = teamOfTopic(org.orgId, topic)
      pubsub.topicValidators.set(topic, team !== undefined
        ? async (from, msg) => this.validateEntry(from, team, msg)
        : topic === inbox
          ? async (from, msg) => this.validateEntry(from, undefined, msg)
          : topic === presenceTopic(org.orgId)
            ? async (from, msg) => this.c.presence.validate(from, msg)
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

  /** Check an entry from a team topic, or (team undefined) a direct message from this node's inbox. */
  async validateEntry (from: PeerId, topicTeam: string | undefined, msg: Pick<Message, 'data'>): Promise<TopicValidatorResult> {
    let team = topicTeam ?? 'inbox'
    if (!this.mayGossip(from)) return TopicValidatorResult.Reject
    let ended: (() => void) | undefined
    try {
      // the cheap checks first, the signature last: size and structure, then whether it is held
      // here, who relays it and whether its author may write it; nothing it claims is acted on
      // beyond refusing it until the signature is checked
      const { signature, signed, ...v } = decodeEntryStructure(msg.data)
      // an entry is published whole: one without its body (erased) comes only from history sync,
      // with the delete that explains it; relayed live it would hide a message from whoever took it
      if (v.erased === true) throw new InvalidEntryError(`entry ${v.idHex.slice(0, 12)} was relayed without its body`)
      let signatureChecked = false
      const checkSignature = async (): Promise<void> => {
        if (signatureChecked) return
        if (!await verifyEntrySignature({ entry: v.entry, signed, signature })) {
          throw new BadSignatureError(`entry signature does not match its author ${v.author}`)
        }
        signatureChecked = true
      }
      // a direct message must be of the conversation between its author and this node
      team = topicTeam ?? this.c.orgs.require().directTeam(v.author)
      if (v.entry.team !== team) {
        throw new InvalidArgumentError(`entry for ${v.entry.team} sent on the topic of ${team}`)
      }
      // gossipsub validates messages concurrently: the next entry of a feed, arriving while its
      // predecessor is still being checked, waits for that check, so that it is judged against it
      // rather than dropped as gapped (and fetched again by history sync)
      ended = await this.afterPredecessor(team, v.idHex, v.entry.prev)
      // the very bytes of an entry held here (history sync brought it first, or a peer relays it
      // late) are no fault of the relaying peer: drop the copy without lowering that peer's score.
      // The id is the hash of the signed bytes, so this is never a forgery or a fork.
      if (await this.c.log.holds(v)) return TopicValidatorResult.Ignore
      // a node that was away learns of removals from this peer's org view before accepting its traffic;
      // the signature is checked first, so that an outsider's junk never starts an org sync
      if (!this.c.orgSync.isSynced(from.toString())) {
        await checkSignature()
        await waitAtMost(this.c.orgSync.sync(from), ORG_SYNC_WAIT_MS)
      }
      const org = this.c.orgs.require()
      // only a current member may relay a team's traffic: a non-member (a removed member behind a
      // fresh libp2p identity, an outsider) relaying a genuine entry would otherwise be asked for the
      // history before it, and could serve whatever it likes. The libp2p peer id is the member's
      // identity key, proven by the Noise handshake, so this is a check of the member key itself.
      if (!org.mayRead(team, from.toString())) {
        throw new NotMemberError(`entry relayed by ${from.toString()}, who is not a member of ${team}`)
      }
      const verdict = org.entryVerdict(team, v.entry.epoch, v.author)
      if (verdict === 'unknown-epoch') {
        // we are behind on rosters: ask the relaying peer, and let history sync bring the entry later
        // (a forgery is still the relay's fault)
        await checkSignature()
        void this.c.orgSync.sync(from)
        return TopicValidatorResult.Ignore
      }
      if (verdict !== 'ok') throw new NotMemberError(verdict)
      const policy = org.policyVerdict(v.author, v.entry.wallTime)
      if (policy !== 'ok') {
        // not the relay's fault, and maybe not for ever: the author's acceptance may be on its way
        // (asked for now); history sync brings the entry once it holds here
        await checkSignature()
        void this.c.orgSync.sync(from)
        emit(this.c.events, 'entry:rejected', { from: from.toString(), team, reason: 'PolicyNotAcceptedError', message: policy })
        return TopicValidatorResult.Ignore
      }
      try {
        const now = this.c.now()
        checkPlausible(v.entry, await this.c.log.lamport(team, lamportCeiling(now, org.createdAt(team))), now, org.createdAt(team))
      } catch (err) {
        // dropped without blaming the relay, which may be further ahead than this node; history
        // sync brings it once this node holds enough of the team, or once its date has come
        await checkSignature()
        emit(this.c.events, 'entry:rejected', { from: from.toString(), team, reason: (err as Error).name, message: (err as Error).message })
        return TopicValidatorResult.Ignore
      }
      // the author's limits on entries, judged against the feed before this entry: the same verdict
      // on every node. A node that does not hold the feed up to it cannot judge: it drops the entry
      // and fetches the team from the relay, whose history sync judges each entry in order
      const candidate = { team, author: v.author, seq: v.entry.seq, wallTime: v.entry.wallTime, bytes: v.bytes.byteLength, prevHex: Buffer.from(v.entry.prev).toString('hex') }
      let quota
      try {
        quota = await this.quotas.check(candidate, v.author)
      } catch (err) {
        // a forgery is reported as such, not as its author's excess
        await checkSignature()
        throw err
      }
      await checkSignature()
      if (quota === 'unknown') {
        this.c.bus.emit('entry:gapped', { team, from })
        return TopicValidatorResult.Ignore
      }
      if (quota === 'ok') this.quotas.record(candidate, v.idHex)
      this.validated.set(msg as Message, { v, from })
      return TopicValidatorResult.Accept
    } catch (err) {
      const e = err as Error
      emit(this.c.events, 'entry:rejected', { from: from.toString(), team, reason: e.name, message: e.message })
      return TopicValidatorResult.Reject
    } finally {
      ended?.()
    }
  }

  /**
   * Wait for the check of the entry `prev` names, if one is under way here, for at most
   * PREDECESSOR_WAIT_MS; returns what ends the check of entry `idHex`, which its own successor may
   * be waiting for. Entries are hash-chained, so the waits form chains, never cycles.
   */
  private async afterPredecessor (team: string, idHex: string, prev: Uint8Array): Promise<() => void> {
    const own = `${team}\0${idHex}`
    let end!: () => void
    const done = new Promise<void>(resolve => { end = resolve })
    // gossipsub checks each message id once, so a second check of one id is another caller's
    if (!this.underWay.has(own)) this.underWay.set(own, done)
    const before = prev.byteLength === 0 ? undefined : this.underWay.get(`${team}\0${Buffer.from(prev.buffer, prev.byteOffset, prev.byteLength).toString('hex')}`)
    // bounded from this entry's arrival, so a slow check (a relay whose org sync hangs) delays the
    // entries after it by at most this, however long the chain: past it, this one is judged as is
    if (before !== undefined) await waitAtMost(before, PREDECESSOR_WAIT_MS)
    return () => {
      end()
      if (this.underWay.get(own) === done) this.underWay.delete(own)
    }
  }

  /** Check org records from the org topic, folding those that hold into the org. */
  async validateRecord (from: PeerId, msg: Pick<Message, 'data'>): Promise<TopicValidatorResult> {
    const org = this.c.orgs.current
    if (org === undefined) return TopicValidatorResult.Ignore
    const change = await org.ingest([msg.data])
    for (const e of change.errors) {
      emit(this.c.events, 'entry:rejected', { from: from.toString(), team: '', reason: e.name, message: e.message })
    }
    this.c.bus.emit('org:ingested', { change, from: from.toString() })
    // a record after one this node missed (or by an admin added by one it missed) waits for that
    // one: fetch it from the peer that relayed this, now rather than at the next periodic resync
    if (change.refused.some(r => r.gap === true) || change.unknownSigners > 0) void this.c.orgSync.catchUp(from)
    if (change.errors.length > 0) return TopicValidatorResult.Reject
    // a signer unknown here may be an admin added by a record we have not seen yet: drop, do not punish
    return change.unknownSigners > 0 ? TopicValidatorResult.Ignore : TopicValidatorResult.Accept
  }

  /**
   * Count gossip from a peer outside the directory; one that sends more than
   * STRANGER_GOSSIP_PER_MINUTE is disconnected and refused for STRANGER_BAN_S. Members are not counted.
   */
  private mayGossip (from: PeerId): boolean {
    const peer = from.toString()
    if (this.c.orgs.current?.member(peer) !== undefined) return true
    const verdict = this.c.strangers.consume(peer)
    if (verdict === 'banned-now') {
      warn(this.c.events, `${peer}, who is not a member, sent more than ${STRANGER_GOSSIP_PER_MINUTE} team messages in a minute: disconnected, and refused for ${STRANGER_BAN_S / 60} minutes`)
      this.c.libp2p.hangUp(from).catch((err: Error) => { log('hang up %s: %s', peer, err.message) }) // already gone is fine
    }
    return verdict === 'ok'
  }

  private readonly onGossip = (evt: CustomEvent<Message>): void => {
    const validated = this.validated.get(evt.detail)
    if (validated === undefined) return
    this.c.bus.emit('entry:relayed', validated)
  }
}
