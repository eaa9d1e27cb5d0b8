/**
 * The chat's terminal screen: the only module that imports blessed. It builds the panes, lays them
 * out for the terminal's width, and draws the views of a state into them.
 */
import blessed from 'blessed'
import { editorView } from './line-editor.js'
import { currentConversation } from './state.js'
import { charWidth, oneLine, wideCharPattern } from './text.js'
import { conversationList, conversationView, memberList, overlayView, removedView, setupView, statusLine } from './views.js'
import type { UiState } from './state.js'

/** Below these terminal widths the members pane, then the conversation list, are hidden (Alt-M, Alt-L). */
const MEMBERS_PANE_MIN_COLUMNS = 100
const LIST_PANE_MIN_COLUMNS = 64

/** A key as blessed reports it. */
export interface Key {
  full: string
  name?: string
  ctrl?: boolean
  meta?: boolean
}

/*
 * blessed's own width tables predate most emoji, so it would give 🎉 one cell where the terminal
 * draws two, leaving a cell over at the end of the line. Teach it ours (those of glibc, which tmux
 * and the common terminals use).
 */
function teachBlessedWidths (): void {
  // blessed.unicode is untyped in @types/blessed: a narrow view of the three fields it reads
  const unicode = (blessed as unknown as { unicode: { charWidth: (s: string | number, i?: number) => number, combining: Record<number, boolean>, chars: { all: RegExp } } }).unicode
  unicode.charWidth = (s, i = 0) => {
    const cp = typeof s === 'number' ? s : s.codePointAt(i) ?? 0
    return cp === 0x09 ? 1 : charWidth(cp)
  }
  unicode.chars.all = wideCharPattern()
  unicode.combining = new Proxy({}, { get: (_t, key) => typeof key === 'string' && charWidth(Number(key)) === 0 && Number(key) >= 0x300 })
}

/** The panes of the chat on the terminal, and what is drawn in them. */
export class ChatScreen {
  // enter()/leave() (the alternate screen) are blessed's but missing from @types/blessed
  private readonly screen: blessed.Widgets.Screen & { enter: () => void, leave: () => void }
  private readonly left: blessed.Widgets.BoxElement
  private readonly right: blessed.Widgets.BoxElement
  private readonly main: blessed.Widgets.BoxElement
  private readonly overlay: blessed.Widgets.BoxElement
  private readonly input: blessed.Widgets.BoxElement
  private readonly status: blessed.Widgets.BoxElement
  /** where the cursor goes after drawing: the row of the input line, the column after the prompt */
  private cursorColumn = 0
  /** text shown on the terminal's normal screen, outside the chat, until a key is pressed */
  outside = false

  constructor () {
    teachBlessedWidths()
    this.screen = blessed.screen({ smartCSR: true, fullUnicode: true, title: 'parley', dockBorders: true }) as blessed.Widgets.Screen & { enter: () => void, leave: () => void }
    const screen = this.screen
    this.left = blessed.box({ parent: screen, top: 0, left: 0, width: 22, bottom: 2, tags: false, border: { type: 'line' }, label: ' conversations ', wrap: false })
    this.right = blessed.box({ parent: screen, top: 0, right: 0, width: 28, bottom: 2, tags: false, border: { type: 'line' }, label: ' members ', wrap: false })
    // lines are wrapped by the views, so blessed must not wrap them again
    this.main = blessed.box({ parent: screen, top: 0, left: 21, right: 27, bottom: 2, tags: false, border: { type: 'line' }, wrap: false })
    this.overlay = blessed.box({ parent: screen, top: 1, left: 2, right: 2, bottom: 3, tags: false, border: { type: 'line' }, wrap: false, hidden: true })
    this.input = blessed.box({ parent: screen, bottom: 1, left: 0, right: 0, height: 1, tags: false, wrap: false })
    this.status = blessed.box({ parent: screen, bottom: 0, left: 0, right: 0, height: 1, tags: false, wrap: false, style: { inverse: true } })
  }

  /** The columns the conversation's lines may use. */
  mainWidth (): number { return Math.max(10, (this.main.width as number) - 3) }
  /** The rows of the conversation pane. */
  mainHeight (): number { return Math.max(1, (this.main.height as number) - 2) }
  /** The columns and rows the overlay's lines may use. */
  overlaySize (): { width: number, height: number } {
    return { width: Math.max(10, (this.overlay.width as number) - 4), height: Math.max(1, (this.overlay.height as number) - 2) }
  }

  /** Whether the conversation list is hidden now (by the user or the terminal's width). */
  listHidden (): boolean { return this.left.hidden }
  /** Whether the members pane is hidden now. */
  membersHidden (): boolean { return this.right.hidden }

  /** The terminal's input, which blessed reads keys from. */
  stdin (): NodeJS.ReadStream { return this.screen.program.input as NodeJS.ReadStream }

