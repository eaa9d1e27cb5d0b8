import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { TerminalInput, interceptTerminalInput } from '../../../src/ui/terminal-input.js'

function recorder (): { input: TerminalInput, got: string[] } {
  const got: string[] = []
  const input = new TerminalInput({
    paste: (t) => got.push(`paste:${t}`),
    newline: () => got.push('newline'),
    focus: (f) => got.push(`focus:${f}`),
    keys: (t) => got.push(`keys:${t}`)
  })
  return { input, got }
}

describe('ui/terminal-input', () => {
  it('passes keys on, and takes a bracketed paste whole, however many reads it spans', () => {
    const { input, got } = recorder()
    input.push('ab\u001b[200~line one\r')
    input.push('line two\u001b[201~cd')
    expect(got).toEqual(['keys:ab', 'paste:line one\rline two', 'keys:cd'])
  })

  it('finds the end of a paste split between two reads', () => {
    const { input, got } = recorder()
    input.push('\u001b[200~big paste\u001b[20')
    input.push('1~after')
    expect(got).toEqual(['paste:big paste', 'keys:after'])
    got.length = 0
    input.push('\u001b[200~x\u001b')
    input.push('[201~')
    expect(got).toEqual(['paste:x'])
  })

  it('finds Alt-Enter and focus reports among the keys, never inside a paste', () => {
    const { input, got } = recorder()
    input.push('x\u001b\ry\u001b[Iz\u001b[O\u001b\n')
    expect(got).toEqual(['focus:true', 'focus:false', 'keys:x', 'newline', 'keys:yz', 'newline'])
    got.length = 0
    input.push('\u001b[200~a\u001b\rb\u001b[I\u001b[201~')
    expect(got).toEqual(['paste:a\u001b\rb\u001b[I'])
  })

  it('sits in front of the key parser that was listening, and turns paste and focus reports on', () => {
    const stdin = new EventEmitter() as unknown as NodeJS.ReadStream
    const parsed: string[] = []
    stdin.on('data', (d: Buffer) => parsed.push(d.toString()))
    const written: string[] = []
    const pastes: string[] = []
    interceptTerminalInput(stdin, (s) => written.push(s), { paste: (t) => pastes.push(t), newline: () => {}, focus: () => {} })
    stdin.emit('data', Buffer.from('k\u001b[200~p\u001b[201~'))
    expect(parsed).toEqual(['k'])
    expect(pastes).toEqual(['p'])
    expect(written).toEqual(['\u001b[?2004h\u001b[?1004h'])
    // a character split between two reads arrives whole
    const e = Buffer.from('\u001b[200~é\u001b[201~')
    const at = e.indexOf(0xc3) + 1
    stdin.emit('data', e.subarray(0, at))
    stdin.emit('data', e.subarray(at))
    expect(pastes).toEqual(['p', 'é'])
  })
})
