/**
 * One running chat: its state and the one way to change it (`dispatch`, which draws after), the
 * yes/no question in the status line, submitting the input line, scrolling, going away when idle,
 * and quitting. Keys (keymap.ts), commands (run-command.ts) and node events (node-events.ts) all
 * act through it.
 */
import { saveEdit, submitReaction } from './acts.js'
import { Alerts } from './alerts.js'
import { resolveMember, parseCommand, parseSetup } from './commands.js'
import { NodeEvents } from './node-events.js'
import { runCommand } from './run-command.js'
import { conversationLabel, currentConversation, initialState, reduce } from './state.js'
import { conversationView } from './views.js'
import type { ChatBackend } from './backend.js'
import type { ChatScreen } from './chat-screen.js'
import type { NotifyMode } from './notifier.js'
import type { Action, UiState } from './state.js'

/** After this long without a key, an available user shows as away. */
const IDLE_AWAY_MS = 10 * 60_000

/** What the chat may do besides talking to its node. */
export interface ChatOptions {
  /** run a node in this process when the one attached to stops (another chat ran it); the new backend */
  runNode?: () => Promise<ChatBackend>
  /**
   * when the node attached to stops: attach again if it is back within a moment (a daemon restarted,
   * by hand or by its service manager); the new backend, or undefined if none answered
   */
  reconnect?: () => Promise<ChatBackend | undefined>
  /** the user's full name from the OS account, to prefill the display name when joining */
  fullName?: string
  /** how to notify of mentions, direct and urgent messages while the chat is not in front (default desktop) */
  notify?: NotifyMode
}

/** What the chat needs of its screen (ChatScreen; a stub in tests). */
export type ChatTerminal = Pick<ChatScreen, 'outside' | 'mainWidth' | 'mainHeight' | 'overlaySize' | 'listHidden' | 'membersHidden' |
  'draw' | 'flush' | 'bell' | 'write' | 'realloc' | 'showOutside' | 'backInside' | 'destroy'>

/** The state of one chat, and what changes it. */
export class Chat {
  /** quit() was called: the backend closing now is no node stopping */
  quitting = false
  state: UiState = initialState({ colour: process.env.NO_COLOR === undefined || process.env.NO_COLOR === '' })
  /** the node this chat talks to (another one after it ran a node of its own) */
  backend: ChatBackend
  readonly screen: ChatTerminal
  readonly options: ChatOptions
  readonly alerts: Alerts
  /** the node's events, and loading what the state shows from the node */
  readonly node: NodeEvents
  /** whether the user is away because they were idle (a key makes them available again) */
  autoAway = false
  /** resolves when the user has quit */
  readonly finished: Promise<void>
  private done!: () => void
  private rang = 0
  private idleTimer: NodeJS.Timeout | undefined
  /** what Enter does while a question is in the status line (Esc drops it) */
  private pending: (() => Promise<void>) | undefined
  /** what Esc says instead of "cancelled" */
  private declined: string | undefined
  /** the question waiting is answered with y or n as well as Enter or Esc */
  yesNo = false

  constructor (backend: ChatBackend, screen: ChatTerminal, options: ChatOptions = {}) {
    this.backend = backend
    this.screen = screen
    this.options = options
    this.finished = new Promise<void>(resolve => { this.done = resolve })
    this.alerts = new Alerts({
      ...(options.notify !== undefined ? { mode: options.notify } : {}),
      write: (sequence) => { screen.write(sequence) },
      notice: (text) => { this.dispatch({ type: 'notice', text }) }
    })
    this.node = new NodeEvents(this)
  }

  /** Apply an action and draw the result. */
  readonly dispatch = (a: Action): void => {
    const { screen } = this
    // scrolled up: keep the same lines in view when new ones come in below
    const before = this.state.scroll > 0 && (a.type === 'message' || a.type === 'sent' || a.type === 'system' || a.type === 'happened' || a.type === 'replaced') ? conversationView(this.state, screen.mainWidth(), screen.mainHeight()).total : undefined
    this.state = reduce(this.state, a)
    if (before !== undefined && this.state.scroll > 0) {
      const grown = conversationView(this.state, screen.mainWidth(), screen.mainHeight()).total - before
      if (grown > 0) this.state = { ...this.state, scroll: this.state.scroll + grown }
    }
    this.render()
  }

  /** An operation failed: say why in the status line. */
  readonly fail = (err: unknown): void => { this.dispatch({ type: 'error', text: (err as Error).message }) }

  /** Show lines in the overlay. */
  show (title: string, lines: string[]): void { this.dispatch({ type: 'overlay', title, lines }) }

  /** Draw the state; ring (and notify) for a message that rang since the last time. */
  render (): void {
    if (this.screen.outside) return
    this.screen.draw(this.state)
    if (this.state.bell > this.rang) {
      this.rang = this.state.bell
      this.screen.bell()
      const m = this.state.alert
      if (m !== undefined) this.alerts.notify(m, conversationLabel(this.state, m.team, m.direct))
    }
    this.screen.flush()
  }

