/**
 * The trust model with real nodes in one process (loopback, static peers, no mDNS):
 * membership, encryption, offboarding, and every kind of forgery the org rules refuse.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { pbStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../src/crypto/keys.js'
import { InviteError, NotAdminError, NotMemberError } from '../../src/errors.js'
import { createEntry, createPresence, createRecord, decodeEntry, InviteToken, JoinRequest } from '../../src/model/index.js'
import { createParleyLibp2p } from '../../src/net/libp2p-node.js'
import { JOIN_PROTOCOL, orgTopic, presenceTopic, topicOfTeam } from '../../src/net/topics.js'
import { decodeInviteToken } from '../../src/teams/org.js'
import { peerIdOfPublicKey } from '../../src/ids.js'
import { loadOrCreateIdentity } from '../../src/store/identity-file.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { EntryLog } from '../../src/store/entry-log.js'
import type { Org } from '../../src/teams/org.js'
import type { Message } from '@libp2p/gossipsub'
import type { CoreBus } from '../../src/context.js'
import type { Connection, Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'

/** White-box access for assertions only: the node's org, log and libp2p. */
const internals = (n: ParleyNode): { org: Org, log: EntryLog, libp2p: ParleyLibp2p } => n as unknown as { org: Org, log: EntryLog, libp2p: ParleyLibp2p }

/** What `node`'s topic validator decides about each message `from` relays on `topic`, in order. */
function watchValidator (node: ParleyNode, topic: string, from: string): TopicValidatorResult[] {
  const pubsub = internals(node).libp2p.services.pubsub
  const validate = pubsub.topicValidators.get(topic)!
  const verdicts: TopicValidatorResult[] = []
  pubsub.topicValidators.set(topic, async (peer, msg) => {
    const verdict = await validate(peer, msg)
    if (peer.toString() === from) verdicts.push(verdict)
    return verdict
  })
  return verdicts
}

