import { describe, expect, it } from 'vitest'
import { reduceScreen } from '../../../../src/ui/state/screen.js'
import { office } from '../fixtures.js'

describe('ui/state/screen', () => {
  it('shows one error or one notice in the status line; an empty notice clears both', () => {
    let s = reduceScreen(office(), { type: 'notice', text: 'saved' })
    s = reduceScreen(s, { type: 'error', text: 'failed' })
    expect(s.status).toMatchObject({ error: 'failed' })
    expect(s.status.notice).toBeUndefined()
    s = reduceScreen(s, { type: 'notice', text: 'ok' })
    expect(s.status).toMatchObject({ notice: 'ok' })
    expect(s.status.error).toBeUndefined()
    s = reduceScreen(s, { type: 'notice', text: '' })
    expect(s.status).toEqual({ peers: 0 })
    s = reduceScreen(reduceScreen(s, { type: 'peers', count: 3 }), { type: 'synced', at: 42 })
    expect(s.status).toEqual({ peers: 3, synced: 42 })
  })

  it('opens the overlay at its top, scrolls it within bounds, and closes it', () => {
    expect(reduceScreen(office(), { type: 'overlay-scroll', lines: 3 }).overlay).toBeUndefined()
    let s = reduceScreen(office(), { type: 'overlay', title: 'help', lines: ['a', 'b'] })
    expect(s.overlay).toEqual({ title: 'help', lines: ['a', 'b'], scroll: 0 })
    s = reduceScreen(s, { type: 'overlay-scroll', lines: 10, max: 4 })
    expect(s.overlay?.scroll).toBe(4)
    s = reduceScreen(s, { type: 'overlay-scroll', lines: -10 })
    expect(s.overlay?.scroll).toBe(0)
    expect(reduceScreen(s, { type: 'close-overlay' })).not.toHaveProperty('overlay')
  })

  it('holds a question until it is answered, and the panes the user chose until a resize', () => {
    const asked = reduceScreen(office(), { type: 'confirm', question: 'sure?' })
    expect(asked.confirm).toBe('sure?')
    expect(reduceScreen(asked, { type: 'confirmed' })).not.toHaveProperty('confirm')
    let s = reduceScreen(office(), { type: 'toggle-pane', pane: 'list', shown: false })
    s = reduceScreen(s, { type: 'toggle-pane', pane: 'members', shown: true })
    expect(s.panes).toEqual({ list: false, members: true })
    expect(reduceScreen(s, { type: 'reset-panes' }).panes).toEqual({})
  })
})
