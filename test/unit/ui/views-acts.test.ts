import { describe, expect, it } from 'vitest'
import { reduce } from '../../../src/ui/state.js'
import { conversationView, statusLine } from '../../../src/ui/views.js'
import { msg, office } from './fixtures.js'

const plain = (lines: string[]): string => lines.join('\n').replace(/\u001b\[[\d;]*m/g, '')

describe('ui/views of replies, edits, deletes and reactions', () => {
  it('what a peer wrote in a quote, a reaction or a name is shown, never obeyed, and never passes for a message line', () => {
    let s = reduce(office(), { type: 'message', m: msg({
      id: 'h1',
      replyTo: 'x',
      quote: { author: 'peer-mal', authorName: 'Mal\u001b[2J', text: 'line one\n10:00 Ann: fake line\u202e' },
      text: 'hi',
      reactions: { '\u001b]0;pwned\u0007': ['peer-mal'], ['🎉'.repeat(30)]: ['peer-mal'] }
    }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'h2', text: '', deleted: { by: 'peer-mal', byName: 'Mal\u001b[31m', time: 1 } }) })
    const raw = conversationView(s, 60, 20).lines
    const shown = plain(raw)
    // no ESC of theirs survives: only our own SGR sequences are left
    expect(raw.join('').replace(/\u001b\[[\d;]*m/g, '')).not.toMatch(/\u001b|\u0007/)
    // the quote stays on one line, indented, with its newline visible
    expect(shown).toMatch(/^ {6}↳ Mal�\[2J: line one ↵ 10:00 Ann: fake line<U\+202E>$/m)
    expect(shown).not.toMatch(/^10:00 Ann/m)
    // a long "emoji" is cut; the control one is visible placeholders
    expect(shown).toMatch(/^ {6}�\]0;pwn… 1 {2}🎉🎉🎉… 1$/m)
    expect(shown).not.toMatch(/(🎉){5}/)
    expect(shown).toMatch(/Bob: message deleted \(by Mal�\[31m\)/)
    for (const l of shown.split('\n')) expect(l.length).toBeLessThanOrEqual(60)
  })

  it('the chosen message is reversed and kept in view, even when scrolled far from it', () => {
    let s = office()
    for (let i = 0; i < 30; i++) s = reduce(s, { type: 'message', m: msg({ id: `s${i}`, text: `m${i}` }) })
    s = reduce(s, { type: 'select' })
    s = reduce(s, { type: 'select-move', by: -29 })
    const view = conversationView(s, 60, 5)
    expect(plain(view.lines)).toMatch(/Bob: m0$/m)
    const chosen = view.lines.find(l => l.includes('m0'))!
    expect(chosen.startsWith('\u001b[7m')).toBe(true)
    expect(view.lines.filter(l => l.startsWith('\u001b[7m'))).toHaveLength(1)
    expect(plain([statusLine(s)])).toMatch(/^message s0 by Bob · /)
  })

  it('selection mode names only the keys that do something to the chosen message', () => {
    const hint = (m: Parameters<typeof msg>[0], admin = true): string => {
      let s = reduce(office(), { type: 'message', m: msg({ id: 'k1', ...m }) })
      if (!admin) s = { ...s, org: { name: 'Acme', admin: false } }
      return plain([statusLine(reduce(s, { type: 'select', id: 'k1' }))]).split(' · ↑↓')[0]!
    }
    expect(hint({ author: 'peer-ann', local: true, reactions: { '👍': ['peer-bob'] } })).toBe('message k1 by you · r reply · e edit · d delete · + react · t thread · w who reacted')
    // someone else's: an admin may delete it, a member not
    expect(hint({})).toBe('message k1 by Bob · r reply · d delete · + react · t thread')
    expect(hint({}, false)).toBe('message k1 by Bob · r reply · + react · t thread')
    // a deleted one keeps its thread, nothing else; nor does it show a delivery mark
    expect(hint({ author: 'peer-ann', local: true, deleted: { by: 'peer-ann', byName: 'Ann', time: 1 } })).toBe('message k1 by you · t thread')
    const s = reduce(office(), { type: 'sent', tempId: 't', m: msg({ id: 'k2', author: 'peer-ann', authorName: 'Ann', local: true, recipients: 1, deleted: { by: 'peer-ann', byName: 'Ann', time: 1 } }) })
    expect(plain(conversationView(s, 60, 20).lines)).toMatch(/Ann: message deleted \(by Ann\)$/m)
  })

  it('an edit shows "(edited)" after the text; reactions sit under the message with their counts', () => {
    let s = reduce(office(), { type: 'message', m: msg({ id: 'e1', text: 'the release is at 5', edited: 2, reactions: { '🎉': ['a'], '👍': ['a', 'b', 'c'] } }) })
    s = reduce(s, { type: 'message', m: msg({ id: 'e2', text: 'next' }) })
    expect(plain(conversationView(s, 60, 20).lines)).toMatch(/Bob: the release is at 5 \(edited\)\n {6}👍 3 {2}🎉 1\n.*Bob: next/)
  })
})

describe('ui/views of your own message\'s state', () => {
  it('wraps the state mark with the text, so a line that just fits shows the whole mark, never a cut one', () => {
    const head = '10:00 Ann: ' // the fixture's time is shown as 10:00 (checked below)
    for (const [recipients, mark] of [[1, '✓✓'], [0, '✓']] as const) {
      for (let extra = -2; extra <= 2; extra++) {
        const text = 'x'.repeat(60 - head.length - mark.length - 1 + extra)
        const s = reduce(office(), { type: 'sent', tempId: 't', m: msg({ id: `own${extra}`, author: 'peer-ann', authorName: 'Ann', local: true, text, recipients }) })
        const shown = plain(conversationView(s, 60, 20).lines).split('\n').filter(l => l.includes('x') || l.includes('✓'))
        for (const l of shown) expect(l.length).toBeLessThanOrEqual(60)
        expect(shown.join('\n')).toMatch(/^\d\d:\d\d Ann: x+/)
        // the whole mark, at the end of the last line, on it or on its own
        expect(shown.at(-1)).toMatch(new RegExp(` ${mark}$`))
        expect(shown.join('').replace(/[^✓]/g, '')).toBe(mark)
      }
    }
  })
})
