/**
 * The member gate around gossipsub's registrar, over a stub registrar: gossipsub hears of a peer only
 * once it is admitted, and an unadmitted peer's streams are held unread until then.
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it, vi } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { HELD_STREAM_BYTES, isAdmittedPeer, MAX_HELD_STREAMS, MemberGate, REPASS_DELAY_MS } from '../../../src/net/member-gate.js'
import type { GatedRegistrar } from '../../../src/net/member-gate.js'
import type { Connection, PeerId, Stream, StreamHandler, Topology } from '@libp2p/interface'

/** A registrar that records what is registered, so the test can play libp2p's part. */
function stubRegistrar (): GatedRegistrar & { handlers: StreamHandler[], topologies: Topology[], unregistered: string[] } {
  const handlers: StreamHandler[] = []
  const topologies: Topology[] = []
  const unregistered: string[] = []
  const registrar: GatedRegistrar & { handlers: StreamHandler[], topologies: Topology[], unregistered: string[] } = {
    handlers,
    topologies,
    unregistered,
    handle: async (_protocol, handler) => { handlers.push(handler) },
    register: async (_protocol, topology) => { topologies.push(topology); return `t${topologies.length}` },
    unregister: (id) => { unregistered.push(id) }
  }
  return registrar
}

async function somePeer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateIdentityKey())
}

function connectionOf (peer: PeerId, status: Connection['status'] = 'open'): Connection {
  return { remotePeer: peer, status } as unknown as Connection
}

type StreamStub = Stream & { aborted?: Error, closeNow: () => void }

function streamStub (): StreamStub {
  const onClose: Array<() => void> = []
  const s = {
    status: 'open',
    maxReadBufferLength: 48 * 1024 * 1024,
    abort: (err: Error) => { s.aborted = err; s.closeNow() },
    closeNow: () => { s.status = 'closed'; for (const f of onClose.splice(0)) f() },
    addEventListener: (type: string, f: () => void) => { if (type === 'close') onClose.push(f) }
  } as unknown as StreamStub
  return s
}

/** What gossipsub would see through the gate. */
function gossipsubSide (): { topology: Topology, connected: string[], disconnected: string[], streams: string[], handler: StreamHandler } {
  const side = {
    connected: [] as string[],
    disconnected: [] as string[],
    streams: [] as string[],
    topology: {} as Topology,
    handler: ((_stream, connection) => { side.streams.push(connection.remotePeer.toString()) }) as StreamHandler
  }
  side.topology = {
    onConnect: (peer) => { side.connected.push(peer.toString()) },
    onDisconnect: (peer) => { side.disconnected.push(peer.toString()) }
  }
  return side
}

