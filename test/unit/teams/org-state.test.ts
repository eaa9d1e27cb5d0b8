import { describe, expect, it } from 'vitest'
import { generateBoxKeyPair } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createRecord } from '../../../src/model/index.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { foldOrg, isTeamMember, orgIdOf } from '../../../src/teams/org-state.js'
import type { RecordFields, VerifiedRecord } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

type Op = Omit<RecordFields, 'org' | 'seq' | 'lamport' | 'wallTime' | 'prev'>

/** A signer with its own feed of records. */
class Signer {
  seq = 0
  last?: VerifiedRecord
  constructor (readonly key: Ed25519PrivateKey, readonly box = generateBoxKeyPair()) {}
  get raw (): Uint8Array<ArrayBuffer> { return new Uint8Array(this.key.publicKey.raw) }
  async write (org: string, lamport: number, op: Op, over: Partial<RecordFields> = {}): Promise<VerifiedRecord> {
    const r = await createRecord(this.key, {
      org: org === '' ? new Uint8Array(0) : Buffer.from(org, 'hex'),
      seq: this.seq + 1,
      lamport,
      wallTime: 1_000,
      prev: this.last === undefined ? new Uint8Array(0) : new Uint8Array(this.last.id),
      ...op,
      ...over
    })
    this.seq++
    this.last = r
    return r
  }
}

const signer = async (): Promise<Signer> => new Signer(await generateIdentityKey())
const sealedFor = (...who: Signer[]) => who.map(s => ({ member: s.raw, sealed: new Uint8Array(40) }))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

async function office () {
  const alice = await signer()
  const bob = await signer()
  const carol = await signer()
  const genesis = await alice.write('', 1, { genesis: { name: 'Acme', adminName: 'alice', adminBoxKey: alice.box.publicKey, nonce: new Uint8Array(8) } })
  const org = orgIdOf(genesis)
  const records = [genesis]
  records.push(await alice.write(org, 2, { addMember: { member: bob.raw, name: 'bob', boxKey: bob.box.publicKey, admin: false, invite: new Uint8Array(0) } }))
  records.push(await alice.write(org, 3, { addMember: { member: carol.raw, name: 'carol', boxKey: carol.box.publicKey, admin: false, invite: new Uint8Array(0) } }))
  const roster1 = await alice.write(org, 4, { roster: { team: 'general', epoch: 1, prev: new Uint8Array(0), keyCheck: new Uint8Array(32), sealed: sealedFor(alice, bob, carol) } })
  records.push(roster1)
  return { alice, bob, carol, org, records, roster1 }
}

