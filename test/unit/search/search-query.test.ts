import { afterEach, describe, expect, it } from 'vitest'
import { InvalidArgumentError, NotMemberError } from '../../../src/errors.js'
import { exportTeam } from '../../../src/export/team-export.js'
import { verifyExport } from '../../../src/export/export-file.js'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { Retention } from '../../../src/retention/retention.js'
import { ADD_DELAY_MS, SearchIndexer } from '../../../src/search/indexer.js'
import { searchMessages } from '../../../src/search/search-query.js'
import { conversationsOf, Office } from '../../helpers/office.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Person } from '../../helpers/office.js'
import type { Conversations } from '../../../src/messages/conversations.js'

const DAY = 24 * 60 * 60 * 1000

/** `author` writes `texts` in `team`, stored in `reader`'s log (as if received). */
async function write (author: Person, reader: Person, team: string, texts: string[], start = Date.now()): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  const head = await reader.log.feedHead(team, author.me.peerId)
  let seq = head?.entry.seq ?? 0
  let prev = head === undefined ? new Uint8Array(0) : new Uint8Array(head.id)
  for (const [i, text] of texts.entries()) {
    seq++
    const { epoch, body } = author.org.encryptBody(team, seq, encodeBody({ text, authorName: author.name }))
    const v = await createEntry(author.me.key, { team, seq, lamport: (await reader.log.lamport(team)) + 1, wallTime: start + i, epoch, prev, body: new Uint8Array(body) })
    await reader.log.append(v)
    prev = new Uint8Array(v.id)
    out.push(v)
  }
  return out
}

function services (p: Person, now = (): number => Date.now()): { indexer: SearchIndexer, retention: Retention, views: Views, stop: AbortController, conversations: Conversations } {
  const views = new Views({ selfId: p.me.peerId, orgs: p.orgs })
  const stop = new AbortController()
  const indexer = new SearchIndexer({ log: p.log, bodyOf: (v) => views.bodyOf(v), noticeFile: async () => {}, teams: async () => p.org.myTeams(), whenSyncIdle: async () => {}, warn: () => {}, stopping: stop.signal })
  const retention = new Retention({ orgs: p.orgs, log: p.log, views, files: { forget: async () => {} }, now, events: p.events })
  return { indexer, retention, views, stop, conversations: conversationsOf(p, views) }
}

