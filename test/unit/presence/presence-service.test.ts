import { TopicValidatorResult } from '@libp2p/gossipsub'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../../../src/errors.js'
import { createPresence } from '../../../src/model/index.js'
import { presenceTopic } from '../../../src/net/topics.js'
import { PRESENCE_INTERVAL_MS, presenceExpiryMs, presenceIntervalMs, PresenceService } from '../../../src/presence/presence-service.js'
import { collect, Office } from '../../helpers/office.js'
import type { Person } from '../../helpers/office.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * `p`'s org view, but with `members` members in all: the real ones and made-up ones after them (the
 * presence service reads only the org's id and its state's member and removed sets).
 */
function orgOf (p: Person | Awaited<ReturnType<Office['stranger']>>, members: number): Person['orgs'] {
  return {
    get current () {
      const org = p.orgs.current
      if (org === undefined) return undefined
      const padded = new Map(org.state.members)
      for (let i = 0; padded.size < members; i++) padded.set(`made-up-${i}`, [...org.state.members.values()][0]!)
      return new Proxy(org, { get: (target, prop): unknown => prop === 'state' ? { ...target.state, members: padded } : Reflect.get(target, prop) })
    }
  } as Person['orgs']
}

function presence (p: Person | Awaited<ReturnType<Office['stranger']>>, connected: PeerId[] = [], members?: number): { service: PresenceService, published: string[], learned: Array<{ peerId: string, addresses: string[] }>, pubsub: EventTarget } {
  const published: string[] = []
  const learned: Array<{ peerId: string, addresses: string[] }> = []
  const pubsub = Object.assign(new EventTarget(), { publish: async (topic: string) => { published.push(topic); return { recipients: [] } } })
  const service = new PresenceService({
    selfId: p.me.peerId,
    key: p.me.key,
    log: p.log,
    orgs: members === undefined ? p.orgs : orgOf(p, members),
    libp2p: { getPeers: () => connected, getMultiaddrs: () => [] },
    pubsub,
    keeper: { learn: (peerId: string, addresses: Multiaddr[]) => { learned.push({ peerId, addresses: addresses.map(String) }) } },
    events: p.events
  })
  return { service, published, learned, pubsub }
}

async function announcement (p: Person | Awaited<ReturnType<Office['stranger']>>, orgId: string, status = 'busy', text = 'in a meeting', time = Date.now()): Promise<{ data: Uint8Array }> {
  return { data: await createPresence(p.me.key, { org: new Uint8Array(Buffer.from(orgId, 'hex')), status, text, since: time, time, addresses: ['/ip4/10.0.0.9/tcp/7717'] }) }
}

