/**
 * A curious or hostile node on the LAN that is no member (or a member sending oversized requests):
 * with real nodes in one process (loopback, static peers, no mDNS), built on parley's libp2p stack.
 */
import { lpStream, pbStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentityKey } from '../../src/crypto/keys.js'
import { createEntry, createRecord, FileHave, FileOpen, HistoryBatch, HistoryRequest, OrgHeads, OrgRecords } from '../../src/model/index.js'
import { createParleyLibp2p } from '../../src/net/libp2p-node.js'
import { FILE_PROTOCOL, HISTORY_PROTOCOL, inboxTopic, ORG_SYNC_PROTOCOL, orgTopic, presenceTopic, topicOfTeam } from '../../src/net/topics.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const internals = (n: ParleyNode): { libp2p: ParleyLibp2p, identity: { key: Ed25519PrivateKey } } => n as unknown as { libp2p: ParleyLibp2p, identity: { key: Ed25519PrivateKey } }

/** `message` followed by an unknown bytes field (number 15) of `padding` bytes: still a valid message, only large. */
function padded (message: Uint8Array, padding: number): Uint8Array {
  const length: number[] = []
  for (let n = padding; ; n = Math.floor(n / 128)) {
    if (n < 128) { length.push(n); break }
    length.push((n % 128) | 128)
  }
  return Buffer.concat([message, Buffer.from([(15 << 3) | 2, ...length]), Buffer.alloc(padding)])
}

