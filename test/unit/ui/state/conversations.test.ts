import { describe, expect, it } from 'vitest'
import { reduceConversations } from '../../../../src/ui/state/conversations.js'
import { reduce, initialState } from '../../../../src/ui/state.js'
import { INFO, MEMBERS, TEAMS, msg, office } from '../fixtures.js'

describe('ui/state/conversations', () => {
  it('sets up from the node: setup without an organisation, removed for an offboarded workstation, my own status from presence', () => {
    expect(reduceConversations(initialState(), { type: 'connected', info: { ...INFO, org: undefined }, teams: [], members: [], presence: [] }).mode).toBe('setup')
    const removed = reduceConversations(initialState(), { type: 'connected', info: { ...INFO, removed: { by: 'peer-bob', byName: 'Bob', at: 5 } }, teams: TEAMS, members: MEMBERS, presence: [] })
    expect(removed).toMatchObject({ mode: 'removed', removed: { byName: 'Bob', at: 5 }, org: { name: 'Acme', admin: true } })
    const busy = reduceConversations(initialState(), { type: 'connected', info: INFO, teams: TEAMS, members: MEMBERS, presence: [{ peerId: 'peer-ann', status: 'busy', text: 'calls', since: 1 }] })
    expect(busy.myStatus).toEqual({ status: 'busy', text: 'calls' })
    // "offline" is inferred by others, never my own status
    const offline = reduceConversations(busy, { type: 'connected', info: INFO, teams: TEAMS, members: MEMBERS, presence: [{ peerId: 'peer-ann', status: 'offline', text: '', since: 2 }] })
    expect(offline.myStatus).toEqual({ status: 'busy', text: 'calls' })
  })

  it('lists #general first, then joined teams by name, then direct conversations, and keeps the shown one when teams change', () => {
    let s = reduceConversations(initialState(), { type: 'connected', info: INFO, teams: [...TEAMS, { name: 'abc', epoch: 1, members: 2, joined: true, retentionDays: 0, hold: false }], members: MEMBERS, presence: [], directs: [{ team: 'dm-1', peerId: 'peer-bob', name: 'Bob' }] })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '#abc', '#dev', '@Bob'])
    s = reduceConversations(s, { type: 'switch', index: 2 })
    // #abc is left: #dev keeps being shown, at its new place
    s = reduceConversations(s, { type: 'teams', teams: TEAMS })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '#dev', '@Bob'])
    expect(s.conversations[s.current]?.team).toBe('dev')
  })

  it('opens a direct conversation once, at the end', () => {
    let s = office()
    const direct = { team: 'dm-1', peerId: 'peer-bob', name: 'Bob' }
    s = reduceConversations(s, { type: 'open-direct', direct })
    s = reduceConversations(s, { type: 'open-direct', direct })
    expect(s.conversations.map(c => c.label)).toEqual(['#general', '#dev', '@Bob'])
    expect(s.conversations[2]).toMatchObject({ direct: 'peer-bob', loaded: false })
  })

  it('switches: out of range does nothing, the one left is marked read up to its newest message', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'g1' }) })
    expect(reduceConversations(s, { type: 'switch', index: 5 })).toBe(s)
    s = reduceConversations({ ...s, scroll: 4 }, { type: 'switch', index: 0 })
    expect(s.scroll).toBe(0)
    s = reduceConversations(s, { type: 'switch', index: 1 })
    expect(s.current).toBe(1)
    expect(s.conversations[0]?.readUpTo).toBe('g1')
    expect(s.conversations[1]?.readUpTo).toBeUndefined()
    // Ctrl-N and Ctrl-P go round
    expect(reduceConversations(s, { type: 'next' }).current).toBe(0)
    expect(reduceConversations(s, { type: 'prev' }).current).toBe(0)
    expect(reduceConversations(initialState(), { type: 'next' }).current).toBe(0)
  })

  it('says why a team cannot be switched to', () => {
    const s = office()
    expect(reduceConversations(s, { type: 'switch-team', team: 'hr' }).status.error).toBe('you are not in #hr: an admin can add you')
    expect(reduceConversations(s, { type: 'switch-team', team: 'nope' }).status.error).toBe('there is no team #nope: /teams lists them')
    expect(reduceConversations(s, { type: 'switch-team', team: 'dev' }).current).toBe(1)
  })

  it('scrolls within bounds; back at the bottom the conversation is read', () => {
    let s = reduce(office(), { type: 'scroll', lines: 3 })
    s = reduce(s, { type: 'message', m: msg() })
    expect(s.conversations[0]).toMatchObject({ unread: 1 })
    expect(s.newBelow).toBe(1)
    expect(reduceConversations(s, { type: 'scroll', lines: 50, max: 7 }).scroll).toBe(7)
    expect(reduceConversations(s, { type: 'scroll', lines: -50 }).scroll).toBe(0)
    const bottom = reduceConversations(s, { type: 'bottom' })
    expect(bottom).toMatchObject({ scroll: 0, newBelow: 0 })
    expect(bottom.conversations[0]).toMatchObject({ unread: 0, mentions: 0 })
  })

  it('Alt-A with nothing new elsewhere says so', () => {
    const s = reduceConversations(office(), { type: 'next-active' })
    expect(s.current).toBe(0)
    expect(s.status.notice).toBe('no other conversation has new messages')
  })
})
