import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { isTcpOverIp, withPeerId } from '../../../../src/net/keeper/addresses.js'
import { addressesOf } from '../../../../src/net/keeper/targets.js'

const PEER = '12D3KooWGzh6Qv7Lq4fD5f1KUuFvYQ1gTWe2L3kJYWyGN3fWpXHn'
const OTHER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

describe('net/keeper/addresses', () => {
  it('names the peer in each address, once, and drops addresses naming another peer', () => {
    const out = withPeerId([multiaddr('/ip4/10.0.0.2/tcp/7717'), multiaddr(`/ip4/10.0.0.2/tcp/7717/p2p/${PEER}`), multiaddr(`/ip4/10.0.0.3/tcp/7717/p2p/${OTHER}`)], PEER)
    expect(out.map(String)).toEqual([`/ip4/10.0.0.2/tcp/7717/p2p/${PEER}`])
  })

  it('dials only TCP over IP: no names to look up, no other transports', () => {
    expect(isTcpOverIp(multiaddr('/ip4/10.0.0.2/tcp/7717'))).toBe(true)
    expect(isTcpOverIp(multiaddr(`/ip6/::1/tcp/7717/p2p/${PEER}`))).toBe(true)
    expect(isTcpOverIp(multiaddr('/dns4/example.test/tcp/7717'))).toBe(false)
    expect(isTcpOverIp(multiaddr('/ip4/10.0.0.2/udp/7717'))).toBe(false)
  })

  it('dials the configured address first, then the one that worked, then the others as first seen', () => {
    const target = {
      key: PEER,
      peerId: PEER,
      isStatic: true,
      failures: 0,
      dialing: false,
      cutAvailable: true,
      addrs: [multiaddr('/ip4/10.0.0.5/tcp/7717'), multiaddr('/ip4/10.0.0.4/tcp/7717')],
      configured: multiaddr('/ip4/10.0.0.9/tcp/7717'),
      worked: multiaddr('/ip4/10.0.0.4/tcp/7717')
    }
    expect(addressesOf(target).map(a => a.toString().split('/')[2])).toEqual(['10.0.0.9', '10.0.0.4', '10.0.0.5'])
  })
})
