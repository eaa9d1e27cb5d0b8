/**
 * The receiver's checks on one batch of served history, before anything of it is stored: right team,
 * author in the roster of the entry's epoch, no gap in sequence numbers, each entry naming the
 * previous one's hash, and the author's signature on the last entry of the run, which by the hash
 * chain covers every entry before it.
 */
import { equals } from 'uint8arrays/equals'
import { BadSignatureError, EntryQuotaError, GappedRangeError, InvalidEntryError, NotMemberError, OutOfTeamError, PolicyNotAcceptedError, RemovedAuthorError, UnknownEpochError } from '../errors.js'
import { checkPlausible, decodeEntryStructure, lamportCeiling, verifyEntrySignature } from '../model/index.js'
import type { VerifiedEntry } from '../model/index.js'
import type { EntryLog, FeedHead } from '../store/entry-log.js'
import type { FeedQuotas } from '../store/feed-quotas.js'
import type { Org } from '../teams/org.js'

/** What history sync reads of the org: who is in it and what a roster allows. */
export type HistoryOrgView = Readonly<Pick<Org, 'orgId' | 'state' | 'member' | 'mayRead' | 'historyVerdict' | 'policyVerdict' | 'createdAt' | 'removedFeedEnd'>>

/** What the checks read of the log (and write: a fork's evidence). */
export type CheckLog = Pick<EntryLog, 'lamport' | 'append'>

