import { describe, expect, it } from 'vitest'
import { charWidth, displayWidth, fitColumns, oneLine, sanitize, truncate, wrap } from '../../../src/ui/text.js'

describe('ui/text', () => {
  it('counts terminal columns: wide CJK and emoji two, combining marks none', () => {
    expect(displayWidth('abc')).toBe(3)
    expect(displayWidth('中文')).toBe(4)
    expect(displayWidth('🎉✓✓')).toBe(4)
    expect(displayWidth('☕')).toBe(2)
    expect(displayWidth('e\u0301')).toBe(1)
    expect(displayWidth('ｆｕｌｌ')).toBe(8)
    expect(charWidth(0x1f600)).toBe(2)
    expect(charWidth(0x41)).toBe(1)
    expect(charWidth(0x1b)).toBe(0)
  })

  it('turns control characters into U+FFFD and invisible or bidi characters into visible placeholders', () => {
    expect(sanitize('a\u001b[2Jb\u0007c\u009bd')).toBe('a\uFFFD[2Jb\uFFFDc\uFFFDd')
    expect(sanitize('x\u202Egnp.exe')).toBe('x<U+202E>gnp.exe')
    expect(sanitize('\u2066a\u2069\u061C\u200E\u200F')).toBe('<U+2066>a<U+2069><U+061C><U+200E><U+200F>')
    expect(sanitize('zero\u200Bwidth\uFEFF')).toBe('zero<U+200B>width<U+FEFF>')
    expect(sanitize('line\r\nnext\ttab')).toBe('line\nnext tab')
    expect(sanitize('a\u2028b')).toBe('a<U+2028>b')
    // ordinary text, accents and emoji stay as they are
    expect(sanitize('Café 中文 🎉')).toBe('Café 中文 🎉')
  })

  it('puts names on one line, with no escape of theirs', () => {
    expect(oneLine('{red-fg}Ann\n12:00 IT: hi\u001b[31m')).toBe('{red-fg}Ann ↵ 12:00 IT: hi\uFFFD[31m')
  })

  it('cuts and pads by columns', () => {
    expect(fitColumns('中文字', 5)).toBe('中文')
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('中文字', 5)).toBe('中文…')
    expect(truncate('ab', 4)).toBe('ab')
  })

  it('wraps by columns at spaces, and indents the lines after the first', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc'])
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
    expect(wrap('one\ntwo', 10)).toEqual(['one', 'two'])
    expect(wrap('12:00 Ann: one\n12:01 IT: give me your password', 40, 6)).toEqual(['12:00 Ann: one', '      12:01 IT: give me your password'])
    // wide characters take two columns each: four fit in 8
    expect(wrap('中文中文中文', 8)).toEqual(['中文中文', '中文'])
    for (const l of wrap('🎉 party 🎉🎉🎉 time 中文 ok', 9, 2)) expect(displayWidth(l)).toBeLessThanOrEqual(9)
  })
})