  /** Call `listener` for each key. */
  onKeypress (listener: (ch: string | undefined, key: Key) => void): void {
    this.screen.on('keypress', listener)
  }

  /** Call `listener` when the terminal was resized (after the screen has been reallocated). */
  onResize (listener: () => void): void {
    this.screen.on('resize', () => { this.screen.realloc(); listener() })
  }

  /** Write escape sequences straight to the terminal. */
  write (sequence: string): void { this.screen.program.write(sequence) }
  /** Ring the terminal's bell. */
  bell (): void { this.screen.program.bell() }
  /** Redraw everything from scratch on the next render (Ctrl-L, back from outside). */
  realloc (): void { this.screen.realloc() }

  /**
   * Show lines on the terminal's own screen, outside the chat, as plain output: a long line (an invite
   * token) is then one line the terminal wraps by itself, and copies as one, and it stays in the
   * terminal's scrollback after the chat ends. Any key goes back.
   */
  showOutside (lines: string[]): void {
    this.outside = true
    this.screen.leave()
    process.stdout.write(`\n${lines.join('\n')}\n\nPress Enter to go back to the chat.\n`)
  }

  /** Back to the chat from outside (the caller draws it again). */
  backInside (): void {
    this.outside = false
    this.screen.enter()
    this.screen.realloc()
  }

  /** Give the terminal back: the alternate screen, bracketed paste and focus reports off. */
  destroy (): void {
    if (this.outside) this.screen.enter()
    this.screen.program.write('\u001b[?2004l\u001b[?1004l')
    this.screen.destroy()
  }

  /** Put the views of `state` into the panes (`flush` shows them). */
  draw (state: UiState): void {
    this.layout(state)
    const { left, right, main, overlay } = this
    const width = this.mainWidth()
    const height = this.mainHeight()
    if (state.mode === 'setup') {
      main.setLabel(' parley ')
      main.setContent(setupView(state, width).join('\n'))
    } else if (state.mode === 'removed' && currentConversation(state) === undefined) {
      left.setContent('')
      right.setContent('')
      main.setLabel(' parley ')
      main.setContent(removedView(state, width).join('\n'))
    } else {
      left.setContent(conversationList(state, (left.width as number) - 2).join('\n'))
      right.setContent(memberList(state, (right.width as number) - 2).join('\n'))
      const c = currentConversation(state)
      main.setLabel(state.thread !== undefined ? ` thread in ${oneLine(state.conversations.find(x => x.team === state.thread?.team)?.label ?? '')} ` : c !== undefined ? ` ${oneLine(c.label)} ` : ' parley ')
      main.setContent(conversationView(state, width, height).lines.join('\n'))
    }
    if (state.overlay !== undefined) {
      const { width: w, height: h } = this.overlaySize()
      const view = overlayView(state, w, h)
      overlay.setLabel(` ${oneLine(state.overlay.title)} · Esc closes${view.more ? ' · Down/PgDn for more' : ''} `)
      overlay.setContent(view.lines.map(l => ` ${l}`).join('\n'))
      overlay.show()
      overlay.setFront()
    } else {
      overlay.hide()
    }
    const cols = this.screen.width as number
    const lines = state.input.text.split('\n').length
    // what Enter does with the line: a reply, an edit, a reaction, or a new message
    const mode = state.compose?.kind ?? (state.thread !== undefined ? 'reply' : undefined)
    const prompt = `${lines > 1 ? `[${lines} lines] ` : ''}${mode !== undefined ? `${mode} ` : ''}> `
    const view = editorView(state.input, Math.max(4, cols - prompt.length - 1))
    this.input.setContent(prompt + view.text)
    this.status.setContent(statusLine(state))
    this.cursorColumn = prompt.length + view.cursor
  }

  /** Show what was drawn, with the cursor where the next character goes. */
  flush (): void {
    this.screen.render()
    this.screen.program.cup((this.screen.height as number) - 2, this.cursorColumn)
    this.screen.program.showCursor()
  }

  private layout (state: UiState): void {
    const cols = this.screen.width as number
    const showList = state.mode !== 'setup' && (state.panes.list ?? cols >= LIST_PANE_MIN_COLUMNS)
    const showMembers = state.mode !== 'setup' && (state.panes.members ?? cols >= MEMBERS_PANE_MIN_COLUMNS)
    const listWidth = cols >= MEMBERS_PANE_MIN_COLUMNS ? 22 : 18
    const membersWidth = cols >= 120 ? 30 : 26
    if (showList) this.left.show(); else this.left.hide()
    if (showMembers) this.right.show(); else this.right.hide()
    this.left.width = listWidth
    this.left.setLabel(listWidth >= 22 ? ' conversations ' : ' chats ')
    this.right.width = membersWidth
    // the borders are shared where panes meet
    this.main.left = showList ? listWidth - 1 : 0
    this.main.right = showMembers ? membersWidth - 1 : 0
  }
}