describe('outsiders and oversized requests on the stream protocols', () => {
  const fx = new Fixture()
  const peers: ParleyLibp2p[] = []
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop()
    await fx.cleanup()
  })

  async function stranger (key?: Ed25519PrivateKey): Promise<ParleyLibp2p> {
    const libp2p = await createParleyLibp2p({ privateKey: key ?? await generateIdentityKey(), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    peers.push(libp2p)
    await libp2p.start()
    return libp2p
  }

  it('a non-member is read nothing on the file protocol: a large first message gets no answer at all', async () => {
    const [admin, bob] = await fx.office(2) as [ParleyNode, ParleyNode]
    const dir = await fx.tempDir()
    const { writeFile } = await import('node:fs/promises')
    await writeFile(`${dir}/plan.txt`, 'plan')
    const shared = await admin.sendFile('general', `${dir}/plan.txt`)
    const open = FileOpen.encode({ org: new Uint8Array(Buffer.from(admin.info().org!.id, 'hex')), team: 'general', file: new Uint8Array(Buffer.from(shared.id, 'hex')) })
    const outsider = await stranger()
    const ma = multiaddr(admin.info().addresses[0])
    // before the fix the node read a message of up to 16 MiB from anyone, then said no
    const stream = await outsider.dialProtocol(ma, FILE_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 1024 * 1024 })
    await lp.write(padded(open, 1024 * 1024)).catch(() => {})
    await expect(lp.read({ signal: AbortSignal.timeout(15_000) })).rejects.toThrow()
    // a member with an oversized request is refused too: the bound comes before the membership check
    await bob.stop()
    const member = await stranger(internals(bob).identity.key)
    await waitFor(async () => { await member.dial(ma); return true }, 10_000, 'the member reconnects')
    const big = lpStream(await member.dialProtocol(ma, FILE_PROTOCOL))
    await big.write(padded(open, 1024 * 1024)).catch(() => {})
    await expect(big.read({ signal: AbortSignal.timeout(15_000) })).rejects.toThrow()
    // and a request of the right size is served
    const small = lpStream(await member.dialProtocol(ma, FILE_PROTOCOL))
    await small.write(open)
    expect(FileHave.decode(await small.read({ signal: AbortSignal.timeout(15_000) })).error).toBe('')
  })

  it('an outsider that knows every topic name is told nothing on gossipsub, and its gossip is never read', async () => {
    const [admin, bob] = await fx.office(2) as [ParleyNode, ParleyNode]
    const orgId = admin.info().org!.id
    await admin.send('general', 'layoffs-2026 are confidential')
    await admin.setPresence('busy', 'at the clinic')
    // the worst case: it knows the org id and the topic names (a removed member behind a new identity)
    const key = await generateIdentityKey()
    const outsider = await stranger(key)
    const topics = [topicOfTeam(orgId, 'general'), orgTopic(orgId), presenceTopic(orgId), inboxTopic(orgId, admin.peerId)]
    const heard: string[] = []
    outsider.services.pubsub.addEventListener('message', (e) => { heard.push(e.detail.topic) })
    for (const t of topics) outsider.services.pubsub.subscribe(t)
    const delivered: string[] = []
    admin.addEventListener('message:added', (e) => { delivered.push(e.detail.text) })
    const rejected: string[] = []
    admin.addEventListener('entry:rejected', (e) => { rejected.push(e.detail.reason) })
    await outsider.dial(multiaddr(admin.info().addresses[0]))
    await outsider.dial(multiaddr(bob.info().addresses[0]))
    let prev = new Uint8Array(0)
    for (let seq = 1; seq <= 80; seq++) {
      const junk = await createEntry(key, { team: 'general', seq, lamport: seq, wallTime: Date.now(), epoch: 1, prev, body: new Uint8Array(40) })
      prev = new Uint8Array(junk.id)
      await outsider.services.pubsub.publish(topics[0]!, junk.bytes).catch(() => {})
    }
    // the members talk meanwhile: none of it reaches the outsider
    const seen = nextEvent(bob, 'message:added', m => m.text === 'payroll')
    await admin.send('general', 'payroll')
    await admin.setPresence('dnd', 'oncology follow-up')
    await seen
    const gates = [admin, bob].map(n => (n as unknown as { memberGate: { heldStreams: number } }).memberGate)
    await waitFor(() => gates.every(g => g.heldStreams > 0), 10_000, 'both members hold the outsider\'s meshsub streams unread')
    expect(heard).toEqual([])
    for (const t of topics) expect(outsider.services.pubsub.getSubscribers(t)).toEqual([])
    // its junk was never even read: no refusal to report, nothing stored
    expect(rejected).toEqual([])
    expect(delivered).toEqual(['payroll'])
    expect(outsider.getConnections().length).toBeGreaterThan(0)
  })

  it('an outsider asked for the org\'s records cannot make a node check thousands of signatures', async () => {
    const [admin] = await fx.office(1) as [ParleyNode]
    const orgId = new Uint8Array(Buffer.from(admin.info().org!.id, 'hex'))
    const outsider = await stranger()
    let asked = 0
    const requests: OrgHeads[] = []
    // every node asks a peer that connects for the org's records; this one answers with a megabyte of
    // forged ones (each would cost a signature check, and an event)
    const forged = await createRecord(await generateIdentityKey(), { org: orgId, seq: 1, lamport: 1, wallTime: Date.now(), prev: new Uint8Array(0), invite: { id: new Uint8Array(32), expires: 0, teams: [] } })
    await outsider.handle(ORG_SYNC_PROTOCOL, async (stream) => {
      asked++
      const pb = pbStream(stream, { maxDataLength: 1024 * 1024 })
      // asked, but told neither the org nor what the node holds of it
      const request = await pb.read(OrgHeads)
      requests.push(request)
      const bad = new Uint8Array(forged.bytes)
      bad[bad.length - 1]! ^= 1
      await pb.write({ records: Array.from({ length: Math.ceil(1024 * 1024 / bad.length) }, () => bad) }, OrgRecords).catch(() => {})
      await stream.close().catch(() => {})
    })
    const refused: string[] = []
    admin.addEventListener('entry:rejected', (e) => { if (e.detail.from === outsider.peerId.toString()) refused.push(e.detail.reason) })
    await outsider.dial(multiaddr(admin.info().addresses[0]))
    await waitFor(() => asked > 0, 10_000, 'the node asks the outsider')
    // once that exchange is over, the answer was refused whole, unread beyond its bound: not one
    // record of it was checked (before, each was, and reported)
    const syncing = (admin as unknown as { run: { orgSync: { syncing: Map<string, Promise<void>> } } }).run.orgSync.syncing
    await waitFor(() => !syncing.has(outsider.peerId.toString()), 15_000, 'the exchange over')
    expect(refused).toEqual([])
    expect(requests.every(r => r.org.byteLength === 0 && r.heads.length === 0)).toBe(true)
  })

  it('a non-member is read nothing on the history protocol', async () => {
    const [admin] = await fx.office(1) as [ParleyNode]
    const outsider = await stranger()
    const stream = await outsider.dialProtocol(multiaddr(admin.info().addresses[0]), HISTORY_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 4 * 1024 * 1024 })
    const request = HistoryRequest.encode({ org: new Uint8Array(Buffer.from(admin.info().org!.id, 'hex')), team: 'general', heads: [] })
    // before the fix a request of up to 4 MiB was read from anyone, and answered (with a refusal)
    await lp.write(padded(request, 2 * 1024 * 1024)).catch(() => {})
    await expect(lp.read({ signal: AbortSignal.timeout(15_000) }).then(b => HistoryBatch.decode(b))).rejects.toThrow()
  })
})
