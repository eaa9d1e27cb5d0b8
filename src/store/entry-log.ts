/**
 * The local log: every entry this node wrote or accepted, in LevelDB.
 *
 * Sublevels and their keys (team names and peer ids never contain ':'):
 *   e  idHex                              -> signed entry bytes
 *   o  team:lamport:author:seq            -> idHex   display order, the same on every node
 *   f  team:author:seq                    -> idHex   one author's feed, in sequence order
 *   x  team:author:seq:idHex              -> bytes   fork evidence: a second entry for a taken feed slot
 *   r  idHex                              -> signed org record bytes (directory, rosters, invites)
 *   m  name                               -> JSON    metadata (format version, org id)
 *   s  team:term:lamport:author:seq       -> idHex   the local full-text index (see search-index.ts)
 * Numbers are zero-padded hex so that byte order is numeric order.
 */
import { Level } from 'level'
import type { AbstractSublevel, AbstractValueIterator } from 'abstract-level'
import { DataDirLockedError } from '../errors.js'
import { decodeStoredEntry, decodeStoredRecord } from '../model/index.js'
import { SearchIndex } from './search-index.js'
import type { VerifiedEntry, VerifiedRecord } from '../model/index.js'

/** The store layout this build writes; an older one is migrated on open, a newer one refused. */
export const STORE_FORMAT = 1

/** Migrations by the format they start from (none yet: format 1 is the first). */
const MIGRATIONS: Record<number, (log: EntryLog) => Promise<void>> = {}

type Db = Level<string, string>
type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>
/** A value of bytes in a batch of the (UTF-8) root database. */
const BYTES = { valueEncoding: 'view' } as const
/** classic-level's fsync flag; the `level` typings leave it out */
const writeOptions = (durable: boolean | undefined): object => ({ sync: durable === true })

/** What `append` did with an entry. */
export type AppendOutcome =
  | { status: 'added' }
  | { status: 'duplicate' }
  /** the feed slot holds another entry: the new one is kept as evidence only */
  | { status: 'fork', existingId: string }

/** The last entry of an unbroken run of an author's feed. */
export interface FeedHead {
  seq: number
  idHex: string
}

/** A page of a team's history in display order, and the cursor for the page before it. */
export interface HistoryPage {
  entries: VerifiedEntry[]
  /** pass as `before` to read the previous page; undefined when this page reaches the start */
  before?: string
}

const pad = (n: number): string => n.toString(16).padStart(14, '0')
/** Entries read from LevelDB at a time when whole feeds or spans are read. */
const READ_CHUNK = 2_000
/** Ids per parallel lookup when reading a feed: READ_CHUNK in four parts, one per libuv thread. */
const LOOKUP_PART = 500
/** What an iterator of ids may read ahead: a whole READ_CHUNK of them (classic-level stops at 16 KiB, ~250 ids). */
const ID_CHUNK_BYTES = READ_CHUNK * 80
/** Feed keys read at a time when a team's heads are first worked out. */
const KEY_CHUNK = 10_000

/** The display-order key of an entry: Lamport clock, then author, then sequence. */
export function orderKey (v: VerifiedEntry): string {
  return `${v.entry.team}:${pad(v.entry.lamport)}:${v.author}:${pad(v.entry.seq)}`
}

function feedKey (team: string, author: string, seq: number): string {
  return `${team}:${author}:${pad(seq)}`
}

/** The durable entry log of one node. */
export class EntryLog {
  private db!: Level<string, string>
  private entries!: Sub<Uint8Array>
  private order!: Sub<string>
  private feed!: Sub<string>
  private forks!: Sub<Uint8Array>
  private meta!: Sub<unknown>
  private records!: Sub<Uint8Array>
  /** per team, the highest Lamport clock stored, once read from the store, kept current by appends */
  private readonly lamports = new Map<string, number>()
  /** per team, how many entries were stored since the log was opened: a read of the highest clock that raced one is redone */
  private readonly lamportWrites = new Map<string, number>()
  private search!: SearchIndex
  /** team -> author -> contiguous feed head; filled on first use, then kept current by appends */
  private readonly heads = new Map<string, Map<string, FeedHead>>()
  /** team -> author -> highest sequence number stored, kept beside `heads`: past the head only if a gap */
  private readonly feedEnds = new Map<string, Map<string, number>>()
  /** set when a write failed (disk full): LevelDB's write-ahead log may then be torn, so reopen first */
  private broken = false
  /** appends run one at a time so that fork detection cannot race */
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  private readonly path: string

