import { afterEach, describe, expect, it, vi } from 'vitest'
import { Chat } from '../../../src/ui/chat.js'
import { currentConversation } from '../../../src/ui/state.js'
import { msg, settle, startChat, stubBackend, stubScreen, typeLine } from './fixtures.js'

describe('ui/chat', () => {
  afterEach(() => { vi.useRealTimers() })

  it('draws after every action, and rings (and notifies) once per message that rang', async () => {
    const { chat, screen } = await startChat({}, { notify: 'terminal' })
    const draws = screen.draws
    chat.dispatch({ type: 'notice', text: 'x' })
    expect(screen.draws).toBe(draws + 1)
    chat.dispatch({ type: 'message', m: msg({ team: 'dev', text: '@ann look', authorName: 'Bob' }) })
    chat.dispatch({ type: 'notice', text: 'y' })
    expect(screen.bells).toBe(1)
    expect(screen.written).toEqual(['\u001b]777;notify;Bob in #dev;@ann look\u0007\u001b]9;Bob in #dev: @ann look\u0007'])
    // outside the chat (an invite shown on the terminal's own screen) nothing is drawn
    screen.outside = true
    chat.dispatch({ type: 'notice', text: 'z' })
    expect(screen.draws).toBe(draws + 3)
    chat.quit()
  })

  it('scrolled up, keeps the same lines in view when a message comes in below', async () => {
    const { chat } = await startChat()
    for (let i = 0; i < 30; i++) chat.dispatch({ type: 'message', m: msg({ text: `line ${i}` }) })
    chat.scroll(1)
    const up = chat.state.scroll
    expect(up).toBeGreaterThan(0)
    chat.dispatch({ type: 'message', m: msg({ text: 'one more' }) })
    expect(chat.state.scroll).toBe(up + 1)
    expect(chat.state.newBelow).toBe(1)
    chat.quit()
  })

  it('keeps a line typed before the node answered, instead of taking it for a new organisation\'s name', async () => {
    let answer: (info: Awaited<ReturnType<ReturnType<typeof stubBackend>['info']>>) => void = () => {}
    const base = stubBackend()
    const backend = stubBackend({ info: async () => new Promise(resolve => { answer = resolve }) })
    const chat = new Chat(backend, stubScreen())
    chat.node.attach(backend)
    const started = chat.node.start()
    chat.dispatch({ type: 'input', text: 'hello all' })
    chat.submit()
    await settle()
    expect(chat.asking()).toBe(false)
    expect(chat.state.input.text).toBe('hello all')
    expect(chat.state.status.notice).toMatch(/still starting/)
    expect(backend.calls.filter(c => c.method === 'createOrg' || c.method === 'send')).toEqual([])
    answer(await base.info())
    await started
    chat.submit()
    await settle()
    expect(backend.calls.filter(c => c.method === 'send')).toEqual([{ method: 'send', args: ['general', 'hello all', false] }])
    chat.quit()
  })

  it('sends what is typed to the conversation shown, and shows it as sent', async () => {
    const { chat, backend } = await startChat()
    await typeLine(chat, 'hello all')
    expect(backend.calls.filter(c => c.method === 'send')).toEqual([{ method: 'send', args: ['general', 'hello all', false] }])
    expect(currentConversation(chat.state)!.lines.at(-1)).toMatchObject({ kind: 'message', m: { text: 'hello all', state: 'synced' } })
    expect(chat.state.input.history).toEqual(['hello all'])
    chat.quit()
  })

  it('asks in the status line: Enter runs the answer, Esc says what was declined (or "cancelled")', async () => {
    const { chat } = await startChat()
    let ran = 0
    chat.ask('Really?', () => { ran++; return Promise.resolve() }, 'kept as it was')
    expect(chat.state.confirm).toBe('Really? Enter: yes · Esc: no')
    expect(chat.asking()).toBe(true)
    chat.submit()
    await settle()
    expect(ran).toBe(1)
    expect(chat.asking()).toBe(false)
    chat.ask('Again?', () => { ran++; return Promise.resolve() }, 'kept as it was')
    chat.decline()
    expect(chat.state.status.error).toBe('kept as it was')
    chat.onEnter('Enter: go · Esc: cancel', () => { ran++; return Promise.resolve() })
    chat.decline()
    expect(chat.state.status.notice).toBe('cancelled')
    expect(ran).toBe(1)
    // a failing answer is said in the status line
    chat.ask('Fail?', () => Promise.reject(new Error('it broke')))
    chat.submit()
    await settle()
    expect(chat.state.status.error).toBe('it broke')
    chat.quit()
  })

  it('goes away after ten idle minutes, and is available again at the next key', async () => {
    vi.useFakeTimers()
    const backend = stubBackend()
    const chat = new Chat(backend, stubScreen())
    chat.dispatch({ type: 'connected', info: { peerId: 'peer-ann', name: 'Ann', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: true }, teams: [] }, teams: [], members: [], presence: [] })
    chat.touched()
    await vi.advanceTimersByTimeAsync(9 * 60_000)
    expect(backend.calls.filter(c => c.method === 'setPresence')).toEqual([])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(backend.calls.filter(c => c.method === 'setPresence')).toEqual([{ method: 'setPresence', args: ['away', 'idle'] }])
    expect(chat.state.myStatus.status).toBe('away')
    chat.touched()
    await vi.advanceTimersByTimeAsync(0)
    expect(backend.calls.filter(c => c.method === 'setPresence').at(-1)).toEqual({ method: 'setPresence', args: ['available', ''] })
    chat.quit()
  })

  it('quits: the screen given back, the connection closed, and runChat\'s promise resolved', async () => {
    const { chat, backend, screen } = await startChat()
    let finished = false
    void chat.finished.then(() => { finished = true })
    chat.quit()
    await settle()
    expect(screen.destroyed).toBe(true)
    expect(backend.closed).toBe(true)
    expect(finished).toBe(true)
  })
})
