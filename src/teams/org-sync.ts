/**
 * Org sync: exchange org records with peers over ORG_SYNC_PROTOCOL (heads → the records after them),
 * serving only current members, and catching up when something shows this node is behind.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { emit } from '../context.js'
import { NotMemberError } from '../errors.js'
import { peerIdOfPublicKey } from '../ids.js'
import { OrgHeads, OrgRecords } from '../model/index.js'
import { ORG_SYNC_PROTOCOL } from '../net/topics.js'
import { parleyLogger } from '../log.js'
import type { CoreBus, OrgView, PublicEvents } from '../context.js'
import type { Connection, Libp2p, PeerId, Startable, Stream } from '@libp2p/interface'

/** Largest org sync answer read from a member (a roster seals keys to every member of a team). */
export const MAX_ORG_REPLY = 4 * 1024 * 1024
/** Largest org sync answer read from a peer outside the directory: the records of a small office. */
export const MAX_STRANGER_ORG_REPLY = 256 * 1024
/** Largest org sync request read. */
const MAX_ORG_REQUEST = 64 * 1024
const STREAM_TIMEOUT_MS = 10_000
/** The least time between two catch-up org syncs with one peer, asked for because this node is behind. */
export const ORG_CATCH_UP_INTERVAL_MS = 1_000

const log = parleyLogger('org-sync')

export interface OrgSyncComponents {
  libp2p: Pick<Libp2p, 'dialProtocol' | 'handle' | 'unhandle'>
  orgs: OrgView
  events: PublicEvents
  bus: CoreBus
}

export class OrgSync implements Startable {
  private readonly c: OrgSyncComponents
  /** peers we completed an org sync with since they connected */
  private readonly synced = new Set<string>()
  /** syncs under way, by peer */
  private readonly syncing = new Map<string, Promise<void>>()
  /** catch-up syncs waiting for their turn, by peer, and when each peer's last one started */
  private readonly catchUps = new Map<string, Promise<void>>()
  private readonly catchUpAt = new Map<string, number>()
  private stopping = new AbortController()
  private running = false
  /** an org sync with some peer completed since start (a restored node waits for one before admin acts) */
  syncedOnce = false

  constructor (components: OrgSyncComponents) {
    this.c = components
  }

  async start (): Promise<void> {
    this.stopping = new AbortController()
    await this.c.libp2p.handle(ORG_SYNC_PROTOCOL, (stream, connection) => { void this.serve(stream, connection) })
    this.running = true
  }

  async stop (): Promise<void> {
    this.running = false
    this.stopping.abort()
    await this.c.libp2p.unhandle(ORG_SYNC_PROTOCOL).catch((err: Error) => { log('unhandle failed: %s', err.message) })
  }

  /** Whether an org sync with `peer` completed since it connected. */
  isSynced (peer: string): boolean {
    return this.synced.has(peer)
  }

  /** The peer disconnected: sync again when it is back. */
  peerGone (peer: string): void {
    this.synced.delete(peer)
  }

  /** Ask a peer for the org records we lack; concurrent calls for one peer share one exchange. */
  async sync (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const running = this.syncing.get(key)
    if (running !== undefined) return running
    const run = this.syncOnce(peer).finally(() => { this.syncing.delete(key) })
    this.syncing.set(key, run)
    return run
  }