  private constructor (db: Level<string, string>, path: string) {
    this.path = path
    this.attach(db)
  }

  /** Bind the sublevels to an opened-or-opening database. */
  private attach (db: Level<string, string>): void {
    this.db = db
    this.entries = db.sublevel<string, Uint8Array>('e', { valueEncoding: 'view' })
    this.order = db.sublevel<string, string>('o', { valueEncoding: 'utf8' })
    this.feed = db.sublevel<string, string>('f', { valueEncoding: 'utf8' })
    this.forks = db.sublevel<string, Uint8Array>('x', { valueEncoding: 'view' })
    this.meta = db.sublevel<string, unknown>('m', { valueEncoding: 'json' })
    this.records = db.sublevel<string, Uint8Array>('r', { valueEncoding: 'view' })
    // made with the others, before the database opens, so it opens with it
    this.search = new SearchIndex(db.sublevel<string, string>('s', { valueEncoding: 'utf8' }))
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
    const format = await log.meta.get('format') as number | undefined
    if (format === undefined) {
      await log.meta.put('format', STORE_FORMAT)
    } else if (format < STORE_FORMAT) {
      // each step rewrites the store from one format to the next; fixtures of old formats test them
      for (let from = format; from < STORE_FORMAT; from++) {
        const step = MIGRATIONS[from]
        if (step === undefined) throw new Error(`no migration from store format ${from}`)
        await step(log)
        await log.meta.put('format', from + 1)
      }
    } else if (format > STORE_FORMAT) {
      await db.close()
      throw new Error(`the log at ${path} has format ${format}, newer than this parley (${STORE_FORMAT}); upgrade parley`)
    }
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
    if (vs.length === 0) return []
    return this.serially(async () => {
      const slots = vs.map(v => feedKey(v.entry.team, v.author, v.entry.seq))
      // an entry is stored together with its feed slot, so a slot holding its id means it is here
      const taken = await this.slotHolders(vs, slots)
      const inBatch = new Map<string, string>()
      // keys are prefixed here and put to the root batch: naming the sublevel in each put costs about
      // eight times as much per put (measured), which is most of a large batch's time
      const batch = this.db.batch()
      const [e, o, f, x] = [this.entries.prefix, this.order.prefix, this.feed.prefix, this.forks.prefix]
      const outcomes: AppendOutcome[] = []
      const added: VerifiedEntry[] = []
      for (const [i, v] of vs.entries()) {
        const slot = slots[i]!
        const holder = taken[i] ?? inBatch.get(slot)
        if (holder === v.idHex) {
          outcomes.push({ status: 'duplicate' })
        } else if (holder !== undefined) {
          batch.put(`${x}${slot}:${v.idHex}`, v.bytes as unknown as string, BYTES)
          outcomes.push({ status: 'fork', existingId: holder })
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
      for (const v of added) {
        const team = v.entry.team
        this.lamportWrites.set(team, (this.lamportWrites.get(team) ?? 0) + 1)
        // a team whose highest clock was not read from the store yet is read when first asked
        const highest = this.lamports.get(team)
        if (highest !== undefined && v.entry.lamport > highest) this.lamports.set(team, v.entry.lamport)
      }
      await this.advanceHeads(added)
      return outcomes
    })
  }

  /**
   * Who holds the feed slots of `vs` (undefined where free). An author's entries in one call are
   * usually a run of consecutive sequence numbers that nobody holds yet (a history sync batch), so
   * each author's span is read as one range, a single seek, rather than key by key.
   */
  private async slotHolders (vs: VerifiedEntry[], slots: string[]): Promise<Array<string | undefined>> {
    interface Span { team: string, author: string, min: number, max: number, count: number }
    const spans = new Map<string, Map<string, Span>>()
    const spanOf = vs.map(({ entry: { team, seq }, author }) => {
      let byAuthor = spans.get(team)
      if (byAuthor === undefined) spans.set(team, byAuthor = new Map<string, Span>())
      let span = byAuthor.get(author)
      if (span === undefined) byAuthor.set(author, span = { team, author, min: seq, max: seq, count: 0 })
      span.min = Math.min(span.min, seq)
      span.max = Math.max(span.max, seq)
      span.count++
      return span
    })
    const dense = (span: Span): boolean => span.max - span.min + 1 <= 2 * span.count
    const holders = new Map<string, string>()
    for (const byAuthor of spans.values()) {
      for (const span of byAuthor.values()) {
        if (!dense(span)) continue
        for await (const [slot, id] of this.feed.iterator({ gte: feedKey(span.team, span.author, span.min), lte: feedKey(span.team, span.author, span.max) })) holders.set(slot, id)
      }
    }
    // authors whose entries here are scattered over a wide span: by key
    const scattered = slots.filter((_, i) => !dense(spanOf[i]!))
    if (scattered.length > 0) {
      const ids = await this.feed.getMany(scattered)
      for (const [i, slot] of scattered.entries()) if (ids[i] !== undefined) holders.set(slot, ids[i])
    }
    return slots.map(slot => holders.get(slot))
  }

  /**
   * Per author, the highest sequence number up to which this log holds every entry of a team's feed,
   * with that entry's id: what history sync tells peers it has.
   */
  async contiguousHeads (team: string): Promise<Map<string, FeedHead>> {
    let heads = this.heads.get(team)
    if (heads === undefined) {
      // a feed whose oldest entries expired (retention) starts above its floor
      heads = new Map(Object.entries(await this.floors(team)))
      const ends = new Map<string, number>()
      // the team's feed keys only, many at a time (a node that serves history after a restart reads
      // them all once, perhaps millions): per author the sequence up to which nothing is missing
      const f = this.feed.prefix
      const start = `${f}${team}:`
      const contiguous = new Map<string, number>()
      for (const [author, floor] of heads) contiguous.set(author, floor.seq)
      const keys = this.db.keys({ gt: start, lt: `${f}${team};`, highWaterMarkBytes: KEY_CHUNK * 128 })
      try {
        for (let chunk = await keys.nextv(KEY_CHUNK); chunk.length > 0; chunk = await keys.nextv(KEY_CHUNK)) {
          for (const key of chunk) {
            const colon = key.indexOf(':', start.length)
            const author = key.slice(start.length, colon)
            const seq = parseInt(key.slice(colon + 1), 16)
            if ((contiguous.get(author) ?? 0) + 1 === seq) contiguous.set(author, seq)
            ends.set(author, seq)
          }
        }
      } finally {
        await keys.close()
      }
      // then the ids of the heads that moved above their floors
      const moved = [...contiguous].filter(([author, seq]) => seq > (heads!.get(author)?.seq ?? 0))
      const ids = await this.db.getMany(moved.map(([author, seq]) => `${f}${feedKey(team, author, seq)}`))
      for (const [i, [author, seq]] of moved.entries()) {
        const id = ids[i]
        if (id !== undefined) heads.set(author, { seq, idHex: id })
      }
      this.heads.set(team, heads)
      this.feedEnds.set(team, ends)
    }
    return heads
  }

  /** Per author, the last entry of a team's feed that expired here (or below which a peer had none). */
  async floors (team: string): Promise<Record<string, FeedHead>> {
    return (await this.meta.get(`floor:${team}`) as Record<string, FeedHead> | undefined) ?? {}
  }

  /**
   * Delete entries that expired under the team's retention, with their index keys, and raise each
   * feed's floor to the last one deleted, so that history sync neither serves nor misses what lies
   * below. `entries` must be the oldest of their feeds here, in sequence order per author.
   */
  async expire (team: string, entries: VerifiedEntry[]): Promise<void> {
    if (entries.length === 0) return
    await this.serially(async () => {
      const floors = await this.floors(team)
      const batch = this.db.batch()
      for (const v of entries) {
        batch.del(v.idHex, { sublevel: this.entries })
        batch.del(orderKey(v), { sublevel: this.order })
        batch.del(feedKey(team, v.author, v.entry.seq), { sublevel: this.feed })
        if (v.entry.seq > (floors[v.author]?.seq ?? 0)) floors[v.author] = { seq: v.entry.seq, idHex: v.idHex }
      }
      batch.put(`floor:${team}`, floors as unknown as string, { sublevel: this.meta })
      await this.guardedWrite(async () => { await batch.write(writeOptions(true)) })
      this.heads.delete(team)
      this.feedEnds.delete(team)
    })
  }

  /** Record that an author's feed in a team starts above `floor` (a peer's history expired below it). */
  async raiseFloor (team: string, author: string, floor: FeedHead): Promise<void> {
    await this.serially(async () => {
      const floors = await this.floors(team)
      if (floor.seq <= (floors[author]?.seq ?? 0)) return
      floors[author] = floor
      await this.guardedWrite(async () => { await this.meta.put(`floor:${team}`, floors, writeOptions(true)) })
      this.heads.delete(team)
      this.feedEnds.delete(team)
    })
  }

  private async advanceHeads (added: VerifiedEntry[]): Promise<void> {
    const bySlot = new Map<string, Map<number, string>>()
    for (const v of added) {
      if (!this.heads.has(v.entry.team)) continue
      const k = `${v.entry.team}:${v.author}`
      const seqs = bySlot.get(k) ?? new Map<number, string>()
      seqs.set(v.entry.seq, v.idHex)
      bySlot.set(k, seqs)
    }
    for (const [k, seqs] of bySlot) {
      const [team, author] = k.split(':') as [string, string]
      const heads = this.heads.get(team)!
      const ends = this.feedEnds.get(team)!
      let end = ends.get(author) ?? 0
      for (const seq of seqs.keys()) end = Math.max(end, seq)
      ends.set(author, end)
      let head = heads.get(author) ?? { seq: 0, idHex: '' }
      for (let next = seqs.get(head.seq + 1); next !== undefined; next = seqs.get(head.seq + 1)) {
        head = { seq: head.seq + 1, idHex: next }
      }
      // entries that arrived earlier out of order may now join the run (none past the end)
      while (head.seq < end) {
        const next: string | undefined = await this.feed.get(feedKey(team, author, head.seq + 1))
        if (next === undefined) break
        head = { seq: head.seq + 1, idHex: next }
      }
      if (head.seq > 0) heads.set(author, head)
    }
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
    await this.db.close()
    const db = new Level<string, string>(this.path)
    this.attach(db)
    await db.open()
    this.lamports.clear()
    this.heads.clear()
    this.feedEnds.clear()
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

  /** One entry by id, or undefined. */
  async get (idHex: string): Promise<VerifiedEntry | undefined> {
    const bytes: Uint8Array | undefined = await this.entries.get(idHex)
    return bytes === undefined ? undefined : decodeStoredEntry(bytes)
  }

  /**
   * The highest Lamport clock stored for a team at or below `ceiling` (0 if none): read from the store
   * when first asked (never taken from the first entry appended after a start) and kept current by
   * appends. Entries above the ceiling (what the team's age allows, see codec.lamportCeiling: only
   * entries taken in before such were refused at the edge) are left out, so that they neither stop
   * posting nor get this node's posts refused by everyone else.
   */
  async lamport (team: string, ceiling = Number.MAX_SAFE_INTEGER): Promise<number> {
    for (;;) {
      const known = this.lamports.get(team)
      if (known !== undefined && known <= ceiling) return known
      // read again if an entry of the team was stored while this read
      const writes = this.lamportWrites.get(team) ?? 0
      let highest = 0
      const below = ceiling >= Number.MAX_SAFE_INTEGER ? `${team};` : `${team}:${pad(ceiling + 1)}`
      for await (const key of this.order.keys({ gt: `${team}:`, lt: below, reverse: true, limit: 1 })) {
        highest = parseInt(key.split(':')[1] ?? '0', 16)
      }
      if ((this.lamportWrites.get(team) ?? 0) !== writes) continue
      // the highest of all is kept; one under a lower ceiling is worked out when asked
      if (ceiling >= Number.MAX_SAFE_INTEGER) this.lamports.set(team, highest)
      return highest
    }
  }

  /** The last entry of an author's feed in a team, or undefined if the feed is empty here. */
  async feedHead (team: string, author: string): Promise<VerifiedEntry | undefined> {
    for await (const id of this.feed.values({ gt: `${team}:${author}:`, lt: `${team}:${author};`, reverse: true, limit: 1 })) {
      return this.get(id)
    }
    return undefined
  }

  /** Entries of an author's feed with `from <= seq <= to`, in sequence order. */
  async * readFeed (team: string, author: string, from: number, to: number = Number.MAX_SAFE_INTEGER): AsyncGenerator<VerifiedEntry> {
    for await (const chunk of this.readFeedBytes(team, author, from, to)) {
      for (const bytes of chunk) yield decodeStoredEntry(bytes)
    }
  }

  /**
   * The encoded entries of an author's feed with `from <= seq <= to`, in sequence order, a chunk
   * (an array) at a time: history sync reads whole feeds, and a yield per entry costs more than the
   * read. Read through the root with prefixed keys, as appendMany writes (a sublevel adds its prefix
   * key by key).
   */
  async * readFeedBytes (team: string, author: string, from: number, to: number = Number.MAX_SAFE_INTEGER): AsyncGenerator<Array<Uint8Array<ArrayBuffer>>> {
    const f = this.feed.prefix
    yield * this.lookUp(this.db.values({ gte: `${f}${feedKey(team, author, from)}`, lte: `${f}${feedKey(team, author, to)}`, highWaterMarkBytes: ID_CHUNK_BYTES }))
  }

  /**
   * The entries of a team whose display-order keys lie from `from` to `to` (both included), in that
   * order, a chunk at a time.
   */
  async * entriesBetween (from: string, to: string): AsyncGenerator<VerifiedEntry[]> {
    const o = this.order.prefix
    for await (const chunk of this.lookUp(this.db.values({ gte: `${o}${from}`, lte: `${o}${to}`, highWaterMarkBytes: ID_CHUNK_BYTES }))) {
      yield chunk.map(decodeStoredEntry)
    }
  }

  /**
   * The encoded entries named by the ids an iterator gives, a chunk at a time. Entries are keyed by
   * hash, so consecutive ones are scattered over the store: each chunk is looked up in parallel
   * parts, which LevelDB serves from several threads at once.
   */
  private async * lookUp (ids: AbstractValueIterator<Level<string, string>, string, string>): AsyncGenerator<Array<Uint8Array<ArrayBuffer>>> {
    const e = this.entries.prefix
    /** the next ids, read while the entries of the ones before are looked up */
    let more: Promise<string[]> | undefined
    try {
      for (let chunk = await ids.nextv(READ_CHUNK); chunk.length > 0;) {
        const parts: Array<Promise<Array<Uint8Array<ArrayBuffer> | undefined>>> = []
        for (let i = 0; i < chunk.length; i += LOOKUP_PART) {
          parts.push(this.db.getMany(chunk.slice(i, i + LOOKUP_PART).map(id => `${e}${id}`), BYTES) as unknown as Promise<Array<Uint8Array<ArrayBuffer> | undefined>>)
        }
        // a read may stop short of READ_CHUNK (its byte limit): only an empty one means the end
        more = ids.nextv(READ_CHUNK)
        more.catch(() => {})
        const found = await Promise.all(parts)
        yield found.flat().filter((v): v is Uint8Array<ArrayBuffer> => v !== undefined)
        chunk = await more
        more = undefined
      }
    } finally {
      // a read still under way (the reader stopped early, or a lookup failed) ends before the close
      await more?.catch(() => {})
      await ids.close()
    }
  }

  /**
   * The `limit` entries of a team that come just before the cursor `before` (or the newest ones),
   * returned oldest first. Only one page is held in memory.
   */
  async page (team: string, options: { limit?: number, before?: string } = {}): Promise<HistoryPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 10_000))
    const lt = options.before !== undefined && options.before.startsWith(`${team}:`) ? options.before : `${team};`
    const keys: string[] = []
    const ids: string[] = []
    for await (const [key, id] of this.order.iterator({ gt: `${team}:`, lt, reverse: true, limit: limit + 1 })) {
      keys.push(key)
      ids.push(id)
    }
    const more = ids.length > limit
    const pageIds = ids.slice(0, limit).reverse()
    const entries: VerifiedEntry[] = []
    for (const id of pageIds) {
      const v = await this.get(id)
      if (v !== undefined) entries.push(v)
    }
    return more ? { entries, before: keys[limit - 1] } : { entries }
  }

