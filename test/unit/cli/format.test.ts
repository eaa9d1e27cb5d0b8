import { describe, expect, it } from 'vitest'
import { emojiLabel, formatMessage, formatReactions, formatReplyLine, formatTailEvent, tailEventJson } from '../../../src/cli/format.js'
import type { MessageView } from '../../../src/events.js'

const base: MessageView = { id: 'ff00aa11bb22cc33', team: 'general', author: '12D3KooWMallory', authorName: 'Mallory', seq: 2, lamport: 2, time: 0, text: 'I approve EUR 50,000', urgent: false, local: false, readable: true, epoch: 1 }
const ANN = '12D3KooWAnnAnnAnnAnn1111'
const BOB = '12D3KooWBobBobBobBob2222'

describe('cli/format', () => {
  it('prints a message as its text, and a forked one as both versions in the order every node shows', () => {
    expect(formatMessage(base)).toMatch(/Mallory \(.*\): I approve EUR 50,000$/)
    const forked = formatMessage({ ...base, forker: true, forked: { otherId: '0a', versions: [{ id: '0a', text: 'I approve EUR 5,000\u001b[2J', readable: true }, { id: 'ff', text: 'I approve EUR 50,000', readable: true }] } })
    expect(forked.split('\n').slice(1)).toEqual(['    1) I approve EUR 5,000\uFFFD[2J', '    2) I approve EUR 50,000'])
    expect(forked.split('\n')[0]).toMatch(/: ⚠ two versions signed by Mallory:$/)
  })

  it('starts each message with the first 8 digits of its id, which edit, react and thread take back', () => {
    expect(formatMessage(base)).toMatch(/^ff00aa11 {2}\S.* {2}#general {2}Mallory \(…WMallory\): /)
  })

  it('marks an edited message after its text, on the last line of a multi-line one', () => {
    expect(formatMessage({ ...base, text: 'EUR 5,000', edited: 1000 })).toMatch(/: EUR 5,000 \(edited\)$/)
    expect(formatMessage({ ...base, text: 'one\ntwo', edited: 1000 }).split('\n')).toEqual([expect.stringMatching(/: one$/), '    two (edited)'])
    expect(formatMessage(base)).not.toContain('(edited)')
  })

  it('shows a deleted message as deleted, by whom, without its reactions', () => {
    const deleted: MessageView = { ...base, text: '', deleted: { by: ANN, byName: 'Ann', time: 5 }, reactions: { '👍': [BOB] } }
    expect(formatMessage(deleted)).toMatch(/Mallory \(…WMallory\): message deleted \(by Ann\)$/)
    expect(formatMessage(deleted).split('\n')).toHaveLength(1)
    // a name from the network is made harmless; without one, the directory's, else the short id
    expect(formatMessage({ ...deleted, deleted: { by: ANN, byName: 'A\u202Enn\u001b[2J', time: 5 } })).toMatch(/\(by A<U\+202E>nn\uFFFD\[2J\)$/)
    expect(formatMessage({ ...deleted, deleted: { by: ANN, byName: '', time: 5 } }, new Map([[ANN, 'Ann Lee']]))).toMatch(/\(by Ann Lee\)$/)
    expect(formatMessage({ ...deleted, deleted: { by: ANN, byName: '', time: 5 } })).toMatch(/\(by …nAnn1111\)$/)
  })

  it('names the message a reply answers, with the start of its text', () => {
    const reply: MessageView = { ...base, text: 'sure', replyTo: 'abcdef0123456789', quote: { author: BOB, authorName: 'Bob', text: 'lunch at noon?' } }
    expect(formatMessage(reply).split('\n')).toEqual([expect.stringMatching(/: sure$/), '    ↳ reply to Bob: lunch at noon?'])
    const long = 'a long question that goes on and on, past what one line of a reply shows'
    expect(formatReplyLine({ ...reply, quote: { author: BOB, authorName: 'Bob', text: long } })).toBe('↳ reply to Bob: a long question that goes on and on, pas…')
    // the quote is another person's text: one line, escapes neutralised
    expect(formatReplyLine({ ...reply, quote: { author: BOB, authorName: 'Bob', text: 'two\nlines\u001b[31m' } })).toBe('↳ reply to Bob: two ↵ lines\uFFFD[31m')
    expect(formatReplyLine({ ...reply, quote: { author: BOB, authorName: 'Bob', text: '', deleted: true } })).toBe('↳ reply to Bob: (message deleted)')
    expect(formatReplyLine({ ...reply, quote: undefined })).toBe('↳ reply to abcdef01 (not held here)')
    expect(formatReplyLine(base)).toBeUndefined()
    expect(formatMessage(reply, new Map(), { replyLine: false })).not.toContain('↳')
  })

  it('counts reactions per emoji, and says how many replies a message has', () => {
    const m: MessageView = { ...base, reactions: { '👍': [ANN, BOB], '🎉': [ANN] }, replies: { count: 3, last: 0 } }
    const lines = formatMessage(m).split('\n')
    expect(lines[1]).toBe('    👍 2  🎉 1')
    expect(lines[2]).toMatch(/^ {4}3 replies, latest .* \(parley thread ff00aa11\)$/)
    expect(formatMessage({ ...m, replies: { count: 1, last: 0 } })).toMatch(/ 1 reply, latest /)
    expect(formatMessage(m, new Map(), { replyCount: false })).not.toMatch(/replies/)
    expect(formatReactions(undefined)).toBe('')
    expect(formatReactions({ '👍': [] })).toBe('')
  })

  it('shows a reaction from the network harmlessly, keeping what glues a composed emoji together', () => {
    expect(emojiLabel('👩\u200d💻')).toBe('👩\u200d💻')
    expect(emojiLabel('\u202E👍')).toBe('<U+202E>👍')
    expect(emojiLabel(':ok\u001b[2J:')).toBe(':ok\uFFFD[2J:')
    expect(formatReactions({ '\u2066x': [ANN] })).toBe('<U+2066>x 1')
  })

  it('prints a tail event: an edit or delete as the message now, a reaction as who did what', () => {
    expect(formatTailEvent('message:edited', { ...base, text: 'EUR 5,000', edited: 9 })).toMatch(/^ff00aa11 .*Mallory \(…WMallory\): EUR 5,000 \(edited\)$/)
    expect(formatTailEvent('message:deleted', { ...base, text: '', deleted: { by: ANN, byName: 'Ann', time: 9 } })).toMatch(/: message deleted \(by Ann\)$/)
    const names = new Map([[BOB, 'Bob']])
    const added = formatTailEvent('reaction:changed', { ...base, reactions: { '👍': [BOB], '🎉': [ANN] }, reactor: BOB, emoji: '👍', removed: false }, names)
    expect(added).toMatch(/^ff00aa11 {2}.* {2}#general {2}Bob \(…bBob2222\) reacted 👍 to Mallory's message {2}\(now 👍 1 {2}🎉 1\)$/)
    const removed = formatTailEvent('reaction:changed', { ...base, reactor: ANN, emoji: '👍', removed: true }, names)
    expect(removed).toMatch(/ …nAnn1111 \(…nAnn1111\) took back 👍 on Mallory's message {2}\(none now\)$/)
    expect(formatTailEvent('reaction:changed', { ...base, direct: BOB, reactor: BOB, emoji: '\u202E', removed: false }, names)).toMatch(/ {2}@Bob {2}Bob .* reacted <U\+202E> to /)
  })

  it('gives each tail --json line the message as shown now and an event field naming what happened', () => {
    expect(JSON.parse(tailEventJson('message:added', base))).toEqual({ event: 'message:added', ...base })
    expect(JSON.parse(tailEventJson('message:edited', { ...base, edited: 9 }))).toEqual({ event: 'message:edited', ...base, edited: 9 })
    expect(JSON.parse(tailEventJson('reaction:changed', { ...base, reactor: BOB, emoji: '👍', removed: false }))).toEqual({ event: 'reaction:changed', ...base, reactor: BOB, emoji: '👍', removed: false })
  })
})
