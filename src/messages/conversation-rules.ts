/**
 * The rules of conversations, applied the same way on every node whatever order entries arrive in:
 * a message's acts (edits, deletes, reactions) are a set, and what is shown is a function of that
 * set and of the message, so the order they came in never matters. Acts that name a message this
 * node does not hold yet wait (they are kept, and count once it comes).
 *
 * - only the author edits; the latest edit (by Lamport clock, then id) is the text shown;
 * - the author or an admin deletes; the first delete (same order) is the one shown;
 * - a reaction is one per person per emoji: the latest add or remove of each (person, emoji) holds;
 * - an act counts only in the team of its message (a member of another team cannot touch it).
 * Membership is checked before any of this: an entry by someone not a member at its epoch never
 * reaches the log.
 */

/** One act on a message, as the conversation index keeps it. */
export interface Act {
  /** the act's own entry id */
  id: string
  kind: 'edit' | 'delete' | 'reaction'
  /** who signed it */
  by: string
  team: string
  lamport: number
  /** its author's wall time */
  time: number
  emoji?: string
  remove?: boolean
}

/** A message the acts may name. */
export interface ActTarget {
  id: string
  team: string
  author: string
}

/** Display order of acts: Lamport clock, then id (the same on every node). */
export function actOrder (a: Pick<Act, 'lamport' | 'id'>, b: Pick<Act, 'lamport' | 'id'>): number {
  return a.lamport - b.lamport || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The edit whose text is shown (the latest valid one), or undefined if none. */
export function currentEdit (target: ActTarget, acts: readonly Act[]): Act | undefined {
  let latest: Act | undefined
  for (const a of acts) {
    if (a.kind !== 'edit' || a.by !== target.author || a.team !== target.team) continue
    if (latest === undefined || actOrder(a, latest) > 0) latest = a
  }
  return latest
}

/** Every valid edit of a message, oldest first (for exports). */
export function editsOf (target: ActTarget, acts: readonly Act[]): Act[] {
  return acts.filter(a => a.kind === 'edit' && a.by === target.author && a.team === target.team).sort(actOrder)
}

/** The delete that removed a message (the first valid one), or undefined. */
export function deletionOf (target: ActTarget, acts: readonly Act[], isAdmin: (peerId: string) => boolean): Act | undefined {
  let first: Act | undefined
  for (const a of acts) {
    if (a.kind !== 'delete' || a.team !== target.team) continue
    if (a.by !== target.author && !isAdmin(a.by)) continue
    if (first === undefined || actOrder(a, first) < 0) first = a
  }
  return first
}

/** The reactions shown: emoji -> who, sorted; a person's latest act per emoji holds. */
export function reactionsOf (target: ActTarget, acts: readonly Act[]): Record<string, string[]> {
  const latest = new Map<string, Act>()
  for (const a of acts) {
    if (a.kind !== 'reaction' || a.team !== target.team || a.emoji === undefined) continue
    const key = `${a.by}\u0000${a.emoji}`
    const known = latest.get(key)
    if (known === undefined || actOrder(a, known) > 0) latest.set(key, a)
  }
  const out: Record<string, string[]> = {}
  for (const a of [...latest.values()].sort(actOrder)) {
    if (a.remove === true) continue
    ;(out[a.emoji!] ??= []).push(a.by)
  }
  for (const who of Object.values(out)) who.sort()
  return out
}

/** Whether `reactor` has a reaction `emoji` on the message now (so a toggle removes it). */
export function hasReacted (target: ActTarget, acts: readonly Act[], reactor: string, emoji: string): boolean {
  return reactionsOf(target, acts)[emoji]?.includes(reactor) === true
}
