/**
 * Old on-disk formats stay readable: a store written by format 1 (kept as a fixture) opens with
 * this build, with its identity, org, history and sequence numbers.
 */
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeEntry } from '../../src/model/index.js'
import { EntryLog, STORE_FORMAT } from '../../src/store/entry-log.js'
import { Fixture, waitFor } from '../helpers/nodes.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/store-v1', import.meta.url))

describe('store upgrades', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('opens a format-1 store: identity, org, history, search, and the next sequence number', async () => {
    expect(STORE_FORMAT).toBeGreaterThanOrEqual(1)
    const dir = join(await fx.tempDir(), 'data')
    await cp(FIXTURE, dir, { recursive: true })
    const node = await fx.node({ dataDir: dir })
    expect(node.peerId).toBe('12D3KooWBqpvTVNsBkYqGoZuA2wY7prJdp1wZz9vnuSKn2N5qAu7')
    expect(node.info().org?.name).toBe('Fixture Org')
    expect(node.joinedTeams()).toEqual(['dev', 'general'])
    expect((await node.history('general')).messages.map(m => m.text)).toEqual(['first message of format 1', 'second, with ünïcödé'])
    expect((await node.history('dev')).messages.map(m => [m.text, m.readable])).toEqual([['dev team message', true]])
    expect((await node.search('unicode')).map(m => m.text)).toEqual(['second, with ünïcödé'])
    expect((await node.send('general', 'written by this build')).seq).toBe(3)
  })

  it('a format-1 store takes conversations: entries of version 1 and 2 chain in one feed and verify; a version-1 message is hidden when deleted', async () => {
    const dir = join(await fx.tempDir(), 'data')
    await cp(FIXTURE, dir, { recursive: true })
    let node = await fx.node({ dataDir: dir })
    const [first, second] = (await node.history('general')).messages
    expect(first!.author).toBe(node.peerId)
    const reply = await node.send('general', 'a reply of format 2', { replyTo: first!.id.slice(0, 8) })
    expect(reply.quote?.text).toBe('first message of format 1')
    await node.react(first!.id, '👍')
    expect((await node.editMessage(second!.id, 'second, edited')).text).toBe('second, edited')
    expect((await node.deleteMessage(first!.id)).deleted?.by).toBe(node.peerId)
    // after a restart (the index stopped cleanly) and after a crash (rebuilt from the log) alike
    await node.stop()
    node = await fx.node({ dataDir: dir })
    const shown = async (): Promise<string[]> => (await node.history('general')).messages.map(m => m.deleted !== undefined ? 'deleted' : `${m.text}${m.edited !== undefined ? ' (edited)' : ''}`)
    expect(await shown()).toEqual(['deleted', 'second, edited (edited)', 'a reply of format 2'])
    expect(await node.search('first')).toEqual([])
    // every stored entry verifies, whatever its version, and each names the one before
    await node.stop()
    const opened = await EntryLog.open(join(dir, 'log'))
    try {
      const feed = []
      for await (const v of opened.readFeed('general', node.peerId, 1)) feed.push(v)
      expect(feed.map(v => v.entry.version)).toEqual([1, 1, 2, 2, 2, 2])
      for (const [i, v] of feed.entries()) {
        expect((await decodeEntry(v.bytes)).idHex).toBe(v.idHex)
        if (i > 0) expect(Buffer.from(v.entry.prev).toString('hex')).toBe(feed[i - 1]!.idHex)
      }
      // a version-1 message cannot be erased (its signature covers its body): it stays, hidden
      expect(feed[0]!.erased).toBeUndefined()
      // a crash: the index is rebuilt from the log at the next start
      await opened.meta('conversations').put(0)
    } finally {
      await opened.close()
    }
    node = await fx.node({ dataDir: dir })
    await waitFor(async () => (await shown()).join('|') === 'deleted|second, edited (edited)|a reply of format 2', 10_000, 'rebuilt index')
  })
})