describe('presence/presence-service', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('sets this node\'s presence, announces it and keeps it across restarts; refuses bad input', async () => {
    const [admin] = await office.found('admin') as [Person]
    const first = presence(admin)
    await first.service.start()
    const view = await first.service.set('dnd', 'focus time')
    expect(first.published).toContain(presenceTopic(admin.org.orgId))
    expect(view).toMatchObject({ peerId: admin.me.peerId, status: 'dnd', text: 'focus time' })
    await expect(first.service.set('sleeping')).rejects.toThrow(InvalidArgumentError)
    await expect(first.service.set('away', 'x'.repeat(201))).rejects.toThrow(InvalidArgumentError)
    first.service.stop()
    const again = presence(admin)
    await again.service.start()
    expect(again.service.all()[0]).toMatchObject({ status: 'dnd', text: 'focus time' })
    again.service.stop()
  })

  it('takes a member\'s signed announcement, learns its addresses if not connected, and forgets it when the peer goes', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const changed = collect(admin.events, 'presence:changed')
    const { service, learned } = presence(admin)
    await service.start()
    expect(await service.validate(bob.peer, await announcement(bob, admin.org.orgId) as never)).toBe(TopicValidatorResult.Accept)
    expect(service.all().find(p => p.peerId === bob.me.peerId)).toMatchObject({ status: 'busy', text: 'in a meeting' })
    expect(changed.at(-1)).toMatchObject({ peerId: bob.me.peerId, status: 'busy' })
    expect(learned).toEqual([{ peerId: bob.me.peerId, addresses: ['/ip4/10.0.0.9/tcp/7717'] }])
    // an older announcement does not undo a newer one
    expect(await service.validate(bob.peer, await announcement(bob, admin.org.orgId, 'available', '', Date.now() - 60_000) as never)).toBe(TopicValidatorResult.Ignore)
    service.peerGone(bob.me.peerId)
    expect(service.all().find(p => p.peerId === bob.me.peerId)?.status).toBe('offline')
    service.stop()
  })

  it('refuses a forged announcement, one for another org, and one of a removed member', async () => {
    const [admin, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const rejected = collect(admin.events, 'entry:rejected')
    const { service } = presence(admin)
    await service.start()
    const forged = await announcement(bob, admin.org.orgId)
    forged.data[forged.data.length - 1]! ^= 1
    expect(await service.validate(bob.peer, forged as never)).toBe(TopicValidatorResult.Reject)
    expect(await service.validate(bob.peer, await announcement(bob, '00'.repeat(32)) as never)).toBe(TopicValidatorResult.Reject)
    await admin.org.removeMember(carol.me.peerId)
    expect(await service.validate(carol.peer, await announcement(carol, admin.org.orgId) as never)).toBe(TopicValidatorResult.Reject)
    expect(rejected.map(r => r.reason)).toEqual(['BadSignatureError', 'NotMemberError', 'NotMemberError'])
    service.stop()
  })

  it('holds a newcomer\'s announcement until the record admitting them arrives', async () => {
    const [admin] = await office.found('admin') as [Person]
    const { service } = presence(admin)
    await service.start()
    const newcomer = await office.stranger('ann')
    expect(await service.validate(newcomer.peer, await announcement(newcomer, admin.org.orgId, 'away', 'lunch') as never)).toBe(TopicValidatorResult.Ignore)
    expect(service.all().some(p => p.peerId === newcomer.me.peerId)).toBe(false)
    const { token } = await admin.org.createInvite([], 60_000, [])
    const { decodeInviteToken } = await import('../../../src/teams/org.js')
    await admin.org.admit(newcomer.me.peerId, decodeInviteToken(token).secret, 'ann', newcomer.me.box.publicKey)
    service.orgChanged(true)
    expect(service.all().find(p => p.peerId === newcomer.me.peerId)).toMatchObject({ status: 'away', text: 'lunch' })
    service.stop()
    await newcomer.log.close()
  })

  it('a peer that starts listening for presence hears ours at once, once for several', async () => {
    const [admin] = await office.found('admin') as [Person]
    const { service, published, pubsub } = presence(admin)
    await service.start()
    await new Promise(resolve => setTimeout(resolve, 50))
    const before = published.length
    const subscribed = { subscriptions: [{ topic: presenceTopic(admin.org.orgId), subscribe: true }] }
    pubsub.dispatchEvent(new CustomEvent('subscription-change', { detail: subscribed }))
    pubsub.dispatchEvent(new CustomEvent('subscription-change', { detail: subscribed }))
    pubsub.dispatchEvent(new CustomEvent('subscription-change', { detail: { subscriptions: [{ topic: 'other', subscribe: true }] } }))
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(published.length - before).toBe(1)
    service.stop()
  })

  it('a removed node announces nothing', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.removeMember(bob.me.peerId)
    await office.spread()
    const { service, published } = presence(bob)
    await service.start()
    await service.set('available')
    expect(published).toEqual([])
    service.stop()
  })

  it('repeats its presence less often in a larger org, so that the org\'s presence traffic stays bounded', () => {
    expect(presenceIntervalMs(1)).toBe(PRESENCE_INTERVAL_MS)
    expect(presenceIntervalMs(10)).toBe(15_000)
    expect(presenceIntervalMs(11)).toBe(30_000)
    expect(presenceIntervalMs(30)).toBe(45_000)
    expect(presenceIntervalMs(50)).toBe(75_000)
    expect(presenceIntervalMs(100_000)).toBe(300_000)
    expect(presenceExpiryMs(10)).toBe(50_000)
    // announcements per second of the whole org: never more than a 10-member org makes
    for (const n of [10, 11, 19, 20, 29, 30, 50, 99, 200]) expect(n / presenceIntervalMs(n)).toBeLessThanOrEqual(10 / 15_000)
  })

  it('in an org of 25 announces every third round, and counts a member offline only after three such intervals and a third', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
      const { service, published } = presence(admin, [], 25)
      await service.start()
      await vi.advanceTimersByTimeAsync(10)
      expect(published).toHaveLength(1)
      expect(await service.validate(bob.peer, await announcement(bob, admin.org.orgId) as never)).toBe(TopicValidatorResult.Accept)
      await vi.advanceTimersByTimeAsync(2 * PRESENCE_INTERVAL_MS)
      expect(published).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(PRESENCE_INTERVAL_MS)
      expect(published).toHaveLength(2)
      // bob, heard once 45 s ago: still busy at 149 s, offline after 150 s
      await vi.advanceTimersByTimeAsync(149_000 - 3 * PRESENCE_INTERVAL_MS)
      expect(service.all().find(p => p.peerId === bob.me.peerId)?.status).toBe('busy')
      await vi.advanceTimersByTimeAsync(2_000)
      expect(service.all().find(p => p.peerId === bob.me.peerId)?.status).toBe('offline')
      service.stop()
    } finally {
      vi.useRealTimers()
    }
  })

  it('in a small org counts a member offline 50 s after it was last heard', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
      const { service } = presence(admin)
      await service.start()
      expect(await service.validate(bob.peer, await announcement(bob, admin.org.orgId) as never)).toBe(TopicValidatorResult.Accept)
      vi.setSystemTime(Date.now() + 49_000)
      expect(service.all().find(p => p.peerId === bob.me.peerId)?.status).toBe('busy')
      vi.setSystemTime(Date.now() + 2_000)
      expect(service.all().find(p => p.peerId === bob.me.peerId)?.status).toBe('offline')
      service.stop()
    } finally {
      vi.useRealTimers()
    }
  })
})
