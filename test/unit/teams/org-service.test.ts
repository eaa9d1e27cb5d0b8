import { afterEach, describe, expect, it } from 'vitest'
import { orgTopic } from '../../../src/net/topics.js'
import { OrgService, REMOVAL_GRACE_MS } from '../../../src/teams/org-service.js'
import { collect, Office } from '../../helpers/office.js'
import type { Person } from '../../helpers/office.js'
import type { PeerId } from '@libp2p/interface'

function service (p: Person, options: { publish?: 'fail' } = {}): { org: OrgService, published: string[], hungUp: string[], updated: number[] } {
  const published: string[] = []
  const hungUp: string[] = []
  const updated: number[] = []
  p.bus.addEventListener('org:updated', (e) => { updated.push(e.detail.change.applied.length) })
  const org = new OrgService({
    selfId: p.me.peerId,
    orgs: p.orgs,
    pubsub: { publish: async (topic: string) => { if (options.publish === 'fail') throw new Error('nobody there'); published.push(topic); return { recipients: [] } } },
    libp2p: { hangUp: async (peer: PeerId) => { hungUp.push(peer.toString()) } },
    events: p.events,
    bus: p.bus
  })
  return { org, published, hungUp, updated }
}

describe('teams/org-service', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('publishes the records this node writes, tells the bus and the shells', async () => {
    const [admin] = await office.found('admin') as [Person]
    const changed = collect(admin.events, 'org:changed')
    const s = service(admin)
    s.org.start()
    admin.bus.emit('org:written', { records: await admin.org.createTeam('ops', []) })
    expect(s.published).toEqual([orgTopic(admin.org.orgId)])
    expect(s.updated).toEqual([1])
    expect(changed.map(c => c.applied)).toEqual([['roster']])
    s.org.stop()
  })

  it('records from peers are followed, not published again', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const s = service(bob)
    s.org.start()
    const change = await bob.org.ingest((await admin.org.createTeam('ops', [bob.me.peerId])).map(r => r.bytes))
    bob.bus.emit('org:ingested', { change, from: admin.me.peerId })
    expect(s.published).toEqual([])
    expect(s.updated).toEqual([1])
    s.org.stop()
  })

  it('hangs up on a removed member after a moment, so the removal reaches them first', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const s = service(admin)
    s.org.start()
    admin.bus.emit('org:written', { records: await admin.org.removeMember(bob.me.peerId) })
    expect(s.hungUp).toEqual([])
    await new Promise(resolve => setTimeout(resolve, REMOVAL_GRACE_MS + 200))
    expect(s.hungUp).toEqual([bob.me.peerId])
    s.org.stop()
  })

  it('a removed node says so, and a failed publish is a warning, not an error', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const warnings = collect(bob.events, 'node:warning')
    const s = service(bob, { publish: 'fail' })
    s.org.start()
    const change = await bob.org.ingest((await admin.org.removeMember(bob.me.peerId)).map(r => r.bytes))
    bob.bus.emit('org:ingested', { change, from: admin.me.peerId })
    expect(warnings.map(w => w.message)).toEqual(['this node was removed from Acme by an admin'])
    s.org.stop()
    const adminWarnings = collect(admin.events, 'node:warning')
    const failing = service(admin, { publish: 'fail' })
    failing.org.start()
    admin.bus.emit('org:written', { records: await admin.org.createTeam('ops', []) })
    await new Promise(resolve => setImmediate(resolve))
    expect(adminWarnings[0]?.message).toMatch(/not published now/)
    failing.org.stop()
  })

  it('once stopped, follows nothing', async () => {
    const [admin] = await office.found('admin') as [Person]
    const s = service(admin)
    s.org.start()
    s.org.stop()
    admin.bus.emit('org:written', { records: await admin.org.createTeam('ops', []) })
    expect(s.published).toEqual([])
    expect(s.updated).toEqual([])
  })
})
