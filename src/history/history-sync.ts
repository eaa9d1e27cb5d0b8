/**
 * History sync: the service that fetches, from peers in a team, the entries of it this node lacks
 * (over the history protocol, see protocol.ts), checks them (check-batch.ts) and stores them; and
 * serves the history protocol to members. It schedules one exchange per (peer, team) at a time and
 * keeps what is being fetched, for the node's sync status.
 *
 * Any member can serve any entry, since entries carry their author's signature; only members of a
 * team are served it. A requester outside the directory is refused at once, and this node learns of
 * it (an org catch-up) in the background; a requester refused that way asks again a little later.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { TypedEventEmitter } from 'main-event'
import { BadSignatureError, GappedRangeError, InvalidEntryError, MessageTooLargeError, NotMemberError, OutOfTeamError, UnknownEpochError } from '../errors.js'
import { HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1 } from '../net/topics.js'
import { checkBatch } from './check-batch.js'
import { MAX_FORKS_SERVED, REQUEST_TIMEOUT_MS, requestHistory, serveHistory } from './protocol.js'
import { decodeEntryStructure, verifyEntrySignature } from '../model/index.js'
import { parleyLogger } from '../log.js'
import type { CheckedBatch, CheckContext, Exchange, HistoryOrgView } from './check-batch.js'
import type { VerifiedEntry } from '../model/index.js'
import { FeedQuotas } from '../store/feed-quotas.js'
import type { EntryLog, FeedHead } from '../store/entry-log.js'
import type { Connection, Libp2p, PeerId, Startable, Stream } from '@libp2p/interface'

const log = parleyLogger('history')

/** Checked batches that may wait for the ones before them to be stored. */
const STORES_AHEAD = 2
/**
 * After a peer cut an exchange off before answering (it did not know this node yet, and is learning
 * of it now), the exchange is tried again after these pauses, no more
 */
const UNANSWERED_RETRIES_MS = [1_000, 5_000]
/** Errors that mean the peer sent (or served) something this node refuses, reported as such. */
const REFUSALS = new Set([GappedRangeError, UnknownEpochError, OutOfTeamError, BadSignatureError, NotMemberError, InvalidEntryError, MessageTooLargeError].map(c => c.name))
/** What a peer that cut the stream off before any answer makes the requester see. */
const CUT_OFF = new Set(['StreamResetError', 'StreamAbortedError', 'UnexpectedEOFError', 'StreamStateError'])

/** What history sync reads and writes of the log. */
export type HistoryLog = Pick<EntryLog, 'contiguousHeads' | 'readFeedBytes' | 'readFeed' | 'lamport' | 'append' | 'appendMany' | 'raiseFloor' | 'appendEvidence' | 'forkPairs'>

/**
 * The org sync, which lives beside history sync: awaited, so it stays a call rather than an event
 * (entries are checked against the rosters, which must be up to date before a fetch goes on).
 */
export interface OrgSyncHooks {
  /** bring this node's org records up to date with `peer`'s, if not done since it connected */
  syncedWith: (peer: PeerId) => Promise<void>
  /**
   * sync the org with `peer` because this node may be behind: the peer asked for history while
   * outside the directory, or a team it is not known to be in, or sent an entry of an unknown epoch
   */
  catchUp: (peer: PeerId) => Promise<void>
}

export interface HistorySyncComponents {
  /** where the history protocol is handled: libp2p's own handle/unhandle */
  registrar: Pick<Libp2p, 'handle' | 'unhandle'>
  /** how a peer is asked: libp2p's own dialProtocol */
  dialer: Pick<Libp2p, 'dialProtocol'>
  log: HistoryLog
  /** the org as it is now (undefined: in none yet) */
  org: () => HistoryOrgView | undefined
  orgSync?: OrgSyncHooks
  /** this node's clock, in ms since the epoch (default Date.now) */
  now?: () => number
  /** whether an entry written at `wallTime` is past `team`'s retention horizon here (and no hold is on) */
  expired?: (team: string, wallTime: number) => boolean
  /**
   * Check deletes a peer served beside erased entries (each verified as if its author had sent it):
   * per message id they name, who signed the delete. Without it, only entries erased under
   * retention are taken.
   */
  erasures?: (team: string, deletes: Uint8Array[]) => Promise<Map<string, string>>
  /** the delete behind an erased entry this node serves (see ServeView.erasureOf) */
  erasureOf?: (bytes: Uint8Array) => Promise<Uint8Array | undefined>
}

