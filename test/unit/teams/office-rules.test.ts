/**
 * The office's org records in the fold (suspend, resume, revoke invite, team posters): each forged,
 * by a non-admin, out of order, replayed and concurrent with a removal, and what the entry rules
 * then take from a suspended member or a non-poster.
 */
import { describe, expect, it } from 'vitest'
import { generateBoxKeyPair } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createRecord, decodeRecord, OrgRecord, SignedRecord } from '../../../src/model/index.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { entryVerdict, historyVerdict, mayRead } from '../../../src/teams/entry-rules.js'
import { checkAdmission } from '../../../src/teams/invites.js'
import { inviteList } from '../../../src/teams/invite-list.js'
import { orgLog } from '../../../src/teams/org-log.js'
import { foldOrg, orgIdOf } from '../../../src/teams/org-state.js'
import type { RecordFields, VerifiedRecord } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

type Op = Omit<RecordFields, 'org' | 'seq' | 'lamport' | 'wallTime' | 'prev'>

/** A signer with its own feed of records. */
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
const sealedFor = (...who: Signer[]) => who.map(s => ({ member: s.raw, sealed: new Uint8Array(40) }))
const member = (s: Signer, admin = false): Op => ({ addMember: { member: s.raw, name: s === undefined ? '' : `m${s.id.slice(-4)}`, boxKey: s.box.publicKey, admin, invite: new Uint8Array(0) } })
const reasons = (state: ReturnType<typeof foldOrg>): string[] => state.refused.map(r => r.reason)

/** Alice (admin), Dan (second admin), Bob and Carol; general with all four at epoch 1. */
async function office () {
  const alice = await signer()
  const dan = await signer()
  const bob = await signer()
  const carol = await signer()
  const genesis = await alice.write('', 1, { genesis: { name: 'Acme', adminName: 'alice', adminBoxKey: alice.box.publicKey, nonce: new Uint8Array(8) } })
  const org = orgIdOf(genesis)
  const records = [genesis]
  records.push(await alice.write(org, 2, member(dan, true)))
  records.push(await alice.write(org, 3, member(bob)))
  records.push(await alice.write(org, 4, member(carol)))
  const roster1 = await alice.write(org, 5, { roster: { team: 'general', epoch: 1, prev: new Uint8Array(0), keyCheck: new Uint8Array(32), sealed: sealedFor(alice, bob, carol, dan) } })
  records.push(roster1)
  let last = roster1
  let epoch = 1
  /** the next roster of general, by `by`, naming `who` */
  const roster = async (by: Signer, lamport: number, ...who: Signer[]): Promise<VerifiedRecord> => {
    epoch++
    const r = await by.write(org, lamport, { roster: { team: 'general', epoch, prev: new Uint8Array(last.id), keyCheck: new Uint8Array(32), sealed: sealedFor(...who) } })
    last = r
    return r
  }
  return { alice, dan, bob, carol, org, records, roster }
}

