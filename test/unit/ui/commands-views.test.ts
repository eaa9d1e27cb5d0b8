import { describe, expect, it } from 'vitest'
import { parseCommand, parseSetup, resolveMember } from '../../../src/ui/commands.js'
import { initialState, reduce } from '../../../src/ui/state.js'
import { conversationView, memberList, statusLine, wrap } from '../../../src/ui/views.js'
import { formatClock } from '../../../src/time-format.js'
import type { MemberView } from '../../../src/node.js'

const members: MemberView[] = [
  { peerId: '12D3KooWAAAAAAAAann', name: 'Ann', admin: true, online: true, teams: ['general'] },
  { peerId: '12D3KooWBBBBBBBBbob', name: 'Bob', admin: false, online: false, teams: ['general'] },
  { peerId: '12D3KooWCCCCCCCCbobby', name: 'Bobby', admin: false, online: false, teams: ['general'] }
]

describe('ui/commands', () => {
  it('parses messages and commands, with clear errors for bad ones', () => {
    expect(parseCommand('hello')).toEqual({ kind: 'send', text: 'hello', urgent: false })
    expect(parseCommand('//not a command')).toEqual({ kind: 'send', text: '/not a command', urgent: false })
    expect(parseCommand('/urgent call me')).toEqual({ kind: 'send', text: 'call me', urgent: true })
    expect(parseCommand('/join #dev')).toEqual({ kind: 'join', team: 'dev' })
    expect(parseCommand('/suspend Bea Jones: on leave: back in May')).toEqual({ kind: 'suspend', member: 'Bea Jones', reason: 'on leave: back in May' })
    expect(parseCommand('/suspend bea')).toEqual({ kind: 'suspend', member: 'bea', reason: '' })
    expect(parseCommand('/suspend')).toMatchObject({ kind: 'error' })
    expect(parseCommand('/resume Bea Jones')).toEqual({ kind: 'resume', member: 'Bea Jones' })
    expect(parseCommand('/invites')).toEqual({ kind: 'invites' })
    expect(parseCommand('/status dnd deep work')).toEqual({ kind: 'status', status: 'dnd', text: 'deep work' })
    expect(parseCommand('/status sleepy')).toMatchObject({ kind: 'error' })
    expect(parseCommand('/team add dev Bob Ann')).toEqual({ kind: 'team-add', team: 'dev', members: ['Bob', 'Ann'] })
    expect(parseCommand('/team frob')).toMatchObject({ kind: 'error' })
    expect(parseCommand('/msg bob hi there')).toEqual({ kind: 'msg', who: 'bob', text: 'hi there' })
    expect(parseCommand('/msg Bea Jones: see you: at 5')).toEqual({ kind: 'msg', who: 'Bea Jones', text: 'see you: at 5' })
    expect(parseCommand('/msg')).toMatchObject({ kind: 'error' })
    expect(parseCommand('/file x')).toEqual({ kind: 'file-send', path: 'x', caption: '' })
    expect(parseCommand('/file ~/q3.pdf the numbers')).toEqual({ kind: 'file-send', path: '~/q3.pdf', caption: 'the numbers' })
    expect(parseCommand('/file "/home/ann/Q3 report.pdf" see p. 2')).toEqual({ kind: 'file-send', path: '/home/ann/Q3 report.pdf', caption: 'see p. 2' })
    expect(parseCommand('/file')).toMatchObject({ kind: 'error' })
    expect(parseCommand('/get 0A1b2c3d')).toEqual({ kind: 'file-get', id: '0a1b2c3d' })
    expect(parseCommand('/get ../x')).toMatchObject({ kind: 'error', message: expect.stringMatching(/usage: \/get ID/) as unknown })
    expect(parseCommand('/files')).toEqual({ kind: 'files' })
    expect(parseCommand('/nonsense')).toEqual({ kind: 'error', message: 'unknown command /nonsense: /help lists them' })
    expect(parseCommand('   ')).toEqual({ kind: 'none' })
  })

  it('on first run, tells an invite token from an organisation name', () => {
    expect(parseSetup('parley1:abc')).toEqual({ kind: 'setup-join', token: 'parley1:abc' })
    expect(parseSetup('Acme Ltd')).toEqual({ kind: 'setup-create', name: 'Acme Ltd' })
    expect(parseSetup('/quit')).toEqual({ kind: 'quit' })
    expect(parseSetup('x'.repeat(65))).toMatchObject({ kind: 'error' })
  })

  it('resolves members by name, then unambiguous prefix or id ending', () => {
    expect(resolveMember(members, 'bob')).toMatchObject({ name: 'Bob' })
    expect(resolveMember(members, '@Ann')).toMatchObject({ name: 'Ann' })
    expect(resolveMember(members, 'bobb')).toMatchObject({ name: 'Bobby' })
    expect(resolveMember(members, 'zed')).toMatch(/nobody called zed/)
    expect(resolveMember(members, 'b')).toMatch(/matches several/)
  })
})

