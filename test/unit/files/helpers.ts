/** Test material for the file modules: a sealed file in memory, and a file source over it. */
import { createHash, randomBytes } from 'node:crypto'
import { ChunkSet, fileIdOf, newFileKey, sealChunk, sha256 } from '../../../src/files/chunks.js'
import type { FileSource, ServedFile } from '../../../src/files/file-protocol.js'
import type { FileState } from '../../../src/events.js'
import type { FileManifest } from '../../../src/model/index.js'

export const ORG_ID = 'aa'.repeat(16)
export const AUTHOR = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBob'

export interface SealedFixture {
  manifest: FileManifest
  id: string
  plain: Buffer
  /** the sealed chunks, as the manifest hashes them */
  sealed: Buffer[]
}

/** A file of `size` random bytes cut into chunks of `chunkSize`, sealed, with its bound id. */
export function sealedFixture (size: number, chunkSize: number, team = 'general', name = 'data.bin'): SealedFixture {
  const plain = randomBytes(size)
  const key = newFileKey()
  const sealed: Buffer[] = []
  for (let i = 0; i * chunkSize < size; i++) sealed.push(sealChunk(key, i, plain.subarray(i * chunkSize, (i + 1) * chunkSize)))
  const contents = {
    name,
    size,
    type: 'application/octet-stream',
    chunkSize,
    key,
    chunks: sealed.map(s => new Uint8Array(sha256(s))),
    sha256: new Uint8Array(createHash('sha256').update(plain).digest())
  }
  const id = fileIdOf(AUTHOR, team, contents)
  return { manifest: { id, ...contents }, id: Buffer.from(id).toString('hex'), plain, sealed }
}

export interface MemoryFileInit {
  fixture: SealedFixture
  team?: string
  /** chunk indexes held (default: all) */
  held?: number[]
  state?: FileState
  /** what a chunk is served as (default: its sealed bytes); a hostile holder changes it */
  serve?: (index: number, sealed: Buffer) => Uint8Array
  /** called with each chunk index read */
  onRead?: (index: number) => void
}

/** One file held in memory, as the file protocol serves it. */
export function memoryFile (init: MemoryFileInit): ServedFile & { setState: (s: FileState) => void } {
  const { fixture } = init
  let state: FileState = init.state ?? 'complete'
  const have = new ChunkSet(fixture.sealed.length)
  for (const i of init.held ?? fixture.sealed.keys()) have.add(i)
  return {
    team: init.team ?? 'general',
    manifest: fixture.manifest,
    state: () => state,
    setState: (s) => { state = s },
    held: async () => await Promise.resolve(have),
    has: (i) => have.has(i),
    openChunks: async () => await Promise.resolve({
      read: async (i: number) => {
        init.onRead?.(i)
        const sealed = fixture.sealed[i]!
        return await Promise.resolve(init.serve?.(i, sealed) ?? sealed)
      },
      close: async () => {}
    })
  }
}

export interface MemorySourceInit {
  files: ServedFile[]
  /** peers in the directory (default: everyone) */
  members?: string[]
  /** who may read a team (default: every member) */
  mayRead?: (team: string, peer: string) => boolean
}

/** What a server holds, in memory. */
export function memorySource (init: MemorySourceInit): FileSource {
  const byId = new Map(init.files.map(f => [Buffer.from(f.manifest.id).toString('hex'), f]))
  const isMember = (peer: string): boolean => init.members === undefined || init.members.includes(peer)
  return {
    orgId: () => ORG_ID,
    isMember,
    mayRead: (team, peer) => isMember(peer) && (init.mayRead?.(team, peer) ?? true),
    file: (id) => byId.get(id)
  }
}
