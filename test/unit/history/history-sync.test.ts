import { forgedSignature } from '../../helpers/forge.js'
import { pbStream, streamPair } from '@libp2p/utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { historySync } from '../../../src/history/history-sync.js'
import { MAX_FORKS_SERVED, MAX_REQUEST } from '../../../src/history/protocol.js'
import { MAX_FORK_SLOTS_PER_AUTHOR } from '../../../src/store/fork-book.js'
import { HistoryBatch, HistoryRequest } from '../../../src/model/index.js'
import { feed, orgStub, person, tempLog } from './fixtures.js'
import type { OrgStub, Person } from './fixtures.js'
import type { HistorySync, HistorySyncComponents, OrgSyncHooks } from '../../../src/history/history-sync.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { EntryLog } from '../../../src/store/entry-log.js'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

type Handler = (stream: Stream, connection: Connection) => void

/** An in-memory network: a registrar per node, and a dialer that hands the other side's handler a stream pair. */
class Network {
  readonly handlers = new Map<string, Handler>()
  dials = 0
  registrar (self: Person): HistorySyncComponents['registrar'] {
    return {
      handle: async (_protocols: string | string[], handler: Handler) => { this.handlers.set(self.id, handler) },
      unhandle: async () => { this.handlers.delete(self.id) }
    }
  }

  dialer (self: Person): HistorySyncComponents['dialer'] {
    return {
      dialProtocol: async (peer: PeerId, protocols: string[]) => {
        this.dials++
        const handler = this.handlers.get(peer.toString())
        if (handler === undefined) throw Object.assign(new Error('unreachable'), { name: 'DialError' })
        const [outbound, inbound] = await streamPair({ protocol: protocols[0] })
        handler(inbound, { remotePeer: self.peerId } as unknown as Connection)
        return outbound
      }
    }
  }
}

interface TestNode { person: Person, sync: HistorySync, log: EntryLog, org: OrgStub, stored: VerifiedEntry[], refused: Error[], close: () => Promise<void> }