/** A batch that passed `checkBatch`, and what it was checked against. */
export interface CheckedBatch {
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
export interface Exchange {
  skipped: Map<string, Error>
  /** the highest Lamport clock taken in this exchange so far: what the next entries are checked against */
  highest: number
  /** per message id, who signed the delete the server served beside the batch (see HistoryBatch.erasures) */
  erasedBy?: Map<string, string>
}

/** What a check needs besides the batch: the log, the clock, retention, and where to report. */
export interface CheckContext {
  log: CheckLog
  now: () => number
  /** whether an entry written at `wallTime` is past `team`'s retention horizon here (and no hold is on) */
  expired?: (team: string, wallTime: number) => boolean
  /** an author's run left out of the rest of the exchange, with why (reported once per author) */
  onSkipped: (team: string, error: Error) => void
  /** the author signed a successor to a different predecessor */
  onFork: (v: VerifiedEntry, existingId: string) => void
  /** the per-author limits on entries (see model/feed-quota.ts); without them none apply */
  quotas?: Pick<FeedQuotas, 'check' | 'record'>
}

/** Whether an erased entry was erased by a delete served beside it (by its author or an admin), or is past retention here. */
function erasureHolds (v: VerifiedEntry, exchange: Exchange, org: HistoryOrgView, ctx: CheckContext): boolean {
  if (ctx.expired?.(v.entry.team, v.entry.wallTime) === true) return true
  // an edit is erased with the message it edits, which its signed fields name
  const by = exchange.erasedBy?.get(v.entry.editOf.length === 32 ? Buffer.from(v.entry.editOf).toString('hex') : v.idHex)
  return by !== undefined && (by === v.author || org.member(by)?.admin === true)
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
export async function checkBatch (ctx: CheckContext, from: string, team: string, encoded: Uint8Array[], org: HistoryOrgView, heads: Map<string, FeedHead>, keepForks: boolean, exchange: Exchange): Promise<CheckedBatch> {
  const runs = new Map<string, Array<ReturnType<typeof decodeEntryStructure>>>()
  for (const bytes of encoded) {
    const v = decodeEntryStructure(bytes)
    if (v.entry.team !== team) throw new OutOfTeamError(`${from} sent an entry of ${v.entry.team} in a sync of ${team}`)
    const run = runs.get(v.author) ?? []
    run.push(v)
    runs.set(v.author, run)
  }
  const skip = (author: string, error: Error): void => {
    if (exchange.skipped.has(author)) return
    exchange.skipped.set(author, error)
    ctx.onSkipped(team, error)
  }
  const checked: CheckedBatch = { accepted: [], bases: new Map(), lasts: new Map(), floors: new Map() }
  const now = ctx.now()
  exchange.highest = Math.max(exchange.highest, await ctx.log.lamport(team, lamportCeiling(now, org.createdAt(team))))
  for (const [author, run] of runs) {
    const head = heads.get(author)
    checked.bases.set(author, head)
    if (exchange.skipped.has(author)) continue
    // entries we hold already (a concurrent sync or gossip brought them) are skipped
    const fresh = run.filter(v => v.entry.seq > (head?.seq ?? 0))
    if (fresh.length === 0) continue
    const removed = org.state.removed.has(author)
    const removedEnd = removed ? org.removedFeedEnd(team, author) : undefined
    let prevSeq = head?.seq ?? 0
    let prevId: Uint8Array = head === undefined ? new Uint8Array(0) : Buffer.from(head.idHex, 'hex')
    let floor: FeedHead | undefined
    const taken: typeof fresh = []
    for (const v of fresh) {
      if (v === fresh[0] && v.entry.seq > prevSeq + 1 && ctx.expired?.(team, v.entry.wallTime) === true) {
        // the server's history below this entry expired under the team's retention: this entry is
        // itself past the horizon, and an author's wall times never go back, so all before it are too
        floor = { seq: v.entry.seq - 1, idHex: Buffer.from(v.entry.prev).toString('hex') }
        prevSeq = floor.seq
        prevId = v.entry.prev
      }
      if (v.erased === true && !erasureHolds(v, exchange, org, ctx)) {
        // a body may be missing only because a delete this node honours, or retention, erased it:
        // a member must not make others lose a message by serving it without its body
        throw new InvalidEntryError(`${from} served ${author}'s entry ${v.entry.seq} in ${team} with its body erased, and no delete or retention behind it`)
      }
      const linked = v.entry.seq === prevSeq + 1 && (v.entry.seq === 1 ? v.entry.prev.length === 0 : equals(v.entry.prev, prevId))
      if (!linked) {
        if (keepForks && v.entry.seq === prevSeq + 1 && await verifyEntrySignature(v)) {
          // the author signed a successor to a different predecessor: two histories, a fork
          const outcome = await ctx.log.append(v)
          // reported once: the next exchange finds this entry held
          if (outcome.status === 'added' || (outcome.status === 'fork' && outcome.evidence === 'new')) ctx.onFork(v, outcome.status === 'fork' ? outcome.existingId : Buffer.from(prevId).toString('hex'))
        }
        throw new GappedRangeError(`${from} sent ${author}'s feed in ${team} with a break before seq ${v.entry.seq} (we hold up to ${prevSeq})`)
      }
      // a removed author's entry is taken only on the way to the last entry of theirs the removal
      // names (written before it, by the hash chain), never past it or beside it
      const beforeRemoval = removedEnd !== undefined && v.entry.seq <= removedEnd.seq && (v.entry.seq < removedEnd.seq || v.idHex === removedEnd.idHex)
      const verdict = org.historyVerdict(team, v.entry.epoch, author, beforeRemoval)
      if (verdict === 'unknown-epoch') throw new UnknownEpochError(`${from} sent an entry of ${team} epoch ${v.entry.epoch}, of which this node has no roster`)
      if ((removed && !beforeRemoval) || org.state.suspended.has(author)) {
        // the server may hold it in good faith (written before the removal or suspension, or taken
        // in by a node that did not know yet): the author's run ends here, the other authors' runs go on
        skip(author, new RemovedAuthorError(`${from} sent an entry that is refused: ${removedEnd === undefined || v.entry.seq >= removedEnd.seq ? verdict : `author ${author} was removed from the org`}`))
        break
      }
      if (verdict !== 'ok') throw new NotMemberError(`${from} sent an entry that is refused: ${verdict}`)
      const policy = org.policyVerdict(author, v.entry.wallTime)
      if (policy !== 'ok') {
        // the server may hold it in good faith (taken in before the policy reached it): the author's
        // run ends here for this exchange; taken in a later one if the author's acceptance (dated
        // before the entry) had not reached this node yet
        skip(author, new PolicyNotAcceptedError(`${from} sent an entry that is refused: ${policy}`))
        break
      }
      try {
        checkPlausible(v.entry, exchange.highest, now, org.createdAt(team))
      } catch (err) {
        // too far ahead for now: the author's run waits for a later exchange (this node then holds
        // more of the team, or the date has come); the server is not blamed
        skip(author, err as Error)
        break
      }
      if (ctx.quotas !== undefined) {
        // the author's limits on entries, against the feed before this entry (held, or earlier in
        // this run): refused for good, on every node alike; the server may be an older node that
        // took it in, so it is not blamed, and the author's run ends here
        const afterFloor = floor !== undefined && v === fresh[0]
        const candidate = { team, author, seq: v.entry.seq, wallTime: v.entry.wallTime, bytes: v.bytes.byteLength, prevHex: Buffer.from(v.entry.prev).toString('hex') }
        let quota
        try {
          quota = await ctx.quotas.check(candidate, author, afterFloor)
        } catch (err) {
          if (!(err instanceof EntryQuotaError || err instanceof InvalidEntryError)) throw err
          skip(author, err)
          break
        }
        // the run continues a head this node holds whole, so only a race with an expiry leaves it unjudged
        if (quota !== 'ok') throw new GappedRangeError(`${from} sent ${author}'s feed in ${team} from seq ${v.entry.seq}, which this node cannot judge against what it holds (${quota})`)
        ctx.quotas.record(candidate, v.idHex, afterFloor)
      }
      // what counts as held for the next entry's bound never passes the team's age ceiling: else a
      // run whose clocks each lead the one before by just under the bound would climb without end
      exchange.highest = Math.max(exchange.highest, Math.min(v.entry.lamport, lamportCeiling(now, org.createdAt(team))))
      taken.push(v)
      prevSeq = v.entry.seq
      prevId = v.id
    }
    if (removed && taken.length > 0 && taken[taken.length - 1]!.idHex !== removedEnd?.idHex) {
      // a removed author's run that stops short of the entry the removal names proves nothing: it
      // waits for an exchange that brings the whole of it
      skip(author, new RemovedAuthorError(`${from} sent ${author}'s feed in ${team} up to seq ${taken[taken.length - 1]!.entry.seq}, short of the last entry their removal names (seq ${removedEnd?.seq ?? 0})`))
      continue
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
