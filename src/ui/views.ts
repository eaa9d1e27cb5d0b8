/**
 * What each pane shows, as text with SGR attributes (bold, inverse, colours). Pure functions of the
 * state: no I/O, no terminal, so they are tested as strings. The panes do not parse blessed tags at
 * all (a peer's `{|}` or `{center}` would otherwise still align text after escaping), and everything
 * another person controls goes through `text.ts` (sanitised: no ESC of theirs survives, so no SGR of
 * theirs either; measured in columns) before it is shown.
 */
import { formatBytes, formatClock, formatDateTime, formatDay } from '../shell.js'
import { findGroupMentions, findMentions } from './mentions.js'
import { QUICK_REACTIONS, reactionCounts } from './reactions.js'
import { conversationLabel, currentConversation, mentionable } from './state.js'
import { hiddenReplies, SHORT_ID } from './state/selectors.js'
import { editable } from './state/selection.js'
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

/** How many columns the state mark of `state` takes. */
const STATE_MARK_WIDTH: Record<ChatMessage['state'], number> = { sending: 1, sent: 1, synced: 2, failed: 10 }

function stateMark (s: UiState, state: ChatMessage['state']): string {
  switch (state) {
    case 'sending': return '…'
    case 'sent': return '✓'
    case 'synced': return paint(s, 'green', '✓✓')
    case 'failed': return paint(s, 'red', bold('✗ not sent'))
  }
}

/**
 * Highlight the @mentions in a (sanitised, unescaped) line: yours and @here/@team reversed, others'
 * in bold (`plain`: all in bold, for a line shown reversed already).
 */
function highlightMentions (s: UiState, line: string, plain = false): string {
  const spans: Array<{ start: number, end: number, mine: boolean }> = [
    ...findMentions(line, mentionable(s)).filter(m => m.peerId !== undefined).map(m => ({ start: m.start, end: m.end, mine: m.peerId === s.me.peerId })),
    ...findGroupMentions(line).map(g => ({ start: g.start, end: g.end, mine: true }))
  ].sort((a, b) => a.start - b.start)
  let out = ''
  let at = 0
  for (const m of spans) {
    if (m.start < at) continue
    out += line.slice(at, m.start)
    const text = line.slice(m.start, m.end)
    out += m.mine && !plain ? inverse(text) : bold(text)
    at = m.end
  }
  return out + line.slice(at)
}

/** A person's name as the panes show it: their display name, or the end of their peer id. */
function nameOf (name: string, peerId: string): string {
  return oneLine(name !== '' ? name : peerId.slice(-8))
}

/** How one message is drawn: chosen (reversed), with the quote of what it replies to, with its reply count. */
interface MessageLook {
  selected?: boolean
  /** the quote line above a reply (off in a thread, for the replies to its first message) */
  quote?: boolean
  /** "3 replies" under it (off for the first message of a thread) */
  replies?: boolean
}

