/**
 * Search queries: the messages of this node's teams and direct conversations that hold every word
 * asked for, newest first, never one past retention.
 */
import { InvalidArgumentError, NotMemberError } from '../errors.js'
import { checkTeamName } from '../ids.js'
import type { OrgView } from '../context.js'
import type { MessageView } from '../events.js'
import type { Conversations } from '../messages/conversations.js'
import type { Views } from '../messages/views.js'
import type { Retention } from '../retention/retention.js'
import type { EntryLog } from '../store/entry-log.js'
import type { SearchHit } from '../store/search-index.js'
import type { SearchIndexer } from './indexer.js'

export interface SearchOptions {
  team?: string
  /** an author's peer id or display name */
  from?: string
  /** only messages written since, ms since the epoch */
  since?: number
  /** at most this many (1 to 1000, default 50) */
  limit?: number
}

export interface SearchComponents {
  orgs: OrgView
  log: Pick<EntryLog, 'searchIndex' | 'get'>
  indexer: Pick<SearchIndexer, 'current'>
  retention: Pick<Retention, 'unexpired'>
  views: Pick<Views, 'message'>
  conversations: Pick<Conversations, 'decorate'>
  /** the teams of the direct conversations this node holds */
  directTeams: () => Promise<string[]>
}

/**
 * Search the messages of the teams this node is in (and its direct conversations), newest first.
 * Words match whole, after folding case and accents and light stemming; every word must appear.
 */
export async function searchMessages (c: SearchComponents, query: string, options: SearchOptions = {}): Promise<MessageView[]> {
  const org = c.orgs.require()
  if (typeof query !== 'string' || query.trim() === '') throw new InvalidArgumentError('search for some words')
  const limit = options.limit ?? 50
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidArgumentError('limit must be a whole number from 1 to 1000')
  const mine = [...org.myTeams(), ...await c.directTeams()]
  let teams = mine
  if (options.team !== undefined) {
    checkTeamName(options.team)
    if (!mine.includes(options.team)) throw new NotMemberError(`you are not in ${options.team}`)
    teams = [options.team]
  }
  let authors: Set<string> | undefined
  if (options.from !== undefined) {
    const q = options.from.trim().toLowerCase()
    authors = new Set([...org.state.members.values(), ...org.state.removed.values()]
      .filter(m => m.peerId.toLowerCase() === q || m.name.toLowerCase() === q).map(m => m.peerId))
    if (authors.size === 0) throw new InvalidArgumentError(`nobody called ${options.from} in the directory`)
  }
  // what was stored and is not indexed yet (a rebuild, a sync's entries) is indexed now
  await c.indexer.current()
  const hits = await c.log.searchIndex().search(teams, query, {
    limit,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(authors !== undefined ? { accept: (hit: SearchHit) => authors.has(hit.author) } : {})
  })
  const out: MessageView[] = []
  for (const hit of hits) {
    const v = await c.log.get(hit.id)
    if (v === undefined || c.retention.unexpired(v.entry.team, [v]).length === 0) continue
    // a deleted message is never found (its postings go with the delete; this covers a race)
    const view = await c.conversations.decorate(c.views.message(v), v)
    if (view.deleted === undefined) out.push(view)
  }
  // across teams, newest by the authors' clocks
  return out.sort((a, b) => b.time - a.time || b.lamport - a.lamport).slice(0, limit)
}