describe('search/search-query and export/team-export', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('finds every word across this node\'s teams, newest first; filters by author, time and team', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    await admin.org.createTeam('ops', [bob.me.peerId])
    await office.spread()
    const s = services(bob)
    await s.indexer.start()
    const t0 = Date.now()
    s.indexer.add(await write(admin, bob, 'general', ['the quarterly budget is due', 'lunch at noon'], t0))
    s.indexer.add(await write(bob, bob, 'ops', ['budget review tomorrow'], t0 + 10))
    const c = { orgs: bob.orgs, log: bob.log, indexer: s.indexer, retention: s.retention, views: s.views, conversations: s.conversations, directTeams: async () => [] }
    expect((await searchMessages(c, 'budget')).map(m => m.text)).toEqual(['budget review tomorrow', 'the quarterly budget is due'])
    expect((await searchMessages(c, 'budget quarterly')).map(m => m.text)).toEqual(['the quarterly budget is due'])
    expect((await searchMessages(c, 'budget', { from: 'admin' })).map(m => m.authorName)).toEqual(['admin'])
    expect((await searchMessages(c, 'budget', { team: 'ops' })).map(m => m.team)).toEqual(['ops'])
    expect((await searchMessages(c, 'budget', { since: t0 + 5 })).map(m => m.team)).toEqual(['ops'])
    await expect(searchMessages(c, '  ')).rejects.toThrow(InvalidArgumentError)
    await expect(searchMessages(c, 'x', { limit: 0 })).rejects.toThrow(InvalidArgumentError)
    await expect(searchMessages(c, 'x', { from: 'nobody' })).rejects.toThrow(InvalidArgumentError)
    await admin.org.createTeam('hr', [])
    await office.spread()
    await expect(searchMessages(c, 'x', { team: 'hr' })).rejects.toThrow(NotMemberError)
    // a team this node left is no longer searchable here
    s.indexer.dropTeam('ops')
    await s.indexer.current()
    expect((await searchMessages(c, 'budget')).map(m => m.team)).toEqual(['general'])
    s.stop.abort()
    await s.indexer.stop()
  })

  it('indexes entries that arrive one by one within ADD_DELAY_MS in one write, and a search takes them at once', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const s = services(bob)
    await s.indexer.start()
    const index = bob.log.searchIndex()
    const writes: number[] = []
    const add = index.add.bind(index)
    index.add = async (items) => { writes.push(items.length); return add(items) }
    const t0 = Date.now()
    for (const [i, text] of ['standup moved', 'standup at ten', 'standup notes'].entries()) {
      s.indexer.add(await write(admin, bob, 'general', [text], t0 + i))
    }
    await new Promise(resolve => setTimeout(resolve, ADD_DELAY_MS * 4))
    expect(writes).toEqual([3])
    // a search does not wait for the delay
    s.indexer.add(await write(admin, bob, 'general', ['standup cancelled'], t0 + 10))
    const c = { orgs: bob.orgs, log: bob.log, indexer: s.indexer, retention: s.retention, views: s.views, conversations: s.conversations, directTeams: async () => [] }
    expect((await searchMessages(c, 'cancelled')).map(m => m.text)).toEqual(['standup cancelled'])
    expect(writes).toEqual([3, 1])
    await s.indexer.stop()
  })

  it('never finds what is past retention', async () => {
    const [admin] = await office.found('admin') as [Person]
    const now = Date.now()
    const s = services(admin, () => now)
    await s.indexer.start()
    s.indexer.add(await write(admin, admin, 'general', ['old budget'], now - 10 * DAY))
    s.indexer.add(await write(admin, admin, 'general', ['new budget'], now))
    await admin.org.setRetention('general', { days: 5 })
    const c = { orgs: admin.orgs, log: admin.log, indexer: s.indexer, retention: s.retention, views: s.views, conversations: s.conversations, directTeams: async () => [] }
    expect((await searchMessages(c, 'budget')).map(m => m.text)).toEqual(['new budget'])
    s.stop.abort()
    await s.indexer.stop()
  })

  it('exports a team with its membership changes, signed and verifiable, leaving out what is past retention', async () => {
    const [admin, bob] = await office.found('admin', 'bob') as [Person, Person]
    const now = Date.now()
    const s = services(admin, () => now)
    await write(admin, admin, 'general', ['before the period'], now - 10 * DAY)
    await write(bob, admin, 'general', ['hello all', 'second'], now)
    await admin.org.setRetention('general', { days: 5 })
    const c = { selfId: admin.me.peerId, self: { name: 'admin' }, key: admin.me.key, orgs: admin.orgs, log: admin.log, retention: s.retention, views: s.views, conversations: s.conversations }
    const lines = await exportTeam(c, 'general')
    const summary = await verifyExport(lines.join('\n'))
    expect(summary).toMatchObject({ team: 'general', exportedBy: admin.me.peerId })
    const texts = lines.map(l => JSON.parse(l) as { kind?: string, text?: string }).filter(r => r.kind === 'message').map(r => r.text)
    expect(texts).toEqual(['hello all', 'second'])
    expect(lines.some(l => l.includes('"membership"'))).toBe(true)
    // a tampered line fails verification
    const tampered = lines.map(l => l.replace('hello all', 'hello ALL'))
    await expect(verifyExport(tampered.join('\n'))).rejects.toThrow()
    await expect(exportTeam(c, 'nope')).rejects.toThrow(NotMemberError)
    const csv = await exportTeam(c, 'general', { format: 'csv' })
    await verifyExport(csv.join('\n'))
  })
})
