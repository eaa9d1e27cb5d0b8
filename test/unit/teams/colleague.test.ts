import { afterEach, describe, expect, it } from 'vitest'
import { isColleague } from '../../../src/teams/org-state.js'
import { Office } from '../../helpers/office.js'
import type { Person } from '../../helpers/office.js'

describe('teams/org-state isColleague (whom the peer keeper keeps dialing)', () => {
  const office = new Office()
  afterEach(async () => { await office.cleanup() })

  it('a node that learns it was removed has no colleagues left; the others drop only it', async () => {
    const [admin, bob, carol] = await office.found('admin', 'bob', 'carol') as [Person, Person, Person]
    const ids = [admin, bob, carol].map(p => p.me.peerId)
    // compose.ts names this node by its key's string form, which is its peer id
    expect(carol.me.key.publicKey.toString()).toBe(carol.me.peerId)
    expect(ids.map(id => isColleague(carol.org.state, carol.me.peerId, id))).toEqual([true, true, true])
    await admin.org.removeMember(carol.me.peerId)
    await office.spread()
    // carol's own node knows of her removal: it keeps dialing nobody of the org
    expect(carol.org.state.removed.has(carol.me.peerId)).toBe(true)
    expect(ids.map(id => isColleague(carol.org.state, carol.me.peerId, id))).toEqual([false, false, false])
    // bob still dials admin, and no longer carol
    expect(ids.map(id => isColleague(bob.org.state, bob.me.peerId, id))).toEqual([true, true, false])
    // a stranger is no colleague, and with no org there are none
    const stranger = await office.stranger('outsider')
    expect(isColleague(bob.org.state, bob.me.peerId, stranger.me.peerId)).toBe(false)
    expect(isColleague(undefined, bob.me.peerId, admin.me.peerId)).toBe(false)
    await stranger.log.close()
  })
})