describe('teams/office-rules: suspend and resume', () => {
  it('a suspended member stays in the directory, is named by no roster, and neither posts nor is served; resume lets them back', async () => {
    const { alice, bob, carol, dan, org, records, roster } = await office()
    const suspend = await alice.write(org, 10, { suspend: { member: bob.raw, reason: 'on leave', cutoffSeq: 0 } })
    const rotated = await roster(alice, 11, alice, carol, dan)
    let state = foldOrg(org, [...records, suspend, rotated])
    expect(state.members.has(bob.id)).toBe(true)
    expect(state.suspended).toEqual(new Set([bob.id]))
    expect(state.suspensions.get(bob.id)).toMatchObject({ by: alice.id, reason: 'on leave', teams: ['general'] })
    expect(entryVerdict(state, carol.id, 'general', 2, bob.id)).toMatch(/suspended/)
    // backdated at the epoch they held: refused by gossip and by history
    expect(entryVerdict(state, carol.id, 'general', 1, bob.id)).toMatch(/suspended/)
    expect(historyVerdict(state, carol.id, 'general', 1, bob.id)).toMatch(/suspended/)
    expect(mayRead(state, carol.id, 'general', bob.id)).toBe(false)
    expect(entryVerdict(state, bob.id, 'general', 2, carol.id)).toBe('ok')

    // an admin who had not seen the suspension puts bob in a roster: refused, whichever admin wrote it
    const stale = await roster(dan, 12, alice, bob, carol, dan)
    state = foldOrg(org, [...records, suspend, rotated, stale])
    expect(reasons(state)).toContain(`roster names ${bob.id}, who is suspended`)
    expect(state.teams.get('general')?.current.epoch).toBe(2)

    const resume = await alice.write(org, 20, { resume: { member: bob.raw, fromSeq: 0 } })
    const back = await alice.write(org, 21, { roster: { team: 'general', epoch: 3, prev: new Uint8Array(rotated.id), keyCheck: new Uint8Array(32), sealed: sealedFor(alice, bob, carol, dan) } })
    state = foldOrg(org, [...records, suspend, rotated, resume, back])
    expect(state.suspended.size).toBe(0)
    expect(state.teams.get('general')?.current.members.has(bob.id)).toBe(true)
    expect(entryVerdict(state, carol.id, 'general', 3, bob.id)).toBe('ok')
    expect(mayRead(state, carol.id, 'general', bob.id)).toBe(true)
    // the same records in any order fold the same
    expect(foldOrg(org, [back, resume, rotated, suspend, ...records].reverse()).applied.map(r => r.idHex)).toEqual(state.applied.map(r => r.idHex))
  })

  it('refuses a suspension by a non-admin, a forged one, a replayed one, of oneself and of the last admin', async () => {
    const { alice, bob, carol, dan, org, records } = await office()
    const byMember = await bob.write(org, 10, { suspend: { member: carol.raw, reason: '', cutoffSeq: 0 } })
    let state = foldOrg(org, [...records, byMember])
    expect(state.suspended.size).toBe(0)
    expect(reasons(state).some(r => /not an admin/.test(r))).toBe(true)

    // forged: alice's signature over a record with bob's name swapped in does not verify
    const real = await alice.write(org, 11, { suspend: { member: carol.raw, reason: '', cutoffSeq: 0 } })
    const signed = SignedRecord.decode(real.bytes)
    const altered = OrgRecord.decode(signed.record)
    altered.suspend = { member: bob.raw, reason: '', cutoffSeq: 0 }
    await expect(decodeRecord(SignedRecord.encode({ record: OrgRecord.encode(altered), signature: signed.signature }))).rejects.toThrow(/signature/)

    // replayed: the same record twice is one suspension; a fresh one for the same member is refused
    const again = await alice.write(org, 12, { suspend: { member: carol.raw, reason: 'again', cutoffSeq: 0 } })
    state = foldOrg(org, [...records, real, real, again])
    expect(state.suspended).toEqual(new Set([carol.id]))
    expect(state.applied.filter(r => r.op === 'suspend')).toHaveLength(1)
    expect(reasons(state)).toContain(`member ${carol.id} is already suspended`)

    const self = await dan.write(org, 13, { suspend: { member: dan.raw, reason: '', cutoffSeq: 0 } })
    const ofAlice = await dan.write(org, 14, { suspend: { member: alice.raw, reason: '', cutoffSeq: alice.seq } })
    const ofDan = await alice.write(org, 15, { suspend: { member: dan.raw, reason: '', cutoffSeq: dan.seq } })
    state = foldOrg(org, [...records, real, again, self, ofAlice, ofDan])
    expect(reasons(state)).toContain('an admin cannot suspend themselves')
    // dan suspended alice first; alice is then no admin who may act, so dan stays the last one
    expect(state.suspended).toEqual(new Set([carol.id, alice.id]))
    expect(reasons(state)).toContain(`signer ${alice.id} was suspended as admin when they made it`)
  })

  it('resume out of order (sorted before the suspension) and of someone not suspended is refused', async () => {
    const { alice, bob, org, records } = await office()
    const early = await alice.write(org, 9, { resume: { member: bob.raw, fromSeq: 0 } })
    const suspend = await alice.write(org, 10, { suspend: { member: bob.raw, reason: '', cutoffSeq: 0 } })
    const state = foldOrg(org, [suspend, ...records, early])
    expect(state.suspended).toEqual(new Set([bob.id]))
    expect(reasons(state)).toContain(`member ${bob.id} is not suspended`)
  })

  it('concurrent with a removal: whichever way they sort, the member ends removed, not suspended', async () => {
    const { alice, dan, bob, org, records } = await office()
    const suspend = await dan.write(org, 10, { suspend: { member: bob.raw, reason: '', cutoffSeq: 0 } })
    const remove = await alice.write(org, 10, { removeMember: { member: bob.raw, cutoffSeq: 0, ends: [] } })
    const state = foldOrg(org, [...records, suspend, remove])
    expect(state.removed.has(bob.id)).toBe(true)
    expect(state.suspended.has(bob.id)).toBe(false)
    expect(state.suspensions.has(bob.id)).toBe(false)
    // a suspension after the removal names nobody
    const late = await dan.write(org, 11, { suspend: { member: bob.raw, reason: '', cutoffSeq: 0 } })
    expect(reasons(foldOrg(org, [...records, suspend, remove, late]))).toContain(`member ${bob.id} was removed`)
  })

  it('a suspended admin\'s records after the cutoff are refused, even sorted before the suspension; after the resume they count again', async () => {
    const { alice, dan, carol, bob, org, records } = await office()
    const cutoff = dan.seq
    // dan, suspended without knowing, keeps writing: one record sorts before the suspension
    const sneaky = await dan.write(org, 9, { suspend: { member: carol.raw, reason: '', cutoffSeq: 0 } })
    const suspend = await alice.write(org, 10, { suspend: { member: dan.raw, reason: '', cutoffSeq: cutoff } })
    const during = await dan.write(org, 11, { retention: { team: 'general', days: 1, hold: false, reason: '' } })
    let state = foldOrg(org, [...records, sneaky, suspend, during])
    expect(state.suspended).toEqual(new Set([dan.id]))
    expect(state.suspended.has(carol.id)).toBe(false)
    expect(state.retention.has('general')).toBe(false)
    expect(reasons(state).filter(r => /suspended as admin/.test(r))).toHaveLength(2)
    // resumed from dan's head as alice saw it: what dan signed meanwhile stays refused, later records count
    const resume = await alice.write(org, 20, { resume: { member: dan.raw, fromSeq: dan.seq } })
    const after = await dan.write(org, 21, { suspend: { member: bob.raw, reason: 'after', cutoffSeq: 0 } })
    state = foldOrg(org, [...records, sneaky, suspend, during, resume, after])
    expect(state.suspended).toEqual(new Set([bob.id]))
    expect(state.retention.has('general')).toBe(false)
    expect(state.suspended.has(carol.id)).toBe(false)
  })
})