function messageLines (s: UiState, l: Line, width: number, look: MessageLook = {}): string[] {
  if (l.kind === 'system') {
    const colour: Colour = l.level === 'error' ? 'red' : l.level === 'digest' ? 'magenta' : 'cyan'
    // local text, but it may quote names and file names from peers: sanitised like the rest
    return wrap(`-- ${sanitize(l.text)}`, width, 3).map(t => paint(s, colour, t))
  }
  const m = l.m
  const time = formatClock(m.time)
  const indent = ' '.repeat(displayWidth(time) + 1)
  // a long name would leave no room for the message
  const signer = truncate(nameOf(m.authorName, m.author), Math.max(8, Math.floor(width / 2)))
  // an author who signed two versions of a message is marked on everything it wrote
  const name = m.forker === true ? `⚠ ${signer}` : signer
  const head = `${time} ${name}: `
  let body = m.readable ? sanitize(m.text) : `[cannot decrypt: no key for epoch ${m.epoch} on this node]`
  if (m.file !== undefined) body = `[file] ${oneLine(m.file.name)} (${formatBytes(m.file.size)}) · /get ${m.file.id.slice(0, 8)}${m.text !== '' ? ` · ${sanitize(m.text)}` : ''}`
  if (m.flag !== undefined) body = `[quarantined] file ${m.flag.file.slice(0, 8)}: ${oneLine(m.flag.reason)}`
  // a fork: both versions its author signed, in the order every node shows them
  if (m.forked !== undefined) body = [`⚠ two versions signed by ${signer}:`, ...m.forked.versions.map((x, i) => `${i + 1}) ${x.readable ? sanitize(x.text) : '[cannot decrypt]'}`)].join('\n')
  const deleted = m.deleted !== undefined && m.forked === undefined
  if (deleted) body = `message deleted (by ${nameOf(m.deleted!.byName, m.deleted!.by)})`
  else if (m.edited !== undefined) body += ' (edited)'
  const out: string[] = []
  // a reply: the start of what it answers, above it
  if (m.replyTo !== undefined && look.quote !== false) {
    const q = m.quote
    const said = q === undefined ? 'a message this node does not hold' : q.deleted === true ? 'message deleted' : `${nameOf(q.authorName, q.author)}: ${oneLine(q.text)}`
    out.push(truncate(`${indent}↳ ${said}`, width))
  }
  // the lines after the first are indented under the name: none can pass for another message
  // your own message's state mark is wrapped with it (as that many placeholder columns), never cut off at the edge
  const mark = m.local && !deleted ? '\u2713'.repeat(STATE_MARK_WIDTH[m.state]) : ''
  const lines = wrap(head + body + (mark !== '' ? ` ${mark}` : ''), width, displayWidth(time) + 1)
  out.push(...lines.map((t, i) => {
    let text = i === 0 ? t.slice(head.length) : t
    if (i === lines.length - 1 && mark !== '') text = text.slice(0, text.length - mark.length)
    let shown = deleted ? text : highlightMentions(s, text, look.selected)
    if (i === 0) shown = `${time} ${bold(name)}: ${shown}`
    if (m.urgent && i === 0) shown = `${paint(s, 'red', bold('!'))} ${shown}`
    if (m.flag !== undefined || m.forked !== undefined) shown = paint(s, 'red', shown)
    if (i === lines.length - 1 && mark !== '') shown += stateMark(s, m.state)
    return shown
  }))
  // under it: its reactions with their counts, and how many replies it has
  const footer: string[] = reactionCounts(m).map(r => `${truncate(oneLine(r.emoji), 8)} ${r.peers.length}`)
  const count = m.replies?.count ?? 0
  if (count > 0 && look.replies !== false) footer.push(`${count} repl${count === 1 ? 'y' : 'ies'}${(m.newReplies ?? 0) > 0 ? ` (${m.newReplies} new)` : ''}`)
  if (footer.length > 0) {
    out.push(...wrap(indent + footer.join('  '), width, indent.length).map(t => t.replace(/\((\d+) new\)/, (x) => bold(x))))
  }
  // chosen: all reversed, with no attribute of its own inside (blessed turns the end of a bold into a
  // reset, which would end the reverse there too)
  return look.selected === true ? out.map(t => inverse(t.replace(/\u001b\[[\d;]*m/g, ''))) : out
}

/** The lines of one window `height` tall over `all`: `scroll` lines up from the end, moved to show `keep` (a chosen message's lines). */
function windowOf (all: string[], height: number, scroll: number, keep?: [number, number]): { lines: string[], atTop: boolean, total: number } {
  // never scroll past the first page
  let end = Math.max(Math.min(height, all.length), all.length - scroll)
  let start = Math.max(0, end - height)
  if (keep !== undefined) {
    if (keep[1] > end) { end = keep[1]; start = Math.max(0, end - height) }
    if (keep[0] < start) { start = keep[0]; end = Math.min(all.length, start + height) }
  }
  return { lines: all.slice(start, end), atTop: start === 0, total: all.length }
}

/** The visible lines of the current conversation (or of the thread shown), `height` tall, honouring the scroll offset. */
export function conversationView (s: UiState, width: number, height: number): { lines: string[], atTop: boolean, total: number } {
  if (s.thread !== undefined) return threadView(s, width, height)
  const c = currentConversation(s)
  if (c === undefined) return { lines: [], atTop: true, total: 0 }
  const all: string[] = []
  let lastDay = ''
  let keep: [number, number] | undefined
  const hidden = hiddenReplies(s, c)
  // the unread marker goes after the last message read, if anything came after it
  // (-1: before the first line, for a conversation left empty; undefined: no marker)
  const readAt = c.readUpTo === undefined ? undefined : c.readUpTo === '' ? -1 : c.lines.findIndex(l => l.kind === 'message' && l.m.id === c.readUpTo)
  const unreadAfter = readAt !== undefined && (readAt !== -1 || c.readUpTo === '') && c.lines.slice(readAt + 1).some(l => l.kind === 'message' && !l.m.local)
  const marker = paint(s, 'red', `─── new ${'─'.repeat(Math.max(0, width - 8))}`)
  if (readAt === -1 && unreadAfter) all.push(marker)
  c.lines.forEach((l, i) => {
    const shown = l.kind === 'system' || !hidden.has(l.m.id)
    if (shown) {
      const t = l.kind === 'message' ? l.m.time : l.time
      if (formatDay(t) !== lastDay) {
        lastDay = formatDay(t)
        all.push(`─── ${lastDay} ${'─'.repeat(Math.max(0, width - displayWidth(lastDay) - 5))}`)
      }
      const selected = l.kind === 'message' && l.m.id === s.selected
      const from = all.length
      all.push(...messageLines(s, l, width, { selected }))
      if (selected) keep = [from, all.length]
    }
    if (i === readAt && unreadAfter) all.push(marker)
  })
  if (c.loaded && c.before === undefined) {
    all.unshift(`(start of ${safe(c.label)})`)
    if (keep !== undefined) keep = [keep[0] + 1, keep[1] + 1]
  }
  return windowOf(all, height, s.scroll, keep)
}

/** The thread shown: its first message, then its replies, oldest first. */
export function threadView (s: UiState, width: number, height: number): { lines: string[], atTop: boolean, total: number } {
  const t = s.thread
  if (t === undefined) return { lines: [], atTop: true, total: 0 }
  const all: string[] = [`(thread in ${safe(conversationLabel(s, t.team, t.root.direct))} · Esc goes back)`]
  let keep: [number, number] | undefined
  const add = (m: ChatMessage, look: MessageLook): void => {
    const selected = m.id === s.selected
    const from = all.length
    all.push(...messageLines(s, { kind: 'message', m }, width, { ...look, selected }))
    if (selected) keep = [from, all.length]
  }
  add(t.root, { replies: false })
  const n = t.replies.length
  const label = n === 0 ? 'no replies yet: what you type now replies' : `${n} repl${n === 1 ? 'y' : 'ies'}`
  all.push(`─── ${label} ${'─'.repeat(Math.max(0, width - displayWidth(label) - 5))}`)
  for (const r of t.replies) add(r, { quote: r.replyTo !== t.root.id })
  return windowOf(all, height, s.scroll, keep)
}

/** The keys of selection mode that do something to `m` (a deleted message only opens its thread). */
function selectionKeys (s: UiState, m: ChatMessage | undefined): string[] {
  if (m === undefined) return ['t thread']
  const live = m.deleted === undefined
  const mine = m.author === s.me.peerId
  const keys = live ? ['r reply'] : []
  if (editable(s, m)) keys.push('e edit')
  if (live && (mine || s.org?.admin === true)) keys.push('d delete')
  if (live && m.readable) keys.push('+ react')
  keys.push('t thread')
  if (Object.keys(m.reactions ?? {}).length > 0) keys.push('w who reacted')
  return keys
}

/** What selection mode, a reply, an edit, a reaction or the thread shown tell in the status line. */
function modeHint (s: UiState): string {
  if (s.selected !== undefined) {
    const m = [...(s.thread !== undefined ? [s.thread.root, ...s.thread.replies] : []), ...(currentConversation(s)?.lines ?? []).flatMap(l => l.kind === 'message' ? [l.m] : [])].find(x => x.id === s.selected)
    const who = m === undefined ? '' : ` by ${m.author === s.me.peerId ? 'you' : safe(m.authorName)}`
    return bold(`message ${s.selected.slice(0, SHORT_ID)}${who}`) + ` · ${selectionKeys(s, m).join(' · ')} · ↑↓ j/k · Esc`
  }
  const c = s.compose
  if (c?.kind === 'reply') return bold(`replying to ${safe(c.to)}`) + `${c.quote !== '' ? ` (${safe(truncate(c.quote, 30))})` : ''} · Enter sends · Esc cancels`
  if (c?.kind === 'edit') return bold('editing your message') + ' · Enter saves · Esc cancels'
  if (c?.kind === 'react') return bold('react with') + ` ${QUICK_REACTIONS.map((e, i) => `${i + 1} ${e}`).join('  ')}, or type an emoji and Enter · Esc cancels`
  if (s.thread !== undefined) return bold('thread') + ' · what you type replies in it · Alt-Up chooses a message · Esc back'
  return ''
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
  // selection mode, a reply, an edit or a reaction under way: what the keys do now, before the rest
  const hint = modeHint(s)
  if (hint !== '') parts.unshift(hint)
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
