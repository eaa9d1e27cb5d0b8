import { pbStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createRecord, OrgHeads, OrgRecords } from '../../../src/model/index.js'
import { MAX_STRANGER_ORG_REPLY, OrgSync } from '../../../src/teams/org-sync.js'
import { collect, dialerTo, Office, pipe } from '../../helpers/office.js'
import type { CoreEvents } from '../../../src/context.js'
import type { Person } from '../../helpers/office.js'
import type { Stream } from '@libp2p/interface'

function service (p: Pick<Person, 'orgs' | 'events' | 'bus'>, serve: (stream: Stream, connection: { remotePeer: Person['peer'] }) => Promise<void>, self: Person['peer']): { sync: OrgSync, stub: ReturnType<typeof dialerTo> } {
  const stub = dialerTo(self, serve)
  return { sync: new OrgSync({ libp2p: stub, orgs: p.orgs, events: p.events, bus: p.bus }), stub }
}

describe('teams/org-sync', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('a member fetches the records it lacks from a member, and tells the bus', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const served = new OrgSync({ libp2p: dialerTo(admin.peer, async () => {}), orgs: admin.orgs, events: admin.events, bus: admin.bus })
    await admin.org.createTeam('ops', [bob.me.peerId])
    const { sync } = service(bob, async (s, c) => served.serve(s, c), bob.peer)
    const ingested: Array<CoreEvents['org:ingested']['detail']> = []
    bob.bus.addEventListener('org:ingested', (e) => { ingested.push(e.detail) })
    await sync.start()
    expect(sync.isSynced(admin.me.peerId)).toBe(false)
    await sync.sync(admin.peer)
    expect(bob.org.state.teams.has('ops')).toBe(true)
    expect(ingested).toHaveLength(1)
    expect(ingested[0]!.from).toBe(admin.me.peerId)
    expect(sync.isSynced(admin.me.peerId)).toBe(true)
    expect(sync.syncedOnce).toBe(true)
    sync.peerGone(admin.me.peerId)
    expect(sync.isSynced(admin.me.peerId)).toBe(false)
    await sync.stop()
  })

  it('concurrent syncs with one peer share one exchange', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const served = new OrgSync({ libp2p: dialerTo(admin.peer, async () => {}), orgs: admin.orgs, events: admin.events, bus: admin.bus })
    const { sync, stub } = service(bob, async (s, c) => served.serve(s, c), bob.peer)
    await sync.start()
    await Promise.all([sync.sync(admin.peer), sync.sync(admin.peer), sync.sync(admin.peer)])
    expect(stub.dialed).toBe(1)
    await sync.stop()
  })

  it('serves nobody outside the directory, reading nothing of what they send', async () => {
    const [admin] = await office.found('admin') as [Person]
    const outsider = await office.stranger('eve')
    const served = new OrgSync({ libp2p: dialerTo(admin.peer, async () => {}), orgs: admin.orgs, events: admin.events, bus: admin.bus })
    const { outbound, inbound } = await pipe(outsider.peer, admin.peer)
    await served.serve(inbound, { remotePeer: outsider.peer })
    expect(inbound.status).toBe('aborted')
    // the outsider's request goes nowhere and no answer comes
    const pb = pbStream(outbound)
    await pb.write({ org: new Uint8Array(Buffer.from(admin.org.orgId, 'hex')), heads: [] }, OrgHeads).catch(() => {})
    await expect(pb.read(OrgRecords, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
    await outsider.log.close()
  })

  it('refuses a member who names another org', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const served = new OrgSync({ libp2p: dialerTo(admin.peer, async () => {}), orgs: admin.orgs, events: admin.events, bus: admin.bus })
    const { outbound, inbound } = await pipe(bob.peer, admin.peer)
    const serving = served.serve(inbound, { remotePeer: bob.peer })
    const pb = pbStream(outbound)
    await pb.write({ org: new Uint8Array(32), heads: [] }, OrgHeads)
    await serving
    await expect(pb.read(OrgRecords, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
  })

  it('a reply from a peer outside the directory is bounded, and nothing of an oversized one is checked', async () => {
    const [admin] = await office.found('admin') as [Person]
    const rejected = collect(admin.events, 'entry:rejected')
    const forged = await createRecord(await generateIdentityKey(), { org: new Uint8Array(Buffer.from(admin.org.orgId, 'hex')), seq: 1, lamport: 1, wallTime: Date.now(), prev: new Uint8Array(0), invite: { id: new Uint8Array(32), expires: 0, teams: [], name: '' } })
    const bad = new Uint8Array(forged.bytes)
    bad[bad.length - 1]! ^= 1
    const stranger = await office.stranger('mallory')
    const answer = async (s: Stream, copies: number): Promise<void> => {
      const pb = pbStream(s, { maxDataLength: 8 * MAX_STRANGER_ORG_REPLY })
      await pb.read(OrgHeads)
      await pb.write({ records: Array.from({ length: copies }, () => bad) }, OrgRecords).catch(() => {})
    }
    // within the bound, each record is checked (and refused)
    const small = service(admin, async (s) => answer(s, 2), admin.peer).sync
    await small.start()
    await small.sync(stranger.peer)
    expect(rejected.map(r => r.reason)).toEqual(['BadSignatureError', 'BadSignatureError'])
    rejected.length = 0
    await small.stop()
    const { sync } = service(admin, async (s) => answer(s, Math.ceil(2 * MAX_STRANGER_ORG_REPLY / bad.length)), admin.peer)
    await sync.start()
    await sync.sync(stranger.peer)
    expect(rejected).toEqual([])
    expect(sync.isSynced(stranger.me.peerId)).toBe(false)
    await sync.stop()
    await stranger.log.close()
  })

  it('forged records in a member\'s reply are refused one by one and reported', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const rejected = collect(bob.events, 'entry:rejected')
    const forged = await createRecord(await generateIdentityKey(), { org: new Uint8Array(Buffer.from(admin.org.orgId, 'hex')), seq: 1, lamport: 1, wallTime: Date.now(), prev: new Uint8Array(0), invite: { id: new Uint8Array(32), expires: 0, teams: [], name: '' } })
    const bad = new Uint8Array(forged.bytes)
    bad[bad.length - 1]! ^= 1
    const before = bob.org.state.applied.length
    const { sync } = service(bob, async (s) => {
      const pb = pbStream(s)
      await pb.read(OrgHeads)
      await pb.write({ records: [bad] }, OrgRecords)
    }, bob.peer)
    await sync.start()
    await sync.sync(admin.peer)
    expect(rejected.map(r => r.reason)).toEqual(['BadSignatureError'])
    expect(bob.org.state.applied.length).toBe(before)
    await sync.stop()
  })

  it('catch-ups with one peer are spaced and shared', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const served = new OrgSync({ libp2p: dialerTo(admin.peer, async () => {}), orgs: admin.orgs, events: admin.events, bus: admin.bus })
    const { sync, stub } = service(bob, async (s, c) => served.serve(s, c), bob.peer)
    await sync.start()
    await Promise.all([sync.catchUp(admin.peer), sync.catchUp(admin.peer)])
    expect(stub.dialed).toBe(1)
    await sync.catchUp(admin.peer)
    expect(stub.dialed).toBe(2)
    // stopping ends a catch-up that waits its turn
    const waiting = sync.catchUp(admin.peer)
    await sync.stop()
    await waiting
    expect(stub.dialed).toBe(2)
  })
})
