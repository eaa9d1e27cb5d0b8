/**
 * Identity keys and signatures. Pure functions over bytes: no I/O, nothing else from src/.
 */
import { createPrivateKey, createPublicKey, hash, randomBytes, sign, verify } from 'node:crypto'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey, PrivateKey } from '@libp2p/interface'
import type { KeyObject } from 'node:crypto'

export const ED25519_PUBLIC_KEY_LENGTH = 32

/** Make a new Ed25519 identity key. */
export async function generateIdentityKey (): Promise<Ed25519PrivateKey> {
  return generateKeyPair('Ed25519')
}

/** Serialise a private key in libp2p's protobuf form, for the identity file. */
export function encodePrivateKey (key: PrivateKey): Uint8Array {
  return privateKeyToProtobuf(key)
}

/** Parse a private key written by `encodePrivateKey`; only Ed25519 is accepted. Returns undefined if not one. */
export function decodeIdentityKey (bytes: Uint8Array): Ed25519PrivateKey | undefined {
  try {
    const key = privateKeyFromProtobuf(bytes)
    return key.type === 'Ed25519' ? key : undefined
  } catch {
    // any parse failure means "not a key"; the caller names the file in its error
    return undefined
  }
}

/**
 * Prefix the signed bytes with a purpose label, so a signature made for one purpose
 * (an entry, later a roster) can never be replayed as another, nor as a libp2p handshake signature.
 */
function withDomain (domain: string, data: Uint8Array): Uint8Array {
  const label = Buffer.from(`parley/${domain}\0`, 'utf8')
  return Buffer.concat([label, data])
}

/** Node's key object of each private key signed with, made once (libp2p's sign makes one per call). */
const privateKeyObjects = new WeakMap<PrivateKey, KeyObject>()
/** Node's key objects of recent signers' public keys, by hex: at most MAX_PUBLIC_KEY_OBJECTS, the oldest dropped first. */
const publicKeyObjects = new Map<string, KeyObject>()
const MAX_PUBLIC_KEY_OBJECTS = 4096

function b64u (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

function privateKeyObject (key: Ed25519PrivateKey): KeyObject {
  let obj = privateKeyObjects.get(key)
  if (obj === undefined) {
    obj = createPrivateKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', d: b64u(key.raw.subarray(0, 32)), x: b64u(key.publicKey.raw) } })
    privateKeyObjects.set(key, obj)
  }
  return obj
}

function publicKeyObject (publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex')
  let obj = publicKeyObjects.get(id)
  if (obj === undefined) {
    obj = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: b64u(publicKey) } })
    if (publicKeyObjects.size >= MAX_PUBLIC_KEY_OBJECTS) publicKeyObjects.delete(publicKeyObjects.keys().next().value!)
    publicKeyObjects.set(id, obj)
  }
  return obj
}

/** Sign `data` for the named purpose. */
export async function signForDomain (key: PrivateKey, domain: string, data: Uint8Array): Promise<Uint8Array> {
  if (key.type !== 'Ed25519') return key.sign(withDomain(domain, data))
  return new Uint8Array(sign(null, withDomain(domain, data), privateKeyObject(key)))
}

/** Check a signature made by `signForDomain`, given the signer's raw 32-byte Ed25519 public key. */
export async function verifyForDomain (publicKey: Uint8Array, domain: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return Promise.resolve(verifyNow(publicKey, domain, data, signature))
}

function verifyNow (publicKey: Uint8Array, domain: string, data: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== 64) {
    return false
  }
  try {
    return verify(null, withDomain(domain, data), publicKeyObject(publicKey), signature)
  } catch {
    // a malformed point is an invalid signature, not a crash
    return false
  }
}

/** The content id of some bytes: their SHA-256. */
export function contentId (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  // the one-shot form: a history sync hashes every entry it receives
  const digest = hash('sha256', bytes, 'buffer')
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
}

/** `length` random bytes from the system's CSPRNG: secrets, nonces. */
export function randomSecret (length: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(length))
}
