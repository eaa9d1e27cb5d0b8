/**
 * Per team, the highest Lamport clock the log holds: read from the store when first asked, then
 * kept current by appends.
 */
import { pad } from './layout.js'
import type { VerifiedEntry } from '../model/index.js'
import type { Tables } from './layout.js'

/** The highest clocks of the teams asked about so far. */
export class LamportClocks {
  /** per team, the highest Lamport clock stored, once read from the store, kept current by appends */
  private readonly highest = new Map<string, number>()
  /** per team, how many entries were stored since the log was opened: a read of the highest clock that raced one is redone */
  private readonly writes = new Map<string, number>()

  /** Take note of entries just stored. */
  added (entries: VerifiedEntry[]): void {
    for (const v of entries) {
      const team = v.entry.team
      this.writes.set(team, (this.writes.get(team) ?? 0) + 1)
      // a team whose highest clock was not read from the store yet is read when first asked
      const highest = this.highest.get(team)
      if (highest !== undefined && v.entry.lamport > highest) this.highest.set(team, v.entry.lamport)
    }
  }

  /**
   * The highest clock stored for `team` at or below `ceiling` (0 if none). The highest of all is read
   * once and kept (every send and every entry received asks, each with a ceiling of its own): only
   * while the team holds an entry above the ceiling (taken in before such were refused) is the store
   * read under that ceiling.
   */
  async of (t: Tables, team: string, ceiling: number): Promise<number> {
    let known = this.highest.get(team)
    if (known === undefined) {
      known = await this.read(t, team, Number.MAX_SAFE_INTEGER)
      this.highest.set(team, known)
    }
    if (known <= ceiling) return known
    return this.read(t, team, ceiling)
  }

  /** The highest clock in the store at or below `ceiling`; read again if an entry of the team was stored meanwhile. */
  private async read (t: Tables, team: string, ceiling: number): Promise<number> {
    for (;;) {
      const writes = this.writes.get(team) ?? 0
      let highest = 0
      const below = ceiling >= Number.MAX_SAFE_INTEGER ? `${team};` : `${team}:${pad(ceiling + 1)}`
      for await (const key of t.order.keys({ gt: `${team}:`, lt: below, reverse: true, limit: 1 })) {
        highest = parseInt(key.split(':')[1] ?? '0', 16)
      }
      if ((this.writes.get(team) ?? 0) === writes) return highest
    }
  }

  /** Forget what was read (the store changed under it). */
  clear (): void {
    this.highest.clear()
  }
}
