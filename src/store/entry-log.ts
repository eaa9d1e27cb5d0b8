/**
 * The local log: every entry this node wrote or accepted, in LevelDB (the layout is in layout.ts).
 * Appends and the other writes run one at a time; reads are in entry-reads.ts, feed heads in
 * feed-heads.ts, org records in org-records.ts, metadata in meta-store.ts.
 */
import { Level } from 'level'
import { DataDirLockedError } from '../errors.js'
import { countEntries, entriesBetween, getEntry, readFeedBytes, readFeedHead, readForkEvidence, readPage, slotHolders } from './entry-reads.js'
import { FeedHeads, readFloors } from './feed-heads.js'
import { ForkBook } from './fork-book.js'
import { BYTES, feedKey, isRebuiltKey, orderKey, tablesOf, writeOptions } from './layout.js'
import { LamportClocks } from './lamport-clocks.js'
import { metaValue } from './meta-store.js'
import { allRecords, putRecords } from './org-records.js'
import { SearchIndex } from './search-index.js'
import { decodeStoredEntry, erasedForm } from '../model/index.js'
import type { VerifiedEntry, VerifiedRecord } from '../model/index.js'
import type { HistoryPage } from './entry-reads.js'
import type { Db, Sub, Tables } from './layout.js'
import type { FeedHead, MetaName, MetaSchema, MetaValue } from './meta-store.js'

export { orderKey } from './layout.js'
export type { HistoryPage } from './entry-reads.js'
export type { ForkView } from './fork-book.js'
export type { FeedHead, MetaName, MetaSchema, MetaValue } from './meta-store.js'

/** The store layout this build writes; an older one is migrated on open, a newer one refused. */
export const STORE_FORMAT = 2

/**
 * Migrations by the format they start from.
 * - 1 -> 2: entries of version 2 (bodies that can be erased) are stored beside the version 1 ones,
 *   which stay as they are and verify as before; the conversation index (sublevel c: edits, deletes,
 *   reactions, replies) is new and is built from the log at the next start.
 */
const MIGRATIONS: Record<number, (log: EntryLog) => Promise<void>> = {
  1: async (log) => {
    await log.conversationTable().clear()
    await log.meta('conversations').put(0)
  }
}

/** What `append` did with an entry. */
export type AppendOutcome =
  | { status: 'added' }
  | { status: 'duplicate' }
  /**
   * the feed slot holds another entry: the new one is evidence only, kept if it is the slot's first
   * other version and its author is under the bound of fork-book.ts ('new'), else not ('known':
   * this very evidence is kept already; 'dropped': another is, or the author is past the bound)
   */
  | { status: 'fork', existingId: string, evidence: 'new' | 'known' | 'dropped' }

/** The durable entry log of one node. */
export class EntryLog {
  private t!: Tables
  private readonly lamports = new LamportClocks()
  private search!: SearchIndex
  private readonly heads = new FeedHeads()
  /**
   * team -> author -> the last entry of the feed (null: none), for the feeds asked about through
   * feedHead (this node's own, on every send): read once, then kept current by appends
   */
  private readonly lastEntries = new Map<string, Map<string, VerifiedEntry | null>>()
  /** the fork evidence kept, in memory (bounded) for the views */
  readonly forkBook = new ForkBook()
  /** set when a write failed (disk full): LevelDB's write-ahead log may then be torn, so reopen first */
  private broken = false
  /** appends run one at a time so that fork detection cannot race */
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  private readonly path: string

  private constructor (db: Db, path: string) {
    this.path = path
    this.attach(db)
  }

  /** Bind the sublevels to an opened-or-opening database. */
  private attach (db: Db): void {
    this.t = tablesOf(db)
    this.search = new SearchIndex(this.t.search)
  }

