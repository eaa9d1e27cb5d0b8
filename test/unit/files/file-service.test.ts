import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { streamPair } from '@libp2p/utils'
import { TypedEventEmitter } from 'main-event'
import { afterEach, describe, expect, it } from 'vitest'
import { AutoDownloadQuota } from '../../../src/files/auto-download-quota.js'
import { fileIdOf } from '../../../src/files/chunks.js'
import { FileStreamClient } from '../../../src/files/file-protocol.js'
import { FileService } from '../../../src/files/file-service.js'
import { FILE_PROTOCOL } from '../../../src/net/topics.js'
import { ORG_ID, sealedFixture } from './helpers.js'
import type { FileOrg, FilePost, FileServiceComponents } from '../../../src/files/file-service.js'
import type { ParleyEvents } from '../../../src/events.js'
import type { Connection, Stream, StreamHandler } from '@libp2p/interface'

const ME = '12D3KooWMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMeMe'
const never = new AbortController().signal

describe('files/file-service (stubbed components)', () => {
  const dirs: string[] = []
  const services: FileService[] = []
  const streams: Stream[] = []
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop()
    for (const s of streams.splice(0)) s.abort(new Error('test over'))
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-file-service-'))
    dirs.push(dir)
    return dir
  }

  const org: FileOrg = {
    orgId: ORG_ID,
    myTeams: () => ['general'],
    directPeer: () => undefined,
    mayRead: (team: string, peer: string) => team === 'general' && (peer === 'alice' || peer === ME),
    member: ((peer: string) => peer === 'alice' || peer === 'carol' ? {} : undefined) as FileOrg['member']
  }

  async function service (over: { autoDownloadBytes?: number, autoDownloadPerAuthorBytes?: number } = {}): Promise<{ files: FileService, posts: Array<{ team: string, body: FilePost }>, warnings: string[], handler: () => StreamHandler }> {
    const dir = await tempDir()
    const events = new TypedEventEmitter<ParleyEvents>()
    const warnings: string[] = []
    events.addEventListener('node:warning', (e) => { warnings.push(e.detail.message) })
    const posts: Array<{ team: string, body: FilePost }> = []
    let handler: StreamHandler | undefined
    const components: FileServiceComponents = {
      libp2p: {
        handle: async (protocol, h) => { expect(protocol).toBe(FILE_PROTOCOL); handler = h; await Promise.resolve() },
        unhandle: async () => { await Promise.resolve() },
        dialProtocol: async () => await Promise.reject(new Error('no network here')),
        getPeers: () => []
      },
      orgs: { current: org },
      selfId: ME,
      events,
      messages: { post: async (team, body) => { posts.push({ team, body }); return await Promise.resolve({ id: `entry-${posts.length}` }) } }
    }
    const files = new FileService(components, { dir, downloadDir: dir, autoDownloadBytes: over.autoDownloadBytes ?? 0, maxFileBytes: 1e9, ...(over.autoDownloadPerAuthorBytes === undefined ? {} : { autoDownloadPerAuthorBytes: over.autoDownloadPerAuthorBytes }) })
    services.push(files)
    await files.start()
    return { files, posts, warnings, handler: () => handler! }
  }

  it('seals and posts a file, then serves it over its protocol handler to a team member only', async () => {
    const { files, posts, handler } = await service()
    const path = join(await tempDir(), 'notes.txt')
    const plain = randomBytes(3000)
    await writeFile(path, plain)
    const sent = await files.send('general', path, 'my notes')
    expect(sent).toMatchObject({ name: 'notes.txt', size: 3000, state: 'complete', entryId: 'entry-1', author: ME })
    expect(posts).toHaveLength(1)
    expect(posts[0]!.body.text).toBe('my notes')
    const manifest = posts[0]!.body.file!
    expect(Buffer.from(manifest.id).toString('hex')).toBe(sent.id)
    expect(files.list().map(f => f.id)).toEqual([sent.id])

    for (const [remote, expected] of [['alice', ''], ['carol', 'NotMemberError']] as const) {
      const [client, server] = await streamPair()
      streams.push(client, server)
      void handler()(server, { remotePeer: { toString: () => remote } } as unknown as Connection)
      const stream = new FileStreamClient(client, { orgId: ORG_ID, team: 'general', manifest })
      const reply = await stream.open(never)
      if (expected !== '') {
        expect(reply).toEqual({ error: expected })
        continue
      }
      if (!('chunks' in reply)) throw new Error(reply.error)
      expect(reply.chunks.complete).toBe(true)
      await stream.want([0])
      expect((await stream.next(never)).data.byteLength).toBe(3000 + 16)
      await stream.close()
    }
  })

  it('forgets a file only with the entry that introduced it, not with another naming its id', async () => {
    const { files } = await service()
    const fixture = sealedFixture(100, 1024)
    await files.notice({ entryId: 'bobs-entry', team: 'general', author: '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBob', authorName: 'bob', time: 1, manifest: fixture.manifest })
    expect(files.find(fixture.id).entryId).toBe('bobs-entry')
    // another entry (in another team, expiring sooner) that carries the same id takes nothing with it
    await files.forget(fixture.id, 'daves-entry')
    expect(files.find(fixture.id).state).toBe('remote')
    await files.forget(fixture.id, 'bobs-entry')
    expect(() => files.find(fixture.id)).toThrow(expect.objectContaining({ name: 'FileNotFoundError' }))
  })

  it('fetches by itself only up to the per-author quota; past it, a file waits for get', async () => {
    const { files, warnings } = await service({ autoDownloadBytes: 1e9, autoDownloadPerAuthorBytes: 2500 })
    const bob = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBob'
    const fixtures = [sealedFixture(1000, 1024), sealedFixture(1000, 1024), sealedFixture(1000, 1024)].map(f => ({ f, manifest: { ...f.manifest } }))
    // ids are bound to their author and team
    for (const x of fixtures) x.manifest.id = fileIdOf(bob, 'general', x.manifest)
    for (const [i, x] of fixtures.entries()) await files.notice({ entryId: `e${i}`, team: 'general', author: bob, authorName: 'bob', time: i, manifest: x.manifest })
    expect(warnings.filter(w => w.includes('auto-download-per-author'))).toHaveLength(1)
    // the first two are being fetched (no peer has them here: they wait as partial), the third waits for get
    for (let i = 0; files.list().filter(f => f.state === 'partial').length < 2; i++) {
      if (i > 200) throw new Error(`transfers never started: ${JSON.stringify(files.list().map(f => f.state))}`)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    expect(files.list().map(f => [f.entryId, f.state]).sort()).toEqual([['e0', 'partial'], ['e1', 'partial'], ['e2', 'remote']])
  })
})

describe('files/auto-download-quota', () => {
  it('counts bytes per author in a sliding window', () => {
    let now = 0
    const quota = new AutoDownloadQuota(100, 1000, () => now)
    expect(quota.take('bob', 60)).toBe(true)
    expect(quota.take('bob', 50)).toBe(false)
    expect(quota.take('dave', 100)).toBe(true)
    expect(quota.take('bob', 40)).toBe(true)
    now = 1001
    expect(quota.take('bob', 100)).toBe(true)
  })
})
