/**
 * History sync: on its own stream protocol, a member tells a peer what it holds of a team (per author,
 * the end of its unbroken run) and the peer streams back the rest, in batches. Any member can serve
 * any entry, since entries carry their author's signature; only members of a team are served it.
 *
 * The stream's buffers do not push back on a fast sender (yamux grants window as data arrives, not
 * as it is read), so /parley/2/history paces the server by the requester: it acknowledges each batch
 * as soon as it has read it, and the server sends the next one only then. The server reads and sends
 * batch k+1 while the requester checks and stores batch k, and neither side holds more than about
 * two batches. /parley/1/history, without acknowledgements, is still served to older builds.
 *
 * The receiver checks every run before storing it: right team, author in the roster of the entry's
 * epoch, no gap in sequence numbers, each entry naming the previous one's hash, and the author's
 * signature on the last entry of the run, which by the hash chain covers every entry before it.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { equals } from 'uint8arrays/equals'
import { BadSignatureError, GappedRangeError, InvalidEntryError, MessageTooLargeError, NotInOrgError, NotMemberError, OutOfTeamError, ProtocolError, RemovedAuthorError, UnknownEpochError } from '../errors.js'
import { peerIdOfPublicKey } from '../ids.js'
import { checkPlausible, decodeEntryStructure, lamportCeiling, HistoryAck, HistoryBatch, HistoryRequest, verifyEntrySignature } from '../model/index.js'
import { HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1 } from '../net/topics.js'
import type { VerifiedEntry } from '../model/index.js'
import type { ParleyLibp2p } from '../net/libp2p-node.js'
import type { EntryLog, FeedHead } from '../store/entry-log.js'
import type { Org } from '../teams/org.js'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

/** Entries per batch, and bytes per batch, whichever comes first. */
const BATCH_ENTRIES = 4_000
/** The first batch of an exchange is smaller, so the receiver starts work while the server reads on. */
const FIRST_BATCH_ENTRIES = 500
/** Checked batches that may wait for the ones before them to be stored. */
const STORES_AHEAD = 2
const BATCH_BYTES = 2 * 1024 * 1024
const MAX_MESSAGE = 4 * 1024 * 1024
/** The largest request (or acknowledgement) a server reads: heads of a few thousand authors. */
const MAX_REQUEST = 1024 * 1024
const REQUEST_TIMEOUT_MS = 10_000
/** A sync that makes no progress for this long is abandoned. */
const IDLE_TIMEOUT_MS = 30_000
/**
 * The error a node answers with while it is in no org or another one (a joining node asked by the
 * admin that just admitted it): not a refusal, since it holds nothing of the org to serve.
 */
const NOT_IN_ORG = 'NotInOrgError'
/** Errors that mean the peer sent (or served) something this node refuses, reported as such. */
const REFUSALS = new Set([GappedRangeError, UnknownEpochError, OutOfTeamError, BadSignatureError, NotMemberError, InvalidEntryError, MessageTooLargeError].map(c => c.name))

export interface HistorySyncComponents {
  libp2p: ParleyLibp2p
  log: EntryLog
  org: () => Org | undefined
  /**
   * Bring this node's org records up to date with `peer`'s, if not done since it connected: entries
   * are checked against the rosters, so history is fetched only after this (whether it worked or not)
   */
  orgSyncedWith?: (peer: PeerId) => Promise<void>
  /**
   * Sync the org with `peer` because it asked for a team this node does not know it is in: this node
   * may be behind (restarted, or missed a record), and the peer holds the records that admit it
   */
  catchUpOrg?: (peer: PeerId) => Promise<void>
  /** This node's clock, in ms since the epoch (default Date.now) */
  now?: () => number
  /** Whether an entry written at `wallTime` is past `team`'s retention horizon here (and no hold is on). */
  expired?: (team: string, wallTime: number) => boolean
}

