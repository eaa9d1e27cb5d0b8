/**
 * What each pane shows, as text with SGR attributes (bold, inverse, colours). Pure functions of the
 * state: no I/O, no terminal, so they are tested as strings. The panes do not parse blessed tags at
 * all (a peer's `{|}` or `{center}` would otherwise still align text after escaping), and everything
 * another person controls goes through `text.ts` (sanitised: no ESC of theirs survives, so no SGR of
 * theirs either; measured in columns) before it is shown.
 */
import { formatBytes, formatClock, formatDateTime, formatDay } from '../shell.js'
import { findMentions } from './mentions.js'
import { conversationLabel, currentConversation, mentionable } from './state.js'
import { displayWidth, oneLine, sanitize, truncate, wrap } from './text.js'
import type { ChatMessage, Line, UiState } from './state.js'

export { wrap } from './text.js'

const SGR = (code: string, text: string, off: string): string => `\u001b[${code}m${text}\u001b[${off}m`
const COLOUR_CODE = { red: '31', green: '32', blue: '34', magenta: '35', cyan: '36' } as const
/** Text from another person on one line (no controls, no newlines), for the panes. */
const safe = (text: string): string => oneLine(text)

/**
 * The colours used. Only those every terminal has (8 colours), readable on dark and light
 * backgrounds: no grey (black on an 8-colour terminal), no yellow or white for text. Less important
 * text is shown in the terminal's own colour, not dimmed.
 */
type Colour = 'red' | 'green' | 'blue' | 'magenta' | 'cyan'

/** `text` in a colour, unless colours are off (NO_COLOR). */
function paint (s: UiState, colour: Colour, text: string): string {
  return s.colour ? SGR(COLOUR_CODE[colour], text, '39') : text
}

const bold = (text: string): string => SGR('1', text, '22')
const inverse = (text: string): string => SGR('7', text, '27')

const GLYPH: Record<string, [string, Colour | undefined]> = {
  available: ['●', 'green'],
  away: ['◐', 'blue'],
  busy: ['◉', 'red'],
  dnd: ['⊘', 'red'],
  offline: ['○', undefined]
}

function stateMark (s: UiState, state: ChatMessage['state']): string {
  switch (state) {
    case 'sending': return '…'
    case 'sent': return '✓'
    case 'synced': return paint(s, 'green', '✓✓')
    case 'failed': return paint(s, 'red', bold('✗ not sent'))
  }
}

/** Highlight the @mentions in a (sanitised, unescaped) line: yours reversed, others' in bold. */
function highlightMentions (s: UiState, line: string): string {
  const spans = findMentions(line, mentionable(s)).filter(m => m.peerId !== undefined)
  let out = ''
  let at = 0
  for (const m of spans) {
    out += line.slice(at, m.start)
    const text = line.slice(m.start, m.end)
    out += m.peerId === s.me.peerId ? inverse(text) : bold(text)
    at = m.end
  }
  return out + line.slice(at)
}

function messageLines (s: UiState, l: Line, width: number): string[] {
  if (l.kind === 'system') {
    const colour: Colour = l.level === 'error' ? 'red' : l.level === 'digest' ? 'magenta' : 'cyan'
    // local text, but it may quote names and file names from peers: sanitised like the rest
    return wrap(`-- ${sanitize(l.text)}`, width, 3).map(t => paint(s, colour, t))
  }
  const m = l.m
  const time = formatClock(m.time)
  // a long name would leave no room for the message
  const signer = truncate(oneLine(m.authorName !== '' ? m.authorName : m.author.slice(-8)), Math.max(8, Math.floor(width / 2)))
  // an author who signed two versions of a message is marked on everything it wrote
  const name = m.forker === true ? `⚠ ${signer}` : signer
  const head = `${time} ${name}: `
  let body = m.readable ? sanitize(m.text) : `[cannot decrypt: no key for epoch ${m.epoch} on this node]`
  if (m.file !== undefined) body = `[file] ${oneLine(m.file.name)} (${formatBytes(m.file.size)}) · /get ${m.file.id.slice(0, 8)}${m.text !== '' ? ` · ${sanitize(m.text)}` : ''}`
  if (m.flag !== undefined) body = `[quarantined] file ${m.flag.file.slice(0, 8)}: ${oneLine(m.flag.reason)}`
  // a fork: both versions its author signed, in the order every node shows them
  if (m.forked !== undefined) body = [`⚠ two versions signed by ${signer}:`, ...m.forked.versions.map((x, i) => `${i + 1}) ${x.readable ? sanitize(x.text) : '[cannot decrypt]'}`)].join('\n')
  // the lines after the first are indented under the name: none can pass for another message
  const lines = wrap(head + body, width, displayWidth(time) + 1)
  return lines.map((t, i) => {
    let shown = i === 0
      ? `${time} ${bold(name)}: ${highlightMentions(s, t.slice(head.length))}`
      : highlightMentions(s, t)
    if (m.urgent && i === 0) shown = `${paint(s, 'red', bold('!'))} ${shown}`
    if (m.flag !== undefined || m.forked !== undefined) shown = paint(s, 'red', shown)
    if (i === lines.length - 1 && m.local) shown += ` ${stateMark(s, m.state)}`
    return shown
  })
}