/** A raw gossipsub peer that is no member of anything: an outsider on the LAN. It is told nothing, so nothing is awaited. */
async function outsider (target: ParleyNode, topics: string[]): Promise<{ libp2p: ParleyLibp2p, received: Message[] }> {
  const libp2p = await createParleyLibp2p({ privateKey: await generateIdentityKey(), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
  await libp2p.start()
  const received: Message[] = []
  libp2p.services.pubsub.addEventListener('message', (e) => { received.push(e.detail) })
  for (const t of topics) libp2p.services.pubsub.subscribe(t)
  await libp2p.dial(multiaddr(target.info().addresses[0]))
  return { libp2p, received }
}

/**
 * A raw gossipsub peer that `admin` admitted to the org (and so to #general) under a key of its own:
 * a malicious member relaying whatever it likes, which every node's validators must still check.
 * Returns once `target` gossips with it on `topics`.
 */
async function memberTap (admin: ParleyNode, target: ParleyNode, topics: string[]): Promise<{ libp2p: ParleyLibp2p, received: Message[] }> {
  const libp2p = await createParleyLibp2p({ privateKey: await generateIdentityKey(), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
  await libp2p.start()
  const { token } = await admin.invite({ expires: '1h' })
  const records = await internals(admin).org.admit(libp2p.peerId.toString(), decodeInviteToken(token).secret, 'tap', new Uint8Array(32).fill(7))
  ;(admin as unknown as { bus: CoreBus }).bus.emit('org:written', { records })
  await waitFor(() => target.members().some(m => m.peerId === libp2p.peerId.toString()), 10_000, 'the target knows the tap as a member')
  const received: Message[] = []
  libp2p.services.pubsub.addEventListener('message', (e) => { received.push(e.detail) })
  for (const t of topics) libp2p.services.pubsub.subscribe(t)
  await libp2p.dial(multiaddr(target.info().addresses[0]))
  await waitFor(() => topics.every(t => libp2p.services.pubsub.getSubscribers(t).length > 0), 10_000, 'the tap sees the topic')
  return { libp2p, received }
}

describe('trust: org, team keys, offboarding', () => {
  const fx = new Fixture()
  const taps: ParleyLibp2p[] = []
  afterEach(async () => {
    for (const t of taps.splice(0)) await t.stop()
    await fx.cleanup()
  })

  it('an outsider on the topic is told nothing, hears nothing and cannot post; a member not in a team hears only ciphertext', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const orgId = admin.info().org!.id
    const tap = await outsider(admin, [topicOfTeam(orgId, 'general')])
    taps.push(tap.libp2p)
    const reached = nextEvent(admin, 'message:added', m => m.text === 'the secret launch date')
    await user.send('general', 'the secret launch date')
    await reached
    // the outsider signs an entry of its own: never read, never stored
    const key = await generateIdentityKey()
    const own = await createEntry(key, { team: 'general', seq: 1, lamport: 99, wallTime: Date.now(), epoch: 1, prev: new Uint8Array(0), body: new Uint8Array(40) })
    await tap.libp2p.services.pubsub.publish(topicOfTeam(orgId, 'general'), own.bytes).catch(() => {})
    const marker = nextEvent(admin, 'message:added', m => m.text === 'after the attempt')
    await user.send('general', 'after the attempt')
    await marker
    expect(tap.received).toEqual([])
    expect(tap.libp2p.services.pubsub.getSubscribers(topicOfTeam(orgId, 'general'))).toEqual([])
    expect(await internals(admin).log.has(own.idHex)).toBe(false)
    // a member outside a team that relays for it sees only ciphertext
    await admin.createTeam('board', [admin.peerId, user.peerId])
    await waitFor(() => user.teams().some(t => t.name === 'board'), 10_000, 'user in board')
    const member = await memberTap(admin, user, [topicOfTeam(orgId, 'board')])
    taps.push(member.libp2p)
    await admin.send('board', 'the secret board minutes')
    await waitFor(() => member.received.length > 0, 10_000, 'the member relay receives the gossip')
    for (const m of member.received) expect(Buffer.from(m.data).includes(Buffer.from('secret board'))).toBe(false)
  })

  it('offboards in one step: removed everywhere, key rotated, connections refused, the rest keep chatting', async () => {
    const [admin, stays, leaves] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    await admin.createTeam('dev', [stays.peerId, leaves.peerId])
    await waitFor(() => stays.joinedTeams().includes('dev') && leaves.joinedTeams().includes('dev'), 10_000, 'dev reaches members')
    const epochBefore = admin.teams().find(t => t.name === 'dev')!.epoch
    await admin.removeMember(leaves.peerId)
    // every team they were in got a new epoch, and the rest of the office knows
    expect(admin.teams().find(t => t.name === 'dev')!.epoch).toBe(epochBefore + 1)
    await waitFor(() => !stays.members().some(m => m.peerId === leaves.peerId), 10_000, 'removal reaches the others')
    await waitFor(() => leaves.peers().length === 0, 10_000, 'removed node cut off')
    // it dials again: the admin's gater drops it right after the handshake, and never admits it
    const admitted: string[] = []
    admin.addEventListener('peer:connected', (e) => { admitted.push(e.detail.peerId) })
    await leaves.dial(admin.info().addresses[0]!).catch(() => {}) // refused either way
    await waitFor(() => leaves.peers().length === 0, 10_000, 'redial dropped')
    expect(admitted).not.toContain(leaves.peerId)
    expect(admin.peers().map(p => p.peerId)).not.toContain(leaves.peerId)

    const arrival = nextEvent(stays, 'message:added', m => m.text === 'after the removal')
    const sent = await admin.send('dev', 'after the removal')
    expect((await arrival).readable).toBe(true)
    expect(sent.epoch).toBe(epochBefore + 1)
    // even holding the ciphertext and every key it ever had, the removed node reads nothing
    const stored = await internals(stays).log.get(sent.id)
    const v = await decodeEntry(stored!.bytes)
    expect(internals(leaves).org.decryptBody('dev', v.entry.epoch, v.author, v.entry.seq, v.entry.body)).toBeUndefined()
    expect(internals(stays).org.decryptBody('dev', v.entry.epoch, v.author, v.entry.seq, v.entry.body)).toBeDefined()
    // its own node learned of the removal before the connection closed, and refuses to post
    await expect(leaves.send('general', 'still here?')).rejects.toBeInstanceOf(NotMemberError)
    expect(leaves.joinedTeams()).toEqual([])
  })

  it('an offline member catches up on a removal and rotation when it returns, and reads what follows', async () => {
    const [admin, away, leaves] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const awayDir = away.dataDir
    await away.stop()
    await admin.removeMember(leaves.peerId)
    const back = await fx.node({ dataDir: awayDir, peers: [admin.info().addresses[0]!] })
    await waitFor(() => !back.members().some(m => m.peerId === leaves.peerId), 10_000, 'returning node learns of the removal')
    expect(back.teams().find(t => t.name === 'general')?.epoch).toBe(admin.teams().find(t => t.name === 'general')?.epoch)
    await waitFor(() => back.teamPeers('general').includes(admin.peerId), 10_000, 'back in general')
    const arrival = nextEvent(back, 'message:added', m => m.text === 'welcome back')
    await admin.send('general', 'welcome back')
    const got = await arrival
    expect(got.readable).toBe(true)
    expect(got.authorName).toBe('admin')
  })

  it('refuses forged and rolled-back rosters, with a reason', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const orgId = admin.info().org!.id
    const org = Buffer.from(orgId, 'hex')
    const tap = await memberTap(admin, user, [orgTopic(orgId)])
    taps.push(tap.libp2p)
    const membersBefore = user.teams().find(t => t.name === 'general')?.members
    const userKey = (await loadOrCreateIdentity(user.dataDir, 'x')).key
    const adminKey = (await loadOrCreateIdentity(admin.dataDir, 'x')).key
    const general = internals(admin).org.state.teams.get('general')!
    // forged: a member who is no admin writes a roster putting only themselves in general
    const forged = await createRecord(userKey, {
      org, seq: 1, lamport: 500, wallTime: Date.now(), prev: new Uint8Array(0),
      roster: { team: 'general', epoch: general.current.epoch + 1, prev: Buffer.from(general.current.recordId, 'hex'), keyCheck: new Uint8Array(32), sealed: [{ member: new Uint8Array(userKey.publicKey.raw), sealed: new Uint8Array(60) }] }
    })
    const refusedForged = nextEvent(admin, 'org:refused', r => r.signer === user.peerId)
    await tap.libp2p.services.pubsub.publish(orgTopic(orgId), forged.bytes)
    expect((await refusedForged).reason).toMatch(/not an admin/)
    // rolled back: the admin's own key signs a roster for an epoch already passed
    const head = internals(admin).org.state.heads.get(admin.peerId)!
    const rollback = await createRecord(adminKey, {
      org, seq: head.seq + 1, lamport: 600, wallTime: Date.now(), prev: Buffer.from(head.idHex, 'hex'),
      roster: { team: 'general', epoch: 1, prev: new Uint8Array(0), keyCheck: new Uint8Array(32), sealed: [{ member: new Uint8Array(adminKey.publicKey.raw), sealed: new Uint8Array(60) }] }
    })
    const refusedRollback = nextEvent(user, 'org:refused', r => /rolled-back/.test(r.reason))
    await tap.libp2p.services.pubsub.publish(orgTopic(orgId), rollback.bytes)
    await refusedRollback
    expect(user.teams().find(t => t.name === 'general')?.members).toBe(membersBefore)
  })

  it('drops an exact copy of an entry it holds without punishing the relayer, and refuses a forged sender', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const orgId = admin.info().org!.id
    const topic = topicOfTeam(orgId, 'general')
    const dir = user.dataDir
    await user.stop()
    const sent = await admin.send('general', 'original')
    // back again, the user gets the entry by history sync; a copy on gossip then is no one's fault
    const again = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
    await waitFor(async () => (await again.history('general')).messages.some(m => m.id === sent.id), 10_000, 'history sync brings the entry')
    const tap = await memberTap(admin, again, [topic])
    taps.push(tap.libp2p)
    const verdicts = watchValidator(again, topic, tap.libp2p.peerId.toString())
    const rejected: string[] = []
    again.addEventListener('entry:rejected', (e) => { rejected.push(e.detail.reason) })
    const original = await internals(admin).log.get(sent.id)
    await tap.libp2p.services.pubsub.publish(topic, original!.bytes)
    await waitFor(() => verdicts.length === 1, 10_000, 'the copy reaches the validator')
    expect(verdicts[0]).toBe(TopicValidatorResult.Ignore)
    expect(rejected).toEqual([])
    // forged sender: the admin's key as author, another entry's signature; relayed by a member, it is
    // refused for its signature (an outsider's relay is never even read: see outsider.test.ts)
    const { Entry, SignedEntry } = await import('../../src/model/index.js')
    const signed = SignedEntry.decode(original!.bytes)
    const inner = Entry.decode(signed.entry)
    const forged = SignedEntry.encode({ ...signed, entry: Entry.encode({ ...inner, seq: 2, prev: new Uint8Array(original!.id), lamport: inner.lamport + 1 }) })
    const bad = nextEvent(again, 'entry:rejected', r => r.reason === 'BadSignatureError')
    await tap.libp2p.services.pubsub.publish(topic, forged)
    await bad
    await waitFor(() => verdicts.length === 2, 10_000, 'the forgery reaches the validator')
    expect(verdicts[1]).toBe(TopicValidatorResult.Reject)
    expect((await again.history('general')).messages.map(m => m.text)).toEqual(['original'])
  })

  it('drops the presence of someone not known yet (a newcomer), and refuses forged presence', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const orgId = admin.info().org!.id
    const topic = presenceTopic(orgId)
    const tap = await memberTap(admin, user, [topic])
    taps.push(tap.libp2p)
    const verdicts = watchValidator(user, topic, tap.libp2p.peerId.toString())
    const newcomer = await generateIdentityKey()
    const announce = async (org: string): Promise<Uint8Array> => createPresence(newcomer, { org: Buffer.from(org, 'hex'), status: 'available', text: '', since: Date.now(), time: Date.now(), addresses: [] })
    await tap.libp2p.services.pubsub.publish(topic, await announce(orgId))
    await waitFor(() => verdicts.length === 1, 10_000, 'the presence reaches the validator')
    expect(verdicts[0]).toBe(TopicValidatorResult.Ignore)
    const forged = await announce(orgId)
    forged[forged.length - 1]! ^= 1 // the signature is the last field
    await tap.libp2p.services.pubsub.publish(topic, forged)
    await waitFor(() => verdicts.length === 2, 10_000, 'the forged presence reaches the validator')
    expect(verdicts[1]).toBe(TopicValidatorResult.Reject)
    await tap.libp2p.services.pubsub.publish(topic, await announce('00'.repeat(32)))
    await waitFor(() => verdicts.length === 3, 10_000, 'the other org\'s presence reaches the validator')
    expect(verdicts[2]).toBe(TopicValidatorResult.Reject)
    expect(user.presence().map(p => p.peerId)).not.toContain(peerIdOfPublicKey(newcomer.publicKey.raw))
  })

  it('a joiner whose first answer was lost joins on retry with the same invite; nobody else can use it', async () => {
    const [admin] = await fx.office(1) as [ParleyNode]
    const addr = admin.info().addresses[0]!
    const { token } = await admin.invite({ expires: '1h' })
    const joiner = await fx.node({ peers: [addr] })
    // the first attempt reaches the admin, who admits the joiner; the joiner gives up before the answer
    const invite = decodeInviteToken(token)
    const { box } = await loadOrCreateIdentity(joiner.dataDir, 'x')
    const stream = await internals(joiner).libp2p.dialProtocol(multiaddr(addr), JOIN_PROTOCOL)
    await pbStream(stream).write({ org: invite.org, secret: invite.secret, name: 'joiner', boxKey: new Uint8Array(box.publicKey) }, JoinRequest)
    await waitFor(() => admin.members().some(m => m.peerId === joiner.peerId), 10_000, 'the admin admits the joiner')
    stream.abort(new Error('gave up waiting'))
    const info = await joiner.join(token, 'joiner')
    expect(info.org?.id).toBe(admin.info().org!.id)
    expect(joiner.joinedTeams()).toEqual(['general'])
    // the same admission: nothing was written for the retry
    const state = internals(admin).org.state
    expect(state.applied.filter(r => r.op === 'addMember').length).toBe(1)
    expect(state.refused).toEqual([])
    const other = await fx.node({ peers: [addr] })
    await expect(other.join(token, 'other')).rejects.toThrow(/already used/)
    expect(admin.members().map(m => m.peerId)).not.toContain(other.peerId)
  })

  it('invites work once, expire, and forged ones are refused', async () => {
    const [admin] = await fx.office(1) as [ParleyNode]
    const addr = admin.info().addresses[0]!
    const { token } = await admin.invite({ expires: '1h' })
    const first = await fx.node({ peers: [addr] })
    await first.join(token, 'first')
    const second = await fx.node({ peers: [addr] })
    await expect(second.join(token, 'second')).rejects.toThrow(/already used/)
    // forged: the right org and admin, a secret no admin issued
    const decoded = InviteToken.decode(Buffer.from(token.slice('parley1:'.length), 'base64url'))
    const forged = 'parley1:' + Buffer.from(InviteToken.encode({ ...decoded, secret: new Uint8Array(32).fill(7) })).toString('base64url')
    await expect(second.join(forged, 'second')).rejects.toThrow(/not known to the org/)
    await expect(second.join('parley1:garbage', 'second')).rejects.toBeInstanceOf(InviteError)
    const { token: short } = await admin.invite({ expires: '1s' })
    await new Promise(resolve => setTimeout(resolve, 1200))
    await expect(second.join(short, 'second')).rejects.toThrow(/expired/)
    // and a member who is not an admin cannot invite
    await expect(first.invite()).rejects.toBeInstanceOf(NotAdminError)
    // concurrent admin actions never fork the admin's own record chain
    const tokens = await Promise.all([admin.invite(), admin.invite(), admin.createTeam('ops'), admin.invite()])
    expect(internals(admin).org.state.refused).toEqual([])
    const third = await fx.node({ peers: [addr] })
    await third.join(tokens[3].token, 'third')
  })
})

