import { lpStream, streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { FileStreamClient, MAX_REQUEST_BYTES, MAX_WANT_CHUNKS, serveFileStream } from '../../../src/files/file-protocol.js'
import { FileHave, FileOpen, FileWant } from '../../../src/model/index.js'
import { memoryFile, memorySource, ORG_ID, sealedFixture } from './helpers.js'
import type { FileSource } from '../../../src/files/file-protocol.js'
import type { Stream } from '@libp2p/interface'

const ALICE = 'alice'
const never = new AbortController().signal

describe('files/file-protocol (over an in-memory stream pair)', () => {
  const open: Stream[] = []
  afterEach(() => { for (const s of open.splice(0)) s.abort(new Error('test over')) })

  /** A stream to a server for `remote` over `source`; resolves, with the server's end, when it is done. */
  async function connect (source: FileSource, remote = ALICE): Promise<{ client: Stream, served: Promise<void> }> {
    const [client, server] = await streamPair()
    open.push(client, server)
    return { client, served: serveFileStream(server, remote, source) }
  }

  it('tells which chunks it holds and serves those asked for, in the order asked, refusing the rest', async () => {
    const fixture = sealedFixture(5 * 1000, 1024)
    const source = memorySource({ files: [memoryFile({ fixture, held: [0, 2, 3] })] })
    const { client, served } = await connect(source)
    const files = new FileStreamClient(client, { orgId: ORG_ID, team: 'general', manifest: fixture.manifest })
    const reply = await files.open(never)
    if (!('chunks' in reply)) throw new Error(`refused: ${reply.error}`)
    expect([0, 1, 2, 3, 4].map(i => reply.chunks.has(i))).toEqual([true, false, true, true, false])
    // a range out of order, one not held, one past the end of the file
    await files.want([3, 1, 0, 99])
    const got = []
    for (let i = 0; i < 4; i++) got.push(await files.next(never))
    expect(got.map(c => [c.index, c.error])).toEqual([[3, ''], [1, 'NotHeldError'], [0, ''], [99, 'NotHeldError']])
    expect(Buffer.from(got[0]!.data.subarray()).equals(fixture.sealed[3]!)).toBe(true)
    expect(Buffer.from(got[2]!.data.subarray()).equals(fixture.sealed[0]!)).toBe(true)
    // the last chunk is shorter: served as long as it is
    await files.want([2])
    expect((await files.next(never)).data.byteLength).toBe(1024 + 16)
    await files.close()
    await served
  })

  it('reads nothing from someone outside the directory: the stream ends before its first byte', async () => {
    const fixture = sealedFixture(100, 1024)
    let asked = false
    const source = memorySource({ files: [memoryFile({ fixture, onRead: () => { asked = true } })], members: ['bob'] })
    const { client, served } = await connect(source, 'mallory')
    await served
    const files = new FileStreamClient(client, { orgId: ORG_ID, team: 'general', manifest: fixture.manifest })
    await expect(files.open(never)).rejects.toThrow()
    expect(asked).toBe(false)
  })

  it('refuses a member outside the team, an unknown id, another team or org, and a quarantined file', async () => {
    const fixture = sealedFixture(100, 1024)
    const other = sealedFixture(100, 1024)
    const quarantined = sealedFixture(100, 1024)
    const source = memorySource({
      files: [memoryFile({ fixture }), memoryFile({ fixture: quarantined, state: 'quarantined' })],
      mayRead: (team, peer) => team === 'general' && peer !== 'carol'
    })
    const cases: Array<{ remote?: string, orgId?: string, team?: string, manifest?: typeof fixture.manifest, error: string }> = [
      { remote: 'carol', error: 'NotMemberError' },
      { manifest: other.manifest, error: 'NotMemberError' },
      { team: 'dev', error: 'NotMemberError' },
      { orgId: 'bb'.repeat(16), error: 'NotMemberError' },
      { manifest: quarantined.manifest, error: 'QuarantinedError' }
    ]
    for (const c of cases) {
      const { client, served } = await connect(source, c.remote)
      const files = new FileStreamClient(client, { orgId: c.orgId ?? ORG_ID, team: c.team ?? 'general', manifest: c.manifest ?? fixture.manifest })
      expect(await files.open(never)).toEqual({ error: c.error })
      await served
    }
  })

  it('stops serving a member removed from the team mid-stream, and a file quarantined meanwhile', async () => {
    const fixture = sealedFixture(3000, 1024)
    let member = true
    const file = memoryFile({ fixture })
    const source = memorySource({ files: [file], mayRead: () => member })
    const { client, served } = await connect(source)
    const files = new FileStreamClient(client, { orgId: ORG_ID, team: 'general', manifest: fixture.manifest })
    expect('chunks' in await files.open(never)).toBe(true)
    await files.want([0])
    expect((await files.next(never)).error).toBe('')
    member = false
    await files.want([1, 2])
    expect((await files.next(never))).toMatchObject({ index: 1, error: 'NotMemberError' })
    await served
    await expect(files.next(never)).rejects.toThrow()

    member = true
    const again = await connect(source)
    const second = new FileStreamClient(again.client, { orgId: ORG_ID, team: 'general', manifest: fixture.manifest })
    expect('chunks' in await second.open(never)).toBe(true)
    file.setState('quarantined')
    await second.want([0])
    expect((await second.next(never))).toMatchObject({ index: 0, error: 'NotMemberError' })
    await again.served
  })

  it('refuses an oversized request before decoding it, a malformed one, and one asking too much at once', async () => {
    const fixture = sealedFixture(3000, 1024)
    const reads: number[] = []
    const source = memorySource({ files: [memoryFile({ fixture, onRead: (i) => { reads.push(i) } })] })
    const openRequest = FileOpen.encode({ org: new Uint8Array(Buffer.from(ORG_ID, 'hex')), team: 'general', file: fixture.manifest.id })

    // an oversized FileOpen (well formed: decoded, it would be answered with a refusal): nothing is answered
    {
      const { client, served } = await connect(source)
      const lp = lpStream(client)
      await lp.write(FileOpen.encode({ org: new Uint8Array(16), team: 'x'.repeat(MAX_REQUEST_BYTES), file: fixture.manifest.id }))
      await served
      await expect(lp.read()).rejects.toThrow()
    }
    // after a good open: an oversized FileWant, a malformed one, one over MAX_WANT_CHUNKS
    const hostile = [
      new Uint8Array(MAX_REQUEST_BYTES + 1),
      new Uint8Array([0x08, 0xff]),
      FileWant.encode({ chunks: Array.from({ length: MAX_WANT_CHUNKS + 1 }, () => 0) })
    ]
    for (const frame of hostile) {
      const { client, served } = await connect(source)
      const lp = lpStream(client)
      await lp.write(openRequest)
      expect(FileHave.decode(await lp.read()).error).toBe('')
      await lp.write(frame)
      await served
      await expect(lp.read()).rejects.toThrow()
    }
    expect(reads).toEqual([])
  })
})
