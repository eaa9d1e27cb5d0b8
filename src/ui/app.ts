/**
 * The terminal UI: `runChat` puts the chat together — the screen (chat-screen.ts, the only importer
 * of blessed), the chat's state and actions (chat.ts), its keys (keymap.ts), what the terminal sends
 * besides keys (terminal-input.ts) and its node's events (node-events.ts) — and runs it until the
 * user quits.
 */
import { Chat } from './chat.js'
import { ChatScreen } from './chat-screen.js'
import { keyHandler } from './keymap.js'
import { interceptTerminalInput } from './terminal-input.js'
import type { ChatBackend } from './backend.js'
import type { ChatOptions } from './chat.js'

export type { ChatOptions } from './chat.js'

/** Run the chat UI until the user quits. */
export async function runChat (firstBackend: ChatBackend, options: ChatOptions = {}): Promise<void> {
  const screen = new ChatScreen()
  const chat = new Chat(firstBackend, screen, options)
  screen.onKeypress(keyHandler(chat))
  interceptTerminalInput(screen.stdin(), (sequence) => { screen.write(sequence) }, {
    paste: (text) => { chat.touched(); chat.dispatch({ type: 'paste', text }) },
    newline: () => { chat.touched(); chat.dispatch({ type: 'edit', edit: { type: 'insert', text: '\n' } }) },
    // whether to notify: not while the chat is in front
    focus: (focused) => { chat.alerts.focused = focused }
  })
  screen.onResize(() => { chat.dispatch({ type: 'reset-panes' }) })
  chat.node.attach(chat.backend)
  chat.touched()
  chat.render()
  await chat.node.start()
  return chat.finished
}
