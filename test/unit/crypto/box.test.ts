import { describe, expect, it } from 'vitest'
import { decrypt, encrypt, generateBoxKeyPair, generateTeamKey, open, seal, teamKeyCheck } from '../../../src/crypto/box.js'

const te = new TextEncoder()

describe('crypto/box', () => {
  it('encrypts and decrypts with the team key and the same aad', () => {
    const key = generateTeamKey()
    const sealed = encrypt(key, te.encode('secret plan'), te.encode('general:1'))
    expect(Buffer.from(sealed).includes(Buffer.from('secret plan'))).toBe(false)
    expect(Buffer.from(decrypt(key, sealed, te.encode('general:1'))!).toString()).toBe('secret plan')
  })

  it('refuses a wrong key, a wrong aad and every tampered byte', () => {
    const key = generateTeamKey()
    const sealed = encrypt(key, te.encode('secret'), te.encode('aad'))
    expect(decrypt(generateTeamKey(), sealed, te.encode('aad'))).toBeUndefined()
    expect(decrypt(key, sealed, te.encode('other'))).toBeUndefined()
    for (let i = 0; i < sealed.length; i++) {
      const bad = new Uint8Array(sealed)
      bad[i]! ^= 0x01
      expect(decrypt(key, bad, te.encode('aad'))).toBeUndefined()
    }
    expect(decrypt(key, sealed.subarray(0, 10), te.encode('aad'))).toBeUndefined()
  })

  it('seals to one recipient only', () => {
    const alice = generateBoxKeyPair()
    const bob = generateBoxKeyPair()
    const sealed = seal(alice.publicKey, te.encode('team key'), te.encode('ctx'))
    expect(Buffer.from(open(alice, sealed, te.encode('ctx'))!).toString()).toBe('team key')
    expect(open(bob, sealed, te.encode('ctx'))).toBeUndefined()
    expect(open(alice, sealed, te.encode('other ctx'))).toBeUndefined()
    const bad = new Uint8Array(sealed)
    bad[40]! ^= 0x80
    expect(open(alice, bad, te.encode('ctx'))).toBeUndefined()
    expect(open(alice, new Uint8Array(20), te.encode('ctx'))).toBeUndefined()
  })

  it('key checks differ by key, team and epoch', () => {
    const k = generateTeamKey()
    const c = Buffer.from(teamKeyCheck(k, 'dev', 1)).toString('hex')
    expect(Buffer.from(teamKeyCheck(k, 'dev', 1)).toString('hex')).toBe(c)
    expect(Buffer.from(teamKeyCheck(k, 'dev', 2)).toString('hex')).not.toBe(c)
    expect(Buffer.from(teamKeyCheck(k, 'ops', 1)).toString('hex')).not.toBe(c)
    expect(Buffer.from(teamKeyCheck(generateTeamKey(), 'dev', 1)).toString('hex')).not.toBe(c)
  })
})
