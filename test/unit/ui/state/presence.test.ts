import { describe, expect, it } from 'vitest'
import { mergePresence, reducePresence } from '../../../../src/ui/state/presence.js'
import type { PresenceView } from '../../../../src/index.js'
import { MEMBERS, office } from '../fixtures.js'

const p = (peerId: string, status: PresenceView['status'], since = 1, text = ''): PresenceView => ({ peerId, status, text, since })

describe('ui/state/presence', () => {
  it('takes the directory as the node sends it', () => {
    const s = reducePresence(office(), { type: 'members', members: MEMBERS.slice(0, 1) })
    expect(s.members.map(m => m.name)).toEqual(['Ann'])
  })

  it('keeps everyone\'s presence; my own status follows mine, but never to offline', () => {
    let s = reducePresence(office(), { type: 'presence', p: p('peer-bob', 'away') })
    expect(s.presence['peer-bob']?.status).toBe('away')
    expect(s.myStatus.status).toBe('available')
    s = reducePresence(s, { type: 'presence', p: p('peer-ann', 'busy', 2, 'calls') })
    expect(s.myStatus).toEqual({ status: 'busy', text: 'calls' })
    s = reducePresence(s, { type: 'presence', p: p('peer-ann', 'offline', 3) })
    expect(s.myStatus).toEqual({ status: 'busy', text: 'calls' })
    expect(s.presence['peer-ann']?.status).toBe('offline')
  })

  it('a snapshot replaces only the presence no event has told since it was asked for', () => {
    const known = { 'peer-bob': p('peer-bob', 'available', 5), 'peer-cy': p('peer-cy', 'dnd', 5) }
    const merged = mergePresence(known, [p('peer-bob', 'offline', 1), p('peer-cy', 'available', 6), p('peer-dee', 'away', 6)], new Set(['peer-bob']))
    expect(Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.status]))).toEqual({ 'peer-bob': 'available', 'peer-cy': 'available', 'peer-dee': 'away' })
    expect(mergePresence(known, [p('peer-bob', 'offline', 1)])['peer-bob']?.status).toBe('offline')
    // the known presence is not changed in place
    expect(known['peer-bob'].status).toBe('available')
  })
})
