/**
 * What the terminal sends that is not keys, read before blessed parses keys: a bracketed paste
 * (blessed would turn each pasted newline into a Return, a series of sends), Alt-Enter (blessed would
 * see Esc then Return) and focus reports (ESC [ I, ESC [ O).
 */
import { StringDecoder } from 'node:string_decoder'

const PASTE_START = '\u001b[200~'
const PASTE_END = '\u001b[201~'

/** Where each part of the terminal's input goes. */
export interface TerminalInputHandlers {
  /** a bracketed paste, whole, however many reads it came in */
  paste: (text: string) => void
  /** Alt-Enter: a new line in the message */
  newline: () => void
  /** the terminal got (true) or lost the focus */
  focus: (focused: boolean) => void
  /** everything else, for blessed to parse as keys */
  keys: (text: string) => void
}

/** Splits the terminal's input into pastes, Alt-Enters, focus reports and keys. */
export class TerminalInput {
  /** the paste read so far, while one is under way */
  private pasting: string | undefined
  private readonly handlers: TerminalInputHandlers

  constructor (handlers: TerminalInputHandlers) {
    this.handlers = handlers
  }

  /** Take one read of the terminal's input. */
  push (data: string): void {
    let rest = data
    while (rest !== '') {
      if (this.pasting !== undefined) {
        // the end marker may be split between two reads: look for it from just before this one
        const buffered = this.pasting + rest
        const end = buffered.indexOf(PASTE_END, Math.max(0, this.pasting.length - PASTE_END.length + 1))
        if (end === -1) { this.pasting = buffered; return }
        this.pasting = undefined
        rest = buffered.slice(end + PASTE_END.length)
        this.handlers.paste(buffered.slice(0, end))
        continue
      }
      const start = rest.indexOf(PASTE_START)
      let chunk = start === -1 ? rest : rest.slice(0, start)
      // focus reports: whether to notify, not keys
      chunk = chunk.replace(/\u001b\[([IO])/g, (_m, f: string) => { this.handlers.focus(f === 'I'); return '' })
      const parts = chunk.split(/\u001b[\r\n]/)
      parts.forEach((p, i) => {
        if (i > 0) this.handlers.newline()
        if (p !== '') this.handlers.keys(p)
      })
      if (start === -1) return
      this.pasting = ''
      rest = rest.slice(start + PASTE_START.length)
    }
  }
}

/**
 * Read `stdin` through a TerminalInput before the key parser that listens on it now (blessed's):
 * that parser then gets only the keys. Also asks the terminal for bracketed paste and focus reports.
 */
export function interceptTerminalInput (stdin: NodeJS.ReadStream, write: (sequence: string) => void, handlers: Omit<TerminalInputHandlers, 'keys'>): void {
  const keyListeners = stdin.listeners('data') as Array<(data: Buffer | string) => void>
  for (const l of keyListeners) stdin.removeListener('data', l)
  const input = new TerminalInput({ ...handlers, keys: (text) => { for (const l of keyListeners) l(Buffer.from(text)) } })
  // a character may be split between two reads (a long paste of non-ASCII text): decode across them
  const decoder = new StringDecoder('utf8')
  stdin.on('data', (data: Buffer | string) => { input.push(typeof data === 'string' ? data : decoder.write(data)) })
  // bracketed paste, and focus reports
  write('\u001b[?2004h\u001b[?1004h')
}