  /** Ask a yes/no question in the status line: Enter runs `yes`, Esc drops it (saying `no`, if given). */
  ask (question: string, yes: () => Promise<void>, no?: string): void {
    this.pending = yes
    this.declined = no
    this.yesNo = false
    this.dispatch({ type: 'confirm', question: `${question} Enter: yes · Esc: no` })
  }

  /** Ask a yes/no question that y (or Enter) answers yes and n (or Esc) no. */
  askYesNo (question: string, yes: () => Promise<void>): void {
    this.pending = yes
    this.declined = undefined
    this.yesNo = true
    this.dispatch({ type: 'confirm', question: `${question} y: yes · n: no` })
  }

  /** Show `prompt` in the status line: the next Enter runs `then`, Esc cancels. */
  onEnter (prompt: string, then: () => Promise<void>): void {
    this.pending = then
    this.dispatch({ type: 'confirm', question: prompt })
  }

  /** Whether a question waits for Enter or Esc. */
  asking (): boolean {
    return this.state.confirm !== undefined || this.pending !== undefined
  }

  /** Esc on a question: drop it, and say so. */
  decline (): void {
    const wasJoin = this.state.mode === 'setup'
    const no = this.declined
    this.pending = undefined
    this.declined = undefined
    this.yesNo = false
    this.dispatch({ type: 'confirmed' })
    if (wasJoin) this.dispatch({ type: 'input', text: '' })
    if (no !== undefined) this.dispatch({ type: 'error', text: no })
    else this.dispatch({ type: 'notice', text: 'cancelled' })
  }

  /** Enter: answer the question, or carry out what was typed. */
  submit (): void {
    if (this.pending !== undefined) {
      const yes = this.pending
      this.pending = undefined
      this.declined = undefined
      this.yesNo = false
      this.dispatch({ type: 'confirmed' })
      void yes().catch(this.fail)
      return
    }
    const text = this.state.input.text
    // before the node has answered, the chat cannot tell the first-run screen (where a line names a
    // new organisation) from a conversation: what was typed stays, to send once it can
    if (this.state.me.peerId === '' && text.trim() !== '') {
      this.dispatch({ type: 'notice', text: 'one moment: your node is still starting; press Enter again when your conversations show' })
      return
    }
    const compose = this.state.compose
    if (compose !== undefined && compose.kind !== 'reply') {
      // an edit or a reaction: not a command, and not kept in the input history
      this.dispatch({ type: 'submitted', text, history: false })
      void (compose.kind === 'edit' ? saveEdit(this, compose, text) : submitReaction(this, compose, text)).catch(this.fail)
      return
    }
    this.dispatch({ type: 'submitted', text })
    const cmd = this.state.mode === 'setup' ? parseSetup(text) : parseCommand(text)
    // a message typed as a reply, or in a thread shown: it replies
    const thread = this.state.thread
    const reply = compose !== undefined ? { team: compose.team, id: compose.id, compose } : thread !== undefined ? { team: thread.team, id: thread.root.id } : undefined
    void runCommand(this, cmd, text, reply).catch(this.fail)
  }

  /** Scroll the conversation by pages (up is positive); at the top of what is loaded, load the page before. */
  scroll (pages: number): void {
    const width = this.screen.mainWidth()
    const height = this.screen.mainHeight()
    const { total } = conversationView(this.state, width, height)
    this.dispatch({ type: 'scroll', lines: pages * (height - 1), max: Math.max(0, total - height) })
    const c = currentConversation(this.state)
    // at the top of what is loaded: fetch the page before it
    if (pages > 0 && c !== undefined && conversationView(this.state, width, height).atTop && c.before !== undefined) {
      void this.node.loadHistory(c.team, true).catch(this.fail)
    }
  }

  /** After switching conversations: load the one now shown if it is not yet. */
  switched (): void {
    const c = currentConversation(this.state)
    if (c !== undefined && !c.loaded) void this.node.loadHistory(c.team, false).catch(this.fail)
  }

  /** The user did something: back from idle away, and away again after IDLE_AWAY_MS without. */
  touched (): void {
    clearTimeout(this.idleTimer)
    if (this.autoAway && this.state.myStatus.status === 'away') {
      this.autoAway = false
      void this.backend.setPresence('available', '').then(p => { this.dispatch({ type: 'presence', p }) }).catch(this.fail)
    }
    this.idleTimer = setTimeout(() => {
      if (this.state.myStatus.status !== 'available') return
      this.autoAway = true
      void this.backend.setPresence('away', 'idle').then(p => { this.dispatch({ type: 'presence', p }) }).catch(this.fail)
    }, IDLE_AWAY_MS)
    this.idleTimer.unref()
  }

  /** The peer id of the member `who` names; throws saying why when it names none or several. */
  member (who: string): string {
    const m = resolveMember(this.state.members, who)
    if (typeof m === 'string') throw new Error(m)
    return m.peerId
  }

  /** End the chat: the terminal back as it was, the connection to the node closed. */
  quit (): void {
    this.quitting = true
    clearTimeout(this.idleTimer)
    this.screen.destroy()
    this.backend.close()
    this.done()
  }
}
