/**
 * Retention: what is past each team's retention period is hidden at once and deleted from the store
 * (search postings and shared files with it), one pass at a time, hourly and on every change.
 */
import { repeatingTask } from '@libp2p/utils'
import { searchItem } from '../search/indexer.js'
import { warn } from '../context.js'
import type { OrgView, PublicEvents } from '../context.js'
import type { Body, VerifiedEntry } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'
import type { Startable } from '@libp2p/interface'
import type { RepeatingTask } from '@libp2p/utils'

const DAY_MS = 24 * 60 * 60 * 1000
/** How far past the horizon an entry's successor must be before it is deleted: clocks differ, and a peer checks against its own. */
export const RETENTION_MARGIN_MS = 60 * 60 * 1000
/** How often retention is applied (and at start, and when an admin changes it). */
export const RETENTION_EVERY_MS = 60 * 60 * 1000
/** Entries examined per write when applying retention. */
const RETENTION_SLICE = 5_000

export interface RetentionComponents {
  orgs: OrgView
  log: Pick<EntryLog, 'readFeed' | 'searchIndex' | 'expire' | 'erase' | 'compact'>
  views: { bodyOf: (v: VerifiedEntry) => Body | undefined }
  /** forget file `id` if entry `entryId` is the one that introduced it */
  files: { forget: (id: string, entryId: string) => Promise<void> }
  now: () => number
  events: PublicEvents
}

export class Retention implements Startable {
  private readonly c: RetentionComponents
  private readonly task: RepeatingTask
  private running = false
  private pass: Promise<unknown> = Promise.resolve()

  constructor (components: RetentionComponents) {
    this.c = components
    this.task = repeatingTask(() => { this.soon() }, RETENTION_EVERY_MS)
  }

  start (): void {
    this.running = true
    this.task.start()
    this.soon()
  }

  async stop (): Promise<void> {
    this.running = false
    this.task.stop()
    await this.pass
  }

  /** Apply retention in the background, one pass at a time. */
  soon (): void {
    this.pass = this.pass.then(async () => this.apply())
      .catch((err: Error) => { warn(this.c.events, `retention not applied: ${err.message}`) })
  }

  /** Wait for the passes asked for so far. */
  async settled (): Promise<void> {
    await this.pass
  }

  /** Messages of `team` written before this are past its retention (undefined: kept for ever, or on hold). */
  cutoff (team: string): number | undefined {
    const r = this.c.orgs.current?.state.retention.get(team)
    if (r === undefined || r.days === 0 || r.hold) return undefined
    return this.c.now() - r.days * DAY_MS
  }

  /** Whether an entry of `team` written at `wallTime` is past retention. */
  expired (team: string, wallTime: number): boolean {
    const cutoff = this.cutoff(team)
    return cutoff !== undefined && wallTime < cutoff
  }

  /** Leave out entries past the team's retention: the newest of each feed stays stored (it anchors the chain) but is not shown. */
  unexpired (team: string, entries: VerifiedEntry[]): VerifiedEntry[] {
    const cutoff = this.cutoff(team)
    return cutoff === undefined ? entries : entries.filter(v => v.entry.wallTime >= cutoff)
  }

  /**
   * Delete what is past each team's retention here: an entry goes once the entry after it in its
   * author's feed is itself past the horizon (plus a margin for clocks), so the newest entry of every
   * feed stays as the anchor its successor will name; until then it is hidden. Search postings of
   * expired messages go at once, and files shared by deleted messages are forgotten. Returns how many
   * entries were deleted.
   */
  async apply (): Promise<number> {
    const org = this.c.orgs.current
    if (org === undefined || !this.running) return 0
    let deleted = 0
    for (const team of org.state.retention.keys()) {
      const cutoff = this.cutoff(team)
      if (cutoff === undefined) continue
      const authors = new Set([...org.state.members.keys(), ...org.state.removed.keys()])
      for (const author of authors) {
        // a pass over a long-neglected team may meet many entries: they go in slices
        let gone: VerifiedEntry[] = []
        let expired: VerifiedEntry[] = []
        let prev: VerifiedEntry | undefined
        for await (const v of this.c.log.readFeed(team, author, 1)) {
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
      const body = this.c.views.bodyOf(v)
      if (body === undefined) continue
      items.push(searchItem(v, body))
      if (body.file !== undefined && goneIds.has(v.idHex)) await this.c.files.forget(Buffer.from(body.file.id).toString('hex'), v.idHex)
    }
    await this.c.log.searchIndex().remove(items)
    await this.c.log.expire(team, gone)
    // the newest expired entry of a feed stays as the anchor its successor names: only its signed
    // fields (entry format 2; a version 1 entry stays whole), once past the margin for clocks
    const cutoff = this.cutoff(team)
    const anchors = expired.filter(v => !goneIds.has(v.idHex) && cutoff !== undefined && v.entry.wallTime < cutoff - RETENTION_MARGIN_MS)
    const erased = await this.c.log.erase(anchors)
    if (erased.length > 0 || gone.length > 0) await this.c.log.compact([...erased, ...gone])
    return gone.length
  }
}
