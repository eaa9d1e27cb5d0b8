/**
 * The parley command line: argument parsing and subcommands, thin over the public API.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ControlClient } from '../control/client.js'
import { ControlServer } from '../control/server.js'
import { DataDirLockedError, InvalidArgumentError, InvalidTeamNameError, NodeNotRunningError } from '../errors.js'
import { checkDisplayName, checkTeamName, peerIdOfPublicKey } from '../ids.js'
import { createNode } from '../node.js'
import { loadOrCreateIdentity } from '../store/identity-file.js'
import { formatMessage, formatPeer, shortId } from './format.js'
import type { MessageView, PeerView } from '../events.js'
import type { HistoryResult, NodeInfo } from '../node.js'
import type { ParseArgsConfig } from 'node:util'

/** Exit codes: 0 ok, 1 operational failure, 2 bad usage. */
const EXIT_FAILURE = 1
const EXIT_USAGE = 2

class UsageError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

const GLOBAL_OPTIONS: Options = {
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
}

interface Command {
  summary: string
  usage: string
  options: Options
  run: (args: ParsedArgs) => Promise<number>
}

interface ParsedArgs {
  dataDir: string
  values: Record<string, string | boolean | Array<string | boolean> | undefined>
  positionals: string[]
}

/** The default data dir: $PARLEY_DATA, else $XDG_DATA_HOME/parley, else ~/.local/share/parley. */
export function defaultDataDir (env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_DATA !== undefined && env.PARLEY_DATA !== '') return resolve(env.PARLEY_DATA)
  const xdg = env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(xdg, 'parley')
}

const out = (line: string): void => { process.stdout.write(line + '\n') }
const err = (line: string): void => { process.stderr.write(line + '\n') }

async function withClient<T> (dataDir: string, fn: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.connect(dataDir)
  try {
    return await fn(client)
  } finally {
    client.close()
  }
}

function teamOption (values: ParsedArgs['values'], required: boolean): string | undefined {
  const team = values.team
  if (team === undefined) {
    if (required) throw new UsageError('--team NAME is required')
    return undefined
  }
  return checkTeamName(team)
}

const commands: Record<string, Command> = {
  init: {
    summary: 'create this data dir\'s identity and print its peer id',
    usage: 'parley init --name NAME',
    options: { name: { type: 'string' } },
    run: async ({ dataDir, values }) => {
      if (typeof values.name !== 'string') throw new UsageError('--name NAME is required')
      const name = checkDisplayName(values.name)
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
    usage: 'parley daemon [--listen MULTIADDR]... [--peer MULTIADDR]... [--no-mdns] [--team NAME]... [--name NAME]',
    options: {
      listen: { type: 'string', multiple: true },
      peer: { type: 'string', multiple: true },
      'no-mdns': { type: 'boolean' },
      team: { type: 'string', multiple: true },
      name: { type: 'string' }
    },
    run: async ({ dataDir, values }) => runDaemon(dataDir, values)
  },
  send: {
    summary: 'send a message to a team',
    usage: 'parley send --team NAME [--json] TEXT...',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const team = teamOption(values, true)
      const text = positionals.join(' ')
      if (text.trim() === '') throw new UsageError('nothing to send: give the text after the options')
      const sent = await withClient(dataDir, async c => c.request<MessageView>('send', { team, text }))
      out(values.json === true ? JSON.stringify(sent) : sent.id)
      return 0
    }
  },
  tail: {
    summary: 'print messages as they arrive, until interrupted',
    usage: 'parley tail [--team NAME] [--json]',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, false)
      const client = await ControlClient.connect(dataDir)
      const done = new Promise<number>((resolve) => {
        let interrupted = false
        const stop = (): void => { interrupted = true; client.close(); resolve(0) }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        client.onClose(() => {
          if (interrupted) return
          err('parley tail: the node stopped')
          resolve(EXIT_FAILURE)
        })
      })
      client.onEvent((e) => {
        if (e.event !== 'message:added') return
        out(values.json === true ? JSON.stringify(e.data) : formatMessage(e.data as MessageView))
      })
      if (team !== undefined) await client.request('join', { team })
      await client.request('subscribe', team === undefined ? { events: ['message:added'] } : { team, events: ['message:added'] })
      err(`parley tail: following ${team === undefined ? 'all teams' : `#${team}`} (Ctrl-C to stop)`)
      return done
    }
  },
  history: {
    summary: 'print a team\'s history in the shared order',
    usage: 'parley history --team NAME [--limit N] [--before CURSOR] [--json]',
    options: { team: { type: 'string' }, limit: { type: 'string' }, before: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, true)
      let limit = 50
      if (values.limit !== undefined) {
        limit = Number(values.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000')
      }
      const params: Record<string, unknown> = { team, limit }
      if (typeof values.before === 'string') params.before = values.before
      const page = await withClient(dataDir, async c => c.request<HistoryResult>('history', params))
      if (values.json === true) {
        for (const m of page.messages) out(JSON.stringify(m))
      } else {
        for (const m of page.messages) out(formatMessage(m))
        if (page.before !== undefined) err(`(older messages: --before '${page.before}')`)
      }
      return 0
    }
  },
  peers: {
    summary: 'list connected peers',
    usage: 'parley peers [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const peers = await withClient(dataDir, async c => c.request<PeerView[]>('peers'))
      if (values.json === true) out(JSON.stringify(peers))
      else if (peers.length === 0) err('no peers connected')
      else for (const p of peers) out(formatPeer(p))
      return 0
    }
  },
  info: {
    summary: 'show the running node\'s id, name, addresses and teams',
    usage: 'parley info [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const info = await withClient(dataDir, async c => c.request<NodeInfo>('info'))
      if (values.json === true) out(JSON.stringify(info))
      else out(`${info.name} ${info.peerId}\ndata: ${info.dataDir}\nteams: ${info.teams.join(', ')}\n${info.addresses.join('\n')}`)
      return 0
    }
  }
}

