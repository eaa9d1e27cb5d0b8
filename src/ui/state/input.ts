/**
 * The input line: editing at the cursor, bracketed paste, the history of what was typed. Pure.
 */
import { edit, editorOf } from '../line-editor.js'
import type { Edit } from '../line-editor.js'
import type { UiState } from '../state.js'
import { withNotice } from './screen.js'

/** The actions of the input line. */
export type InputAction =
  /** replace the input line (the cursor goes to its end) */
  | { type: 'input', text: string, cursor?: number }
  | { type: 'edit', edit: Edit }
  /** a bracketed paste: inserted as it is, newlines and all, to review before Enter sends it */
  | { type: 'paste', text: string }
  | { type: 'input-history', direction: -1 | 1 }
  /** Enter: the line is carried out (and kept in the history unless `history` is false); a reply or edit is done */
  | { type: 'submitted', text: string, history?: boolean }

/** Apply an action of the input line. */
export function reduceInput (s: UiState, a: InputAction): UiState {
  switch (a.type) {
    case 'input': {
      const e = editorOf(a.text)
      return { ...s, input: { ...s.input, text: e.text, cursor: a.cursor ?? e.cursor } }
    }
    case 'edit': {
      const e = edit(s.input, a.edit)
      return { ...s, input: { ...s.input, text: e.text, cursor: e.cursor } }
    }
    case 'paste': {
      // normalise line ends, drop a trailing newline (the paste of one whole line), never send
      // and no control characters: a pasted escape sequence would colour or move the input line
      const text = a.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '\uFFFD')
      const e = edit(s.input, { type: 'insert', text })
      const lines = text.split('\n').length
      const next = { ...s, input: { ...s.input, text: e.text, cursor: e.cursor } }
      return lines > 1 ? withNotice(next, `pasted ${lines} lines as one message: Enter sends it, Ctrl-U clears it`) : next
    }
    case 'input-history': {
      const h = s.input.history
      if (h.length === 0) return s
      let i = s.input.historyIndex === null ? (a.direction === -1 ? h.length - 1 : null) : s.input.historyIndex + a.direction
      if (i !== null && i >= h.length) i = null
      if (i !== null && i < 0) i = 0
      // what was being typed is kept, and comes back after the newest entry
      const draft = s.input.historyIndex === null ? s.input.text : s.input.draft
      const text = i === null ? draft ?? '' : h[i]!
      const { draft: _d, ...input } = s.input
      return { ...s, input: { ...input, ...(i === null ? {} : draft === undefined ? {} : { draft }), historyIndex: i, text, cursor: [...text].length } }
    }
    case 'submitted': {
      const { error: _e, notice: _n, ...status } = s.status
      const history = a.history === false || a.text.trim() === '' || s.input.history.at(-1) === a.text ? s.input.history : [...s.input.history, a.text].slice(-200)
      const { compose: _c, ...rest } = s
      return { ...rest, status, input: { text: '', cursor: 0, history, historyIndex: null } }
    }
  }
}
