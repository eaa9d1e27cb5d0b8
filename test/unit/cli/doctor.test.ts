import { describe, expect, it } from 'vitest'
import { aloneFinding } from '../../../src/cli/doctor.js'
import type { KeeperStatus } from '../../../src/net/peer-keeper.js'

describe('cli/doctor: connected to nobody', () => {
  const now = 1_000_000

  it('says when colleagues are seen by mDNS but not reached, and what the node is trying', () => {
    const status: KeeperStatus = {
      connected: 0,
      aloneSince: now - 45_000,
      sightingsLastMinute: 9,
      ignoredSightings: 0,
      lastSightingAt: now - 2_000,
      targets: [{ peerId: '12D3KooWbob', addresses: ['/ip4/10.0.0.2/tcp/7717/p2p/12D3KooWbob'], isStatic: false, state: 'waiting', failures: 3, nextDialInMs: 3_500, lastError: 'connect ECONNREFUSED 10.0.0.2:7717' }]
    }
    const f = aloneFinding(status, now)
    expect(f.level).toBe('fail')
    expect(f.what).toMatch(/connected to nobody for 45 s although 9 mDNS answers arrived/)
    expect(f.what).toMatch(/12D3KooWbob at \/ip4\/10\.0\.0\.2.*3 failed dials \(connect ECONNREFUSED 10\.0\.0\.2:7717\), next dial in 4 s/)
    expect(f.advice).toMatch(/firewall/)
  })

  it('is only a warning while it has just started, or when nothing answers at all', () => {
    const starting = aloneFinding({ connected: 0, aloneSince: now - 2_000, sightingsLastMinute: 3, ignoredSightings: 0, targets: [] }, now)
    expect(starting.level).toBe('warn')
    expect(starting.what).toMatch(/seen; connecting/)
    const deaf = aloneFinding({ connected: 0, aloneSince: now - 120_000, sightingsLastMinute: 0, ignoredSightings: 0, targets: [] }, now)
    expect(deaf.level).toBe('warn')
    expect(deaf.what).toMatch(/no mDNS answer arrived/)
  })

  it('never passes a terminal control from the network through', () => {
    const f = aloneFinding({ connected: 0, aloneSince: now - 60_000, sightingsLastMinute: 2, ignoredSightings: 0, targets: [{ peerId: 'p', addresses: ['/ip4/10.0.0.2/tcp/7717'], isStatic: false, state: 'waiting', failures: 1, lastError: 'bad \u001b]52;c;cHduZWQ=\u0007 end' }] }, now)
    expect(f.what).not.toMatch(/\u001b|\u0007/)
  })
})
