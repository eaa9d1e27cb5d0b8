/**
 * The history protocol, blind to what carries it: a requester writes what it holds of a team (per
 * author, the end of its unbroken run), the server answers with the rest in batches, and the
 * requester acknowledges each batch as soon as it has read it. Functions here take a stream and
 * narrow views of the log and the org; dialing, checking and storing are history-sync's.
 *
 * The stream's buffers do not push back on a fast sender (yamux grants window as data arrives, not
 * as it is read), so /parley/2/history paces the server by the requester: the server sends the next
 * batch only once the one before is acknowledged, and neither side holds more than about two
 * batches. /parley/1/history, without acknowledgements, is still served to older builds.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { NotInOrgError, NotMemberError, ProtocolError } from '../errors.js'
import { peerIdOfPublicKey } from '../ids.js'
import { HistoryAck, HistoryBatch, HistoryRequest, isErasedEncoding } from '../model/index.js'
import { HISTORY_PROTOCOL } from '../net/topics.js'
import { parleyLogger } from '../log.js'
import type { HistoryOrgView } from './check-batch.js'
import type { EntryLog, FeedHead } from '../store/entry-log.js'
import type { Stream } from '@libp2p/interface'

const log = parleyLogger('history')

/** Entries per batch, and bytes per batch, whichever comes first. */
export const BATCH_ENTRIES = 4_000
/** The first batch of an exchange is smaller, so the receiver starts work while the server reads on. */
export const FIRST_BATCH_ENTRIES = 500
export const BATCH_BYTES = 2 * 1024 * 1024
/** The largest batch a requester reads. */
export const MAX_MESSAGE = 4 * 1024 * 1024
/** The largest request (or acknowledgement) a server reads: heads of a few thousand authors. */
export const MAX_REQUEST = 1024 * 1024
export const REQUEST_TIMEOUT_MS = 10_000
/** An exchange that makes no progress for this long is abandoned. */
export const IDLE_TIMEOUT_MS = 30_000
/**
 * The error a node answers with while it is in no org or another one (a joining node asked by the
 * admin that just admitted it): not a refusal, since it holds nothing of the org to serve.
 */
export const NOT_IN_ORG = 'NotInOrgError'
/** The error a node answers with to a member that may not read the team asked for. */
export const NOT_MEMBER = 'NotMemberError'

/** Fork evidence entries served in one exchange (two per fork slot), and their bytes, whichever comes first. */
export const MAX_FORKS_SERVED = 64
export const MAX_FORK_BYTES = 1024 * 1024

/** What the server reads of the log (fork evidence: served when there is a way to read it). */
export type ServeLog = Pick<EntryLog, 'contiguousHeads' | 'readFeedBytes'> & Partial<Pick<EntryLog, 'forkPairs'>>

/** What a server needs to answer one request. */
export interface ServeView {
  log: ServeLog
  /** the org as it is now (undefined: this node is in none yet) */
  org: () => HistoryOrgView | undefined
  /**
   * Learn more of the org from the requester (a catch-up), before refusing it a team: it may be in
   * a roster this node has not seen yet
   */
  learn?: () => Promise<void>
  /** the delete behind an erased entry, as its signed entry, served beside it so the requester can check it */
  erasureOf?: (bytes: Uint8Array) => Promise<Uint8Array | undefined>
}

/** Deletes served in one batch beside the erased entries they explain (each is one small entry). */
export const MAX_ERASURES_SERVED = 1_000

/** How an exchange served ended. */
export type ServeOutcome = 'served' | 'stranger' | 'not-in-org' | 'not-member' | 'failed'

/**
 * Serve one history request from `remote` on `stream`. A requester outside the directory is read
 * nothing: its stream is aborted at once ('stranger'; the caller may learn of it and the requester
 * asks again later). Everything read is bounded (MAX_REQUEST) before it is decoded.
 */
