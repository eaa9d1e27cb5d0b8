import { describe, expect, it } from 'vitest'
import { reduceInput } from '../../../../src/ui/state/input.js'
import type { UiState } from '../../../../src/ui/state.js'
import { office } from '../fixtures.js'

describe('ui/state/input', () => {
  it('replaces the line with the cursor at its end, or where asked', () => {
    const s = reduceInput(office(), { type: 'input', text: 'héllo' })
    expect(s.input).toMatchObject({ text: 'héllo', cursor: 5 })
    expect(reduceInput(s, { type: 'input', text: 'abc', cursor: 1 }).input.cursor).toBe(1)
    const edited = reduceInput(reduceInput(s, { type: 'edit', edit: { type: 'home' } }), { type: 'edit', edit: { type: 'insert', text: '> ' } })
    expect(edited.input).toMatchObject({ text: '> héllo', cursor: 2 })
  })

  it('takes a paste as text to review: line ends normalised, a trailing newline dropped, tabs as spaces, controls shown as �', () => {
    const one = reduceInput(office(), { type: 'paste', text: 'a\tb\u001b[31mc\r\n' })
    expect(one.input.text).toBe('a b\uFFFD[31mc')
    expect(one.status.notice).toBeUndefined()
    const many = reduceInput(office(), { type: 'paste', text: 'one\r\ntwo\rthree\n\n' })
    expect(many.input.text).toBe('one\ntwo\nthree')
    expect(many.status.notice).toBe('pasted 3 lines as one message: Enter sends it, Ctrl-U clears it')
  })

  it('walks the history, keeping what was being typed', () => {
    let s = office()
    expect(reduceInput(s, { type: 'input-history', direction: -1 })).toBe(s)
    for (const t of ['one', 'two']) s = reduceInput(s, { type: 'submitted', text: t })
    s = reduceInput(s, { type: 'input', text: 'draft' })
    s = reduceInput(s, { type: 'input-history', direction: -1 })
    expect(s.input).toMatchObject({ text: 'two', historyIndex: 1, draft: 'draft', cursor: 3 })
    s = reduceInput(s, { type: 'input-history', direction: -1 })
    s = reduceInput(s, { type: 'input-history', direction: -1 })
    expect(s.input).toMatchObject({ text: 'one', historyIndex: 0 })
    s = reduceInput(s, { type: 'input-history', direction: 1 })
    s = reduceInput(s, { type: 'input-history', direction: 1 })
    expect(s.input).toMatchObject({ text: 'draft', historyIndex: null })
    expect(s.input.draft).toBeUndefined()
  })

  it('on submit clears the line and the status, and remembers what was typed once (the last 200)', () => {
    let s: UiState = { ...office(), status: { peers: 2, error: 'e', notice: 'n' } }
    s = reduceInput(s, { type: 'input', text: 'x' })
    s = reduceInput(s, { type: 'submitted', text: 'x' })
    s = reduceInput(s, { type: 'submitted', text: 'x' })
    s = reduceInput(s, { type: 'submitted', text: '   ' })
    expect(s.input).toEqual({ text: '', cursor: 0, history: ['x'], historyIndex: null })
    expect(s.status).toEqual({ peers: 2 })
    for (let i = 0; i < 250; i++) s = reduceInput(s, { type: 'submitted', text: `m${i}` })
    expect(s.input.history).toHaveLength(200)
    expect(s.input.history[0]).toBe('m50')
  })
})
