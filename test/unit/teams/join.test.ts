import { pbStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { InviteError, NotSyncedError } from '../../../src/errors.js'
import { JoinRequest, JoinResponse } from '../../../src/model/index.js'
import { Join } from '../../../src/teams/join.js'
import { decodeInviteToken } from '../../../src/teams/org.js'
import { collect, Office, pipe } from '../../helpers/office.js'
import type { CoreEvents } from '../../../src/context.js'
import type { Org } from '../../../src/teams/org.js'
import type { Person } from '../../helpers/office.js'
import type { PeerId, Stream } from '@libp2p/interface'

type Stranger = Awaited<ReturnType<Office['stranger']>>

/** The admin's join service, and a newcomer's whose dials reach it (the admin counts as connected). */
function services (admin: Person, newcomer: Stranger, orgForWriting: () => Org = () => admin.org): { served: Join, joining: Join, dials: { n: number } } {
  const served = new Join({ libp2p: { dialProtocol: async () => { throw new Error('unused') }, getPeers: () => [], handle: async () => {}, unhandle: async () => {} }, log: admin.log, me: admin.me, orgForWriting, events: admin.events, bus: admin.bus })
  const dials = { n: 0 }
  const joining = new Join({
    libp2p: {
      dialProtocol: async (): Promise<Stream> => {
        dials.n++
        const { outbound, inbound } = await pipe(newcomer.peer, admin.peer)
        void served.serve(inbound, { remotePeer: newcomer.peer })
        return outbound
      },
      getPeers: () => [admin.peer],
      handle: async () => {},
      unhandle: async () => {}
    },
    log: newcomer.log,
    me: newcomer.me,
    orgForWriting: () => { throw new Error('not an admin') },
    events: newcomer.events,
    bus: newcomer.bus
  })
  return { served, joining, dials }
}

describe('teams/join', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('a newcomer with an invite joins through an admin and adopts the org', async () => {
    const [admin] = await office.found('admin') as [Person]
    await admin.org.createTeam('ops', [])
    const newcomer = await office.stranger('ann')
    const written: Array<CoreEvents['org:written']['detail']> = []
    admin.bus.addEventListener('org:written', (e) => { written.push(e.detail) })
    const { token } = await admin.org.createInvite(['ops'], 60_000, [])
    const { joining } = services(admin, newcomer)
    const org = await joining.join(token, 'Ann')
    expect(org.orgId).toBe(admin.org.orgId)
    expect(org.member(newcomer.me.peerId)?.name).toBe('Ann')
    expect(org.myTeams().sort()).toEqual(['general', 'ops'])
    expect(written.flatMap(w => w.records.map(r => r.op))).toEqual(['addMember', 'roster', 'roster'])
    await newcomer.log.close()
  })

  it('an expired invite is refused before anyone is asked', async () => {
    const [admin] = await office.found('admin') as [Person]
    const newcomer = await office.stranger('ann')
    const { token } = await admin.org.createInvite([], 1_000, [])
    await new Promise(resolve => setTimeout(resolve, 1_100))
    const { joining, dials } = services(admin, newcomer)
    await expect(joining.join(token, 'Ann')).rejects.toThrow(InviteError)
    expect(dials.n).toBe(0)
    await newcomer.log.close()
  })

  it('an invite is spent once: a second identity with it is refused, and told why', async () => {
    const [admin] = await office.found('admin') as [Person]
    const { token } = await admin.org.createInvite([], 60_000, [])
    const first = await office.stranger('ann')
    await services(admin, first).joining.join(token, 'Ann')
    const second = await office.stranger('mallory')
    const refused = collect(admin.events, 'entry:rejected')
    await expect(services(admin, second).joining.join(token, 'Mallory')).rejects.toThrow(/already used/)
    expect(refused.map(r => r.from)).toEqual([second.me.peerId])
    await first.log.close()
    await second.log.close()
  })

  it('a made-up secret is refused', async () => {
    const [admin] = await office.found('admin') as [Person]
    const newcomer = await office.stranger('eve')
    const { inbound, outbound } = await pipe(newcomer.peer, admin.peer)
    const { served } = services(admin, newcomer)
    const serving = served.serve(inbound, { remotePeer: newcomer.peer })
    const pb = pbStream(outbound)
    await pb.write({ org: new Uint8Array(Buffer.from(admin.org.orgId, 'hex')), secret: new Uint8Array(32), name: 'Eve', boxKey: newcomer.me.box.publicKey }, JoinRequest)
    const answer = await pb.read(JoinResponse)
    await serving
    expect(answer.error).toBe('InviteError')
    expect(answer.records).toEqual([])
    await newcomer.log.close()
  })

  it('an invite of another org is refused', async () => {
    const [admin] = await office.found('admin') as [Person]
    const newcomer = await office.stranger('eve')
    const { token } = await admin.org.createInvite([], 60_000, [])
    const invite = decodeInviteToken(token)
    const { inbound, outbound } = await pipe(newcomer.peer, admin.peer)
    const serving = services(admin, newcomer).served.serve(inbound, { remotePeer: newcomer.peer })
    const pb = pbStream(outbound)
    await pb.write({ org: new Uint8Array(32), secret: invite.secret, name: 'Eve', boxKey: newcomer.me.box.publicKey }, JoinRequest)
    const answer = await pb.read(JoinResponse)
    await serving
    expect(answer.message).toMatch(/another org/)
    expect(admin.org.member(newcomer.me.peerId)).toBeUndefined()
    await newcomer.log.close()
  })

  it('an oversized request is not read', async () => {
    const [admin] = await office.found('admin') as [Person]
    const newcomer = await office.stranger('eve')
    const { inbound, outbound } = await pipe(newcomer.peer, admin.peer)
    const serving = services(admin, newcomer).served.serve(inbound, { remotePeer: newcomer.peer })
    const pb = pbStream(outbound, { maxDataLength: 1024 * 1024 })
    await pb.write({ org: new Uint8Array(32), secret: new Uint8Array(32), name: 'x'.repeat(64 * 1024), boxKey: new Uint8Array(32) }, JoinRequest)
    const answer = await pb.read(JoinResponse).catch(() => undefined)
    await serving
    expect(answer === undefined || answer.error !== '').toBe(true)
    expect(admin.org.state.members.size).toBe(1)
    await newcomer.log.close()
  })

  it('an admin that may not act yet (restored, not synced) refuses, and the newcomer hears why', async () => {
    const [admin] = await office.found('admin') as [Person]
    const newcomer = await office.stranger('ann')
    const { token } = await admin.org.createInvite([], 60_000, [])
    const { joining } = services(admin, newcomer, () => { throw new NotSyncedError('restored from a backup') })
    await expect(joining.join(token, 'Ann')).rejects.toThrow(/restored from a backup/)
    await newcomer.log.close()
  })

  it('with no admin to ask, says so once and keeps trying until aborted', async () => {
    const [admin] = await office.found('admin') as [Person]
    const newcomer = await office.stranger('ann')
    const { token } = await admin.org.createInvite([], 60_000, [])
    const alone = new Join({ libp2p: { dialProtocol: async () => { throw new Error('unreachable') }, getPeers: (): PeerId[] => [], handle: async () => {}, unhandle: async () => {} }, log: newcomer.log, me: newcomer.me, orgForWriting: () => admin.org, events: newcomer.events, bus: newcomer.bus })
    const waiting: string[] = []
    const abort = new AbortController()
    const joined = alone.join(token, 'Ann', { signal: abort.signal, onWaiting: (org) => { waiting.push(org); setTimeout(() => { abort.abort() }, 50) } })
    await expect(joined).rejects.toThrow()
    expect(waiting).toEqual(['Acme'])
    await newcomer.log.close()
  })
})
