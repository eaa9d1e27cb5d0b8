/**
 * What each pane shows, as text with blessed colour tags. Pure functions of the state: no I/O,
 * no terminal, so they are tested as strings.
 */
import { formatBytes } from '../files/file-service.js'
import { printable } from '../ids.js'
import { currentConversation } from './state.js'
import type { ChatMessage, Line, UiState } from './state.js'

/** Neutralise blessed's tag syntax and terminal control characters in text from other people. */
export function safe (text: string): string {
  return printable(text).replace(/[{}]/g, c => (c === '{' ? '{open}' : '{close}'))
}

const two = (n: number): string => n.toString().padStart(2, '0')
const clock = (ms: number): string => { const d = new Date(ms); return `${two(d.getHours())}:${two(d.getMinutes())}` }
const day = (ms: number): string => new Date(ms).toDateString()

const GLYPH: Record<string, string> = {
  available: '{green-fg}●{/green-fg}',
  away: '{yellow-fg}◐{/yellow-fg}',
  busy: '{red-fg}◉{/red-fg}',
  dnd: '{red-fg}⊘{/red-fg}',
  offline: '{gray-fg}○{/gray-fg}'
}

const STATE_MARK: Record<ChatMessage['state'], string> = {
  sending: '{gray-fg}…{/gray-fg}',
  sent: '{gray-fg}✓{/gray-fg}',
  synced: '{green-fg}✓✓{/green-fg}',
  failed: '{red-fg}✗ not sent{/red-fg}'
}

/** Split text into lines of at most `width` columns (by code point), breaking at spaces where it can. */
export function wrap (text: string, width: number): string[] {
  const w = Math.max(1, width)
  const out: string[] = []
  for (const para of text.split('\n')) {
    let chars = [...para]
    if (chars.length === 0) out.push('')
    while (chars.length > 0) {
      if (chars.length <= w) {
        out.push(chars.join(''))
        break
      }
      const space = chars.lastIndexOf(' ', w)
      const cut = space > w / 3 ? space : w
      out.push(chars.slice(0, cut).join(''))
      chars = chars.slice(cut === space ? cut + 1 : cut)
    }
  }
  return out
}