  /** Open (creating if needed) the log at `path`. Throws DataDirLockedError if another process has it. */
  static async open (path: string): Promise<EntryLog> {
    const db = new Level<string, string>(path)
    try {
      await db.open()
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new DataDirLockedError(`another parley process is using ${path}`, { cause: err })
      }
      throw err
    }
    const log = new EntryLog(db, path)
    const format = log.meta('format')
    const found = await format.get()
    if (found === undefined) {
      await format.put(STORE_FORMAT)
    } else if (found < STORE_FORMAT) {
      // each step rewrites the store from one format to the next; fixtures of old formats test them
      for (let from = found; from < STORE_FORMAT; from++) {
        const step = MIGRATIONS[from]
        if (step === undefined) throw new Error(`no migration from store format ${from}`)
        await step(log)
        await format.put(from + 1)
      }
    } else if (found > STORE_FORMAT) {
      await db.close()
      throw new Error(`the log at ${path} has format ${found}, newer than this parley (${STORE_FORMAT}); upgrade parley`)
    }
    await log.forkBook.load(log.t)
    return log
  }

  /** Store an entry that has been verified. Duplicates are ignored; a fork is kept apart as evidence. */
  async append (v: VerifiedEntry, options: { durable?: boolean } = {}): Promise<AppendOutcome> {
    const [outcome] = await this.appendMany([v], options)
    return outcome!
  }

  /**
   * Store verified entries in one atomic batch (an entry and its index keys are written together or
   * not at all). Duplicates are ignored; a second entry for a taken feed slot is kept as fork evidence.
   */
  async appendMany (vs: VerifiedEntry[], options: { durable?: boolean } = {}): Promise<AppendOutcome[]> {
    return this.write(vs, options) as Promise<AppendOutcome[]>
  }

  /** appendMany, or (`evidenceOnly`) only the entries whose slots hold another: the others are 'absent'. */
  private async write (vs: VerifiedEntry[], options: { durable?: boolean, evidenceOnly?: boolean }): Promise<Array<AppendOutcome | { status: 'absent' }>> {
    if (vs.length === 0) return []
    return this.serially(async () => {
      const t = this.t
      const slots = vs.map(v => feedKey(v.entry.team, v.author, v.entry.seq))
      // an entry is stored together with its feed slot, so a slot holding its id means it is here;
      // a slot past the end of its feed as known in memory is free (an own send, the next gossiped
      // entry): only the others are read
      const unknown = vs.flatMap((v, i) => this.pastKnownEnd(v) ? [] : [i])
      const read = unknown.length === 0 ? [] : await slotHolders(t, unknown.map(i => vs[i]!), unknown.map(i => slots[i]!))
      const taken = new Array<string | undefined>(vs.length)
      for (const [k, i] of unknown.entries()) taken[i] = read[k]
      const inBatch = new Map<string, string>()
      // keys are prefixed here and put to the root batch: naming the sublevel in each put costs about
      // eight times as much per put (measured), which is most of a large batch's time
      const batch = t.db.batch()
      const [e, o, f, x] = [t.entries.prefix, t.order.prefix, t.feed.prefix, t.forks.prefix]
      const outcomes: Array<AppendOutcome | { status: 'absent' }> = []
      const added: VerifiedEntry[] = []
      const evidence: VerifiedEntry[] = []
      for (const [i, v] of vs.entries()) {
        const slot = slots[i]!
        const holder = taken[i] ?? inBatch.get(slot)
        if (holder === v.idHex) {
          outcomes.push({ status: 'duplicate' })
        } else if (holder !== undefined) {
          outcomes.push({ status: 'fork', existingId: holder, evidence: this.keepEvidence(v, evidence) })
          if (evidence.at(-1) === v) batch.put(`${x}${slot}:${v.idHex}`, v.bytes as unknown as string, BYTES)
        } else if (options.evidenceOnly === true) {
          outcomes.push({ status: 'absent' })
        } else {
          batch.put(`${e}${v.idHex}`, v.bytes as unknown as string, BYTES)
          // ids are strings in the root's own encoding, UTF-8, as in the sublevels
          batch.put(`${o}${orderKey(v)}`, v.idHex)
          batch.put(`${f}${slot}`, v.idHex)
          inBatch.set(slot, v.idHex)
          outcomes.push({ status: 'added' })
          added.push(v)
        }
      }
      await this.guardedWrite(async () => { await batch.write(writeOptions(options.durable)) })
      for (const v of evidence) this.forkBook.add(v)
      this.lamports.added(added)
      for (const v of added) {
        const feeds = this.lastEntries.get(v.entry.team)
        if (feeds === undefined || !feeds.has(v.author)) continue
        const last = feeds.get(v.author)
        if (last === null || last === undefined || v.entry.seq > last.entry.seq) feeds.set(v.author, v)
      }
      await this.heads.advance(t, added)
      return outcomes
    })
  }

  /** Whether `v`'s feed slot lies past the end of its feed as this log knows it in memory (so it is free). */
  private pastKnownEnd (v: Pick<VerifiedEntry, 'entry' | 'author'>): boolean {
    const { team, seq } = v.entry
    const end = this.heads.endOf(team, v.author)
    if (end !== undefined && seq > end) return true
    const feeds = this.lastEntries.get(team)
    if (feeds === undefined || !feeds.has(v.author)) return false
    const last = feeds.get(v.author)
    return last === null || (last !== undefined && seq > last.entry.seq)
  }

  /** Whether fork evidence `v` is to be written (then pushed to `pending`, the batch's evidence so far). */
  private keepEvidence (v: VerifiedEntry, pending: VerifiedEntry[]): 'new' | 'known' | 'dropped' {
    const kept = this.forkBook.at(v.entry.team, v.author, v.entry.seq) ?? pending.find(p => p.entry.team === v.entry.team && p.author === v.author && p.entry.seq === v.entry.seq)
    if (kept?.idHex === v.idHex) return 'known'
    if (kept !== undefined || !this.forkBook.mayKeep(v, pending.filter(p => p.author === v.author).length)) return 'dropped'
    pending.push(v)
    return 'new'
  }

  /**
   * Store `v` as fork evidence only, never in the feed: for an entry a peer served as evidence of a
   * fork, which is kept only if this log holds another entry for its slot. 'absent': the slot is
   * free here (history sync brings what belongs in it), so nothing was stored.
   */
  async appendEvidence (v: VerifiedEntry): Promise<AppendOutcome | { status: 'absent' }> {
    // decided in the write queue, so that the slot cannot be freed (expired) between look and write
    const [outcome] = await this.write([v], { evidenceOnly: true })
    return outcome!
  }

  /** Per fork slot of a team with evidence kept: the entry in the feed, and the other version. */
  async forkPairs (team: string): Promise<Array<[VerifiedEntry, VerifiedEntry]>> {
    const pairs: Array<[VerifiedEntry, VerifiedEntry]> = []
    for (const other of this.forkBook.ofTeam(team)) {
      const id = await this.t.feed.get(feedKey(team, other.author, other.entry.seq))
      const held = id === undefined ? undefined : await this.get(id)
      if (held !== undefined) pairs.push([held, other])
    }
    return pairs
  }

  /**
   * Per author, the highest sequence number up to which this log holds every entry of a team's feed,
   * with that entry's id: what history sync tells peers it has.
   */
  async contiguousHeads (team: string): Promise<Map<string, FeedHead>> {
    if (this.heads.known(team)) return this.heads.of(this.t, team)
    // worked out after the appends under way and before the next: the feed ends found decide which
    // slots appendMany skips reading (see pastKnownEnd), so no append may slip past the read
    return this.serially(async () => this.heads.of(this.t, team))
  }

  /** Per author, the last entry of a team's feed that expired here (or below which a peer had none). */
  async floors (team: string): Promise<Record<string, FeedHead>> {
    return readFloors(this.t, team)
  }

  /**
   * Delete entries that expired under the team's retention, with their index keys, and raise each
   * feed's floor to the last one deleted, so that history sync neither serves nor misses what lies
   * below. `entries` must be the oldest of their feeds here, in sequence order per author.
   */
  async expire (team: string, entries: VerifiedEntry[]): Promise<void> {
    if (entries.length === 0) return
    await this.serially(async () => {
      const t = this.t
      const floors = await this.floors(team)
      const batch = t.db.batch()
      const evidence: VerifiedEntry[] = []
      for (const v of entries) {
        batch.del(v.idHex, { sublevel: t.entries })
        batch.del(orderKey(v), { sublevel: t.order })
        batch.del(feedKey(team, v.author, v.entry.seq), { sublevel: t.feed })
        // the other version of a forked entry is a copy of the message too: it expires with it
        const other = this.forkBook.at(team, v.author, v.entry.seq)
        if (other !== undefined) {
          batch.del(`${feedKey(team, v.author, v.entry.seq)}:${other.idHex}`, { sublevel: t.forks })
          evidence.push(other)
        }
        if (v.entry.seq > (floors[v.author]?.seq ?? 0)) floors[v.author] = { seq: v.entry.seq, idHex: v.idHex }
      }
      batch.put(`floor:${team}`, floors as unknown as string, { sublevel: t.meta })
      await this.guardedWrite(async () => { await batch.write(writeOptions(true)) })
      for (const v of evidence) this.forkBook.remove(v)
      this.heads.forget(team)
      this.lastEntries.delete(team)
    })
  }

  /**
   * Erase the bodies of version 2 entries (a delete, or the last expired entry of a feed): each stays
   * stored as its signed fields and signature, so its id and the feed's chain still verify, and is
   * served so. The other version of a forked entry is erased with it. Version 1 entries, whose
   * signature covers the body, cannot be erased and are left (see `erasedForm`). Returns the entries
   * erased now. Call `compact` afterwards so that no old copy stays in LevelDB's files.
   */
  async erase (vs: VerifiedEntry[]): Promise<VerifiedEntry[]> {
    const erasable = vs.flatMap(v => { const e = erasedForm(v); return e === null || v.erased === true ? [] : [e] })
    if (erasable.length === 0) return []
    return this.serially(async () => {
      const t = this.t
      const batch = t.db.batch()
      const done: VerifiedEntry[] = []
      const evidence: Array<[VerifiedEntry, VerifiedEntry]> = []
      for (const e of erasable) {
        // only if still stored as it is (not expired meanwhile)
        if (await t.entries.get(e.idHex) === undefined) continue
        batch.put(e.idHex, e.bytes, { sublevel: t.entries, valueEncoding: 'view' })
        done.push(e)
        const other = this.forkBook.at(e.entry.team, e.author, e.entry.seq)
        const otherErased = other === undefined ? null : erasedForm(other)
        if (other !== undefined && otherErased !== null && other.erased !== true) {
          batch.put(`${feedKey(e.entry.team, e.author, e.entry.seq)}:${other.idHex}`, otherErased.bytes, { sublevel: t.forks, valueEncoding: 'view' })
          evidence.push([other, otherErased])
        }
      }
      await this.guardedWrite(async () => { await batch.write(writeOptions(true)) })
      for (const [before, after] of evidence) { this.forkBook.remove(before); this.forkBook.add(after) }
      for (const e of done) {
        const last = this.lastEntries.get(e.entry.team)?.get(e.author)
        if (last?.idHex === e.idHex) this.lastEntries.get(e.entry.team)!.set(e.author, e)
      }
      return done
    })
  }

  /**
   * Have LevelDB rewrite the parts of its files that hold `erased` (entries erased or deleted), their
   * fork evidence and their teams' search postings, so that the old values are gone from the disk
   * and not only superseded: LevelDB keeps them in its log and tables until it compacts them, and a
   * compaction first writes out the memory table, which retires the log file that held them. Without
   * `erased`, the whole store.
   */
  async compact (erased?: VerifiedEntry[]): Promise<void> {
    const db = this.t.db as unknown as { compactRange: (a: string, b: string) => Promise<void> }
    const ranges: Array<[string, string]> = []
    if (erased === undefined) {
      ranges.push(['!', '~'])
    } else {
      for (const v of erased) ranges.push([`${this.t.entries.prefix}${v.idHex}`, `${this.t.entries.prefix}${v.idHex}`])
      for (const team of new Set(erased.map(v => v.entry.team))) {
        ranges.push([`${this.t.search.prefix}${team}:`, `${this.t.search.prefix}${team};`])
        ranges.push([`${this.t.forks.prefix}${team}:`, `${this.t.forks.prefix}${team};`])
      }
    }
    await this.serially(async () => {
      await this.guardedWrite(async () => { for (const [from, to] of ranges) await db.compactRange(from, to) })
    })
  }

  /** Record that an author's feed in a team starts above `floor` (a peer's history expired below it). */
  async raiseFloor (team: string, author: string, floor: FeedHead): Promise<void> {
    await this.serially(async () => {
      const floors = await this.floors(team)
      if (floor.seq <= (floors[author]?.seq ?? 0)) return
      floors[author] = floor
      await this.guardedWrite(async () => { await this.t.meta.put(`floor:${team}`, floors, writeOptions(true)) })
      this.heads.forget(team)
    })
  }

  /**
   * Run a write; if it fails (a full disk), the database is reopened before the next write, so a
   * write-ahead log torn by the failed write is recovered rather than appended to.
   */
  private async guardedWrite (write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch (err) {
      this.broken = true
      throw err
    }
  }

  /** Reopen the database after a failed write, before anything else touches it. */
  private async reopenIfBroken (): Promise<void> {
    if (!this.broken) return
    await this.t.db.close()
    const db = new Level<string, string>(this.path)
    this.attach(db)
    await db.open()
    this.lamports.clear()
    this.heads.clear()
    this.lastEntries.clear()
    this.broken = false
  }

  /** Run `fn` after every earlier append has finished (and after recovery from a failed write). */
  async serially<T> (fn: () => Promise<T>): Promise<T> {
    const guarded = async (): Promise<T> => {
      await this.reopenIfBroken()
      return fn()
    }
    const run = this.queue.then(guarded, guarded)
    this.queue = run.catch(() => undefined)
    return run
  }

  /** The ids of stored entries that start with `prefix` (hex), at most `limit`. */
  async idsWithPrefix (prefix: string, limit: number): Promise<string[]> {
    return this.t.entries.keys({ gte: prefix, lt: `${prefix}g`, limit }).all()
  }

  /** One entry by id, or undefined. */
  async get (idHex: string): Promise<VerifiedEntry | undefined> {
    return getEntry(this.t, idHex)
  }

  /**
   * The highest Lamport clock stored for a team at or below `ceiling` (0 if none): read from the store
   * when first asked (never taken from the first entry appended after a start) and kept current by
   * appends. Entries above the ceiling (what the team's age allows, see codec.lamportCeiling: only
   * entries taken in before such were refused at the edge) are left out, so that they neither stop
   * posting nor get this node's posts refused by everyone else.
   */
  async lamport (team: string, ceiling = Number.MAX_SAFE_INTEGER): Promise<number> {
    return this.lamports.of(this.t, team, ceiling)
  }

  /**
   * The last entry of an author's feed in a team, or undefined if the feed is empty here: read from
   * the store once (after the appends under way, so no append can slip between the read and its
   * note), then answered from memory, kept current by appends.
   */
  async feedHead (team: string, author: string): Promise<VerifiedEntry | undefined> {
    const known = this.lastEntries.get(team)?.get(author)
    if (known !== undefined) return known ?? undefined
    return this.serially(async () => {
      const head = await readFeedHead(this.t, team, author)
      let feeds = this.lastEntries.get(team)
      if (feeds === undefined) this.lastEntries.set(team, feeds = new Map<string, VerifiedEntry | null>())
      feeds.set(author, head ?? null)
      return head
    })
  }

  /** Entries of an author's feed with `from <= seq <= to`, in sequence order. */
  async * readFeed (team: string, author: string, from: number, to: number = Number.MAX_SAFE_INTEGER): AsyncGenerator<VerifiedEntry> {
    for await (const chunk of this.readFeedBytes(team, author, from, to)) {
      for (const bytes of chunk) yield decodeStoredEntry(bytes)
    }
  }

  /**
   * The encoded entries of an author's feed with `from <= seq <= to`, in sequence order, a chunk
   * (an array) at a time: history sync reads whole feeds, and a yield per entry costs more than the read.
   */
  async * readFeedBytes (team: string, author: string, from: number, to: number = Number.MAX_SAFE_INTEGER): AsyncGenerator<Array<Uint8Array<ArrayBuffer>>> {
    yield * readFeedBytes(this.t, team, author, from, to)
  }

  /** The entries of a team whose display-order keys lie from `from` to `to` (both included), in that order, a chunk at a time. */
  async * entriesBetween (from: string, to: string): AsyncGenerator<VerifiedEntry[]> {
    yield * entriesBetween(this.t, from, to)
  }

  /**
   * The `limit` entries of a team that come just before the cursor `before` (or the newest ones),
   * returned oldest first. Only one page is held in memory.
   */
  async page (team: string, options: { limit?: number, before?: string } = {}): Promise<HistoryPage> {
    return readPage(this.t, team, options)
  }

  /** Count of entries of a team (walks the index; for status and tests). */
  async count (team: string): Promise<number> {
    return countEntries(this.t, team)
  }

  /** Fork evidence kept for a team: the rejected second entries. */
  async forkEvidence (team: string): Promise<VerifiedEntry[]> {
    return readForkEvidence(this.t, team)
  }

  /** Whether an entry is held: stored, or kept as the other version of a fork. */
  async has (idHex: string): Promise<boolean> {
    return await this.t.entries.get(idHex) !== undefined || this.forkBook.holds(idHex)
  }

  /**
   * Whether an entry is stored, read only when memory cannot tell: an entry past the end of its
   * feed as known here is not (the next entry gossiped, on every receive).
   */
  async holds (v: Pick<VerifiedEntry, 'entry' | 'author' | 'idHex'>): Promise<boolean> {
    return !this.pastKnownEnd(v) && this.has(v.idHex)
  }

  /** Store org records durably (they were verified by the caller); already stored ones are skipped. */
  async putRecords (records: VerifiedRecord[]): Promise<void> {
    await putRecords(this.t, records)
  }

  /** Every stored org record. Org logs are small (one record per admin action). */
  async allRecords (): Promise<VerifiedRecord[]> {
    return allRecords(this.t)
  }

  /** The conversation index's table (see messages/conversations.ts): derived from the log, rebuilt when incomplete. */
  conversationTable (): Sub<unknown> {
    return this.t.conv
  }

  /** The full-text index kept beside the log. */
  searchIndex (): SearchIndex {
    return this.search
  }

  /**
   * Every key and value of the log but the search index (which is rebuilt), from one consistent
   * snapshot: what a backup holds.
   */
  async * dump (): AsyncGenerator<[string, Uint8Array]> {
    for await (const [key, value] of this.t.db.iterator<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' })) {
      if (isRebuiltKey(key)) continue
      yield [key, value]
    }
  }

  /** Write what `dump` produced into this (new, empty) log, in large batches. */
  async load (rows: AsyncIterable<[string, Uint8Array]>): Promise<number> {
    let batch = this.t.db.batch()
    let n = 0
    for await (const [key, value] of rows) {
      batch.put(key, value as unknown as string, { keyEncoding: 'utf8', valueEncoding: 'view' })
      if (++n % 5_000 === 0) {
        await batch.write(writeOptions(true))
        batch = this.t.db.batch()
      }
    }
    await batch.write(writeOptions(true))
    this.lamports.clear()
    this.heads.clear()
    this.lastEntries.clear()
    await this.forkBook.load(this.t)
    return n
  }

  /** The metadata value `name` (see MetaSchema for every name and its type); writes are durable and queued with the log's. */
  meta<K extends MetaName> (name: K): MetaValue<MetaSchema[K]> {
    return metaValue({
      sublevel: () => this.t.meta,
      write: async (fn) => { await this.serially(async () => { await this.guardedWrite(fn) }) }
    }, name)
  }

  /** Close the log; safe to call twice. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.queue
    await this.t.db.close()
  }
}