export interface HistorySyncEvents {
  /** entries newly stored from a peer, in the order stored */
  'history:stored': CustomEvent<{ entries: VerifiedEntry[], from: string }>
  /** a range refused, with the error that says why */
  'history:refused': CustomEvent<{ from: string, team: string, error: Error }>
  /** an author signed two entries at one place of its feed (or a successor to another predecessor): reported once */
  'history:forked': CustomEvent<{ entry: VerifiedEntry, existingId: string }>
  /** an exchange with `from` over */
  'history:synced': CustomEvent<{ team: string, from: string, received: number }>
}

/** What is being fetched right now. */
export interface FetchStatus {
  peer: string
  team: string
  started: number
  received: number
}

export interface HistorySyncInit {
  /** the pauses before asking again a peer that cut an exchange off before any answer */
  unansweredRetriesMs?: number[]
}

/** The service, built from its components. */
export function historySync (init: HistorySyncInit = {}): (components: HistorySyncComponents) => HistorySync {
  return (components) => new HistorySync(components, init)
}

/** The history sync service of one node. */
export class HistorySync extends TypedEventEmitter<HistorySyncEvents> implements Startable {
  readonly [Symbol.toStringTag] = 'parley/history-sync'
  private readonly c: HistorySyncComponents
  private readonly running = new Map<string, Promise<number>>()
  /** callers of whenIdle(), resolved when the last running sync ends */
  private idleWaiters: Array<() => void> = []
  private readonly again = new Set<string>()
  readonly fetching = new Map<string, FetchStatus>()
  /** teams with at least one completed sync since start */
  readonly syncedTeams = new Set<string>()
  readonly lastSynced = new Map<string, number>()
  /** ends the pauses before a retry */
  private stopping = new AbortController()
  private readonly retriesMs: number[]
  /** each author's recent entries per team, for the limits on entries (see model/feed-quota.ts) */
  private readonly quotas: FeedQuotas

  constructor (components: HistorySyncComponents, init: HistorySyncInit = {}) {
    super()
    this.c = components
    this.quotas = new FeedQuotas(components.log)
    this.retriesMs = init.unansweredRetriesMs ?? UNANSWERED_RETRIES_MS
  }

  async start (): Promise<void> {
    this.stopping = new AbortController()
    await this.c.registrar.handle([HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1], (stream, connection) => { void this.serve(stream, connection) })
  }

  async stop (): Promise<void> {
    this.stopping.abort()
    await this.c.registrar.unhandle([HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1])
  }

  /** Resolves once no sync is fetching: background work that would slow a catch-up waits for this. */
  async whenIdle (): Promise<void> {
    if (this.running.size === 0) return
    await new Promise<void>(resolve => { this.idleWaiters.push(resolve) })
  }

  /** What is being fetched of `team` now. */
  fetchingOf (team: string): FetchStatus[] {
    return [...this.fetching.values()].filter(f => f.team === team)
  }

  /**
   * Fetch what `peer` has of `team` that we lack. Concurrent calls for one (peer, team) share one
   * exchange, and a call made during one runs again right after it. Resolves with the count stored.
   */
  async syncTeam (peer: PeerId, team: string): Promise<number> {
    const key = `${peer.toString()}/${team}`
    const current = this.running.get(key)
    if (current !== undefined) {
      this.again.add(key)
      return current
    }
    const run = (async () => {
      let total = 0
      let retries = 0
      for (;;) {
        this.again.delete(key)
        const { received, unanswered } = await this.fetch(peer, team)
        total += received
        if (this.again.has(key)) continue
        const pause = this.retriesMs[retries++]
        if (!unanswered || pause === undefined || this.stopping.signal.aborted) break
        // the peer is learning of this node (see serve): asked again once it may have
        try {
          await sleep(pause, undefined, { signal: this.stopping.signal, ref: false })
        } catch {
          // stopped while waiting: no retry
          break
        }
      }
      return total
    })().finally(() => {
      this.running.delete(key)
      if (this.running.size > 0) return
      for (const resolve of this.idleWaiters.splice(0)) resolve()
    })
    this.running.set(key, run)
    return run
  }

