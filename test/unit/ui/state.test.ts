import { describe, expect, it } from 'vitest'
import { initialState, mentionsMe, reduce, whatHappened } from '../../../src/ui/state.js'
import type { MessageView } from '../../../src/events.js'
import type { MemberView } from '../../../src/node.js'
import { conversationList, conversationView, memberList, overlayView, removedView, statusLine } from '../../../src/ui/views.js'
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
    // a direct message is held too, and named after the other person in the digest
    s = reduce(s, { type: 'message', m: msg({ team: 'dm-1', direct: 'peer-bob', text: 'psst' }) })
    expect(s.bell).toBe(1)
    s = reduce(s, { type: 'presence', p: { peerId: 'peer-ann', status: 'available', text: '', since: 2 } })
    expect(s.held).toEqual([])
    const last = s.conversations[0]!.lines.at(-1)
    expect(last).toMatchObject({ kind: 'system', level: 'digest' })
    expect(last?.kind === 'system' && last.text).toMatch(/While you were on do-not-disturb: 4 messages \(#general 2, #dev 1, @Bob 1\); 3 mentions/)
    expect(s.overlay?.lines.join(' ')).toMatch(/4 messages/)
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

  it('puts new messages below a notice, never above it out of sight; late older ones in their place', () => {
    let s = office()
    s = reduce(s, { type: 'message', m: msg({ id: 'a', lamport: 10, seq: 1 }) })
    s = reduce(s, { type: 'system', text: 'a digest' })
    s = reduce(s, { type: 'message', m: msg({ id: 'b', lamport: 11, seq: 2 }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'old', lamport: 5, seq: 3, author: 'peer-cy' }) })
    expect(s.conversations[0]!.lines.map(l => l.kind === 'message' ? l.m.id : 'notice')).toEqual(['old', 'a', 'notice', 'b'])
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
    // what was being typed comes back after the newest entry
    s = reduce(s, { type: 'input', text: 'half a tho' })
    s = reduce(s, { type: 'input-history', direction: -1 })
    expect(s.input).toMatchObject({ text: 'two', cursor: 3 })
    s = reduce(s, { type: 'input-history', direction: 1 })
    expect(s.input).toMatchObject({ text: 'half a tho', cursor: 10 })
  })

  it('edits at the cursor, and takes a multi-line paste as one message to review', () => {
    let s = office()
    s = reduce(s, { type: 'input', text: 'helo world' })
    for (let i = 0; i < 7; i++) s = reduce(s, { type: 'edit', edit: { type: 'left' } })
    s = reduce(s, { type: 'edit', edit: { type: 'insert', text: 'l' } })
    expect(s.input).toMatchObject({ text: 'hello world', cursor: 4 })
    s = reduce(s, { type: 'edit', edit: { type: 'end' } })
    s = reduce(s, { type: 'paste', text: '\nline two\r\nline three\n' })
    expect(s.input.text).toBe('hello world\nline two\nline three')
    expect(reduce(office(), { type: 'paste', text: 'red \u001b[31mtext\u0007\tend' }).input.text).toBe('red \uFFFD[31mtext\uFFFD end')
    expect(s.status.notice).toMatch(/pasted 3 lines as one message/)
    // nothing was sent: no message line appeared
    expect(s.conversations[0]!.lines).toEqual([])
  })

  it('keeps conversation numbers when teams come and go: new ones are appended', () => {
    let s = office()
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '#dev'])
    s = reduce(s, { type: 'message', m: msg({ team: 'dm-1', direct: 'peer-bob', text: 'psst' }) })
    const teams = (names: string[]): Array<{ name: string, epoch: number, members: number, joined: boolean, retentionDays: number, hold: boolean }> =>
      names.map(name => ({ name, epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false }))
    // a team "alpha" sorts before "dev", but is added at the end
    s = reduce(s, { type: 'teams', teams: teams(['alpha', 'dev', 'general']) })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '#dev', '@Bob', '#alpha'])
    s = reduce(s, { type: 'teams', teams: teams(['alpha', 'general']) })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '@Bob', '#alpha'])
  })

  it('says whether an unknown team exists at all', () => {
    const s = office()
    expect(reduce(s, { type: 'switch-team', team: 'nosuchteam' }).status.error).toMatch(/there is no team #nosuchteam: \/teams lists them/)
    expect(reduce(s, { type: 'switch-team', team: 'hr' }).status.error).toMatch(/you are not in #hr/)
  })

  it('jumps with Alt-A to mentions first, then to other unread conversations', () => {
    let s = office()
    s = reduce(s, { type: 'message', m: msg({ team: 'dm-1', direct: 'peer-bob', text: 'psst' }) })
    s = reduce(s, { type: 'message', m: msg({ team: 'dev', text: 'plain' }) })
    s = reduce(s, { type: 'next-active' })
    expect(s.conversations[s.current]!.label).toBe('@Bob')
    s = reduce(s, { type: 'next-active' })
    expect(s.conversations[s.current]!.label).toBe('#dev')
    s = reduce(s, { type: 'next-active' })
    expect(s.status.notice).toMatch(/no other conversation/)
  })

  it('counts messages that arrive below the view while scrolled up, until End', () => {
    let s = office()
    s = reduce(s, { type: 'scroll', lines: 5 })
    s = reduce(s, { type: 'message', m: msg({ text: 'one' }) })
    s = reduce(s, { type: 'message', m: msg({ text: 'two' }) })
    expect(s.newBelow).toBe(2)
    s = reduce(s, { type: 'bottom' })
    expect(s).toMatchObject({ scroll: 0, newBelow: 0 })
  })

  it('marks where a conversation was left', () => {
    let s = office()
    s = reduce(s, { type: 'message', m: msg({ id: 'read', text: 'seen' }) })
    s = reduce(s, { type: 'switch', index: 1 })
    expect(s.conversations[0]!.readUpTo).toBe('read')
    s = reduce(s, { type: 'message', m: msg({ id: 'unread', text: 'came later' }) })
    s = reduce(s, { type: 'switch', index: 0 })
    const shown = conversationView(s, 40, 10).lines.map(l => l.replace(/\u001b\[[\d;]*m/g, ''))
    const marker = shown.findIndex(l => l.startsWith('─── new ─'))
    expect(shown[marker - 1]).toMatch(/Bob: seen/)
    expect(shown[marker + 1]).toMatch(/Bob: came later/)
    // read now: leaving and coming back shows no marker
    s = reduce(reduce(s, { type: 'switch', index: 1 }), { type: 'switch', index: 0 })
    expect(conversationView(s, 40, 10).lines.some(l => l.includes('─── new'))).toBe(false)
  })

  it('shows colours only without NO_COLOR, and never grey or black', () => {
    const coloured = office()
    const plain = { ...office(), colour: false }
    const withMessages = (s: UiState): UiState => reduce(reduce(s, { type: 'sending', team: 'general', tempId: 't', text: 'x', urgent: false }), { type: 'send-failed', tempId: 't', error: 'disk full' })
    const sgr = (lines: string[]): string[] => lines.join('\n').match(/\u001b\[[\d;]*m/g) ?? []
    const colourCodes = (codes: string[]): string[] => codes.filter(c => /\[(3[0-7]|9[0-7]|38;)/.test(c))
    expect(colourCodes(sgr(conversationView(withMessages(coloured), 40, 5).lines))).not.toEqual([])
    expect(colourCodes(sgr([...conversationView(withMessages(plain), 40, 5).lines, ...memberList(plain), ...conversationList(plain), statusLine(plain)]))).toEqual([])
    // black (30) and the bright/grey range (90-97) are never used
    expect(sgr([...conversationView(withMessages(coloured), 40, 5).lines, ...memberList(coloured)]).filter(c => /\[(30|9[0-7])m/.test(c))).toEqual([])
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

  it('recognises mentions of me by @ and a start of my name', () => {
    const s = office()
    expect(mentionsMe(s, 'hi @Ann!')).toBe(true)
    expect(mentionsMe(s, 'hi @an')).toBe(true)
    expect(mentionsMe(s, 'hi @Anne')).toBe(false)
    expect(mentionsMe(s, 'mail ann@example.com')).toBe(false)
    expect(mentionsMe(s, 'ask @bob')).toBe(false)
  })

  it('scrolls an overlay through all its wrapped lines, and closes it', () => {
    let s = reduce(office(), { type: 'overlay', title: 'search', lines: Array.from({ length: 10 }, (_, i) => `result ${i} ${'word '.repeat(12)}`) })
    const rows = overlayView(s, 30, 5)
    expect(rows.total).toBeGreaterThan(20)
    s = reduce(s, { type: 'overlay-scroll', lines: 1000, max: rows.total - 5 })
    const end = overlayView(s, 30, 5)
    expect(end.more).toBe(false)
    expect(end.lines.join(' ')).toMatch(/word/)
    expect(end.lines.some(l => l.startsWith('result 9'))).toBe(true)
    expect(reduce(s, { type: 'close-overlay' }).overlay).toBeUndefined()
  })

  it('says what an organisation change did, and by whom', () => {
    const m = (peerId: string, name: string, teams: string[], admin = false): MemberView => ({ peerId, name, admin, online: true, teams })
    const before = [m('peer-ann', 'Ann', ['general', 'dev'], true), m('peer-bob', 'Bob', ['general', 'dev']), m('peer-cy', 'Cy', ['general'])]
    const after = [m('peer-ann', 'Ann', ['general', 'dev'], true), m('peer-bob', 'Bob', ['general'], true), m('peer-dee', 'Dee', ['general', 'dev'])]
    const change = { orgId: 'o', applied: ['removeMember', 'roster', 'addMember'], removed: ['peer-cy'], by: [{ signer: 'peer-ann', at: 1 }, { signer: 'peer-ann', at: 1 }, { signer: 'peer-zed', at: 1 }] }
    const lines = whatHappened(before, after, change, 'peer-bob').map(l => `${l.team}: ${l.text}`)
    expect(lines).toContain('dev: You were removed from #dev by Ann')
    expect(lines).toContain('general: You were made an admin by …er-zed')
    expect(lines).toContain('dev: Dee was added to #dev by Ann')
    expect(lines).toContain('general: Cy was removed from the organisation by Ann: their workstation can no longer read or post here')
    expect(lines).toContain('general: Dee joined the organisation (let in by …er-zed)')
    // the first load is not a change
    expect(whatHappened([], after, undefined, 'peer-bob')).toEqual([])
  })

  it('tells a removed workstation plainly what happened', () => {
    const s = reduce(initialState(), {
      type: 'connected',
      info: { peerId: 'peer-cy', name: 'Cy', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: false }, teams: [], removed: { by: 'peer-ann', byName: 'Ann Lee', at: new Date(2026, 11, 1, 9, 30).getTime() } },
      teams: [], members: [], presence: []
    })
    expect(s.mode).toBe('removed')
    const text = removedView(s, 200).join(' ').replace(/\u001b\[[\d;]*m/g, '')
    expect(text).toContain('You were removed from Acme by Ann Lee on ')
    expect(text).toMatch(/can no longer read or post in Acme's teams/)
    expect(statusLine(s)).toMatch(/removed from Acme/)
  })
})
