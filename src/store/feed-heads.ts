/**
 * Feed heads: per team and author, the highest sequence number up to which the log holds every
 * entry (what history sync tells peers it has), worked out from the store once, then kept current
 * by appends; and the floors below which a feed expired.
 */
import { feedKey } from './layout.js'
import type { VerifiedEntry } from '../model/index.js'
import type { Tables } from './layout.js'
import type { FeedHead } from './meta-store.js'

/** Feed keys read at a time when a team's heads are first worked out. */
const KEY_CHUNK = 10_000

/** Per author, the last entry of a team's feed that expired here (or below which a peer had none). */
export async function readFloors (t: Tables, team: string): Promise<Record<string, FeedHead>> {
  return (await t.meta.get(`floor:${team}`) as Record<string, FeedHead> | undefined) ?? {}
}

/** The feed heads of the teams asked about so far. */
export class FeedHeads {
  /** team -> author -> contiguous feed head; filled on first use, then kept current by appends */
  private readonly heads = new Map<string, Map<string, FeedHead>>()
  /** team -> author -> highest sequence number stored, kept beside `heads`: past the head only if a gap */
  private readonly feedEnds = new Map<string, Map<string, number>>()

  /** The heads of `team`, read from the store if not known yet. */
  async of (t: Tables, team: string): Promise<Map<string, FeedHead>> {
    let heads = this.heads.get(team)
    if (heads === undefined) {
      // a feed whose oldest entries expired (retention) starts above its floor
      heads = new Map(Object.entries(await readFloors(t, team)))
      const ends = new Map<string, number>()
      // the team's feed keys only, many at a time (a node that serves history after a restart reads
      // them all once, perhaps millions): per author the sequence up to which nothing is missing
      const f = t.feed.prefix
      const start = `${f}${team}:`
      const contiguous = new Map<string, number>()
      for (const [author, floor] of heads) contiguous.set(author, floor.seq)
      const keys = t.db.keys({ gt: start, lt: `${f}${team};`, highWaterMarkBytes: KEY_CHUNK * 128 })
      try {
        for (let chunk = await keys.nextv(KEY_CHUNK); chunk.length > 0; chunk = await keys.nextv(KEY_CHUNK)) {
          for (const key of chunk) {
            const colon = key.indexOf(':', start.length)
            const author = key.slice(start.length, colon)
            const seq = parseInt(key.slice(colon + 1), 16)
            if ((contiguous.get(author) ?? 0) + 1 === seq) contiguous.set(author, seq)
            ends.set(author, seq)
          }
        }
      } finally {
        await keys.close()
      }
      // then the ids of the heads that moved above their floors
      const moved = [...contiguous].filter(([author, seq]) => seq > (heads!.get(author)?.seq ?? 0))
      const ids = await t.db.getMany(moved.map(([author, seq]) => `${f}${feedKey(team, author, seq)}`))
      for (const [i, [author, seq]] of moved.entries()) {
        const id = ids[i]
        if (id !== undefined) heads.set(author, { seq, idHex: id })
      }
      this.heads.set(team, heads)
      this.feedEnds.set(team, ends)
    }
    return heads
  }

  /** Move the heads of teams already known over entries just stored. */
  async advance (t: Tables, added: VerifiedEntry[]): Promise<void> {
    const bySlot = new Map<string, Map<number, string>>()
    for (const v of added) {
      if (!this.heads.has(v.entry.team)) continue
      const k = `${v.entry.team}:${v.author}`
      const seqs = bySlot.get(k) ?? new Map<number, string>()
      seqs.set(v.entry.seq, v.idHex)
      bySlot.set(k, seqs)
    }
    for (const [k, seqs] of bySlot) {
      const [team, author] = k.split(':') as [string, string]
      const heads = this.heads.get(team)!
      const ends = this.feedEnds.get(team)!
      let end = ends.get(author) ?? 0
      for (const seq of seqs.keys()) end = Math.max(end, seq)
      ends.set(author, end)
      let head = heads.get(author) ?? { seq: 0, idHex: '' }
      for (let next = seqs.get(head.seq + 1); next !== undefined; next = seqs.get(head.seq + 1)) {
        head = { seq: head.seq + 1, idHex: next }
      }
      // entries that arrived earlier out of order may now join the run (none past the end)
      while (head.seq < end) {
        const next: string | undefined = await t.feed.get(feedKey(team, author, head.seq + 1))
        if (next === undefined) break
        head = { seq: head.seq + 1, idHex: next }
      }
      if (head.seq > 0) heads.set(author, head)
    }
  }

  /** Whether the heads of `team` are known in memory (then `of` reads nothing). */
  known (team: string): boolean {
    return this.heads.has(team)
  }

  /**
   * The highest sequence number of an author's feed in `team` stored here (0 if none), when this
   * team's heads are known in memory; undefined when they are not (nothing is read for it).
   */
  endOf (team: string, author: string): number | undefined {
    const ends = this.feedEnds.get(team)
    return ends === undefined ? undefined : (ends.get(author) ?? 0)
  }

  /** Forget a team's heads (its feeds changed under them): they are read again when next asked. */
  forget (team: string): void {
    this.heads.delete(team)
    this.feedEnds.delete(team)
  }

  /** Forget every team's heads. */
  clear (): void {
    this.heads.clear()
    this.feedEnds.clear()
  }
}
