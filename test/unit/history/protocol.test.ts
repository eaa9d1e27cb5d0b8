import { lpStream, pbStream, streamPair } from '@libp2p/utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { requestHistory, serveHistory, MAX_FORKS_SERVED, MAX_MESSAGE, MAX_REQUEST, NOT_IN_ORG } from '../../../src/history/protocol.js'
import { decodeEntryStructure, HistoryBatch, HistoryRequest } from '../../../src/model/index.js'
import { HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1 } from '../../../src/net/topics.js'
import { feed, ORG_ID, orgStub, person, tempLog } from './fixtures.js'
import type { Person } from './fixtures.js'
import type { HistoryOrgView } from '../../../src/history/check-batch.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { EntryLog, FeedHead } from '../../../src/store/entry-log.js'
import type { Stream } from '@libp2p/interface'

/** Every entry a request brings, decoded, in the order received, and how many batches. */
async function fetchAll (stream: Stream, heads: Map<string, FeedHead> = new Map(), team = 'general'): Promise<{ got: Array<{ author: string, seq: number }>, batches: number }> {
  const got: Array<{ author: string, seq: number }> = []
  let batches = 0
  await requestHistory(stream, 'server', { orgId: ORG_ID, team, heads }, async (entries) => {
    batches++
    for (const bytes of entries) {
      const v = decodeEntryStructure(bytes)
      got.push({ author: v.author, seq: v.entry.seq })
    }
  })
  return { got, batches }
}

/** Records whether anything of the stream was ever taken in (a 'message' listener added). */
function watchReads (stream: Stream): { listened: () => boolean } {
  let listened = false
  const add = stream.addEventListener.bind(stream)
  stream.addEventListener = ((type: string, ...rest: unknown[]) => {
    if (type === 'message') listened = true
    return (add as (type: string, ...rest: unknown[]) => void)(type, ...rest)
  }) as typeof stream.addEventListener
  return { listened: () => listened }
}

