import { describe, expect, it } from 'vitest'
import { CONTROL_SCHEMA, controlMethod, field, isControlMethod, parseParams } from '../../../src/control/api.js'
import { InvalidArgumentError, UnknownMethodError } from '../../../src/errors.js'
import { EVENT_NAMES } from '../../../src/events.js'
import type { ControlParams, ParamsSchema, TypedControlEvent } from '../../../src/control/api.js'
import type { ControlClient } from '../../../src/control/client.js'
import type { Handler } from '../../../src/control/server.js'

/** The error `fn` throws, to check its class and its message together. */
function thrown (fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected it to throw')
}

describe('control/api schema', () => {
  it('refuses an unknown method with UnknownMethodError, as the server always did', () => {
    const err = thrown(() => parseParams('frobnicate', {}))
    expect(err).toBeInstanceOf(UnknownMethodError)
    expect(err.message).toBe('unknown method "frobnicate"')
    // inherited keys of a plain object are not methods
    expect(isControlMethod('toString')).toBe(false)
    expect(isControlMethod('__proto__')).toBe(false)
    expect(() => controlMethod('constructor')).toThrow(UnknownMethodError)
    expect(controlMethod('send.direct')).toBe('send.direct')
  })

  it('has a schema for every method and nothing else', () => {
    for (const method of Object.keys(CONTROL_SCHEMA)) expect(isControlMethod(method)).toBe(true)
    expect(Object.keys(CONTROL_SCHEMA)).toContain('subscribe')
  })

  it('string: required, null counts as missing, other types are refused', () => {
    expect(parseParams('org.create', { name: 'Acme' })).toEqual({ name: 'Acme' })
    for (const params of [{}, { name: null }]) {
      const err = thrown(() => parseParams('org.create', params))
      expect(err).toBeInstanceOf(InvalidArgumentError)
      expect(err.message).toBe('"name" is required')
    }
    const err = thrown(() => parseParams('org.create', { name: 7 }))
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect(err.message).toBe('"name" must be a string')
    // the empty string is given: what a name may be is the node's business
    expect(parseParams('org.create', { name: '' })).toEqual({ name: '' })
  })

  it('optional string: left out or null is absent from the result, not undefined', () => {
    expect(parseParams('members', {})).toEqual({})
    const nulled = parseParams('members', { team: null })
    expect(nulled).toEqual({})
    expect('team' in nulled).toBe(false)
    expect(parseParams('members', { team: 'dev' })).toEqual({ team: 'dev' })
    expect(() => parseParams('members', { team: ['dev'] })).toThrow(new InvalidArgumentError('"team" must be a string'))
  })

  it('optional list of strings', () => {
    expect(parseParams('invite', { teams: ['dev', 'ops'] })).toEqual({ teams: ['dev', 'ops'] })
    expect(parseParams('invite', { teams: [] })).toEqual({ teams: [] })
    expect(parseParams('invite', { teams: null })).toEqual({})
    for (const teams of ['dev', ['dev', 1], { 0: 'dev' }]) {
      expect(() => parseParams('invite', { teams })).toThrow(new InvalidArgumentError('"teams" must be a list of strings'))
    }
  })

  it('optional whole number: a string, a fraction or NaN is refused', () => {
    expect(parseParams('history', { team: 'general', limit: 10 })).toEqual({ team: 'general', limit: 10 })
    expect(parseParams('history', { team: 'general', limit: null })).toEqual({ team: 'general' })
    for (const limit of ['ten', '10', 1.5, Number.NaN, true]) {
      expect(() => parseParams('history', { team: 'general', limit })).toThrow(new InvalidArgumentError('"limit" must be a whole number'))
    }
  })

  it('flag: on only when true, anything else is off (never refused)', () => {
    expect(parseParams('send', { team: 'general', text: 'hi', urgent: true })).toEqual({ team: 'general', text: 'hi', urgent: true })
    for (const urgent of [undefined, false, 'yes', 1, null]) {
      expect(parseParams('send', { team: 'general', text: 'hi', urgent })).toEqual({ team: 'general', text: 'hi', urgent: false })
    }
  })

  it('optional flag: left out means no change; given, only true is on', () => {
    expect(parseParams('team.retention', { team: 'general' })).toEqual({ team: 'general' })
    expect(parseParams('team.retention', { team: 'general', hold: true })).toEqual({ team: 'general', hold: true })
    expect(parseParams('team.retention', { team: 'general', hold: false })).toEqual({ team: 'general', hold: false })
    expect(parseParams('team.retention', { team: 'general', hold: null })).toEqual({ team: 'general', hold: false })
    expect(parseParams('team.retention', { team: 'general', hold: 'on' })).toEqual({ team: 'general', hold: false })
  })

  it('one of: export format, with its own message', () => {
    expect(parseParams('export', { team: 'general' })).toEqual({ team: 'general' })
    expect(parseParams('export', { team: 'general', format: 'csv' })).toEqual({ team: 'general', format: 'csv' })
    expect(() => parseParams('export', { team: 'general', format: 'xml' })).toThrow(new InvalidArgumentError('format is jsonl or csv'))
    expect(() => parseParams('export', { team: 'general', format: 1 })).toThrow(new InvalidArgumentError('"format" must be a string'))
  })

  it('some of: subscribe events names the events it takes; null is refused', () => {
    expect(parseParams('subscribe', {})).toEqual({})
    expect(parseParams('subscribe', { team: 'dev', events: ['message:added'] })).toEqual({ team: 'dev', events: ['message:added'] })
    const message = `"events" must be a list of: ${EVENT_NAMES.join(', ')}`
    for (const events of [null, 'message:added', ['message:added', 'message:eaten'], [1]]) {
      expect(() => parseParams('subscribe', { events })).toThrow(new InvalidArgumentError(message))
    }
  })

  it('string unless: a file goes to a team unless it goes to a peer', () => {
    expect(parseParams('file.send', { team: 'general', path: '/tmp/a' })).toEqual({ team: 'general', path: '/tmp/a' })
    expect(parseParams('file.send', { peer: '12D3KooW', path: '/tmp/a' })).toEqual({ peer: '12D3KooW', path: '/tmp/a' })
    // as before: with no peer the team is checked before the path
    expect(() => parseParams('file.send', {})).toThrow(new InvalidArgumentError('"team" is required'))
    expect(() => parseParams('file.send', { peer: '12D3KooW' })).toThrow(new InvalidArgumentError('"path" is required'))
    expect(() => parseParams('file.send', { team: 3, path: '/tmp/a' })).toThrow(new InvalidArgumentError('"team" must be a string'))
    // to a peer, the team is not read at all, as before
    expect(parseParams('file.send', { peer: '12D3KooW', team: 3, path: '/tmp/a' })).toEqual({ peer: '12D3KooW', path: '/tmp/a' })
  })

  it('reports the first wrong param in the order the server always checked them', () => {
    // history checked before, limit, then team; search since, limit, team, from, then query
    expect(() => parseParams('history', { limit: 'x' })).toThrow(/"limit" must be a whole number/)
    expect(() => parseParams('search', { since: 'yesterday' })).toThrow(/"since" must be a whole number/)
    expect(() => parseParams('join', { timeoutMs: 1.5 })).toThrow(/"timeoutMs"/)
    expect(() => parseParams('send', { text: 'hi' })).toThrow(/"team" is required/)
  })

  it('ignores params it does not know, as the server always did', () => {
    expect(parseParams('info', { verbose: true })).toEqual({})
    expect(parseParams('send', { team: 'general', text: 'hi', colour: 'red' })).toEqual({ team: 'general', text: 'hi', urgent: false })
  })

  it('the field kinds report the key they were given', () => {
    expect(() => field.string.parse(undefined, 'who', {})).toThrow('"who" is required')
    expect(field.optionalString.parse(undefined, 'who', {})).toBeUndefined()
    expect(field.stringUnless('other').parse('ignored', 'who', { other: 'x' })).toBeUndefined()
    expect(() => field.stringUnless('other').parse(undefined, 'who', {})).toThrow('"who" is required')
  })
})

