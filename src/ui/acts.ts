/**
 * What the chat does with a message, from a key in selection mode or a command: reply to it, edit or
 * delete it, react to it, show who reacted, open its thread. Each checks what it can here first
 * (whose message it is) and says plainly why not; the node checks again and has the last word.
 */
import { formatDateTime } from '../shell.js'
import { parseReaction, reactionCounts, reactionRemoves } from './reactions.js'
import { findMessage } from './state.js'
import { editable } from './state/selection.js'
import { SHORT_ID } from './state/selectors.js'
import { quoteOf } from './state/threads.js'
import { oneLine, truncate } from './text.js'
import type { MessageView } from '../index.js'
import type { Chat } from './chat.js'
import type { ChatMessage, Compose } from './state.js'

/** A message's start, on one line, for a question or the status line. */
function gist (m: MessageView): string {
  return m.deleted !== undefined ? '(deleted)' : truncate(oneLine(m.text), 40)
}

/** Whose a message is, as the chat says it: "your", or "Bob's". */
function whose (chat: Chat, m: MessageView): string {
  return m.author === chat.state.me.peerId ? 'your' : `${oneLine(m.authorName !== '' ? m.authorName : m.author.slice(-8))}'s`
}

/**
 * The message `id` names (its id or a start of it): one loaded in the chat, else the node's (through
 * `thread`). Throws saying why when it names several or none.
 */
export async function resolveMessage (chat: Chat, id: string): Promise<MessageView> {
  const q = id.trim()
  if (!/^[0-9a-z-]{4,}$/i.test(q)) throw new Error(`${oneLine(q)} is not a message id: choose the message (Alt-Up) to see its id`)
  const found = findMessage(chat.state, q)
  if (found === 'several') throw new Error(`${q} fits several messages: type more of its id`)
  if (found !== undefined) return found
  return (await chat.backend.call('thread', { id: q })).root
}

/** Send a message, shown at once as sending, then as sent (or failed); a reply when `replyTo` is given. */
export async function sendMessage (chat: Chat, team: string, text: string, urgent: boolean, replyTo?: MessageView): Promise<void> {
  const tempId = `pending-${Date.now()}-${Math.random()}`
  chat.dispatch({ type: 'sending', team, tempId, text, urgent, ...(replyTo !== undefined ? { replyTo: replyTo.id, quote: quoteOf(replyTo) } : {}) })
  try {
    const sent = replyTo === undefined ? chat.backend.send(team, text, urgent) : chat.backend.send(team, text, urgent, replyTo.id)
    chat.dispatch({ type: 'sent', tempId, m: await sent })
  } catch (err) {
    chat.dispatch({ type: 'send-failed', tempId, error: (err as Error).message })
  }
}

/** `r`: the input line becomes a reply to `m` (what was typed stays). */
export function startReply (chat: Chat, m: MessageView): void {
  if (m.deleted !== undefined) throw new Error('that message was deleted: there is nothing to reply to')
  const to = m.author === chat.state.me.peerId ? 'yourself' : oneLine(m.authorName !== '' ? m.authorName : m.author.slice(-8))
  chat.dispatch({ type: 'compose', compose: { kind: 'reply', team: m.team, id: m.id, to, quote: gist(m) } })
}

/** `e`: the input line holds `m`'s text to edit, if it is this user's. */
export function startEdit (chat: Chat, m: MessageView): void {
  if (m.author !== chat.state.me.peerId) throw new Error(`you can edit only your own messages: that one is ${whose(chat, m)}`)
  if (m.deleted !== undefined) throw new Error('that message was deleted: it cannot be edited')
  if (!editable(chat.state, m)) throw new Error('that message cannot be edited (a file, or one not readable here)')
  chat.dispatch({ type: 'compose', compose: { kind: 'edit', team: m.team, id: m.id }, text: m.text })
}

