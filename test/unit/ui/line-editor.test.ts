import { describe, expect, it } from 'vitest'
import { edit, editorOf, editorView } from '../../../src/ui/line-editor.js'
import type { Edit, LineEditor } from '../../../src/ui/line-editor.js'

const run = (e: LineEditor, ...edits: Edit['type'][]): LineEditor => edits.reduce((x, type) => edit(x, { type } as Edit), e)

describe('ui/line-editor', () => {
  it('moves by character, word and line, and inserts at the cursor', () => {
    let e = editorOf('hello big world')
    expect(e.cursor).toBe(15)
    e = run(e, 'word-left')
    expect(e.cursor).toBe(10)
    e = run(e, 'word-left', 'word-left')
    expect(e.cursor).toBe(0)
    e = run(e, 'word-right')
    expect(e.cursor).toBe(5)
    e = edit(run(e, 'right'), { type: 'insert', text: 'very ' })
    expect(e).toEqual({ text: 'hello very big world', cursor: 11 })
    expect(run(e, 'home').cursor).toBe(0)
    expect(run(e, 'end').cursor).toBe(20)
    expect(run(e, 'home', 'left').cursor).toBe(0)
    expect(run(e, 'end', 'right').cursor).toBe(20)
  })

  it('deletes before and at the cursor, by word, and to either end', () => {
    const e = { text: 'fix the typo here', cursor: 8 } // before "typo"
    expect(run(e, 'backspace')).toEqual({ text: 'fix thetypo here', cursor: 7 })
    expect(run(e, 'delete')).toEqual({ text: 'fix the ypo here', cursor: 8 })
    expect(run(e, 'kill-word-back')).toEqual({ text: 'fix typo here', cursor: 4 })
    expect(run(e, 'kill-word-forward')).toEqual({ text: 'fix the  here', cursor: 8 })
    expect(run(e, 'kill-to-start')).toEqual({ text: 'typo here', cursor: 0 })
    expect(run(e, 'kill-to-end')).toEqual({ text: 'fix the ', cursor: 8 })
    expect(run({ text: 'x', cursor: 0 }, 'backspace')).toEqual({ text: 'x', cursor: 0 })
    expect(run({ text: 'x', cursor: 1 }, 'delete')).toEqual({ text: 'x', cursor: 1 })
  })

  it('treats an emoji or a CJK character as one character', () => {
    let e = editorOf('a🎉中')
    expect(e.cursor).toBe(3)
    e = run(e, 'left', 'backspace')
    expect(e).toEqual({ text: 'a中', cursor: 1 })
  })

  it('scrolls a long line so the cursor stays in view, with markers where text is hidden', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz'
    const end = editorView(editorOf(text), 10)
    // the marker, the last eight characters, and a cell for the cursor
    expect(end.text).toBe('‹stuvwxyz')
    expect(end.cursor).toBe(9)
    const start = editorView({ text, cursor: 0 }, 10)
    expect(start).toMatchObject({ text: 'abcdefghi›', cursor: 0, left: false, right: true })
    const middle = editorView({ text, cursor: 13 }, 10)
    expect(middle.text.startsWith('‹')).toBe(true)
    expect(middle.text.endsWith('›')).toBe(true)
    // the cursor is on the character it is before
    expect([...middle.text][middle.cursor]).toBe('n')
    expect(editorView(editorOf('short'), 10)).toMatchObject({ text: 'short', cursor: 5 })
  })

  it('counts wide characters as two columns and shows newlines as ↵', () => {
    const v = editorView(editorOf('中文中文中文'), 8)
    expect(v.text).toBe('‹文中文')
    expect(v.cursor).toBe(7)
    expect(editorView(editorOf('one\ntwo'), 20)).toMatchObject({ text: 'one↵two', cursor: 7 })
    // a name with a right-to-left override, put in by Tab: shown harmlessly, the cursor where it was
    expect(editorView(editorOf('@Mal\u202Eyrogla '), 20)).toMatchObject({ text: '@Mal\uFFFDyrogla ', cursor: 12 })
  })
})
