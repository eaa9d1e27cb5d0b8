import { describe, expect, it } from 'vitest'
import { reduce } from '../../../../src/ui/state.js'
import type { ChatMessage, Line, UiState } from '../../../../src/ui/state.js'
import { conversationView } from '../../../../src/ui/views.js'
import { msg, office } from '../fixtures.js'

const ids = (lines: Line[]): string[] => lines.map(l => l.kind === 'message' ? l.m.id : `(${l.text})`)
const line = (s: UiState, id: string): ChatMessage | undefined => {
  for (const c of s.conversations) for (const l of c.lines) if (l.kind === 'message' && l.m.id === id) return l.m
  return undefined
}
const plain = (lines: string[]): string => lines.join('\n').replace(/\u001b\[[\d;]*m/g, '')

describe('ui/state/threads', () => {
  it('an edit, a delete or a reaction replaces the message where it is, keeping the order and its delivery state', () => {
    let s = office()
    for (const id of ['m1', 'm2', 'm3']) s = reduce(s, { type: 'message', m: msg({ id, text: id }) })
    s = reduce(s, { type: 'sent', tempId: '', m: msg({ id: 'mine', author: 'peer-ann', local: true, text: 'x', recipients: 2 }) })
    const m2 = line(s, 'm2')!
    // an edit delivered with a later clock still stays in its place
    s = reduce(s, { type: 'replaced', m: { ...m2, text: 'm2 fixed', edited: 5, lamport: 999 } })
    expect(ids(s.conversations[0]!.lines)).toEqual(['m1', 'm2', 'm3', 'mine'])
    expect(line(s, 'm2')).toMatchObject({ text: 'm2 fixed', edited: 5 })
    s = reduce(s, { type: 'replaced', m: { ...line(s, 'mine')!, reactions: { '👍': ['peer-bob'] } } })
    expect(line(s, 'mine')).toMatchObject({ state: 'synced', reactions: { '👍': ['peer-bob'] } })
    // what the reaction event adds (who, what) is not kept on the message
    s = reduce(s, { type: 'replaced', m: { ...line(s, 'm1')!, reactions: { '🎉': ['peer-ann'] }, reactor: 'peer-ann', emoji: '🎉', removed: false } as ChatMessage })
    expect(line(s, 'm1')).not.toHaveProperty('reactor')
    // nothing new: no unread, no bell
    expect(s.conversations[0]!.unread).toBe(0)
    expect(s.bell).toBe(0)
    // a message not loaded here is not added by an edit
    const before = s
    expect(reduce(s, { type: 'replaced', m: msg({ id: 'old', text: 'edited' }) }).conversations).toEqual(before.conversations)
  })

  it('a reply arriving counts on the message it answers, marked new until its thread is opened; a reply seen again counts once', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'root', text: 'lunch?' }) })
    const reply = msg({ id: 'r1', replyTo: 'root', text: 'yes', quote: { author: 'peer-bob', authorName: 'Bob', text: 'lunch?' } })
    s = reduce(s, { type: 'message', m: reply })
    s = reduce(s, { type: 'message', m: reply })
    expect(line(s, 'root')).toMatchObject({ replies: { count: 1, last: reply.time }, newReplies: 1 })
    expect(plain(conversationView(s, 60, 20).lines)).toMatch(/1 reply \(1 new\)/)
    s = reduce(s, { type: 'thread-open', root: line(s, 'root')!, replies: [reply] })
    expect(line(s, 'root')?.newReplies).toBeUndefined()
    // with the thread open, a reply shows in it and is not new
    const r2 = msg({ id: 'r2', replyTo: 'root', text: 'at one' })
    s = reduce(s, { type: 'message', m: r2 })
    expect(s.thread?.replies.map(r => r.id)).toEqual(['r1', 'r2'])
    expect(s.thread?.root.replies?.count).toBe(2)
    expect(line(s, 'root')).toMatchObject({ replies: { count: 2 } })
    expect(line(s, 'root')?.newReplies).toBeUndefined()
    // my own reply, sent from the thread: shown at once, counted once when it is stored
    s = reduce(s, { type: 'sending', team: 'general', tempId: 't', text: 'me too', urgent: false, replyTo: 'root' })
    expect(s.thread?.replies.map(r => r.id)).toEqual(['r1', 'r2', 't'])
    const mine = msg({ id: 'r3', replyTo: 'root', author: 'peer-ann', local: true, text: 'me too' })
    s = reduce(s, { type: 'message', m: mine })
    s = reduce(s, { type: 'sent', tempId: 't', m: mine })
    s = reduce(s, { type: 'message', m: mine })
    expect(s.thread?.replies.map(r => r.id)).toEqual(['r1', 'r2', 'r3'])
    expect(s.thread?.root.replies?.count).toBe(3)
    expect(line(s, 'root')?.replies?.count).toBe(3)
    expect(reduce(s, { type: 'thread-close' }).thread).toBeUndefined()
  })

  it('collapsed: replies leave the conversation for their thread, the message answered shows the count; a reply to a message not loaded stays', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'root', text: 'lunch?' }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'r1', replyTo: 'root', text: 'yes please', quote: { author: 'peer-bob', authorName: 'Bob', text: 'lunch?' } }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'orphan', replyTo: 'gone', text: 'about that old thing' }) })
    const inline = plain(conversationView(s, 60, 20).lines)
    expect(inline).toMatch(/↳ Bob: lunch\?\n.*Bob: yes please/)
    expect(inline).toMatch(/1 reply/)
    s = reduce(s, { type: 'threads-mode', mode: 'collapsed' })
    const collapsed = plain(conversationView(s, 60, 20).lines)
    expect(collapsed).not.toMatch(/yes please/)
    expect(collapsed).toMatch(/Bob: lunch\?\n\s+1 reply \(1 new\)/)
    expect(collapsed).toMatch(/↳ a message this node does not hold\n.*about that old thing/)
    // back inline: the reply is where it fell
    expect(plain(conversationView(reduce(s, { type: 'threads-mode', mode: 'inline' }), 60, 20).lines)).toMatch(/yes please/)
  })

  it('a deleted reply stays under its quote and in its thread, though the node no longer says what it replied to', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'root', text: 'lunch?' }) })
    const reply = msg({ id: 'r1', replyTo: 'root', text: 'yes', quote: { author: 'peer-bob', authorName: 'Bob', text: 'lunch?' } })
    s = reduce(s, { type: 'message', m: reply })
    s = reduce(s, { type: 'thread-open', root: line(s, 'root')!, replies: [reply] })
    const { replyTo: _r, quote: _q, ...erased } = reply
    s = reduce(s, { type: 'replaced', m: { ...erased, text: '', readable: false, deleted: { by: 'peer-bob', byName: 'Bob', time: 2 } } })
    expect(line(s, 'r1')).toMatchObject({ replyTo: 'root', quote: { text: 'lunch?' }, deleted: { byName: 'Bob' } })
    expect(s.thread?.replies[0]).toMatchObject({ replyTo: 'root', deleted: { byName: 'Bob' } })
    expect(plain(conversationView(reduce(s, { type: 'thread-close' }), 60, 20).lines)).toMatch(/↳ Bob: lunch\?\n.*Bob: message deleted \(by Bob\)/)
  })

  it('a reply quotes the message afresh when that is edited or deleted', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'root', text: 'lunch at 12?' }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'r1', replyTo: 'root', text: 'sure', quote: { author: 'peer-bob', authorName: 'Bob', text: 'lunch at 12?' } }) })
    s = reduce(s, { type: 'thread-open', root: line(s, 'root')!, replies: [line(s, 'r1')!] })
    s = reduce(s, { type: 'replaced', m: { ...line(s, 'root')!, text: 'lunch at 1?', edited: 2 } })
    expect(line(s, 'r1')?.quote?.text).toBe('lunch at 1?')
    expect(s.thread?.root).toMatchObject({ text: 'lunch at 1?', edited: 2 })
    s = reduce(s, { type: 'replaced', m: { ...line(s, 'root')!, text: '', deleted: { by: 'peer-bob', byName: 'Bob', time: 3 } } })
    expect(line(s, 'r1')?.quote).toMatchObject({ deleted: true, text: '' })
    s = reduce(s, { type: 'thread-close' })
    expect(plain(conversationView(s, 60, 20).lines)).toMatch(/Bob: message deleted \(by Bob\)\n\s+1 reply\n\s+↳ message deleted\n.*Bob: sure/)
  })
})
