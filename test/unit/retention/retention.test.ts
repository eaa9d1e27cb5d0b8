import { afterEach, describe, expect, it } from 'vitest'
import { Views } from '../../../src/messages/views.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { Retention } from '../../../src/retention/retention.js'
import { collect, Office } from '../../helpers/office.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Person } from '../../helpers/office.js'

const DAY = 24 * 60 * 60 * 1000

/** `count` entries of `p` in general, one a day from `start`, chained. */
async function feed (p: Person, start: number, count: number): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for (let seq = 1; seq <= count; seq++) {
    const { epoch, body } = p.org.encryptBody('general', seq, encodeBody({ text: `day ${seq}`, authorName: p.name }))
    const v = await createEntry(p.me.key, { team: 'general', seq, lamport: seq, wallTime: start + (seq - 1) * DAY, epoch, prev: seq === 1 ? new Uint8Array(0) : new Uint8Array(out[seq - 2]!.id), body: new Uint8Array(body) })
    await p.log.append(v)
    out.push(v)
  }
  return out
}

function retention (p: Person, now: () => number, forgotten: string[] = []): Retention {
  return new Retention({ orgs: p.orgs, log: p.log, views: new Views({ selfId: p.me.peerId, orgs: p.orgs }), files: { forget: async (id) => { forgotten.push(id) } }, now, events: p.events })
}

describe('retention', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('keeps everything without a retention period', async () => {
    const [admin] = await office.found('admin') as [Person]
    const now = Date.now()
    const entries = await feed(admin, now - 10 * DAY, 5)
    const r = retention(admin, () => now)
    r.start()
    expect(r.cutoff('general')).toBeUndefined()
    expect(r.unexpired('general', entries)).toHaveLength(5)
    expect(await r.apply()).toBe(0)
    await r.stop()
  })

  it('hides what is past the period at once and deletes all but the newest of each feed', async () => {
    const [admin] = await office.found('admin') as [Person]
    const now = Date.now()
    const entries = await feed(admin, now - 10 * DAY, 8) // days -10 .. -3
    await admin.org.setRetention('general', { days: 5 })
    const r = retention(admin, () => now)
    r.start()
    await r.settled()
    // written before day -5: seq 1..5 (days -10..-6) are past the horizon
    expect(r.unexpired('general', entries).map(v => v.entry.seq)).toEqual([6, 7, 8])
    expect(r.expired('general', entries[0]!.entry.wallTime)).toBe(true)
    expect(r.expired('general', entries[7]!.entry.wallTime)).toBe(false)
    // the first pass ran at start: the expired entries but the last expired one (the anchor) are gone
    expect((await admin.log.page('general')).entries.map(v => v.entry.seq)).toEqual([5, 6, 7, 8])
    await r.stop()
  })

  it('a hold suspends deletion', async () => {
    const [admin] = await office.found('admin') as [Person]
    const now = Date.now()
    await feed(admin, now - 10 * DAY, 8)
    await admin.org.setRetention('general', { days: 5, hold: true, reason: 'audit' })
    const r = retention(admin, () => now)
    r.start()
    await r.settled()
    expect(r.cutoff('general')).toBeUndefined()
    expect((await admin.log.page('general')).entries).toHaveLength(8)
    await r.stop()
  })

  it('does nothing once stopped, and reports a failed pass instead of throwing', async () => {
    const [admin] = await office.found('admin') as [Person]
    const now = Date.now()
    await feed(admin, now - 10 * DAY, 3)
    await admin.org.setRetention('general', { days: 1 })
    const warnings = collect(admin.events, 'node:warning')
    const broken = new Retention({ orgs: admin.orgs, log: { ...admin.log, readFeed: () => { throw new Error('disk gone') } } as never, views: new Views({ selfId: admin.me.peerId, orgs: admin.orgs }), files: { forget: async () => {} }, now: () => now, events: admin.events })
    broken.start()
    await broken.settled()
    expect(warnings.map(w => w.message)).toEqual(['retention not applied: disk gone'])
    await broken.stop()
    expect(await broken.apply()).toBe(0)
  })
})
