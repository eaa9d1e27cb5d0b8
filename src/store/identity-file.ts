/**
 * The node's identity on disk: its Ed25519 key (owner-only) and its display name beside it.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { generateBoxKeyPair } from '../crypto/box.js'
import { decodeIdentityKey, encodePrivateKey, generateIdentityKey } from '../crypto/keys.js'
import type { BoxKeyPair } from '../crypto/box.js'
import { CorruptIdentityError } from '../errors.js'
import { checkDisplayName } from '../ids.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

import { boxKeyPathOf, identityKeyPathOf, profilePathOf } from '../paths.js'

export { BOX_KEY_FILE, IDENTITY_KEY_FILE, PROFILE_FILE } from '../paths.js'

/** The node's key and display name. */
export interface Identity {
  key: Ed25519PrivateKey
  /** X25519 key pair that team keys are sealed to */
  box: BoxKeyPair
  name: string
  /** true if this call created it */
  created: boolean
}

/** Make the data directory, owner-only. */
export async function ensureDataDir (dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
}

async function writeFileAtomic (path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, data, { mode: 0o600, flush: true })
  await rename(tmp, path)
}

async function readIfExists (path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Load the identity of a data dir, creating it with `defaultName` on first use.
 * An existing identity is never replaced: losing the key would change the user's id.
 */
export async function loadOrCreateIdentity (dataDir: string, defaultName: string): Promise<Identity> {
  await ensureDataDir(dataDir)
  const keyPath = identityKeyPathOf(dataDir)
  const profilePath = profilePathOf(dataDir)
  const keyBytes = await readIfExists(keyPath)
  let key: Ed25519PrivateKey
  let created = false
  if (keyBytes === undefined) {
    key = await generateIdentityKey()
    await writeFileAtomic(keyPath, encodePrivateKey(key))
    created = true
  } else {
    const decoded = decodeIdentityKey(keyBytes)
    if (decoded === undefined) {
      throw new CorruptIdentityError(`${keyPath} is not a parley identity key; move it away to create a new identity`)
    }
    key = decoded
    // repair permissions a copy or an unpack may have widened
    await chmod(keyPath, 0o600)
  }
  let name: string | undefined
  const profileBytes = await readIfExists(profilePath)
  if (profileBytes !== undefined) {
    try {
      name = checkDisplayName((JSON.parse(profileBytes.toString('utf8')) as { name?: unknown }).name)
    } catch {
      // an unreadable profile only loses the display name; the default replaces it below
      name = undefined
    }
  }
  if (name === undefined) {
    name = checkDisplayName(defaultName)
    await writeFileAtomic(profilePath, JSON.stringify({ name }, null, 2) + '\n')
  }
  const box = await loadOrCreateBoxKey(boxKeyPathOf(dataDir))
  return { key, box, name, created }
}

/** Save a new display name beside the key. */
export async function saveDisplayName (dataDir: string, name: string): Promise<void> {
  await writeFileAtomic(profilePathOf(dataDir), JSON.stringify({ name: checkDisplayName(name) }, null, 2) + '\n')
}

async function loadOrCreateBoxKey (path: string): Promise<BoxKeyPair> {
  const bytes = await readIfExists(path)
  if (bytes === undefined) {
    const pair = generateBoxKeyPair()
    await writeFileAtomic(path, Buffer.concat([pair.privateKey, pair.publicKey]))
    return pair
  }
  if (bytes.length !== 64) {
    throw new CorruptIdentityError(`${path} is not a parley box key; without it this node cannot open its team keys`)
  }
  await chmod(path, 0o600)
  return { privateKey: new Uint8Array(bytes.subarray(0, 32)), publicKey: new Uint8Array(bytes.subarray(32)) }
}
