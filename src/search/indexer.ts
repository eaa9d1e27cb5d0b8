/**
 * The search indexer of one node: keeps the log's full-text index (`EntryLog.searchIndex()`) up to
 * date with the entries it stores, in the background and in order.
 *
 * - An entry this node posts or receives by gossip is indexed right after it is stored.
 * - What a history sync stores is indexed once no sync runs (decrypting, tokenising and writing
 *   postings on the sync's thread would slow a catch-up several times over). Only the span of
 *   display-order keys per team is remembered and read back from the log then, so a catch-up holds
 *   none of it in memory. A search, or stop, has the queue indexed at once.
 * - The log's meta 'searchIndex' holds the index's layout version once the index is complete, and 0
 *   while it is not: a start that finds anything else rebuilds the index from the log. A stop saves
 *   the spans left (meta 'unindexed'), and the next start indexes them instead of rebuilding.
 */
import { orderKey } from '../store/entry-log.js'
import { sanitizeFileName } from '../files/names.js'
import type { Body, VerifiedEntry } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'

/** The layout of the search index; a different one found on start is rebuilt. */
export const SEARCH_INDEX_VERSION = 2

/**
 * What add() is given is written this long after, in one batch with whatever else came meanwhile:
 * entries arriving one by one (a chat's pace) cost one index write per moment, not one each. A
 * search, stop() or a rebuild writes it at once.
 */
export const ADD_DELAY_MS = 50

/** The most entries of add() indexed in one batch. */
const ADD_GROUP = 1_000

/** Entries read from the log per page when the index is rebuilt. */
const REBUILD_PAGE = 2_000

interface Span {
  team: string
  span: { from: string, to: string }
}

/** What the index holds of a readable entry: its text, and the name of the file it shares, if any. */
export function searchItem (v: VerifiedEntry, body: Body): { team: string, orderKey: string, id: string, text: string, time: number } {
  const text = body.file === undefined ? body.text : `${body.text} ${sanitizeFileName(body.file.name)}`
  return { team: v.entry.team, orderKey: orderKey(v), id: v.idHex, text, time: v.entry.wallTime }
}

export interface SearchIndexerComponents {
  log: EntryLog
  /** an entry's decrypted body, or undefined if this node cannot read it */
  bodyOf: (v: VerifiedEntry) => Body | undefined
  /** the text an entry is found by: its latest edit's, or null for an act or a deleted message (not indexed) */
  textOf?: (v: VerifiedEntry, body: Body) => Promise<string | null>
  /** called for each readable entry that shares a file (`body.file` is set), as it is indexed */
  noticeFile: (v: VerifiedEntry, body: Body) => Promise<void>
  /** the teams and direct conversations whose entries this node reads, or undefined outside an org */
  teams: () => Promise<string[] | undefined>
  /** resolves once no history sync is fetching */
  whenSyncIdle: () => Promise<void>
  warn: (message: string) => void
  /** aborted when the node starts to stop: the indexer stops at its next page, leaving the rest */
  stopping: AbortSignal
}

export class SearchIndexer {
  private readonly c: SearchIndexerComponents
  /** index updates run one after another, after the entries are stored */
  private indexing: Promise<unknown> = Promise.resolve()
  /** entries given to add() that the write scheduled for them has not taken yet */
  private pending: VerifiedEntry[] = []
  /** a write of `pending` is chained in `indexing` and has not finished */
  private writingPending = false
  /** the write of `pending` waits for this (see ADD_DELAY_MS) */
  private addTimer?: NodeJS.Timeout
  /** per team, the span of display-order keys history sync stored and the index has yet to take in */
  private readonly unindexed = new Map<string, { from: string, to: string }>()
  /** the span being worked through; what is left of it starts at `from` */
  private indexingSpan?: Span
  private draining = false
  /** searches waiting for the index, and stop(): while any, the queue is indexed without waiting for syncs */
  private urgent = 0
  private wake?: () => void
  /** a full rebuild is under way: it marks the index complete itself when done */
  private rebuilding = false
  private rebuild: Promise<unknown> = Promise.resolve()

