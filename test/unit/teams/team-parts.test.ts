import { describe, expect, it } from 'vitest'
import { decrypt, encrypt, generateBoxKeyPair, sharedKey } from '../../../src/crypto/box.js'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { InvalidArgumentError, InviteError } from '../../../src/errors.js'
import { peerIdOfPublicKey } from '../../../src/ids.js'
import { createRecord } from '../../../src/model/index.js'
import { DM_PREFIX, directTeamOf } from '../../../src/teams/direct.js'
import { decodeInviteToken, encodeInviteToken, inviteIdOf, newInviteSecret, parseDuration } from '../../../src/teams/invites.js'
import { foldOrg, orgIdOf } from '../../../src/teams/org-state.js'
import { bodyContext, sealRoster, TeamKeyring } from '../../../src/teams/team-keys.js'

describe('teams/invites', () => {
  it('parses durations and refuses anything else', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration(' 30m ')).toBe(1_800_000)
    expect(parseDuration('24h')).toBe(86_400_000)
    expect(parseDuration('7d')).toBe(604_800_000)
    for (const bad of ['', '1w', '-1h', '1.5h', 'h']) expect(() => parseDuration(bad)).toThrow(InvalidArgumentError)
  })

  it('round-trips a token and refuses damaged ones', () => {
    const secret = newInviteSecret()
    const token = encodeInviteToken({ org: new Uint8Array(32).fill(1), orgName: 'Acme', admins: [new Uint8Array(32).fill(2)], secret, expires: 5, addresses: ['/ip4/127.0.0.1/tcp/1'] })
    expect(token.startsWith('parley1:')).toBe(true)
    const back = decodeInviteToken(`  ${token}\n`)
    expect(back.orgName).toBe('Acme')
    expect(Buffer.from(back.secret).equals(Buffer.from(secret))).toBe(true)
    expect(inviteIdOf(secret)).toHaveLength(32)
    expect(() => decodeInviteToken('hello')).toThrow(InviteError)
    expect(() => decodeInviteToken(token.slice(0, 30))).toThrow(/damaged/)
    const noAdmins = encodeInviteToken({ org: new Uint8Array(32), orgName: 'A', admins: [], secret, expires: 5, addresses: [] })
    expect(() => decodeInviteToken(noAdmins)).toThrow(/damaged/)
  })
})

describe('teams/direct', () => {
  it('names a conversation of two the same on both sides, apart from every team name', () => {
    expect(directTeamOf('a', 'b')).toBe(directTeamOf('b', 'a'))
    expect(directTeamOf('a', 'b')).not.toBe(directTeamOf('a', 'c'))
    expect(directTeamOf('a', 'b')).toMatch(new RegExp(`^${DM_PREFIX}[0-9a-f]{24}$`))
  })

  it('derives one shared key on both sides, and another for another salt', () => {
    const a = generateBoxKeyPair()
    const b = generateBoxKeyPair()
    const salt = Buffer.from('s')
    const k = sharedKey(a, b.publicKey, salt, 'parley/direct/v1')
    expect(Buffer.from(sharedKey(b, a.publicKey, salt, 'parley/direct/v1')).equals(Buffer.from(k))).toBe(true)
    expect(Buffer.from(sharedKey(a, b.publicKey, Buffer.from('t'), 'parley/direct/v1')).equals(Buffer.from(k))).toBe(false)
    expect(() => sharedKey(a, new Uint8Array(31), salt, 'x')).toThrow(TypeError)
  })
})

describe('teams/team-keys', () => {
  it('a sealed roster opens for its members only, and its key matches the key check', async () => {
    const adminKey = await generateIdentityKey()
    const admin = { key: adminKey, box: generateBoxKeyPair(), peerId: peerIdOfPublicKey(adminKey.publicKey.raw) }
    const genesis = await createRecord(adminKey, { org: new Uint8Array(0), seq: 1, lamport: 1, wallTime: 1, prev: new Uint8Array(0), genesis: { name: 'Acme', adminName: 'Ann', adminBoxKey: admin.box.publicKey, nonce: new Uint8Array(16) } })
    const orgId = orgIdOf(genesis)
    let state = foldOrg(orgId, [genesis])
    const roster = sealRoster(state, 'general', [admin.peerId], new Map())
    expect(roster.epoch).toBe(1)
    expect(() => sealRoster(state, 'general', ['12D3KooWBqpvTVNsBkYqGoZuA2wY7prJdp1wZz9vnuSKn2N5qAu7'], new Map())).toThrow(/not in the directory/)
    const r1 = await createRecord(adminKey, { org: Buffer.from(orgId, 'hex'), seq: 2, lamport: 2, wallTime: 2, prev: new Uint8Array(genesis.id), roster })
    state = foldOrg(orgId, [genesis, r1])
    const mine = new TeamKeyring(admin)
    mine.update(state)
    const key = mine.key('general', 1)
    expect(key).toBeDefined()
    const sealed = encrypt(key!, Buffer.from('hi'), bodyContext('general', 1, admin.peerId, 1))
    expect(Buffer.from(decrypt(key!, sealed, bodyContext('general', 1, admin.peerId, 1))!).toString()).toBe('hi')
    // a node the roster was not sealed to opens nothing
    const otherKey = await generateIdentityKey()
    const other = new TeamKeyring({ box: generateBoxKeyPair(), peerId: peerIdOfPublicKey(otherKey.publicKey.raw) })
    other.update(state)
    expect(other.key('general', 1)).toBeUndefined()
    expect(mine.held('general').size).toBe(1)
    expect(mine.superseded('general', 1)).toEqual([])
  })
})
