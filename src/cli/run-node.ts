/**
 * How the CLI runs a node of its own: its init from flags and the config file, the process umask,
 * and a node started just for one command when no daemon is running.
 */
import { resolve } from 'node:path'
import { checkDisplayName, ControlClient, NodeNotRunningError, parseScanCommand } from '../shell.js'
import type { ParleyInit, ParleyNode } from '../index.js'
import type { ParsedArgs } from './command.js'
import type { Config } from './config.js'

/** The mode a released file gets: what the user's umask gives, taken before this process narrows its own. */
let releaseMode: number | undefined

/**
 * A process that runs a node makes everything owner-only from then on (LevelDB creates files in the
 * data dir as it goes); what it releases to a download folder still gets the user's usual mode.
 */
function narrowUmask (): number {
  if (releaseMode === undefined) {
    const user = process.umask(0o077)
    process.umask(user | 0o077)
    releaseMode = 0o666 & ~user
  }
  return releaseMode
}

/** The node's init from the flags, else the config file. */
export function networkInit (dataDir: string, values: ParsedArgs['values'], name?: string, config: Config = {}): ParleyInit {
  const fileMode = narrowUmask()
  const displayName = name ?? (config.name !== undefined ? checkDisplayName(config.name) : undefined)
  const listen = (values.listen as string[] | undefined) ?? config.listen
  return {
    dataDir,
    ...(displayName !== undefined ? { name: displayName } : {}),
    ...(listen !== undefined ? { listen } : {}),
    // flags win over the config file
    peers: (values.peer as string[] | undefined) ?? config.peer ?? [],
    mdns: values['no-mdns'] === true ? false : config.mdns ?? true,
    files: {
      releaseMode: fileMode,
      ...(config.downloadDir !== undefined ? { downloadDir: resolve(config.downloadDir) } : {}),
      ...(config.autoDownload !== undefined ? { autoDownloadBytes: config.autoDownload } : {}),
      ...(config.maxFileSize !== undefined ? { maxFileBytes: config.maxFileSize } : {}),
      ...(config.autoDownloadPerAuthor !== undefined ? { autoDownloadPerAuthorBytes: config.autoDownloadPerAuthor } : {}),
      ...(config.scanCommand !== undefined ? { scanCommand: parseScanCommand(config.scanCommand) } : {})
    }
  }
}

/** Run `fn` against the running node if there is one, else against a node started just for it. */
export async function viaNodeOrClient<T> (dataDir: string, values: ParsedArgs['values'], config: Config, remote: (c: ControlClient) => Promise<T>, local: (n: ParleyNode) => Promise<T>): Promise<T> {
  let client: ControlClient | undefined
  try {
    client = await ControlClient.connect(dataDir)
  } catch (e) {
    if (!(e instanceof NodeNotRunningError)) throw e
  }
  if (client !== undefined) {
    try {
      return await remote(client)
    } finally {
      client.close()
    }
  }
  // no daemon: a temporary node on a free port, so it never clashes with anything
  const init = networkInit(dataDir, values, undefined, config)
  const { createNode } = await import('../index.js')
  const node = await createNode({ ...init, ...(init.listen === undefined ? { listen: ['/ip4/0.0.0.0/tcp/0'] } : {}) })
  try {
    await node.start()
    return await local(node)
  } finally {
    await node.stop()
  }
}