  /**
   * One exchange. An entry of a roster epoch this node has not seen means it is behind on the org
   * (the org sync failed, or a roster was made since): it catches up with the peer and asks once more.
   * `unanswered`: the peer cut the exchange off before any answer.
   */
  private async fetch (peer: PeerId, team: string, retry = true): Promise<{ received: number, unanswered: boolean }> {
    const org = this.c.org()
    if (org === undefined) return { received: 0, unanswered: false }
    const from = peer.toString()
    const key = `${from}/${team}`
    const status: FetchStatus = { peer: from, team, started: Date.now(), received: 0 }
    this.fetching.set(key, status)
    let answered = false
    // batches are stored one after another, in order, while the next ones are read and checked:
    // at most STORES_AHEAD wait their turn (memory), and a failed store stops the exchange
    const storing: Array<Promise<number>> = []
    const settleOne = async (): Promise<number> => storing.length === 0 ? 0 : storing.shift()!
    /** Wait for every store under way; what was stored counts, and a failure is thrown after. */
    const settle = async (): Promise<void> => {
      let failure: Error | undefined
      while (storing.length > 0) {
        try {
          status.received += await settleOne()
        } catch (err) {
          // the stores after a failed one fail with it (each waits for the one before)
          failure ??= err instanceof Error ? err : new Error(String(err))
        }
      }
      if (failure !== undefined) throw failure
    }
    try {
      await this.c.orgSync?.syncedWith(peer)
      // history is asked only of a peer in the team now (or the other person of a direct
      // conversation): whoever else holds a key of an old epoch (a removed member behind a new
      // identity, someone moved out of the team) could serve entries signed under it
      if (!(this.c.org()?.mayRead(team, from) ?? false)) return { received: 0, unanswered: false }
      const heads = await this.c.log.contiguousHeads(team)
      const stream = await this.c.dialer.dialProtocol(peer, [HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1], { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      // per author, the last entry checked in this exchange: the next batch continues it
      const checkedUpTo = new Map<string, FeedHead>()
      const exchange: Exchange = { skipped: new Map(), highest: 0 }
      /** fork evidence served, taken in once the entries are stored (it is checked against them) */
      const forks: Uint8Array[] = []
      await requestHistory(stream, from, { orgId: org.orgId, team, heads }, async (entries, served, deletes) => {
        answered = true
        forks.push(...served.slice(0, MAX_FORKS_SERVED - forks.length))
        if (entries.length === 0) return
        exchange.erasedBy = deletes.length === 0 || this.c.erasures === undefined ? new Map() : await this.c.erasures(team, deletes)
        // checked while the batch before is still being written, against the heads it will leave
        const expected = new Map(await this.c.log.contiguousHeads(team))
        for (const [author, last] of checkedUpTo) if (last.seq > (expected.get(author)?.seq ?? 0)) expected.set(author, last)
        // a batch refused here is checked again in order, against the stored heads, which decides
        const checked = await checkBatch(this.checkContext(from), from, team, entries, org, expected, false, exchange).catch(() => undefined)
        for (const [author, last] of checked?.lasts ?? []) checkedUpTo.set(author, last)
        while (storing.length >= STORES_AHEAD) status.received += await settleOne()
        const after = storing[storing.length - 1] ?? Promise.resolve(0)
        const store = after.then(async () => this.storeChecked(from, team, entries, org, checked, exchange))
        // awaited by settle(), with a later batch or at the end
        store.catch(() => {})
        storing.push(store)
      })
      answered = true
      await settle()
      await this.takeForks(from, team, forks)
      this.syncedTeams.add(team)
      this.lastSynced.set(team, Date.now())
      this.safeDispatchEvent('history:synced', { detail: { team, from, received: status.received } })
      return { received: status.received, unanswered: false }
    } catch (err) {
      const e = err as Error
      // what the batch before stored still counts, and is done before the sync is reported over
      await settle().catch((failure: Error) => { log('storing history from %s failed: %s', from, failure.message) })
      if (e instanceof UnknownEpochError && retry && this.c.orgSync !== undefined) {
        this.fetching.delete(key)
        await this.c.orgSync.catchUp(peer)
        const again = await this.fetch(peer, team, false)
        return { received: status.received + again.received, unanswered: again.unanswered }
      }
      if (REFUSALS.has(e.name)) {
        this.safeDispatchEvent('history:refused', { detail: { from, team, error: e } })
      } else {
        // the peer went away, cut us off, or does not speak history sync: the next trigger retries
        log('history of %s from %s: %s', team, from, e.message)
      }
      return { received: status.received, unanswered: !answered && CUT_OFF.has(e.name) }
    } finally {
      this.fetching.delete(key)
    }
  }

  private checkContext (from: string): CheckContext {
    return {
      log: this.c.log,
      now: this.c.now ?? Date.now,
      expired: this.c.expired,
      quotas: this.quotas,
      onSkipped: (team, error) => { this.safeDispatchEvent('history:refused', { detail: { from, team, error } }) },
      onFork: (entry, existingId) => { this.safeDispatchEvent('history:forked', { detail: { entry, existingId } }) }
    }
  }

  /**
   * Take in the fork evidence a peer served: each entry is checked here as if its author had sent it
   * (structure, team, the author's right to write under its epoch, its signature), so nothing rests
   * on the server's word, and is kept only as the other version of an entry this node holds for the
   * same slot (never in the feed). A forged one refuses the rest; one this node may not take (its
   * author was removed since, an epoch not known yet) is passed over.
   */
  private async takeForks (from: string, team: string, served: Uint8Array[]): Promise<void> {
    const org = this.c.org()
    if (org === undefined || served.length === 0) return
    try {
      for (const bytes of served) {
        const { signature, signed, ...v } = decodeEntryStructure(bytes)
        if (v.entry.team !== team) throw new InvalidEntryError(`${from} served fork evidence of ${v.entry.team} with the history of ${team}`)
        if (org.historyVerdict(team, v.entry.epoch, v.author) !== 'ok' || org.state.removed.has(v.author)) continue
        if (!await verifyEntrySignature({ entry: v.entry, signed, signature })) throw new BadSignatureError(`${from} served fork evidence in ${team} that ${v.author} did not sign`)
        const outcome = await this.c.log.appendEvidence(v)
        if (outcome.status === 'fork' && outcome.evidence === 'new') this.safeDispatchEvent('history:forked', { detail: { entry: v, existingId: outcome.existingId } })
      }
    } catch (err) {
      this.safeDispatchEvent('history:refused', { detail: { from, team, error: err as Error } })
    }
  }

  /**
   * Store a batch checked by `checkBatch` against expected heads, once the batches before it are
   * stored: if the heads it was checked against are the stored ones now, as they are unless another
   * sync or gossip stored some of the same feed meanwhile, it is stored as it is; otherwise (and if
   * it was refused) it is checked again against the stored heads, which decides.
   */
  private async storeChecked (from: string, team: string, encoded: Uint8Array[], org: HistoryOrgView, checked: CheckedBatch | undefined, exchange: Exchange): Promise<number> {
    if (checked !== undefined && checked.floors.size === 0) {
      const heads = await this.c.log.contiguousHeads(team)
      let same = true
      for (const [author, base] of checked.bases) {
        const head = heads.get(author)
        if (head?.seq !== base?.seq || head?.idHex !== base?.idHex) same = false
      }
      if (same) return this.store(from, checked.accepted)
    }
    // check one batch against the stored heads and store it; throws (refusing the rest) at the first bad run
    const heads = await this.c.log.contiguousHeads(team)
    const decided = await checkBatch(this.checkContext(from), from, team, encoded, org, heads, true, exchange)
    for (const [author, floor] of decided.floors) await this.c.log.raiseFloor(team, author, floor)
    return this.store(from, decided.accepted)
  }

  /** Store checked entries; reports what was new, and forks. */
  private async store (from: string, accepted: VerifiedEntry[]): Promise<number> {
    const outcomes = await this.c.log.appendMany(accepted)
    const stored: VerifiedEntry[] = []
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'added') stored.push(accepted[i]!)
      else if (outcome.status === 'fork' && outcome.evidence === 'new') this.safeDispatchEvent('history:forked', { detail: { entry: accepted[i]!, existingId: outcome.existingId } })
    }
    if (stored.length > 0) this.safeDispatchEvent('history:stored', { detail: { entries: stored, from } })
    return stored.length
  }

  /**
   * Answer one history request. A requester outside the directory is cut off unread at once, and
   * this node learns of it in the background (it may be a member not heard of yet; it asks again).
   */
  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    const orgSync = this.c.orgSync
    const outcome = await serveHistory(stream, peer.toString(), {
      log: this.c.log,
      org: this.c.org,
      learn: orgSync === undefined ? undefined : async () => orgSync.catchUp(peer),
      ...(this.c.erasureOf !== undefined ? { erasureOf: this.c.erasureOf } : {})
    })
    if (outcome === 'stranger' && orgSync !== undefined) void orgSync.catchUp(peer)
  }
}
