/**
 * History sync with real nodes in one process (loopback, static peers, no mDNS): catch-up, one
 * order, restore from backup, forks, and refusing bad ranges from a hostile member.
 */
import { cp, rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createEntry, decodeStoredEntry, HistoryAck, HistoryBatch, HistoryRequest, SignedEntry, Entry } from '../../src/model/index.js'
import { createParleyLibp2p } from '../../src/net/libp2p-node.js'
import { HISTORY_PROTOCOL, HISTORY_PROTOCOL_V1, topicOfTeam } from '../../src/net/topics.js'
import { join } from 'node:path'
import { NotSyncedError } from '../../src/errors.js'
import { restoreBackup } from '../../src/store/backup.js'
import { EntryLog } from '../../src/store/entry-log.js'
import { loadOrCreateIdentity } from '../../src/store/identity-file.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { HistorySync } from '../../src/history/history-sync.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'

const logOf = (n: ParleyNode): EntryLog => (n as unknown as { log: EntryLog }).log

async function ids (n: ParleyNode, team = 'general'): Promise<string[]> {
  return (await n.history(team, { limit: 10_000 })).messages.map(m => m.id)
}

describe('history sync', () => {
  const fx = new Fixture()
  const extra: ParleyLibp2p[] = []
  afterEach(async () => {
    for (const l of extra.splice(0)) await l.stop()
    await fx.cleanup()
  })

  it('a node that was down catches up on everything it missed, in the same order as the others', async () => {
    const [admin, a, away] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const dir = away.dataDir
    await away.stop()
    for (let i = 0; i < 150; i++) await (i % 2 === 0 ? admin : a).send('general', `missed ${i}`)
    const back = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!, a.info().addresses[0]!] })
    await waitFor(async () => (await ids(back)).length === 150, 20_000, 'catch-up')
    expect(await ids(back)).toEqual(await ids(admin))
    expect(await ids(a)).toEqual(await ids(admin))
    const texts = (await back.history('general', { limit: 10_000 })).messages
    expect(texts.every(m => m.readable)).toBe(true)
    const status = await back.syncStatus()
    expect(status.find(s => s.team === 'general')?.entries).toBe(150)
  })

  it('a node that stores slowly gets megabytes of missed history in one sync, and finds it by search', async () => {
    const [admin, away] = await fx.office(2) as [ParleyNode, ParleyNode]
    const dir = away.dataDir
    await away.stop()
    // about 10 MB in 1 MB batches: more than a stream buffers (4 MB) if the server did not wait for the reader
    const filler = ' lorem ipsum'.repeat(1_200)
    for (let i = 0; i < 700; i++) await admin.send('general', `needle${i}${filler}`)
    const received: number[] = []
    const back = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] }, (n) => {
      // a disk that stalls for a second on the first batch, while the server could send all the rest
      const log = logOf(n)
      const appendMany = log.appendMany.bind(log)
      let stalled = false
      log.appendMany = async (vs, options) => {
        if (!stalled) {
          stalled = true
          await sleep(1_000)
        }
        return appendMany(vs, options)
      }
      n.addEventListener('history:synced', (evt) => { if (evt.detail.team === 'general' && evt.detail.received > 0) received.push(evt.detail.received) })
    })
    await waitFor(async () => (await ids(back)).length === 700, 30_000, 'catch-up')
    expect(received).toEqual([700])
    expect(await ids(back)).toEqual(await ids(admin))
    // indexed in the background after the sync; a search waits for it
    const hits = await back.search('needle699', { team: 'general' })
    expect(hits.map(m => m.text.slice(0, 9))).toEqual(['needle699'])
    expect(await back.search('lorem', { team: 'general', limit: 1000 })).toHaveLength(700)
  })

  it('a node stopped right after a catch-up leaves the indexing for its next start, and finds everything then', async () => {
    const [admin, away] = await fx.office(2) as [ParleyNode, ParleyNode]
    const dir = away.dataDir
    await away.stop()
    for (let i = 0; i < 300; i++) await admin.send('general', `needle${i} on the shelf`)
    let stopping: Promise<void> | undefined
    await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] }, (n) => {
      // stopped the moment the sync is over, before the indexer (which waits for syncs to end) starts
      n.addEventListener('history:synced', (evt) => { if (evt.detail.team === 'general' && evt.detail.received > 0) stopping ??= n.stop() })
    })
    await waitFor(() => stopping !== undefined, 20_000, 'the catch-up')
    await stopping
    const log = await EntryLog.open(join(dir, 'log'))
    try {
      expect(await log.count('general')).toBe(300)
      // what was left is saved, and the index marked incomplete until it is done
      expect(await log.meta('unindexed').get()).toMatchObject({ spans: { general: {} } })
      expect(await log.meta('searchIndex').get()).toBe(0)
    } finally {
      await log.close()
    }
    const back = await fx.node({ dataDir: dir })
    expect((await back.search('needle299', { team: 'general' })).map(m => m.text)).toEqual(['needle299 on the shelf'])
    expect(await back.search('shelf', { team: 'general', limit: 1000 })).toHaveLength(300)
  })

  it('serves an older node, which does not acknowledge batches, everything at once', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const filler = ' lorem ipsum'.repeat(1_000)
    for (let i = 0; i < 300; i++) await admin.send('general', `old${i}${filler}`)
    const expected = await ids(admin)
    // the user's node as an older build would ask: /parley/1/history, reading batches without a word back
    const userDir = user.dataDir
    await user.stop()
    const key = (await loadOrCreateIdentity(userDir, 'x')).key
    const old = await createParleyLibp2p({ privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    extra.push(old)
    await old.start()
    const stream = await old.dialProtocol(multiaddr(admin.info().addresses[0]), HISTORY_PROTOCOL_V1)
    const pb = pbStream(stream, { maxDataLength: 4 * 1024 * 1024 })
    await pb.write({ org: new Uint8Array(Buffer.from(admin.info().org!.id, 'hex')), team: 'general', heads: [] }, HistoryRequest)
    const got: string[] = []
    let batches = 0
    for (let done = false; !done; batches++) {
      const batch = await pb.read(HistoryBatch)
      got.push(...batch.entries.map(e => decodeStoredEntry(e).idHex))
      done = batch.done
    }
    expect(batches).toBeGreaterThan(1)
    expect(got.sort()).toEqual([...expected].sort())
  })

  it('a node restored from an old backup learns its own head from peers and never reuses a sequence number', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    await user.send('general', 'one')
    const dir = user.dataDir
    await user.stop()
    const backup = `${dir}-backup`
    await cp(dir, backup, { recursive: true })
    const again = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
    await waitFor(() => again.teamPeers('general').length === 1, 10_000, 'back in general')
    const two = await again.send('general', 'two')
    const three = await again.send('general', 'three')
    expect([two.seq, three.seq]).toEqual([2, 3])
    await waitFor(async () => (await ids(admin)).includes(three.id), 10_000, 'admin has three')
    await again.stop()
    await rm(dir, { recursive: true, force: true })
    await cp(backup, dir, { recursive: true })
    await rm(backup, { recursive: true, force: true })
    const restored = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
    await waitFor(() => restored.teamPeers('general').length === 1, 10_000, 'restored node back in general')
    const four = await restored.send('general', 'four')
    expect(four.seq).toBe(4)
    await waitFor(async () => (await ids(admin)).includes(four.id), 10_000, 'admin has four')
    expect(await logOf(admin).forkEvidence('general')).toEqual([])
  })

  it('detects a fork: one author, one sequence number, two entries', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    const first = await user.send('general', 'the real one')
    await waitFor(async () => (await ids(admin)).includes(first.id), 10_000, 'delivered')
    // the same key signs another entry for the same slot (as a cloned workstation would)
    const key = (await loadOrCreateIdentity(user.dataDir, 'x')).key
    const stored = await logOf(user).get(first.id)
    const rival = await createEntry(key, { ...stored!.entry, body: new Uint8Array(stored!.entry.body).reverse() })
    // relayed by a member (only members may relay a team's entries): the clone's own node
    const topic = topicOfTeam(admin.info().org!.id, 'general')
    const forked = nextEvent(admin, 'entry:forked')
    await (user as unknown as { libp2p: ParleyLibp2p }).libp2p.services.pubsub.publish(topic, rival.bytes)
    const evidence = await forked
    expect(evidence).toMatchObject({ author: user.peerId, seq: first.seq, existingId: first.id, forkId: rival.idHex })
    expect(await ids(admin)).toEqual([first.id])
    expect((await logOf(admin).forkEvidence('general')).map(v => v.idHex)).toEqual([rival.idHex])
  })

  for (const mode of ['forged', 'gapped', 'out-of-team'] as const) {
    it(`refuses a ${mode} range from a member's node`, async () => {
      const [admin, user, victim] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
      // the victim is away while the admin writes, so it will ask for these entries later
      const victimDir = victim.dataDir
      await victim.stop()
      await admin.createTeam('secret')
      for (let i = 0; i < 3; i++) await admin.send('general', `g${i}`)
      await admin.send('secret', 's0')
      const good = await Promise.all((await ids(admin)).map(async id => (await logOf(admin).get(id))!.bytes))
      const secret = (await logOf(admin).get((await ids(admin, 'secret'))[0]!))!.bytes
      // a hostile member's node: the user's identity, serving crafted history and nothing else
      const userDir = user.dataDir
      await user.stop()
      const key = (await loadOrCreateIdentity(userDir, 'x')).key
      const hostile = await createParleyLibp2p({ privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
      extra.push(hostile)
      let served = 0
      await hostile.handle(HISTORY_PROTOCOL, (stream) => {
        void (async () => {
          const pb = pbStream(stream)
          await pb.read(HistoryRequest)
          served++
          let entries: Uint8Array[]
          if (mode === 'out-of-team') {
            entries = [secret]
          } else if (mode === 'gapped') {
            entries = [good[0]!, good[2]!] // seq 1 then seq 3
          } else {
            const signed = SignedEntry.decode(good[0]!)
            const inner = Entry.decode(signed.entry)
            entries = [SignedEntry.encode({ ...signed, entry: Entry.encode({ ...inner, lamport: inner.lamport + 7 }) })]
          }
          await pb.write({ entries: entries.map(e => new Uint8Array(e)), done: true, error: '' }, HistoryBatch)
          await stream.close()
        })().catch(() => {
          // the requester may close a stream before asking (it cut the exchange short): nothing to serve
        })
      })
      await hostile.start()
      const expected = { forged: 'BadSignatureError', gapped: 'GappedRangeError', 'out-of-team': 'OutOfTeamError' }[mode]
      let refusal: Promise<{ from: string }> | undefined
      const back = await fx.node({ dataDir: victimDir, peers: [hostile.getMultiaddrs()[0]!.toString()] }, (n) => {
        refusal = nextEvent(n, 'entry:rejected', r => r.reason === expected, 15_000)
      })
      const r = await refusal!
      expect(r.from).toBe(user.peerId)
      expect(served).toBeGreaterThan(0)
      expect(await ids(back)).toEqual([])
    })
  }

  it('keeps the good batches of a range that goes bad later, stored in order, and refuses the rest', async () => {
    const [admin, user, victim] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const victimDir = victim.dataDir
    await victim.stop()
    for (let i = 0; i < 4; i++) await admin.send('general', `g${i}`)
    const good = await Promise.all((await ids(admin)).map(async id => (await logOf(admin).get(id))!.bytes))
    const userDir = user.dataDir
    await user.stop()
    const key = (await loadOrCreateIdentity(userDir, 'x')).key
    const hostile = await createParleyLibp2p({ privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    extra.push(hostile)
    const signed = SignedEntry.decode(good[3]!)
    const forged = SignedEntry.encode({ ...signed, entry: Entry.encode({ ...Entry.decode(signed.entry), lamport: 99 }) })
    // three good batches, acknowledged one by one, then a forged one: the receiver checks each batch
    // while the ones before are still being stored
    const batches = [[good[0]!], [good[1]!], [good[2]!], [forged]]
    await hostile.handle(HISTORY_PROTOCOL, (stream) => {
      void (async () => {
        const pb = pbStream(stream)
        await pb.read(HistoryRequest)
        for (const [i, entries] of batches.entries()) {
          if (i > 0) await pb.read(HistoryAck)
          await pb.write({ entries: entries.map(e => new Uint8Array(e)), done: i === batches.length - 1, error: '' }, HistoryBatch)
        }
        await stream.close()
      })().catch(() => {})
    })
    await hostile.start()
    let refusal: Promise<{ from: string }> | undefined
    const back = await fx.node({ dataDir: victimDir, peers: [hostile.getMultiaddrs()[0]!.toString()] }, (n) => {
      refusal = nextEvent(n, 'entry:rejected', r => r.reason === 'BadSignatureError', 15_000)
    })
    expect((await refusal!).from).toBe(user.peerId)
    expect(await ids(back)).toEqual((await ids(admin)).slice(0, 3))
  })

  it('a node that is not in the org yet (it is joining) answers a sync as such, which is no refusal', async () => {
    const [admin] = await fx.office(1) as [ParleyNode]
    await admin.send('general', 'before anyone joined')
    const rejected: string[] = []
    admin.addEventListener('entry:rejected', (e) => { rejected.push(`${e.detail.reason}: ${e.detail.message}`) })
    const newcomer = await fx.node({ peers: [admin.info().addresses[0]!] })
    await waitFor(() => admin.peers().some(p => p.peerId === newcomer.peerId), 10_000, 'newcomer connected')
    // as the admin's node does right after it admits a newcomer, before the newcomer has the records
    const history = (admin as unknown as { historySync: HistorySync }).historySync
    expect(await history.syncTeam(peerIdFromString(newcomer.peerId), 'general')).toBe(0)
    expect(rejected).toEqual([])
  })
})

describe('backup and restore', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('a restored node keeps its identity, waits for peers before posting, and never reuses a sequence number', async () => {
    const [admin, user] = await fx.office(2) as [ParleyNode, ParleyNode]
    await user.send('general', 'before the backup')
    const backupFile = join(await fx.tempDir(), 'user.backup')
    expect((await user.backup(backupFile)).rows).toBeGreaterThan(0)
    await expect(user.backup(backupFile)).rejects.toThrow(/EEXIST/) // never overwrites
    const after = await user.send('general', 'after the backup')
    await waitFor(async () => (await ids(admin)).includes(after.id), 10_000, 'delivered')
    await user.stop()

    // the disk died: restore into a new data dir
    const newDir = join(await fx.tempDir(), 'restored')
    const restored = await restoreBackup(backupFile, newDir, async () => EntryLog.open(join(newDir, 'log')))
    expect(restored.peerId).toBe(user.peerId)
    await expect(restoreBackup(backupFile, newDir, async () => EntryLog.open(join(newDir, 'log')))).rejects.toThrow(/already holds a parley node/)

    // alone, it refuses to post rather than guess its next sequence number
    const alone = await fx.node({ dataDir: newDir })
    expect(alone.peerId).toBe(user.peerId)
    expect((await alone.history('general')).messages.map(m => m.text)).toEqual(['before the backup'])
    await expect(alone.send('general', 'too early')).rejects.toBeInstanceOf(NotSyncedError)
    await expect(alone.createTeam('x')).rejects.toThrow()
    await alone.stop()

    const back = await fx.node({ dataDir: newDir, peers: [admin.info().addresses[0]!] })
    await waitFor(() => back.teamPeers('general').length === 1, 10_000, 'back in general')
    const next = await back.send('general', 'after the restore')
    expect(next.seq).toBe(after.seq + 1)
    await waitFor(async () => (await ids(admin)).includes(next.id), 10_000, 'admin has it')
    expect(await logOf(admin).forkEvidence('general')).toEqual([])
  })
})
