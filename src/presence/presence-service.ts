/**
 * Presence: each member's status (available, away, busy, do not disturb) and a short text, signed
 * and announced on the org's presence topic every presenceIntervalMs (longer in a larger org), and to
 * a peer as soon as it starts listening. A member not heard from for presenceExpiryMs, or whose
 * connection closed since it was last heard, is offline. This node's own presence is kept across restarts (log meta
 * 'presence'). An announcement carries its member's addresses, so a member this node is not
 * connected to can be dialled.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { repeatingTask } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError, NotMemberError } from '../errors.js'
import { createPresence, decodePresence, PRESENCE_STATUSES } from '../model/index.js'
import { presenceTopic } from '../net/topics.js'
import { emit } from '../context.js'
import { parleyLogger } from '../log.js'
import type { OrgView, PublicEvents } from '../context.js'
import type { PresenceStatus } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Ed25519PrivateKey, Libp2p, PeerId, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RepeatingTask } from '@libp2p/utils'
import type { PresenceView } from '../events.js'

/** How often a node repeats its presence in an org of up to PRESENCE_FLAT_MEMBERS members. */
export const PRESENCE_INTERVAL_MS = 15_000
/** Up to this many members the interval stays PRESENCE_INTERVAL_MS; beyond, it grows with the org. */
export const PRESENCE_FLAT_MEMBERS = 10
/** The longest interval, whatever the org's size. */
export const MAX_PRESENCE_INTERVAL_MS = 5 * 60_000
/** A round this close to the interval's end announces (timers drift), rather than waiting a whole round more. */
const ROUND_SLACK_MS = 1_000

/**
 * How often a node repeats its presence in an org of `members`. Every announcement reaches every
 * member, and each relays it to its mesh peers, so with a fixed interval what each node hears and
 * relays per second grew with the org, and the org's traffic as a whole with its square (measured in
 * the scale benchmark: at 20 members ~7 KB/s per node idle for presence and its gossip, ~1.5 KB/s at
 * 10). So the interval is a whole number of rounds, one more per PRESENCE_FLAT_MEMBERS members: the
 * org makes at most as many announcements per second as one of PRESENCE_FLAT_MEMBERS members does,
 * whatever its size (up to MAX_PRESENCE_INTERVAL_MS). A status change is announced at once.
 */
export function presenceIntervalMs (members: number): number {
  const rounds = Math.max(1, Math.ceil(members / PRESENCE_FLAT_MEMBERS))
  return Math.min(MAX_PRESENCE_INTERVAL_MS, PRESENCE_INTERVAL_MS * rounds)
}

/**
 * After how long without an announcement a member counts as offline in an org of `members`: three
 * intervals and a third (50 s at 15 s), so that one or two lost announcements do not make anyone
 * offline. Members count alike on every node but for records still on their way, which change the
 * interval by one round at most, well within this.
 */
export function presenceExpiryMs (members: number): number {
  return Math.round(presenceIntervalMs(members) * 10 / 3)
}

/** The longest status text. */
const MAX_TEXT = 200
/** Addresses announced with a presence, at most. */
const MAX_ADDRESSES = 16
/**
 * Announcements of peers not (yet) in the directory, held until the record admitting them arrives
 * (a newcomer announces as soon as it has joined, often before its admission has reached us): at
 * most this many, for at most this long.
 */
const MAX_PENDING = 64
const PENDING_MS = 60_000

type Announcement = Awaited<ReturnType<typeof decodePresence>>

const log = parleyLogger('presence')

export interface PresenceComponents {
  selfId: string
  key: Ed25519PrivateKey
  log: Pick<EntryLog, 'meta'>
  orgs: OrgView
  libp2p: Pick<Libp2p, 'getPeers' | 'getMultiaddrs'>
  pubsub: Pick<GossipSub, 'publish' | 'addEventListener' | 'removeEventListener'>
  /** told of the addresses a member this node is not connected to announced */
  keeper: { learn: (peerId: string, addresses: Multiaddr[]) => void }
  /** `presence:changed` when a member's effective presence changes (this node's own too), `entry:rejected` for a refused announcement */
  events: PublicEvents
}