export async function serveHistory (stream: Stream, remote: string, view: ServeView): Promise<ServeOutcome> {
  const first = view.org()
  if (first !== undefined && first.member(remote) === undefined) {
    stream.abort(new NotMemberError(`${remote} is not a member`))
    return 'stranger'
  }
  const acknowledged = stream.protocol === HISTORY_PROTOCOL
  // what the requester may send is bounded, buffer and message alike, before a byte is taken in
  const pb = pbStream(stream, { maxDataLength: MAX_REQUEST, maxBufferSize: MAX_REQUEST + 16 })
  try {
    const request = await pb.read(HistoryRequest, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    const asked = Buffer.from(request.org).toString('hex')
    let org = view.org()
    if (org !== undefined && asked === org.orgId && !org.mayRead(request.team, remote) && view.learn !== undefined) {
      // perhaps a member of a roster this node has not seen yet: learn from them before deciding
      await view.learn()
      org = view.org()
    }
    // not in this org (yet: a node asked while it joins): not a refusal, the requester asks again later
    if (org === undefined || asked !== org.orgId) {
      await pb.write({ entries: [], done: true, error: NOT_IN_ORG }, HistoryBatch)
      await stream.close()
      return 'not-in-org'
    }
    // never serve a team to anyone who is not in it now (or a direct conversation to a third person)
    if (!org.mayRead(request.team, remote)) {
      await pb.write({ entries: [], done: true, error: NOT_MEMBER }, HistoryBatch)
      await stream.close()
      return 'not-member'
    }
    const theirs = new Map<string, number>()
    for (const h of request.heads) if (h.author.length === 32) theirs.set(peerIdOfPublicKey(h.author), h.seq)
    const mine = await view.log.contiguousHeads(request.team)
    let sent = 0
    const send = async (entries: Array<Uint8Array<ArrayBuffer>>, done: boolean, forks: Array<Uint8Array<ArrayBuffer>> = []): Promise<void> => {
      if (acknowledged && sent > 0) {
        const ack = await pb.read(HistoryAck, { signal: AbortSignal.timeout(IDLE_TIMEOUT_MS) })
        if (ack.batches !== sent) throw new ProtocolError(`${remote} acknowledged batch ${ack.batches} of history, expected ${sent}`)
      }
      const erasures = await erasuresOf(view, entries)
      await pb.write({ entries, done, error: '', forks, erasures }, HistoryBatch)
      sent++
    }
    // every fork this node knows of in the team, whatever the requester holds: it may hold either
    // version, or one of them and not know of the other
    const forks = await forksToServe(view.log, request.team)
    const batches = batchesToServe(view.log, request.team, mine, theirs)
    // each batch is read from the log while the one before waits for its acknowledgement and is sent
    const readAhead = (): Promise<IteratorResult<ServedBatch>> => {
      const reading = batches.next()
      // awaited below; a failure while a batch is being sent must not go unhandled meanwhile
      reading.catch(() => {})
      return reading
    }
    let next = readAhead()
    try {
      for (let batch = await next; batch.done !== true; batch = await next) {
        if (!batch.value.last) next = readAhead()
        await send(batch.value.entries, batch.value.last && forks.length === 0)
        if (batch.value.last) break
      }
      if (forks.length > 0) await send([], true, forks)
    } finally {
      // a read ahead is settled, whatever became of the exchange, and the log's iterator closed
      await next.catch(() => undefined)
      await batches.return(undefined)
    }
    await stream.close()
    return 'served'
  } catch (err) {
    log('serving history to %s failed: %s', remote, (err as Error).message)
    stream.abort(err as Error)
    return 'failed'
  }
}

/** The deletes behind the erased entries of a batch (an entry erased under retention has none). */
async function erasuresOf (view: ServeView, entries: Uint8Array[]): Promise<Array<Uint8Array<ArrayBuffer>>> {
  const out: Array<Uint8Array<ArrayBuffer>> = []
  if (view.erasureOf === undefined) return out
  const seen = new Set<string>()
  for (const e of entries) {
    if (out.length >= MAX_ERASURES_SERVED || !isErasedEncoding(e)) continue
    const d = await view.erasureOf(e)
    if (d === undefined) continue
    const key = Buffer.from(d).toString('base64')
    if (seen.has(key)) continue
    seen.add(key)
    out.push(new Uint8Array(d))
  }
  return out
}

interface ServedBatch { entries: Array<Uint8Array<ArrayBuffer>>, last: boolean }

/**
 * The fork evidence of a team to serve: per fork slot, both versions, the first slot of each author
 * before the second of any (so that every forker is named even when the bounds leave slots out).
 */
async function forksToServe (log: ServeLog, team: string): Promise<Array<Uint8Array<ArrayBuffer>>> {
  const pairs = await log.forkPairs?.(team) ?? []
  const rank = new Map<string, number>()
  const ranked = pairs.map(pair => {
    const n = rank.get(pair[0].author) ?? 0
    rank.set(pair[0].author, n + 1)
    return { pair, n }
  }).sort((a, b) => a.n - b.n)
  const out: Array<Uint8Array<ArrayBuffer>> = []
  let bytes = 0
  for (const { pair: [held, other] } of ranked) {
    if (out.length + 2 > MAX_FORKS_SERVED || bytes + held.bytes.byteLength + other.bytes.byteLength > MAX_FORK_BYTES) break
    out.push(new Uint8Array(held.bytes), new Uint8Array(other.bytes))
    bytes += held.bytes.byteLength + other.bytes.byteLength
  }
  return out
}

/** What `mine` holds beyond `theirs` (per author, the seq the requester holds up to), in batches; the last one says so. */
async function * batchesToServe (log: ServeLog, team: string, mine: Map<string, FeedHead>, theirs: Map<string, number>): AsyncGenerator<ServedBatch> {
  let entries: Array<Uint8Array<ArrayBuffer>> = []
  let bytes = 0
  // batches grow from FIRST_BATCH_ENTRIES to BATCH_ENTRIES, doubling
  let limit = FIRST_BATCH_ENTRIES
  for (const [author, head] of mine) {
    const from = (theirs.get(author) ?? 0) + 1
    if (from > head.seq) continue
    for await (const chunk of log.readFeedBytes(team, author, from, head.seq)) {
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

/** What a requester asks for: per author, the end of the unbroken run it holds. */
export interface HistoryAsk {
  orgId: string
  team: string
  heads: Map<string, FeedHead>
}

/**
 * Ask for `ask` on `stream` and hand each batch, with any fork evidence, to `onBatch` (awaited before the next is read; the
 * batch is acknowledged first, so the server reads on meanwhile). Throws NotInOrgError or
 * NotMemberError when the server answers so, and whatever `onBatch` throws; the stream is aborted
 * then, and closed when the last batch is in.
 */
export async function requestHistory (stream: Stream, from: string, ask: HistoryAsk, onBatch: (entries: Uint8Array[], forks: Uint8Array[], erasures: Uint8Array[]) => Promise<void>): Promise<void> {
  const acknowledged = stream.protocol === HISTORY_PROTOCOL
  const idle = new AbortController()
  let idleTimer = setTimeout(() => { idle.abort() }, IDLE_TIMEOUT_MS)
  try {
    const pb = pbStream(stream, { maxDataLength: MAX_MESSAGE })
    await pb.write({
      org: new Uint8Array(Buffer.from(ask.orgId, 'hex')),
      team: ask.team,
      heads: [...ask.heads].map(([author, h]) => ({ author: authorKey(author), seq: h.seq, id: new Uint8Array(Buffer.from(h.idHex, 'hex')) }))
    }, HistoryRequest)
    for (let batches = 1; ; batches++) {
      const batch = await pb.read(HistoryBatch, { signal: idle.signal })
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => { idle.abort() }, IDLE_TIMEOUT_MS)
      if (batch.error === NOT_IN_ORG) throw new NotInOrgError(`${from} is not in this org yet, and has no ${ask.team} to serve`)
      if (batch.error !== '') throw new NotMemberError(`${from} refused to serve ${ask.team}: ${batch.error}`)
      // at once, before the checks: the server sends the next batch while this one is stored
      if (acknowledged && !batch.done) await pb.write({ batches }, HistoryAck)
      if (batch.forks.length > MAX_FORKS_SERVED) throw new ProtocolError(`${from} served ${batch.forks.length} entries of fork evidence in ${ask.team}, more than the ${MAX_FORKS_SERVED} allowed`)
      if (batch.erasures.length > MAX_ERASURES_SERVED) throw new ProtocolError(`${from} served ${batch.erasures.length} deletes in one batch of ${ask.team}, more than the ${MAX_ERASURES_SERVED} allowed`)
      if (batch.entries.length > 0 || batch.forks.length > 0) await onBatch(batch.entries, batch.forks, batch.erasures)
      if (batch.done) break
    }
  } catch (err) {
    // a refused or broken exchange: tell the server to stop rather than leave it waiting
    stream.abort(err as Error)
    throw err
  } finally {
    clearTimeout(idleTimer)
  }
  await stream.close().catch((err: Error) => { log('closing a history stream from %s: %s', from, err.message) })
}

/** The raw Ed25519 key inside an Ed25519 peer id. */
function authorKey (peerId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(peerIdFromString(peerId).publicKey?.raw ?? new Uint8Array(0))
}