describe('teams/office-rules: invites', () => {
  it('a revoked invite admits nobody; only an admin revokes; a used one cannot be revoked; twice is refused', async () => {
    const { alice, bob, carol, org, records } = await office()
    const eve = await signer()
    const inviteId = new Uint8Array(32).fill(5)
    const invite = await alice.write(org, 10, { invite: { id: inviteId, expires: 10_000_000, teams: ['general'], name: '' } })
    const byMember = await bob.write(org, 11, { revokeInvite: { id: inviteId } })
    const revoke = await alice.write(org, 12, { revokeInvite: { id: inviteId } })
    const twice = await alice.write(org, 13, { revokeInvite: { id: inviteId } })
    const admit = await alice.write(org, 14, { addMember: { member: eve.raw, name: 'eve', boxKey: eve.box.publicKey, admin: false, invite: inviteId } })
    const state = foldOrg(org, [...records, invite, byMember, revoke, twice, admit])
    expect(state.invites.get(Buffer.from(inviteId).toString('hex'))?.revoked).toMatchObject({ by: alice.id, reason: 'revoked' })
    expect(state.members.has(eve.id)).toBe(false)
    const why = reasons(state)
    expect(why.some(r => /not an admin/.test(r))).toBe(true)
    expect(why).toContain('invite already revoked')
    expect(why).toContain('invite revoked')
    // every admin's node refuses it at join, before writing anything
    expect(() => checkAdmission(state, eve.id, new Uint8Array(32), eve.box.publicKey)).toThrow(/not known/)
    expect(inviteList(state, p => p, 0)[0]).toMatchObject({ status: 'revoked', issuer: alice.id })

    const used = new Uint8Array(32).fill(6)
    const invite2 = await alice.write(org, 20, { invite: { id: used, expires: 10_000_000, teams: ['general'], name: '' } })
    const join = await alice.write(org, 21, { addMember: { member: carol.raw, name: 'carol', boxKey: carol.box.publicKey, admin: false, invite: used } })
    const late = await alice.write(org, 22, { revokeInvite: { id: used } })
    const s2 = foldOrg(org, [...records, invite, byMember, revoke, twice, admit, invite2, join, late])
    expect(reasons(s2)).toContain(`invite already used by ${carol.id}`)
    expect(inviteList(s2, p => p, 0).find(i => i.id === Buffer.from(used).toString('hex'))).toMatchObject({ status: 'used', usedBy: carol.id })
  })

  it('removing an admin withdraws the unused invites they made: a join with one, sorted after, is refused', async () => {
    const { alice, dan, org, records } = await office()
    const eve = await signer()
    const id = new Uint8Array(32).fill(9)
    const other = new Uint8Array(32).fill(8)
    const byDan = await dan.write(org, 10, { invite: { id, expires: 10_000_000, teams: ['general'], name: '' } })
    const byAlice = await alice.write(org, 11, { invite: { id: other, expires: 10_000_000, teams: ['general'], name: '' } })
    const remove = await alice.write(org, 12, { removeMember: { member: dan.raw, cutoffSeq: dan.seq, ends: [] } })
    const admit = await alice.write(org, 13, { addMember: { member: eve.raw, name: 'eve', boxKey: eve.box.publicKey, admin: false, invite: id } })
    const state = foldOrg(org, [...records, byDan, byAlice, remove, admit])
    expect(state.members.has(eve.id)).toBe(false)
    expect(reasons(state).some(r => /invite withdrawn: its maker was removed/.test(r))).toBe(true)
    expect(state.invites.get(Buffer.from(other).toString('hex'))?.revoked).toBeUndefined()
    const log = orgLog(state, p => p)
    expect(log.find(e => e.act === 'removed')?.text).toMatch(/1 unused invite\(s\) they made withdrawn/)
  })
})

