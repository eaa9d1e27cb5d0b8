/**
 * What each key does in the chat: the line editor's keys, moving between conversations, scrolling,
 * the overlay, Tab completion, Enter and Esc; choosing a message (selection mode) and what the keys
 * do to it; Up on an empty line to edit your last message.
 */
import { confirmDelete, openThread, selectedMessage, showReactions, startEdit, startReact, startReply, submitReaction } from './acts.js'
import { complete } from './complete.js'
import { currentConversation, mentionable } from './state.js'
import { overlayView } from './views.js'
import type { Chat } from './chat.js'
import type { Key } from './chat-screen.js'
import type { Edit, LineEditor } from './line-editor.js'
import type { ChatMessage } from './state.js'

/** What each key does in selection mode, once a message is chosen. */
const SELECTION_KEYS = 'Up/Down or k/j move · r reply · e edit · d delete · + react · w who reacted · t thread · Esc back'

/** Carry out an act on a message; what it throws (at once or later) is said in the status line. */
function act (chat: Chat, f: () => void | Promise<void>): void {
  try {
    const p = f()
    if (p !== undefined) void p.catch(chat.fail)
  } catch (err) {
    chat.fail(err)
  }
}

/**
 * A key in selection mode: true when it was one of its keys. Other keys that move between
 * conversations or panes end selection mode and go on to do what they do.
 */
function selectionKey (chat: Chat, ch: string | undefined, full: string): boolean {
  const move = (by: number): void => { chat.dispatch({ type: 'select-move', by }) }
  const m = selectedMessage(chat)
  const on = (f: (m: ChatMessage) => void | Promise<void>): void => {
    if (m === undefined) { chat.dispatch({ type: 'select-end' }); return }
    act(chat, () => f(m))
  }
  switch (full) {
    case 'up': case 'k': move(-1); return true
    case 'down': case 'j': move(1); return true
    case 'pageup': move(-5); return true
    case 'pagedown': move(5); return true
    case 'home': case 'g': move(-Number.MAX_SAFE_INTEGER); return true
    case 'end': case 'S-g': move(Number.MAX_SAFE_INTEGER); return true
    case 'r': on(x => { startReply(chat, x) }); return true
    case 'e': on(x => { startEdit(chat, x) }); return true
    case 'd': on(x => { confirmDelete(chat, x) }); return true
    case '+': case 'S-=': on(x => { startReact(chat, x) }); return true
    case 'w': on(x => { showReactions(chat, x) }); return true
    case 't': case 'return': on(async x => openThread(chat, x)); return true
    case 'enter': return true
  }
  if (ch === '+') { on(x => { startReact(chat, x) }); return true }
  if (ch !== undefined && ch.length > 0 && !/[\u0000-\u001f\u007f]/.test(ch) && !full.startsWith('M-') && !full.startsWith('C-')) {
    chat.dispatch({ type: 'notice', text: SELECTION_KEYS })
    return true
  }
  // any other key (Alt-2, Ctrl-N...): out of selection mode, and on to what it does
  chat.dispatch({ type: 'select-end' })
  return false
}

/** The keys of the line editor (readline/emacs), and the edit each makes. */
export const EDIT_KEYS: Readonly<Record<string, Edit>> = {
  left: { type: 'left' },
  right: { type: 'right' },
  home: { type: 'home' },
  'C-a': { type: 'home' },
  end: { type: 'end' },
  'C-e': { type: 'end' },
  'M-b': { type: 'word-left' },
  'C-left': { type: 'word-left' },
  'M-f': { type: 'word-right' },
  'C-right': { type: 'word-right' },
  backspace: { type: 'backspace' },
  'C-h': { type: 'backspace' },
  delete: { type: 'delete' },
  'C-d': { type: 'delete' },
  'C-w': { type: 'kill-word-back' },
  'M-backspace': { type: 'kill-word-back' },
  'M-d': { type: 'kill-word-forward' },
  'C-u': { type: 'kill-to-start' },
  'C-k': { type: 'kill-to-end' }
}

