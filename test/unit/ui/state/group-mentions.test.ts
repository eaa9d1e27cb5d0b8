import { describe, expect, it } from 'vitest'
import { findGroupMentions, findMentions } from '../../../../src/ui/mentions.js'
import { reduce } from '../../../../src/ui/state.js'
import type { UiState } from '../../../../src/ui/state.js'
import { addressedTo, isMention } from '../../../../src/ui/state/notifications.js'
import { msg, office } from '../fixtures.js'

const as = (status: UiState['myStatus']['status']): UiState => ({ ...office(), myStatus: { status, text: '' } })
/** Whether a message from Bob in #dev (not the conversation shown) rings Ann, and is counted a mention. */
const rings = (status: UiState['myStatus']['status'], text: string, urgent = false): { bell: boolean, mention: boolean, held: boolean } => {
  const s = reduce(as(status), { type: 'message', m: msg({ team: 'dev', text, urgent }) })
  return { bell: s.bell === 1, mention: s.conversations[1]!.mentions === 1, held: s.held.length === 1 }
}

describe('@here and @team', () => {
  it('are found as groups, never as a person whose name starts so, and not inside a word or an address', () => {
    const people = [{ peerId: 'p-t', name: 'Teamo Ruiz' }, { peerId: 'p-h', name: 'Heremy Lu' }]
    expect(findGroupMentions('@here and @TEAM, @teamo, mail@here.org, @heres')).toEqual([
      { group: 'here', start: 0, end: 5 }, { group: 'team', start: 10, end: 15 }
    ])
    expect(findMentions('@team @here', people)).toEqual([])
    expect(findMentions('@teamo', people).map(m => m.peerId)).toEqual(['p-t'])
  })

  it('@team rings every member, available or away; @here only those available', () => {
    expect(rings('available', '@team standup')).toEqual({ bell: true, mention: true, held: false })
    expect(rings('away', '@team standup')).toEqual({ bell: true, mention: true, held: false })
    expect(rings('available', 'anyone @here?')).toEqual({ bell: true, mention: true, held: false })
    expect(rings('away', 'anyone @here?')).toEqual({ bell: false, mention: false, held: false })
    expect(rings('available', 'no group here')).toEqual({ bell: false, mention: false, held: false })
  })

  it('busy and dnd hold them like any message; urgent ones still ring', () => {
    for (const status of ['busy', 'dnd'] as const) {
      expect(rings(status, '@team standup')).toEqual({ bell: false, mention: true, held: true })
      expect(rings(status, 'anyone @here?')).toEqual({ bell: false, mention: true, held: true })
      expect(rings(status, '@team the server is down', true)).toEqual({ bell: true, mention: true, held: true })
      expect(rings(status, '@here fire drill', true)).toEqual({ bell: true, mention: true, held: true })
    }
  })

  it('my own @team does not ring me, and the way a message is addressed is the strongest it has', () => {
    const s = reduce(as('available'), { type: 'message', m: msg({ team: 'dev', author: 'peer-ann', local: true, text: '@team hi' }) })
    expect(s.bell).toBe(0)
    const o = office()
    expect(addressedTo(o, { text: '@here @ann' })).toBe('personal')
    expect(addressedTo(o, { text: '@here @team' })).toBe('team')
    expect(addressedTo(o, { text: 'x', direct: 'peer-bob' })).toBe('direct')
    expect(isMention('here', 'away')).toBe(false)
    expect(isMention(undefined, 'available')).toBe(false)
  })
})
