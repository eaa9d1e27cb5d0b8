import { describe, expect, it } from 'vitest'
import { addMessage, reduceTimeline } from '../../../../src/ui/state/timeline.js'
import { initialState, reduce } from '../../../../src/ui/state.js'
import type { ChatMessage, Line } from '../../../../src/ui/state.js'
import { msg, office } from '../fixtures.js'

const ids = (lines: Line[]): string[] => lines.map(l => l.kind === 'message' ? l.m.id : `(${l.text})`)
const chat = (over: Parameters<typeof msg>[0]): ChatMessage => ({ ...msg(over), state: 'sent' })

describe('ui/state/timeline', () => {
  it('orders by Lamport clock, then author, then sequence, and replaces a message it holds', () => {
    let lines: Line[] = []
    lines = addMessage(lines, chat({ id: 'c', lamport: 2, author: 'b', seq: 1 }))
    lines = addMessage(lines, chat({ id: 'b', lamport: 2, author: 'a', seq: 9 }))
    lines = addMessage(lines, chat({ id: 'a', lamport: 1, author: 'z', seq: 5 }))
    lines = addMessage(lines, chat({ id: 'd', lamport: 2, author: 'b', seq: 2 }))
    expect(ids(lines)).toEqual(['a', 'b', 'c', 'd'])
    const again = addMessage(lines, { ...chat({ id: 'c', lamport: 2, author: 'b', seq: 1 }), state: 'synced' })
    expect(ids(again)).toEqual(['a', 'b', 'c', 'd'])
    expect(again[2]).toMatchObject({ m: { state: 'synced' } })
  })

  it('loads the newest page over what was loaded, keeping system lines; a conversation loaded in the background is read up to its newest', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'stale', lamport: 1 }) })
    s = reduce(s, { type: 'system', text: 'note' })
    s = reduceTimeline(s, { type: 'history', team: 'general', result: { messages: [msg({ id: 'h1', lamport: 2 })] }, older: false })
    expect(ids(s.conversations[0]!.lines)).toEqual(['(note)', 'h1'])
    expect(s.conversations[0]?.readUpTo).toBeUndefined()
    s = reduceTimeline(s, { type: 'history', team: 'dev', result: { messages: [msg({ id: 'd1', team: 'dev' })], before: 'cur' }, older: false })
    expect(s.conversations[1]).toMatchObject({ loaded: true, before: 'cur', readUpTo: 'd1' })
  })

  it('counts what is not seen, and ignores messages of conversations it does not list', () => {
    let s = office()
    expect(reduceTimeline(s, { type: 'message', m: msg({ team: 'hr' }) })).toBe(s)
    s = reduceTimeline(s, { type: 'message', m: msg({ team: 'general' }) })
    expect(s.conversations[0]).toMatchObject({ unread: 0, mentions: 0 })
    s = reduceTimeline(s, { type: 'message', m: msg({ team: 'dev', text: '@ann look' }) })
    expect(s.conversations[1]).toMatchObject({ unread: 1, mentions: 1 })
    expect(s.bell).toBe(1)
    expect(s.alert?.text).toBe('@ann look')
    // my own messages never count as unread, nor ring
    s = reduceTimeline(s, { type: 'message', m: msg({ team: 'dev', local: true, author: 'peer-ann', text: '@ann me' }) })
    expect(s.conversations[1]).toMatchObject({ unread: 1 })
    expect(s.bell).toBe(1)
  })

  it('opens a direct conversation on its first message, named after the member', () => {
    const s = reduceTimeline(office(), { type: 'message', m: msg({ team: 'dm-9', direct: 'peer-bob', authorName: 'Bobby' }) })
    expect(s.conversations[2]).toMatchObject({ label: '@Bob', direct: 'peer-bob', loaded: true, unread: 1, mentions: 1 })
  })

  it('shows a send at once, then as sent, synced or failed', () => {
    const s = reduceTimeline({ ...office(), scroll: 5 }, { type: 'sending', team: 'general', tempId: 't1', text: 'yo', urgent: false })
    expect(s.scroll).toBe(0)
    expect(s.conversations[0]!.lines[0]).toMatchObject({ m: { id: 't1', state: 'sending', author: 'peer-ann' } })
    // the node's event for the message is dropped while it is being sent
    const real = msg({ id: 'r1', author: 'peer-ann', local: true, text: 'yo' })
    expect(reduceTimeline(s, { type: 'message', m: real })).toBe(s)
    expect(reduceTimeline(s, { type: 'sent', tempId: 't1', m: real }).conversations[0]!.lines).toMatchObject([{ m: { id: 'r1', state: 'sent' } }])
    expect(reduceTimeline(s, { type: 'sent', tempId: 't1', m: { ...real, recipients: 2 } }).conversations[0]!.lines).toMatchObject([{ m: { id: 'r1', state: 'synced' } }])
    const failed = reduceTimeline(s, { type: 'send-failed', tempId: 't1', error: 'no key' })
    expect(failed.conversations[0]!.lines).toMatchObject([{ m: { id: 't1', state: 'failed' } }])
    expect(failed.status.error).toBe('no key')
  })

  it('puts system lines in the conversation shown (on the setup screen when none), and what happened in each its own', () => {
    expect(reduceTimeline(initialState(), { type: 'system', text: 'welcome' }).setupLines).toEqual(['welcome'])
    const s = reduceTimeline(office(), { type: 'happened', lines: [{ team: 'dev', text: 'Bob joined' }, { team: 'general', text: 'Cy joined' }, { team: 'hr', text: 'unseen' }] })
    expect(s.conversations[0]!.lines).toMatchObject([{ kind: 'system', text: 'Cy joined', level: 'info' }])
    expect(s.conversations[1]!.lines).toMatchObject([{ kind: 'system', text: 'Bob joined', level: 'info' }])
    expect(reduceTimeline(office(), { type: 'system', text: 'oops', level: 'error' }).conversations[0]!.lines).toMatchObject([{ level: 'error' }])
  })
})
