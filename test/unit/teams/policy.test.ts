import { describe, expect, it } from 'vitest'
import { generateBoxKeyPair } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createRecord, decodeRecord, SignedRecord } from '../../../src/model/index.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { foldOrg, orgIdOf } from '../../../src/teams/org-state.js'
import { currentPolicy, policyStatus, policyVerdict } from '../../../src/teams/policy.js'
import type { RecordFields, VerifiedRecord } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

type Op = Omit<RecordFields, 'org' | 'seq' | 'lamport' | 'wallTime' | 'prev'>

/** A signer with its own chain of records. */
class Signer {
  seq = 0
  last?: VerifiedRecord
  constructor (readonly key: Ed25519PrivateKey, readonly box = generateBoxKeyPair()) {}
  get raw (): Uint8Array<ArrayBuffer> { return new Uint8Array(this.key.publicKey.raw) }
  get id (): string { return peerIdOfPublicKey(this.raw) }
  async write (org: string, lamport: number, op: Op, wallTime = 1_000): Promise<VerifiedRecord> {
    const r = await createRecord(this.key, {
      org: org === '' ? new Uint8Array(0) : Buffer.from(org, 'hex'),
      seq: this.seq + 1,
      lamport,
      wallTime,
      prev: this.last === undefined ? new Uint8Array(0) : new Uint8Array(this.last.id),
      ...op
    })
    this.seq++
    this.last = r
    return r
  }
}

const signer = async (): Promise<Signer> => new Signer(await generateIdentityKey())

async function office () {
  const alice = await signer()
  const bob = await signer()
  const carol = await signer()
  const genesis = await alice.write('', 1, { genesis: { name: 'Acme', adminName: 'alice', adminBoxKey: alice.box.publicKey, nonce: new Uint8Array(8) } })
  const org = orgIdOf(genesis)
  const records = [genesis]
  records.push(await alice.write(org, 2, { addMember: { member: bob.raw, name: 'bob', boxKey: bob.box.publicKey, admin: false, invite: new Uint8Array(0) } }))
  records.push(await alice.write(org, 3, { addMember: { member: carol.raw, name: 'carol', boxKey: carol.box.publicKey, admin: false, invite: new Uint8Array(0) } }))
  return { alice, bob, carol, org, records }
}

const policy = (version: number, everySession = false): Op => ({ policy: { version, text: `rules v${version}`, everySession } })
const accept = (version: number, session = new Uint8Array(0)): Op => ({ policyAcceptance: { version, session } })

