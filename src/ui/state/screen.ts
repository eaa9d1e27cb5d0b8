/**
 * What is shown around the conversations: the status line (peers, last sync, an error or a notice),
 * the overlay, the yes/no question, and which side panes are shown. Pure.
 */
import type { UiState } from '../state.js'

/** The actions of the status line, the overlay, the question and the panes. */
export type ScreenAction =
  | { type: 'peers', count: number }
  | { type: 'synced', at: number }
  | { type: 'error', text: string }
  | { type: 'notice', text: string }
  | { type: 'overlay', title: string, lines: string[] }
  /** scroll the overlay by `lines` (down is positive), to at most `max` lines down */
  | { type: 'overlay-scroll', lines: number, max?: number }
  | { type: 'close-overlay' }
  | { type: 'confirm', question: string }
  | { type: 'confirmed' }
  | { type: 'toggle-pane', pane: 'list' | 'members', shown: boolean }
  /** the terminal was resized: the panes go back to what its width allows */
  | { type: 'reset-panes' }

/** Apply an action of the status line, the overlay, the question or the panes. */
export function reduceScreen (s: UiState, a: ScreenAction): UiState {
  switch (a.type) {
    case 'peers':
      return { ...s, status: { ...s.status, peers: a.count } }
    case 'synced':
      return { ...s, status: { ...s.status, synced: a.at } }
    case 'error': {
      const { notice: _n, ...rest } = s.status
      return { ...s, status: { ...rest, error: a.text } }
    }
    case 'notice': {
      // an empty notice clears the one shown
      const { error: _e, notice: _n, ...rest } = s.status
      return { ...s, status: a.text === '' ? rest : { ...rest, notice: a.text } }
    }
    case 'overlay':
      return { ...s, overlay: { title: a.title, lines: a.lines, scroll: 0 } }
    case 'overlay-scroll':
      return s.overlay === undefined ? s : { ...s, overlay: { ...s.overlay, scroll: Math.max(0, Math.min(a.max ?? Number.MAX_SAFE_INTEGER, s.overlay.scroll + a.lines)) } }
    case 'close-overlay': {
      const { overlay: _o, ...rest } = s
      return rest
    }
    case 'confirm':
      return { ...s, confirm: a.question }
    case 'confirmed': {
      const { confirm: _c, ...rest } = s
      return rest
    }
    case 'toggle-pane':
      return { ...s, panes: { ...s.panes, [a.pane]: a.shown } }
    case 'reset-panes':
      return { ...s, panes: {} }
  }
}

/** `s` with `text` as the notice of the status line (the error, if any, goes). */
export function withNotice (s: UiState, text: string): UiState {
  return reduceScreen(s, { type: 'notice', text })
}
