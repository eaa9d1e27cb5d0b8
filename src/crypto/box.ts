/**
 * Encryption: team keys sealed to one member's X25519 key, and message bodies under a team key.
 * ChaCha20-Poly1305 and X25519 from node:crypto. Pure functions over bytes: no I/O.
 */
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

export const BOX_KEY_LENGTH = 32
export const TEAM_KEY_LENGTH = 32
const NONCE = 12
const TAG = 16

/** An X25519 key pair for receiving sealed team keys, as raw 32-byte halves. */
export interface BoxKeyPair {
  publicKey: Uint8Array<ArrayBuffer>
  privateKey: Uint8Array<ArrayBuffer>
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url')

function publicKeyObject (raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(raw) }, format: 'jwk' })
}

function privateKeyObject (pair: BoxKeyPair): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(pair.publicKey), d: b64u(pair.privateKey) }, format: 'jwk' })
}

/** Make a new X25519 key pair. */
export function generateBoxKeyPair (): BoxKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519')
  const jwk = privateKey.export({ format: 'jwk' })
  return {
    publicKey: new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')),
    privateKey: new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url'))
  }
}

/** A fresh random team key. */
export function generateTeamKey (): Uint8Array {
  return randomBytes(TEAM_KEY_LENGTH)
}

/** AEAD-encrypt: returns nonce || ciphertext || tag. `aad` is authenticated, not encrypted. */
export function encrypt (key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE)
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
  cipher.setAAD(aad, { plaintextLength: plaintext.length })
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([nonce, body, cipher.getAuthTag()])
}

/** AEAD-decrypt what `encrypt` made; returns undefined if the key, the aad or any byte is wrong. */
export function decrypt (key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (key.length !== TEAM_KEY_LENGTH || sealed.length < NONCE + TAG) return undefined
  const nonce = sealed.subarray(0, NONCE)
  const tag = sealed.subarray(sealed.length - TAG)
  const body = sealed.subarray(NONCE, sealed.length - TAG)
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
    decipher.setAAD(aad, { plaintextLength: body.length })
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    // authentication failed: wrong key or tampered bytes
    return undefined
  }
}

function sealKey (shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), 'parley/seal/v1', 32))
}

/** Seal `plaintext` so only the holder of `recipient`'s private key can open it: ephemeral || aead. */
export function seal (recipient: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  if (recipient.length !== BOX_KEY_LENGTH) throw new TypeError('recipient must be a 32-byte X25519 key')
  const eph = generateKeyPairSync('x25519')
  const ephPublic = Buffer.from(eph.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyObject(recipient) })
  return Buffer.concat([ephPublic, encrypt(sealKey(shared, ephPublic, recipient), plaintext, aad)])
}

/** Open what `seal` made for `pair`; undefined if it was not for this key or was altered. */
export function open (pair: BoxKeyPair, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (sealed.length < BOX_KEY_LENGTH + NONCE + TAG) return undefined
  const ephPublic = sealed.subarray(0, BOX_KEY_LENGTH)
  let shared: Buffer
  try {
    shared = diffieHellman({ privateKey: privateKeyObject(pair), publicKey: publicKeyObject(ephPublic) })
  } catch {
    // a malformed ephemeral key cannot have been made by seal()
    return undefined
  }
  return decrypt(sealKey(shared, ephPublic, pair.publicKey), sealed.subarray(BOX_KEY_LENGTH), aad)
}

/**
 * The key two box-key holders share without sending anything: X25519 between `mine` and `theirs`,
 * through HKDF-SHA256 with `salt` and `info`. Both sides derive the same key.
 */
export function sharedKey (mine: BoxKeyPair, theirs: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  if (theirs.length !== BOX_KEY_LENGTH) throw new TypeError('theirs must be a 32-byte X25519 key')
  const shared = diffieHellman({ privateKey: privateKeyObject(mine), publicKey: publicKeyObject(theirs) })
  return new Uint8Array(hkdfSync('sha256', shared, salt, info, 32))
}

/**
 * Key confirmation: a value anyone may see that proves which key an admin meant for (team, epoch),
 * so a member who opens a sealed key can check it is the one every other member got.
 */
export function teamKeyCheck (key: Uint8Array, team: string, epoch: number): Uint8Array {
  return createHmac('sha256', key).update(`parley/key-check/v1\0${team}\0${epoch}`).digest()
}