/** Enter on an edit: the node replaces the text (an error puts the edit back to try again). */
export async function saveEdit (chat: Chat, compose: Extract<Compose, { kind: 'edit' }>, text: string): Promise<void> {
  const again = (): void => { chat.dispatch({ type: 'compose', compose, text }) }
  if (text.trim() === '') {
    again()
    throw new Error('an edit cannot be empty: to remove the message, delete it (d, or /delete ID)')
  }
  const was = findMessage(chat.state, compose.id)
  if (typeof was === 'object' && was.text === text) { chat.dispatch({ type: 'notice', text: 'unchanged' }); return }
  try {
    chat.dispatch({ type: 'replaced', m: await chat.backend.call('message.edit', { id: compose.id, text }) })
    chat.dispatch({ type: 'notice', text: 'edited' })
  } catch (err) {
    again()
    throw err
  }
}

/** `d`: ask (y/n), then delete `m` for everyone; only its author or an admin may. */
export function confirmDelete (chat: Chat, m: MessageView): void {
  if (m.deleted !== undefined) throw new Error('that message is deleted already')
  const mine = m.author === chat.state.me.peerId
  if (!mine && chat.state.org?.admin !== true) throw new Error(`only its author or an admin can delete a message: that one is ${whose(chat, m)}`)
  chat.askYesNo(`Delete ${whose(chat, m)} message "${gist(m)}" for everyone?`, async () => {
    chat.dispatch({ type: 'replaced', m: await chat.backend.call('message.delete', { id: m.id }) })
    chat.dispatch({ type: 'notice', text: 'message deleted' })
  })
}

/** `+`: the input line asks for the emoji to react to `m` with. */
export function startReact (chat: Chat, m: MessageView): void {
  if (m.deleted !== undefined) throw new Error('that message was deleted: it takes no reactions')
  chat.dispatch({ type: 'compose', compose: { kind: 'react', team: m.team, id: m.id }, text: '' })
}

/** React to `m` with what was typed (an emoji, a :shortcode: or 1–6): added, or taken back if this user has it. */
export async function react (chat: Chat, m: MessageView, typed: string): Promise<void> {
  const r = parseReaction(typed)
  if ('error' in r) throw new Error(r.error)
  if (m.deleted !== undefined) throw new Error('that message was deleted: it takes no reactions')
  const remove = reactionRemoves(m, chat.state.me.peerId, r.emoji)
  chat.dispatch({ type: 'replaced', m: await chat.backend.call('message.react', remove ? { id: m.id, emoji: r.emoji, remove: true } : { id: m.id, emoji: r.emoji }) })
  chat.dispatch({ type: 'notice', text: remove ? `took back your ${r.emoji}` : `reacted ${r.emoji}` })
}

/** Enter on a reaction prompt: react with what was typed (an error keeps the prompt to try again). */
export async function submitReaction (chat: Chat, compose: Extract<Compose, { kind: 'react' }>, typed: string): Promise<void> {
  try {
    await react(chat, await resolveMessage(chat, compose.id), typed)
  } catch (err) {
    chat.dispatch({ type: 'compose', compose, text: typed })
    throw err
  }
}

/** `w`: who reacted to `m` with what, in the overlay. */
export function showReactions (chat: Chat, m: MessageView): void {
  const counts = reactionCounts(m)
  const name = (peer: string): string => peer === chat.state.me.peerId ? 'you' : oneLine(chat.state.members.find(x => x.peerId === peer)?.name ?? `…${peer.slice(-6)}`)
  chat.show(`reactions to ${whose(chat, m)} message`, [
    `${oneLine(m.authorName)} ${formatDateTime(m.time)} (${m.id.slice(0, SHORT_ID)}): ${gist(m)}`,
    ...(counts.length === 0 ? ['no reactions yet: + in selection mode, or /react ID EMOJI'] : counts.map(r => `  ${oneLine(r.emoji)} ${r.peers.length}: ${r.peers.map(name).join(', ')}`))
  ])
}

/** `t`: the thread `m` is in (its own, or that of the message it replies to) in place of the conversation. */
export async function openThread (chat: Chat, m: MessageView): Promise<void> {
  const { root, replies } = await chat.backend.call('thread', { id: m.replyTo ?? m.id })
  chat.dispatch({ type: 'thread-open', root, replies })
}

/** The message selected, as the chat holds it. */
export function selectedMessage (chat: Chat): ChatMessage | undefined {
  const id = chat.state.selected
  if (id === undefined) return undefined
  const m = findMessage(chat.state, id)
  return typeof m === 'object' ? m : undefined
}