describe('teams/policy', () => {
  it('an admin publishes versions in order; each member accepts for themselves, the publisher by publishing', async () => {
    const { alice, bob, carol, org, records } = await office()
    const v1 = await alice.write(org, 4, policy(1), 2_000)
    const bobAccepts = await bob.write(org, 5, accept(1), 3_000)
    const state = foldOrg(org, [...records, bobAccepts, v1])
    expect(state.refused).toEqual([])
    expect(currentPolicy(state)).toMatchObject({ version: 1, text: 'rules v1', by: alice.id, at: 2_000 })
    const status = policyStatus(state)!
    expect(status.members.find(m => m.peerId === alice.id)).toMatchObject({ current: true, accepted: { version: 1, at: 2_000 } })
    expect(status.members.find(m => m.peerId === bob.id)).toMatchObject({ current: true, accepted: { version: 1, at: 3_000 } })
    expect(status.members.find(m => m.peerId === carol.id)).toMatchObject({ current: false })
    expect(status.members.find(m => m.peerId === carol.id)?.accepted).toBeUndefined()
  })

  it('refuses entries written after a version took effect unless the author had accepted it by then', async () => {
    const { alice, bob, carol, org, records } = await office()
    const v1 = await alice.write(org, 4, policy(1), 2_000)
    const bobAccepts1 = await bob.write(org, 5, accept(1), 3_000)
    const v2 = await alice.write(org, 6, policy(2), 5_000)
    const bobAccepts2 = await bob.write(org, 7, accept(2), 7_000)
    const state = foldOrg(org, [...records, v1, bobAccepts1, v2, bobAccepts2])
    expect(state.refused).toEqual([])
    // before any policy: fine for everyone
    expect(policyVerdict(state, carol.id, 1_500)).toBe('ok')
    // carol never accepted
    expect(policyVerdict(state, carol.id, 2_500)).toMatch(/had not accepted policy version 1/)
    // bob: before accepting v1, under v1, after v2 took effect but before accepting it, after
    expect(policyVerdict(state, bob.id, 2_500)).toMatch(/version 1/)
    expect(policyVerdict(state, bob.id, 4_000)).toBe('ok')
    expect(policyVerdict(state, bob.id, 6_000)).toMatch(/had not accepted policy version 2/)
    expect(policyVerdict(state, bob.id, 8_000)).toBe('ok')
    // the publishing admin is covered from the moment of publishing
    expect(policyVerdict(state, alice.id, 5_000)).toBe('ok')
    // the same verdicts whatever order the records arrived in
    const other = foldOrg(org, [bobAccepts2, v2, ...records.reverse(), bobAccepts1, v1])
    for (const t of [2_500, 4_000, 6_000, 8_000]) expect(policyVerdict(other, bob.id, t)).toBe(policyVerdict(state, bob.id, t))
  })

  it('refuses a policy from a member who is not an admin, and a version out of order', async () => {
    const { alice, bob, org, records } = await office()
    const byBob = await bob.write(org, 4, policy(1))
    const skip = await alice.write(org, 5, policy(2))
    const state = foldOrg(org, [...records, byBob, skip])
    expect(currentPolicy(state)).toBeUndefined()
    const reasons = state.refused.map(r => r.reason)
    expect(reasons.some(r => /not an admin/.test(r))).toBe(true)
    expect(reasons.some(r => /version 2 out of order: the next is 1/.test(r))).toBe(true)
    // the same version published twice: the second is refused
    const { alice: a2, org: org2, records: r2 } = await office()
    const first = await a2.write(org2, 4, policy(1))
    const again = await a2.write(org2, 5, policy(1))
    const state2 = foldOrg(org2, [...r2, again, first])
    expect(state2.policy.versions).toHaveLength(1)
    expect(state2.refused.map(r => r.reason)).toEqual(['policy version 1 out of order: the next is 2'])
  })

  it('refuses an acceptance that sorts before the version it names, and one of a version never published', async () => {
    const { alice, bob, carol, org, records } = await office()
    // bob signs with a Lamport clock below the policy's: he cannot have held it
    const early = await bob.write(org, 3, accept(1), 3_000)
    const v1 = await alice.write(org, 4, policy(1), 2_000)
    const future = await carol.write(org, 5, accept(7), 3_000)
    const state = foldOrg(org, [...records, early, v1, future])
    expect(policyVerdict(state, bob.id, 4_000)).toMatch(/version 1/)
    expect(policyVerdict(state, carol.id, 4_000)).toMatch(/version 1/)
    const reasons = state.refused.map(r => r.reason)
    expect(reasons.some(r => /there is no policy to accept|not published/.test(r))).toBe(true)
    expect(reasons.some(r => /version 7, which is not published/.test(r))).toBe(true)
  })

  it('a forged acceptance does not decode; an outsider\'s is refused; nobody can accept for someone else', async () => {
    const { alice, bob, org, records } = await office()
    const v1 = await alice.write(org, 4, policy(1), 2_000)
    const genuine = await bob.write(org, 5, accept(1), 3_000)
    // flip a byte of the signature
    const signed = SignedRecord.decode(genuine.bytes)
    signed.signature[0] = signed.signature[0]! ^ 1
    await expect(decodeRecord(SignedRecord.encode(signed))).rejects.toMatchObject({ name: 'BadSignatureError' })
    // an outsider signs an acceptance with their own key
    const mallory = await signer()
    const byOutsider = await mallory.write(org, 5, accept(1), 3_000)
    const state = foldOrg(org, [...records, v1, byOutsider])
    expect(state.refused.map(r => r.reason)).toEqual([`signer ${mallory.id} is not a member of the org`])
    // an acceptance names no member: whoever signs it accepts for themselves only (carol is not covered by bob's)
    const withBob = foldOrg(org, [...records, v1, genuine])
    expect(policyVerdict(withBob, bob.id, 4_000)).toBe('ok')
    expect([...withBob.policy.accepted.keys()].sort()).toEqual([alice.id, bob.id].sort())
  })

  it('a replayed acceptance counts once; a policy asking per session refuses an acceptance without one or a reused session', async () => {
    const { alice, bob, org, records } = await office()
    const v1 = await alice.write(org, 4, policy(1, true), 2_000)
    const session = new Uint8Array(16).fill(7)
    const first = await bob.write(org, 5, accept(1, session), 3_000)
    const reused = await bob.write(org, 6, accept(1, session), 4_000)
    const none = await bob.write(org, 7, accept(1), 5_000)
    const state = foldOrg(org, [...records, v1, first, first, reused, none])
    expect(state.policy.accepted.get(bob.id)).toHaveLength(1)
    const reasons = state.refused.map(r => r.reason)
    expect(reasons.some(r => /already accepted: a replay/.test(r))).toBe(true)
    expect(reasons.some(r => /asks for an acceptance per session/.test(r))).toBe(true)
  })

  it('an acceptance that sorts after the member\'s removal is refused', async () => {
    const { alice, bob, org, records } = await office()
    const v1 = await alice.write(org, 4, policy(1), 2_000)
    const removal = await alice.write(org, 5, { removeMember: { member: bob.raw, cutoffSeq: 0, ends: [] } })
    const late = await bob.write(org, 6, accept(1), 3_000)
    const state = foldOrg(org, [...records, v1, removal, late])
    expect(state.refused.map(r => r.reason)).toEqual([`signer ${bob.id} is not a member of the org`])
    expect(policyStatus(state)!.members.map(m => m.peerId)).not.toContain(bob.id)
    // concurrent: the acceptance sorts before the removal (lower Lamport clock); bob is out all the same
    const { alice: a2, bob: b2, org: o2, records: r2 } = await office()
    const p2 = await a2.write(o2, 4, policy(1), 2_000)
    const acc = await b2.write(o2, 5, accept(1), 3_000)
    const rem = await a2.write(o2, 5, { removeMember: { member: b2.raw, cutoffSeq: 1, ends: [] } })
    const s2 = foldOrg(o2, [...r2, p2, rem, acc])
    expect(s2.members.has(b2.id)).toBe(false)
    expect(s2.removed.has(b2.id)).toBe(true)
  })

  it('a record signed by a removed admin past their cutoff cannot publish a policy', async () => {
    const { alice, bob, org, records } = await office()
    const makeBobAdmin = await alice.write(org, 4, { addMember: { member: bob.raw, name: 'bob', boxKey: bob.box.publicKey, admin: true, invite: new Uint8Array(0) } })
    const removal = await alice.write(org, 5, { removeMember: { member: bob.raw, cutoffSeq: 0, ends: [] } })
    const byBob = await bob.write(org, 9, policy(1))
    const state = foldOrg(org, [...records, makeBobAdmin, removal, byBob])
    expect(currentPolicy(state)).toBeUndefined()
    expect(state.refused.map(r => r.reason)).toEqual([`signer ${bob.id} was removed as admin`])
  })
})
