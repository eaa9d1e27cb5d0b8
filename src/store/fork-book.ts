/**
 * The fork book: the fork evidence this log keeps, in memory (it is bounded), so that views can mark
 * a forked entry and its author without a read. A fork is two different entries signed by one
 * author for one feed slot (team, author, seq); the log keeps the first it stored in the feed and
 * the first other one as evidence, never a third, and at most MAX_FORK_SLOTS_PER_AUTHOR slots of
 * evidence per author across all teams: past that, the author is known to fork, which is enough.
 */
import { decodeStoredEntry } from '../model/index.js'
import type { VerifiedEntry } from '../model/index.js'
import type { Tables } from './layout.js'

/** Fork slots whose evidence is kept per author (over all teams); further forks by the author are not stored. */
export const MAX_FORK_SLOTS_PER_AUTHOR = 8

/** What the views read of the fork book. */
export interface ForkView {
  /** the other version kept for the slot of `v` (undefined: none, or `v` is that other version) */
  otherOf: (v: VerifiedEntry) => VerifiedEntry | undefined
  /** whether `author` signed two versions of some entry in `team` */
  forked: (team: string, author: string) => boolean
}

/** The feed slot of an entry, as the evidence keys name it. */
export const slotOf = (team: string, author: string, seq: number): string => `${team}:${author}:${seq}`

export class ForkBook implements ForkView {
  /** per slot, the evidence kept */
  private readonly slots = new Map<string, VerifiedEntry>()
  /** per author, the slots of evidence kept */
  private readonly perAuthor = new Map<string, number>()
  /** `team:author` of every author with evidence in a team */
  private readonly teams = new Set<string>()
  /** the ids of the evidence kept */
  private readonly ids = new Set<string>()

  /** Read the evidence table; an older store may hold more than the bounds, of which the first are taken. */
  async load (t: Tables): Promise<void> {
    this.clear()
    for await (const bytes of t.forks.values()) {
      const v = decodeStoredEntry(bytes)
      if (this.mayKeep(v)) this.add(v)
    }
  }

  clear (): void {
    this.slots.clear()
    this.ids.clear()
    this.perAuthor.clear()
    this.teams.clear()
  }

  /** Whether evidence `v` would be kept (with `pending` more of its author's about to be): its slot has none yet and its author is under the bound. */
  mayKeep (v: VerifiedEntry, pending = 0): boolean {
    return !this.slots.has(slotOf(v.entry.team, v.author, v.entry.seq)) && (this.perAuthor.get(v.author) ?? 0) + pending < MAX_FORK_SLOTS_PER_AUTHOR
  }

  /** Whether `idHex` is kept as evidence. */
  holds (idHex: string): boolean {
    return this.ids.has(idHex)
  }

  /** The evidence kept for a slot. */
  at (team: string, author: string, seq: number): VerifiedEntry | undefined {
    return this.slots.get(slotOf(team, author, seq))
  }

  /** Take in evidence that was written to the store. */
  add (v: VerifiedEntry): void {
    const slot = slotOf(v.entry.team, v.author, v.entry.seq)
    if (this.slots.has(slot)) return
    this.slots.set(slot, v)
    this.ids.add(v.idHex)
    this.perAuthor.set(v.author, (this.perAuthor.get(v.author) ?? 0) + 1)
    this.teams.add(`${v.entry.team}:${v.author}`)
  }

  /** Forget evidence deleted from the store (its slot expired). */
  remove (v: VerifiedEntry): void {
    const slot = slotOf(v.entry.team, v.author, v.entry.seq)
    if (this.slots.get(slot)?.idHex !== v.idHex) return
    this.slots.delete(slot)
    this.ids.delete(v.idHex)
    this.perAuthor.set(v.author, (this.perAuthor.get(v.author) ?? 1) - 1)
    // the author stays marked in the team: it did fork, even if that message is gone now
  }

  otherOf (v: VerifiedEntry): VerifiedEntry | undefined {
    const other = this.at(v.entry.team, v.author, v.entry.seq)
    return other === undefined || other.idHex === v.idHex ? undefined : other
  }

  forked (team: string, author: string): boolean {
    return this.teams.has(`${team}:${author}`)
  }

  /** The evidence kept for a team, by author then sequence number. */
  ofTeam (team: string): VerifiedEntry[] {
    return [...this.slots.values()].filter(v => v.entry.team === team)
      .sort((a, b) => a.author < b.author ? -1 : a.author > b.author ? 1 : a.entry.seq - b.entry.seq)
  }
}
