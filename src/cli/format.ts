/**
 * How the CLI prints things for people. JSON output is the API's own objects, unformatted.
 */
import { formatDateTime, oneLine, sanitize } from '../shell.js'
import type { ControlEvents, MessageView, PeerView } from '../index.js'

/** How many hex digits of a message id the plain output shows (any unique prefix of 4+ is accepted back). */
export const SHOWN_ID_DIGITS = 8
/** How much of the message replied to a reply line shows. */
export const QUOTE_SHOWN = 40

/** A moment, in the one format of the chat and the CLI (the user's locale). */
export function formatTime (ms: number): string {
  return formatDateTime(ms)
}

/** A short form of a peer id for display. */
export function shortId (peerId: string): string {
  return peerId.length > 10 ? `…${peerId.slice(-8)}` : peerId
}

/** The start of a message id that the plain output shows, and that edit, react, … take back. */
export function shortMessageId (id: string): string {
  return id.slice(0, SHOWN_ID_DIGITS)
}

/**
 * A reaction's emoji made safe to show. Another person chose it: it is sanitised like any text, but
 * the zero-width joiner that glues a composed emoji (👩‍💻) together is kept, as it changes no direction
 * and hides nothing on its own.
 */
export function emojiLabel (emoji: string): string {
  return emoji.split('\u200d').map(part => oneLine(part)).join('\u200d')
}

/** The reactions of a message as "👍 2  🎉 1", in the order the node gives them; '' when none. */
export function formatReactions (reactions: MessageView['reactions']): string {
  if (reactions === undefined) return ''
  return Object.entries(reactions).filter(([, who]) => who.length > 0).map(([emoji, who]) => `${emojiLabel(emoji)} ${who.length}`).join('  ')
}

/** A display name from the view, else from the directory, else the short peer id. */
function nameOf (name: string | undefined, peerId: string, names: ReadonlyMap<string, string>): string {
  const shown = oneLine(name ?? '') || oneLine(names.get(peerId) ?? '')
  return shown !== '' ? shown : shortId(peerId)
}

/** "↳ reply to Bob: lunch at noon?…", or what is known when the message replied to is not held or is gone. */
export function formatReplyLine (m: MessageView): string | undefined {
  if (m.replyTo === undefined) return undefined
  const q = m.quote
  if (q === undefined) return `↳ reply to ${shortMessageId(m.replyTo)} (not held here)`
  const who = oneLine(q.authorName) || shortId(q.author)
  if (q.deleted === true) return `↳ reply to ${who}: (message deleted)`
  const text = oneLine(q.text)
  const chars = [...text]
  const start = chars.length > QUOTE_SHOWN ? `${chars.slice(0, QUOTE_SHOWN).join('').trimEnd()}…` : text
  return `↳ reply to ${who}: ${start}`
}

/** How `formatMessage` prints. */
export interface FormatOptions {
  /** show the line naming the message replied to (a thread leaves it out for replies to its root) */
  replyLine?: boolean
  /** show how many replies it has (a thread leaves it out for its root, the replies follow) */
  replyCount?: boolean
}

/**
 * One message as a line (or lines, for multi-line text, a reply, reactions or replies), with terminal
 * escapes neutralised. It starts with the first digits of its id (what edit, delete, react and thread
 * take). A direct message is shown as `@Name` of the other person (from `names`, peer id to name).
 */
export function formatMessage (m: MessageView, names: ReadonlyMap<string, string> = new Map(), options: FormatOptions = {}): string {
  // another person's text: no controls, bidi overrides and invisible characters shown (as in the chat)
  const who = `${oneLine(m.authorName) || '?'} (${shortId(m.author)})`
  let shown: string
  if (m.deleted !== undefined) {
    shown = `message deleted (by ${nameOf(m.deleted.byName, m.deleted.by, names)})`
  } else if (m.forked !== undefined) {
    // a fork: both versions its author signed, in the order every node shows them
    shown = sanitize([`⚠ two versions signed by ${oneLine(m.authorName) || '?'}:`, ...m.forked.versions.map((v, i) => `${i + 1}) ${v.readable ? v.text : '[cannot decrypt]'}`)].join('\n'))
  } else {
    shown = sanitize(m.text) + (m.edited !== undefined ? ' (edited)' : '')
  }
  const text = shown.split('\n').join('\n    ')
  const where = m.direct !== undefined ? `@${oneLine(names.get(m.direct) ?? shortId(m.direct))}` : `#${m.team}`
  const lines = [`${shortMessageId(m.id)}  ${formatTime(m.time)}  ${where}  ${who}: ${text}`]
  const reply = options.replyLine === false ? undefined : formatReplyLine(m)
  if (reply !== undefined) lines.push(`    ${reply}`)
  const reactions = m.deleted === undefined ? formatReactions(m.reactions) : ''
  if (reactions !== '') lines.push(`    ${reactions}`)
  if (options.replyCount !== false && m.replies !== undefined && m.replies.count > 0) {
    lines.push(`    ${m.replies.count} ${m.replies.count === 1 ? 'reply' : 'replies'}, latest ${formatTime(m.replies.last)} (parley thread ${shortMessageId(m.id)})`)
  }
  return lines.join('\n')
}

/** The events `tail` follows: messages as they come, and what changes them afterwards. */
export const TAIL_EVENTS = ['message:added', 'message:edited', 'message:deleted', 'reaction:changed'] as const
export type TailEvent = typeof TAIL_EVENTS[number]

/**
 * One event of `tail` for people. A new, edited or deleted message is printed as it is shown now
 * (so an edit reads "… (edited)", a delete "message deleted (by NAME)"); a reaction as who reacted
 * with what, and the reactions it has now.
 */
export function formatTailEvent<E extends TailEvent> (event: E, data: ControlEvents[E], names: ReadonlyMap<string, string> = new Map(), now = Date.now()): string {
  if (event !== 'reaction:changed') return formatMessage(data, names)
  const r = data as ControlEvents['reaction:changed']
  const where = r.direct !== undefined ? `@${oneLine(names.get(r.direct) ?? shortId(r.direct))}` : `#${r.team}`
  const reactor = `${nameOf(names.get(r.reactor), r.reactor, names)} (${shortId(r.reactor)})`
  const what = r.removed ? `took back ${emojiLabel(r.emoji)} on` : `reacted ${emojiLabel(r.emoji)} to`
  const target = r.deleted !== undefined ? 'a deleted message' : `${oneLine(r.authorName) || '?'}'s message`
  const all = formatReactions(r.reactions)
  return `${shortMessageId(r.id)}  ${formatTime(now)}  ${where}  ${reactor} ${what} ${target}${all !== '' ? `  (now ${all})` : '  (none now)'}`
}

/** One event of `tail --json`: the message as shown now with `event` naming what happened (a reaction adds reactor, emoji, removed). */
export function tailEventJson<E extends TailEvent> (event: E, data: ControlEvents[E]): string {
  // every tail event's payload is a MessageView (a reaction's with reactor, emoji and removed)
  return JSON.stringify({ event, ...(data as MessageView) })
}

/** A peer as its id and addresses. */
export function formatPeer (p: PeerView): string {
  return `${p.peerId}  ${p.addresses.join(' ')}`
}
