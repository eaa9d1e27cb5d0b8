import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import * as errors from '../../src/errors.js'

describe('errors', () => {
  it('every error class can be rebuilt by name from the control socket', async () => {
    const source = await readFile(new URL('../../src/errors.ts', import.meta.url), 'utf8')
    const declared = [...source.matchAll(/^export class (\w+) extends ParleyError/gm)].map(m => m[1]!).sort()
    expect(declared.length).toBeGreaterThan(20)
    expect(Object.keys(errors.errorClasses).sort()).toEqual(declared)
    for (const [name, Cls] of Object.entries(errors.errorClasses)) {
      const e = new Cls('x')
      expect(e.name).toBe(name)
      expect(e).toBeInstanceOf(Error)
    }
  })
})