describe('history/protocol', () => {
  let server: { log: EntryLog, close: () => Promise<void> }
  let alice: Person
  let bob: Person
  let requester: Person
  let org: HistoryOrgView
  beforeEach(async () => {
    server = await tempLog()
    alice = await person()
    bob = await person()
    requester = await person()
    org = orgStub({ members: new Set([alice.id, bob.id, requester.id]), readers: new Set([alice.id, bob.id, requester.id]) }).view
  })
  afterEach(async () => { await server.close() })

  it('serves what the requester lacks, per author, in acknowledged batches that grow', async () => {
    const a = await feed(alice, 'general', 1_200)
    const b = await feed(bob, 'general', 3)
    await server.log.appendMany([...a, ...b])
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served = serveHistory(inbound, requester.id, { log: server.log, org: () => org })
    const heads = new Map([[alice.id, { seq: 2, idHex: a[1]!.idHex }]])
    const { got, batches } = await fetchAll(outbound, heads)
    expect(await served).toBe('served')
    expect(got.filter(g => g.author === alice.id).map(g => g.seq)).toEqual(Array.from({ length: 1_198 }, (_, i) => i + 3))
    expect(got.filter(g => g.author === bob.id).map(g => g.seq)).toEqual([1, 2, 3])
    // 500, then up to 1000: the first batch is small so the requester starts work early
    expect(batches).toBe(2)
  })

  it('serves fork evidence alone in the last batch, within its limit, naming every forker first', async () => {
    const forkers = [alice, bob, await person(), await person(), await person(), await person()]
    const pairs: Array<[VerifiedEntry, VerifiedEntry]> = []
    for (const p of forkers) {
      const held = await feed(p, 'general', 10)
      for (const [i, v] of held.entries()) pairs.push([v, (await feed(p, 'general', 1, i === 0 ? undefined : held[i - 1], { text: 'rival' }))[0]!])
    }
    await server.log.appendMany(await feed(alice, 'general', 3))
    const log = { contiguousHeads: server.log.contiguousHeads.bind(server.log), readFeedBytes: server.log.readFeedBytes.bind(server.log), forkPairs: async () => pairs }
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served = serveHistory(inbound, requester.id, { log, org: () => org })
    const batches: Array<{ entries: number, forks: Uint8Array[] }> = []
    await requestHistory(outbound, 'server', { orgId: ORG_ID, team: 'general', heads: new Map() }, async (entries, forks) => { batches.push({ entries: entries.length, forks }) })
    expect(await served).toBe('served')
    expect(batches.map(b => b.entries)).toEqual([3, 0])
    const forks = batches[1]!.forks.map(b => decodeEntryStructure(b))
    expect(forks).toHaveLength(MAX_FORKS_SERVED)
    // in pairs: the entry held, then the other version of its slot
    for (let i = 0; i < forks.length; i += 2) expect([forks[i]!.author, forks[i]!.entry.seq]).toEqual([forks[i + 1]!.author, forks[i + 1]!.entry.seq])
    expect(new Set(forks.map(v => v.author))).toEqual(new Set(forkers.map(p => p.id)))
  })

  it('serves an older requester without acknowledgements', async () => {
    await server.log.appendMany(await feed(alice, 'general', 700))
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL_V1 })
    const served = serveHistory(inbound, requester.id, { log: server.log, org: () => org })
    const { got } = await fetchAll(outbound)
    expect(await served).toBe('served')
    expect(got).toHaveLength(700)
  })

  it('serves a feed only up to its first gap', async () => {
    const a = await feed(alice, 'general', 5)
    await server.log.appendMany([a[0]!, a[1]!, a[3]!, a[4]!])
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served = serveHistory(inbound, requester.id, { log: server.log, org: () => org })
    const { got } = await fetchAll(outbound)
    expect(await served).toBe('served')
    expect(got.map(g => g.seq)).toEqual([1, 2])
  })

  it('cuts a requester outside the directory off at once, having read nothing of its stream', async () => {
    await server.log.appendMany(await feed(alice, 'general', 3))
    const stranger = await person()
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const reads = watchReads(inbound)
    // answered before the stranger has sent a byte: nothing it sends afterwards is waited for
    expect(await serveHistory(inbound, stranger.id, { log: server.log, org: () => org })).toBe('stranger')
    expect(reads.listened()).toBe(false)
    expect(inbound.status).toBe('aborted')
    const lp = lpStream(outbound, { maxDataLength: MAX_MESSAGE })
    const request = HistoryRequest.encode({ org: new Uint8Array(Buffer.from(ORG_ID, 'hex')), team: 'general', heads: [] })
    const padded = new Uint8Array(2 * 1024 * 1024)
    padded.set(request)
    await lp.write(padded).catch(() => {})
    await expect(lp.read({ signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
  })

  it('answers a member that may not read the team "not a member", and a node of another org "not in org"', async () => {
    const { stub, view } = orgStub({ members: new Set([requester.id]), readers: new Set() })
    let learned = 0
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served = serveHistory(inbound, requester.id, { log: server.log, org: () => view, learn: async () => { learned++ } })
    await expect(fetchAll(outbound)).rejects.toHaveProperty('name', 'NotMemberError')
    expect(await served).toBe('not-member')
    // it learned from the requester before refusing it
    expect(learned).toBe(1)
    stub.readers.add(requester.id)
    const [outbound2, inbound2] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served2 = serveHistory(inbound2, requester.id, { log: server.log, org: () => undefined })
    await expect(fetchAll(outbound2)).rejects.toHaveProperty('name', 'NotInOrgError')
    expect(await served2).toBe('not-in-org')
  })

  it('refuses a request larger than its bound, and one that does not decode', async () => {
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served = serveHistory(inbound, requester.id, { log: server.log, org: () => org })
    const lp = lpStream(outbound, { maxDataLength: MAX_MESSAGE })
    await lp.write(new Uint8Array(MAX_REQUEST + 1)).catch(() => {})
    expect(await served).toBe('failed')
    expect(inbound.status).toBe('aborted')

    const [outbound2, inbound2] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const served2 = serveHistory(inbound2, requester.id, { log: server.log, org: () => org })
    await lpStream(outbound2).write(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])).catch(() => {})
    expect(await served2).toBe('failed')
  })

  it('the requester refuses a batch larger than its bound, and one that does not decode', async () => {
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const answering = (async () => {
      const lp = lpStream(inbound, { maxDataLength: MAX_MESSAGE + 10 })
      HistoryRequest.decode(await lp.read())
      await lp.write(new Uint8Array(MAX_MESSAGE + 10))
    })()
    await expect(fetchAll(outbound)).rejects.toThrow()
    await answering.catch(() => {})

    const [outbound2, inbound2] = await streamPair({ protocol: HISTORY_PROTOCOL })
    const answering2 = (async () => {
      const lp = lpStream(inbound2, { maxDataLength: MAX_REQUEST })
      HistoryRequest.decode(await lp.read())
      // field 1 (entries) claims more bytes than the frame holds
      await lp.write(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))
    })()
    await expect(fetchAll(outbound2)).rejects.toThrow()
    await answering2.catch(() => {})
  })

  it('a requester takes "not in org" as such, not as a refusal', async () => {
    const [outbound, inbound] = await streamPair({ protocol: HISTORY_PROTOCOL })
    void (async () => {
      const pb = pbStream(inbound, { maxDataLength: MAX_REQUEST })
      await pb.read(HistoryRequest)
      await pb.write({ entries: [], done: true, error: NOT_IN_ORG }, HistoryBatch)
      await inbound.close()
    })().catch(() => {})
    await expect(fetchAll(outbound)).rejects.toHaveProperty('name', 'NotInOrgError')
  })
})
