/**
 * A bare libp2p stream on parley's own stack (tcp, noise, yamux with parley's windows), for the file
 * benchmark's second baseline: how fast libp2p alone moves bytes over one stream between two lab
 * hosts on this machine, with none of parley's work (no disk, no chunk hashing, no protocol).
 *
 *   node build/bench/bare-stream.js serve --listen MA --bytes N     prints {"event":"listening","addr":MA}
 *   node build/bench/bare-stream.js fetch --peer MA --bytes N       prints {"event":"done","ms":T,"bytes":N}
 *
 * The server writes N bytes in 1 MiB writes (the size of a file chunk) on each stream opened to it;
 * the fetcher counts them. mDNS is off. Both exit when done, on SIGTERM, or after --lifetime-ms.
 */
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { generateIdentityKey } from '../src/crypto/keys.js'
import { createParleyLibp2p } from '../src/net/libp2p-node.js'

const PROTOCOL = '/parley-bench/1/bare-stream'
const WRITE_BYTES = 1024 * 1024

async function main (): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      listen: { type: 'string' },
      peer: { type: 'string' },
      bytes: { type: 'string' },
      'lifetime-ms': { type: 'string', default: '300000' }
    }
  })
  const [mode] = positionals
  const bytes = Number(values.bytes)
  if ((mode !== 'serve' && mode !== 'fetch') || !Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error('usage: bare-stream serve --listen MA --bytes N | fetch --peer MA --bytes N')
  }
  const libp2p = await createParleyLibp2p({ privateKey: await generateIdentityKey(), listen: mode === 'serve' ? [values.listen ?? '/ip4/0.0.0.0/tcp/0'] : [], mdns: false, keeper: false })
  const print = (line: object): void => { process.stdout.write(JSON.stringify(line) + '\n') }
  const stop = (code: number): void => { void Promise.resolve(libp2p.stop()).finally(() => { process.exit(code) }) }
  process.once('SIGTERM', () => { stop(0) })
  setTimeout(() => {
    process.stderr.write('bare stream lifetime is over; exiting\n')
    stop(1)
  }, Number(values['lifetime-ms'])).unref()
  await libp2p.start()

  if (mode === 'serve') {
    await libp2p.handle(PROTOCOL, async (stream) => {
      const block = new Uint8Array(WRITE_BYTES).fill(7)
      try {
        for (let sent = 0; sent < bytes; sent += WRITE_BYTES) {
          const n = Math.min(WRITE_BYTES, bytes - sent)
          if (!stream.send(n === WRITE_BYTES ? block : block.subarray(0, n))) await stream.onDrain()
        }
        await stream.close()
      } catch (err) {
        stream.abort(err as Error)
      }
    })
    const addr = libp2p.getMultiaddrs().find(ma => !ma.toString().includes('/127.0.0.1/'))
    print({ event: 'listening', addr: addr?.toString() })
    return
  }

  if (values.peer === undefined) throw new Error('fetch needs --peer MA')
  const peer = multiaddr(values.peer)
  await libp2p.dial(peer)
  const started = performance.now()
  const stream = await libp2p.dialProtocol(peer, PROTOCOL)
  let got = 0
  for await (const chunk of stream) got += chunk.byteLength
  print({ event: 'done', ms: performance.now() - started, bytes: got })
  stop(got === bytes ? 0 : 1)
}

main().catch((err: Error) => {
  process.stderr.write(`bare-stream: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