describe('teams/office-rules: announcement teams', () => {
  it('only admins and named posters post; others are refused live and by history; a non-admin cannot name posters', async () => {
    const { alice, dan, bob, carol, org, records, roster } = await office()
    const announce = await alice.write(org, 10, { teamPosters: { team: 'general', announce: true, posters: [bob.raw] } })
    const rotated = await roster(alice, 11, alice, bob, carol, dan)
    const byMember = await carol.write(org, 12, { teamPosters: { team: 'general', announce: false, posters: [] } })
    const stranger = await signer()
    const unknownPoster = await alice.write(org, 13, { teamPosters: { team: 'general', announce: true, posters: [stranger.raw] } })
    const openWithPosters = await alice.write(org, 14, { teamPosters: { team: 'general', announce: false, posters: [bob.raw] } })
    const state = foldOrg(org, [...records, announce, rotated, byMember, unknownPoster, openWithPosters])
    const t = state.teams.get('general')!
    expect(t.announce).toBe(true)
    expect(t.posters).toEqual(new Set([bob.id]))
    expect(entryVerdict(state, alice.id, 'general', 2, carol.id)).toMatch(/announcement team/)
    expect(entryVerdict(state, alice.id, 'general', 2, bob.id)).toBe('ok')
    expect(entryVerdict(state, alice.id, 'general', 2, dan.id)).toBe('ok')
    expect(historyVerdict(state, alice.id, 'general', 2, carol.id)).toMatch(/announcement team/)
    // what carol wrote at epoch 1, while anyone could post, stays acceptable from history
    expect(historyVerdict(state, alice.id, 'general', 1, carol.id)).toBe('ok')
    const why = reasons(state)
    expect(why.some(r => /not an admin/.test(r))).toBe(true)
    expect(why).toContain(`posters name ${stranger.id}, who is not in the directory`)
    expect(why).toContain('posters are named only for an announcement team')
  })
})