export class PresenceService implements Startable {
  private readonly c: PresenceComponents
  /** last announcement heard from each member, and when */
  private readonly heard = new Map<string, PresenceView & { time: number, heardAt: number }>()
  /** when each peer's last connection closed */
  private readonly goneAt = new Map<string, number>()
  /** what each member's presence was last reported as, to report only changes */
  private readonly reported = new Map<string, string>()
  /** signed announcements of peers not in the directory yet, by peer id */
  private readonly pending = new Map<string, { p: Announcement, at: number }>()
  private mine: { status: PresenceStatus, text: string, since: number } = { status: 'available', text: '', since: Date.now() }
  /** members not heard from for a while count as offline; and this node's presence is repeated */
  private readonly round: RepeatingTask = repeatingTask(() => {
    for (const peerId of this.heard.keys()) this.report(peerId)
    // rounds run every PRESENCE_INTERVAL_MS; in a larger org, this node's announcement only every few
    if (Date.now() - this.announcedAt >= presenceIntervalMs(this.members()) - ROUND_SLACK_MS) void this.announce()
  }, PRESENCE_INTERVAL_MS)
  /** when this node last announced its presence */
  private announcedAt = 0
  private announceSoon?: NodeJS.Timeout
  private running = false

  constructor (components: PresenceComponents) {
    this.c = components
  }

  /** Take up the presence saved by the last run, and announce it now and every interval. */
  async start (): Promise<void> {
    const saved = await this.c.log.meta('presence').get()
    if (saved !== undefined && (PRESENCE_STATUSES as readonly string[]).includes(saved.status)) this.mine = { ...saved, since: Date.now() }
    this.running = true
    this.round.start()
    this.c.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    void this.announce()
  }

  stop (): void {
    this.running = false
    this.round.stop()
    this.c.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    clearTimeout(this.announceSoon)
  }