function messageLines (l: Line, me: string, width: number): string[] {
  if (l.kind === 'system') {
    const colour = l.level === 'error' ? 'red' : l.level === 'digest' ? 'yellow' : 'cyan'
    return wrap(`-- ${l.text}`, width).map(t => `{${colour}-fg}${safe(t)}{/${colour}-fg}`)
  }
  const m = l.m
  const name = m.authorName !== '' ? m.authorName : m.author.slice(-8)
  const head = `${clock(m.time)} ${name}: `
  let body = m.readable ? m.text : `[cannot decrypt: no key for epoch ${m.epoch} on this node]`
  if (m.file !== undefined) body = `[file] ${m.file.name} (${formatBytes(m.file.size)}) · /get ${m.file.id.slice(0, 8)}${m.text !== '' ? ` · ${m.text}` : ''}`
  if (m.flag !== undefined) body = `[quarantined] file ${m.flag.file.slice(0, 8)}: ${m.flag.reason}`
  const lines = wrap(head + body, width)
  const mentioned = me !== '' && new RegExp(`@${me.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'i').test(m.text)
  return lines.map((t, i) => {
    let shown = safe(t)
    if (i === 0) shown = `{gray-fg}${clock(m.time)}{/gray-fg} {bold}${safe(name)}{/bold}: ${safe(t.slice(head.length))}`
    if (mentioned) shown = `{yellow-fg}${shown}{/yellow-fg}`
    if (m.urgent && i === 0) shown = `{red-fg}!{/red-fg} ${shown}`
    if (m.flag !== undefined) shown = `{red-fg}${shown}{/red-fg}`
    if (i === lines.length - 1 && m.local) shown += ` ${STATE_MARK[m.state]}`
    return shown
  })
}

/** The visible lines of the current conversation, `height` tall, honouring the scroll offset. */
export function conversationView (s: UiState, width: number, height: number): { lines: string[], atTop: boolean, total: number } {
  const c = currentConversation(s)
  if (c === undefined) return { lines: [], atTop: true, total: 0 }
  const all: string[] = []
  let lastDay = ''
  for (const l of c.lines) {
    const t = l.kind === 'message' ? l.m.time : l.time
    if (day(t) !== lastDay) {
      lastDay = day(t)
      all.push(`{gray-fg}${'─'.repeat(3)} ${lastDay} ${'─'.repeat(Math.max(0, width - lastDay.length - 5))}{/gray-fg}`)
    }
    all.push(...messageLines(l, s.me.name, width))
  }
  if (c.loaded && c.before === undefined) all.unshift(`{gray-fg}(start of ${safe(c.label)}){/gray-fg}`)
  // never scroll past the first page
  const end = Math.max(Math.min(height, all.length), all.length - s.scroll)
  const start = Math.max(0, end - height)
  return { lines: all.slice(start, end), atTop: start === 0, total: all.length }
}

/** The list of conversations, with unread counts and mention markers. */
export function conversationList (s: UiState): string[] {
  return s.conversations.map((c, i) => {
    const n = i < 9 ? `${i + 1}` : ' '
    const badge = (c.unread > 0 ? ` {bold}${c.unread}{/bold}` : '') + (c.mentions > 0 ? ' {yellow-fg}@{/yellow-fg}' : '')
    const name = safe(c.label)
    return i === s.current ? `{inverse}${n} ${name}${badge}{/inverse}` : `${n} ${name}${badge}`
  })
}

/** Members of the current team, with presence. */
export function memberList (s: UiState): string[] {
  const c = currentConversation(s)
  return s.members
    .filter(m => c === undefined || (c.direct !== undefined ? m.peerId === c.direct || m.peerId === s.me.peerId : m.teams.includes(c.team)))
    .map((m) => {
      const p = s.presence[m.peerId]
      const status = m.peerId === s.me.peerId ? s.myStatus.status : p?.status ?? 'offline'
      const text = m.peerId === s.me.peerId ? s.myStatus.text : p?.text ?? ''
      return `${GLYPH[status] ?? GLYPH.offline} ${safe(m.name)}${m.admin ? ' {gray-fg}★{/gray-fg}' : ''}${text !== '' ? ` {gray-fg}${safe(text)}{/gray-fg}` : ''}`
    })
}

/** The status line: connection, where you are, your own presence, and the last error or notice. */
export function statusLine (s: UiState): string {
  const c = currentConversation(s)
  const parts = [
    `${s.status.peers} peer${s.status.peers === 1 ? '' : 's'}`,
    s.status.synced !== undefined ? `synced ${clock(s.status.synced)}` : s.status.peers > 0 ? 'syncing' : '',
    s.org !== undefined ? safe(s.org.name) : 'no organisation',
    c !== undefined ? safe(c.label) : '',
    `you: ${s.myStatus.status}${s.myStatus.text !== '' ? ` (${safe(s.myStatus.text)})` : ''}`,
    s.scroll > 0 ? `scrolled up ${s.scroll}` : '',
    s.held.length > 0 ? `${s.held.length} held` : '',
    ...Object.values(s.transfers).map(p => `${safe(p.name).slice(0, 24)} ${progressBar(p.bytes / Math.max(1, p.size))} ${formatBytes(p.rate)}/s`)
  ].filter(p => p !== '')
  const tail = s.status.error !== undefined ? ` {red-fg}${safe(s.status.error)}{/red-fg}` : s.status.notice !== undefined ? ` {cyan-fg}${safe(s.status.notice)}{/cyan-fg}` : ''
  return parts.join(' · ') + tail
}

/** [#####.....] 50% */
export function progressBar (fraction: number, width = 10): string {
  const f = Math.max(0, Math.min(1, fraction))
  const full = Math.round(f * width)
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${Math.floor(f * 100)}%`
}

/** The first-run screen. */
export function setupView (s: UiState, width: number): string[] {
  const lines = [
    `{bold}Welcome to parley, ${safe(s.me.name)}.{/bold}`,
    '',
    'This workstation is not in an organisation yet. Either:',
    '  · type a name for a new organisation and press Enter: you become its admin, with a team #general;',
    '  · or paste the invite token an admin gave you (it starts with parley1:) and press Enter.',
    '',
    `Your id: ${s.me.peerId}`,
    '',
    ...s.setupLines.map(l => `{cyan-fg}${safe(l)}{/cyan-fg}`)
  ]
  // wrap on the plain text, so tags never count towards the width
  return lines.flatMap((l) => {
    const plain = l.replace(/\{\/?[a-z-]+\}/g, '')
    if ([...plain].length <= width) return [l]
    return wrap(plain, width)
  })
}
