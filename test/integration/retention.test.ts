import { pbStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { HistoryBatch, HistoryRequest } from '../../src/model/index.js'
import { createParleyLibp2p } from '../../src/net/libp2p-node.js'
import { HISTORY_PROTOCOL } from '../../src/net/topics.js'
import { loadOrCreateIdentity } from '../../src/store/identity-file.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { EntryLog } from '../../src/store/entry-log.js'

const DAY = 24 * 60 * 60 * 1000

describe('retention and holds', () => {
  const fx = new Fixture()
  const extra: ParleyLibp2p[] = []
  afterEach(async () => {
    for (const l of extra.splice(0)) await l.stop()
    await fx.cleanup()
  })

  const texts = async (n: ParleyNode): Promise<string[]> => (await n.history('general', { limit: 100 })).messages.map(m => m.text)
  const held = async (n: ParleyNode): Promise<number> => (await n.syncStatus()).find(s => s.team === 'general')?.entries ?? 0

  it('deletes on every node what is past the period, keeps it all while on hold, and a newcomer catches up on what is left', async () => {
    // one clock for the office, moved forward to see time pass
    let now = Date.now()
    const clock = (): number => now
    const [a, b, c] = await fx.office(3, 'Acme', () => ({ clock })) as [ParleyNode, ParleyNode, ParleyNode]
    const rejected: string[] = []
    for (const n of [a, b, c]) n.addEventListener('entry:rejected', (e) => { rejected.push(`${e.detail.reason}: ${e.detail.message}`) })
    for (const t of ['old plan alpha', 'old plan beta', 'old plan gamma']) await a.send('general', t)
    // b replies once it has read them, so its replies come after them in the order every node shows
    await waitFor(async () => await held(b) === 3, 10_000, 'b has a\'s messages')
    for (const t of ['old reply one', 'old reply two']) await b.send('general', t)
    await waitFor(async () => (await Promise.all([a, b, c].map(held))).every(n => n === 5), 10_000, 'five messages everywhere')

    now += 40 * DAY
    await a.send('general', 'fresh news')
    await waitFor(async () => (await Promise.all([a, b, c].map(held))).every(n => n === 6), 10_000, 'six messages everywhere')
    expect(await b.search('alpha')).toHaveLength(1)

    // an admin keeps 30 days: every node deletes, and hides the newest old entry of each feed
    // (kept, encrypted, as the anchor its successor names, until its author writes again)
    const team = await a.setRetention('general', { days: 30 })
    expect(team).toMatchObject({ name: 'general', retentionDays: 30, hold: false })
    for (const n of [a, b, c]) {
      await waitFor(async () => await held(n) === 3, 10_000, `retention applied at ${n.name}`)
      expect(await texts(n)).toEqual(['fresh news'])
      expect(await n.search('alpha')).toEqual([])
      expect(await n.search('gamma')).toEqual([])
      expect((await n.exportTeam('general')).join('\n')).not.toContain('old plan')
    }
    expect(c.teams().find(t => t.name === 'general')).toMatchObject({ retentionDays: 30, hold: false })

    // a hold suspends deletion: time passes, nothing goes, and everything is shown
    await a.setRetention('general', { hold: true, reason: 'audit 2027' })
    await waitFor(() => c.teams().find(t => t.name === 'general')?.hold === true, 10_000, 'hold at c')
    now += 40 * DAY
    await b.send('general', 'during the audit')
    await waitFor(async () => (await Promise.all([a, b, c].map(held))).every(n => n === 4), 10_000, 'four messages everywhere')
    expect(await c.applyRetention()).toBe(0)
    // the newest expired entry of each feed was kept as its feed's anchor, with its body erased
    // (entry format 2): a hold put on later cannot bring back what retention already erased
    expect(await texts(c)).toEqual(['fresh news', 'during the audit'])
    expect(c.teams().find(t => t.name === 'general')).toMatchObject({ hold: true, holdReason: 'audit 2027' })

    // the hold is lifted: what is past the period goes
    await a.setRetention('general', { hold: false })
    for (const n of [a, b, c]) {
      await waitFor(async () => await held(n) === 3, 10_000, `retention after the hold at ${n.name}`)
      expect(await texts(n)).toEqual(['during the audit'])
    }

    // a newcomer fetches what is left; the gaps below the expired anchors are accepted, not refused
    const { token } = await a.invite()
    const d = await fx.node({ name: 'dee', clock, peers: [a.info().addresses[0]!] }, (n) => {
      n.addEventListener('entry:rejected', (e) => { rejected.push(`at d: ${e.detail.reason}: ${e.detail.message}`) })
    })
    await d.join(token, 'dee')
    await waitFor(async () => await held(d) === 3, 15_000, 'd caught up')
    expect(await texts(d)).toEqual(['during the audit'])
    expect(rejected).toEqual([])
    // and it writes after that: the sequences go on, and everyone shows it
    await d.send('general', 'hello from dee')
    await waitFor(async () => (await texts(b)).includes('hello from dee'), 10_000, 'dee heard')
  })

  it('is for admins, with clear errors for bad input', async () => {
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    await expect(b.setRetention('general', { days: 30 })).rejects.toMatchObject({ name: 'NotAdminError' })
    await expect(a.setRetention('general', { days: -1 })).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    await expect(a.setRetention('general', { days: 1.5 })).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    await expect(a.setRetention('nosuch', { days: 3 })).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    expect(await a.setRetention('general', { days: 7 })).toMatchObject({ retentionDays: 7 })
    expect(await a.setRetention('general', { days: 0 })).toMatchObject({ retentionDays: 0 })
  })

  it('refuses a gap below an entry that is not past the period: retention is no cover for withholding', async () => {
    let now = Date.now()
    const clock = (): number => now
    const [admin, user, victim] = await fx.office(3, 'Acme', () => ({ clock })) as [ParleyNode, ParleyNode, ParleyNode]
    await admin.setRetention('general', { days: 30 })
    const victimDir = victim.dataDir
    await victim.stop()
    await admin.send('general', 'old one')
    now += 40 * DAY
    await admin.send('general', 'recent one')
    await admin.send('general', 'recent two')
    const log = (admin as unknown as { log: EntryLog }).log
    const page = await log.page('general', { limit: 10 })
    const recentTwo = page.entries.find(v => v.entry.seq === 3)!
    // a hostile member's node serves the newest entry alone, as if what came before had expired
    const userDir = user.dataDir
    await user.stop()
    const hostile = await createParleyLibp2p({ privateKey: (await loadOrCreateIdentity(userDir, 'x')).key, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    extra.push(hostile)
    await hostile.handle(HISTORY_PROTOCOL, (stream) => {
      void (async () => {
        const pb = pbStream(stream)
        await pb.read(HistoryRequest)
        await pb.write({ entries: [new Uint8Array(recentTwo.bytes)], done: true, error: '' }, HistoryBatch)
        await stream.close()
      })().catch(() => {}) // the victim may close a stream before asking (it stops at the end of the test)
    })
    await hostile.start()
    let refusal: Promise<{ reason: string }> | undefined
    const back = await fx.node({ dataDir: victimDir, clock, peers: [hostile.getMultiaddrs()[0]!.toString()] }, (n) => {
      refusal = nextEvent(n, 'entry:rejected', r => r.reason === 'GappedRangeError', 15_000)
    })
    await refusal
    expect(await held(back)).toBe(0)
  })
})
