import { describe, expect, it } from 'vitest'
import { escapeMarkup, gvariantString, messageNotice, terminalSequences } from '../../../src/ui/notifier.js'

describe('ui/notifier', () => {
  it('says who wrote where, on one line, with nothing of the peer able to end a sequence', () => {
    const n = messageNotice({ authorName: 'Ann\u001b]0;x\u0007', text: 'line one\nline two \u202Eok', urgent: true }, '#dev')
    expect(n).toEqual({ title: 'urgent: Ann\uFFFD]0;x\uFFFD in #dev', body: 'line one ↵ line two <U+202E>ok' })
    expect(messageNotice({ authorName: 'Bob', text: 'hi', urgent: false, direct: 'peer' }, '@Bob').title).toBe('Bob (direct message)')
    const seq = terminalSequences({ title: 'Ann; in #dev', body: 'a;b' })
    expect(seq).toBe('\u001b]777;notify;Ann, in #dev;a,b\u0007\u001b]9;Ann, in #dev: a,b\u0007')
  })

  it('escapes markup for the notification body, and quotes strings for gdbus', () => {
    expect(escapeMarkup('<a href="x">&</a>')).toBe('&lt;a href="x"&gt;&amp;&lt;/a&gt;')
    expect(gvariantString("it's \\ fine")).toBe("'it\\'s \\\\ fine'")
  })
})