// Type-level checks: `npm run lint` type-checks this file, so each @ts-expect-error below fails the
// lint if the API ever stops refusing what it marks.
describe('control/api types', () => {
  it('refuses a schema field of the wrong kind, a handler of the wrong type, and untyped requests', () => {
    // @ts-expect-error a required param cannot have an optional field
    const wrongKind: ParamsSchema<ControlParams<'org.create'>> = { name: field.optionalString }
    // @ts-expect-error a param left out of the schema
    const missing: ParamsSchema<ControlParams<'send'>> = { team: field.string, text: field.string }
    // @ts-expect-error a handler whose params are of the wrong type
    const wrongParams: Handler<'history'> = (p: { team: number }) => ({ messages: [], before: String(p.team) })
    // @ts-expect-error a handler whose result is of the wrong type
    const wrongResult: Handler<'teams'> = () => 'general'
    const right: Handler<'history'> = (p) => ({ messages: [], ...(p.before !== undefined ? { before: p.before } : {}) })
    expect([wrongKind, missing, wrongParams, wrongResult, right].length).toBe(5)

    const typedCalls = (c: ControlClient): unknown[] => [
      // @ts-expect-error an unknown method
      c.request('frobnicate'),
      // @ts-expect-error a param of the wrong type
      c.request('history', { team: 'general', limit: 'ten' }),
      // @ts-expect-error a required param left out
      c.request('send', { team: 'general' }),
      c.request('info'),
      c.request('members', { team: 'dev' })
    ]
    expect(typeof typedCalls).toBe('function')

    const text = (e: TypedControlEvent): string => {
      if (e.event === 'message:added') return e.data.text
      if (e.event === 'node:warning') return e.data.message
      return ''
    }
    expect(text({ event: 'node:warning', data: { message: 'disk nearly full' } })).toBe('disk nearly full')
    const peerEvent: TypedControlEvent = { event: 'peer:connected', data: { peerId: '12D3KooW', addresses: [] } }
    // @ts-expect-error each event has its own payload: a peer event carries no text
    const wrongPayload: TypedControlEvent = { event: 'peer:connected', data: { text: 'hi' } }
    expect(text(peerEvent)).toBe('')
    expect(wrongPayload.event).toBe('peer:connected')
  })
})
