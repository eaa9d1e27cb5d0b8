import { describe, expect, it } from 'vitest'
import { reduceFiles } from '../../../../src/ui/state/files.js'
import { office } from '../fixtures.js'

describe('ui/state/files', () => {
  it('follows each transfer by id until it is done', () => {
    const p = { id: 'f1', name: 'a.pdf', team: 'general', bytes: 10, size: 100, rate: 5, peers: 1 }
    let s = reduceFiles(office(), { type: 'file-progress', p })
    s = reduceFiles(s, { type: 'file-progress', p: { ...p, id: 'f2' } })
    s = reduceFiles(s, { type: 'file-progress', p: { ...p, bytes: 50 } })
    expect(s.transfers['f1']?.bytes).toBe(50)
    s = reduceFiles(s, { type: 'file-done', id: 'f1' })
    expect(Object.keys(s.transfers)).toEqual(['f2'])
    // done for a transfer it never saw: nothing changes
    expect(reduceFiles(s, { type: 'file-done', id: 'zz' }).transfers).toEqual(s.transfers)
  })
})
