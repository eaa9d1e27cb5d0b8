/**
 * The org service: follows every change to the org (records from peers, records this node wrote),
 * publishes own records, cuts off removed peers, mends rosters as an admin, and tells the shells.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { emit, warn } from '../context.js'
import { peerIdOfPublicKey } from '../ids.js'
import { orgTopic } from '../net/topics.js'
import { parleyLogger } from '../log.js'
import type { CoreBus, CoreEvents, OrgView, PublicEvents } from '../context.js'
import type { VerifiedRecord } from '../model/index.js'
import type { OrgChange } from './org.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, Startable } from '@libp2p/interface'

/** How long a removed member's open connections stay up so the removal record reaches them. */
export const REMOVAL_GRACE_MS = 1_000
/**
 * How long an admin waits, after an org change, before mending rosters (see Org.mendRosters): the
 * offboarding admin's own rosters, written right after a removal, arrive first; a random part keeps
 * two admins from doing it at once.
 */
export const MEND_DELAY_MS = 2_000
export const MEND_JITTER_MS = 2_000

const log = parleyLogger('org')

export interface OrgServiceComponents {
  selfId: string
  orgs: OrgView
  pubsub: Pick<GossipSub, 'publish'>
  libp2p: Pick<Libp2p, 'hangUp'>
  events: PublicEvents
  bus: CoreBus
}

export class OrgService implements Startable {
  private readonly c: OrgServiceComponents
  private running = false
  private mendTimer?: NodeJS.Timeout
  private readonly removalTimers = new Set<NodeJS.Timeout>()
  /** this node's rosters refused since the last mending */
  private readonly ownRefusedRosters: VerifiedRecord[] = []

  constructor (components: OrgServiceComponents) {
    this.c = components
  }

  start (): void {
    this.running = true
    this.c.bus.addEventListener('org:ingested', this.onIngested)
    this.c.bus.addEventListener('org:written', this.onWritten)
    if (this.c.orgs.current?.isAdmin() === true) this.mendSoon()
  }

  stop (): void {
    this.running = false
    this.c.bus.removeEventListener('org:ingested', this.onIngested)
    this.c.bus.removeEventListener('org:written', this.onWritten)
    clearTimeout(this.mendTimer)
    for (const t of this.removalTimers) clearTimeout(t)
    this.removalTimers.clear()
  }

  private readonly onIngested = (evt: CoreEvents['org:ingested']): void => {
    this.changed(evt.detail.change, [])
  }

  private readonly onWritten = (evt: CoreEvents['org:written']): void => {
    const records = evt.detail.records
    if (records.length === 0) return
    this.changed({
      applied: records,
      refused: [],
      removed: records.filter(r => r.op === 'removeMember').map(r => peerIdOfPublicKey(r.record.removeMember!.member)),
      suspended: records.filter(r => r.op === 'suspend').map(r => peerIdOfPublicKey(r.record.suspend!.member))
    }, records)
  }

  /** Follow a change of the org, publishing `toPublish` (this node's own new records). */
  changed (change: OrgChange, toPublish: VerifiedRecord[]): void {
    const org = this.c.orgs.current
    if (org === undefined) return
    // this node's rosters that lost to another admin's for the same epoch: their changes are made again
    for (const refusal of change.refused) {
      if (refusal.record.op === 'roster' && refusal.record.signer === this.c.selfId && refusal.gap !== true) this.ownRefusedRosters.push(refusal.record)
    }
    if ((change.applied.length > 0 || change.refused.length > 0) && org.isAdmin()) this.mendSoon()
    if (this.running) {
      this.c.bus.emit('org:updated', { change })
      for (const r of toPublish) {
        this.c.pubsub.publish(orgTopic(org.orgId), r.bytes).catch((err: Error) => {
          warn(this.c.events, `org record not published now (peers get it by sync): ${err.message}`)
        })
      }
      // the gater refuses removed peers' new connections at once; open ones are closed after a
      // moment, so the removal record itself can reach them and their node can say so
      const removed = [...change.removed, ...change.suspended ?? []].filter(p => p !== this.c.selfId)
      if (removed.length > 0) {
        const timer = setTimeout(() => {
          this.removalTimers.delete(timer)
          for (const peer of removed) this.c.libp2p.hangUp(peerIdFromString(peer)).catch((err: Error) => { log('hang up %s: %s', peer, err.message) }) // already gone is fine
        }, REMOVAL_GRACE_MS)
        timer.unref()
        this.removalTimers.add(timer)
      }
    }
    if (change.removed.includes(this.c.selfId)) warn(this.c.events, `this node was removed from ${org.name} by an admin`)
    if (change.suspended?.includes(this.c.selfId) === true) warn(this.c.events, `this account was suspended in ${org.name} by an admin: it cannot post until resumed`)
    for (const refusal of change.refused) {
      emit(this.c.events, 'org:refused', { signer: refusal.record.signer, kind: refusal.record.op, reason: refusal.reason })
    }
    if (change.applied.length > 0 || change.removed.length > 0) {
      emit(this.c.events, 'org:changed', { orgId: org.orgId, applied: change.applied.map(r => r.op), removed: change.removed, by: change.applied.map(r => ({ signer: r.signer, at: r.record.wallTime })) })
    }
  }

  /** As an admin, mend the rosters after a moment (see Org.mendRosters). */
  private mendSoon (): void {
    if (this.mendTimer !== undefined || !this.running) return
    this.mendTimer = setTimeout(() => {
      this.mendTimer = undefined
      const org = this.c.orgs.current
      if (org === undefined || !this.running) return
      org.mendRosters(this.ownRefusedRosters.splice(0)).then((records) => {
        if (records.length === 0) return
        warn(this.c.events, `team rosters mended after another admin's changes won over this node's or left removed members in: ${records.length} new roster(s)`)
        this.c.bus.emit('org:written', { records })
      }, (err: Error) => { warn(this.c.events, `team rosters not mended now (tried again at the next org change): ${err.message}`) })
    }, MEND_DELAY_MS + Math.random() * MEND_JITTER_MS)
    this.mendTimer.unref()
  }
}