  /** Set this node's presence (kept across restarts) and tell the org. */
  async set (status: string, text = ''): Promise<PresenceView> {
    if (!(PRESENCE_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidArgumentError(`status must be one of ${PRESENCE_STATUSES.join(', ')}`)
    }
    if (text.length > MAX_TEXT) throw new InvalidArgumentError(`a status text is at most ${MAX_TEXT} characters`)
    this.mine = { status: status as PresenceStatus, text, since: Date.now() }
    await this.c.log.meta('presence').put({ status: status as PresenceStatus, text })
    await this.announce()
    const view = this.own()
    emit(this.c.events, 'presence:changed', view)
    return view
  }

  /** Everyone's presence, this node's included; members not heard from are offline. */
  all (): PresenceView[] {
    const org = this.c.orgs.current
    if (org === undefined) return [this.own()]
    return [...org.state.members.keys()].map(peerId => this.of(peerId))
  }

  /** A peer's last connection closed: it is offline until heard from again. */
  peerGone (peerId: string): void {
    this.goneAt.set(peerId, Date.now())
    this.report(peerId)
  }

  private readonly onSubscriptionChange = (evt: CustomEvent<{ subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    this.subscriptionsChanged(evt.detail.subscriptions)
  }

  /** A peer that starts listening for presence hears ours at once, not at the next round. */
  subscriptionsChanged (subscriptions: Array<{ topic: string, subscribe: boolean }>): void {
    const org = this.c.orgs.current
    if (org === undefined || this.announceSoon !== undefined) return
    if (!subscriptions.some(s => s.subscribe && s.topic === presenceTopic(org.orgId))) return
    this.announceShortly()
  }

  /** Announce in a moment: several reasons to announce at once make one announcement. */
  private announceShortly (): void {
    if (this.announceSoon !== undefined || !this.running) return
    this.announceSoon = setTimeout(() => {
      this.announceSoon = undefined
      void this.announce()
    }, 100)
    this.announceSoon.unref()
  }

  /** The presence topic's validator: a signed announcement of a current member of this org. */
  async validate (from: PeerId, msg: Message): Promise<TopicValidatorResult> {
    try {
      const p = await decodePresence(msg.data)
      const org = this.c.orgs.current
      if (org === undefined || Buffer.from(p.org).toString('hex') !== org.orgId) throw new NotMemberError(`presence of ${p.peerId} for another org`)
      if (org.state.removed.has(p.peerId)) throw new NotMemberError(`presence of ${p.peerId}, who was removed from the org`)
      // someone joining now: the records admitting them may not have reached this node yet, so their
      // presence is not relayed nor held against the peer that relayed it, but kept until they arrive
      if (!org.state.members.has(p.peerId)) {
        this.hold(p)
        return TopicValidatorResult.Ignore
      }
      return this.accept(p) ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
    } catch (err) {
      emit(this.c.events, 'entry:rejected', { from: from.toString(), team: '', reason: (err as Error).name, message: (err as Error).message })
      return TopicValidatorResult.Reject
    }
  }

  /**
   * The org changed: announcements held for peers it now admits count now; and when it admits
   * someone (or this node has just joined), they hear this node's presence at once, not at the next
   * round.
   */
  orgChanged (admitted: boolean): void {
    const org = this.c.orgs.current
    if (org === undefined) return
    const now = Date.now()
    for (const [peerId, { p, at }] of this.pending) {
      if (now - at > PENDING_MS || org.state.removed.has(peerId)) {
        this.pending.delete(peerId)
      } else if (org.state.members.has(peerId)) {
        this.pending.delete(peerId)
        this.accept(p)
      }
    }
    if (admitted) this.announceShortly()
  }

  private hold (p: Announcement): void {
    const known = this.pending.get(p.peerId)
    if (known !== undefined && known.p.time > p.time) return
    this.pending.delete(p.peerId)
    this.pending.set(p.peerId, { p, at: Date.now() })
    // the oldest goes first (a Map keeps insertion order)
    for (const peerId of this.pending.keys()) {
      if (this.pending.size <= MAX_PENDING) break
      this.pending.delete(peerId)
    }
  }

  /** Take a member's verified announcement; false if it is older than one already heard. */
  private accept (p: Announcement): boolean {
    const known = this.heard.get(p.peerId)
    if (known !== undefined && known.time > p.time) return false
    const now = Date.now()
    this.heard.set(p.peerId, { peerId: p.peerId, status: p.status as PresenceStatus, text: p.text, since: p.since, time: p.time, heardAt: now, clockSkew: p.time - now })
    this.report(p.peerId)
    // a member we are not connected to: its addresses came with its presence
    const libp2p = this.c.libp2p
    if (p.peerId !== this.c.selfId && this.running && !libp2p.getPeers().some(peer => peer.toString() === p.peerId)) {
      const addrs = p.addresses.flatMap((a) => {
        try {
          return [multiaddr(a)]
        } catch {
          return [] // a damaged address; the others may do
        }
      })
      this.c.keeper.learn(p.peerId, addrs)
    }
    return true
  }

  private own (): PresenceView {
    return { peerId: this.c.selfId, ...this.mine }
  }

  /** A member's presence: their last announcement, unless it is old or their connection closed since. */
  private of (peerId: string): PresenceView {
    if (peerId === this.c.selfId) return this.own()
    const heard = this.heard.get(peerId)
    const gone = this.goneAt.get(peerId)
    const expiry = presenceExpiryMs(this.members())
    if (heard === undefined || Date.now() - heard.heardAt > expiry || (gone !== undefined && gone >= heard.heardAt)) {
      return { peerId, status: 'offline', text: '', since: Math.max(gone ?? 0, heard?.heardAt ?? 0) }
    }
    return { peerId, status: heard.status, text: heard.text, since: heard.since, ...(heard.clockSkew !== undefined ? { clockSkew: heard.clockSkew } : {}) }
  }

  /** Report a member's effective presence if it differs from what was last reported. */
  private report (peerId: string): void {
    const view = this.of(peerId)
    const key = `${view.status}\0${view.text}`
    if (this.reported.get(peerId) === key) return
    this.reported.set(peerId, key)
    emit(this.c.events, 'presence:changed', view)
  }

  /** The org's members now, this node among them. */
  private members (): number {
    return this.c.orgs.current?.state.members.size ?? 1
  }

  private async announce (): Promise<void> {
    const org = this.c.orgs.current
    if (org === undefined || !this.running || org.state.removed.has(this.c.selfId)) return
    this.announcedAt = Date.now()
    try {
      // each announcement is new bytes (gossip drops repeats), stamped with when it was made
      const addresses = this.c.libp2p.getMultiaddrs().map(String).slice(0, MAX_ADDRESSES)
      const bytes = await createPresence(this.c.key, { org: new Uint8Array(Buffer.from(org.orgId, 'hex')), status: this.mine.status, text: this.mine.text, since: this.mine.since, time: Date.now(), addresses })
      await this.c.pubsub.publish(presenceTopic(org.orgId), bytes)
    } catch (err) {
      // nobody to tell right now; the next announcement or their next sync will do
      log('presence not announced now: %s', (err as Error).message)
    }
  }
}
