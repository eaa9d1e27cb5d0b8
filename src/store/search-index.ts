/**
 * The local full-text index: a posting list per (team, term), kept in the node's LevelDB, never
 * shared with peers. Keys are `team:term:lamport:author:seq`, so each posting list reads newest first
 * in the same order as the team's history.
 */
import { terms } from '../search/tokenize.js'
import type { AbstractSublevel } from 'abstract-level'
import type { Level } from 'level'

type Sub = AbstractSublevel<Level<string, string>, string | Buffer | Uint8Array, string, string>

/** One message to index. */
export interface IndexedText {
  team: string
  /** the entry's display-order key, `team:lamport:author:seq` */
  orderKey: string
  id: string
  text: string
}

/** A hit: the entry id and its display-order key. */
export interface SearchHit {
  id: string
  orderKey: string
  author: string
}

const CHECK_BATCH = 256

export class SearchIndex {
  private readonly sub: Sub

  constructor (sub: Sub) {
    this.sub = sub
  }

  /** Index messages (idempotent). */
  async add (items: IndexedText[]): Promise<void> {
    if (items.length === 0) return
    // a message makes a dozen postings or more: the root's native chained batch, with the prefix
    // written here, takes them at half the cost of a sublevel batch, which re-encodes every operation
    // into the root's when written. Both store strings as UTF-8.
    const prefix = this.sub.prefix
    const batch = this.sub.db.batch()
    for (const item of items) {
      const rest = item.orderKey.slice(item.team.length + 1)
      for (const term of terms(item.text)) batch.put(`${prefix}${item.team}:${term}:${rest}`, item.id)
    }
    await batch.write()
  }

  /**
   * Messages of `teams` containing every term of `query`: per team, newest first and at most `limit`
   * (Lamport clocks order a team, not teams among themselves: the caller orders across teams).
   * `accept` may refuse a hit (e.g. by author) before it counts towards the limit.
   */
  async search (teams: string[], query: string, options: { limit: number, accept?: (hit: SearchHit) => boolean | Promise<boolean> }): Promise<SearchHit[]> {
    const wanted = terms(query)
    if (wanted.length === 0) return []
    // the longest term is usually the rarest: walk its postings, and look the others up
    const [first, ...others] = [...wanted].sort((a, b) => b.length - a.length) as [string, ...string[]]
    const perTeam = await Promise.all(teams.map(async team => this.searchTeam(team, first, others, options)))
    return perTeam.flat()
  }

  private async searchTeam (team: string, first: string, others: string[], options: { limit: number, accept?: (hit: SearchHit) => boolean | Promise<boolean> }): Promise<SearchHit[]> {
    const hits: SearchHit[] = []
    let candidates: Array<[string, string]> = []
    const flush = async (): Promise<void> => {
      let keep = candidates
      for (const term of others) {
        if (keep.length === 0) break
        const present = await this.sub.hasMany(keep.map(([rest]) => `${team}:${term}:${rest}`))
        keep = keep.filter((_, i) => present[i] === true)
      }
      for (const [rest, id] of keep) {
        if (hits.length >= options.limit) break
        const hit = { id, orderKey: `${team}:${rest}`, author: rest.split(':')[1] ?? '' }
        if (options.accept === undefined || await options.accept(hit)) hits.push(hit)
      }
      candidates = []
    }
    const prefix = `${team}:${first}:`
    for await (const [key, id] of this.sub.iterator({ gt: prefix, lt: `${team}:${first};`, reverse: true })) {
      candidates.push([(key).slice(prefix.length), id])
      if (candidates.length >= CHECK_BATCH) {
        await flush()
        if (hits.length >= options.limit) return hits
      }
    }
    await flush()
    return hits
  }

  /** Forget a team entirely (the user left it). */
  async dropTeam (team: string): Promise<void> {
    await this.sub.clear({ gt: `${team}:`, lt: `${team};` })
  }
}