describe('teams/org-state', () => {
  it('folds a directory and rosters, the same in any order', async () => {
    const { alice, bob, org, records } = await office()
    const state = foldOrg(org, records)
    expect(state.name).toBe('Acme')
    expect([...state.members.values()].map(m => m.name).sort()).toEqual(['alice', 'bob', 'carol'])
    expect(state.members.get(peerIdOfPublicKey(alice.raw))?.admin).toBe(true)
    expect(state.members.get(peerIdOfPublicKey(bob.raw))?.admin).toBe(false)
    expect(state.teams.get('general')?.current.members.size).toBe(3)
    const reversed = foldOrg(org, [...records].reverse())
    expect(reversed.applied.map(r => r.idHex)).toEqual(state.applied.map(r => r.idHex))
    expect(state.refused).toEqual([])
    expect(isTeamMember(state, 'general', peerIdOfPublicKey(bob.raw))).toBe(true)
  })

  it('keeps the latest retention of a team, from admins only, for teams that exist', async () => {
    const { alice, bob, org, records } = await office()
    const keep30 = await alice.write(org, 5, { retention: { team: 'general', days: 30, hold: false, reason: '' } })
    const hold = await alice.write(org, 6, { retention: { team: 'general', days: 30, hold: true, reason: 'audit' } })
    const unknown = await alice.write(org, 7, { retention: { team: 'nosuch', days: 1, hold: false, reason: '' } })
    const byMember = await bob.write(org, 8, { retention: { team: 'general', days: 1, hold: false, reason: '' } })
    const state = foldOrg(org, [...records, byMember, unknown, hold, keep30])
    expect(state.retention.get('general')).toMatchObject({ days: 30, hold: true, reason: 'audit', by: peerIdOfPublicKey(alice.raw) })
    expect(state.retention.has('nosuch')).toBe(false)
    const reasons = state.refused.map(r => r.reason)
    expect(reasons).toHaveLength(2)
    expect(reasons).toContain('retention for unknown team nosuch')
    expect(reasons.some(r => /not an admin/.test(r))).toBe(true)
  })

  it('refuses records from a signer who is not an admin (a forged roster)', async () => {
    const { bob, org, records, roster1 } = await office()
    const forged = await bob.write(org, 5, { roster: { team: 'general', epoch: 2, prev: roster1.id, keyCheck: new Uint8Array(32), sealed: sealedFor(bob) } })
    const state = foldOrg(org, [...records, forged])
    expect(state.teams.get('general')?.current.epoch).toBe(1)
    expect(state.refused.map(r => r.reason)).toEqual([expect.stringMatching(/not an admin/)])
  })

  it('refuses a rolled-back roster, an epoch gap and a broken roster chain', async () => {
    const { alice, bob, org, records, roster1 } = await office()
    const r2 = await alice.write(org, 5, { roster: { team: 'general', epoch: 2, prev: roster1.id, keyCheck: new Uint8Array(32), sealed: sealedFor(alice, bob) } })
    const rollback = await alice.write(org, 6, { roster: { team: 'general', epoch: 1, prev: new Uint8Array(0), keyCheck: new Uint8Array(32), sealed: sealedFor(alice, bob) } })
    const gap = await alice.write(org, 7, { roster: { team: 'general', epoch: 4, prev: r2.id, keyCheck: new Uint8Array(32), sealed: sealedFor(alice) } })
    const broken = await alice.write(org, 8, { roster: { team: 'general', epoch: 3, prev: roster1.id, keyCheck: new Uint8Array(32), sealed: sealedFor(alice) } })
    const state = foldOrg(org, [...records, r2, rollback, gap, broken])
    expect(state.teams.get('general')?.current.recordId).toBe(r2.idHex)
    expect(state.refused.map(r => r.reason)).toEqual([
      expect.stringMatching(/rolled-back/),
      expect.stringMatching(/epoch gap/),
      expect.stringMatching(/broken roster chain/)
    ])
  })

  it('removal is final and takes the member out of every team', async () => {
    const { alice, carol, org, records } = await office()
    const remove = await alice.write(org, 5, { removeMember: { member: carol.raw, cutoffSeq: 0, ends: [] } })
    const readd = await alice.write(org, 6, { addMember: { member: carol.raw, name: 'carol', boxKey: carol.box.publicKey, admin: false, invite: new Uint8Array(0) } })
    const state = foldOrg(org, [...records, remove, readd])
    const carolId = [...state.removed.keys()][0]!
    expect(state.removed.get(carolId)?.name).toBe('carol')
    expect(isTeamMember(state, 'general', carolId)).toBe(false)
    expect(state.refused.map(r => r.reason)).toEqual([expect.stringMatching(/removal is final/)])
  })

  it('a removed admin\'s later records are refused even when they sort before the removal', async () => {
    const { alice, bob, org, records, roster1 } = await office()
    const promote = await alice.write(org, 5, { addMember: { member: bob.raw, name: 'bob', boxKey: bob.box.publicKey, admin: true, invite: new Uint8Array(0) } })
    const bobOk = await bob.write(org, 6, { invite: { id: new Uint8Array(32).fill(1), expires: 9_999, teams: [], name: '' } })
    // alice removes bob knowing his records up to seq 1; bob's seq 2 is backdated to lamport 7
    const remove = await alice.write(org, 8, { removeMember: { member: bob.raw, cutoffSeq: 1, ends: [] } })
    const late = await bob.write(org, 7, { roster: { team: 'general', epoch: 2, prev: roster1.id, keyCheck: new Uint8Array(32), sealed: sealedFor(bob) } })
    const state = foldOrg(org, [...records, promote, bobOk, remove, late])
    expect(state.invites.has(hex(new Uint8Array(32).fill(1)))).toBe(true)
    expect(state.teams.get('general')?.current.epoch).toBe(1)
    expect(state.refused.map(r => r.record.idHex)).toEqual([late.idHex])
  })

  it('in a mutual removal of two admins, the senior admin wins', async () => {
    const { alice, bob, org, records } = await office()
    const promote = await alice.write(org, 5, { addMember: { member: bob.raw, name: 'bob', boxKey: bob.box.publicKey, admin: true, invite: new Uint8Array(0) } })
    // concurrently: bob (junior) removes alice with a low clock, alice removes bob
    const bobRemovesAlice = await bob.write(org, 6, { removeMember: { member: alice.raw, cutoffSeq: 5, ends: [] } })
    const aliceRemovesBob = await alice.write(org, 7, { removeMember: { member: bob.raw, cutoffSeq: 0, ends: [] } })
    const state = foldOrg(org, [...records, promote, bobRemovesAlice, aliceRemovesBob])
    expect([...state.members.values()].map(m => m.name).sort()).toEqual(['alice', 'carol'])
    expect(state.refused.map(r => r.reason)).toEqual([expect.stringMatching(/senior admin/)])
  })

  it('an invite admits one member before it expires', async () => {
    const { alice, org, records } = await office()
    const dave = await signer()
    const erin = await signer()
    const inviteId = new Uint8Array(32).fill(9)
    const invite = await alice.write(org, 5, { invite: { id: inviteId, expires: 5_000, teams: ['general'], name: '' } })
    const addDave = await alice.write(org, 6, { addMember: { member: dave.raw, name: 'dave', boxKey: dave.box.publicKey, admin: false, invite: inviteId } })
    const addErin = await alice.write(org, 7, { addMember: { member: erin.raw, name: 'erin', boxKey: erin.box.publicKey, admin: false, invite: inviteId } })
    const state = foldOrg(org, [...records, invite, addDave, addErin])
    expect([...state.members.values()].map(m => m.name)).toContain('dave')
    expect([...state.members.values()].map(m => m.name)).not.toContain('erin')
    expect(state.refused[0]?.reason).toMatch(/already used/)
    const expired = await alice.write(org, 8, { invite: { id: new Uint8Array(32).fill(8), expires: 500, teams: [], name: '' } })
    const late = await alice.write(org, 9, { addMember: { member: erin.raw, name: 'erin', boxKey: erin.box.publicKey, admin: false, invite: new Uint8Array(32).fill(8) } })
    expect(foldOrg(org, [...records, invite, addDave, addErin, expired, late]).refused.map(r => r.reason)).toContain('invite expired')
  })

  it('ignores records of other orgs, chain gaps and equivocation', async () => {
    const { alice, org, records } = await office()
    const other = await signer()
    const foreignGenesis = await other.write('', 1, { genesis: { name: 'Evil', adminName: 'x', adminBoxKey: other.box.publicKey, nonce: new Uint8Array(8) } })
    const gapSigner = await signer()
    gapSigner.seq = 3
    gapSigner.last = records[0]
    const gapped = await gapSigner.write(org, 9, { invite: { id: new Uint8Array(32).fill(3), expires: 1, teams: [], name: '' } })
    const state = foldOrg(org, [...records, foreignGenesis, gapped])
    expect(state.refused.map(r => r.reason)).toEqual([expect.stringMatching(/another org/), expect.stringMatching(/gap/)])
    expect(state.heads.get(records[0]!.signer)?.seq).toBe(alice.seq)
  })
})
