import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EntryQuotaError, InvalidArgumentError, NotMemberError, NotSyncedError } from '../../../src/errors.js'
import { MessageService } from '../../../src/messages/message-service.js'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody, FEED_MAX_ENTRIES_PER_MINUTE, FEED_MINUTE_MS } from '../../../src/model/index.js'
import { inboxTopic, topicOfTeam } from '../../../src/net/topics.js'
import { RestoreGate } from '../../../src/store/restore-gate.js'
import { collect, conversationsOf, Office } from '../../helpers/office.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Person } from '../../helpers/office.js'
import type { PeerId } from '@libp2p/interface'
import { useFeedLimitsForTests } from '../../../src/model/feed-quota.js'
// the limits' rule tried at small limits (those of its first design), so a test signs a few hundred
// entries rather than a real allowance's worth
let restoreFeedLimits: () => void = () => {}
beforeAll(() => { restoreFeedLimits = useFeedLimitsForTests({ entriesPerMinute: 120, bytesPerMinute: 4 * 1024 * 1024, entriesPerDay: 20_000, bytesPerDay: 64 * 1024 * 1024 }) })
afterAll(() => { restoreFeedLimits() })


interface Harness {
  messages: MessageService
  published: Array<{ topic: string, bytes: Uint8Array }>
  indexed: VerifiedEntry[]
  synced: Array<{ peer: string, team: string }>
  restore: RestoreGate
}

function harness (p: Person, options: { publish?: 'fail', peers?: PeerId[], syncBrings?: boolean, now?: () => number } = {}): Harness {
  const published: Harness['published'] = []
  const indexed: VerifiedEntry[] = []
  const synced: Harness['synced'] = []
  const lastSynced = new Map<string, number>()
  const restore = new RestoreGate(p.log)
  const views = new Views({ selfId: p.me.peerId, orgs: p.orgs, forks: p.log.forkBook })
  const messages = new MessageService({
    selfId: p.me.peerId,
    key: p.me.key,
    self: { name: p.name },
    dataDir: '/nowhere',
    orgs: p.orgs,
    log: p.log,
    pubsub: {
      publish: async (topic: string, bytes: Uint8Array) => {
        if (options.publish === 'fail') throw new Error('no peers subscribed')
        published.push({ topic, bytes })
        return { recipients: [] }
      },
      getSubscribers: () => options.peers ?? []
    },
    libp2p: { getPeers: () => options.peers ?? [] },
    history: {
      syncedTeams: new Set<string>(),
      lastSynced,
      syncTeam: async (peer: PeerId, team: string) => {
        synced.push({ peer: peer.toString(), team })
        if (options.syncBrings === true) lastSynced.set(team, Date.now())
        return 0
      }
    },
    restore,
    indexer: { add: (vs: VerifiedEntry[]) => { indexed.push(...vs) } },
    views,
    conversations: conversationsOf(p, views),
    now: options.now ?? (() => Date.now()),
    events: p.events,
    bus: p.bus
  })
  messages.start()
  return { messages, published, indexed, synced, restore }
}