/** The visible lines of the current conversation, `height` tall, honouring the scroll offset. */
export function conversationView (s: UiState, width: number, height: number): { lines: string[], atTop: boolean, total: number } {
  const c = currentConversation(s)
  if (c === undefined) return { lines: [], atTop: true, total: 0 }
  const all: string[] = []
  let lastDay = ''
  // the unread marker goes after the last message read, if anything came after it
  // (-1: before the first line, for a conversation left empty; undefined: no marker)
  const readAt = c.readUpTo === undefined ? undefined : c.readUpTo === '' ? -1 : c.lines.findIndex(l => l.kind === 'message' && l.m.id === c.readUpTo)
  const unreadAfter = readAt !== undefined && (readAt !== -1 || c.readUpTo === '') && c.lines.slice(readAt + 1).some(l => l.kind === 'message' && !l.m.local)
  const marker = paint(s, 'red', `─── new ${'─'.repeat(Math.max(0, width - 8))}`)
  if (readAt === -1 && unreadAfter) all.push(marker)
  c.lines.forEach((l, i) => {
    const t = l.kind === 'message' ? l.m.time : l.time
    if (formatDay(t) !== lastDay) {
      lastDay = formatDay(t)
      all.push(`─── ${lastDay} ${'─'.repeat(Math.max(0, width - displayWidth(lastDay) - 5))}`)
    }
    all.push(...messageLines(s, l, width))
    if (i === readAt && unreadAfter) all.push(marker)
  })
  if (c.loaded && c.before === undefined) all.unshift(`(start of ${safe(c.label)})`)
  // never scroll past the first page
  const end = Math.max(Math.min(height, all.length), all.length - s.scroll)
  const start = Math.max(0, end - height)
  return { lines: all.slice(start, end), atTop: start === 0, total: all.length }
}

/** The list of conversations, with unread counts and mention markers, each cut to `width` columns. */
export function conversationList (s: UiState, width = 20): string[] {
  return s.conversations.map((c, i) => {
    const n = `${i + 1}`
    const badge = (c.unread > 0 ? ` ${c.unread}` : '') + (c.mentions > 0 ? ' @' : '')
    const name = truncate(oneLine(c.label), Math.max(1, width - n.length - 1 - badge.length))
    const shownBadge = (c.unread > 0 ? ` ${bold(String(c.unread))}` : '') + (c.mentions > 0 ? ` ${paint(s, 'red', bold('@'))}` : '')
    const line = `${n} ${name}${shownBadge}`
    return i === s.current ? inverse(line) : line
  })
}

/** Members of the current conversation, with presence, each cut to `width` columns. */
export function memberList (s: UiState, width = 26): string[] {
  const c = currentConversation(s)
  return s.members
    .filter(m => c === undefined || (c.direct !== undefined ? m.peerId === c.direct || m.peerId === s.me.peerId : m.teams.includes(c.team)))
    .map((m) => {
      const p = s.presence[m.peerId]
      const status = m.peerId === s.me.peerId ? s.myStatus.status : p?.status ?? 'offline'
      const text = m.peerId === s.me.peerId ? s.myStatus.text : p?.text ?? ''
      const [glyph, colour] = GLYPH[status] ?? GLYPH.offline!
      const plain = truncate(`${oneLine(m.name)}${m.admin ? ' ★' : ''}${text !== '' ? ` ${oneLine(text)}` : ''}`, Math.max(1, width - 2))
      return `${colour === undefined ? glyph : paint(s, colour, glyph)} ${plain}`
    })
}