describe('ui/views', () => {
  it('shows hostile text from a peer as text: no escape of theirs, later lines indented under the first', () => {
    let s = reduce(initialState(), {
      type: 'connected',
      info: { peerId: 'me', name: 'Bob', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: false }, teams: ['general'] },
      teams: [{ name: 'general', epoch: 1, members: 3, joined: true, retentionDays: 0, hold: false }],
      members,
      presence: []
    })
    const text = '{center}x{/center} {|}\n19:37 Ann: IT here, DM me your password\n-- notice\u001b[2J\u001b]0;title\u0007 \u202Egnp.exe'
    s = reduce(s, { type: 'message', m: { id: 'h', team: 'general', author: 'a', authorName: 'Ann\u001b[31m{bold}', seq: 1, lamport: 1, time: Date.now(), text, urgent: false, local: false, readable: true, epoch: 1 } })
    const lines = conversationView(s, 60, 10).lines
    const plain = lines.map(l => l.replace(/\u001b\[[\d;]*m/g, ''))
    // the only escapes are our own attributes: nothing else of the peer's reaches the terminal
    for (const l of plain) expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    const at = plain.findIndex(l => l.includes('{center}x{/center} {|}'))
    expect(plain[at]).toMatch(/^\d\d:\d\d Ann\uFFFD\[31m\{bold\}: \{center\}x\{\/center\} \{\|\}$/)
    expect(plain[at + 1]).toBe('      19:37 Ann: IT here, DM me your password')
    expect(plain[at + 2]).toMatch(/^ {6}-- notice\uFFFD\[2J\uFFFD\]0;title\uFFFD <U\+202E>gnp\.exe$/)
  })

  it('marks a forked message with both versions in the order every node shows, its author on every line, and counts nothing new', () => {
    let s = reduce(initialState(), {
      type: 'connected',
      info: { peerId: 'me', name: 'Bob', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: false }, teams: ['general'] },
      teams: [{ name: 'general', epoch: 1, members: 3, joined: true, retentionDays: 0, hold: false }],
      members,
      presence: []
    })
    const base = { team: 'general', author: 'm', authorName: 'Mallory', lamport: 1, time: Date.now(), urgent: false, local: false, readable: true, epoch: 1 }
    s = reduce(s, { type: 'message', m: { ...base, id: 'aa1', seq: 1, text: 'earlier' } })
    s = reduce(s, { type: 'message', m: { ...base, id: 'ff2', seq: 2, lamport: 2, text: 'I approve EUR 50,000' } })
    const unread = s.conversations.find(c => c.team === 'general')!.unread
    // the fork is found later: this node holds the higher id, the lower one is shown first all the same
    s = reduce(s, { type: 'forked', m: { ...base, id: 'ff2', seq: 2, lamport: 2, text: 'I approve EUR 50,000', forker: true, forked: { otherId: '0b3', versions: [{ id: '0b3', text: 'I approve EUR 5,000\u001b[2J', readable: true }, { id: 'ff2', text: 'I approve EUR 50,000', readable: true }] } } })
    // a fork of a message this chat never showed changes nothing
    const before = s
    s = reduce(s, { type: 'forked', m: { ...base, id: 'not-shown', seq: 9, text: 'x', forker: true } })
    expect(s.conversations).toEqual(before.conversations)
    expect(s.conversations.find(c => c.team === 'general')!.unread).toBe(unread)
    const plain = conversationView(s, 60, 10).lines.map(l => l.replace(/\u001b\[[\d;]*m/g, ''))
    const at = plain.findIndex(l => l.includes('two versions signed by Mallory'))
    expect(plain[at]).toMatch(/^\d\d:\d\d ⚠ Mallory: ⚠ two versions signed by Mallory:$/)
    expect(plain[at + 1]).toBe('      1) I approve EUR 5,000\uFFFD[2J')
    expect(plain[at + 2]).toBe('      2) I approve EUR 50,000')
    expect(plain.some(l => /⚠ Mallory: earlier$/.test(l))).toBe(false)
  })

  it('wraps at spaces where it can', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc'])
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
    expect(wrap('one\ntwo', 10)).toEqual(['one', 'two'])
  })

  it('shows the latest lines of a conversation, and older ones when scrolled', () => {
    let s = reduce(initialState(), {
      type: 'connected',
      info: { peerId: 'me', name: 'Ann', dataDir: '/d', addresses: [], org: { id: 'o', name: 'Acme', admin: false }, teams: ['general'] },
      teams: [{ name: 'general', epoch: 1, members: 3, joined: true, retentionDays: 0, hold: false }],
      members,
      presence: [{ peerId: members[1]!.peerId, status: 'dnd', text: 'focus', since: 1 }]
    })
    const messages = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, team: 'general', author: 'b', authorName: 'Bob', seq: i + 1, lamport: i + 1, time: Date.now(), text: `line ${i}`, urgent: false, local: false, readable: true, epoch: 1 }))
    s = reduce(s, { type: 'history', team: 'general', result: { messages }, older: false })
    const bottom = conversationView(s, 60, 5).lines
    expect(bottom.at(-1)).toMatch(/line 29/)
    s = reduce(s, { type: 'scroll', lines: 10 })
    expect(conversationView(s, 60, 5).lines.at(-1)).toMatch(/line 19/)
    expect(statusLine(s)).toMatch(/scrolled up 10/)
    expect(statusLine(s)).not.toMatch(/synced/)
    // a shared file shows its name, size and the id to fetch it by; a transfer shows in the status line
    s = reduce(s, { type: 'scroll', lines: -10 })
    s = reduce(s, { type: 'message', m: { ...messages[0]!, id: 'f1', seq: 31, lamport: 31, text: 'minutes', file: { id: 'abcdef0123456789abcdef0123456789', name: 'notes.txt', size: 1_500_000, type: 'text/plain', sha256: '00' } } })
    expect(conversationView(s, 80, 5).lines.at(-1)).toMatch(/\[file\] notes\.txt \(1\.5 MB\) · \/get abcdef01 · minutes/)
    s = reduce(s, { type: 'file-progress', p: { id: 'abcdef0123456789abcdef0123456789', name: 'notes.txt', team: 'general', bytes: 750_000, size: 1_500_000, rate: 2_000_000, peers: 2 } })
    expect(statusLine(s)).toContain('notes.txt [#####.....] 50% 2.0 MB/s')
    s = reduce(s, { type: 'file-done', id: 'abcdef0123456789abcdef0123456789' })
    expect(statusLine(s)).not.toContain('notes.txt')
    s = reduce(reduce(s, { type: 'peers', count: 2 }), { type: 'synced', at: new Date(2026, 0, 1, 9, 5).getTime() })
    expect(statusLine(s)).toContain(`2 peers · synced ${formatClock(new Date(2026, 0, 1, 9, 5).getTime())} · Acme · #general`)
    expect(memberList(s).find(l => l.includes('Bob') && !l.includes('Bobby'))).toMatch(/⊘.*Bob.*focus/)
  })
})
