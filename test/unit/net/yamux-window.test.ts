/**
 * Yamux window updates once half the window is used, not after every frame (see yamux-window.ts).
 */
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import { describe, expect, it } from 'vitest'
import { lazyYamuxWindowUpdates, updateCanWait } from '../../../src/net/yamux-window.js'

const WINDOW = 16 * 1024 * 1024

describe('net/yamux-window', () => {
  it('lets an update wait while more than half the window is left and no flag is due', () => {
    expect(updateCanWait({ state: StreamState.Established, recvWindow: WINDOW, recvWindowCapacity: WINDOW - 300 })).toBe(true)
    expect(updateCanWait({ state: StreamState.Established, recvWindow: WINDOW, recvWindowCapacity: WINDOW / 2 + 1 })).toBe(true)
    // half used: the update goes
    expect(updateCanWait({ state: StreamState.Established, recvWindow: WINDOW, recvWindowCapacity: WINDOW / 2 })).toBe(false)
    // a new stream's SYN or ACK, and a paused stream, are the library's to decide
    for (const state of [StreamState.Init, StreamState.SYNReceived, StreamState.SYNSent, StreamState.Paused, StreamState.Finished]) {
      expect(updateCanWait({ state, recvWindow: WINDOW, recvWindowCapacity: WINDOW - 300 })).toBe(false)
    }
  })

  it('installs once, and calls the library\'s own method whenever the update cannot wait', () => {
    const proto = YamuxStream.prototype as { sendWindowUpdate: (this: YamuxStream) => void }
    lazyYamuxWindowUpdates()
    const patched = proto.sendWindowUpdate
    lazyYamuxWindowUpdates()
    expect(proto.sendWindowUpdate).toBe(patched)
    const frames: Array<{ length: number }> = []
    const stream = { state: StreamState.Established, recvWindow: WINDOW, recvWindowCapacity: WINDOW - 300, epochStart: 0, getRTT: () => -1, getSendFlags: () => 0, sendFrame: (f: { length: number }) => { frames.push(f) } }
    patched.call(stream as unknown as YamuxStream)
    expect(frames).toEqual([])
    stream.recvWindowCapacity = WINDOW / 2 - 1
    patched.call(stream as unknown as YamuxStream)
    expect(frames.map(f => f.length)).toEqual([WINDOW / 2 + 1])
    expect(stream.recvWindowCapacity).toBe(WINDOW)
  })
})
