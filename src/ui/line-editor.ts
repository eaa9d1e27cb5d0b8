/**
 * The input line as an editor: text, a cursor, and the edits of readline/emacs (Ctrl-A/E, Alt-B/F,
 * Ctrl-W/U/K...). Pure: every edit returns a new editor, and `editorView` says what a line of a given
 * width shows and where the cursor goes, so the terminal only draws it.
 */
import { charWidth } from './text.js'

/** The text being typed, and the cursor as a code point index into it (0 = before the first). */
export interface LineEditor {
  text: string
  cursor: number
}

/** Every edit the input line knows. */
export type Edit =
  | { type: 'insert', text: string }
  | { type: 'left' } | { type: 'right' }
  | { type: 'home' } | { type: 'end' }
  | { type: 'word-left' } | { type: 'word-right' }
  | { type: 'backspace' } | { type: 'delete' }
  /** Ctrl-W: the word before the cursor */
  | { type: 'kill-word-back' }
  /** Ctrl-U: everything before the cursor */
  | { type: 'kill-to-start' }
  /** Ctrl-K: everything after the cursor */
  | { type: 'kill-to-end' }
  /** Alt-D: the word after the cursor */
  | { type: 'kill-word-forward' }

/** An editor holding `text`, the cursor at its end. */
export function editorOf (text = ''): LineEditor {
  return { text, cursor: [...text].length }
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch)

/** Where the word before `at` starts (skipping the spaces and punctuation before it). */
function wordStart (chars: string[], at: number): number {
  let i = at
  while (i > 0 && !isWordChar(chars[i - 1])) i--
  while (i > 0 && isWordChar(chars[i - 1])) i--
  return i
}

/** Where the word after `at` ends. */
function wordEnd (chars: string[], at: number): number {
  let i = at
  while (i < chars.length && !isWordChar(chars[i])) i++
  while (i < chars.length && isWordChar(chars[i])) i++
  return i
}

/** Apply one edit. */
export function edit (e: LineEditor, a: Edit): LineEditor {
  const chars = [...e.text]
  const at = Math.max(0, Math.min(e.cursor, chars.length))
  const splice = (from: number, to: number, insert: string[] = []): LineEditor =>
    ({ text: [...chars.slice(0, from), ...insert, ...chars.slice(to)].join(''), cursor: from + insert.length })
  switch (a.type) {
    case 'insert': return splice(at, at, [...a.text])
    case 'left': return { ...e, cursor: Math.max(0, at - 1) }
    case 'right': return { ...e, cursor: Math.min(chars.length, at + 1) }
    case 'home': return { ...e, cursor: 0 }
    case 'end': return { ...e, cursor: chars.length }
    case 'word-left': return { ...e, cursor: wordStart(chars, at) }
    case 'word-right': return { ...e, cursor: wordEnd(chars, at) }
    case 'backspace': return at === 0 ? e : splice(at - 1, at)
    case 'delete': return at === chars.length ? e : splice(at, at + 1)
    case 'kill-word-back': {
      // like Ctrl-W in a shell: back over spaces, then over the word (anything but spaces)
      let i = at
      while (i > 0 && /\s/.test(chars[i - 1]!)) i--
      while (i > 0 && !/\s/.test(chars[i - 1]!)) i--
      return splice(i, at)
    }
    case 'kill-word-forward': return splice(at, wordEnd(chars, at))
    case 'kill-to-start': return splice(0, at)
    case 'kill-to-end': return splice(at, chars.length)
  }
}

/** What the input line shows in `width` columns: the visible part and the cursor's column in it. */
export function editorView (e: LineEditor, width: number): { text: string, cursor: number, left: boolean, right: boolean } {
  // a newline of a multi-line message shows as ↵, on the same line; a control, bidi or invisible
  // character (in a completed name, say) as �, so it can neither move nor reverse the line
  const cells = [...e.text].map(ch => ch === '\n' ? '↵' : /[\u0000-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/u.test(ch) ? '\uFFFD' : ch)
  const at = Math.max(0, Math.min(e.cursor, cells.length))
  const w = (ch: string): number => charWidth(ch.codePointAt(0)!)
  const room = Math.max(2, width)
  // scroll just enough that the cursor (and one cell for it) is on screen
  let start = 0
  // the cell under the cursor (its character, or a blank at the end), and the › marker after it
  let used = (at < cells.length ? w(cells[at]!) : 1) + (at < cells.length - 1 ? 1 : 0)
  for (let i = at - 1; i >= 0; i--) {
    if (used + w(cells[i]!) > room - (i > 0 ? 1 : 0)) { start = i + 1; break }
    used += w(cells[i]!)
  }
  const marker = start > 0 ? '‹' : ''
  let text = marker
  let col = marker.length
  let cursor = 0
  let i = start
  for (; i < cells.length; i++) {
    if (i === at) cursor = col
    const cw = w(cells[i]!)
    if (col + cw > room - (i < cells.length - 1 ? 1 : 0)) break
    text += cells[i]
    col += cw
  }
  if (i >= cells.length && at >= cells.length) cursor = col
  const right = i < cells.length
  return { text: right ? text + '›' : text, cursor, left: start > 0, right }
}