async function runDaemon (dataDir: string, values: ParsedArgs['values']): Promise<number> {
  const name = typeof values.name === 'string' ? checkDisplayName(values.name) : undefined
  const teams = (values.team as string[] | undefined)?.map(checkTeamName)
  const node = await createNode({
    dataDir,
    ...(name !== undefined ? { name } : {}),
    ...(values.listen !== undefined ? { listen: values.listen as string[] } : {}),
    peers: (values.peer as string[] | undefined) ?? [],
    mdns: values['no-mdns'] !== true,
    ...(teams !== undefined ? { teams } : {})
  })
  const control = new ControlServer(node)
  try {
    await node.start()
    await control.start()
  } catch (e) {
    await control.stop()
    await node.stop()
    throw e
  }
  node.addEventListener('peer:connected', (e) => { err(`parley: peer connected ${e.detail.peerId}`) })
  node.addEventListener('peer:disconnected', (e) => { err(`parley: peer disconnected ${e.detail.peerId}`) })
  node.addEventListener('entry:rejected', (e) => { err(`parley: rejected entry from ${shortId(e.detail.from)} in #${e.detail.team}: ${e.detail.reason}: ${e.detail.message}`) })
  node.addEventListener('entry:forked', (e) => { err(`parley: FORK by ${e.detail.author} in #${e.detail.team} at seq ${e.detail.seq}: kept ${e.detail.existingId}, evidence ${e.detail.forkId}`) })
  node.addEventListener('node:warning', (e) => { err(`parley: ${e.detail.message}`) })
  const info = node.info()
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
          resolve(0)
        } catch (e) {
          err(`parley: error while stopping: ${(e as Error).message}`)
          resolve(EXIT_FAILURE)
        }
      })()
    }
    process.once('SIGINT', () => { shutdown('SIGINT') })
    process.once('SIGTERM', () => { shutdown('SIGTERM') })
  })
}

function usage (): string {
  const lines = ['usage: parley <command> [options]   (every command takes --data DIR and --help)', '', 'commands:']
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(9)} ${c.summary}`)
  lines.push('', 'The data dir defaults to $PARLEY_DATA, else $XDG_DATA_HOME/parley, else ~/.local/share/parley.')
  return lines.join('\n')
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(usage())
    return name === undefined ? EXIT_USAGE : 0
  }
  const command = commands[name]
  if (command === undefined) {
    err(`parley: unknown command "${name}"\n\n${usage()}`)
    return EXIT_USAGE
  }
  try {
    let parsed
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true })
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
    if (parsed.values.help === true) {
      out(`usage: ${command.usage} [--data DIR]\n\n${command.summary}`)
      return 0
    }
    const dataDir = typeof parsed.values.data === 'string' ? resolve(parsed.values.data) : defaultDataDir()
    return await command.run({ dataDir, values: parsed.values, positionals: parsed.positionals })
  } catch (e) {
    const error = e as Error
    if (error instanceof UsageError || error instanceof InvalidArgumentError || error instanceof InvalidTeamNameError) {
      err(`parley ${name}: ${error.message}\nusage: ${command.usage}`)
      return EXIT_USAGE
    }
    if (error instanceof NodeNotRunningError || error instanceof DataDirLockedError) {
      err(`parley ${name}: ${error.message}`)
      return EXIT_FAILURE
    }
    err(`parley ${name}: ${error.name}: ${error.message}`)
    return EXIT_FAILURE
  }
}
