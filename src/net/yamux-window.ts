/**
 * Yamux window updates as go-yamux and rust-yamux send them: only once the receive window is half
 * used. @chainsafe/libp2p-yamux 8 sends one after every data frame a stream receives, so each
 * gossipsub message a peer gets costs it an encrypted frame back, and the sender a frame to decrypt
 * and handle: on the LAN (tcpdump on the bench bridge, 16 idle nodes) about 2 of every 3 packets
 * were such updates, each a 2-byte Noise length and a 28-byte frame. Windows here are 16 MiB (see
 * libp2p-node.ts), so a sender still has 8 MiB or more in hand when an update is skipped.
 *
 * The library's own method decides everything else (the SYN and ACK flags of a new stream, a paused
 * stream, growing a window): it is called whenever a flag is due or half the window is used.
 */
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/** What the patch reads of a stream (fields the library keeps private in its types). */
interface WindowState {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

let installed = false

/** Whether a window update can wait: no flag due, and more than half the window left. */
export function updateCanWait (s: WindowState): boolean {
  return s.state === StreamState.Established && s.recvWindowCapacity > s.recvWindow / 2
}

/** Install the rule on YamuxStream, once per process. */
export function lazyYamuxWindowUpdates (): void {
  if (installed) return
  installed = true
  const proto = YamuxStream.prototype as { sendWindowUpdate: (this: YamuxStream) => void }
  const original = proto.sendWindowUpdate
  proto.sendWindowUpdate = function (this: YamuxStream): void {
    if (updateCanWait(this as unknown as WindowState)) return
    original.call(this)
  }
}