export interface HistorySyncEvents {
  /** entries newly stored from a peer, in the order stored */
  onStored: (entries: VerifiedEntry[], from: string) => void
  /** a range refused, with the error that says why */
  onRefused: (from: string, team: string, error: Error) => void
  onFork: (v: VerifiedEntry, existingId: string) => void
  onSynced: (team: string, from: string, received: number) => void
}

/** A batch that passed `check`, and what it was checked against. */
interface CheckedBatch {
  /** the entries to store, in the order received */
  accepted: VerifiedEntry[]
  /** per author in the batch, the head its run was checked to continue (undefined: from seq 1) */
  bases: Map<string, FeedHead | undefined>
  /** per author with new entries, the last of them */
  lasts: Map<string, FeedHead>
  /** per author whose run starts above its head because what lies between expired: the new floor */
  floors: Map<string, FeedHead>
}

/**
 * What one exchange has learned so far: authors whose runs it leaves out (an entry of theirs was
 * refused without the server being at fault, so the rest of their feed cannot follow in this
 * exchange), with why.
 */
interface Exchange {
  skipped: Map<string, Error>
  /** the highest Lamport clock taken in this exchange so far: what the next entries are checked against */
  highest: number
}

/** What is being fetched right now. */
export interface FetchStatus {
  peer: string
  team: string
  started: number
  received: number
}

/** The history sync service of one node. */
export class HistorySync {
  private readonly c: HistorySyncComponents
  private readonly events: HistorySyncEvents
  private readonly running = new Map<string, Promise<number>>()
  /** callers of whenIdle(), resolved when the last running sync ends */
  private idleWaiters: Array<() => void> = []
  private readonly again = new Set<string>()
  readonly fetching = new Map<string, FetchStatus>()
  /** teams with at least one completed sync since start */
  readonly syncedTeams = new Set<string>()
  readonly lastSynced = new Map<string, number>()
  /** peers outside the directory this node is learning about before it reads their history request */
  private readonly learning = new Set<string>()

  constructor (components: HistorySyncComponents, events: HistorySyncEvents) {
    this.c = components
    this.events = events
  }

  async start (): Promise<void> {
    await this.c.libp2p.handle([HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1], (stream, connection) => { void this.serve(stream, connection) })
  }