/** The status line: connection, where you are, your own presence, and the last error or notice. */
export function statusLine (s: UiState): string {
  const c = currentConversation(s)
  const parts = [
    s.mode === 'removed' ? bold(`removed from ${safe(s.org?.name ?? 'the organisation')}`) : '',
    `${s.status.peers} peer${s.status.peers === 1 ? '' : 's'}`,
    s.status.synced !== undefined ? `synced ${formatClock(s.status.synced)}` : s.status.peers > 0 ? 'syncing' : '',
    s.org !== undefined ? safe(s.org.name) : 'no organisation',
    c !== undefined ? safe(c.label) : '',
    `you: ${s.myStatus.status}${s.myStatus.text !== '' ? ` (${safe(s.myStatus.text)})` : ''}`,
    s.scroll > 0 ? (s.newBelow > 0 ? bold(`${s.newBelow} new below (End)`) : `scrolled up ${s.scroll}`) : '',
    s.held.length > 0 ? `${s.held.length} held` : '',
    ...Object.values(s.transfers).map(p => `${safe(truncate(p.name, 24))} ${progressBar(p.bytes / Math.max(1, p.size))} ${formatBytes(p.rate)}/s`)
  ].filter(p => p !== '')
  // a question waiting for Enter or Esc is all the line shows: nothing must push it out of sight
  if (s.confirm !== undefined) return bold(oneLine(s.confirm))
  // an error or a notice comes first, where a long line cannot push it out of sight
  const head = s.status.error !== undefined ? `${bold(`✗ ${safe(s.status.error)}`)} · ` : s.status.notice !== undefined ? `${safe(s.status.notice)} · ` : ''
  return head + parts.join(' · ')
}

/** The local-output overlay: its lines wrapped to `width`, from its scroll offset, `height` tall. */
export function overlayView (s: UiState, width: number, height: number): { lines: string[], more: boolean, total: number } {
  if (s.overlay === undefined) return { lines: [], more: false, total: 0 }
  const all = s.overlay.lines.flatMap(l => wrap(sanitize(l), width, 2))
  const start = Math.min(s.overlay.scroll, Math.max(0, all.length - height))
  return { lines: all.slice(start, start + height), more: start + height < all.length, total: all.length }
}

/** [#####.....] 50% */
export function progressBar (fraction: number, width = 10): string {
  const f = Math.max(0, Math.min(1, fraction))
  const full = Math.round(f * width)
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${Math.floor(f * 100)}%`
}

/** What a workstation that was removed from its organisation (offboarded) shows instead of the chat. */
export function removedView (s: UiState, width: number): string[] {
  const org = oneLine(s.org?.name ?? 'the organisation')
  const by = s.removed?.byName !== undefined && s.removed.byName !== '' ? ` by ${oneLine(s.removed.byName)}` : ' by an admin'
  const when = s.removed !== undefined && s.removed.at > 0 ? ` on ${formatDateTime(s.removed.at)}` : ''
  const lines = [
    `You were removed from ${org}${by}${when}.`,
    '',
    `This workstation can no longer read or post in ${org}'s teams: its keys were rotated out, and colleagues' nodes refuse its connections. What it received before stays readable here.`,
    '',
    'If this is a mistake, ask an admin for a new invite, and join with it from a new data dir (parley --data NEW_DIR): a removal is final for this workstation\'s key.'
  ]
  return lines.flatMap(l => wrap(l, width, 0)).map((l, i) => i === 0 ? bold(paint(s, 'red', l)) : l)
}

/** The first-run screen. */
export function setupView (s: UiState, width: number): string[] {
  const lines = [
    `Welcome to parley, ${oneLine(s.me.name)}.`,
    '',
    'This workstation is not in an organisation yet. Either:',
    '  · paste the invite token an admin gave you (it starts with parley1:) and press Enter;',
    '  · or, to found a new organisation and become its first admin, type its name (e.g. Acme Ltd) and press Enter.',
    '',
    `Your id: ${s.me.peerId}`,
    '',
    ...s.setupLines.map(l => `-- ${sanitize(l)}`)
  ]
  return lines.flatMap(l => wrap(l, width, 2)).map((l, i) => i === 0 ? bold(l) : l)
}

export { conversationLabel }