  constructor (components: SearchIndexerComponents) {
    this.c = components
  }

  /** Resume what the last stop left, or rebuild the index if it is incomplete or of another layout. */
  async start (): Promise<void> {
    const log = this.c.log
    const marker = await log.meta('searchIndex').get()
    const left = await log.meta('unindexed').get()
    if (left !== undefined) await log.meta('unindexed').delete()
    if (marker === 0 && left?.version === SEARCH_INDEX_VERSION) {
      // the last stop left part of a sync unindexed: index that part, no rebuild (the marker stays at
      // 0 until it is done, and without the spans saved a crash meanwhile rebuilds)
      for (const [team, span] of Object.entries(left.spans)) this.unindexed.set(team, span)
      this.drain()
    } else if (marker !== SEARCH_INDEX_VERSION) {
      this.rebuilding = true
      this.rebuild = this.reindex()
        .catch((err: Error) => { this.c.warn(`search index not rebuilt: ${err.message}`) })
        .finally(() => { this.rebuilding = false })
    }
  }

  /**
   * Once `stopping` is aborted, what is left to index is not indexed now (a catch-up of 100k messages
   * would hold a stop for seconds): the indexer stops at its next page, and this saves the spans left
   * for the next start.
   */
  async stop (): Promise<void> {
    this.urgent++
    this.wake?.()
    this.drainPending()
    await this.rebuild
    await this.indexing.catch(() => {})
    await this.saveUnindexed().catch((err: Error) => { this.c.warn(`search index: what was left to index is not saved (the next start rebuilds it): ${err.message}`) })
  }

  /**
   * Index entries just stored (posted, or received by gossip); the log is durable, the index can lag.
   * Entries added while an index write is under way are written together after it, in one batch
   * (a burst costs a batch per write, not per message), at most ADD_GROUP at a time.
   */
  add (entries: VerifiedEntry[], now = false): void {
    if (entries.length === 0) return
    for (const v of entries) this.pending.push(v)
    // a write chained already takes these: its loop reads `pending` until it is empty
    if (this.writingPending) return
    if (now || this.urgent > 0) this.drainPending()
    else this.addTimer ??= setTimeout(() => { this.drainPending() }, ADD_DELAY_MS).unref()
  }

  /** Chain the write of what add() was given, now (a write already chained takes it). */
  private drainPending (): void {
    clearTimeout(this.addTimer)
    this.addTimer = undefined
    if (this.writingPending || this.pending.length === 0) return
    this.writingPending = true
    this.indexing = this.indexing.then(async () => {
      try {
        while (this.pending.length > 0) {
          try {
            await this.index(this.pending.splice(0, ADD_GROUP))
          } catch (err) {
            this.c.warn(`search index not updated: ${(err as Error).message}`)
          }
        }
      } finally {
        // at once after the loop's last look, with no await between: add() chains anew from here
        this.writingPending = false
      }
    })
  }

  /** Index what a history sync stored, once no sync runs (see the top of this file). */
  addAfterSync (entries: VerifiedEntry[]): void {
    for (const v of entries) {
      const key = orderKey(v)
      const span = this.unindexed.get(v.entry.team)
      if (span === undefined) this.unindexed.set(v.entry.team, { from: key, to: key })
      else if (key < span.from) span.from = key
      else if (key > span.to) span.to = key
    }
    this.drain()
  }

  /** A team this node left: no longer searchable here. */
  dropTeam (team: string): void {
    this.unindexed.delete(team)
    this.indexing = this.indexing.then(async () => this.c.log.searchIndex().dropTeam(team)).catch(() => {})
  }

  /** Resolves once everything stored so far is indexed, syncs running or not (a search waits for this). */
  async current (): Promise<void> {
    // after an upgrade the index is rebuilt from the log on start: until then it would miss messages
    await this.rebuild
    this.urgent++
    this.wake?.()
    this.drainPending()
    try {
      await this.indexing
    } finally {
      this.urgent--
    }
  }

