/** Forgeries of signed entries for tests: a genuine entry whose signature no longer matches. */
import { SignedEntry } from '../../src/model/index.js'

/** The entry encoded with one bit of its signature flipped (its body and fields untouched). */
export function forgedSignature (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const signed = SignedEntry.decode(bytes)
  const signature = new Uint8Array(signed.signature)
  signature[0]! ^= 1
  return new Uint8Array(SignedEntry.encode({ ...signed, signature }))
}
