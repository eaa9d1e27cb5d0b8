import { describe, expect, it } from 'vitest'
import { completeNick, initialState, mentions, reduce } from '../../../src/ui/state.js'
import type { MessageView } from '../../../src/events.js'
import type { UiState } from '../../../src/ui/state.js'

let lamport = 0
const msg = (over: Partial<MessageView> = {}): MessageView => ({
  id: `id${++lamport}`, team: 'general', author: 'peer-bob', authorName: 'Bob', seq: lamport, lamport, time: Date.now(),
  text: 'hi', urgent: false, local: false, readable: true, epoch: 1, ...over
})

function office (): UiState {
  return reduce(initialState(), {
    type: 'connected',
    info: { peerId: 'peer-ann', name: 'Ann', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: true }, teams: ['dev', 'general'] },
    teams: [{ name: 'dev', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false }, { name: 'general', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false }, { name: 'hr', epoch: 1, members: 1, joined: false, retentionDays: 0, hold: false }],
    members: [{ peerId: 'peer-ann', name: 'Ann', admin: true, online: true, teams: ['dev', 'general'] }, { peerId: 'peer-bob', name: 'Bob', admin: false, online: true, teams: ['dev', 'general'] }],
    presence: []
  })
}

describe('ui/state', () => {
  it('opens on the chat screen with #general first and only joined teams', () => {
    const s = office()
    expect(s.mode).toBe('chat')
    expect(s.conversations.map(c => c.team)).toEqual(['general', 'dev'])
    expect(reduce(initialState(), { type: 'connected', info: { peerId: 'p', name: 'n', dataDir: '/d', addresses: [], teams: [] }, teams: [], members: [], presence: [] }).mode).toBe('setup')
  })

  it('a refresh does not undo presence an event told while the refresh was under way', () => {
    let s = office()
    // the refresh asked for presence; before its (older) answer was read, an event said Bob is online
    s = reduce(s, { type: 'presence', p: { peerId: 'peer-bob', status: 'available', text: '', since: 2 } })
    const refresh = {
      type: 'connected' as const,
      info: { peerId: 'peer-ann', name: 'Ann', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: true }, teams: ['general'] },
      teams: [{ name: 'general', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false }],
      members: [],
      presence: [{ peerId: 'peer-bob', status: 'offline' as const, text: '', since: 1 }, { peerId: 'peer-cy', status: 'busy' as const, text: 'calls', since: 1 }]
    }
    const after = reduce(s, { ...refresh, presenceFresh: new Set(['peer-bob']) })
    expect(after.presence['peer-bob']?.status).toBe('available')
    expect(after.presence['peer-cy']?.status).toBe('busy')
    // with no event since it was asked, the snapshot stands
    expect(reduce(s, refresh).presence['peer-bob']?.status).toBe('offline')
  })

  it('counts unread and mentions in other conversations, and clears them on switching', () => {
    let s = office()
    s = reduce(s, { type: 'message', m: msg({ team: 'dev', text: 'ping @ann please' }) })
    s = reduce(s, { type: 'message', m: msg({ team: 'dev', text: 'and more' }) })
    expect(s.conversations[1]).toMatchObject({ unread: 2, mentions: 1 })
    expect(s.bell).toBe(1)
    s = reduce(s, { type: 'next' })
    expect(s.conversations[1]).toMatchObject({ unread: 0, mentions: 0 })
    expect(reduce(s, { type: 'switch-team', team: 'hr' }).status.error).toMatch(/not in #hr/)
  })

  it('holds notifications while busy or dnd, lets an urgent mention through, and shows a digest after', () => {
    let s = office()
    s = reduce(s, { type: 'presence', p: { peerId: 'peer-ann', status: 'dnd', text: 'focus', since: 1 } })
    s = reduce(s, { type: 'message', m: msg({ text: 'lunch @Ann?' }) })
    s = reduce(s, { type: 'message', m: msg({ team: 'dev', text: 'build is green' }) })
    expect(s.bell).toBe(0)
    s = reduce(s, { type: 'message', m: msg({ text: '@Ann the server is down', urgent: true }) })
    expect(s.bell).toBe(1)
    expect(s.held).toHaveLength(3)
    s = reduce(s, { type: 'presence', p: { peerId: 'peer-ann', status: 'available', text: '', since: 2 } })
    expect(s.held).toEqual([])
    const last = s.conversations[0]!.lines.at(-1)
    expect(last).toMatchObject({ kind: 'system', level: 'digest' })
    expect(last?.kind === 'system' && last.text).toMatch(/While you were on do-not-disturb: 3 messages \(#general 2, #dev 1\); 2 mentions/)
  })

  it('shows a sending message, then its delivery state, without duplicating it', () => {
    let s = office()
    s = reduce(s, { type: 'sending', team: 'general', tempId: 'pending-1', text: 'hello', urgent: false })
    expect(s.conversations[0]!.lines.at(-1)).toMatchObject({ kind: 'message', m: { state: 'sending' } })
    const real = msg({ author: 'peer-ann', authorName: 'Ann', local: true, text: 'hello' })
    s = reduce(s, { type: 'message', m: real }) // the node's event may come before the reply
    s = reduce(s, { type: 'sent', tempId: 'pending-1', m: { ...real, recipients: 1 } })
    const mine = s.conversations[0]!.lines.filter(l => l.kind === 'message')
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ m: { id: real.id, state: 'synced' } })
  })

  it('keeps the shared order when older messages arrive late', () => {
    let s = office()
    s = reduce(s, { type: 'message', m: msg({ id: 'b', lamport: 5, seq: 2 }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'a', lamport: 3, seq: 1 }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'a', lamport: 3, seq: 1 }) })
    expect(s.conversations[0]!.lines.map(l => l.kind === 'message' ? l.m.id : '')).toEqual(['a', 'b'])
  })

  it('pages older history in front, and remembers the cursor', () => {
    let s = office()
    s = reduce(s, { type: 'history', team: 'general', result: { messages: [msg({ id: 'n1', lamport: 10 }), msg({ id: 'n2', lamport: 11 })], before: 'cursor-1' }, older: false })
    expect(s.conversations[0]!.before).toBe('cursor-1')
    s = reduce(s, { type: 'history', team: 'general', result: { messages: [msg({ id: 'o1', lamport: 1 })] }, older: true })
    expect(s.conversations[0]!.lines.map(l => l.kind === 'message' ? l.m.id : '')).toEqual(['o1', 'n1', 'n2'])
    expect(s.conversations[0]!.before).toBeUndefined()
  })

  it('walks input history and completes names', () => {
    let s = office()
    for (const t of ['one', 'two']) s = reduce(s, { type: 'submitted', text: t })
    s = reduce(s, { type: 'input-history', direction: -1 })
    expect(s.input.text).toBe('two')
    s = reduce(s, { type: 'input-history', direction: -1 })
    expect(s.input.text).toBe('one')
    s = reduce(s, { type: 'input-history', direction: 1 })
    s = reduce(s, { type: 'input-history', direction: 1 })
    expect(s.input.text).toBe('')
    expect(completeNick('bo', ['Ann', 'Bob'])).toBe('Bob: ')
    expect(completeNick('ask @an', ['Ann', 'Bob'])).toBe('ask @Ann ')
    expect(completeNick('nobody x', ['Ann'])).toBe('nobody x')
  })

  it('opens a direct conversation on its first message, and treats it as a mention', () => {
    let s = office()
    s = reduce(s, { type: 'message', m: msg({ team: 'dm-0123456789abcdef01234567', direct: 'peer-bob', text: 'psst' }) })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '#dev', '@Bob'])
    expect(s.conversations[2]).toMatchObject({ direct: 'peer-bob', unread: 1, mentions: 1 })
    expect(s.bell).toBe(1)
    // a refresh keeps it even before the node lists it
    s = reduce(s, { type: 'teams', teams: [{ name: 'general', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false }] })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '@Bob'])
  })

  it('recognises mentions only as whole @names', () => {
    expect(mentions('hi @Ann!', 'ann')).toBe(true)
    expect(mentions('hi @Anne', 'Ann')).toBe(false)
    expect(mentions('mail ann@example.com', 'Ann')).toBe(false)
    expect(mentions('@Ann Lee look', 'Ann Lee')).toBe(true)
  })
})