describe('messages/message-service', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('stores a post durably, indexes it, tells the shells and publishes it on the team topic', async () => {
    const [admin] = await office.found('admin') as [Person]
    const added = collect(admin.events, 'message:added')
    const h = harness(admin)
    const view = await h.messages.send('general', 'hello')
    expect(view).toMatchObject({ team: 'general', text: 'hello', seq: 1, local: true, readable: true, recipients: 0 })
    expect(await admin.log.get(view.id)).toBeDefined()
    expect(h.indexed.map(v => v.idHex)).toEqual([view.id])
    expect(added.map(m => m.id)).toEqual([view.id])
    expect(h.published.map(p => p.topic)).toEqual([topicOfTeam(admin.org.orgId, 'general')])
    await h.messages.stop()
  })

  it('refuses a post over the limits every receiver applies, before signing, with "slow down", and the feed has no gap', async () => {
    const [admin] = await office.found('admin') as [Person]
    let clock = Date.now()
    const h = harness(admin, { now: () => clock })
    // in flight together (one group commit) and one after another: the same limit
    const burst = await Promise.allSettled(Array.from({ length: FEED_MAX_ENTRIES_PER_MINUTE + 3 }, async (_, i) => h.messages.send('general', `m${i}`)))
    const refused = burst.flatMap(x => x.status === 'rejected' ? [x.reason as Error] : [])
    expect(burst.filter(x => x.status === 'fulfilled')).toHaveLength(FEED_MAX_ENTRIES_PER_MINUTE)
    expect(refused.map(e => e.name)).toEqual(['EntryQuotaError', 'EntryQuotaError', 'EntryQuotaError'])
    expect(refused[0]).toBeInstanceOf(EntryQuotaError)
    expect(refused[0]!.message).toMatch(/^slow down: you would have 121 entries in a minute in general/)
    await expect(h.messages.send('general', 'one more')).rejects.toThrow(EntryQuotaError)
    // nothing refused was stored, signed into the chain, or published
    expect((await admin.log.feedHead('general', admin.me.peerId))?.entry.seq).toBe(FEED_MAX_ENTRIES_PER_MINUTE)
    expect(h.published).toHaveLength(FEED_MAX_ENTRIES_PER_MINUTE)
    // a minute later the feed goes on from the same head
    clock += FEED_MINUTE_MS + 1
    const next = await h.messages.send('general', 'later')
    expect(next.seq).toBe(FEED_MAX_ENTRIES_PER_MINUTE + 1)
    const head = await admin.log.feedHead('general', admin.me.peerId)
    const before = await admin.log.get(Buffer.from(head!.entry.prev).toString('hex'))
    expect(before?.entry.seq).toBe(FEED_MAX_ENTRIES_PER_MINUTE)
    await h.messages.stop()
  })

  it('never repeats a sequence number, however many posts are in flight', async () => {
    const [admin] = await office.found('admin') as [Person]
    const h = harness(admin)
    const views = await Promise.all(Array.from({ length: 20 }, async (_, i) => h.messages.send('general', `m${i}`)))
    expect(views.map(v => v.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    const head = await admin.log.feedHead('general', admin.me.peerId)
    expect(head?.entry.seq).toBe(20)
    // lamport clocks grow too
    expect(new Set(views.map(v => v.lamport)).size).toBe(20)
    await h.messages.stop()
  })

  it('writes posts in flight together (one batch, one fsync), each reported only once its batch is durable', async () => {
    const [admin] = await office.found('admin') as [Person]
    const batches: number[] = []
    const appendMany = admin.log.appendMany.bind(admin.log)
    let failNext = false
    admin.log.appendMany = async (vs, options) => {
      batches.push(vs.length)
      expect(options?.durable).toBe(true)
      if (failNext) {
        failNext = false
        throw new Error('ENOSPC: no space left on device')
      }
      return appendMany(vs, options)
    }
    const h = harness(admin)
    const views = await Promise.all(Array.from({ length: 10 }, async (_, i) => h.messages.send('general', `m${i}`)))
    expect(batches.reduce((a, b) => a + b, 0)).toBe(10)
    expect(batches.length).toBeLessThan(10)
    for (const v of views) expect(await admin.log.get(v.id)).toBeDefined()
    // a batch that fails is refused whole (disk full), and the next post takes up the same sequence number
    failNext = true
    await expect(h.messages.send('general', 'lost')).rejects.toThrow(/disk holding/)
    const next = await h.messages.send('general', 'after')
    expect(next.seq).toBe(11)
    expect((await admin.log.contiguousHeads('general')).get(admin.me.peerId)?.seq).toBe(11)
    await h.messages.stop()
  })

  it('a direct message goes to the other person\'s inbox topic; only directory members can be written to', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const h = harness(admin)
    const view = await h.messages.sendDirect(bob.me.peerId, 'psst')
    expect(view.direct).toBe(bob.me.peerId)
    expect(h.published.map(p => p.topic)).toEqual([inboxTopic(admin.org.orgId, bob.me.peerId)])
    await expect(h.messages.sendDirect(admin.me.peerId, 'me')).rejects.toThrow(NotMemberError)
    const stranger = await office.stranger('x')
    await expect(h.messages.sendDirect(stranger.me.peerId, 'hi')).rejects.toThrow(NotMemberError)
    await stranger.log.close()
    await h.messages.stop()
  })

  it('refuses empty text, and a team this node is not in', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [])
    await office.spread()
    const h = harness(bob)
    await expect(h.messages.send('general', '   ')).rejects.toThrow(InvalidArgumentError)
    await expect(h.messages.send('ops', 'let me in')).rejects.toThrow()
    expect(await bob.log.feedHead('ops', bob.me.peerId)).toBeUndefined()
    await h.messages.stop()
  })

  it('a post that cannot be published now is still stored, and says so', async () => {
    const [admin] = await office.found('admin') as [Person]
    const warnings = collect(admin.events, 'node:warning')
    const h = harness(admin, { publish: 'fail' })
    const view = await h.messages.send('general', 'later')
    expect(view.recipients).toBe(0)
    expect(await admin.log.get(view.id)).toBeDefined()
    expect(warnings[0]?.message).toMatch(/stored but not published/)
    await h.messages.stop()
  })

  it('a restored node posts only once a peer has sent it the team, and remembers that', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.log.meta('restored').put({ at: Date.now(), confirmed: [] })
    const alone = harness(admin)
    await alone.restore.load()
    await expect(alone.messages.send('general', 'hi')).rejects.toThrow(NotSyncedError)
    await alone.messages.stop()
    const h = harness(admin, { peers: [bob.peer], syncBrings: true })
    await h.restore.load()
    await h.messages.send('general', 'hi')
    expect(h.synced).toEqual([{ peer: bob.me.peerId, team: 'general' }])
    expect(h.restore.mustConfirm('general')).toBe(false)
    expect(await admin.log.meta('restored').get()).toMatchObject({ confirmed: ['general'] })
    await h.messages.stop()
  })

  it('stores an entry a peer relayed; a gap before it is fetched from that peer, and a fork reported', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const added = collect(bob.events, 'message:added')
    const forks = collect(bob.events, 'entry:forked')
    const h = harness(bob)
    const make = async (seq: number, text: string): Promise<VerifiedEntry> => {
      const { epoch, body } = admin.org.encryptBody('general', seq, encodeBody({ text, authorName: 'admin' }))
      return createEntry(admin.me.key, { team: 'general', seq, lamport: seq, wallTime: Date.now(), epoch, prev: seq === 1 ? new Uint8Array(0) : new Uint8Array(32), body: new Uint8Array(body) })
    }
    const second = await make(2, 'second')
    await h.messages.accept(second, admin.peer)
    expect(added.map(m => m.text)).toEqual(['second'])
    expect(h.synced).toEqual([{ peer: admin.me.peerId, team: 'general' }])
    const rival = await make(2, 'rival second')
    await h.messages.accept(rival, admin.peer)
    expect(forks.map(f => f.forkId)).toEqual([rival.idHex])
    // the message as marked now goes with the report, and both versions are published once on the
    // team topic, so that a colleague holding either learns of the other
    expect(forks[0]!.message).toMatchObject({ id: second.idHex, forker: true, forked: { otherId: rival.idHex } })
    expect(forks[0]!.message?.forked?.versions.map(v => v.text).sort()).toEqual(['rival second', 'second'])
    const topic = topicOfTeam(admin.org.orgId, 'general')
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
    expect(h.published.map(p => ({ topic: p.topic, bytes: hex(p.bytes) }))).toEqual([{ topic, bytes: hex(second.bytes) }, { topic, bytes: hex(rival.bytes) }])
    // the same evidence again, or a third version: neither reported nor published again
    await h.messages.accept(rival, admin.peer)
    await h.messages.accept(await make(2, 'third second'), admin.peer)
    expect(forks).toHaveLength(1)
    expect(h.published).toHaveLength(2)
    await h.messages.stop()
  })

  it('a fork in a direct conversation is reported and marked but not published: its one other reader is the forker', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const forks = collect(bob.events, 'entry:forked')
    const h = harness(bob)
    const team = admin.org.directTeam(bob.me.peerId)
    const make = async (text: string): Promise<VerifiedEntry> => {
      const { epoch, body } = admin.org.encryptBody(team, 1, encodeBody({ text, authorName: 'admin' }))
      return createEntry(admin.me.key, { team, seq: 1, lamport: 1, wallTime: Date.now(), epoch, prev: new Uint8Array(0), body: new Uint8Array(body) })
    }
    await h.messages.accept(await make('one'), admin.peer)
    await h.messages.accept(await make('two'), admin.peer)
    expect(forks).toHaveLength(1)
    expect(forks[0]!.message?.forked?.versions.map(v => v.text).sort()).toEqual(['one', 'two'])
    expect(h.published).toEqual([])
    await h.messages.stop()
  })
})
