import { forgedSignature } from '../../helpers/forge.js'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEntry, createRecord, encodeBody, erasedForm, FEED_MAX_ENTRIES_PER_MINUTE, MAX_LAMPORT_LEAD } from '../../../src/model/index.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { StrangerGate, STRANGER_GOSSIP_PER_MINUTE } from '../../../src/net/stranger-gate.js'
import { ORG_SYNC_WAIT_MS, PREDECESSOR_WAIT_MS, TopicRouter } from '../../../src/net/topic-router.js'
import { inboxTopic, orgTopic, presenceTopic, topicOfTeam } from '../../../src/net/topics.js'
import { SignedEntry } from '../../../src/net/wire.js'
import { collect, Office } from '../../helpers/office.js'
import type { CoreEvents } from '../../../src/context.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Person } from '../../helpers/office.js'
import type { PeerId } from '@libp2p/interface'
import { useFeedLimitsForTests } from '../../../src/model/feed-quota.js'
// the limits' rule tried at small limits (those of its first design), so a test signs a few hundred
// entries rather than a real allowance's worth
let restoreFeedLimits: () => void = () => {}
beforeAll(() => { restoreFeedLimits = useFeedLimitsForTests({ entriesPerMinute: 120, bytesPerMinute: 4 * 1024 * 1024, entriesPerDay: 20_000, bytesPerDay: 64 * 1024 * 1024 }) })
afterAll(() => { restoreFeedLimits() })


/** A signed entry of `author` in `team`, encrypted under its current key (not stored anywhere). */
async function entryOf (author: Person, team: string, text: string, fields: { seq?: number, lamport?: number, epoch?: number } = {}): Promise<VerifiedEntry> {
  const seq = fields.seq ?? 1
  const { epoch, body } = author.org.encryptBody(team, seq, encodeBody({ text, authorName: author.name }))
  return createEntry(author.me.key, { team, seq, lamport: fields.lamport ?? 1, wallTime: Date.now(), epoch: fields.epoch ?? epoch, prev: new Uint8Array(0), body: new Uint8Array(body) })
}

/** A chain of `n` signed entries of `author` in `team`, all dated `wallTime`. */
async function chainOf (author: Person, team: string, n: number, wallTime: number): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for (let seq = 1; seq <= n; seq++) {
    const { epoch, body } = author.org.encryptBody(team, seq, encodeBody({ text: `junk ${seq}`, authorName: author.name }))
    const prev = out[seq - 2]
    out.push(await createEntry(author.me.key, { team, seq, lamport: seq, wallTime, epoch, prev: prev === undefined ? new Uint8Array(0) : new Uint8Array(prev.id), body: new Uint8Array(body) }))
  }
  return out
}

function router (p: Person, options: { synced?: boolean | ((peer: string) => boolean), sync?: () => Promise<void> } = {}): { router: TopicRouter, pubsub: FakePubsub, hungUp: string[], syncs: string[] } {
  const pubsub = new FakePubsub()
  const hungUp: string[] = []
  const syncs: string[] = []
  const r = new TopicRouter({
    selfId: p.me.peerId,
    orgs: p.orgs,
    pubsub: pubsub as never,
    libp2p: { hangUp: async (peer: PeerId) => { hungUp.push(peer.toString()) } },
    log: p.log,
    orgSync: { sync: async (peer: PeerId) => { syncs.push(peer.toString()); await options.sync?.() }, isSynced: (peer: string) => typeof options.synced === 'function' ? options.synced(peer) : options.synced ?? true, catchUp: async (peer: PeerId) => { syncs.push(`catch-up ${peer.toString()}`) } },
    presence: { validate: async () => TopicValidatorResult.Accept },
    strangers: new StrangerGate(),
    now: () => Date.now(),
    events: p.events,
    bus: p.bus
  })
  return { router: r, pubsub, hungUp, syncs }
}

class FakePubsub extends EventTarget {
  readonly topicValidators = new Map<string, unknown>()
  readonly subscriptions = new Set<string>()
  subscribe (topic: string): void { this.subscriptions.add(topic) }
  unsubscribe (topic: string): void { this.subscriptions.delete(topic) }
}

