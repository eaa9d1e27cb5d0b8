/**
 * How the CLI prints things for people. JSON output is the API's own objects, unformatted.
 */
import { formatDateTime, oneLine, sanitize } from '../index.js'
import type { MessageView, PeerView } from '../index.js'

/** A moment, in the one format of the chat and the CLI (the user's locale). */
export function formatTime (ms: number): string {
  return formatDateTime(ms)
}

/** A short form of a peer id for display. */
export function shortId (peerId: string): string {
  return peerId.length > 10 ? `…${peerId.slice(-8)}` : peerId
}

/**
 * One message as a line (or lines, for multi-line text), with terminal escapes neutralised. A direct
 * message is shown as `@Name` of the other person (from `names`, peer id to display name).
 */
export function formatMessage (m: MessageView, names: ReadonlyMap<string, string> = new Map()): string {
  // another person's text: no controls, bidi overrides and invisible characters shown (as in the chat)
  const who = `${oneLine(m.authorName) || '?'} (${shortId(m.author)})`
  // a fork: both versions its author signed, in the order every node shows them
  const shown = m.forked === undefined ? m.text : [`⚠ two versions signed by ${oneLine(m.authorName) || '?'}:`, ...m.forked.versions.map((v, i) => `${i + 1}) ${v.readable ? v.text : '[cannot decrypt]'}`)].join('\n')
  const text = sanitize(shown).split('\n').join('\n    ')
  const where = m.direct !== undefined ? `@${oneLine(names.get(m.direct) ?? shortId(m.direct))}` : `#${m.team}`
  return `${formatTime(m.time)}  ${where}  ${who}: ${text}`
}

/** A peer as its id and addresses. */
export function formatPeer (p: PeerView): string {
  return `${p.peerId}  ${p.addresses.join(' ')}`
}
