/**
 * Identity keys and signatures. Pure functions over bytes: no I/O, nothing else from src/.
 */
import { hash, randomBytes } from 'node:crypto'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey, PrivateKey } from '@libp2p/interface'

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

/** Sign `data` for the named purpose. */
export async function signForDomain (key: PrivateKey, domain: string, data: Uint8Array): Promise<Uint8Array> {
  return key.sign(withDomain(domain, data))
}

/** Check a signature made by `signForDomain`, given the signer's raw 32-byte Ed25519 public key. */
export async function verifyForDomain (publicKey: Uint8Array, domain: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== 64) {
    return false
  }
  try {
    return await publicKeyFromRaw(publicKey).verify(withDomain(domain, data), signature)
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