describe('net/topic-router', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('subscribes to the org\'s topics and this node\'s teams, and leaves a team it is taken out of', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [bob.me.peerId])
    await office.spread()
    const { router: r, pubsub } = router(bob)
    r.start()
    const id = admin.org.orgId
    expect([...pubsub.subscriptions].sort()).toEqual([orgTopic(id), presenceTopic(id), inboxTopic(id, bob.me.peerId), topicOfTeam(id, 'general'), topicOfTeam(id, 'ops')].sort())
    expect([...pubsub.topicValidators.keys()].sort()).toEqual([...pubsub.subscriptions].sort())
    await admin.org.removeFromTeam('ops', bob.me.peerId)
    await office.spread()
    r.update()
    expect(pubsub.subscriptions.has(topicOfTeam(id, 'ops'))).toBe(false)
    expect(pubsub.topicValidators.has(topicOfTeam(id, 'ops'))).toBe(false)
    // a removed node listens to nothing of the org
    await admin.org.removeMember(bob.me.peerId)
    await office.spread()
    r.update()
    expect(pubsub.subscriptions.size).toBe(0)
    r.stop()
  })

  it('accepts a member\'s entry and hands it to the bus once gossipsub delivers it', async () => {
    const [, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const { router: r, pubsub } = router(bob)
    r.start()
    const relayed: Array<CoreEvents['entry:relayed']['detail']> = []
    bob.bus.addEventListener('entry:relayed', (e) => { relayed.push(e.detail) })
    const v = await entryOf(carol, 'general', 'hello')
    const msg = { data: v.bytes }
    expect(await r.validateEntry(carol.peer, 'general', msg)).toBe(TopicValidatorResult.Accept)
    pubsub.dispatchEvent(new CustomEvent('message', { detail: msg }))
    expect(relayed.map(x => x.v.idHex)).toEqual([v.idHex])
    // a message the validator did not pass is not handed on
    pubsub.dispatchEvent(new CustomEvent('message', { detail: { data: v.bytes } }))
    expect(relayed).toHaveLength(1)
    r.stop()
  })

  it('refuses an entry relayed by someone who is not a member, even a genuine one', async () => {
    const [admin, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const v = await entryOf(carol, 'general', 'hello')
    await admin.org.removeMember(carol.me.peerId)
    await office.spread()
    const rejected = collect(bob.events, 'entry:rejected')
    const { router: r } = router(bob)
    // the removed member relays its own old entry
    expect(await r.validateEntry(carol.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Reject)
    expect(rejected.map(x => x.reason)).toEqual(['NotMemberError'])
  })

  it('refuses an entry of one team on another\'s topic, and a forged one', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [bob.me.peerId])
    await office.spread()
    const { router: r } = router(bob)
    const v = await entryOf(admin, 'ops', 'secret plans')
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Reject)
    const forged = forgedSignature(v.bytes)
    expect(await r.validateEntry(admin.peer, 'ops', { data: forged })).toBe(TopicValidatorResult.Reject)
    expect(await r.validateEntry(admin.peer, 'ops', { data: new Uint8Array([1, 2, 3]) })).toBe(TopicValidatorResult.Reject)
  })

  it('drops a copy of an entry held here without blaming the relay', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const v = await entryOf(admin, 'general', 'hi')
    await bob.log.append(v)
    const { router: r } = router(bob)
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Ignore)
  })

  it('an entry whose clock is implausibly far ahead is dropped for now, and posting is not blocked', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const rejected = collect(bob.events, 'entry:rejected')
    const { router: r } = router(bob)
    const v = await entryOf(admin, 'general', 'from the future', { lamport: Number.MAX_SAFE_INTEGER })
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Ignore)
    expect(rejected.map(x => x.reason)).toEqual(['ImplausibleEntryError'])
    const fine = await entryOf(admin, 'general', 'ok', { lamport: MAX_LAMPORT_LEAD })
    expect(await r.validateEntry(admin.peer, 'general', { data: fine.bytes })).toBe(TopicValidatorResult.Accept)
  })

  it('an entry of an epoch this node has not heard of yet sends it to the relay for the org', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.removeFromTeam('general', (await office.admit('carol')).me.peerId)
    // bob has not heard of the rotation; admin writes under the new epoch
    const v = await entryOf(admin, 'general', 'after rotation')
    const { router: r, syncs } = router(bob)
    expect(v.entry.epoch).toBeGreaterThan(bob.org.state.teams.get('general')!.current.epoch)
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Ignore)
    expect(syncs).toEqual([admin.me.peerId])
  })

  it('waits for the first org sync with a peer before judging its traffic', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const { router: r, syncs } = router(bob, { synced: false })
    const v = await entryOf(admin, 'general', 'hi')
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Accept)
    expect(syncs).toEqual([admin.me.peerId])
  })

  it('an unsigned or forged entry from a peer not synced with never starts an org sync', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const { router: r, syncs } = router(bob, { synced: false })
    const rejected = collect(bob.events, 'entry:rejected')
    const stranger = await office.stranger('outsider')
    const v = await entryOf(admin, 'general', 'hi')
    // a genuine entry with its signature flipped, relayed by an outsider and by a member
    const forged = forgedSignature(v.bytes)
    // the same entry with its signature cut off (an empty signature field)
    const unsigned = SignedEntry.encode({ ...SignedEntry.decode(v.bytes), signature: new Uint8Array(0) })
    for (const data of [forged, unsigned]) {
      expect(await r.validateEntry(stranger.peer, 'general', { data })).toBe(TopicValidatorResult.Reject)
      expect(await r.validateEntry(admin.peer, 'general', { data })).toBe(TopicValidatorResult.Reject)
    }
    expect(syncs).toEqual([])
    expect(rejected.map(x => x.reason)).toEqual(['BadSignatureError', 'BadSignatureError', 'BadSignatureError', 'BadSignatureError'])
    // the genuine entry from the member does start it
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Accept)
    expect(syncs).toEqual([admin.me.peerId])
    await stranger.log.close()
  })

  it('refuses an entry relayed without its body (erased form): it would hide the message from whoever took it', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const { router: r } = router(bob)
    const rejected = collect(bob.events, 'entry:rejected')
    const v = await entryOf(admin, 'general', 'do not hide me')
    const stripped = erasedForm(v)!
    expect(stripped.idHex).toBe(v.idHex)
    expect(await r.validateEntry(admin.peer, 'general', { data: stripped.bytes })).toBe(TopicValidatorResult.Reject)
    expect(rejected.map(x => x.reason)).toEqual(['InvalidEntryError'])
    expect(await bob.log.has(v.idHex)).toBe(false)
    // the whole entry is taken as ever
    expect(await r.validateEntry(admin.peer, 'general', { data: v.bytes })).toBe(TopicValidatorResult.Accept)
  })

  it('a member flooding a team by gossip is refused at the same entry as by history sync, after a restart too, and cannot go on', async () => {
    const [, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const rejected = collect(bob.events, 'entry:rejected')
    const gapped: string[] = []
    bob.bus.addEventListener('entry:gapped', (e) => { gapped.push(`${e.detail.team} ${e.detail.from.toString()}`) })
    const flood = await chainOf(carol, 'general', FEED_MAX_ENTRIES_PER_MINUTE + 5, Date.now())
    let r = router(bob).router
    const verdicts: TopicValidatorResult[] = []
    for (const [i, v] of flood.entries()) {
      // bob's node restarts half-way: the windows in memory are gone, and are read back from the log
      if (i === 60) r = router(bob).router
      const verdict = await r.validateEntry(carol.peer, 'general', { data: v.bytes })
      verdicts.push(verdict)
      // what the message service does with an accepted entry
      if (verdict === TopicValidatorResult.Accept) await bob.log.append(v)
    }
    expect(verdicts.slice(0, FEED_MAX_ENTRIES_PER_MINUTE).every(x => x === TopicValidatorResult.Accept)).toBe(true)
    expect(verdicts[FEED_MAX_ENTRIES_PER_MINUTE]).toBe(TopicValidatorResult.Reject)
    expect(rejected.map(x => x.reason)).toEqual(['EntryQuotaError'])
    expect(rejected[0]!.message).toMatch(/^slow down: /)
    // what follows the refused entry can never be judged, so never taken: the flood stops there
    expect(verdicts.slice(FEED_MAX_ENTRIES_PER_MINUTE + 1).every(x => x === TopicValidatorResult.Ignore)).toBe(true)
    expect(gapped[0]).toBe(`general ${carol.me.peerId}`)
    expect((await bob.log.contiguousHeads('general')).get(carol.me.peerId)?.seq).toBe(FEED_MAX_ENTRIES_PER_MINUTE)
  })

  it('an entry whose feed is not held up to it is not judged: dropped, and the team fetched from the relay', async () => {
    const [, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const gapped: string[] = []
    bob.bus.addEventListener('entry:gapped', (e) => { gapped.push(e.detail.from.toString()) })
    const [first, second] = await chainOf(carol, 'general', 2, Date.now()) as [VerifiedEntry, VerifiedEntry]
    const { router: r } = router(bob)
    expect(await r.validateEntry(carol.peer, 'general', { data: second.bytes })).toBe(TopicValidatorResult.Ignore)
    expect(gapped).toEqual([carol.me.peerId])
    // a forgery of a gapped entry is still the relay's fault
    const forgedSecond = forgedSignature(second.bytes)
    expect(await r.validateEntry(carol.peer, 'general', { data: forgedSecond })).toBe(TopicValidatorResult.Reject)
    expect(await r.validateEntry(carol.peer, 'general', { data: first.bytes })).toBe(TopicValidatorResult.Accept)
    await bob.log.append(first)
    expect(await r.validateEntry(carol.peer, 'general', { data: second.bytes })).toBe(TopicValidatorResult.Accept)
  })

  it('entries of one feed checked at once (gossipsub validates concurrently) are judged in chain order, none dropped as gapped', async () => {
    const [, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const gapped: string[] = []
    bob.bus.addEventListener('entry:gapped', (e) => { gapped.push(e.detail.from.toString()) })
    const chain = await chainOf(carol, 'general', 40, Date.now())
    // not synced: every check waits on the org sync first, so all forty are under way together
    const { router: r } = router(bob, { synced: false })
    const verdicts = await Promise.all(chain.map(async v => r.validateEntry(carol.peer, 'general', { data: v.bytes })))
    expect(verdicts.every(x => x === TopicValidatorResult.Accept)).toBe(true)
    expect(gapped).toEqual([])
  })

  it('an entry waits for its predecessor\'s check for at most PREDECESSOR_WAIT_MS: a relay whose org sync hangs holds nobody else\'s entries for long', async () => {
    const [admin, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const [first, second] = await chainOf(carol, 'general', 2, Date.now()) as [VerifiedEntry, VerifiedEntry]
    // the admin's node relays the first entry and its org sync with bob never answers (bob waits
    // ORG_SYNC_WAIT_MS for it); carol, synced, relays the second
    const { router: r } = router(bob, { synced: (peer) => peer !== admin.me.peerId, sync: async () => new Promise<void>(() => {}) })
    const settled: string[] = []
    const a = r.validateEntry(admin.peer, 'general', { data: first.bytes }).then((v) => { settled.push('first'); return v })
    const b = r.validateEntry(carol.peer, 'general', { data: second.bytes }).then((v) => { settled.push('second'); return v })
    const [va, vb] = await Promise.all([a, b])
    expect(PREDECESSOR_WAIT_MS).toBeLessThan(ORG_SYNC_WAIT_MS)
    expect(settled).toEqual(['second', 'first'])
    // judged without its predecessor counted: not taken from gossip (history sync brings it)
    expect(vb).toBe(TopicValidatorResult.Ignore)
    expect(va).toBe(TopicValidatorResult.Accept)
  })

  it('the successor of a forgery under check is not let through by the wait, and two successors of one entry (a fork) are both judged, neither held', async () => {
    const [, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const gapped: string[] = []
    bob.bus.addEventListener('entry:gapped', (e) => { gapped.push(e.detail.from.toString()) })
    const [first, second] = await chainOf(carol, 'general', 2, Date.now()) as [VerifiedEntry, VerifiedEntry]
    const { router: r } = router(bob, { synced: false })
    // the predecessor arrives forged (same id, since the id covers the signed bytes only): refused,
    // and its successor, which waited for it, is judged against a feed that does not hold it
    const forgedFirst = forgedSignature(first.bytes)
    const [a, b] = await Promise.all([
      r.validateEntry(carol.peer, 'general', { data: forgedFirst }),
      r.validateEntry(carol.peer, 'general', { data: second.bytes })
    ])
    expect(a).toBe(TopicValidatorResult.Reject)
    expect(b).toBe(TopicValidatorResult.Ignore)
    expect(gapped).toEqual([carol.me.peerId])
    // two entries naming one predecessor: both are checked once it is, and neither is held for ever
    const { epoch, body } = carol.org.encryptBody('general', 2, encodeBody({ text: 'the other version', authorName: carol.name }))
    const forkAtTwo = await createEntry(carol.me.key, { team: 'general', seq: 2, lamport: 2, wallTime: second.entry.wallTime, epoch, prev: new Uint8Array(first.id), body: new Uint8Array(body) })
    const verdicts = await Promise.all([first, second, forkAtTwo].map(async v => r.validateEntry(carol.peer, 'general', { data: v.bytes })))
    // both fit the feed before them; the log keeps whichever it stores second as fork evidence
    expect(verdicts).toEqual([TopicValidatorResult.Accept, TopicValidatorResult.Accept, TopicValidatorResult.Accept])
  })

  it('a stranger who floods is cut off and hung up on, once', async () => {
    const [, bob] = await office.found('admin', 'bob') as [Person, Person]
    const warnings = collect(bob.events, 'node:warning')
    const { router: r, hungUp } = router(bob)
    const stranger = await office.stranger('flood')
    const junk = { data: new Uint8Array([0]) }
    for (let i = 0; i < STRANGER_GOSSIP_PER_MINUTE + 5; i++) await r.validateEntry(stranger.peer, 'general', junk)
    expect(hungUp).toEqual([stranger.me.peerId])
    expect(warnings).toHaveLength(1)
    await stranger.log.close()
  })

  it('folds valid org records from the topic and refuses forged ones', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const { router: r, syncs } = router(bob)
    const ingested: string[] = []
    bob.bus.addEventListener('org:ingested', (e) => { ingested.push(e.detail.from) })
    const [team] = await admin.org.createTeam('ops', [bob.me.peerId])
    expect(await r.validateRecord(admin.peer, { data: team!.bytes })).toBe(TopicValidatorResult.Accept)
    expect(bob.org.state.teams.has('ops')).toBe(true)
    expect(ingested).toEqual([admin.me.peerId])
    const forged = new Uint8Array(team!.bytes)
    forged[forged.length - 1]! ^= 1
    expect(await r.validateRecord(admin.peer, { data: forged })).toBe(TopicValidatorResult.Reject)
    // a record by a signer unknown here: dropped without blame, and the relay asked for what is missing
    const unknown = await createRecord(await generateIdentityKey(), { org: new Uint8Array(Buffer.from(admin.org.orgId, 'hex')), seq: 1, lamport: 99, wallTime: Date.now(), prev: new Uint8Array(0), invite: { id: new Uint8Array(32), expires: Date.now() + 1000, teams: ['general'], name: '' } })
    expect(await r.validateRecord(admin.peer, { data: unknown.bytes })).toBe(TopicValidatorResult.Ignore)
    expect(syncs).toEqual([`catch-up ${admin.me.peerId}`])
  })
})