  /** Resolves once no sync is fetching: background work that would slow a catch-up waits for this. */
  async whenIdle (): Promise<void> {
    if (this.running.size === 0) return
    await new Promise<void>(resolve => { this.idleWaiters.push(resolve) })
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
      do {
        this.again.delete(key)
        total += await this.fetch(peer, team)
      } while (this.again.has(key))
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
   */
  private async fetch (peer: PeerId, team: string, retry = true): Promise<number> {
    const org = this.c.org()
    if (org === undefined) return 0
    const from = peer.toString()
    const key = `${from}/${team}`
    const status: FetchStatus = { peer: from, team, started: Date.now(), received: 0 }
    this.fetching.set(key, status)
    const idle = new AbortController()
    let idleTimer = setTimeout(() => { idle.abort() }, IDLE_TIMEOUT_MS)
    let stream: Stream | undefined
    // batches are stored one after another, in order, while the next ones are read and checked:
    // at most STORES_AHEAD wait their turn (memory), and a failed store stops the exchange
    const storing: Array<Promise<number>> = []
    const settleOne = async (): Promise<number> => storing.length === 0 ? 0 : storing.shift()!
    /** Wait for every store under way; what was stored counts, and a failure is thrown after. */
    const settle = async (): Promise<void> => {
      let failure: Error | undefined
      while (storing.length > 0) {
        try {
          const stored = await settleOne()
          status.received += stored
        } catch (err) {
          // the stores after a failed one fail with it (each waits for the one before)
          failure ??= err instanceof Error ? err : new Error(String(err))
        }
      }
      if (failure !== undefined) throw failure
    }
    try {
      await this.c.orgSyncedWith?.(peer)
      // history is asked only of a peer in the team now (or the other person of a direct
      // conversation): whoever else holds a key of an old epoch (a removed member behind a new
      // identity, someone moved out of the team) could serve entries signed under it
      if (!(this.c.org()?.mayRead(team, from) ?? false)) return 0
      const heads = await this.c.log.contiguousHeads(team)
      stream = await this.c.libp2p.dialProtocol(peer, [HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1], { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      const acknowledged = stream.protocol === HISTORY_PROTOCOL
      const pb = pbStream(stream, { maxDataLength: MAX_MESSAGE })
      await pb.write({
        org: new Uint8Array(Buffer.from(org.orgId, 'hex')),
        team,
        heads: [...heads].map(([author, h]) => ({ author: authorKey(author), seq: h.seq, id: new Uint8Array(Buffer.from(h.idHex, 'hex')) }))
      }, HistoryRequest)
      // per author, the last entry checked in this exchange: the next batch continues it
      const checkedUpTo = new Map<string, FeedHead>()
      const exchange: Exchange = { skipped: new Map(), highest: 0 }
      for (let batches = 1; ; batches++) {
        const batch = await pb.read(HistoryBatch, { signal: idle.signal })
        clearTimeout(idleTimer)
        idleTimer = setTimeout(() => { idle.abort() }, IDLE_TIMEOUT_MS)
        if (batch.error === NOT_IN_ORG) throw new NotInOrgError(`${from} is not in this org yet, and has no ${team} to serve`)
        if (batch.error !== '') throw new NotMemberError(`${from} refused to serve ${team}: ${batch.error}`)
        // at once, before the checks: the server sends the next batch while this one is stored
        if (acknowledged && !batch.done) await pb.write({ batches }, HistoryAck)
        if (batch.entries.length > 0) {
          // checked while the batch before is still being written, against the heads it will leave
          const expected = new Map(await this.c.log.contiguousHeads(team))
          for (const [author, last] of checkedUpTo) if (last.seq > (expected.get(author)?.seq ?? 0)) expected.set(author, last)
          // a batch refused here is checked again in order, against the stored heads, which decides
          const checked = await this.check(from, team, batch.entries, org, expected, false, exchange).catch(() => undefined)
          for (const [author, last] of checked?.lasts ?? []) checkedUpTo.set(author, last)
          while (storing.length >= STORES_AHEAD) {
            const stored = await settleOne()
            status.received += stored
          }
          const after = storing[storing.length - 1] ?? Promise.resolve(0)
          const store = after.then(async () => this.storeChecked(from, team, batch.entries, org, checked, exchange))
          // awaited by settle(), with a later batch or at the end
          store.catch(() => {})
          storing.push(store)
        }
        if (batch.done) break
      }
      await settle()
      await stream.close().catch(() => {})
      this.syncedTeams.add(team)
      this.lastSynced.set(team, Date.now())
      this.events.onSynced(team, from, status.received)
      return status.received
    } catch (err) {
      const e = err as Error
      // a refused or broken exchange: tell the server to stop rather than leave it waiting
      stream?.abort(e)
      // what the batch before stored still counts, and is done before the sync is reported over
      await settle().catch(() => {})
      if (e instanceof UnknownEpochError && retry && this.c.catchUpOrg !== undefined) {
        clearTimeout(idleTimer)
        this.fetching.delete(key)
        await this.c.catchUpOrg(peer)
        return status.received + await this.fetch(peer, team, false)
      }
      if (REFUSALS.has(e.name)) {
        this.events.onRefused(from, team, e)
      }
      // otherwise the peer went away or does not speak history sync: the next trigger retries
      return status.received
    } finally {
      clearTimeout(idleTimer)
      this.fetching.delete(key)
    }
  }

  /**
   * Store a batch checked by `check` against expected heads, once the batches before it are stored:
   * if the heads it was checked against are the stored ones now, as they are unless another sync or
   * gossip stored some of the same feed meanwhile, it is stored as it is; otherwise (and if it was
   * refused) it is checked again against the stored heads, which decides.
   */
  private async storeChecked (from: string, team: string, encoded: Uint8Array[], org: Org, checked: CheckedBatch | undefined, exchange: Exchange): Promise<number> {
    if (checked !== undefined && checked.floors.size === 0) {
      const heads = await this.c.log.contiguousHeads(team)
      let same = true
      for (const [author, base] of checked.bases) {
        const head = heads.get(author)
        if (head?.seq !== base?.seq || head?.idHex !== base?.idHex) same = false
      }
      if (same) return this.store(from, checked.accepted)
    }
    return this.ingest(from, team, encoded, org, exchange)
  }

  /** Check one batch from `from` against the stored heads and store it; throws (refusing the rest) at the first bad run. */
  private async ingest (from: string, team: string, encoded: Uint8Array[], org: Org, exchange: Exchange): Promise<number> {
    const heads = await this.c.log.contiguousHeads(team)
    const checked = await this.check(from, team, encoded, org, heads, true, exchange)
    for (const [author, floor] of checked.floors) await this.c.log.raiseFloor(team, author, floor)
    return this.store(from, checked.accepted)
  }

  /**
   * Check a batch against `heads` (per author, the entry the run must continue): every entry of the
   * team asked for, by an author in the roster of its epoch, with no gap in sequence numbers, each
   * naming the hash of the one before, and the author's signature on the last entry of the run, which
   * by the hash chain covers the rest. Entries at or below an author's head are skipped. Throws at the
   * first bad run; with `keepForks`, a signed entry that continues another predecessor is first kept
   * as fork evidence. An entry refused through no fault of the server (its author was removed from
   * the org, or its clocks lead this node's too far: see checkPlausible) ends its author's run for
   * the rest of `exchange` instead, reported once, and what comes before it in the run is taken.
   */
  private async check (from: string, team: string, encoded: Uint8Array[], org: Org, heads: Map<string, FeedHead>, keepForks: boolean, exchange: Exchange): Promise<CheckedBatch> {
    const runs = new Map<string, Array<ReturnType<typeof decodeEntryStructure>>>()
    for (const bytes of encoded) {
      const v = decodeEntryStructure(bytes)
      if (v.entry.team !== team) throw new OutOfTeamError(`${from} sent an entry of ${v.entry.team} in a sync of ${team}`)
      const run = runs.get(v.author) ?? []
      run.push(v)
      runs.set(v.author, run)
    }
    const checked: CheckedBatch = { accepted: [], bases: new Map(), lasts: new Map(), floors: new Map() }
    const now = this.c.now?.() ?? Date.now()
    exchange.highest = Math.max(exchange.highest, await this.c.log.lamport(team, lamportCeiling(now, org.createdAt(team))))
    for (const [author, run] of runs) {
      const head = heads.get(author)
      checked.bases.set(author, head)
      if (exchange.skipped.has(author)) continue
      // entries we hold already (a concurrent sync or gossip brought them) are skipped
      const fresh = run.filter(v => v.entry.seq > (head?.seq ?? 0))
      if (fresh.length === 0) continue
      let prevSeq = head?.seq ?? 0
      let prevId: Uint8Array = head === undefined ? new Uint8Array(0) : Buffer.from(head.idHex, 'hex')
      let floor: FeedHead | undefined
      const taken: typeof fresh = []
      for (const v of fresh) {
        if (v === fresh[0] && v.entry.seq > prevSeq + 1 && this.c.expired?.(team, v.entry.wallTime) === true) {
          // the server's history below this entry expired under the team's retention: this entry is
          // itself past the horizon, and an author's wall times never go back, so all before it are too
          floor = { seq: v.entry.seq - 1, idHex: Buffer.from(v.entry.prev).toString('hex') }
          prevSeq = floor.seq
          prevId = v.entry.prev
        }
        const linked = v.entry.seq === prevSeq + 1 && (v.entry.seq === 1 ? v.entry.prev.length === 0 : equals(v.entry.prev, prevId))
        if (!linked) {
          if (keepForks && v.entry.seq === prevSeq + 1 && await verifyEntrySignature(v)) {
            // the author signed a successor to a different predecessor: two histories, a fork
            const outcome = await this.c.log.append(v)
            this.events.onFork(v, outcome.status === 'fork' ? outcome.existingId : Buffer.from(prevId).toString('hex'))
          }
          throw new GappedRangeError(`${from} sent ${author}'s feed in ${team} with a break before seq ${v.entry.seq} (we hold up to ${prevSeq})`)
        }
        const verdict = org.historyVerdict(team, v.entry.epoch, author)
        if (verdict === 'unknown-epoch') throw new UnknownEpochError(`${from} sent an entry of ${team} epoch ${v.entry.epoch}, of which this node has no roster`)
        if (org.state.removed.has(author)) {
          // the server may hold it in good faith (written before the removal, or taken in by a node
          // that did not know yet): the author's run ends here, the other authors' runs go on
          this.skip(from, team, author, new RemovedAuthorError(`${from} sent an entry that is refused: ${verdict}`), exchange)
          break
        }
        if (verdict !== 'ok') throw new NotMemberError(`${from} sent an entry that is refused: ${verdict}`)
        try {
          checkPlausible(v.entry, exchange.highest, now, org.createdAt(team))
        } catch (err) {
          // too far ahead for now: the author's run waits for a later exchange (this node then holds
          // more of the team, or the date has come); the server is not blamed
          this.skip(from, team, author, err as Error, exchange)
          break
        }
        // what counts as held for the next entry's bound never passes the team's age ceiling: else a
        // run whose clocks each lead the one before by just under the bound would climb without end
        exchange.highest = Math.max(exchange.highest, Math.min(v.entry.lamport, lamportCeiling(now, org.createdAt(team))))
        taken.push(v)
        prevSeq = v.entry.seq
        prevId = v.id
      }
      if (taken.length === 0) continue
      // one signature covers the run: each entry names the hash of the one before
      const last = taken[taken.length - 1]!
      if (!await verifyEntrySignature(last)) {
        throw new BadSignatureError(`${from} sent ${author}'s feed in ${team} with a bad signature at seq ${prevSeq}`)
      }
      if (floor !== undefined) checked.floors.set(author, floor)
      checked.accepted.push(...taken)
      checked.lasts.set(author, { seq: last.entry.seq, idHex: last.idHex })
    }
    return checked
  }

  /** Leave `author`'s run out of the rest of `exchange`, and say so once. */
  private skip (from: string, team: string, author: string, error: Error, exchange: Exchange): void {
    if (exchange.skipped.has(author)) return
    exchange.skipped.set(author, error)
    this.events.onRefused(from, team, error)
  }

  /** Store checked entries; reports what was new, and forks. */
  private async store (from: string, accepted: VerifiedEntry[]): Promise<number> {
    const outcomes = await this.c.log.appendMany(accepted)
    const stored: VerifiedEntry[] = []
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'added') stored.push(accepted[i]!)
      else if (outcome.status === 'fork') this.events.onFork(accepted[i]!, outcome.existingId)
    }
    if (stored.length > 0) this.events.onStored(stored, from)
    return stored.length
  }

  /**
   * Whether the peer of `connection` is in the directory (or this node is in no org yet, and answers
   * everyone that it has nothing). A peer not in it may be a member this node has not heard of: it
   * learns from that peer first, without reading the stream meanwhile, one stream per peer at a time
   * (the others are refused at once, so a stranger cannot pile up streams).
   */
  private async isMemberOrLearns (connection: Connection): Promise<boolean> {
    const remote = connection.remotePeer.toString()
    const org = this.c.org()
    if (org === undefined || org.member(remote) !== undefined) return true
    if (this.learning.has(remote) || this.c.catchUpOrg === undefined) return false
    this.learning.add(remote)
    try {
      await this.c.catchUpOrg(connection.remotePeer)
    } finally {
      this.learning.delete(remote)
    }
    return this.c.org()?.member(remote) !== undefined
  }

  /** What `mine` holds beyond `theirs` (per author, the seq the requester holds up to), in batches; the last one says so. */
  private async * batchesToServe (team: string, mine: Map<string, FeedHead>, theirs: Map<string, number>): AsyncGenerator<{ entries: Array<Uint8Array<ArrayBuffer>>, last: boolean }> {
    let entries: Array<Uint8Array<ArrayBuffer>> = []
    let bytes = 0
    // batches grow from FIRST_BATCH_ENTRIES to BATCH_ENTRIES, doubling
    let limit = FIRST_BATCH_ENTRIES
    for (const [author, head] of mine) {
      const from = (theirs.get(author) ?? 0) + 1
      if (from > head.seq) continue
      for await (const chunk of this.c.log.readFeedBytes(team, author, from, head.seq)) {
        for (const e of chunk) {
          entries.push(e)
          bytes += e.byteLength
          if (entries.length >= limit || bytes >= BATCH_BYTES) {
            yield { entries, last: false }
            entries = []
            bytes = 0
            limit = Math.min(BATCH_ENTRIES, limit * 2)
          }
        }
      }
    }
    yield { entries, last: true }
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    const acknowledged = stream.protocol === HISTORY_PROTOCOL
    if (!await this.isMemberOrLearns(connection)) {
      // nothing is read from a peer outside the directory
      stream.abort(new NotMemberError(`${remote} is not a member`))
      return
    }
    const pb = pbStream(stream, { maxDataLength: MAX_REQUEST })
    try {
      const request = await pb.read(HistoryRequest, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      let org = this.c.org()
      if (org !== undefined && Buffer.from(request.org).toString('hex') === org.orgId && !org.mayRead(request.team, remote)) {
        // perhaps a member this node has not heard of yet: learn from them before deciding
        await this.c.catchUpOrg?.(connection.remotePeer)
        org = this.c.org()
      }
      // not in this org (yet: a node asked while it joins): not a refusal, the requester asks again later
      if (org === undefined || Buffer.from(request.org).toString('hex') !== org.orgId) {
        await pb.write({ entries: [], done: true, error: NOT_IN_ORG }, HistoryBatch)
        await stream.close()
        return
      }
      // never serve a team to anyone who is not in it now (or a direct conversation to a third person)
      if (!org.mayRead(request.team, remote)) {
        await pb.write({ entries: [], done: true, error: 'NotMemberError' }, HistoryBatch)
        await stream.close()
        return
      }
      const theirs = new Map<string, number>()
      for (const h of request.heads) if (h.author.length === 32) theirs.set(peerIdOfPublicKey(h.author), h.seq)
      const mine = await this.c.log.contiguousHeads(request.team)
      let sent = 0
      const send = async (entries: Array<Uint8Array<ArrayBuffer>>, done: boolean): Promise<void> => {
        if (acknowledged && sent > 0) {
          const ack = await pb.read(HistoryAck, { signal: AbortSignal.timeout(IDLE_TIMEOUT_MS) })
          if (ack.batches !== sent) throw new ProtocolError(`${remote} acknowledged batch ${ack.batches} of history, expected ${sent}`)
        }
        await pb.write({ entries, done, error: '' }, HistoryBatch)
        sent++
      }
      const batches = this.batchesToServe(request.team, mine, theirs)
      // each batch is read from the log while the one before waits for its acknowledgement and is sent
      const readAhead = (): Promise<IteratorResult<{ entries: Array<Uint8Array<ArrayBuffer>>, last: boolean }>> => {
        const reading = batches.next()
        // awaited below; a failure while a batch is being sent must not go unhandled meanwhile
        reading.catch(() => {})
        return reading
      }
      let next = readAhead()
      try {
        for (let batch = await next; batch.done !== true; batch = await next) {
          if (!batch.value.last) next = readAhead()
          await send(batch.value.entries, batch.value.last)
          if (batch.value.last) break
        }
      } finally {
        // a read ahead is settled, whatever became of the exchange, and the log's iterator closed
        await next.catch(() => undefined)
        await batches.return(undefined)
      }
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  }
}

/** The raw Ed25519 key inside an Ed25519 peer id. */
function authorKey (peerId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(peerIdFromString(peerId).publicKey?.raw ?? new Uint8Array(0))
}