  /** Count of entries of a team (walks the index; for status and tests). */
  async count (team: string): Promise<number> {
    let n = 0
    for await (const _ of this.order.keys({ gt: `${team}:`, lt: `${team};` })) n++
    return n
  }

  /** Fork evidence kept for a team: the rejected second entries. */
  async forkEvidence (team: string): Promise<VerifiedEntry[]> {
    const out: VerifiedEntry[] = []
    for await (const bytes of this.forks.values({ gt: `${team}:`, lt: `${team};` })) {
      out.push(decodeStoredEntry(bytes))
    }
    return out
  }

  /** Whether an entry is stored. */
  async has (idHex: string): Promise<boolean> {
    return await this.entries.get(idHex) !== undefined
  }

  /** Store org records durably (they were verified by the caller); already stored ones are skipped. */
  async putRecords (records: VerifiedRecord[]): Promise<void> {
    if (records.length === 0) return
    const batch = this.db.batch()
    for (const r of records) batch.put(r.idHex, r.bytes as unknown as string, { sublevel: this.records })
    await batch.write(writeOptions(true))
  }

  /** Every stored org record. Org logs are small (one record per admin action). */
  async allRecords (): Promise<VerifiedRecord[]> {
    const out: VerifiedRecord[] = []
    for await (const bytes of this.records.values()) out.push(decodeStoredRecord(bytes))
    return out
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
    for await (const [key, value] of this.db.iterator<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' })) {
      if (key.startsWith('!s!') || key === '!m!searchIndex') continue
      yield [key, value]
    }
  }

