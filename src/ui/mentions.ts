/**
 * Mentions: `@` followed by a person's whole display name, or by any unique start of one of its
 * words (`@bob`, `@marsh`, `@bo` for Bob Marsh), as people type them; and the two group mentions,
 * `@here` (whoever is available now) and `@team` (every member of the conversation). Pure.
 */

/** Who can be mentioned: a display name and the peer id that tells two people of one name apart. */
export interface Mentionable {
  peerId: string
  name: string
}

/** One `@word` in a text, and whom it names. */
export interface MentionSpan {
  /** code unit offsets of the whole mention, `@` included */
  start: number
  end: number
  token: string
  /** the person meant, when exactly one fits */
  peerId?: string
  /** everyone it could mean, when several fit */
  candidates: Mentionable[]
}

const WORD = /[\p{L}\p{N}_'.-]/u

/** The group mentions: `@here` reaches whoever is available, `@team` every member. */
export const GROUP_MENTIONS = ['here', 'team'] as const
export type GroupMention = typeof GROUP_MENTIONS[number]

/** Where `@here` or `@team` stands at `i` (the `@`): its end, else -1. A group word is never a person's name. */
function groupAt (text: string, i: number): { group: GroupMention, end: number } | undefined {
  if (i > 0 && WORD.test(text[i - 1]!)) return undefined
  const m = /^@(here|team)(?![\p{L}\p{N}_'-])/iu.exec(text.slice(i))
  return m === null ? undefined : { group: m[1]!.toLowerCase() as GroupMention, end: i + m[0].length }
}

/** The group mentions in `text`, each with where it stands (`start` at its `@`). */
export function findGroupMentions (text: string): Array<{ group: GroupMention, start: number, end: number }> {
  const out: Array<{ group: GroupMention, start: number, end: number }> = []
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    const g = groupAt(text, i)
    if (g !== undefined) out.push({ group: g.group, start: i, end: g.end })
  }
  return out
}

/** Whether `name` fits `token` as a whole name or by the start of one of its words (any case). */
function fits (name: string, token: string): boolean {
  const t = token.toLowerCase()
  const n = name.toLowerCase()
  return n.startsWith(t) || n.split(/[\s-]+/).some(w => w.startsWith(t))
}

/** Every `@mention` in `text`, resolved against `people`. */
export function findMentions (text: string, people: Mentionable[]): MentionSpan[] {
  const spans: MentionSpan[] = []
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    // an @ inside a word is an e-mail address, not a mention
    if (i > 0 && WORD.test(text[i - 1]!)) continue
    // @here and @team are groups, even for a "Teamo" or someone called Here
    if (groupAt(text, i) !== undefined) continue
    const after = text.slice(i + 1)
    const lower = after.toLowerCase()
    // a whole display name, spaces and all, wins (the longest, for "Ann" and "Ann Lee")
    const whole = people
      .filter(p => p.name !== '' && lower.startsWith(p.name.toLowerCase()) && !WORD.test(after[p.name.length] ?? ' '))
      .sort((a, b) => b.name.length - a.name.length)
    if (whole.length > 0) {
      const longest = whole.filter(p => p.name.length === whole[0]!.name.length)
      const token = after.slice(0, longest[0]!.name.length)
      spans.push(longest.length === 1
        ? { start: i, end: i + 1 + token.length, token, peerId: longest[0]!.peerId, candidates: longest }
        : { start: i, end: i + 1 + token.length, token, candidates: longest })
      continue
    }
    const m = /^[\p{L}\p{N}_'-]+/u.exec(after)
    if (m === null) continue
    const token = m[0].replace(/['-]+$/, '')
    if (token === '') continue
    const candidates = people.filter(p => fits(p.name, token))
    if (candidates.length === 0) continue
    // a word of exactly that name beats longer ones: "@bob" is Bob Marsh rather than Bobby Tan
    const exactWord = candidates.filter(p => p.name.toLowerCase().split(/[\s-]+/).includes(token.toLowerCase()))
    const chosen = candidates.length === 1 ? candidates : exactWord.length === 1 ? exactWord : []
    spans.push(chosen.length === 1
      ? { start: i, end: i + 1 + token.length, token, peerId: chosen[0]!.peerId, candidates }
      : { start: i, end: i + 1 + token.length, token, candidates })
  }
  return spans
}

/** Whether `text` mentions the person with this peer id. */
export function mentionsPeer (text: string, people: Mentionable[], peerId: string): boolean {
  return findMentions(text, people).some(s => s.peerId === peerId)
}

/** A person's name with the end of their peer id, to tell apart people whose names look alike. */
export function distinctName (p: Mentionable): string {
  return `${p.name} (…${p.peerId.slice(-6)})`
}