describe('history/history-sync', () => {
  let net: Network
  let nodes: TestNode[]
  beforeEach(() => {
    net = new Network()
    nodes = []
  })
  afterEach(async () => {
    for (const n of nodes) {
      await n.sync.stop()
      await n.close()
    }
  })

  async function node (who: Person, everyone: Person[], orgSync?: Partial<OrgSyncHooks>): Promise<TestNode> {
    const { log, close } = await tempLog()
    const ids = new Set(everyone.map(p => p.id))
    const { stub, view } = orgStub({ members: new Set(ids), readers: new Set(ids) })
    const sync = historySync({ unansweredRetriesMs: [20, 50] })({
      registrar: net.registrar(who),
      dialer: net.dialer(who),
      log,
      org: () => view,
      orgSync: { syncedWith: async () => {}, catchUp: async () => {}, ...orgSync }
    })
    const n: TestNode = { person: who, sync, log, org: stub, stored: [], refused: [], close }
    sync.addEventListener('history:stored', (e) => { n.stored.push(...e.detail.entries) })
    sync.addEventListener('history:refused', (e) => { n.refused.push(e.detail.error) })
    await sync.start()
    nodes.push(n)
    return n
  }

  it('fetches what a peer holds of a team, and reports it stored and synced', async () => {
    const [alice, bob] = [await person(), await person()]
    const a = await node(alice, [alice, bob])
    const b = await node(bob, [alice, bob])
    await a.log.appendMany(await feed(alice, 'general', 30))
    const synced: number[] = []
    b.sync.addEventListener('history:synced', (e) => { synced.push(e.detail.received) })
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(30)
    expect(b.stored).toHaveLength(30)
    expect(synced).toEqual([30])
    expect(b.sync.syncedTeams.has('general')).toBe(true)
    expect(b.sync.lastSynced.get('general')).toBeTypeOf('number')
    expect(b.sync.fetchingOf('general')).toEqual([])
    await b.sync.whenIdle()
    // nothing new the second time
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(0)
  })

  it('syncs the org with a peer before asking it, and asks no one who may not read the team', async () => {
    const [alice, bob] = [await person(), await person()]
    const order: string[] = []
    await node(alice, [alice, bob])
    const b = await node(bob, [alice, bob], { syncedWith: async () => { order.push(`org sync (${net.dials} dials)`) } })
    await b.sync.syncTeam(alice.peerId, 'general')
    expect(order).toEqual(['org sync (0 dials)'])
    expect(net.dials).toBe(1)
    b.org.readers.delete(alice.id)
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(0)
    expect(net.dials).toBe(1)
  })

  it('shares one exchange between concurrent calls, and runs again for a call made during one', async () => {
    const [alice, bob] = [await person(), await person()]
    const a = await node(alice, [alice, bob])
    const b = await node(bob, [alice, bob])
    await a.log.appendMany(await feed(alice, 'general', 5))
    const first = b.sync.syncTeam(alice.peerId, 'general')
    const second = b.sync.syncTeam(alice.peerId, 'general')
    expect(b.sync.fetchingOf('general').map(f => f.peer)).toEqual([alice.id])
    expect(await first).toBe(5)
    expect(await second).toBe(5)
    // the first exchange, and once more for the call made during it
    expect(net.dials).toBe(2)
  })

  it('cuts a requester it does not know off at once, learns of it meanwhile, and serves it when it asks again', async () => {
    const [alice, newcomer] = [await person(), await person()]
    let learning: (() => void) | undefined
    const a = await node(alice, [alice], {
      catchUp: async () => {
        // the catch-up takes its time; the cut-off does not wait for it
        await new Promise<void>((resolve) => { learning = resolve })
        a.org.members.add(newcomer.id)
        a.org.readers.add(newcomer.id)
      }
    })
    const n = await node(newcomer, [alice, newcomer])
    await a.log.appendMany(await feed(alice, 'general', 3))
    const fetched = n.sync.syncTeam(alice.peerId, 'general')
    await expect.poll(() => learning).toBeTypeOf('function')
    // cut off before the catch-up ended; asked again after the first pause, still unknown
    await expect.poll(() => net.dials).toBeGreaterThanOrEqual(2)
    learning!()
    expect(await fetched).toBe(3)
    expect(n.refused).toEqual([])
  })

  it('refuses a forged entry in a batch and stores nothing of its run', async () => {
    const [alice, bob] = [await person(), await person()]
    const b = await node(bob, [alice, bob])
    const entries = await feed(alice, 'general', 3)
    const forged = forgedSignature(entries[2]!.bytes)
    net.handlers.set(alice.id, (stream) => {
      void (async () => {
        const pb = pbStream(stream, { maxDataLength: MAX_REQUEST })
        await pb.read(HistoryRequest)
        await pb.write({ entries: [...entries.slice(0, 2).map(v => new Uint8Array(v.bytes)), forged], done: true, error: '' }, HistoryBatch)
        await stream.close()
      })().catch(() => {})
    })
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(0)
    expect(b.refused.map(e => e.name)).toEqual(['BadSignatureError'])
    expect(await b.log.contiguousHeads('general')).toEqual(new Map())
  })

  it('refuses the entries of a removed author, and takes the other authors\'', async () => {
    const [alice, bob, mallory] = [await person(), await person(), await person()]
    const a = await node(alice, [alice, bob, mallory])
    const b = await node(bob, [alice, bob])
    b.org.removed.add(mallory.id)
    await a.log.appendMany([...await feed(mallory, 'general', 2), ...await feed(alice, 'general', 2)])
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(2)
    expect(b.stored.every(v => v.author === alice.id)).toBe(true)
    expect(b.refused.map(e => e.name)).toEqual(['RemovedAuthorError'])
  })

  it('catches up on the org with a peer that sent an entry of an unknown epoch, and asks once more', async () => {
    const [alice, bob] = [await person(), await person()]
    const a = await node(alice, [alice, bob])
    let caughtUp = 0
    const b = await node(bob, [alice, bob], { catchUp: async () => { caughtUp++; b.org.epochs.add(2) } })
    await a.log.appendMany(await feed(alice, 'general', 2, undefined, { epoch: 2 }))
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(2)
    expect(caughtUp).toBe(1)
    expect(b.refused).toEqual([])
  })

  describe('fork evidence', () => {
    /** Mallory's two versions of her first entry, and a chain continuing each. */
    async function forkedFeeds (mallory: Person): Promise<{ a: VerifiedEntry[], b: VerifiedEntry[] }> {
      return { a: await feed(mallory, 'general', 3, undefined, { text: 'EUR 5,000 ' }), b: await feed(mallory, 'general', 3, undefined, { text: 'EUR 50,000 ' }) }
    }
    const forkEvents = (n: TestNode): Array<{ id: string, existingId: string }> => {
      const seen: Array<{ id: string, existingId: string }> = []
      n.sync.addEventListener('history:forked', (e) => { seen.push({ id: e.detail.entry.idHex, existingId: e.detail.existingId }) })
      return seen
    }

    it('a node that was away learns a fork from a peer that knows it, whichever version it holds, once', async () => {
      const [alice, bob, carol, dave, mallory] = [await person(), await person(), await person(), await person(), await person()]
      const everyone = [alice, bob, carol, dave, mallory]
      const { a, b } = await forkedFeeds(mallory)
      const server = await node(alice, everyone)
      await server.log.appendMany(a)
      await server.log.append(b[0]!)
      const holdsB = await node(bob, everyone)
      await holdsB.log.appendMany(b)
      const holdsA = await node(carol, everyone)
      await holdsA.log.appendMany(a.slice(0, 1))
      const holdsNothing = await node(dave, everyone)
      const [bobForks, carolForks, daveForks] = [forkEvents(holdsB), forkEvents(holdsA), forkEvents(holdsNothing)]
      await holdsB.sync.syncTeam(alice.peerId, 'general')
      await holdsA.sync.syncTeam(alice.peerId, 'general')
      await holdsNothing.sync.syncTeam(alice.peerId, 'general')
      expect(bobForks).toEqual([{ id: a[0]!.idHex, existingId: b[0]!.idHex }])
      expect(carolForks).toEqual([{ id: b[0]!.idHex, existingId: a[0]!.idHex }])
      // dave takes alice's feed first, then the other version as evidence
      expect(daveForks).toEqual([{ id: b[0]!.idHex, existingId: a[0]!.idHex }])
      for (const n of [holdsB, holdsA, holdsNothing]) {
        expect(n.log.forkBook.forked('general', mallory.id)).toBe(true)
        const [pair] = await n.log.forkPairs('general')
        expect(new Set(pair!.map(v => v.idHex))).toEqual(new Set([a[0]!.idHex, b[0]!.idHex]))
      }
      // bob now serves it too, and a second exchange reports nothing again
      await holdsB.sync.syncTeam(alice.peerId, 'general')
      expect(bobForks).toHaveLength(1)
      // served evidence never enters the feed: bob's feed is still his version
      expect((await holdsB.log.feedHead('general', mallory.id))?.idHex).toBe(b[2]!.idHex)
    })

    /** A server that answers any request with `batch`. */
    function hostile (who: Person, batch: { entries?: Array<Uint8Array<ArrayBuffer>>, forks: Array<Uint8Array<ArrayBuffer>> }): void {
      net.handlers.set(who.id, (stream) => {
        void (async () => {
          const pb = pbStream(stream, { maxDataLength: MAX_REQUEST })
          await pb.read(HistoryRequest)
          await pb.write({ entries: batch.entries ?? [], forks: batch.forks, done: true, error: '' }, HistoryBatch)
          await stream.close()
        })().catch(() => {})
      })
    }

    it('a malicious member cannot make a node keep forged, foreign or outsider evidence, nor an entry in its feed', async () => {
      const [alice, bob, mallory, outsider] = [await person(), await person(), await person(), await person()]
      const { a, b } = await forkedFeeds(mallory)
      const n = await node(bob, [alice, bob, mallory])
      await n.log.append(a[0]!)
      const forks = forkEvents(n)
      // a version of Mallory's entry with its text changed after signing
      const forged = forgedSignature(b[0]!.bytes)
      hostile(alice, { forks: [forged] })
      await n.sync.syncTeam(alice.peerId, 'general')
      expect(n.refused.map(e => e.name)).toEqual(['BadSignatureError'])
      // entries of another team, by someone outside the roster, for a slot bob does not hold, or the one bob holds
      const otherTeam = (await feed(mallory, 'dev', 1))[0]!
      const byOutsider = await feed(outsider, 'general', 1)
      hostile(alice, { forks: [new Uint8Array(byOutsider[0]!.bytes), new Uint8Array(b[1]!.bytes), new Uint8Array(a[0]!.bytes), new Uint8Array(otherTeam.bytes)] })
      await n.sync.syncTeam(alice.peerId, 'general')
      expect(n.refused.map(e => e.name)).toEqual(['BadSignatureError', 'InvalidEntryError'])
      expect(forks).toEqual([])
      expect(await n.log.forkEvidence('general')).toEqual([])
      expect(await n.log.has(b[1]!.idHex)).toBe(false)
      expect(await n.log.has(byOutsider[0]!.idHex)).toBe(false)
      expect(await n.log.count('general')).toBe(1)
      // more evidence than a server may send: refused whole
      hostile(alice, { forks: Array.from({ length: MAX_FORKS_SERVED + 1 }, () => new Uint8Array(b[0]!.bytes)) })
      await n.sync.syncTeam(alice.peerId, 'general')
      expect(await n.log.forkEvidence('general')).toEqual([])
      // the genuine other version is taken
      hostile(alice, { forks: [new Uint8Array(b[0]!.bytes)] })
      await n.sync.syncTeam(alice.peerId, 'general')
      expect(forks).toEqual([{ id: b[0]!.idHex, existingId: a[0]!.idHex }])
    })

    it('takes no fork evidence of a removed author, and keeps the rest of what is served', async () => {
      const [alice, bob, mallory, eve] = [await person(), await person(), await person(), await person()]
      const n = await node(bob, [alice, bob, mallory, eve])
      const m = await forkedFeeds(mallory)
      const e = await forkedFeeds(eve)
      await n.log.appendMany([m.a[0]!, e.a[0]!])
      n.org.removed.add(eve.id)
      const forks = forkEvents(n)
      hostile(alice, { forks: [new Uint8Array(e.b[0]!.bytes), new Uint8Array(m.b[0]!.bytes)] })
      await n.sync.syncTeam(alice.peerId, 'general')
      expect(forks).toEqual([{ id: m.b[0]!.idHex, existingId: m.a[0]!.idHex }])
      expect(await n.log.has(e.b[0]!.idHex)).toBe(false)
      expect(n.refused).toEqual([])
    })

    it('a forker of many slots costs a node no more than the bound, and what a server keeps of two forkers reaches a newcomer', async () => {
      const [alice, bob, mallory, other, newcomer] = [await person(), await person(), await person(), await person(), await person()]
      const everyone = [alice, bob, mallory, other, newcomer]
      const server = await node(alice, everyone)
      const n = await node(bob, everyone)
      const mine = await feed(mallory, 'general', 40, undefined, { text: 'a' })
      await n.log.appendMany(mine)
      // every slot forked, each rival on its own (a malicious member serving them as evidence)
      const rivals: VerifiedEntry[] = []
      for (const [i, v] of mine.entries()) rivals.push(...await feed(mallory, 'general', 1, i === 0 ? undefined : mine[i - 1], { text: `rival ${v.entry.seq} ` }))
      hostile(alice, { forks: rivals.slice(0, MAX_FORKS_SERVED).map(v => new Uint8Array(v.bytes)) })
      await n.sync.syncTeam(alice.peerId, 'general')
      expect(await n.log.forkEvidence('general')).toHaveLength(MAX_FORK_SLOTS_PER_AUTHOR)
      expect(n.log.forkBook.forked('general', mallory.id)).toBe(true)
      // an honest server with many forks known serves within its limit
      net.handlers.delete(alice.id)
      await server.sync.stop()
      await server.sync.start()
      await server.log.appendMany(mine)
      const many: VerifiedEntry[] = []
      for (const p of [mallory, other]) {
        const f = p === mallory ? mine : await feed(other, 'general', 40)
        if (p === other) await server.log.appendMany(f)
        for (const [i, v] of f.entries()) many.push(...await feed(p, 'general', 1, i === 0 ? undefined : f[i - 1], { text: `r${v.entry.seq} ` }))
      }
      await server.log.appendMany(many)
      const pairs = await server.log.forkPairs('general')
      expect(pairs).toHaveLength(2 * MAX_FORK_SLOTS_PER_AUTHOR)
      const fresh = await node(newcomer, everyone)
      await fresh.sync.syncTeam(alice.peerId, 'general')
      expect(fresh.log.forkBook.forked('general', mallory.id)).toBe(true)
      expect(fresh.log.forkBook.forked('general', other.id)).toBe(true)
      expect(await fresh.log.forkEvidence('general')).toHaveLength(2 * MAX_FORK_SLOTS_PER_AUTHOR)
    })
  })

  it('stops serving when stopped', async () => {
    const [alice, bob] = [await person(), await person()]
    const a = await node(alice, [alice, bob])
    const b = await node(bob, [alice, bob])
    await a.sync.stop()
    expect(net.handlers.has(alice.id)).toBe(false)
    expect(await b.sync.syncTeam(alice.peerId, 'general')).toBe(0)
  })
})
