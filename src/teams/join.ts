/**
 * Joining an org over JOIN_PROTOCOL: a newcomer proves an invite to one of its admins and receives
 * the org's records; an admin's node admits it.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { pbStream } from '@libp2p/utils'
import { emit } from '../context.js'
import { InviteError, NameTakenError } from '../errors.js'
import { peerIdOfPublicKey } from '../ids.js'
import { JoinRequest, JoinResponse } from '../model/index.js'
import { JOIN_PROTOCOL } from '../net/topics.js'
import { parleyLogger } from '../log.js'
import { decodeInviteToken, Org } from './org.js'
import type { CoreBus, PublicEvents } from '../context.js'
import type { EntryLog } from '../store/entry-log.js'
import type { OrgIdentity } from './org.js'
import type { Connection, Libp2p, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Largest join answer read: the org's records. */
const MAX_JOIN_REPLY = 4 * 1024 * 1024
/** Largest join request read. */
const MAX_JOIN_REQUEST = 16 * 1024
const STREAM_TIMEOUT_MS = 10_000

const log = parleyLogger('join')

export interface JoinComponents {
  libp2p: Pick<Libp2p, 'dialProtocol' | 'getPeers' | 'handle' | 'unhandle'>
  log: EntryLog
  me: OrgIdentity
  /** the org an admin admits into; throws while this node may not act as an admin (see RestoreGate) */
  orgForWriting: () => Org
  events: PublicEvents
  bus: CoreBus
}

export interface JoinOptions {
  signal?: AbortSignal
  /** told once when no admin answers yet (the join keeps trying) */
  onWaiting?: (org: string, admins: string[]) => void
}

export class Join implements Startable {
  private readonly c: JoinComponents

  constructor (components: JoinComponents) {
    this.c = components
  }

  async start (): Promise<void> {
    await this.c.libp2p.handle(JOIN_PROTOCOL, (stream, connection) => { void this.serve(stream, connection) })
  }

  async stop (): Promise<void> {
    await this.c.libp2p.unhandle(JOIN_PROTOCOL).catch((err: Error) => { log('unhandle failed: %s', err.message) })
  }

  /**
   * Reach one of the invite's admins (by the token's addresses or among connected peers), prove the
   * invite, and adopt the org's records. Keeps trying until an admin answers or `signal` aborts.
   */
  async join (token: string, displayName: string, options: JoinOptions = {}): Promise<Org> {
    const invite = decodeInviteToken(token)
    if (Date.now() > invite.expires) throw new InviteError('this invite has expired: ask an admin for a new one')
    const orgId = Buffer.from(invite.org).toString('hex')
    const admins = invite.admins.map(peerIdOfPublicKey)
    const request: JoinRequest = { org: invite.org, secret: invite.secret, name: displayName, boxKey: new Uint8Array(this.c.me.box.publicKey) }
    let waitingSaid = false
    // an admin that got the request but whose answer was lost may have admitted this node: it is
    // asked again first, once, since another admin that has not heard of that yet would admit it a
    // second time (two admissions, and two rosters for one epoch of each team in the invite)
    let askAgain: string | undefined
    const askedAgain = new Set<string>()
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted()
      const targets: Array<{ admin?: string, target: PeerId | Multiaddr }> = []
      for (const peer of this.c.libp2p.getPeers()) if (admins.includes(peer.toString())) targets.push({ admin: peer.toString(), target: peer })
      for (const a of invite.addresses) {
        try {
          const ma = multiaddr(a)
          targets.push({ admin: ma.getComponents().find(c => c.name === 'p2p')?.value, target: ma })
        } catch {
          log('a damaged address in the invite: %s', a) // others may work
        }
      }
      if (askAgain !== undefined) {
        targets.sort((x, y) => Number(y.admin === askAgain) - Number(x.admin === askAgain))
        askedAgain.add(askAgain)
        askAgain = undefined
      }
      for (const { admin, target } of targets) {
        let response: JoinResponse
        let asked = false
        try {
          const signal = options.signal === undefined ? AbortSignal.timeout(STREAM_TIMEOUT_MS) : AbortSignal.any([options.signal, AbortSignal.timeout(STREAM_TIMEOUT_MS)])
          const stream = await this.c.libp2p.dialProtocol(target, JOIN_PROTOCOL, { signal })
          const pb = pbStream(stream, { maxDataLength: MAX_JOIN_REPLY })
          await pb.write(request, JoinRequest)
          asked = true
          response = await pb.read(JoinResponse, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
          await stream.close().catch(() => {}) // the answer is in
        } catch (err) {
          log('asking %s to admit this node failed: %s', String(target), (err as Error).message)
          if (asked && admin !== undefined && !askedAgain.has(admin)) {
            askAgain = admin
            break
          }
          continue // this admin is not reachable; try the next
        }
        if (response.error === 'NameTakenError') throw new NameTakenError(`the admin refused the name: ${response.message}`)
        if (response.error !== '') {
          throw new InviteError(`the admin refused the invite: ${response.message}`)
        }
        return Org.adopt(this.c.log, this.c.me, orgId, response.records)
      }
      if (!waitingSaid) {
        waitingSaid = true
        options.onWaiting?.(invite.orgName, admins)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000 * (attempt + 1), 5000))
        options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
      })
    }
  }

  /** As an admin: check a newcomer's invite and answer with the org's records, or say why not. */
  async serve (stream: Stream, connection: Pick<Connection, 'remotePeer'>): Promise<void> {
    const joiner = connection.remotePeer.toString()
    const pb = pbStream(stream, { maxDataLength: MAX_JOIN_REQUEST })
    try {
      const request = await pb.read(JoinRequest, { signal: AbortSignal.timeout(STREAM_TIMEOUT_MS) })
      const org = this.c.orgForWriting()
      if (Buffer.from(request.org).toString('hex') !== org.orgId) throw new InviteError('this invite is for another org')
      const records = await org.admit(joiner, request.secret, request.name, request.boxKey)
      this.c.bus.emit('org:written', { records })
      await pb.write({ error: '', message: '', records: org.recordBytes() }, JoinResponse)
      await stream.close()
    } catch (err) {
      const e = err as Error
      emit(this.c.events, 'entry:rejected', { from: joiner, team: '', reason: e.name, message: `join refused: ${e.message}` })
      try {
        await pb.write({ error: e.name, message: e.message, records: [] }, JoinResponse)
        await stream.close()
      } catch {
        stream.abort(e)
      }
    }
  }
}
