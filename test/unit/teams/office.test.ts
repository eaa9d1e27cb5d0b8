/**
 * The office's admin actions on real keys: two or three nodes' views of one org, each over its own
 * log, records carried between them by hand (what org sync does over the network).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateBoxKeyPair } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { InvalidArgumentError, InviteError, NotAdminError, NotMemberError } from '../../../src/errors.js'
import { verifyExport } from '../../../src/export/export-file.js'
import { exportOrg } from '../../../src/export/org-export.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import { orgLog } from '../../../src/teams/org-log.js'
import { decodeInviteToken, Org } from '../../../src/teams/org.js'
import type { OrgIdentity } from '../../../src/teams/org.js'

const text = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString()

describe('teams/office: suspension, invites under control, announcement teams, the org log', () => {
  let dir: string
  const logs: EntryLog[] = []
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'parley-office-')) })
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

  async function sync (from: Org, to: Org): Promise<Awaited<ReturnType<Org['ingest']>>> {
    return to.ingest(from.recordBytes(to.heads()))
  }

  /** Ann founds Acme with team dev; Bob and Carol are admitted to general and dev. */
  async function office () {
    const ann = await identity('ann')
    const bob = await identity('bob')
    const carol = await identity('carol')
    const annOrg = await Org.create(ann.log, ann.me, 'Acme', 'Ann')
    await annOrg.createTeam('dev', [])
    for (const [who, name] of [[bob, 'Bob'], [carol, 'Carol']] as const) {
      const { token } = await annOrg.createInvite(['dev'], 60_000, [])
      await annOrg.admit(who.me.peerId, decodeInviteToken(token).secret, name, who.me.box.publicKey)
    }
    const bobOrg = await Org.adopt(bob.log, bob.me, annOrg.orgId, annOrg.recordBytes())
    const carolOrg = await Org.adopt(carol.log, carol.me, annOrg.orgId, annOrg.recordBytes())
    return { ann, bob, carol, annOrg, bobOrg, carolOrg }
  }

  it('suspension rotates every team\'s key, the suspended node refuses to post; resume seals them the keys of what was written meanwhile', async () => {
    const { ann, bob, annOrg, bobOrg, carolOrg } = await office()
    const before = annOrg.state.teams.get('dev')!.current.epoch
    const written = await annOrg.suspendMember(bob.me.peerId, 'on leave')
    expect(written.map(r => r.op)).toEqual(['suspend', 'roster', 'roster'])
    const change = await sync(annOrg, bobOrg)
    expect(change.suspended).toEqual([bob.me.peerId])
    await sync(annOrg, carolOrg)
    expect(bobOrg.state.members.has(bob.me.peerId)).toBe(true)
    expect(bobOrg.myTeams()).toEqual([])
    // its own node refuses before signing, saying why
    expect(() => bobOrg.encryptBody('general', 1, Buffer.from('x'))).toThrow(/suspended by an admin \(on leave\)/)
    const meanwhile = annOrg.encryptBody('dev', 7, Buffer.from('while bob is away'))
    expect(meanwhile.epoch).toBe(before + 1)
    expect(bobOrg.decryptBody('dev', meanwhile.epoch, ann.me.peerId, 7, meanwhile.body)).toBeUndefined()
    expect(carolOrg.entryVerdict('dev', before, bob.me.peerId)).toMatch(/suspended/)
    // nobody may act on a suspended account twice, nor suspend themselves; a member cannot suspend
    await expect(annOrg.suspendMember(bob.me.peerId)).rejects.toThrow(/already suspended/)
    await expect(annOrg.suspendMember(ann.me.peerId)).rejects.toThrow(InvalidArgumentError)
    await expect(carolOrg.suspendMember(bob.me.peerId)).rejects.toThrow(NotAdminError)
    await expect(annOrg.addToTeam('dev', [bob.me.peerId])).rejects.toThrow(/suspended/)

    const back = await annOrg.resumeMember(bob.me.peerId)
    expect(back.map(r => r.op)).toEqual(['resume', 'roster', 'roster'])
    await sync(annOrg, bobOrg)
    expect(bobOrg.myTeams()).toEqual(['dev', 'general'])
    expect(text(bobOrg.decryptBody('dev', meanwhile.epoch, ann.me.peerId, 7, meanwhile.body))).toBe('while bob is away')
    expect(() => bobOrg.encryptBody('dev', 1, Buffer.from('back'))).not.toThrow()
    await expect(annOrg.resumeMember(bob.me.peerId)).rejects.toThrow(/not suspended/)
  })

  it('a suspended admin cannot act from their own node, and the others no longer count them as an admin', async () => {
    const { ann, bob, annOrg, bobOrg, carolOrg } = await office()
    await annOrg.addAdmin(bob.me.peerId)
    await sync(annOrg, bobOrg)
    await bobOrg.suspendMember(ann.me.peerId)
    await sync(bobOrg, annOrg)
    expect(annOrg.isAdmin()).toBe(false)
    await expect(annOrg.createTeam('x', [])).rejects.toThrow(NotAdminError)
    // the last admin who may act cannot be suspended
    await expect(bobOrg.suspendMember(bob.me.peerId)).rejects.toThrow(InvalidArgumentError)
    await sync(bobOrg, carolOrg)
    expect(carolOrg.state.suspended.has(ann.me.peerId)).toBe(true)
    expect(carolOrg.isAdmin(ann.me.peerId)).toBe(false)
  })

  it('a revoked invite is refused at join on every admin\'s node; removing an admin withdraws the invites they made', async () => {
    const { bob, annOrg, bobOrg } = await office()
    const dave = await identity('dave')
    const { token } = await annOrg.createInvite([], 60_000, [])
    const secret = decodeInviteToken(token).secret
    const pending = [...annOrg.state.invites.values()].find(i => i.usedBy === undefined)
    await annOrg.revokeInvite(pending!.id.slice(0, 10))
    await expect(annOrg.admit(dave.me.peerId, secret, 'Dave', dave.me.box.publicKey)).rejects.toThrow(/revoked/)
    await expect(annOrg.revokeInvite(pending!.id)).rejects.toThrow(/already revoked/)
    await expect(annOrg.revokeInvite('zz')).rejects.toThrow(InvalidArgumentError)
    // another admin's node refuses it too once it has the revocation
    await annOrg.addAdmin(bob.me.peerId)
    await sync(annOrg, bobOrg)
    await expect(bobOrg.admit(dave.me.peerId, secret, 'Dave', dave.me.box.publicKey)).rejects.toThrow(InviteError)

    // bob makes an invite, then is removed as admin: it admits nobody any more
    const made = await bobOrg.createInvite([], 60_000, [])
    await sync(bobOrg, annOrg)
    await annOrg.removeMember(bob.me.peerId)
    await expect(annOrg.admit(dave.me.peerId, decodeInviteToken(made.token).secret, 'Dave', dave.me.box.publicKey)).rejects.toThrow(/withdrawn/)
    expect(annOrg.state.members.has(dave.me.peerId)).toBe(false)
  })

  it('an announcement team: the admin and named posters post, a member\'s own node refuses before signing, and every node refuses their entries', async () => {
    const { bob, carol, annOrg, bobOrg, carolOrg } = await office()
    await annOrg.createAnnounceTeam('news', [bob.me.peerId, carol.me.peerId])
    await sync(annOrg, bobOrg)
    await sync(annOrg, carolOrg)
    const epoch = bobOrg.state.teams.get('news')!.current.epoch
    expect(() => bobOrg.encryptBody('news', 1, Buffer.from('hi'))).toThrow(/announcement team/)
    expect(annOrg.entryVerdict('news', epoch, bob.me.peerId)).toMatch(/announcement team/)
    expect(carolOrg.historyVerdict('news', epoch, bob.me.peerId)).toMatch(/announcement team/)
    // the first epoch held the admin alone: nothing but theirs can sit in an open epoch
    expect(annOrg.state.teams.get('news')!.epochs.get(1)!.members).toEqual(new Set([annOrg.state.applied[0]!.signer]))
    expect(annOrg.encryptBody('news', 1, Buffer.from('all hands at 10')).epoch).toBe(epoch)

    await annOrg.setTeamPosters('news', [bob.me.peerId])
    await sync(annOrg, bobOrg)
    await sync(annOrg, carolOrg)
    const now = carolOrg.state.teams.get('news')!.current.epoch
    expect(now).toBe(epoch + 1)
    expect(() => bobOrg.encryptBody('news', 1, Buffer.from('from bob'))).not.toThrow()
    expect(carolOrg.entryVerdict('news', now, bob.me.peerId)).toBe('ok')
    expect(() => carolOrg.encryptBody('news', 1, Buffer.from('x'))).toThrow(NotMemberError)
    await expect(bobOrg.setTeamPosters('news', [])).rejects.toThrow(NotAdminError)
  })

  it('the org log lists every administrative act in order with who and when, and its export verifies and catches an edit', async () => {
    const { ann, bob, annOrg } = await office()
    await annOrg.suspendMember(bob.me.peerId, 'audit')
    await annOrg.resumeMember(bob.me.peerId)
    await annOrg.createInvite([], 60_000, [])
    await annOrg.revokeInvite([...annOrg.state.invites.values()].find(i => i.usedBy === undefined && i.revoked === undefined)!.id)
    await annOrg.createAnnounceTeam('news', [])
    await annOrg.setRetention('dev', { hold: true, reason: 'legal' })
    const log = orgLog(annOrg.state, p => annOrg.authorLabel(p))
    const acts = log.map(e => e.act)
    expect(acts[0]).toBe('founded')
    for (const act of ['team-created', 'invite-made', 'joined', 'suspended', 'resumed', 'invite-revoked', 'team-posters', 'team-changed', 'retention']) expect(acts, act).toContain(act)
    expect(acts.indexOf('suspended')).toBeLessThan(acts.indexOf('resumed'))
    expect(log.every(e => e.by === ann.me.peerId && e.byName === 'Ann')).toBe(true)
    expect(log.find(e => e.act === 'suspended')?.text).toBe('suspended Bob: audit')
    expect(log.map(e => e.n)).toEqual(log.map((_, i) => i + 1))

    const c = { selfId: ann.me.peerId, self: { name: 'Ann' }, key: ann.me.key, orgs: { current: annOrg, require: () => annOrg } }
    for (const format of ['jsonl', 'csv'] as const) {
      const lines = await exportOrg(c, { format })
      const summary = await verifyExport(lines.join('\n') + '\n')
      expect(summary).toMatchObject({ scope: 'org', org: annOrg.orgId, records: log.length, exportedBy: ann.me.peerId })
      const tampered = lines.map(l => l.replace('suspended Bob: audit', 'suspended Bob: nothing'))
      await expect(verifyExport(tampered.join('\n') + '\n')).rejects.toThrow(/altered/)
    }
  })
})
