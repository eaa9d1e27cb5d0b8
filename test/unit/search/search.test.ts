import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fold, stem, terms } from '../../../src/search/tokenize.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import type { SearchIndex } from '../../../src/store/search-index.js'

describe('search/tokenize', () => {
  it('folds case and accents, and splits on anything that is not a letter or digit', () => {
    expect(fold('Café ÜBER naïve')).toBe('cafe uber naive')
    expect(terms('Hello, WORLD! hello-world')).toEqual(['hello', 'world'])
    expect(terms('日本語 テキスト')).toEqual(['日本語', 'テキスト'])
  })

  it('stems common English endings the same way for text and query', () => {
    expect(stem('meetings')).toBe(stem('meeting'))
    expect(stem('deployed')).toBe(stem('deploying'))
    expect(stem('policies')).toBe(stem('policy'))
    expect(stem('boss')).toBe('boss')
    expect(stem('status')).toBe('status')
    expect(terms("Bob's laptop")).toEqual(['bob', 'laptop'])
  })

  it('keeps numbers and drops single letters', () => {
    expect(terms('a 5 room 101')).toEqual(['5', 'room', '101'])
  })
})

describe('store/search-index', () => {
  let dir: string
  let log: EntryLog
  let index: SearchIndex
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-search-'))
    log = await EntryLog.open(join(dir, 'log'))
    index = log.searchIndex()
  })
  afterEach(async () => {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  })

  const key = (team: string, lamport: number, author = 'ann'): string => `${team}:${lamport.toString(16).padStart(14, '0')}:${author}:${'1'.padStart(14, '0')}`
  const t0 = Date.UTC(2025, 0, 1)

  it('finds messages with every word, newest first, across teams', async () => {
    await index.add([
      { team: 'dev', orderKey: key('dev', 1), id: 'a', text: 'Release notes for the café', time: t0 + 1 },
      { team: 'dev', orderKey: key('dev', 2), id: 'b', text: 'the release is delayed', time: t0 + 2 },
      { team: 'ops', orderKey: key('ops', 3, 'bob'), id: 'c', text: 'Releases happen on Friday', time: t0 + 3 },
      { team: 'hr', orderKey: key('hr', 4), id: 'd', text: 'release party', time: t0 + 4 }
    ])
    expect((await index.search(['dev', 'ops'], 'RELEASE', { limit: 10 })).map(h => h.id)).toEqual(['b', 'a', 'c'])
    expect((await index.search(['dev', 'ops'], 'release cafe', { limit: 10 })).map(h => h.id)).toEqual(['a'])
    expect((await index.search(['dev'], 'nothing here', { limit: 10 }))).toEqual([])
    expect((await index.search(['dev', 'ops'], 'release', { limit: 10, accept: h => h.author === 'bob' })).map(h => h.id)).toEqual(['c'])
    expect((await index.search(['dev'], 'release', { limit: 1 })).map(h => h.id)).toEqual(['b'])
  })

  it('orders each team by wall time and bounds it by `since`', async () => {
    // lamport order and wall-clock order disagree: search follows the clock, as the results are shown
    await index.add([
      { team: 'dev', orderKey: key('dev', 1), id: 'late', text: 'standup moved', time: t0 + 60_000 },
      { team: 'dev', orderKey: key('dev', 2), id: 'early', text: 'standup at nine', time: t0 },
      { team: 'dev', orderKey: key('dev', 3), id: 'skewed', text: 'standup from a broken clock', time: -5 }
    ])
    expect((await index.search(['dev'], 'standup', { limit: 10 })).map(h => h.id)).toEqual(['late', 'early', 'skewed'])
    expect((await index.search(['dev'], 'standup', { limit: 10, since: t0 })).map(h => h.id)).toEqual(['late', 'early'])
    expect((await index.search(['dev'], 'standup', { limit: 10, since: t0 + 1 })).map(h => h.id)).toEqual(['late'])
    expect(await index.search(['dev'], 'standup', { limit: 10, since: t0 + 60_001 })).toEqual([])
    expect((await index.search(['dev'], 'standup nine', { limit: 10, since: t0 })).map(h => h.orderKey)).toEqual([key('dev', 2)])
  })

  it('intersects long posting lists whichever term is rarer', async () => {
    // "update" is in every message, "x7" in every 97th: more of both than one batch reads
    const items = Array.from({ length: 1_500 }, (_, i) => ({
      team: 'ops', orderKey: key('ops', i + 1), id: `m${i}`, text: i % 97 === 0 ? `update x7 #${i}` : `update #${i}`, time: t0 + i
    }))
    await index.add(items)
    const expected = items.filter((_, i) => i % 97 === 0).map(m => m.id).reverse()
    expect((await index.search(['ops'], 'x7 update', { limit: 100 })).map(h => h.id)).toEqual(expected)
    expect((await index.search(['ops'], 'update x7', { limit: 3 })).map(h => h.id)).toEqual(expected.slice(0, 3))
    expect((await index.search(['ops'], 'update x7', { limit: 100, since: t0 + 1_000 })).map(h => h.id)).toEqual(expected.filter(id => Number(id.slice(1)) >= 1_000))
    expect((await index.search(['ops'], 'update', { limit: 1_000 })).length).toBe(1_000)
    expect(await index.search(['ops'], 'update nowhere', { limit: 10 })).toEqual([])
  })

  it('forgets a team', async () => {
    await index.add([{ team: 'dev', orderKey: key('dev', 1), id: 'a', text: 'secret plan', time: t0 }])
    await index.dropTeam('dev')
    expect(await index.search(['dev'], 'secret', { limit: 10 })).toEqual([])
  })

  it('forgets everything', async () => {
    await index.add([{ team: 'dev', orderKey: key('dev', 1), id: 'a', text: 'secret plan', time: t0 }, { team: 'ops', orderKey: key('ops', 1), id: 'b', text: 'secret too', time: t0 }])
    await index.clear()
    expect(await index.search(['dev', 'ops'], 'secret', { limit: 10 })).toEqual([])
  })
})
