/**
 * A bare libp2p node on parley's own stack (tcp, noise, yamux, identify, mDNS with parley's service
 * tag and interval, gossipsub), for the startup benchmark's baseline: what libp2p alone needs to
 * start and find and connect to its peers, and how much memory it holds, beside `parley daemon`.
 * It dials every peer mDNS finds that it is not connected to (libp2p 3 does not dial by itself).
 *
 *   node build/bench/bare-node.js --listen MA --runner-netns NS [--lifetime-ms 300000]
 *
 * On stdout, one JSON line per event: {"event":"listening","peerId":...}, then
 * {"event":"connected","peer":...} for each peer, like the daemon's "peer connected" lines.
 * mDNS must never run in the machine's own network namespace (NETWORK-TESTING.md): the runner passes
 * its namespace as --runner-netns and the node refuses to start in it. It exits on SIGTERM, or by
 * itself when its lifetime is up.
 */
import { readlink } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { generateIdentityKey } from '../src/crypto/keys.js'
import { createParleyLibp2p } from '../src/net/libp2p-node.js'

/** Start the node and print its events until stopped. */
async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string' },
      'runner-netns': { type: 'string' },
      'lifetime-ms': { type: 'string', default: '300000' }
    }
  })
  if (values.listen === undefined || values['runner-netns'] === undefined) throw new Error('usage: bare-node --listen MA --runner-netns NS [--lifetime-ms N]')
  const netns = await readlink('/proc/self/ns/net')
  if (netns === values['runner-netns']) throw new Error(`refusing to run mDNS in the runner's network namespace (${netns}): start this node in a lab host`)

  const libp2p = await createParleyLibp2p({ privateKey: await generateIdentityKey(), listen: [values.listen], mdns: true, keeper: false })
  const self = libp2p.peerId.toString()
  const print = (line: object): void => { process.stdout.write(JSON.stringify(line) + '\n') }
  const connected = new Set<string>()
  libp2p.addEventListener('peer:connect', (evt) => {
    const peer = evt.detail.toString()
    if (connected.has(peer)) return
    connected.add(peer)
    print({ event: 'connected', peer })
  })
  libp2p.addEventListener('peer:disconnect', (evt) => { connected.delete(evt.detail.toString()) })
  libp2p.addEventListener('peer:discovery', (evt) => {
    const peer = evt.detail.id.toString()
    if (peer === self || connected.has(peer)) return
    // a dial that fails is retried when mDNS finds the peer again
    void libp2p.dial(evt.detail.id).catch(() => {})
  })
  await libp2p.start()
  print({ event: 'listening', peerId: self })

  const stop = (): void => { void Promise.resolve(libp2p.stop()).finally(() => { process.exit(0) }) }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  setTimeout(() => {
    process.stderr.write('bare node lifetime is over; exiting\n')
    stop()
  }, Number(values['lifetime-ms'])).unref()
}

main().catch((err: unknown) => {
  process.stderr.write(`bare-node: ${(err as Error).message}\n`)
  process.exit(1)
})
