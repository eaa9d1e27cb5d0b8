/**
 * Replies, threads, edits, deletes and reactions as a person does them in the chat: keys in
 * selection mode, Up on an empty line, the commands, against a scripted node.
 */
import { describe, expect, it } from 'vitest'
import { keyHandler } from '../../../src/ui/keymap.js'
import { parseCommand } from '../../../src/ui/commands.js'
import { complete } from '../../../src/ui/complete.js'
import { conversationView, statusLine } from '../../../src/ui/views.js'
import type { ChatBackend } from '../../../src/ui/backend.js'
import type { MessageView } from '../../../src/index.js'
import { msg, settle, startChat, typeLine } from './fixtures.js'

const plain = (lines: string[]): string => lines.join('\n').replace(/\u001b\[[\d;]*m/g, '')

/** A node that holds `messages` and does what the contract says to them (only its author edits, etc.). */
function scriptedNode (messages: MessageView[]): Partial<ChatBackend> & { held: Map<string, MessageView> } {
  const held = new Map(messages.map(m => [m.id, m]))
  const get = (id: string): MessageView => {
    const m = [...held.values()].find(x => x.id.startsWith(id))
    if (m === undefined) throw new Error(`no message ${id}`)
    return m
  }
  const put = (m: MessageView): MessageView => { held.set(m.id, m); return m }
  const call = (async (method: string, params: Record<string, unknown>) => {
    switch (method) {
      case 'message.edit': return put({ ...get(params.id as string), text: params.text as string, edited: 1 })
      case 'message.delete': return put({ ...get(params.id as string), text: '', deleted: { by: 'peer-ann', byName: 'Ann', time: 1 } })
      case 'message.react': {
        const m = get(params.id as string)
        const emoji = params.emoji as string
        const others = (m.reactions?.[emoji] ?? []).filter(p => p !== 'peer-ann')
        const reactions = { ...m.reactions, [emoji]: params.remove === true ? others : [...others, 'peer-ann'].sort() }
        return put({ ...m, reactions })
      }
      case 'thread': {
        const root = get(params.id as string)
        return { root, replies: [...held.values()].filter(m => m.replyTo === root.id) }
      }
    }
    throw new Error(`not scripted: ${method}`)
  }) as ChatBackend['call']
  return {
    held,
    history: () => Promise.resolve({ messages: [...held.values()] }),
    send: (team, text, urgent, replyTo) => Promise.resolve(put(msg({ team, text, urgent: urgent === true, author: 'peer-ann', authorName: 'Ann', local: true, ...(replyTo !== undefined ? { replyTo } : {}) }))),
    call
  }
}

async function setup (messages: MessageView[]) {
  const node = scriptedNode(messages)
  const started = await startChat(node)
  const handle = keyHandler(started.chat)
  const press = (full: string, ch?: string): void => { handle(ch, { full }) }
  const type = (text: string): void => { for (const c of text) press(c === ' ' ? 'space' : c, c) }
  return { ...started, node, press, type, screen: () => plain(conversationView(started.chat.state, 60, 20).lines), status: () => plain([statusLine(started.chat.state)]) }
}

describe('ui acts on messages', () => {
  it('Up on an empty line puts my last message in the input; Enter saves the edit in place, Esc cancels', async () => {
    const t = await setup([msg({ id: 'aaaa1', author: 'peer-ann', authorName: 'Ann', local: true, text: 'see you at 5' }), msg({ id: 'bbbb1', text: 'ok' })])
    t.press('up')
    expect(t.chat.state.input.text).toBe('see you at 5')
    expect(t.status()).toMatch(/^editing your message · Enter saves · Esc cancels/)
    t.press('escape')
    expect(t.chat.state.input.text).toBe('')
    expect(t.chat.state.compose).toBeUndefined()
    t.press('up')
    t.press('backspace')
    t.type('6')
    t.press('return')
    await settle()
    expect(t.backend.calls.filter(c => c.method === 'message.edit')).toEqual([{ method: 'message.edit', args: [{ id: 'aaaa1', text: 'see you at 6' }] }])
    expect(t.screen()).toMatch(/Ann: see you at 6 \(edited\)[^\n]*\n.*Bob: ok/)
    // not kept in the input history
    expect(t.chat.state.input.history).toEqual([])
    // an empty edit is refused, and the edit stays to fix
    t.press('up')
    t.press('C-u')
    t.press('return')
    await settle()
    expect(t.chat.state.status.error).toMatch(/an edit cannot be empty/)
    expect(t.chat.state.compose).toMatchObject({ kind: 'edit', id: 'aaaa1' })
    t.chat.quit()
  })

  it('the input history stays a key away: Ctrl-Up or Alt-P, and Up once the line has text', async () => {
    const t = await setup([msg({ id: 'hhhh1', author: 'peer-ann', authorName: 'Ann', local: true, text: 'mine' })])
    t.chat.dispatch({ type: 'submitted', text: '/status busy' })
    t.press('C-up')
    expect(t.chat.state.input.text).toBe('/status busy')
    expect(t.chat.state.compose).toBeUndefined()
    t.press('C-u')
    t.press('M-p')
    expect(t.chat.state.input.text).toBe('/status busy')
    t.press('C-u')
    t.type('x')
    t.press('up')
    expect(t.chat.state.input.text).toBe('/status busy')
    t.chat.quit()
  })

  it('Esc goes back one step at a time: the overlay, then the reply, then selection, then the thread', async () => {
    const t = await setup([msg({ id: 'iiii1', text: 'root' })])
    await typeLine(t.chat, '/thread iiii1')
    t.press('M-up')
    t.press('w', 'w')
    expect(t.chat.state).toMatchObject({ overlay: expect.anything() as unknown, selected: 'iiii1', thread: expect.anything() as unknown })
    t.press('escape')
    expect(t.chat.state.overlay).toBeUndefined()
    expect(t.chat.state.selected).toBe('iiii1')
    t.press('r', 'r')
    expect(t.chat.state.compose?.kind).toBe('reply')
    t.type('draft')
    t.press('escape')
    expect(t.chat.state.compose).toBeUndefined()
    // a reply given up is kept as what was typed
    expect(t.chat.state.input.text).toBe('draft')
    expect(t.chat.state.thread).toBeDefined()
    t.press('escape')
    expect(t.chat.state.thread).toBeUndefined()
    t.chat.quit()
  })

  it('selection mode: Alt-Up, k/j, r replies with the quote shown, t opens the thread where typing replies, Esc goes back', async () => {
    const t = await setup([msg({ id: 'cccc1', text: 'lunch?' }), msg({ id: 'cccc2', text: 'anyone' })])
    t.press('M-up')
    expect(t.chat.state.selected).toBe('cccc2')
    expect(t.status()).toMatch(/^message cccc2 by Bob · /)
    t.press('k')
    expect(t.chat.state.selected).toBe('cccc1')
    // a key that is no binding says which are
    t.press('x', 'x')
    expect(t.chat.state.status.notice).toMatch(/r reply · e edit/)
    t.press('r', 'r')
    expect(t.chat.state.selected).toBeUndefined()
    expect(t.status()).toMatch(/^replying to Bob \(lunch\?\)/)
    t.type('yes!')
    t.press('return')
    await settle()
    expect(t.backend.calls.filter(c => c.method === 'send').map(c => c.args)).toEqual([['general', 'yes!', false, 'cccc1']])
    expect(t.screen()).toMatch(/Bob: lunch\?\n\s+1 reply\n.*Bob: anyone\n\s+↳ Bob: lunch\?\n.*Ann: yes!/)
    // the thread: t on the reply opens the thread of what it answers
    t.press('M-up')
    t.press('t', 't')
    await settle()
    expect(t.chat.state.thread?.root.id).toBe('cccc1')
    expect(t.screen()).toMatch(/thread in #general[\s\S]*Bob: lunch\?\n─── 1 reply ─+\n.*Ann: yes!/)
    expect(t.screen()).not.toMatch(/anyone/)
    t.type('me too')
    t.press('return')
    await settle()
    expect(t.backend.calls.filter(c => c.method === 'send').at(-1)?.args).toEqual(['general', 'me too', false, 'cccc1'])
    expect(t.screen()).toMatch(/2 replies[\s\S]*yes![\s\S]*me too/)
    t.press('escape')
    expect(t.chat.state.thread).toBeUndefined()
    expect(t.screen()).toMatch(/anyone/)
    t.chat.quit()
  })

  it('e on someone else\'s message says why not; d asks y/n and deletes in place; n keeps it', async () => {
    const t = await setup([msg({ id: 'dddd1', text: 'bob wrote this' }), msg({ id: 'dddd2', author: 'peer-ann', authorName: 'Ann', local: true, text: 'oops wrong room' })])
    t.press('M-up')
    t.press('k')
    t.press('e', 'e')
    expect(t.chat.state.status.error).toMatch(/you can edit only your own messages: that one is Bob's/)
    expect(t.chat.state.compose).toBeUndefined()
    t.press('j')
    t.press('d', 'd')
    expect(t.chat.state.confirm).toMatch(/Delete your message "oops wrong room" for everyone\?.*y: yes · n: no/)
    // other keys do nothing while it asks
    t.press('x', 'x')
    t.press('n', 'n')
    expect(t.chat.state.confirm).toBeUndefined()
    expect(t.backend.calls.some(c => c.method === 'message.delete')).toBe(false)
    t.press('d', 'd')
    t.press('y', 'y')
    await settle()
    expect(t.backend.calls.filter(c => c.method === 'message.delete').map(c => c.args)).toEqual([[{ id: 'dddd2' }]])
    expect(t.screen()).toMatch(/Bob: bob wrote this\n.*Ann: message deleted \(by Ann\)/)
    expect(t.screen()).not.toMatch(/oops/)
    t.chat.quit()
  })

  it('+ reacts with a quick one by number, and again takes it back; w shows who', async () => {
    const t = await setup([msg({ id: 'eeee1', text: 'shipped', reactions: { '👍': ['peer-bob'] } })])
    t.press('M-up')
    t.press('+', '+')
    expect(t.status()).toMatch(/^react with 1 👍  2 🎉/)
    t.press('1', '1')
    await settle()
    expect(t.backend.calls.filter(c => c.method === 'message.react').at(-1)?.args).toEqual([{ id: 'eeee1', emoji: '👍' }])
    expect(t.screen()).toMatch(/Bob: shipped\n\s+👍 2/)
    await typeLine(t.chat, '/react eeee 👍')
    expect(t.backend.calls.filter(c => c.method === 'message.react').at(-1)?.args).toEqual([{ id: 'eeee1', emoji: '👍', remove: true }])
    expect(t.screen()).toMatch(/👍 1/)
    await typeLine(t.chat, '/react eeee :tada:')
    expect(t.screen()).toMatch(/👍 1 {2}🎉 1/)
    t.press('M-up')
    t.press('w', 'w')
    expect(t.chat.state.overlay?.lines.join('\n')).toMatch(/👍 1: Bob\n\s+🎉 1: you/)
    t.chat.quit()
  })

  it('the commands take an id or a start of it, and say what is wrong with one', async () => {
    const t = await setup([msg({ id: 'ffff1', text: 'one' }), msg({ id: 'ffff2', author: 'peer-ann', authorName: 'Ann', local: true, text: 'two' })])
    await typeLine(t.chat, '/reply ffff1 agreed, and more')
    expect(t.backend.calls.filter(c => c.method === 'send').at(-1)?.args).toEqual(['general', 'agreed, and more', false, 'ffff1'])
    await typeLine(t.chat, '/edit ffff2 two, fixed')
    expect(t.screen()).toMatch(/Ann: two, fixed \(edited\)/)
    await typeLine(t.chat, '/edit ffff1 hijack')
    expect(t.chat.state.status.error).toMatch(/only your own/)
    await typeLine(t.chat, '/delete ffff')
    expect(t.chat.state.status.error).toMatch(/ffff fits several messages/)
    await typeLine(t.chat, '/delete 9999')
    expect(t.chat.state.status.error).toMatch(/no message 9999/)
    await typeLine(t.chat, '/react ffff1 two words')
    expect(t.chat.state.status.error).toMatch(/usage: \/react/)
    await typeLine(t.chat, '/thread ffff1')
    expect(t.chat.state.thread?.replies.map(r => r.text)).toEqual(['agreed, and more'])
    await typeLine(t.chat, '/threads collapsed')
    expect(t.chat.state.threads).toBe('collapsed')
    t.chat.quit()
  })

  it('live: an edit, a delete and a reaction from a peer change the message where it is', async () => {
    const t = await setup([msg({ id: 'gggg1', text: 'first' }), msg({ id: 'gggg2', text: 'second' })])
    const [a, b] = [...t.node.held.values()]
    t.backend.emit({ event: 'message:edited', data: { ...a!, text: 'first, edited', edited: 2 } })
    t.backend.emit({ event: 'reaction:changed', data: { ...b!, reactions: { '🎉': ['peer-bob'] }, reactor: 'peer-bob', emoji: '🎉', removed: false } })
    expect(t.screen()).toMatch(/Bob: first, edited \(edited\)\n.*Bob: second\n\s+🎉 1/)
    t.backend.emit({ event: 'message:deleted', data: { ...a!, text: '', deleted: { by: 'peer-bob', byName: 'Bob', time: 3 } } })
    expect(t.screen()).toMatch(/Bob: message deleted \(by Bob\)\n.*Bob: second/)
    expect(t.chat.state.conversations[0]!.lines.filter(l => l.kind === 'message')).toHaveLength(2)
    t.chat.quit()
  })

  it('parses the new commands, and completes @here and @team in a team', () => {
    expect(parseCommand('/reply ab12  two  spaces')).toEqual({ kind: 'reply', id: 'ab12', text: ' two  spaces' })
    expect(parseCommand('/edit ab12')).toEqual({ kind: 'edit', id: 'ab12', text: '' })
    expect(parseCommand('/delete')).toMatchObject({ kind: 'error' })
    expect(parseCommand('/threads sideways')).toMatchObject({ kind: 'error', message: 'usage: /threads inline|collapsed' })
    const people = [{ peerId: 'p1', name: 'Teamo' }, { peerId: 'p2', name: 'Hera' }]
    expect(complete({ text: 'hi @he', cursor: 6 }, { people, teams: [], groups: true }).editor.text).toBe('hi @her')
    expect(complete({ text: 'hi @her', cursor: 7 }, { people, teams: [], groups: true }).choices).toEqual(['@here', 'Hera (…p2)'])
    expect(complete({ text: 'hi @t', cursor: 5 }, { people: [], teams: [], groups: true }).editor.text).toBe('hi @team ')
    expect(complete({ text: 'hi @t', cursor: 5 }, { people, teams: [], groups: true }, 0).editor.text).toBe('hi @team ')
    // a bare @ goes through the people only
    expect(complete({ text: 'x @', cursor: 3 }, { people, teams: [], groups: true }).choices).toEqual(['Teamo (…p1)', 'Hera (…p2)'])
    // in a direct conversation there is no group to call
    expect(complete({ text: 'hi @t', cursor: 5 }, { people: [], teams: [], groups: false }).editor.text).toBe('hi @t')
  })
})