describe('trust: several admins', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('a second admin can invite and offboard while the first is away', async () => {
    const [first, second, other] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    await expect(second.invite()).rejects.toBeInstanceOf(NotAdminError)
    await first.addAdmin(second.peerId)
    await waitFor(() => second.info().org?.admin === true, 10_000, 'promotion reaches the new admin')
    await first.stop()
    const { token } = await second.invite({ expires: '1h' })
    const newcomer = await fx.node({ peers: [second.info().addresses[0]!] })
    await newcomer.join(token, 'newcomer')
    await second.removeMember(other.peerId)
    expect(second.members().map(m => m.name).sort()).toEqual(['admin', 'newcomer', 'user1'])
    await waitFor(() => newcomer.members().length === 3, 10_000, 'newcomer sees the removal')
    const arrival = nextEvent(newcomer, 'message:added', m => m.text === 'hi newcomer')
    await second.send('general', 'hi newcomer')
    expect((await arrival).readable).toBe(true)
  })
})

describe('trust: two admins apart', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  // each admin writes the next roster of general while they are apart: the second takes `other` out
  // of the team, the first offboards `leaves`; the earlier by the org's clock sorts first everywhere,
  // and the other, for the same epoch, is refused
  for (const winner of ['second', 'first'] as const) {
    it(`both admins' changes stand once they meet, the removed member holds no current key, and what was written apart stays readable (the ${winner} admin's roster first)`, async () => {
      const [first, second, leaves, other] = await fx.office(4) as [ParleyNode, ParleyNode, ParleyNode, ParleyNode]
      await first.addAdmin(second.peerId)
      await waitFor(() => second.info().org?.admin === true, 10_000, 'promotion reaches the second admin')
      const epochBefore = first.teams().find(t => t.name === 'general')!.epoch
      // the second admin is on its own for a while (another port, no peers, no mDNS here)
      const dir = second.dataDir
      await second.stop()
      const apart = await fx.node({ dataDir: dir })
      // records written before a roster make it later by the org's clock
      if (winner === 'second') {
        await apart.removeFromTeam('general', other.peerId)
        await first.invite()
        await first.removeMember(leaves.peerId)
      } else {
        await first.removeMember(leaves.peerId)
        await apart.invite()
        await apart.invite()
        await apart.removeFromTeam('general', other.peerId)
      }
      // the admin whose roster loses writes under its key meanwhile
      const loser = winner === 'second' ? first : apart
      await loser.send('general', 'during the split')
      await apart.dial(first.info().addresses[0]!)
      const rosterOf = (n: ParleyNode): { epoch: number, members: string[] } => {
        const current = internals(n).org.state.teams.get('general')!.current
        return { epoch: current.epoch, members: [...current.members].sort() }
      }
      const expected = [first.peerId, second.peerId].sort()
      for (const n of [first, apart]) {
        await waitFor(() => rosterOf(n).epoch === epochBefore + 2 && rosterOf(n).members.join() === expected.join(), 15_000, `both changes made at ${n.name}`)
      }
      // the admins go on with one team key (sealed to the two of them only, as the roster says)
      const arrival = nextEvent(apart, 'message:added', m => m.text === 'after the split')
      await first.send('general', 'after the split')
      expect((await arrival).readable).toBe(true)
      for (const n of [first, apart]) {
        await waitFor(async () => (await n.history('general')).messages.some(m => m.text === 'during the split'), 10_000, `the message written apart readable at ${n.name}`)
      }
    })
  }
})

