import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentConversation } from '../../../src/ui/state.js'
import type { ChatBackend } from '../../../src/ui/backend.js'
import { msg, settle, startChat, typeLine, waitUntil } from './fixtures.js'

describe('ui/run-command', () => {
  let dir: string
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'parley-ui-cmd-')) })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('keeps what was typed when a mention could be several people, and asks before an urgent message that mentions nobody', async () => {
    const { chat, backend } = await startChat({ members: () => Promise.resolve([
      { peerId: 'peer-ann', name: 'Ann', admin: true, online: true, teams: ['general'] },
      { peerId: 'peer-bob', name: 'Bob Marsh', admin: false, online: true, teams: ['general'] },
      { peerId: 'peer-mary', name: 'Mary Jo', admin: false, online: true, teams: ['general'] }
    ]) })
    await typeLine(chat, 'hi @ma')
    expect(chat.state.status.error).toMatch(/^@ma could be .*Bob Marsh.*Mary Jo.*: type more of the name \(Tab completes\)$/)
    expect(chat.state.input.text).toBe('hi @ma')
    await typeLine(chat, '/urgent the build is broken')
    expect(chat.state.confirm).toMatch(/mentions nobody.*Send it to #general anyway\? Enter: yes · Esc: no$/)
    expect(backend.calls.filter(c => c.method === 'send')).toEqual([])
    chat.submit()
    await settle()
    expect(backend.calls.filter(c => c.method === 'send')).toEqual([{ method: 'send', args: ['general', 'the build is broken', true] }])
    chat.quit()
  })

  it('carries out the admin commands with the members\' peer ids, and says what was done', async () => {
    const called: Array<[string, unknown]> = []
    // every method answers an empty list: what the commands here read of an answer
    const call = ((method: string, params: unknown) => { called.push([method, params]); return Promise.resolve([]) }) as ChatBackend['call']
    const { chat } = await startChat({ call })
    await typeLine(chat, '/team create ops bob')
    expect(chat.state.status.notice).toBe('created #ops')
    await typeLine(chat, '/team remove ops bob')
    await typeLine(chat, '/admin add bob')
    await typeLine(chat, '/remove Bob')
    expect(called).toEqual([
      ['team.create', { team: 'ops', members: ['peer-bob'] }],
      ['team.remove', { team: 'ops', member: 'peer-bob' }],
      ['admin.add-admin', { peer: 'peer-bob' }],
      ['admin.remove', { peer: 'peer-bob' }]
    ])
    expect(chat.state.status.notice).toBe('Bob was removed from the organisation and every team; keys rotated, connections refused')
    await typeLine(chat, '/team add ops zed')
    expect(chat.state.status.error).toBe('nobody called zed in the directory')
    expect(called).toHaveLength(4)
    chat.quit()
  })

  it('/msg opens the direct conversation and goes there; /msg to oneself is refused', async () => {
    const { chat, backend } = await startChat()
    await typeLine(chat, '/msg bob psst')
    expect(backend.calls.filter(c => c.method === 'sendDirect')).toEqual([{ method: 'sendDirect', args: ['peer-bob', 'psst'] }])
    expect(currentConversation(chat.state)).toMatchObject({ label: '@Bob', direct: 'peer-bob' })
    await typeLine(chat, '/msg ann hello')
    expect(chat.state.status.error).toBe('that is you')
    await typeLine(chat, '/msg bob')
    expect(currentConversation(chat.state)?.team).toBe('dm-bob')
    chat.quit()
  })

  it('/notify says the mode, changes it, and refuses one it does not know', async () => {
    const { chat } = await startChat({}, { notify: 'both' })
    await typeLine(chat, '/notify')
    expect(chat.state.status.notice).toBe('notifications: both (/notify desktop|terminal|both|off)')
    await typeLine(chat, '/notify off')
    expect(chat.alerts.mode).toBe('off')
    expect(chat.state.status.notice).toBe('notifications: off')
    await typeLine(chat, '/notify loud')
    expect(chat.state.status.error).toBe('usage: /notify desktop|terminal|both|off')
    expect(chat.alerts.mode).toBe('off')
    chat.quit()
  })

  it('/invite shows the token outside the chat, and writes it owner-only to a new file, never over one', async () => {
    const { chat, screen } = await startChat()
    const out = join(dir, 'invite.txt')
    await typeLine(chat, `/invite dev --out ${out}`)
    await waitUntil(() => screen.outside)
    expect(screen.outsideLines?.at(-1)).toBe('TOKEN')
    expect(screen.outsideLines?.[0]).toMatch(/for #general and #dev\. Also written to /)
    expect(await readFile(out, 'utf8')).toBe('TOKEN\n')
    expect((await stat(out)).mode & 0o777).toBe(0o600)
    screen.backInside()
    await typeLine(chat, `/invite --out ${out}`)
    await waitUntil(() => chat.state.status.error !== undefined)
    expect(chat.state.status.error).toBe(`${out} already exists: choose another file name`)
    chat.quit()
  })

  it('shows teams, members and search results in the overlay', async () => {
    const { chat } = await startChat({ search: () => Promise.resolve([msg({ text: 'the answer', authorName: 'Bob', time: 0 })]) })
    await typeLine(chat, '/teams')
    expect(chat.state.overlay?.lines).toEqual([
      '3 teams in Acme:',
      '  ● #dev  2 members',
      '  ● #general  2 members',
      '  ○ #hr  1 member · you are not in it (an admin can add you)',
      '/join TEAM switches to a team you are in.'
    ])
    await typeLine(chat, '/members')
    expect(chat.state.overlay?.title).toBe('members of #general')
    expect(chat.state.overlay?.lines[0]).toBe('2 members, 1 online:')
    await typeLine(chat, '/search answer')
    expect(chat.state.overlay?.lines[0]).toBe('1 found for "answer", newest first:')
    expect(chat.state.overlay?.lines[1]).toMatch(/^#general .* Bob: the answer$/)
    chat.quit()
  })

  it('on the first screen asks before founding, and joins under the name given', async () => {
    const { chat, backend } = await startChat({ info: () => Promise.resolve({ peerId: 'peer-ann', name: '', dataDir: '/d', addresses: [], teams: [], api: 1 }) }, { fullName: 'Ann Lee' })
    await typeLine(chat, 'Acme')
    expect(chat.state.confirm).toMatch(/^Found a new organisation called "Acme"/)
    chat.decline()
    await typeLine(chat, 'parley1:token')
    expect(chat.state.input.text).toBe('Ann Lee')
    expect(chat.state.confirm).toBe('Enter: join with this name · Esc: cancel')
    chat.dispatch({ type: 'input', text: 'Ann L.' })
    chat.submit()
    await settle()
    expect(backend.calls.filter(c => c.method === 'join')).toEqual([{ method: 'join', args: ['parley1:token', 'Ann L.'] }])
    expect(chat.state.overlay).toMatchObject({ title: 'welcome', lines: ['Welcome, Ann L.! /help lists commands and keys.'] })
    chat.quit()
  })
})
