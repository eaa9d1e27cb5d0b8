/**
 * An office without a network, for unit tests of services: each person has a real identity, a
 * real EntryLog in a temporary folder and a real Org, kept in step by handing records over directly.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { CoreBus, OrgRef } from '../../src/context.js'
import { generateBoxKeyPair } from '../../src/crypto/box.js'
import { generateIdentityKey } from '../../src/crypto/keys.js'
import { peerIdOfPublicKey } from '../../src/ids.js'
import { EntryLog } from '../../src/store/entry-log.js'
import { Conversations } from '../../src/messages/conversations.js'
import { decodeInviteToken, Org } from '../../src/teams/org.js'
import { TypedEventEmitter } from 'main-event'
import type { ParleyEvents } from '../../src/events.js'
import type { Views } from '../../src/messages/views.js'
import type { OrgIdentity } from '../../src/teams/org.js'
import type { PeerId, Stream } from '@libp2p/interface'

export interface Person {
  name: string
  me: OrgIdentity
  peer: PeerId
  log: EntryLog
  org: Org
  orgs: OrgRef
  events: TypedEventEmitter<ParleyEvents>
  bus: CoreBus
}

/** Events of `type` seen on `target` from now on. */
export function collect<K extends keyof ParleyEvents> (target: TypedEventEmitter<ParleyEvents>, type: K): Array<ParleyEvents[K]['detail']> {
  const seen: Array<ParleyEvents[K]['detail']> = []
  target.addEventListener(type, (e) => { seen.push((e as CustomEvent<ParleyEvents[K]['detail']>).detail) })
  return seen
}

/** A person's conversation index over its own log (edits, deletes, reactions, replies), not started. */
export function conversationsOf (p: Person, views: Views): Conversations {
  return new Conversations({
    selfId: p.me.peerId,
    orgs: p.orgs,
    log: p.log,
    views,
    files: { forget: async () => {} },
    onHold: (team) => p.orgs.current?.state.retention.get(team)?.hold === true,
    teams: async () => p.orgs.current?.myTeams(),
    events: p.events
  })
}

export class Office {
  readonly people: Person[] = []
  private readonly dirs: string[] = []

  /** A person with an identity and a log, in no org yet. */
  async stranger (name: string): Promise<Omit<Person, 'org'> & { org?: Org }> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-unit-'))
    this.dirs.push(dir)
    const key = await generateIdentityKey()
    const peerId = peerIdOfPublicKey(key.publicKey.raw)
    const log = await EntryLog.open(join(dir, 'log'))
    return { name, me: { key, box: generateBoxKeyPair(), peerId }, peer: peerIdFromString(peerId), log, orgs: new OrgRef(), events: new TypedEventEmitter<ParleyEvents>(), bus: new CoreBus() }
  }

  /** Found an org with `names[0]` as its admin and the others as members of `general`. */
  async found (...names: string[]): Promise<Person[]> {
    const [first, ...rest] = names
    const founder = await this.stranger(first!)
    const org = await Org.create(founder.log, founder.me, 'Acme', founder.name)
    founder.orgs.set(org)
    const admin: Person = { ...founder, org }
    this.people.push(admin)
    for (const name of rest) await this.admit(name)
    return this.people
  }

  /** The admin admits a newcomer; everyone else learns the records. */
  async admit (name: string, teams: string[] = []): Promise<Person> {
    const admin = this.people[0]!
    const s = await this.stranger(name)
    const { token } = await admin.org.createInvite(teams, 60 * 60 * 1000, [])
    const invite = decodeInviteToken(token)
    await admin.org.admit(s.me.peerId, invite.secret, name, s.me.box.publicKey)
    const org = await Org.adopt(s.log, s.me, admin.org.orgId, admin.org.recordBytes())
    s.orgs.set(org)
    const person: Person = { ...s, org }
    this.people.push(person)
    await this.spread()
    return person
  }

  /** Every person ingests the admin's records. */
  async spread (): Promise<void> {
    const records = this.people[0]!.org.recordBytes()
    for (const p of this.people.slice(1)) await p.org.ingest(records)
  }

  async cleanup (): Promise<void> {
    for (const p of this.people) await p.log.close().catch(() => {})
    this.people.length = 0
    for (const d of this.dirs.splice(0)) await rm(d, { recursive: true, force: true })
  }
}

/** A stream pair, and a connection-like object for each side naming the other. */
export async function pipe (dialer: PeerId, _listener: PeerId): Promise<{ outbound: Stream, inbound: Stream, inboundConnection: { remotePeer: PeerId } }> {
  const [outbound, inbound] = await streamPair()
  return { outbound, inbound, inboundConnection: { remotePeer: dialer } }
}

/** A libp2p stub that answers dialProtocol with one side of a pair served by `serve` as `listener`. */
export function dialerTo (self: PeerId, serve: (stream: Stream, connection: { remotePeer: PeerId }) => Promise<void>): { dialProtocol: (peer: unknown, protocol: string | string[]) => Promise<Stream>, handle: () => Promise<void>, unhandle: () => Promise<void>, getPeers: () => PeerId[], dialed: number } {
  const stub = {
    dialed: 0,
    dialProtocol: async (): Promise<Stream> => {
      stub.dialed++
      const { outbound, inbound, inboundConnection } = await pipe(self, self)
      void serve(inbound, inboundConnection)
      return outbound
    },
    handle: async () => {},
    unhandle: async () => {},
    getPeers: () => []
  }
  return stub
}