describe('member gate', () => {
  it('withholds an unadmitted peer from gossipsub and holds its streams unread, with a small buffer', async () => {
    const members = new Set<string>()
    const gate = new MemberGate((p) => members.has(p))
    const inner = stubRegistrar()
    const registrar = gate.wrap(inner)
    const side = gossipsubSide()
    await registrar.handle('/meshsub/1.1.0', side.handler)
    await registrar.register('/meshsub/1.1.0', side.topology)
    const outsider = await somePeer()
    await inner.topologies[0]!.onConnect?.(outsider, connectionOf(outsider))
    const stream = streamStub()
    await inner.handlers[0]!(stream, connectionOf(outsider))
    expect(side.connected).toEqual([])
    expect(side.streams).toEqual([])
    expect(stream.aborted).toBeUndefined()
    expect(stream.maxReadBufferLength).toBe(HELD_STREAM_BYTES)
    expect(gate.heldStreams).toBe(1)
    // a second stream of the same peer replaces the first
    const again = streamStub()
    await inner.handlers[0]!(again, connectionOf(outsider))
    expect(stream.aborted?.name).toBe('NotMemberError')
    expect(again.aborted).toBeUndefined()
    // going away before admission is nothing to gossipsub either
    await inner.topologies[0]!.onDisconnect?.(outsider)
    expect(side.disconnected).toEqual([])
  })

  it('holds at most MAX_HELD_STREAMS streams; the rest are aborted', async () => {
    const gate = new MemberGate(() => false)
    const inner = stubRegistrar()
    await gate.wrap(inner).handle('/meshsub/1.1.0', () => {})
    const streams: StreamStub[] = []
    for (let i = 0; i < MAX_HELD_STREAMS + 3; i++) {
      const s = streamStub()
      streams.push(s)
      await inner.handlers[0]!(s, connectionOf(await somePeer()))
    }
    expect(streams.filter(s => s.aborted !== undefined)).toHaveLength(3)
    expect(gate.abortedStreams).toBe(3)
    // one held closing makes room
    streams[0]!.closeNow()
    const late = streamStub()
    await inner.handlers[0]!(late, connectionOf(await somePeer()))
    expect(late.aborted).toBeUndefined()
  })

  it('a peer whose withheld connection closed as a duplicate is passed on the one that stays, once admitted', async () => {
    const members = new Set<string>()
    const gate = new MemberGate((p) => members.has(p))
    const inner = stubRegistrar()
    const connections = new Map<string, Connection[]>()
    const registrar = gate.wrap(inner, { getConnections: (p) => connections.get(p.toString()) ?? [], events: new EventTarget() })
    const side = gossipsubSide()
    const passedOn: Connection[] = []
    side.topology.onConnect = (peer, connection) => { side.connected.push(peer.toString()); passedOn.push(connection) }
    await registrar.register('/meshsub/1.1.0', side.topology)
    const newcomer = await somePeer()
    // both sides dialed: libp2p tells of each connection as identify ends, the later one last
    const kept = connectionOf(newcomer)
    const duplicate = connectionOf(newcomer)
    await inner.topologies[0]!.onConnect?.(newcomer, kept)
    await inner.topologies[0]!.onConnect?.(newcomer, duplicate)
    connections.set(newcomer.toString(), [kept])
    ;(duplicate as { status: string }).status = 'closed'
    members.add(newcomer.toString())
    gate.recheck()
    expect(side.connected).toEqual([newcomer.toString()])
    expect(passedOn).toEqual([kept])
    // with no connection left it is forgotten, not passed
    const gone = await somePeer()
    const only = connectionOf(gone)
    await inner.topologies[0]!.onConnect?.(gone, only)
    ;(only as { status: string }).status = 'closed'
    members.add(gone.toString())
    gate.recheck()
    expect(side.connected).toEqual([newcomer.toString()])
  })

  it('when the connection gossipsub\'s streams were on closes and another to the peer stays, gossipsub is told of that one', async () => {
    vi.useFakeTimers()
    try {
      const members = new Set<string>()
      const gate = new MemberGate((p) => members.has(p))
      const inner = stubRegistrar()
      const connections = new Map<string, Connection[]>()
      const events = new EventTarget()
      const registrar = gate.wrap(inner, { getConnections: (p) => connections.get(p.toString()) ?? [], events })
      const side = gossipsubSide()
      const passedOn: Connection[] = []
      side.topology.onConnect = (peer, connection) => { side.connected.push(peer.toString()); passedOn.push(connection) }
      await registrar.register('/meshsub/1.1.0', side.topology)
      const member = await somePeer()
      members.add(member.toString())
      const first = connectionOf(member)
      const second = connectionOf(member)
      await inner.topologies[0]!.onConnect?.(member, first)
      connections.set(member.toString(), [second])
      events.dispatchEvent(new CustomEvent('connection:close', { detail: first }))
      expect(passedOn).toEqual([first])
      vi.advanceTimersByTime(REPASS_DELAY_MS)
      expect(passedOn).toEqual([first, second])
      // the last connection closing is libp2p's disconnect, not this
      connections.set(member.toString(), [])
      events.dispatchEvent(new CustomEvent('connection:close', { detail: second }))
      vi.advanceTimersByTime(REPASS_DELAY_MS)
      expect(passedOn).toEqual([first, second])
      // nor is a peer gossipsub was never told of (an outsider) passed that way
      const outsider = await somePeer()
      const o1 = connectionOf(outsider)
      await inner.topologies[0]!.onConnect?.(outsider, o1)
      connections.set(outsider.toString(), [connectionOf(outsider)])
      events.dispatchEvent(new CustomEvent('connection:close', { detail: o1 }))
      vi.advanceTimersByTime(REPASS_DELAY_MS)
      expect(side.connected).toEqual([member.toString(), member.toString()])
    } finally {
      vi.useRealTimers()
    }
  })

  it('lets a member through at once, and one withheld in once the org admits it', async () => {
    const members = new Set<string>()
    const gate = new MemberGate((p) => members.has(p))
    const inner = stubRegistrar()
    const registrar = gate.wrap(inner)
    const side = gossipsubSide()
    await registrar.handle('/meshsub/1.1.0', side.handler)
    await registrar.register('/meshsub/1.1.0', side.topology)
    const known = await somePeer()
    const newcomer = await somePeer()
    members.add(known.toString())
    await inner.topologies[0]!.onConnect?.(known, connectionOf(known))
    await inner.topologies[0]!.onConnect?.(newcomer, connectionOf(newcomer))
    expect(side.connected).toEqual([known.toString()])
    const held = streamStub()
    await inner.handlers[0]!(held, connectionOf(newcomer))
    expect(side.streams).toEqual([])
    // the org sync tells of the newcomer: its held stream, with what it buffered, goes to gossipsub
    members.add(newcomer.toString())
    gate.recheck()
    expect(side.connected).toEqual([known.toString(), newcomer.toString()])
    expect(side.streams).toEqual([newcomer.toString()])
    expect(held.maxReadBufferLength).toBe(48 * 1024 * 1024)
    // and its new streams are read at once
    await inner.handlers[0]!(streamStub(), connectionOf(newcomer))
    expect(side.streams).toEqual([newcomer.toString(), newcomer.toString()])
    // and it leaving is told to gossipsub, once
    await inner.topologies[0]!.onDisconnect?.(newcomer)
    await inner.topologies[0]!.onDisconnect?.(newcomer)
    expect(side.disconnected).toEqual([newcomer.toString()])
  })

  it('does not admit a withheld peer whose connection closed meanwhile', async () => {
    const members = new Set<string>()
    const gate = new MemberGate((p) => members.has(p))
    const inner = stubRegistrar()
    const registrar = gate.wrap(inner)
    const side = gossipsubSide()
    await registrar.register('/meshsub/1.1.0', side.topology)
    const peer = await somePeer()
    await inner.topologies[0]!.onConnect?.(peer, connectionOf(peer, 'closed'))
    members.add(peer.toString())
    gate.recheck()
    expect(side.connected).toEqual([])
  })

  it('a removed member\'s new streams are held, not read', async () => {
    const members = new Set<string>()
    const gate = new MemberGate((p) => members.has(p))
    const inner = stubRegistrar()
    const registrar = gate.wrap(inner)
    const side = gossipsubSide()
    await registrar.handle('/meshsub/1.1.0', side.handler)
    const peer = await somePeer()
    members.add(peer.toString())
    await inner.handlers[0]!(streamStub(), connectionOf(peer))
    members.delete(peer.toString())
    await inner.handlers[0]!(streamStub(), connectionOf(peer))
    gate.recheck()
    expect(side.streams).toEqual([peer.toString()])
  })

  it('a held stream that closed is not given to gossipsub', async () => {
    const members = new Set<string>()
    const gate = new MemberGate((p) => members.has(p))
    const inner = stubRegistrar()
    const side = gossipsubSide()
    await gate.wrap(inner).handle('/meshsub/1.1.0', side.handler)
    const peer = await somePeer()
    const s = streamStub()
    await inner.handlers[0]!(s, connectionOf(peer))
    s.closeNow()
    members.add(peer.toString())
    gate.recheck()
    expect(side.streams).toEqual([])
  })

  it('forgets a topology unregistered, and passes the rest of the registrar through', async () => {
    const gate = new MemberGate(() => true)
    const inner = stubRegistrar()
    const registrar = gate.wrap(inner)
    const side = gossipsubSide()
    const id = await registrar.register('/meshsub/1.1.0', side.topology)
    registrar.unregister(id)
    expect(inner.unregistered).toEqual([id])
    gate.recheck()
    expect(side.connected).toEqual([])
  })

  it('admits only current members other than this node, and nobody before an org', () => {
    const org = { state: { members: new Map([['a', {}], ['b', {}], ['self', {}]]), removed: new Map([['b', {}]]) } }
    expect(isAdmittedPeer(undefined, 'self', 'a')).toBe(false)
    expect(isAdmittedPeer(org, 'self', 'a')).toBe(true)
    expect(isAdmittedPeer(org, 'self', 'b')).toBe(false)
    expect(isAdmittedPeer(org, 'self', 'self')).toBe(false)
    expect(isAdmittedPeer(org, 'self', 'stranger')).toBe(false)
    // a suspended member stays in the directory but is not admitted until resumed
    const suspended = { state: { ...org.state, suspended: new Set(['a']) } }
    expect(isAdmittedPeer(suspended, 'self', 'a')).toBe(false)
    expect(isAdmittedPeer({ state: { ...org.state, suspended: new Set<string>() } }, 'self', 'a')).toBe(true)
  })
})