/** The handler of the chat's keys (`ch`: the character typed, if any). */
export function keyHandler (chat: Chat): (ch: string | undefined, key: Key) => void {
  /** the last Tab that found several choices: what it completed, and which choice it shows */
  let lastTab: { base: LineEditor, after: LineEditor, pick: number } | undefined
  return (ch, key) => {
    chat.touched()
    const full = key.full
    if (full === 'C-c') { chat.quit(); return }
    if (chat.screen.outside) {
      if (full === 'return' || full === 'escape' || full === 'q' || full === 'space') { chat.screen.backInside(); chat.render() }
      return
    }
    // a question answered with y or n (deleting a message): only those, Enter and Esc
    if (chat.asking() && chat.yesNo) {
      if (ch === 'y' || ch === 'Y' || full === 'return') chat.submit()
      else if (ch === 'n' || ch === 'N' || full === 'escape') chat.decline()
      return
    }
    if (full === 'escape') {
      const compose = chat.state.compose
      if (chat.asking()) chat.decline()
      else if (chat.state.overlay !== undefined) chat.dispatch({ type: 'close-overlay' })
      else if (compose !== undefined) {
        // an edit or a reaction typed goes; a reply typed stays, as a new message
        chat.dispatch({ type: 'compose-end', clear: compose.kind !== 'reply' })
        chat.dispatch({ type: 'notice', text: compose.kind === 'edit' ? 'edit cancelled' : compose.kind === 'react' ? 'reaction cancelled' : 'no longer a reply' })
      } else if (chat.state.selected !== undefined) chat.dispatch({ type: 'select-end' })
      else if (chat.state.thread !== undefined) chat.dispatch({ type: 'thread-close' })
      return
    }
    if (chat.state.overlay !== undefined) {
      // the overlay takes the scrolling keys while it is open
      const { width: w, height: h } = chat.screen.overlaySize()
      if (full === 'up' || full === 'pageup' || full === 'down' || full === 'pagedown') {
        const { total } = overlayView(chat.state, w, h)
        chat.dispatch({ type: 'overlay-scroll', lines: full === 'up' ? -1 : full === 'down' ? 1 : full === 'pageup' ? -(h - 1) : h - 1, max: Math.max(0, total - h) })
        return
      }
    }
    if (chat.state.overlay === undefined && chat.state.selected !== undefined && selectionKey(chat, ch, full)) return
    // Alt-Up: choose a message
    if (full === 'M-up') { chat.dispatch({ type: 'select' }); return }
    // the reaction prompt: 1-6 on an empty line react with a quick one at once
    const compose = chat.state.compose
    if (compose?.kind === 'react' && chat.state.input.text === '' && ch !== undefined && /^[1-6]$/.test(ch)) {
      chat.dispatch({ type: 'submitted', text: '', history: false })
      act(chat, async () => submitReaction(chat, compose, ch))
      return
    }
    const alt = /^M-([1-9])$/.exec(full)
    if (alt !== null) {
      chat.dispatch({ type: 'switch', index: Number(alt[1]) - 1 })
      chat.switched()
      return
    }
    const editKey = EDIT_KEYS[full]
    // End: back to the newest message, once the cursor is at the end of what is typed (a first End
    // on a line being typed goes to its end)
    if (full === 'end' && chat.state.input.cursor >= [...chat.state.input.text].length && chat.state.scroll > 0) { chat.dispatch({ type: 'bottom' }); return }
    if (editKey !== undefined) { chat.dispatch({ type: 'edit', edit: editKey }); return }
    switch (full) {
      case 'C-n': chat.dispatch({ type: 'next' }); chat.switched(); return
      case 'C-p': chat.dispatch({ type: 'prev' }); chat.switched(); return
      case 'M-a': chat.dispatch({ type: 'next-active' }); chat.switched(); return
      case 'M-l': chat.dispatch({ type: 'toggle-pane', pane: 'list', shown: chat.screen.listHidden() }); return
      case 'M-m': chat.dispatch({ type: 'toggle-pane', pane: 'members', shown: chat.screen.membersHidden() }); return
      case 'C-l': chat.screen.realloc(); chat.render(); return
      case 'pageup': chat.scroll(1); return
      case 'pagedown': chat.scroll(-1); return
      case 'M-end':
      case 'C-end': chat.dispatch({ type: 'bottom' }); return
      // Up on an empty line: edit your last message here (with none, choose a message)
      case 'up': chat.dispatch(chat.state.input.text === '' && chat.state.input.historyIndex === null && chat.state.compose === undefined ? { type: 'edit-last' } : { type: 'input-history', direction: -1 }); return
      case 'down': chat.dispatch({ type: 'input-history', direction: 1 }); return
      // the input history from an empty line too (where Up edits your last message)
      case 'C-up': case 'M-p': chat.dispatch({ type: 'input-history', direction: -1 }); return
      case 'C-down': case 'M-n': chat.dispatch({ type: 'input-history', direction: 1 }); return
      case 'return': chat.submit(); return
      case 'enter': return // blessed reports a Return twice, as 'enter' and 'return'
      case 'linefeed': chat.dispatch({ type: 'edit', edit: { type: 'insert', text: '\n' } }); return
      case 'tab': {
        const teams = chat.state.teams.filter(t => t.joined).map(t => t.name)
        const people = mentionable(chat.state).filter(p => p.peerId !== chat.state.me.peerId)
        // Tab again right after a Tab that found several: the next of them, whole
        const again = lastTab !== undefined && lastTab.after.text === chat.state.input.text && lastTab.after.cursor === chat.state.input.cursor ? lastTab : undefined
        const base = again !== undefined ? again.base : { text: chat.state.input.text, cursor: chat.state.input.cursor }
        const pick = again !== undefined ? again.pick + 1 : undefined
        const r = complete(base, { people, teams, groups: currentConversation(chat.state)?.direct === undefined }, pick)
        lastTab = r.choices.length > 1 ? { base, after: r.editor, pick: pick ?? -1 } : undefined
        chat.dispatch({ type: 'input', text: r.editor.text, cursor: r.editor.cursor })
        chat.dispatch({ type: 'notice', text: r.choices.length > 0 ? `${r.choices.length} match: ${r.choices.join(' · ')}` : '' })
        return
      }
    }
    if (ch !== undefined && ch.length > 0 && key.ctrl !== true && key.meta !== true && !/[\u0000-\u001f\u007f]/.test(ch)) {
      chat.dispatch({ type: 'edit', edit: { type: 'insert', text: ch } })
    }
  }
}
