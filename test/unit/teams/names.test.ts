import { describe, expect, it } from 'vitest'
import { generateBoxKeyPair } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createRecord } from '../../../src/model/index.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { nameKey, namesClash } from '../../../src/teams/names.js'
import { foldOrg, orgIdOf } from '../../../src/teams/org-state.js'
import type { RecordFields, VerifiedRecord } from '../../../src/model/index.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

type Op = Omit<RecordFields, 'org' | 'seq' | 'lamport' | 'wallTime' | 'prev'>

class Signer {
  seq = 0
  last?: VerifiedRecord
  constructor (readonly key: Ed25519PrivateKey, readonly box = generateBoxKeyPair()) {}
  get raw (): Uint8Array<ArrayBuffer> { return new Uint8Array(this.key.publicKey.raw) }
  get id (): string { return peerIdOfPublicKey(this.raw) }
  async write (org: string, lamport: number, op: Op): Promise<VerifiedRecord> {
    const r = await createRecord(this.key, {
      org: org === '' ? new Uint8Array(0) : Buffer.from(org, 'hex'),
      seq: this.seq + 1,
      lamport,
      wallTime: 1_000 + lamport,
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
  const genesis = await alice.write('', 1, { genesis: { name: 'Acme', adminName: 'Alice Admin', adminBoxKey: alice.box.publicKey, nonce: new Uint8Array(8) } })
  const org = orgIdOf(genesis)
  const records = [genesis]
  records.push(await alice.write(org, 2, { addMember: { member: bob.raw, name: 'Ann Lee', boxKey: bob.box.publicKey, admin: false, invite: new Uint8Array(0) } }))
  records.push(await alice.write(org, 3, { addMember: { member: carol.raw, name: 'carol', boxKey: carol.box.publicKey, admin: false, invite: new Uint8Array(0) } }))
  return { alice, bob, carol, org, records }
}

describe('teams/names: look-alike names', () => {
  it('folds case, accents, spacing, full-width forms and Latin/Cyrillic/Greek look-alikes to one key', () => {
    const clashes = [
      'ann lee', 'ANN LEE', 'Ánn Lée', 'Ann  Lee', 'Ann.Lee', 'Ann_Lee', 'AnnLee', 'Ann\u200bLee',
      'Аnn Lее', // Cyrillic А and е
      'Αnn Lee', // Greek Α
      'Ａｎｎ Ｌｅｅ', // full-width
      'Ann 1ee', 'Ann Iee', 'Ann |ee' // 1, I and | for l
    ]
    for (const name of clashes) expect(namesClash('Ann Lee', name), name).toBe(true)
    expect(namesClash('B0B', 'bob')).toBe(true)
    expect(namesClash('Οlga', 'Olga')).toBe(true) // Greek omicron
    expect(namesClash('Сергей', 'Cepreu')).toBe(true) // a Cyrillic name and its Latin look-alike
    expect(namesClash('Dominik', 'Dorninik')).toBe(true) // rn for m
    expect(namesClash('Zoë', 'Zoe')).toBe(true)
  })

  it('keeps different names apart', () => {
    const apart = [['Ann Lee', 'Anna Lee'], ['Ann Lee', 'Ann Lea'], ['bob', 'rob'], ['Jan', 'Jon'], ['Eva', 'Ewa']]
    for (const [a, b] of apart) expect(namesClash(a!, b!), `${a} / ${b}`).toBe(false)
    expect(nameKey('Bea Jones')).toBe(nameKey('bea jones'))
  })
})

describe('teams/names: renames in the org fold', () => {
  it('an admin renames a member; the rename is on the record', async () => {
    const { alice, bob, org, records } = await office()
    const rename = await alice.write(org, 4, { rename: { member: bob.raw, name: 'Ann Lee-Smith' } })
    const state = foldOrg(org, [...records, rename])
    expect(state.refused).toEqual([])
    expect(state.members.get(bob.id)?.name).toBe('Ann Lee-Smith')
    expect(state.names.renames).toEqual([{ peerId: bob.id, from: 'Ann Lee', to: 'Ann Lee-Smith', by: alice.id, at: 1_004, recordId: rename.idHex }])
  })

  it('refuses a rename by a member who is not an admin, even of themselves', async () => {
    const { bob, carol, org, records } = await office()
    const self = await bob.write(org, 4, { rename: { member: bob.raw, name: 'Boss' } })
    const other = await carol.write(org, 4, { rename: { member: bob.raw, name: 'Loser' } })
    const state = foldOrg(org, [...records, self, other])
    expect(state.members.get(bob.id)?.name).toBe('Ann Lee')
    expect(state.refused.map(r => r.reason).every(r => /not an admin/.test(r))).toBe(true)
    expect(state.refused).toHaveLength(2)
  })

  it('refuses a rename or a request to a name that passes for another member\'s', async () => {
    const { alice, carol, org, records } = await office()
    const rename = await alice.write(org, 4, { rename: { member: carol.raw, name: 'Аnn Lее' } })
    const request = await carol.write(org, 5, { renameRequest: { name: 'ALICE ADMIN' } })
    const state = foldOrg(org, [...records, rename, request])
    expect(state.members.get(carol.id)?.name).toBe('carol')
    expect(state.names.requests.size).toBe(0)
    expect(state.refused.map(r => r.reason)).toEqual([
      expect.stringMatching(/passes for "Ann Lee"/),
      expect.stringMatching(/passes for "Alice Admin"/)
    ])
  })

  it('a member\'s request is pending until an admin grants it; it names only its signer', async () => {
    const { alice, bob, carol, org, records } = await office()
    const request = await carol.write(org, 4, { renameRequest: { name: 'Carol Diaz' } })
    let state = foldOrg(org, [...records, request])
    expect(state.names.requests.get(carol.id)).toMatchObject({ name: 'Carol Diaz' })
    expect(state.names.requests.has(bob.id)).toBe(false)
    expect(state.members.get(carol.id)?.name).toBe('carol')
    const grant = await alice.write(org, 5, { rename: { member: carol.raw, name: 'Carol Diaz' } })
    state = foldOrg(org, [...records, request, grant])
    expect(state.members.get(carol.id)?.name).toBe('Carol Diaz')
    expect(state.names.requests.size).toBe(0)
  })

  it('refuses renames of and requests by a removed member, and invalid names', async () => {
    const { alice, bob, org, records } = await office()
    const removal = await alice.write(org, 4, { removeMember: { member: bob.raw, cutoffSeq: 0, ends: [] } })
    const rename = await alice.write(org, 5, { rename: { member: bob.raw, name: 'Ghost' } })
    const request = await bob.write(org, 6, { renameRequest: { name: 'Ghost' } })
    const blank = await alice.write(org, 7, { rename: { member: alice.raw, name: '  ' } })
    const control = await alice.write(org, 8, { rename: { member: alice.raw, name: 'a\u0007b' } })
    const state = foldOrg(org, [...records, removal, rename, request, blank, control])
    expect(state.refused.map(r => r.reason)).toEqual([
      `member ${bob.id} is not in the directory`,
      `signer ${bob.id} is not a member of the org`,
      expect.stringMatching(/invalid display name/),
      expect.stringMatching(/invalid display name/)
    ])
  })

  it('an invite that fixes a name admits only that name', async () => {
    const { alice, org, records } = await office()
    const dave = await signer()
    const id = new Uint8Array(32).fill(3)
    const invite = await alice.write(org, 4, { invite: { id, expires: 10_000, teams: [], name: 'Bea Jones' } })
    const other = await alice.write(org, 5, { addMember: { member: dave.raw, name: 'Dave', boxKey: dave.box.publicKey, admin: false, invite: id } })
    let state = foldOrg(org, [...records, invite, other])
    expect(state.members.has(dave.id)).toBe(false)
    expect(state.refused.map(r => r.reason)).toEqual(['the invite fixes the name "Bea Jones"'])
    const { alice: a2, org: o2, records: r2 } = await office()
    const inv2 = await a2.write(o2, 4, { invite: { id, expires: 10_000, teams: [], name: 'Bea Jones' } })
    const ok = await a2.write(o2, 5, { addMember: { member: dave.raw, name: 'Bea Jones', boxKey: dave.box.publicKey, admin: false, invite: id } })
    state = foldOrg(o2, [...r2, inv2, ok])
    expect(state.members.get(dave.id)?.name).toBe('Bea Jones')
  })
})
