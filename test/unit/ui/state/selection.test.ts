import { describe, expect, it } from 'vitest'
import { reduce } from '../../../../src/ui/state.js'
import type { UiState } from '../../../../src/ui/state.js'
import { msg, office } from '../fixtures.js'

/** #general with Bob's b1, Ann's a1, Bob's b2, Ann's a2 (a file) and a system line. */
function general (): UiState {
  let s = office()
  s = reduce(s, { type: 'message', m: msg({ id: 'b1', text: 'one' }) })
  s = reduce(s, { type: 'message', m: msg({ id: 'a1', author: 'peer-ann', authorName: 'Ann', local: true, text: 'mine' }) })
  s = reduce(s, { type: 'message', m: msg({ id: 'b2', text: 'two' }) })
  s = reduce(s, { type: 'system', text: 'a note' })
  return s
}

describe('ui/state/selection', () => {
  it('enters on the newest message, moves within what is shown and stops at both ends', () => {
    let s = reduce(general(), { type: 'select' })
    expect(s.selected).toBe('b2')
    s = reduce(s, { type: 'select-move', by: -1 })
    expect(s.selected).toBe('a1')
    s = reduce(s, { type: 'select-move', by: -5 })
    expect(s.selected).toBe('b1')
    s = reduce(s, { type: 'select-move', by: 99 })
    expect(s.selected).toBe('b2')
    expect(reduce(s, { type: 'select-end' }).selected).toBeUndefined()
    // nothing to choose: a notice, no selection
    const empty = reduce(office(), { type: 'select' })
    expect(empty.selected).toBeUndefined()
    expect(empty.status.notice).toMatch(/no message/)
  })

  it('an error of the last action does not outlive it: choosing a message, or leaving, clears the status line', () => {
    let s = reduce(general(), { type: 'error', text: 'that message was deleted: it cannot be edited' })
    s = reduce(s, { type: 'select' })
    expect(s.status.error).toBeUndefined()
    s = reduce(reduce(s, { type: 'error', text: 'again' }), { type: 'select-end' })
    expect(s.status.error).toBeUndefined()
    expect(s.status.peers).toBe(general().status.peers)
  })

  it('skips messages still being sent, and replies that collapsed threads hide', () => {
    let s = general()
    s = reduce(s, { type: 'message', m: msg({ id: 'r1', replyTo: 'b1', text: 're one' }) })
    s = reduce(s, { type: 'sending', team: 'general', tempId: 'tmp', text: 'going', urgent: false })
    expect(reduce(s, { type: 'select' }).selected).toBe('r1')
    s = reduce(s, { type: 'threads-mode', mode: 'collapsed' })
    s = reduce(s, { type: 'select' })
    expect(s.selected).toBe('b2')
    s = reduce(s, { type: 'select-move', by: -2 })
    expect(s.selected).toBe('b1')
  })

  it('switching conversations ends selection mode and closes a thread', () => {
    let s = reduce(general(), { type: 'select' })
    s = reduce(s, { type: 'thread-open', root: msg({ id: 'b1' }), replies: [] })
    s = reduce(s, { type: 'next' })
    expect(s.selected).toBeUndefined()
    expect(s.thread).toBeUndefined()
  })

  it('Up on an empty line edits your last message here; with none of yours it chooses one; in an empty conversation it is the history', () => {
    let s = reduce(general(), { type: 'edit-last' })
    expect(s.compose).toEqual({ kind: 'edit', team: 'general', id: 'a1' })
    expect(s.input.text).toBe('mine')
    // a deleted message, a file, or one still being sent are not offered
    let t = reduce(general(), { type: 'replaced', m: msg({ id: 'a1', author: 'peer-ann', authorName: 'Ann', local: true, text: '', deleted: { by: 'peer-ann', byName: 'Ann', time: 1 } }) })
    t = reduce(t, { type: 'message', m: msg({ id: 'a3', author: 'peer-ann', local: true, text: '', file: { id: 'f', name: 'x.txt', size: 1, type: 'text/plain', sha256: '0' } }) })
    t = reduce(t, { type: 'sending', team: 'general', tempId: 'tmp', text: 'going', urgent: false })
    t = reduce(t, { type: 'edit-last' })
    expect(t.compose).toBeUndefined()
    expect(t.selected).toBe('a3')
    // only Bob's messages: selection mode, on the newest
    const bobs = reduce(reduce(office(), { type: 'message', m: msg({ id: 'x' }) }), { type: 'edit-last' })
    expect(bobs).toMatchObject({ selected: 'x' })
    expect(bobs.compose).toBeUndefined()
    // nothing at all: Up is the input history as before
    s = reduce(office(), { type: 'submitted', text: 'earlier' })
    expect(reduce(s, { type: 'edit-last' }).input.text).toBe('earlier')
  })

  it('a reply keeps what was typed; an edit replaces it; Enter (submitted) or Esc ends either', () => {
    let s = reduce(general(), { type: 'input', text: 'draft' })
    s = reduce(s, { type: 'select' })
    s = reduce(s, { type: 'compose', compose: { kind: 'reply', team: 'general', id: 'b2', to: 'Bob', quote: 'two' } })
    expect(s.selected).toBeUndefined()
    expect(s.input.text).toBe('draft')
    expect(reduce(s, { type: 'submitted', text: 'draft' }).compose).toBeUndefined()
    s = reduce(s, { type: 'compose', compose: { kind: 'edit', team: 'general', id: 'a1' }, text: 'mine' })
    expect(s.input).toMatchObject({ text: 'mine', cursor: 4 })
    s = reduce(s, { type: 'compose-end', clear: true })
    expect(s.compose).toBeUndefined()
    expect(s.input.text).toBe('')
    // an edit or a reaction is not kept in the input history
    const h = reduce(reduce(s, { type: 'compose', compose: { kind: 'edit', team: 'general', id: 'a1' }, text: 'x' }), { type: 'submitted', text: 'x', history: false })
    expect(h.input.history).toEqual([])
  })
})