describe('trust: a lost answer to a join', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('the joiner asks the admin that lost its answer again, not another admin that would admit it twice', async () => {
    const [first, second] = await fx.office(2) as [ParleyNode, ParleyNode]
    await first.addAdmin(second.peerId)
    await waitFor(() => second.info().org?.admin === true, 10_000, 'promotion reaches the second admin')
    const { token } = await first.invite({ expires: '1h' })
    // the joiner knows the second admin (connected), and the first by the token's address
    type ServeJoin = (stream: Stream, connection: Connection) => Promise<void>
    const asked = { first: 0, second: 0 }
    type JoinInternals = { run: { join: { serve: ServeJoin } }, bus: CoreBus }
    const firstNode = (first as unknown as JoinInternals).run.join
    const serveAtFirst = firstNode.serve.bind(firstNode)
    firstNode.serve = async (stream, connection) => { asked.first++; await serveAtFirst(stream, connection) }
    // the second admin admits the joiner the first time, and the answer is lost
    const secondInternals = second as unknown as JoinInternals
    const secondNode = secondInternals.run.join
    const serveAtSecond = secondNode.serve.bind(secondNode)
    secondNode.serve = async (stream, connection) => {
      if (++asked.second > 1) return serveAtSecond(stream, connection)
      const request = await pbStream(stream).read(JoinRequest)
      secondInternals.bus.emit('org:written', { records: await internals(second).org.admit(connection.remotePeer.toString(), request.secret, request.name, request.boxKey) })
      stream.abort(new Error('the answer is lost'))
    }
    const joiner = await fx.node({ peers: [second.info().addresses[0]!] })
    await waitFor(() => joiner.peers().some(p => p.peerId === second.peerId), 10_000, 'joiner connected to the second admin')
    const info = await joiner.join(token, 'joiner')
    expect(info.org?.id).toBe(first.info().org!.id)
    expect(asked).toEqual({ first: 0, second: 2 })
    // one admission, everywhere
    for (const admin of [first, second]) {
      await waitFor(() => admin.members().some(m => m.peerId === joiner.peerId), 10_000, 'the admission spreads')
      const state = internals(admin).org.state
      expect(state.applied.filter(r => r.op === 'addMember').length).toBe(3) // the founder, the second admin, the joiner
      expect(state.refused).toEqual([])
    }
  })
})

