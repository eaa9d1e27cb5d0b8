import { describe, expect, it } from 'vitest'
import { keyHandler } from '../../../src/ui/keymap.js'
import type { Key } from '../../../src/ui/chat-screen.js'
import { settle, startChat } from './fixtures.js'

const key = (full: string, extra: Partial<Key> = {}): Key => ({ full, ...extra })

async function setup (): Promise<Awaited<ReturnType<typeof startChat>> & { press: (full: string, ch?: string, extra?: Partial<Key>) => void }> {
  const started = await startChat({ members: () => Promise.resolve([
    { peerId: 'peer-ann', name: 'Ann', admin: true, online: true, teams: ['dev', 'general'] },
    { peerId: 'peer-bob', name: 'Bob Marsh', admin: false, online: true, teams: ['dev', 'general'] },
    { peerId: 'peer-bea', name: 'Bea Jones', admin: false, online: true, teams: ['general'] }
  ]) })
  const handle = keyHandler(started.chat)
  return { ...started, press: (full, ch, extra) => { handle(ch, key(full, extra)) } }
}

describe('ui/keymap', () => {
  it('types printable characters, edits with the readline keys, and ignores other controls', async () => {
    const { chat, press } = await setup()
    for (const c of 'hi there') press(c === ' ' ? 'space' : c, c)
    press('C-w')
    press('C-a')
    press('>', '>')
    press('C-x', '\u0018', { ctrl: true })
    press('M-x', 'x', { meta: true })
    expect(chat.state.input).toMatchObject({ text: '>hi ', cursor: 1 })
    press('C-k')
    expect(chat.state.input.text).toBe('>')
    chat.quit()
  })

  it('moves between conversations with Ctrl-N/P and Alt-digit, loading one not yet loaded', async () => {
    const { chat, backend, press } = await setup()
    const loads = (): number => backend.calls.filter(c => c.method === 'history').length
    const before = loads()
    chat.dispatch({ type: 'open-direct', direct: { team: 'dm-1', peerId: 'peer-bob', name: 'Bob Marsh' } })
    press('M-3')
    expect(chat.state.current).toBe(2)
    await settle()
    expect(loads()).toBe(before + 1)
    press('C-n')
    expect(chat.state.current).toBe(0)
    press('C-p')
    expect(chat.state.current).toBe(2)
    press('M-9')
    expect(chat.state.current).toBe(2)
    chat.quit()
  })

  it('Esc answers no to a question, else closes the overlay; the overlay takes the scrolling keys', async () => {
    const { chat, press } = await setup()
    chat.show('help', Array.from({ length: 40 }, (_, i) => `line ${i}`))
    press('down')
    press('pagedown')
    expect(chat.state.overlay?.scroll).toBe(8)
    press('up')
    expect(chat.state.overlay?.scroll).toBe(7)
    chat.ask('Sure?', async () => {})
    press('escape')
    expect(chat.state.confirm).toBeUndefined()
    expect(chat.state.overlay).toBeDefined()
    press('escape')
    expect(chat.state.overlay).toBeUndefined()
    // without an overlay, Up is the input history
    chat.dispatch({ type: 'submitted', text: 'earlier' })
    press('up')
    expect(chat.state.input.text).toBe('earlier')
    chat.quit()
  })

  it('Tab completes a name; Tab again right after goes through the other matches', async () => {
    const { chat, press } = await setup()
    chat.dispatch({ type: 'input', text: 'hi @b' })
    press('tab')
    // two fit: the line keeps what they share, and the status line lists them
    expect(chat.state.input.text).toBe('hi @b')
    expect(chat.state.status.notice).toMatch(/^2 match: /)
    press('tab')
    const first = chat.state.input.text
    press('tab')
    const second = chat.state.input.text
    expect(new Set([first, second])).toEqual(new Set(['hi @Bea Jones ', 'hi @Bob Marsh ']))
    press('tab')
    expect(chat.state.input.text).toBe(first)
    // after another key, Tab starts again from what is typed
    press('x', 'x')
    press('tab')
    expect(chat.state.input.text).toBe(`${first}x`)
    chat.quit()
  })

  it('toggles the side panes from what is shown now, and End goes back to the newest message', async () => {
    const { chat, screen, press } = await setup()
    press('M-l')
    expect(chat.state.panes.list).toBe(false)
    screen.members = false
    press('M-m')
    expect(chat.state.panes.members).toBe(true)
    chat.dispatch({ type: 'scroll', lines: 3 })
    press('end')
    expect(chat.state.scroll).toBe(0)
    chat.quit()
  })

  it('outside the chat only Enter, Esc, q or space come back; Ctrl-C always quits', async () => {
    const { chat, screen, backend, press } = await setup()
    screen.showOutside(['token'])
    press('a', 'a')
    expect(screen.outside).toBe(true)
    expect(chat.state.input.text).toBe('')
    press('q', 'q')
    expect(screen.outside).toBe(false)
    expect(chat.state.input.text).toBe('')
    press('C-c')
    expect(backend.closed).toBe(true)
  })
})
