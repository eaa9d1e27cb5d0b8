/**
 * The commands that run a node in this process: the chat, the daemon, and init (the identity only).
 */
import { checkDisplayName, ControlClient, NodeNotRunningError, parleyLogger } from '../../shell.js'
import type { ControlServer, ParleyNode } from '../../index.js'
import { err, NETWORK_OPTIONS, out, UsageError } from '../command.js'
import { EXIT_FAILURE } from '../exit-codes.js'
import { shortId } from '../format.js'
import { networkInit } from '../run-node.js'
import type { Commands, ParsedArgs } from '../command.js'
import type { Config } from '../config.js'

const log = parleyLogger('daemon')

/** Run the node in the foreground until SIGINT or SIGTERM, with operator lines on stderr. */
async function runDaemon (dataDir: string, values: ParsedArgs['values'], config: Config): Promise<number> {
  const name = typeof values.name === 'string' ? checkDisplayName(values.name) : undefined
  log('starting a node in %s', dataDir)
  const { createNode, ControlServer } = await import('../../index.js')
  const node = await createNode(networkInit(dataDir, values, name, config))
  const control = new ControlServer(node)
  // before start: peers found by mDNS connect while the node and its control socket are starting
  node.addEventListener('peer:connected', (e) => { err(`parley: peer connected ${e.detail.peerId}`) })
  node.addEventListener('peer:disconnected', (e) => { err(`parley: peer disconnected ${e.detail.peerId}`) })
  node.addEventListener('entry:rejected', (e) => { err(`parley: rejected entry from ${shortId(e.detail.from)} in #${e.detail.team}: ${e.detail.reason}: ${e.detail.message}`) })
  node.addEventListener('entry:forked', (e) => { err(`parley: FORK by ${e.detail.author} in #${e.detail.team} at seq ${e.detail.seq}: kept ${e.detail.existingId}, evidence ${e.detail.forkId}`) })
  node.addEventListener('node:warning', (e) => { err(`parley: ${e.detail.message}`) })
  node.addEventListener('org:refused', (e) => { err(`parley: refused org record (${e.detail.kind}) from ${shortId(e.detail.signer)}: ${e.detail.reason}`) })
  node.addEventListener('org:changed', (e) => { err(`parley: org changed: ${e.detail.applied.join(', ')}${e.detail.removed.length > 0 ? `; removed ${e.detail.removed.join(', ')}` : ''}`) })
  try {
    await node.start()
    await control.start()
  } catch (e) {
    log.error('the node did not start: %e', e)
    await control.stop()
    await node.stop()
    throw e
  }
  const info = node.info()
  log('ready as %s on %s', info.peerId, info.addresses.join(' '))
  out(JSON.stringify({ event: 'ready', peerId: info.peerId, name: info.name, addresses: info.addresses, dataDir }))
  return new Promise<number>((resolve) => {
    let stopping = false
    const shutdown = (signal: string): void => {
      if (stopping) return
      stopping = true
      err(`parley: ${signal}, shutting down`)
      void (async () => {
        try {
          await control.stop()
          await node.stop()
          log('stopped')
          resolve(0)
        } catch (e) {
          log.error('error while stopping: %e', e)
          err(`parley: error while stopping: ${(e as Error).message}`)
          resolve(EXIT_FAILURE)
        }
      })()
    }
    process.once('SIGINT', () => { shutdown('SIGINT') })
    process.once('SIGTERM', () => { shutdown('SIGTERM') })
  })
}

/** How long a chat looks for its node again after it stopped, before offering to run one: 3 s. */
const REATTACH_TRIES = 12
const REATTACH_PAUSE_MS = 250

export const nodeCommands: Commands = {
  chat: {
    summary: 'open the chat (attaches to the running daemon, or runs a node itself)',
    usage: 'parley chat [--listen MULTIADDR]... [--peer MULTIADDR]... [--no-mdns] [--name NAME]',
    options: NETWORK_OPTIONS,
    run: async ({ dataDir, values, config }) => {
      if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) {
        throw new UsageError('the chat needs a terminal; for scripts use send, tail and history')
      }
      // the chat is the other shell: loaded only when asked for, so no other command loads blessed
      const { connectBackend } = await import('../../ui/backend.js')
      const { runChat } = await import('../../ui/app.js')
      const { accountFullName } = await import('../account.js')
      let node: ParleyNode | undefined
      let server: ControlServer | undefined
      const name = typeof values.name === 'string' ? checkDisplayName(values.name) : undefined
      // run the node in this process, with its control socket for scripts (and other chats)
      const runHere = async (): Promise<void> => {
        log('the chat runs the node of %s itself', dataDir)
        const { createNode, ControlServer } = await import('../../index.js')
        node = await createNode(networkInit(dataDir, values, name, config))
        server = new ControlServer(node)
        await node.start()
        await server.start()
      }
      try {
        await ControlClient.connect(dataDir).then(c => { c.close() })
      } catch (e) {
        if (!(e instanceof NodeNotRunningError)) throw e
        await runHere()
      }
      try {
        await runChat(await connectBackend(dataDir), {
          fullName: name ?? accountFullName(),
          ...(config.notify !== undefined ? { notify: config.notify } : {}),
          // attached to a node another chat ran: when it stops, this chat may run it instead
          runNode: async () => {
            // the process that ran it may still be letting go of the data dir
            for (let tries = 1; ; tries++) {
              try {
                await runHere()
                break
              } catch (e) {
                if ((e as Error).name !== 'DataDirLockedError' || tries >= 20) throw e
                await new Promise(resolve => setTimeout(resolve, 250))
              }
            }
            return connectBackend(dataDir)
          },
          // a daemon restarted (by hand or by systemd) is back within a moment: attach to it again
          reconnect: async () => {
            for (let tries = 1; tries <= REATTACH_TRIES; tries++) {
              try {
                return await connectBackend(dataDir)
              } catch (e) {
                if ((e as Error).name !== 'NodeNotRunningError') throw e
                await new Promise(resolve => setTimeout(resolve, REATTACH_PAUSE_MS))
              }
            }
            return undefined
          }
        })
      } finally {
        await server?.stop()
        await node?.stop()
      }
      return 0
    }
  },
  init: {
    summary: 'create this data dir\'s identity and print its peer id',
    usage: 'parley init --name NAME',
    options: { name: { type: 'string' } },
    run: async ({ dataDir, values }) => {
      if (typeof values.name !== 'string') throw new UsageError('--name NAME is required')
      const name = checkDisplayName(values.name)
      const { loadOrCreateIdentity, peerIdOfPublicKey } = await import('../../index.js')
      const identity = await loadOrCreateIdentity(dataDir, name)
      if (!identity.created) {
        err(identity.name === name
          ? `identity already exists in ${dataDir}`
          : `identity already exists in ${dataDir} with the name "${identity.name}"; nothing changed`)
      }
      out(peerIdOfPublicKey(identity.key.publicKey.raw))
      return 0
    }
  },
  daemon: {
    summary: 'run the node in the foreground until SIGINT or SIGTERM',
    usage: 'parley daemon [--listen MULTIADDR]... [--peer MULTIADDR]... [--no-mdns] [--name NAME]',
    options: NETWORK_OPTIONS,
    run: async ({ dataDir, values, config }) => runDaemon(dataDir, values, config)
  }
}
