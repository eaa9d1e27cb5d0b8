/**
 * How the CLI prints things for people. JSON output is the API's own objects, unformatted.
 */
import { printable } from '../ids.js'
import type { MessageView, PeerView } from '../events.js'

function two (n: number): string {
  return n.toString().padStart(2, '0')
}

/** "2026-11-23 14:05" in local time. */
export function formatTime (ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** A short form of a peer id for display. */
export function shortId (peerId: string): string {
  return peerId.length > 10 ? `…${peerId.slice(-8)}` : peerId
}

/** One message as a line (or lines, for multi-line text), with terminal escapes neutralised. */
export function formatMessage (m: MessageView): string {
  const who = `${printable(m.authorName) || '?'} (${shortId(m.author)})`
  const text = printable(m.text).split('\n').join('\n    ')
  return `${formatTime(m.time)}  #${m.team}  ${who}: ${text}`
}

export function formatPeer (p: PeerView): string {
  return `${p.peerId}  ${p.addresses.join(' ')}`
}