  private async index (entries: VerifiedEntry[]): Promise<void> {
    const items = []
    for (const v of entries) {
      const body = this.c.bodyOf(v)
      if (body === undefined) continue
      const text = this.c.textOf === undefined ? body.text : await this.c.textOf(v, body)
      if (text === null) continue
      if (body.file !== undefined) await this.c.noticeFile(v, body)
      items.push(searchItem(v, text === body.text ? body : { ...body, text }))
    }
    await this.c.log.searchIndex().add(items)
  }

  /** Index the spans in `unindexed`, one after another, unless that is under way. */
  private drain (): void {
    if (this.draining) return
    this.draining = true
    const log = this.c.log
    this.indexing = this.indexing.then(async () => {
      let failed = false
      let stopped = false
      try {
        if (!this.rebuilding) await log.meta('searchIndex').put(0)
        for (let next = this.nextUnindexed(); next !== undefined; next = this.nextUnindexed()) {
          this.indexingSpan = next
          try {
            await this.untilMayRun()
            for await (const page of log.entriesBetween(next.span.from, next.span.to)) {
              if (this.c.stopping.aborted) break
              await this.untilMayRun()
              await this.index(page)
              // what is left of the span starts after this page (the log reads it in display order)
              const last = page.at(-1)
              if (last !== undefined) next.span.from = `${orderKey(last)}\u0000`
            }
            if (this.c.stopping.aborted) {
              // stop() saves what is left, with the rest of `unindexed`
              stopped = true
              break
            }
            this.indexingSpan = undefined
          } catch (err) {
            // the rest is still worth indexing; the marker stays, so the next start rebuilds
            this.c.warn(`search index not updated: ${(err as Error).message}`)
            failed = true
          }
        }
        if (!this.rebuilding && !failed && !stopped) await log.meta('searchIndex').put(SEARCH_INDEX_VERSION)
      } finally {
        this.draining = false
      }
    }).catch((err: Error) => { this.c.warn(`search index not updated: ${err.message}`) })
  }

  private nextUnindexed (): Span | undefined {
    const [team, span] = this.unindexed.entries().next().value ?? []
    if (team === undefined || span === undefined) return undefined
    this.unindexed.delete(team)
    return { team, span }
  }

  /** At stop: the spans left, saved for the next start (the marker stays at 0 meanwhile). */
  private async saveUnindexed (): Promise<void> {
    const spans: Record<string, { from: string, to: string }> = {}
    if (this.indexingSpan !== undefined && this.indexingSpan.span.from <= this.indexingSpan.span.to) spans[this.indexingSpan.team] = this.indexingSpan.span
    for (const [team, span] of this.unindexed) {
      const other = spans[team]
      spans[team] = other === undefined ? span : { from: other.from < span.from ? other.from : span.from, to: other.to > span.to ? other.to : span.to }
    }
    if (Object.keys(spans).length === 0 || this.rebuilding) return
    await this.c.log.meta('unindexed').put({ version: SEARCH_INDEX_VERSION, spans })
  }

  /** Resolves when no history sync runs, or at once while a search or stop() waits for the index. */
  private async untilMayRun (): Promise<void> {
    if (this.urgent > 0) return
    await Promise.race([this.c.whenSyncIdle(), new Promise<void>(resolve => { this.wake = resolve })])
    this.wake = undefined
  }

  /** Build the index from the whole log (first start of this version, or after a crash). */
  private async reindex (): Promise<void> {
    const log = this.c.log
    const teams = await this.c.teams()
    if (teams === undefined) {
      await log.meta('searchIndex').put(SEARCH_INDEX_VERSION)
      return
    }
    // an index of an older layout would answer wrongly: start from nothing, after any indexing under way
    const cleared = this.indexing.then(async () => log.searchIndex().clear())
    this.indexing = cleared.catch(() => {}) // the caller reports the failure
    await cleared
    for (const team of teams) {
      let before: string | undefined
      do {
        if (this.c.stopping.aborted) return
        const page = await log.page(team, { limit: REBUILD_PAGE, ...(before !== undefined ? { before } : {}) })
        this.add(page.entries, true)
        before = page.before
      } while (before !== undefined)
    }
    await this.indexing
    await log.meta('searchIndex').put(SEARCH_INDEX_VERSION)
  }
}
