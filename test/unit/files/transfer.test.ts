import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { serveFileStream } from '../../../src/files/file-protocol.js'
import { FileStore, storedManifest } from '../../../src/files/file-store.js'
import { unsealFile } from '../../../src/files/sealing.js'
import { Transfer } from '../../../src/files/transfer.js'
import { AUTHOR, memoryFile, memorySource, ORG_ID, sealedFixture } from './helpers.js'
import type { FileSource } from '../../../src/files/file-protocol.js'
import type { KnownFile } from '../../../src/files/file-store.js'
import type { TransferHost } from '../../../src/files/transfer.js'
import type { SealedFixture } from './helpers.js'
import type { PeerId, Stream } from '@libp2p/interface'

/** A stand-in for a peer id: a transfer only names peers. */
const peer = (name: string): PeerId => ({ toString: () => name }) as unknown as PeerId

describe('files/transfer (peers stubbed over in-memory streams)', () => {
  const dirs: string[] = []
  const streams: Stream[] = []
  afterEach(async () => {
    for (const s of streams.splice(0)) s.abort(new Error('test over'))
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })

  async function storeDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-transfer-'))
    dirs.push(dir)
    return dir
  }

  function known (fixture: SealedFixture): KnownFile {
    return {
      stored: { entryId: 'e1', team: 'general', author: AUTHOR, authorName: 'bob', time: 1, state: 'remote', wanted: true, manifest: storedManifest(fixture.manifest) },
      manifest: fixture.manifest
    }
  }

  /** A host whose peers are the given sources, each served over a fresh stream pair. */
  function host (store: FileStore, peers: Map<string, FileSource>, warnings: string[]): TransferHost {
    return {
      orgId: () => ORG_ID,
      peersFor: () => [...peers.keys()].map(peer),
      mayFetch: () => true,
      dial: async (to) => {
        const [client, server] = await streamPair()
        streams.push(client, server)
        void serveFileStream(server, 'me', peers.get(to.toString())!)
        return client
      },
      store,
      completed: async (k) => {
        k.stored.state = 'complete'
        await store.save(k)
      },
      warn: (m) => { warnings.push(m) },
      progress: () => {}
    }
  }

  it('throws away the bad chunks of a lying peer, drops it and fetches them from another', async () => {
    const fixture = sealedFixture(16 * 1024 - 100, 1024)
    const badSent: number[] = []
    const liar = memoryFile({ fixture, serve: (i, sealed) => { badSent.push(i); const copy = Buffer.from(sealed); copy[5]! ^= 0xff; return copy } })
    const honest = memoryFile({ fixture })
    const store = new FileStore(await storeDir())
    const k = known(fixture)
    store.add(k)
    const warnings: string[] = []
    const t = new Transfer(host(store, new Map([['liar', memorySource({ files: [liar] })], ['honest', memorySource({ files: [honest] })]]), warnings), k)
    void t.run()
    await t.whenDone()
    expect(k.stored.state).toBe('complete')
    // every chunk on disk is the one the manifest names, and the whole matches its hash
    await unsealFile(fixture.manifest, store.sealedPath(fixture.id))
    expect(badSent.length).toBeGreaterThan(0)
    for (const i of new Set(badSent)) expect(warnings.some(w => w.includes(`liar sent a bad copy of chunk ${i}`))).toBe(true)
    expect(warnings.some(w => /liar stopped sending: liar sent \d+ bad chunks/.test(w))).toBe(true)
    expect(warnings.some(w => w.includes('honest'))).toBe(false)
  })

  it('resumes after an interruption from the chunks verified on disk, asking only for the rest', async () => {
    const fixture = sealedFixture(8 * 1024, 1024)
    const dir = await storeDir()
    const store = new FileStore(dir)
    const k = known(fixture)
    store.add(k)
    await store.save(k)
    // the only peer at first holds half the file
    const half = memorySource({ files: [memoryFile({ fixture, held: [0, 1, 2, 3] })] })
    const first = new Transfer(host(store, new Map([['half', half]]), []), k)
    void first.run()
    for (let i = 0; k.have?.count !== 4; i++) {
      if (i > 500) throw new Error('the first half never arrived')
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    // the node stops (or crashes) with the transfer waiting for a holder of the rest
    await first.cancel()
    await expect(first.whenDone()).rejects.toThrow(/stopped/)

    // after a restart, the record says partial and the sealed copy holds four verified chunks
    const reopened = new FileStore(dir)
    expect(await reopened.load()).toEqual([])
    const again = reopened.get(fixture.id)!
    expect(again.stored.state).toBe('partial')
    expect((await reopened.held(again)).count).toBe(4)
    const asked: number[] = []
    const whole = memorySource({ files: [memoryFile({ fixture, onRead: (i) => { asked.push(i) } })] })
    const second = new Transfer(host(reopened, new Map([['whole', whole]]), []), again)
    void second.run()
    await second.whenDone()
    expect(asked.sort()).toEqual([4, 5, 6, 7])
    await unsealFile(fixture.manifest, reopened.sealedPath(fixture.id))
  })

  it('counts nothing of a chunk it could not verify, and never takes a chunk over a good one on disk', async () => {
    const fixture = sealedFixture(4 * 1024, 1024)
    const dir = await storeDir()
    const store = new FileStore(dir)
    const k = known(fixture)
    store.add(k)
    // garbage where chunk 1 belongs, the right bytes for chunk 0: only chunk 0 counts as held
    const sealed = Buffer.alloc(4 * (1024 + 16))
    fixture.sealed[0]!.copy(sealed, 0)
    sealed.fill(7, 1024 + 16, 2 * (1024 + 16))
    await writeFile(store.sealedPath(fixture.id), sealed)
    const asked: number[] = []
    const t = new Transfer(host(store, new Map([['whole', memorySource({ files: [memoryFile({ fixture, onRead: (i) => { asked.push(i) } })] })]]), []), k)
    void t.run()
    await t.whenDone()
    expect(asked.sort()).toEqual([1, 2, 3])
    await unsealFile(fixture.manifest, store.sealedPath(fixture.id))
  })
})
