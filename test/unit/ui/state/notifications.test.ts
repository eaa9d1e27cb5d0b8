import { describe, expect, it } from 'vitest'
import { alertFor, digest, releaseHeld } from '../../../../src/ui/state/notifications.js'
import type { ChatMessage, UiState } from '../../../../src/ui/state.js'
import { msg, office } from '../fixtures.js'

const chat = (over: Parameters<typeof msg>[0] = {}): ChatMessage => ({ ...msg(over), state: 'sent' })
const withStatus = (s: UiState, status: UiState['myStatus']['status']): UiState => ({ ...s, myStatus: { status, text: '' } })

describe('ui/state/notifications', () => {
  it('rings for a mention, not for other messages', () => {
    const s = office()
    const m = chat()
    expect(alertFor(s, s, m, false)).toBe(s)
    expect(alertFor(s, s, m, true)).toMatchObject({ bell: 1, alert: m, held: [] })
  })

  it('while busy or on do-not-disturb holds every message, and rings only for an urgent mention', () => {
    for (const status of ['busy', 'dnd'] as const) {
      const s = withStatus(office(), status)
      const plain = chat()
      const urgent = chat({ urgent: true })
      expect(alertFor(s, s, plain, true)).toMatchObject({ bell: 0, held: [plain] })
      expect(alertFor(s, s, urgent, false)).toMatchObject({ bell: 0, held: [urgent] })
      expect(alertFor(s, s, urgent, true)).toMatchObject({ bell: 1, alert: urgent, held: [urgent] })
    }
    // away still rings
    const away = withStatus(office(), 'away')
    expect(alertFor(away, away, chat(), true).bell).toBe(1)
  })

  it('sums up what was held: how many where, and who mentioned me', () => {
    const s = office()
    expect(digest(s, [chat()], 'busy')).toBe('While you were busy: 1 message (#general 1)')
    const held = [chat({ text: '@Ann hi' }), chat({ team: 'dev' }), chat({ team: 'dm-1', direct: 'peer-bob', authorName: 'Bob' })]
    expect(digest(s, held, 'dnd')).toBe('While you were on do-not-disturb: 3 messages (#general 1, #dev 1, @Bob 1); 2 mentions (Bob in #general; Bob in @Bob)')
  })

  it('shows the digest once, on leaving focus, and only if something was held', () => {
    const held = { ...withStatus(office(), 'busy'), held: [chat()] }
    const next = withStatus(held, 'available')
    const shown = releaseHeld(held, next, 'busy', 'available')
    expect(shown.held).toEqual([])
    expect(shown.overlay).toMatchObject({ title: 'while you were away', lines: ['While you were busy: 1 message (#general 1)'] })
    expect(shown.conversations[0]!.lines.at(-1)).toMatchObject({ kind: 'system', level: 'digest' })
    // from busy to do-not-disturb is still focus; nothing held, nothing shown
    expect(releaseHeld(held, next, 'busy', 'dnd')).toBe(next)
    const none = withStatus(office(), 'busy')
    expect(releaseHeld(none, next, 'busy', 'available')).toBe(next)
  })
})
