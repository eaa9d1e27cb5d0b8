/**
 * Choosing a message (selection mode: Alt-Up, then j/k or the arrows), and what the input line is
 * for when it is not a new message: a reply to a message, an edit of one of yours (Up on an empty
 * line takes your last message), or a reaction. Pure.
 */
import type { Compose, UiState } from '../state.js'
import { reduceInput } from './input.js'
import { withNotice } from './screen.js'
import { currentConversation, selectableMessages } from './selectors.js'

/** The actions of selection mode and of composing a reply, an edit or a reaction. */
export type SelectionAction =
  /** enter selection mode on `id`, or on the newest message shown */
  | { type: 'select', id?: string }
  /** move the selection by `by` messages (down is positive), within what is shown */
  | { type: 'select-move', by: number }
  | { type: 'select-end' }
  /** the input line is now for `compose`; `text` replaces what it holds (undefined: kept) */
  | { type: 'compose', compose: Compose, text?: string }
  /** back to a new message; `clear` empties the input line too */
  | { type: 'compose-end', clear?: boolean }
  /** Up on an empty line: edit your last message here; with none, choose one (selection mode) */
  | { type: 'edit-last' }

/** Whether this user can edit `m`: their own, stored, readable, neither deleted nor a file nor forked. */
export function editable (s: UiState, m: { author: string, state?: string, deleted?: unknown, readable: boolean, file?: unknown, forked?: unknown, flag?: unknown }): boolean {
  return m.author === s.me.peerId && m.state !== 'sending' && m.state !== 'failed' && m.deleted === undefined && m.readable && m.file === undefined && m.forked === undefined && m.flag === undefined
}

/** `s` out of selection mode. */
function unselected (s: UiState): UiState {
  const { selected: _s, ...rest } = s
  return rest
}

/** `s` with the status line's error and notice gone: entering or leaving selection mode is a new start. */
function quiet (s: UiState): UiState {
  const { error: _e, notice: _n, ...status } = s.status
  return { ...s, status }
}

/** Apply an action of selection mode or of composing. */
export function reduceSelection (s: UiState, a: SelectionAction): UiState {
  switch (a.type) {
    case 'select': {
      const shown = selectableMessages(s)
      if (shown.length === 0) return withNotice(s, 'no message here to choose')
      const id = a.id !== undefined && shown.some(m => m.id === a.id) ? a.id : shown.at(-1)!.id
      return { ...quiet(s), selected: id }
    }
    case 'select-move': {
      const shown = selectableMessages(s)
      if (shown.length === 0) return unselected(s)
      const at = shown.findIndex(m => m.id === s.selected)
      // the selected message went (a history reload): start again from the newest
      const from = at === -1 ? shown.length - 1 : at
      const to = Math.max(0, Math.min(shown.length - 1, from + a.by))
      return { ...s, selected: shown[to]!.id }
    }
    case 'select-end':
      return quiet(unselected(s))
    case 'compose': {
      // what the status line said before (the keys of selection mode) is over: it says what Enter does now
      const next = withNotice({ ...unselected(s), compose: a.compose }, '')
      return a.text === undefined ? next : reduceInput(next, { type: 'input', text: a.text })
    }
    case 'compose-end': {
      const { compose: _c, ...rest } = s
      return a.clear === true ? reduceInput(rest, { type: 'input', text: '' }) : rest
    }
    case 'edit-last': {
      const shown = selectableMessages(s)
      const mine = [...shown].reverse().find(m => editable(s, m))
      const team = s.thread?.team ?? currentConversation(s)?.team
      if (mine !== undefined && team !== undefined) {
        return reduceSelection(s, { type: 'compose', compose: { kind: 'edit', team: mine.team, id: mine.id }, text: mine.text })
      }
      // nothing of yours to edit: choose a message instead, or (an empty conversation) the input history
      if (shown.length > 0) return reduceSelection(s, { type: 'select' })
      return reduceInput(s, { type: 'input-history', direction: -1 })
    }
  }
}
