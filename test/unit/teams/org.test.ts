/**
 * Org as a unit: two or three nodes' views of one org, each over its own log, records carried
 * between them by hand (what org sync does over the network).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { generateBoxKeyPair } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { InviteError, NotAdminError, NotMemberError } from '../../../src/errors.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { createRecord } from '../../../src/model/index.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import { decodeInviteToken, Org } from '../../../src/teams/org.js'
import type { OrgIdentity } from '../../../src/teams/org.js'

const text = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString()

describe('teams/org', () => {
  let dir: string
  const logs: EntryLog[] = []
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'parley-org-')) })
  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function identity (name: string): Promise<{ me: OrgIdentity, log: EntryLog }> {
    const key = await generateIdentityKey()
    const log = await EntryLog.open(join(dir, name))
    logs.push(log)
    return { me: { key, box: generateBoxKeyPair(), peerId: peerIdOfPublicKey(key.publicKey.raw) }, log }
  }

  /** Bring `to` up to date with what `from` holds. */
  async function sync (from: Org, to: Org): Promise<Awaited<ReturnType<Org['ingest']>>> {
    return to.ingest(from.recordBytes(to.heads()))
  }

  /** An org founded by Ann with team dev, and Bob admitted by invite to general and dev. */
  async function office () {
    const ann = await identity('ann')
    const bob = await identity('bob')
    const annOrg = await Org.create(ann.log, ann.me, 'Acme', 'Ann')
    await annOrg.createTeam('dev', [])
    const { token } = await annOrg.createInvite(['dev'], 60_000, [])
    const { secret } = decodeInviteToken(token)
    await annOrg.admit(bob.me.peerId, secret, 'Bob', bob.me.box.publicKey)
    const bobOrg = await Org.adopt(bob.log, bob.me, annOrg.orgId, annOrg.recordBytes())
    return { ann, bob, annOrg, bobOrg, secret }
  }

  it('admits an invited newcomer into the directory and the invite\'s teams, who can then read the team', async () => {
    const { ann, bob, annOrg, bobOrg } = await office()
    expect(bobOrg.orgId).toBe(annOrg.orgId)
    expect(bobOrg.name).toBe('Acme')
    expect(bobOrg.myTeams()).toEqual(['dev', 'general'])
    expect(bobOrg.isAdmin()).toBe(false)
    expect(bobOrg.isAdmin(ann.me.peerId)).toBe(true)
    expect(bobOrg.authorLabel(ann.me.peerId)).toBe('Ann')
    const { epoch, body } = annOrg.encryptBody('dev', 1, Buffer.from('hello dev'))
    expect(text(bobOrg.decryptBody('dev', epoch, ann.me.peerId, 1, body))).toBe('hello dev')
    // the body is bound to its slot: another seq or author does not open it
    expect(bobOrg.decryptBody('dev', epoch, ann.me.peerId, 2, body)).toBeUndefined()
    expect(bobOrg.decryptBody('dev', epoch, bob.me.peerId, 1, body)).toBeUndefined()
    expect(bobOrg.entryVerdict('dev', epoch, ann.me.peerId)).toBe('ok')
    // the org is found again from the log alone
    const loaded = await Org.load(bob.log, bob.me)
    expect(loaded?.orgId).toBe(annOrg.orgId)
    expect(loaded?.myTeams()).toEqual(['dev', 'general'])
  })

  it('an invite admits once: the same node asking again gets [], anyone else is refused', async () => {
    const { bob, annOrg, secret } = await office()
    expect(await annOrg.admit(bob.me.peerId, secret, 'Bob', bob.me.box.publicKey)).toEqual([])
    const eve = await identity('eve')
    await expect(annOrg.admit(eve.me.peerId, secret, 'Eve', eve.me.box.publicKey)).rejects.toThrow(InviteError)
    // the same peer id with another box key is someone else
    await expect(annOrg.admit(bob.me.peerId, secret, 'Bob', generateBoxKeyPair().publicKey)).rejects.toThrow(/already used/)
  })

  it('refuses a forged invite secret, an expired invite and an invite past 30 days', async () => {
    const ann = await identity('ann')
    const bob = await identity('bob')
    const org = await Org.create(ann.log, ann.me, 'Acme', 'Ann')
    await expect(org.admit(bob.me.peerId, new Uint8Array(32).fill(7), 'Bob', bob.me.box.publicKey)).rejects.toThrow(/not known to the org/)
    await expect(org.createInvite([], 31 * 86_400_000, [])).rejects.toThrow(/30 days/)
    await expect(org.createInvite(['nope'], 60_000, [])).rejects.toThrow(/no team nope/)
    const { token, expires } = await org.createInvite([], 1_000, [])
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(expires + 1)
      await expect(org.admit(bob.me.peerId, decodeInviteToken(token).secret, 'Bob', bob.me.box.publicKey)).rejects.toThrow(/expired/)
    } finally {
      vi.useRealTimers()
    }
    expect(org.state.members.has(bob.me.peerId)).toBe(false)
  })

  it('a member who is not an admin cannot act as one', async () => {
    const { ann, bobOrg } = await office()
    await expect(bobOrg.createTeam('mine', [])).rejects.toThrow(NotAdminError)
    await expect(bobOrg.removeMember(ann.me.peerId)).rejects.toThrow(NotAdminError)
    await expect(bobOrg.createInvite([], 60_000, [])).rejects.toThrow(NotAdminError)
    expect(await bobOrg.mendRosters()).toEqual([])
  })

  it('rosters: a member taken out of a team gets no key of the new epoch but keeps reading the old; one put in reads the history', async () => {
    const { ann, bob, annOrg, bobOrg } = await office()
    const carol = await identity('carol')
    const { token } = await annOrg.createInvite([], 60_000, [])
    await annOrg.admit(carol.me.peerId, decodeInviteToken(token).secret, 'Carol', carol.me.box.publicKey)
    const carolOrg = await Org.adopt(carol.log, carol.me, annOrg.orgId, annOrg.recordBytes())
    expect(carolOrg.myTeams()).toEqual(['general'])
    const old = annOrg.encryptBody('dev', 1, Buffer.from('before'))
    await annOrg.removeFromTeam('dev', bob.me.peerId)
    await annOrg.addToTeam('dev', [carol.me.peerId])
    await sync(annOrg, bobOrg)
    await sync(annOrg, carolOrg)
    const now = annOrg.encryptBody('dev', 2, Buffer.from('after'))
    expect(now.epoch).toBe(old.epoch + 2)
    expect(bobOrg.myTeams()).toEqual(['general'])
    expect(text(bobOrg.decryptBody('dev', old.epoch, ann.me.peerId, 1, old.body))).toBe('before')
    expect(bobOrg.decryptBody('dev', now.epoch, ann.me.peerId, 2, now.body)).toBeUndefined()
    expect(() => bobOrg.encryptBody('dev', 1, Buffer.from('x'))).toThrow(NotMemberError)
    expect(bobOrg.entryVerdict('dev', old.epoch, bob.me.peerId)).toMatch(/no longer in dev/)
    expect(carolOrg.myTeams()).toEqual(['dev', 'general'])
    expect(text(carolOrg.decryptBody('dev', old.epoch, ann.me.peerId, 1, old.body))).toBe('before')
    expect(text(carolOrg.decryptBody('dev', now.epoch, ann.me.peerId, 2, now.body))).toBe('after')
    await expect(annOrg.removeFromTeam('dev', bob.me.peerId)).rejects.toThrow(NotMemberError)
  })

  it('removing a member rotates the key of every team they were in, and refuses their entries from then on', async () => {
    const { ann, bob, annOrg, bobOrg } = await office()
    const before = { general: annOrg.state.teams.get('general')!.current.epoch, dev: annOrg.state.teams.get('dev')!.current.epoch }
    const written = await annOrg.removeMember(bob.me.peerId)
    expect(written.map(r => r.op)).toEqual(['removeMember', 'roster', 'roster'])
    expect(annOrg.state.teams.get('general')!.current.epoch).toBe(before.general + 1)
    expect(annOrg.state.teams.get('dev')!.current.epoch).toBe(before.dev + 1)
    const change = await sync(annOrg, bobOrg)
    expect(change.removed).toEqual([bob.me.peerId])
    const after = annOrg.encryptBody('general', 5, Buffer.from('after removal'))
    expect(bobOrg.decryptBody('general', after.epoch, ann.me.peerId, 5, after.body)).toBeUndefined()
    expect(annOrg.entryVerdict('general', before.general, bob.me.peerId)).toMatch(/removed from the org/)
    expect(annOrg.historyVerdict('general', before.general, bob.me.peerId)).toMatch(/removed from the org/)
    expect(annOrg.mayRead('general', bob.me.peerId)).toBe(false)
    expect(annOrg.authorLabel(bob.me.peerId)).toBe('Bob (removed)')
  })

  it('takes in records only once, refuses forged ones and a non-admin\'s, keeps none by strangers, and applies out-of-order ones once the gap is filled', async () => {
    const { ann, bob, annOrg, bobOrg } = await office()
    // replayed: nothing new
    const again = await bobOrg.ingest(annOrg.recordBytes())
    expect(again).toMatchObject({ applied: [], refused: [], removed: [], errors: [], unknownSigners: 0 })
    // forged: one byte changed
    const [first] = await annOrg.addAdmin(bob.me.peerId)
    const forged = new Uint8Array(first!.bytes)
    forged[forged.length - 1]! ^= 1
    const bad = await bobOrg.ingest([forged])
    expect(bad.errors).toHaveLength(1)
    expect(bad.applied).toEqual([])
    // out of order: Ann's next two records arrive last first
    const carol = await identity('carol')
    const more = await annOrg.createTeam('ops', [])
    const { records: inv } = await annOrg.createInvite(['ops'], 60_000, [])
    const late = await bobOrg.ingest([inv[0]!.bytes])
    expect(late.refused.map(r => r.gap)).toEqual([true])
    const filled = await bobOrg.ingest([first!.bytes, more[0]!.bytes])
    expect(filled.applied.map(r => r.op).sort()).toEqual(['addMember', 'invite', 'roster'])
    expect(bobOrg.isAdmin()).toBe(true)
    // a member who is not an admin signs a roster: refused by everyone
    const elsewhere = await Org.create(carol.log, carol.me, 'Elsewhere', 'Carol')
    const stranger = await createRecord(carol.me.key, { org: Buffer.from(annOrg.orgId, 'hex'), seq: 1, lamport: 99, wallTime: Date.now(), prev: new Uint8Array(0), roster: { team: 'general', epoch: 9, prev: new Uint8Array(0), keyCheck: new Uint8Array(32), sealed: [] } })
    expect((await annOrg.ingest([stranger.bytes])).unknownSigners).toBe(1)
    expect(elsewhere.orgId).not.toBe(annOrg.orgId)
    const dave = await identity('dave')
    const { token } = await annOrg.createInvite([], 60_000, [])
    await annOrg.admit(dave.me.peerId, decodeInviteToken(token).secret, 'Dave', dave.me.box.publicKey)
    const byMember = await createRecord(dave.me.key, { org: Buffer.from(annOrg.orgId, 'hex'), seq: 1, lamport: 999, wallTime: Date.now(), prev: new Uint8Array(0), removeMember: { member: new Uint8Array(ann.me.key.publicKey.raw), cutoffSeq: 0, ends: [] } })
    const refused = await annOrg.ingest([byMember.bytes])
    expect(refused.refused.map(r => r.reason)).toEqual([expect.stringMatching(/not an admin/)])
    expect(annOrg.state.members.has(ann.me.peerId)).toBe(true)
  })

  it('a direct conversation needs no admin: both sides derive the same key, nobody else reads it', async () => {
    const { ann, bob, annOrg, bobOrg } = await office()
    const team = annOrg.directTeam(bob.me.peerId)
    expect(bobOrg.directTeam(ann.me.peerId)).toBe(team)
    expect(annOrg.directPeer(team)).toBe(bob.me.peerId)
    expect(bobOrg.directPeer(team)).toBe(ann.me.peerId)
    const { epoch, body } = annOrg.encryptBody(team, 1, Buffer.from('just us'))
    expect(text(bobOrg.decryptBody(team, epoch, ann.me.peerId, 1, body))).toBe('just us')
    expect(annOrg.mayRead(team, bob.me.peerId)).toBe(true)
    expect(bobOrg.entryVerdict(team, epoch, ann.me.peerId)).toBe('ok')
    const carol = await identity('carol')
    const { token } = await annOrg.createInvite([], 60_000, [])
    await annOrg.admit(carol.me.peerId, decodeInviteToken(token).secret, 'Carol', carol.me.box.publicKey)
    const carolOrg = await Org.adopt(carol.log, carol.me, annOrg.orgId, annOrg.recordBytes())
    expect(carolOrg.directPeer(team)).toBeUndefined()
    expect(carolOrg.decryptBody(team, epoch, ann.me.peerId, 1, body)).toBeUndefined()
    expect(annOrg.mayRead(team, carol.me.peerId)).toBe(false)
    expect(annOrg.entryVerdict(team, epoch, carol.me.peerId)).toMatch(/not in this direct conversation/)
  })

  it('refuses records of another org on adopt, and a join the admin did not admit', async () => {
    const ann = await identity('ann')
    const bob = await identity('bob')
    const org = await Org.create(ann.log, ann.me, 'Acme', 'Ann')
    await expect(Org.adopt(bob.log, bob.me, 'ab'.repeat(32), org.recordBytes())).rejects.toThrow(/another org/)
    await expect(Org.adopt(bob.log, bob.me, org.orgId, org.recordBytes())).rejects.toThrow(/did not add this node/)
    expect(await Org.load(bob.log, bob.me)).toBeUndefined()
  })
})
