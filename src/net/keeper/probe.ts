/** Whether a peer still answers on a connection: opening a stream is a round trip. */
import type { Connection } from '@libp2p/interface'

/** How long a connection has to open a stream before it counts as dead. */
export const PROBE_TIMEOUT_MS = 2_000
/** Any protocol the peer speaks: opening a stream is a round trip, which is the proof of life. */
const PROBE_PROTOCOL = '/ipfs/ping/1.0.0'

/** Whether the peer answers on this connection now. */
export async function answers (connection: Connection): Promise<boolean> {
  // a timer of our own rather than AbortSignal.timeout: the same, and tests can move its clock
  const timeout = new AbortController()
  const timer = setTimeout(() => { timeout.abort(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)) }, PROBE_TIMEOUT_MS)
  try {
    const stream = await connection.newStream(PROBE_PROTOCOL, { signal: timeout.signal, runOnLimitedConnection: true })
    stream.abort(new Error('probe done'))
    return true
  } catch (err) {
    // a peer that does not speak the protocol still answered the negotiation
    return (err as Error).name === 'UnsupportedProtocolError'
  } finally {
    clearTimeout(timer)
  }
}
