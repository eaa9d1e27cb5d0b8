import { describe, expect, it } from 'vitest'
import { LineSplitter, parseRequest } from '../../../src/control/protocol.js'
import { ProtocolError } from '../../../src/errors.js'

describe('control/protocol', () => {
  it('splits lines across chunks', () => {
    const s = new LineSplitter(100)
    expect(s.push(Buffer.from('{"a":'))).toEqual([])
    expect(s.push(Buffer.from('1}\n{"b"'))).toEqual(['{"a":1}'])
    expect(s.push(Buffer.from(':2}\n\n'))).toEqual(['{"b":2}', ''])
  })

  it('refuses a line over the limit before buffering it all', () => {
    const s = new LineSplitter(10)
    expect(() => s.push(Buffer.from('x'.repeat(11)))).toThrow(ProtocolError)
    const t = new LineSplitter(10)
    t.push(Buffer.from('x'.repeat(6)))
    expect(() => t.push(Buffer.from('x'.repeat(6)))).toThrow(ProtocolError)
  })

  it('parses requests and names what is wrong with bad ones', () => {
    expect(parseRequest('{"id":1,"method":"peers"}')).toEqual({ id: 1, method: 'peers' })
    expect(parseRequest('{"id":"x","method":"send","params":{"team":"t"}}')).toEqual({ id: 'x', method: 'send', params: { team: 't' } })
    expect(() => parseRequest('not json')).toThrow(/not valid JSON/)
    expect(() => parseRequest('[1]')).toThrow(/object/)
    expect(() => parseRequest('{"method":"x"}')).toThrow(/"id"/)
    expect(() => parseRequest('{"id":1}')).toThrow(/"method"/)
    expect(() => parseRequest('{"id":1,"method":"x","params":[1]}')).toThrow(/"params"/)
  })
})