  /**
   * Sync with `peer` because something showed this node is behind: a record after one it missed, or
   * a peer it does not know asking for history. The exchange starts after the call (one already under
   * way may have been asked before the peer held what we lack); at most one per peer per
   * ORG_CATCH_UP_INTERVAL_MS, and callers who ask while one waits share it.
   */
  async catchUp (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const queued = this.catchUps.get(key)
    if (queued !== undefined) return queued
    const run = (async () => {
      const wait = (this.catchUpAt.get(key) ?? 0) + ORG_CATCH_UP_INTERVAL_MS - Date.now()
      await sleep(Math.max(0, wait), undefined, { signal: this.stopping.signal, ref: false })
      this.catchUps.delete(key)
      // one time per peer, kept only as long as it matters (strangers come and go)
      const now = Date.now()
      for (const [peer, at] of this.catchUpAt) if (now - at > ORG_CATCH_UP_INTERVAL_MS) this.catchUpAt.delete(peer)
      this.catchUpAt.set(key, now)
      await this.syncing.get(key)
      await this.sync(peer)
    })().catch(() => {
      // stopped while waiting: nothing to catch up on any more
      this.catchUps.delete(key)
    })
    this.catchUps.set(key, run)
    return run
  }

  /** One exchange. Failures are normal (peer not a member, an old version, gone): the periodic resync tries again. */
  private async syncOnce (peer: PeerId): Promise<void> {
    const org = this.c.orgs.current
    if (org === undefined || !this.running) return
    try {
      const stream = await this.c.libp2p.dialProtocol(peer, ORG_SYNC_PROTOCOL, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      // a peer outside the directory may be a member this node has not heard of yet, so it is asked
      // too, but told nothing: neither the org nor what this node holds of it (it may be a LAN outsider
      // or a removed member behind a new identity). A member answers that with all its records, which
      // are signed (it can withhold, never forge); each costs a signature check, so what it may send
      // back is bounded much lower than a member's answer
      const member = org.member(peer.toString()) !== undefined && !org.state.removed.has(peer.toString())
      const pb = pbStream(stream, { maxDataLength: member ? MAX_ORG_REPLY : MAX_STRANGER_ORG_REPLY })
      if (member) {
        const heads = [...org.heads()].map(([signer, seq]) => ({ signer: new Uint8Array(peerIdFromString(signer).publicKey?.raw ?? new Uint8Array(0)), seq }))
        await pb.write({ org: new Uint8Array(Buffer.from(org.orgId, 'hex')), heads }, OrgHeads)
      } else {
        await pb.write({ org: new Uint8Array(0), heads: [] }, OrgHeads)
      }
      const reply = await pb.read(OrgRecords, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      await stream.close().catch(() => {}) // the reply is in; a close that fails changes nothing
      if (reply.records.length > 0) {
        const change = await org.ingest(reply.records)
        for (const e of change.errors) {
          emit(this.c.events, 'entry:rejected', { from: peer.toString(), team: '', reason: e.name, message: e.message })
        }
        this.c.bus.emit('org:ingested', { change, from: peer.toString() })
      }
      this.synced.add(peer.toString())
      this.syncedOnce = true
    } catch (err) {
      log('org sync with %s failed: %s', peer.toString(), (err as Error).message)
    }
  }

  /** Answer a peer's heads with the records after them; only current members are answered, or even read. */
  async serve (stream: Stream, connection: Pick<Connection, 'remotePeer'>): Promise<void> {
    const org = this.c.orgs.current
    const remote = connection.remotePeer.toString()
    if (org === undefined || !org.state.members.has(remote)) {
      stream.abort(new NotMemberError('not a member of this org'))
      return
    }
    try {
      const pb = pbStream(stream, { maxDataLength: MAX_ORG_REQUEST })
      const request = await pb.read(OrgHeads, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      // an empty org is a peer that does not know this node yet asking for everything (see syncOnce)
      if (request.org.byteLength > 0 && Buffer.from(request.org).toString('hex') !== org.orgId) {
        stream.abort(new NotMemberError('not a member of this org'))
        return
      }
      const after = request.org.byteLength === 0 ? new Map<string, number>() : new Map(request.heads.filter(h => h.signer.length === 32).map(h => [peerIdOfPublicKey(h.signer), h.seq]))
      await pb.write({ records: org.recordBytes(after) }, OrgRecords)
      await stream.close()
    } catch (err) {
      log('serving org sync to %s failed: %s', remote, (err as Error).message)
      stream.abort(new Error('org sync failed'))
    }
  }
}