  /** Write what `dump` produced into this (new, empty) log, in large batches. */
  async load (rows: AsyncIterable<[string, Uint8Array]>): Promise<number> {
    let batch = this.db.batch()
    let n = 0
    for await (const [key, value] of rows) {
      batch.put(key, value as unknown as string, { keyEncoding: 'utf8', valueEncoding: 'view' })
      if (++n % 5_000 === 0) {
        await batch.write(writeOptions(true))
        batch = this.db.batch()
      }
    }
    await batch.write(writeOptions(true))
    this.lamports.clear()
    this.heads.clear()
    this.feedEnds.clear()
    return n
  }

  /** Read a metadata value. */
  async getMeta<T> (name: string): Promise<T | undefined> {
    return await this.meta.get(name) as T | undefined
  }

  /** Write a metadata value durably. */
  async putMeta (name: string, value: unknown): Promise<void> {
    await this.serially(async () => {
      await this.guardedWrite(async () => { await this.meta.put(name, value, writeOptions(true)) })
    })
  }

  async deleteMeta (name: string): Promise<void> {
    await this.serially(async () => {
      await this.guardedWrite(async () => { await this.meta.del(name, writeOptions(true)) })
    })
  }

  /** Close the log; safe to call twice. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.queue
    await this.db.close()
  }
}
