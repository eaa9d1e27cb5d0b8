import { describe, expect, it } from 'vitest'
import { currentConversation } from '../../../src/ui/state.js'
import { INFO, MEMBERS, msg, settle, startChat, stubBackend, waitUntil } from './fixtures.js'
import type { FileView, PresenceView } from '../../../src/index.js'

const file = (over: Partial<FileView> = {}): FileView => ({
  id: 'f1', team: 'dev', name: 'a.pdf', size: 10, type: 'application/pdf', sha256: 'x', author: 'peer-bob', authorName: 'Bob', time: 1, entryId: 'e', state: 'remote', held: 0, ...over
})

describe('ui/node-events', () => {
  it('first load: without an organisation the setup screen and how many peers are in reach', async () => {
    const { chat, backend } = await startChat({ info: () => Promise.resolve({ ...INFO, org: undefined, api: 1 }) })
    expect(chat.state.mode).toBe('setup')
    expect(chat.state.status.peers).toBe(1)
    expect(backend.calls.map(c => c.method)).toEqual(['info', 'peers'])
    chat.quit()
  })

  it('first load: everything the screen shows, then the history of every conversation', async () => {
    const { chat, backend } = await startChat({ history: (team) => Promise.resolve({ messages: [msg({ team, id: `h-${team}` })] }) })
    expect(chat.state.mode).toBe('chat')
    expect(backend.calls.filter(c => c.method === 'history').map(c => c.args[0])).toEqual(['general', 'dev'])
    expect(chat.state.conversations.every(c => c.loaded)).toBe(true)
    chat.quit()
  })

  it('presence an event tells while a refresh is under way is not undone by the refresh\'s older answer', async () => {
    let answer!: (p: PresenceView[]) => void
    const { chat } = await startChat()
    const slow = stubBackend({ presence: async () => new Promise(resolve => { answer = resolve }) })
    chat.backend = slow
    chat.node.attach(slow)
    const refresh = chat.node.refresh()
    await settle()
    slow.emit({ event: 'presence:changed', data: { peerId: 'peer-bob', status: 'available', text: '', since: 2 } })
    answer([{ peerId: 'peer-bob', status: 'offline', text: '', since: 1 }])
    await refresh
    expect(chat.state.presence['peer-bob']?.status).toBe('available')
    chat.quit()
  })

  it('turns the node\'s events into what the chat shows', async () => {
    const { chat, backend } = await startChat()
    backend.emit({ event: 'message:added', data: msg({ text: 'from the node' }) })
    expect(currentConversation(chat.state)!.lines.at(-1)).toMatchObject({ m: { text: 'from the node' } })
    const shown = currentConversation(chat.state)!.lines.at(-1)!
    const m = (shown as { m: ReturnType<typeof msg> }).m
    const forked = { otherId: 'zz', versions: [{ id: m.id, text: m.text, readable: true }, { id: 'zz', text: 'other', readable: true }] }
    backend.emit({ event: 'entry:forked', data: { team: m.team, author: m.author, seq: m.seq, existingId: m.id, forkId: 'zz', message: { ...m, forked, forker: true } } })
    expect(currentConversation(chat.state)!.lines.at(-1)).toMatchObject({ m: { id: m.id, forked } })
    backend.emit({ event: 'node:warning', data: { message: 'disk nearly full' } })
    expect(chat.state.status.notice).toBe('disk nearly full')
    backend.emit({ event: 'history:synced', data: { team: 'general', peer: 'peer-bob', received: 1 } })
    expect(chat.state.status.synced).toBeGreaterThan(0)
    backend.emit({ event: 'file:progress', data: { id: 'f1', name: 'a.pdf', team: 'dev', bytes: 5, size: 10, rate: 1, peers: 1 } })
    expect(Object.keys(chat.state.transfers)).toEqual(['f1'])
    backend.emit({ event: 'file:quarantined', data: { ...file(), reason: 'Eicar' } })
    expect(chat.state.transfers).toEqual({})
    expect(chat.state.conversations[1]!.lines.at(-1)).toMatchObject({ kind: 'system', text: 'a.pdf (from Bob) was quarantined: the virus scanner found Eicar; it is never opened or passed on' })
    backend.emit({ event: 'join:waiting', data: { org: 'o', admins: [] } })
    expect(currentConversation(chat.state)!.lines.at(-1)).toMatchObject({ kind: 'system', text: 'waiting for an admin of the organisation to be reachable on the LAN…' })
    const peersAsked = backend.calls.filter(c => c.method === 'peers').length
    backend.emit({ event: 'peer:disconnected', data: { peerId: 'peer-bob' } })
    await settle()
    expect(backend.calls.filter(c => c.method === 'peers').length).toBe(peersAsked + 1)
    chat.quit()
  })

  it('says in the conversations what an organisation change did, and shows a removed workstation what happened', async () => {
    let members = MEMBERS
    let removed = false
    const { chat, backend } = await startChat({
      members: () => Promise.resolve(members),
      info: () => Promise.resolve({ ...INFO, api: 1, ...(removed ? { removed: { by: 'peer-bob', byName: 'Bob', at: 1 } } : {}) })
    })
    members = [...MEMBERS, { peerId: 'peer-cy', name: 'Cy', admin: false, online: true, teams: ['general'] }]
    backend.emit({ event: 'org:changed', data: { orgId: 'o', applied: ['addMember'], removed: [], by: [{ signer: 'peer-bob', at: 1 }] } })
    await settle()
    expect(chat.state.conversations[0]!.lines.at(-1)).toMatchObject({ kind: 'system', text: 'Cy joined the organisation (let in by Bob)' })
    removed = true
    backend.emit({ event: 'org:changed', data: { orgId: 'o', applied: ['removeMember'], removed: ['peer-ann'], by: [{ signer: 'peer-bob', at: 1 }] } })
    await settle()
    expect(chat.state.mode).toBe('removed')
    expect(chat.state.overlay?.title).toBe('removed')
    chat.quit()
  })

  it('when the node stops: says so, or offers to run one here and carries on with it', async () => {
    const alone = await startChat()
    alone.backend.stop()
    expect(alone.chat.state.status.error).toBe('the parley node stopped; press Ctrl-C to quit')
    alone.chat.quit()

    const next = stubBackend()
    const { chat, backend } = await startChat({}, { runNode: () => Promise.resolve(next) })
    backend.stop()
    expect(chat.state.confirm).toMatch(/^The parley node this chat was attached to stopped .* Run it here, in this chat\? Enter: yes · Esc: no$/)
    chat.submit()
    await settle()
    expect(chat.backend).toBe(next)
    expect(chat.state.status.notice).toBe('the node runs in this chat now: it stops when you quit')
    expect(next.calls.map(c => c.method)).toContain('info')
    // the old connection closing again changes nothing; the new one's events are followed
    backend.stop()
    expect(chat.state.confirm).toBeUndefined()
    next.emit({ event: 'message:added', data: msg({ text: 'via the new node' }) })
    expect(currentConversation(chat.state)!.lines.at(-1)).toMatchObject({ m: { text: 'via the new node' } })
    chat.quit()

    const declined = await startChat({}, { runNode: () => Promise.resolve(next) })
    declined.backend.stop()
    declined.chat.decline()
    expect(declined.chat.state.status.error).toBe('no parley node: nothing can be sent or received; Ctrl-C quits')
    declined.chat.quit()
  })

  it('attaches again to a node that comes back (a restarted daemon), and asks to run one only if none does', async () => {
    const back = stubBackend()
    let asked = 0
    const { chat, backend } = await startChat({}, { reconnect: async () => back, runNode: async () => { asked++; return stubBackend() } })
    backend.stop()
    await waitUntil(() => chat.backend === back)
    await settle()
    expect(asked).toBe(0)
    expect(back.calls.some(c => c.method === 'info')).toBe(true)
    // events of the node it attached to again reach the chat
    back.emit({ event: 'node:warning', data: { message: 'after the restart' } })
    await settle()
    expect(JSON.stringify(chat.state)).toContain('after the restart')
    // the old connection's close is not taken for the new one's
    backend.stop()
    await settle()
    expect(chat.backend).toBe(back)
    chat.quit()

    const none = await startChat({}, { reconnect: async () => undefined, runNode: async () => stubBackend() })
    none.backend.stop()
    await waitUntil(() => none.chat.asking())
    expect(none.chat.state.confirm).toContain('Run it here')
    none.chat.quit()

    // quitting closes the connection itself: that is no node stopping, and nothing is looked for
    let looked = 0
    const quitting = await startChat({}, { reconnect: async () => { looked++; return undefined } })
    quitting.chat.quit()
    quitting.backend.stop()
    await settle()
    expect(looked).toBe(0)
  })
})
