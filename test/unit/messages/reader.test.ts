import { afterEach, describe, expect, it } from 'vitest'
import { InvalidArgumentError, NotMemberError } from '../../../src/errors.js'
import { Reader } from '../../../src/messages/reader.js'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { Retention } from '../../../src/retention/retention.js'
import { conversationsOf, Office } from '../../helpers/office.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Person } from '../../helpers/office.js'

async function write (author: Person, reader: Person, team: string, count: number, wallTime = Date.now()): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for (let seq = 1; seq <= count; seq++) {
    const { epoch, body } = author.org.encryptBody(team, seq, encodeBody({ text: `${team} ${seq}`, authorName: author.name }))
    const v = await createEntry(author.me.key, { team, seq, lamport: seq, wallTime: wallTime + seq, epoch, prev: seq === 1 ? new Uint8Array(0) : new Uint8Array(out[seq - 2]!.id), body: new Uint8Array(body) })
    await reader.log.append(v)
    out.push(v)
  }
  return out
}

function reader (p: Person, now = (): number => Date.now()): Reader {
  const views = new Views({ selfId: p.me.peerId, orgs: p.orgs })
  const retention = new Retention({ orgs: p.orgs, log: p.log, views, files: { forget: async () => {} }, now, events: p.events })
  return new Reader({ selfId: p.me.peerId, orgs: p.orgs, log: p.log, retention, views, conversations: conversationsOf(p, views) })
}

describe('messages/reader', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('pages a team\'s history oldest first, with a cursor to the page before', async () => {
    const [admin] = await office.found('admin') as [Person]
    await write(admin, admin, 'general', 5)
    const r = reader(admin)
    const last = await r.history('general', { limit: 2 })
    expect(last.messages.map(m => m.text)).toEqual(['general 4', 'general 5'])
    const before = await r.history('general', { limit: 2, before: last.before! })
    expect(before.messages.map(m => m.text)).toEqual(['general 2', 'general 3'])
    const first = await r.history('general', { limit: 2, before: before.before! })
    expect(first.messages.map(m => m.text)).toEqual(['general 1'])
    expect(first.before).toBeUndefined()
  })

  it('refuses a bad limit and a team that does not exist', async () => {
    const [admin] = await office.found('admin') as [Person]
    const r = reader(admin)
    await expect(r.history('general', { limit: 0 })).rejects.toThrow(InvalidArgumentError)
    await expect(r.history('general', { limit: 10_001 })).rejects.toThrow(InvalidArgumentError)
    await expect(r.history('nope')).rejects.toThrow(NotMemberError)
    await expect(r.history('Bad Name!')).rejects.toThrow()
  })

  it('lists the direct conversations this node holds messages of, by name', async () => {
    const [admin, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const r = reader(admin)
    expect(await r.directs()).toEqual([])
    await write(carol, admin, admin.org.directTeam(carol.me.peerId), 1)
    await write(bob, admin, admin.org.directTeam(bob.me.peerId), 1)
    expect((await r.directs()).map(d => d.name)).toEqual(['bob', 'carol'])
    const history = await r.history(admin.org.directTeam(bob.me.peerId))
    expect(history.messages[0]).toMatchObject({ direct: bob.me.peerId, authorName: 'bob', readable: true })
  })
})
