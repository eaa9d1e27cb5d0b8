import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { contentId, decodeIdentityKey, encodePrivateKey, generateIdentityKey, signForDomain, verifyForDomain } from '../../../src/crypto/keys.js'

describe('crypto/keys', () => {
  it('round-trips an identity key through its encoding', async () => {
    const key = await generateIdentityKey()
    const back = decodeIdentityKey(encodePrivateKey(key))
    expect(back?.publicKey.raw).toEqual(key.publicKey.raw)
  })

  it('refuses bytes that are not an Ed25519 key', () => {
    expect(decodeIdentityKey(new Uint8Array([1, 2, 3]))).toBeUndefined()
  })

  it('verifies a signature only for the same key, domain and data', async () => {
    const key = await generateIdentityKey()
    const other = await generateIdentityKey()
    const data = new TextEncoder().encode('hello')
    const sig = await signForDomain(key, 'entry/v1', data)
    expect(await verifyForDomain(key.publicKey.raw, 'entry/v1', data, sig)).toBe(true)
    expect(await verifyForDomain(other.publicKey.raw, 'entry/v1', data, sig)).toBe(false)
    expect(await verifyForDomain(key.publicKey.raw, 'roster/v1', data, sig)).toBe(false)
    expect(await verifyForDomain(key.publicKey.raw, 'entry/v1', new TextEncoder().encode('hellO'), sig)).toBe(false)
    const tampered = new Uint8Array(sig)
    tampered[0]! ^= 1
    expect(await verifyForDomain(key.publicKey.raw, 'entry/v1', data, tampered)).toBe(false)
  })

  it('treats malformed keys and signatures as invalid, not as crashes', async () => {
    const data = new Uint8Array([1])
    expect(await verifyForDomain(new Uint8Array(31), 'entry/v1', data, new Uint8Array(64))).toBe(false)
    expect(await verifyForDomain(new Uint8Array(32).fill(0xff), 'entry/v1', data, new Uint8Array(64))).toBe(false)
    expect(await verifyForDomain(new Uint8Array(32), 'entry/v1', data, new Uint8Array(10))).toBe(false)
  })

  it('signs exactly as libp2p\'s own key objects do, with the node key object made once per key', async () => {
    const key = await generateIdentityKey()
    for (const text of ['a', 'hello', 'x'.repeat(70_000)]) {
      const data = new TextEncoder().encode(text)
      const sig = await signForDomain(key, 'entry/v1', data)
      expect(sig).toEqual(new Uint8Array(await key.sign(Buffer.concat([Buffer.from('parley/entry/v1\0'), data]))))
      expect(await publicKeyFromRaw(key.publicKey.raw).verify(Buffer.concat([Buffer.from('parley/entry/v1\0'), data]), sig)).toBe(true)
    }
    // many signers: the cache of public key objects stays bounded and keeps verifying correctly
    const keys = await Promise.all(Array.from({ length: 50 }, async () => generateIdentityKey()))
    for (const k of keys) {
      const sig = await signForDomain(k, 'entry/v1', new Uint8Array([7]))
      expect(await verifyForDomain(k.publicKey.raw, 'entry/v1', new Uint8Array([7]), sig)).toBe(true)
      expect(await verifyForDomain(keys[0]!.publicKey.raw, 'entry/v1', new Uint8Array([7]), sig)).toBe(k === keys[0])
    }
  })

  it('content ids are SHA-256', () => {
    expect(Buffer.from(contentId(new TextEncoder().encode('abc'))).toString('hex'))
      .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})
