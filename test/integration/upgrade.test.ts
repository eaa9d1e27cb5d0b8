/**
 * Old on-disk formats stay readable: a store written by format 1 (kept as a fixture) opens with
 * this build, with its identity, org, history and sequence numbers.
 */
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { STORE_FORMAT } from '../../src/store/entry-log.js'
import { Fixture } from '../helpers/nodes.js'

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
})
