/**
 * Drive a terminal program in tmux as a person would: type keys, read the screen. Each session has
 * its own tmux server socket, killed in `kill()`.
 */
import { execFile } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const exec = promisify(execFile)
let counter = 0

export class TmuxSession {
  readonly socket: string
  readonly rawFile: string

  private constructor (socket: string) {
    this.socket = socket
    this.rawFile = join(tmpdir(), `${socket}.raw`)
  }

  /** Start `command` (a shell command line) in a detached session of the given size. */
  static async start (command: string, size = { width: 110, height: 30 }): Promise<TmuxSession> {
    const s = new TmuxSession(`parley-test-${process.pid}-${counter++}`)
    await s.tmux('new-session', '-d', '-s', 'main', '-x', String(size.width), '-y', String(size.height), `NCURSES_NO_UTF8_ACS=1 ${command}`)
    // everything the program writes, raw, to spot terminal bells
    await s.tmux('pipe-pane', '-o', '-t', 'main', `cat >> ${s.rawFile}`)
    return s
  }

  private async tmux (...args: string[]): Promise<string> {
    const { stdout } = await exec('tmux', ['-L', this.socket, ...args])
    return stdout
  }

  /** Type literal text (no Enter). */
  async type (text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text)
  }

  /** Press keys by tmux name: Enter, PPage, NPage, M-2, C-n... */
  async press (...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', ...keys)
  }

  /** Type a line and press Enter. */
  async line (text: string): Promise<void> {
    await this.type(text)
    await this.press('Enter')
  }

  /**
   * Paste text as a terminal does when a person pastes: bracketed (ESC [200~ … ESC [201~) if the
   * program asked for it, with the newlines as carriage returns.
   */
  async paste (text: string): Promise<void> {
    await this.tmux('set-buffer', '-b', 'paste', text)
    await this.tmux('paste-buffer', '-p', '-d', '-b', 'paste', '-t', 'main')
  }

  /** Where the terminal's cursor is (0-based column and row), and whether it is shown. */
  async cursor (): Promise<{ x: number, y: number, visible: boolean }> {
    const [x, y, flag] = (await this.tmux('display-message', '-p', '-t', 'main', '#{cursor_x} #{cursor_y} #{cursor_flag}')).trim().split(' ')
    return { x: Number(x), y: Number(y), visible: flag === '1' }
  }

  /** Resize the terminal, as a person dragging the window would. */
  async resize (width: number, height: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'main', '-x', String(width), '-y', String(height))
  }

  /** Everything the program has written so far, raw (escape sequences and all). */
  async raw (): Promise<string> {
    return (await readFile(this.rawFile).catch(() => Buffer.alloc(0))).toString('utf8')
  }

  /** The screen with the lines the terminal wrapped by itself joined again (what a copy would give). */
  async joinedScreen (): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'main')
  }

  async screen (): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', 'main')
  }

  /** Wait until the screen matches, returning it; fails with the last screen after `timeoutMs`. */
  async waitFor (pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < deadline) {
      last = await this.screen().catch(() => last)
      if (pattern.test(last)) return last
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    throw new Error(`screen never matched ${String(pattern)}; last screen:\n${last}`)
  }

  /** How many terminal bells the program has rung so far. */
  async bells (): Promise<number> {
    const raw = await readFile(this.rawFile).catch(() => Buffer.alloc(0))
    // a BEL that is not the end of an OSC title sequence
    return (raw.toString('latin1').replace(/\u001b\][^\u0007]*\u0007/g, '').match(/\u0007/g) ?? []).length
  }

  /** Kill the session's tmux server (and so the program) and remove the raw capture and its socket. */
  async kill (): Promise<void> {
    await this.tmux('kill-server').catch(() => {}) // already gone
    await rm(this.rawFile, { force: true })
    // tmux leaves the socket file behind
    await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true })
  }
}
