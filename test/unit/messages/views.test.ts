import { afterEach, describe, expect, it } from 'vitest'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { Office } from '../../helpers/office.js'
import type { Person } from '../../helpers/office.js'

describe('messages/views', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('names the author by the directory, never by the name inside the entry', async () => {
    const [admin, mallory] = await office.found('admin', 'mallory') as [Person, Person]
    const { epoch, body } = mallory.org.encryptBody('general', 1, encodeBody({ text: 'new IBAN', authorName: 'admin' }))
    const v = await createEntry(mallory.me.key, { team: 'general', seq: 1, lamport: 1, wallTime: Date.now(), epoch, prev: new Uint8Array(0), body: new Uint8Array(body) })
    const views = new Views({ selfId: admin.me.peerId, orgs: admin.orgs })
    const m = views.message(v)
    expect(m.authorName).toBe('mallory')
    expect(m.local).toBe(false)
    expect(m.readable).toBe(true)
    // an author unknown to the directory is shown as unknown
    const stranger = await office.stranger('eve')
    const alien = await createEntry(stranger.me.key, { team: 'general', seq: 1, lamport: 1, wallTime: Date.now(), epoch, prev: new Uint8Array(0), body: new Uint8Array(body) })
    expect(views.message(alien).authorName).toMatch(/unknown/)
    expect(views.message(alien).readable).toBe(false)
    await stranger.log.close()
  })

  it('an entry this node holds no key for is unreadable, not dropped', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [])
    const { epoch, body } = admin.org.encryptBody('ops', 1, encodeBody({ text: 'secret', authorName: 'admin' }))
    const v = await createEntry(admin.me.key, { team: 'ops', seq: 1, lamport: 1, wallTime: Date.now(), epoch, prev: new Uint8Array(0), body: new Uint8Array(body) })
    await office.spread()
    const m = new Views({ selfId: bob.me.peerId, orgs: bob.orgs }).message(v)
    expect(m).toMatchObject({ readable: false, text: '' })
  })

  it('lists teams and members as the directory has them', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [])
    await admin.org.setRetention('general', { days: 30, hold: true, reason: 'audit' })
    const views = new Views({ selfId: admin.me.peerId, orgs: admin.orgs })
    expect(views.teams()).toEqual([
      { name: 'general', epoch: 2, members: 2, joined: true, retentionDays: 30, hold: true, holdReason: 'audit' },
      { name: 'ops', epoch: 1, members: 1, joined: true, retentionDays: 0, hold: false }
    ])
    const members = views.members(new Set([bob.me.peerId]))
    expect(members.map(m => [m.name, m.admin, m.online, m.teams])).toEqual([['admin', true, true, ['general', 'ops']], ['bob', false, true, ['general']]])
    expect(views.members(new Set(), 'ops').map(m => m.name)).toEqual(['admin'])
    expect(() => views.members(new Set(), 'nope')).toThrow(/no team/)
    const info = views.info('admin', '/data', ['/ip4/1.2.3.4/tcp/1'])
    expect(info).toMatchObject({ peerId: admin.me.peerId, org: { id: admin.org.orgId, name: 'Acme', admin: true }, teams: ['general', 'ops'] })
    expect(info.removed).toBeUndefined()
  })
})
