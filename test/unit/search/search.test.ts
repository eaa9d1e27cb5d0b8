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

  it('finds messages with every word, newest first, across teams', async () => {
    await index.add([
      { team: 'dev', orderKey: key('dev', 1), id: 'a', text: 'Release notes for the café' },
      { team: 'dev', orderKey: key('dev', 2), id: 'b', text: 'the release is delayed' },
      { team: 'ops', orderKey: key('ops', 3, 'bob'), id: 'c', text: 'Releases happen on Friday' },
      { team: 'hr', orderKey: key('hr', 4), id: 'd', text: 'release party' }
    ])
    expect((await index.search(['dev', 'ops'], 'RELEASE', { limit: 10 })).map(h => h.id)).toEqual(['b', 'a', 'c'])
    expect((await index.search(['dev', 'ops'], 'release cafe', { limit: 10 })).map(h => h.id)).toEqual(['a'])
    expect((await index.search(['dev'], 'nothing here', { limit: 10 }))).toEqual([])
    expect((await index.search(['dev', 'ops'], 'release', { limit: 10, accept: h => h.author === 'bob' })).map(h => h.id)).toEqual(['c'])
    expect((await index.search(['dev'], 'release', { limit: 1 })).map(h => h.id)).toEqual(['b'])
  })

  it('forgets a team', async () => {
    await index.add([{ team: 'dev', orderKey: key('dev', 1), id: 'a', text: 'secret plan' }])
    await index.dropTeam('dev')
    expect(await index.search(['dev'], 'secret', { limit: 10 })).toEqual([])
  })
})
