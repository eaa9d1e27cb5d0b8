import { describe, expect, it } from 'vitest'
import { whatHappened } from '../../../../src/ui/state/org-changes.js'
import type { MemberView } from '../../../../src/index.js'

const m = (peerId: string, name: string, teams: string[], admin = false): MemberView => ({ peerId, name, admin, online: true, teams })

describe('ui/state/org-changes', () => {
  it('says who joined and into which teams, and that it was me who let them in', () => {
    const before = [m('peer-ann', 'Ann', ['general'], true)]
    const after = [...before, m('peer-dee', 'Dee', ['general', 'dev'])]
    const change = { orgId: 'o', applied: ['addMember'], removed: [], by: [{ signer: 'peer-ann', at: 1 }] }
    expect(whatHappened(before, after, change, 'peer-ann')).toEqual([
      { team: 'general', text: 'Dee joined the organisation (let in by you)' },
      { team: 'dev', text: 'Dee was added to #dev by you' }
    ])
  })

  it('without signers says what happened, not by whom; my own changes are in the second person', () => {
    const before = [m('peer-ann', 'Ann', ['general'], true), m('peer-bob', 'Bob', ['general'])]
    const after = [m('peer-ann', 'Ann', ['general'], true), m('peer-bob', 'Bob', ['general', 'ops'])]
    expect(whatHappened(before, after, undefined, 'peer-bob')).toEqual([{ team: 'ops', text: 'You were added to #ops' }])
    expect(whatHappened(before, after, { orgId: 'o', applied: ['roster'], removed: [] }, 'peer-ann')).toEqual([{ team: 'ops', text: 'Bob was added to #ops' }])
  })

  it('never tells me that I was removed from the organisation (the removed screen does)', () => {
    const before = [m('peer-ann', 'Ann', ['general'], true), m('peer-bob', 'Bob', ['general', 'dev'])]
    const lines = whatHappened(before, [m('peer-ann', 'Ann', ['general'], true)], { orgId: 'o', applied: ['removeMember'], removed: ['peer-bob'], by: [{ signer: 'peer-ann', at: 1 }] }, 'peer-bob')
    expect(lines).toEqual([])
    const seen = whatHappened(before, [m('peer-ann', 'Ann', ['general'], true)], { orgId: 'o', applied: ['removeMember'], removed: ['peer-bob'], by: [{ signer: 'peer-ann', at: 1 }] }, 'peer-ann')
    expect(seen.map(l => l.team)).toEqual(['general', 'dev'])
  })
})
