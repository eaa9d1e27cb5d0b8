import { describe, expect, it } from 'vitest'
import { whatHappened } from '../../../src/ui/state.js'
import { INFO, MEMBERS, settle, startChat, typeLine } from './fixtures.js'
import type { ChatBackend } from '../../../src/ui/backend.js'
import type { PolicyView } from '../../../src/index.js'

const POLICY: PolicyView = {
  version: 3,
  everySession: false,
  text: 'No customer data in chat.\nBe kind.',
  by: 'peer-ann',
  at: Date.parse('2026-12-01T09:00:00Z'),
  mayPost: false,
  members: [
    { peerId: 'peer-ann', name: 'Ann', accepted: { version: 3, at: Date.parse('2026-12-01T09:00:00Z') }, current: true },
    { peerId: 'peer-bob', name: 'Bob', accepted: { version: 2, at: Date.parse('2026-11-01T09:00:00Z') }, current: false }
  ]
}

/** A backend whose control calls answer from `answers` (and are recorded in `called`). */
function scripted (answers: Record<string, (params: unknown) => unknown>, called: Array<[string, unknown]>): ChatBackend['call'] {
  return (async (method: string, params: unknown) => {
    called.push([method, params])
    const answer = answers[method]
    if (answer === undefined) throw new Error(`not scripted: ${method}`)
    return answer(params)
  }) as ChatBackend['call']
}

describe('ui/policy-prompt', () => {
  it('shows the policy at start to a node that has not accepted it, and Enter accepts that very version', async () => {
    const called: Array<[string, unknown]> = []
    const { chat } = await startChat({
      info: () => Promise.resolve({ ...INFO, api: 1, policy: { version: 3, everySession: false, mayPost: false } }),
      call: scripted({ 'policy.status': () => POLICY, 'policy.accept': () => ({ ...POLICY, mayPost: true }) }, called)
    })
    expect(chat.state.overlay?.title).toBe('usage policy of Acme')
    expect(chat.state.overlay?.lines.slice(0, 2)).toEqual(['No customer data in chat.', 'Be kind.'])
    // Ann is an admin: she sees who has not accepted
    expect(chat.state.overlay?.lines.join('\n')).toMatch(/1 of 2 have accepted this version; not yet: Bob/)
    expect(chat.state.confirm).toMatch(/^Do you accept the usage policy \(version 3\)\? Enter: yes · Esc: no$/)
    chat.submit()
    await settle()
    expect(called).toEqual([['policy.status', undefined], ['policy.accept', { version: 3 }]])
    expect(chat.state.overlay).toBeUndefined()
    expect(chat.state.status.notice).toBe('you accepted the usage policy, version 3')
    chat.quit()
  })

  it('Esc declines: nothing is accepted and the chat says the node reads only', async () => {
    const called: Array<[string, unknown]> = []
    const { chat } = await startChat({
      info: () => Promise.resolve({ ...INFO, api: 1, policy: { version: 3, everySession: false, mayPost: false } }),
      call: scripted({ 'policy.status': () => POLICY }, called)
    })
    chat.decline()
    await settle()
    expect(called.map(c => c[0])).toEqual(['policy.status'])
    expect(chat.state.status.error).toBe('usage policy not accepted: you can read but not post; /policy shows it again')
    chat.quit()
  })

  it('a policy asked at every session starts a new session at each chat start, even when accepted before', async () => {
    const called: Array<[string, unknown]> = []
    const { chat } = await startChat({
      info: () => Promise.resolve({ ...INFO, api: 1, policy: { version: 3, everySession: true, mayPost: true } }),
      call: scripted({ 'policy.session': () => ({ ...POLICY, everySession: true }) }, called)
    })
    expect(called).toEqual([['policy.session', undefined]])
    expect(chat.state.confirm).toMatch(/accept the usage policy/)
    chat.quit()
  })

  it('asks nothing when there is no policy, or it is accepted and not per session', async () => {
    const called: Array<[string, unknown]> = []
    const { chat } = await startChat({ call: scripted({}, called) })
    const { chat: chat2 } = await startChat({
      info: () => Promise.resolve({ ...INFO, api: 1, policy: { version: 3, everySession: false, mayPost: true } }),
      call: scripted({}, called)
    })
    expect(called).toEqual([])
    expect(chat.state.overlay).toBeUndefined()
    expect(chat2.state.confirm).toBeUndefined()
    chat.quit()
    chat2.quit()
  })

  it('/nick asks, /rename and /approve act on the members\' peer ids', async () => {
    const called: Array<[string, unknown]> = []
    const { chat } = await startChat({
      call: scripted({
        rename: () => [],
        'admin.rename': () => MEMBERS,
        'admin.approve': () => MEMBERS,
        'rename.requests': () => [{ peerId: 'peer-bob', name: 'Bob', requested: 'Robert Marsh', at: 1 }],
        'policy.status': () => null
      }, called)
    })
    await typeLine(chat, '/nick Ann Lee')
    expect(chat.state.status.notice).toBe('asked the admins to call you Ann Lee; it applies once one approves')
    await typeLine(chat, '/rename bob: Bobby Tables')
    await typeLine(chat, '/approve')
    expect(chat.state.overlay?.lines).toEqual(['1 pending (/approve NAME grants one):', expect.stringMatching(/^ {2}Bob asks to be called Robert Marsh/)])
    await typeLine(chat, '/approve Bob')
    expect(chat.state.status.notice).toBe('Bob is now called Robert Marsh')
    await typeLine(chat, '/rename bob')
    expect(chat.state.status.error).toBe('usage: /rename NAME: NEW NAME')
    await typeLine(chat, '/policy')
    expect(chat.state.overlay?.lines[0]).toBe('The organisation has no usage policy.')
    expect(called.filter(c => c[0] !== 'rename.requests' && c[0] !== 'policy.status')).toEqual([
      ['rename', { name: 'Ann Lee' }],
      ['admin.rename', { peer: 'peer-bob', name: 'Bobby Tables' }],
      ['admin.approve', { peer: 'peer-bob' }]
    ])
    chat.quit()
  })

  it('a rename shows in the member\'s conversations, with the admin who made it', () => {
    const after = MEMBERS.map(m => m.peerId === 'peer-bob' ? { ...m, name: 'Robert' } : m)
    const lines = whatHappened(MEMBERS, after, { orgId: 'o', applied: ['rename'], removed: [], by: [{ signer: 'peer-ann', at: 1 }] }, 'peer-ann')
    expect(lines).toEqual([
      { team: 'dev', text: 'Bob is now called Robert by you' },
      { team: 'general', text: 'Bob is now called Robert by you' }
    ])
    const policy = whatHappened(MEMBERS, MEMBERS, { orgId: 'o', applied: ['policy'], removed: [], by: [{ signer: 'peer-bob', at: 1 }] }, 'peer-ann')
    expect(policy).toEqual([{ team: 'general', text: 'a new version of the usage policy was published by Bob: /policy shows it' }])
  })
})
