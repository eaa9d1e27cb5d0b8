import { describe, expect, it } from 'vitest'
import { conversationLabel, currentConversation, lastMessageId, mentionable, withSystemLine } from '../../../../src/ui/state/selectors.js'
import { initialState, reduce } from '../../../../src/ui/state.js'
import { INFO, msg, office } from '../fixtures.js'

describe('ui/state/selectors', () => {
  it('names a conversation by its label, a direct one not listed by the member, else by the id\'s end', () => {
    const s = office()
    expect(conversationLabel(s, 'dev')).toBe('#dev')
    expect(conversationLabel(s, 'hr')).toBe('#hr')
    expect(conversationLabel(s, 'dm-1', 'peer-bob')).toBe('@Bob')
    expect(conversationLabel(s, 'dm-2', '12D3KooWabcdefgh12345678')).toBe('@12345678')
  })

  it('can mention me before the directory lists me', () => {
    const s = reduce(initialState(), { type: 'connected', info: INFO, teams: [], members: [], presence: [] })
    expect(mentionable(s)).toEqual([{ peerId: 'peer-ann', name: 'Ann' }])
    expect(mentionable(office()).map(p => p.name)).toEqual(['Ann', 'Bob'])
    expect(mentionable(initialState())).toEqual([])
  })

  it('finds the conversation shown and its newest message that is not still sending', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'm1' }) })
    s = reduce(s, { type: 'sending', team: 'general', tempId: 't', text: 'x', urgent: false })
    expect(currentConversation(s)?.team).toBe('general')
    expect(lastMessageId(currentConversation(s)!)).toBe('m1')
    expect(currentConversation(initialState())).toBeUndefined()
  })

  it('adds a system line to the conversation shown, or to the setup screen', () => {
    expect(withSystemLine(initialState(), 'hello', 'info').setupLines).toEqual(['hello'])
    expect(withSystemLine(office(), 'digest', 'digest').conversations[0]!.lines).toMatchObject([{ kind: 'system', text: 'digest', level: 'digest' }])
  })
})