describe('trust: strangers', () => {
  const fx = new Fixture()
  const taps: ParleyLibp2p[] = []
  afterEach(async () => {
    for (const t of taps.splice(0)) await t.stop()
    await fx.cleanup()
  })

  it('does not keep org records signed by someone the org never heard of', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const orgId = admin.info().org!.id
    const tap = await memberTap(admin, user, [orgTopic(orgId)])
    taps.push(tap.libp2p)
    const verdicts = watchValidator(user, orgTopic(orgId), tap.libp2p.peerId.toString())
    const stranger = await generateIdentityKey()
    let prev = new Uint8Array(0)
    for (let i = 1; i <= 20; i++) {
      const junk = await createRecord(stranger, {
        org: Buffer.from(orgId, 'hex'), seq: i, lamport: i, wallTime: Date.now(), prev,
        invite: { id: new Uint8Array(32).fill(i), expires: Date.now() + 1000, teams: [], name: '' }
      })
      prev = junk.id
      await tap.libp2p.services.pubsub.publish(orgTopic(orgId), junk.bytes)
    }
    await new Promise(resolve => setTimeout(resolve, 500))
    await waitFor(() => verdicts.length === 20, 10_000, 'the junk reaches the validator')
    const stored = await internals(user).log.allRecords()
    expect(stored.every(r => r.signer === admin.peerId)).toBe(true)
  })
})
