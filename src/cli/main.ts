/**
 * The parley command line: argument parsing and subcommands, thin over the public API.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ControlClient } from '../control/client.js'
import { ControlServer } from '../control/server.js'
import { InvalidArgumentError, InvalidTeamNameError, InviteError, NodeNotRunningError } from '../errors.js'
import { checkDisplayName, checkPeerId, checkTeamName, peerIdOfPublicKey, printable } from '../ids.js'
import { createNode } from '../node.js'
import { parseDuration } from '../teams/org.js'
import { parseScanCommand } from '../files/scanner.js'
import { formatBytes } from '../files/file-service.js'
import { loadConfig } from './config.js'
import type { Config } from './config.js'
import type { ControlParams } from '../control/api.js'
import { loadOrCreateIdentity } from '../store/identity-file.js'
import { formatMessage, formatPeer, formatTime, shortId } from './format.js'
import type { FileProgress } from '../events.js'
import type { MemberView, ParleyInit, ParleyNode } from '../node.js'
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
  config: { type: 'string' },
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
  config: Config
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

/** Display names by peer id, to call direct conversations after the other person. */
async function memberNames (client: ControlClient): Promise<Map<string, string>> {
  const members = await client.request('members', {}).catch(() => [] as MemberView[]) // not in an org yet: no names
  return new Map(members.map(m => [m.peerId, m.name]))
}

/** A file-system error as a sentence ("… already exists"), or undefined for other errors. */
function fileErrorSentence (e: NodeJS.ErrnoException): string | undefined {
  const path = e.path !== undefined ? JSON.stringify(e.path) : 'the file'
  switch (e.code) {
    case 'EEXIST': return `${path} already exists; it is never overwritten: choose another name or remove it first`
    case 'ENOENT': return `${path} does not exist (or its folder does not)`
    case 'EACCES':
    case 'EPERM': return `no permission to use ${path}`
    case 'EISDIR': return `${path} is a folder, not a file`
    case 'ENOTDIR': return `a part of ${path} is not a folder`
    case 'ENOSPC': return `the disk holding ${path} is full`
    case 'EROFS': return `${path} is on a read-only file system`
    default: return undefined
  }
}

function teamOption (values: ParsedArgs['values'], required: true): string
function teamOption (values: ParsedArgs['values'], required: boolean): string | undefined
function teamOption (values: ParsedArgs['values'], required: boolean): string | undefined {
  const team = values.team
  if (team === undefined) {
    if (required) throw new UsageError('--team NAME is required')
    return undefined
  }
  return checkTeamName(team)
}

const NETWORK_OPTIONS: Options = {
  listen: { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  'no-mdns': { type: 'boolean' },
  name: { type: 'string' }
}

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

function networkInit (dataDir: string, values: ParsedArgs['values'], name?: string, config: Config = {}): ParleyInit {
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

function printMembers (members: MemberView[], json: boolean): void {
  if (json) {
    out(JSON.stringify(members))
    return
  }
  for (const m of members) out(`${m.online ? '●' : '○'} ${printable(m.name).padEnd(20)} ${m.peerId}${m.admin ? '  admin' : ''}  ${m.teams.map(t => '#' + t).join(' ')}`)
}

/** Run `fn` against the running node if there is one, else against a node started just for it. */
async function viaNodeOrClient<T> (dataDir: string, values: ParsedArgs['values'], config: Config, remote: (c: ControlClient) => Promise<T>, local: (n: ParleyNode) => Promise<T>): Promise<T> {
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
  const node = await createNode({ ...init, ...(init.listen === undefined ? { listen: ['/ip4/0.0.0.0/tcp/0'] } : {}) })
  try {
    await node.start()
    return await local(node)
  } finally {
    await node.stop()
  }
}

const commands: Record<string, Command> = {
  chat: {
    summary: 'open the chat (attaches to the running daemon, or runs a node itself)',
    usage: 'parley chat [--listen MULTIADDR]... [--peer MULTIADDR]... [--no-mdns] [--name NAME]',
    options: NETWORK_OPTIONS,
    run: async ({ dataDir, values, config }) => {
      if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) {
        throw new UsageError('the chat needs a terminal; for scripts use send, tail and history')
      }
      const { connectBackend } = await import('../ui/backend.js')
      const { runChat } = await import('../ui/app.js')
      const { accountFullName } = await import('./account.js')
      let node: ParleyNode | undefined
      let server: ControlServer | undefined
      const name = typeof values.name === 'string' ? checkDisplayName(values.name) : undefined
      // run the node in this process, with its control socket for scripts (and other chats)
      const runHere = async (): Promise<void> => {
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
          }
        })
      } finally {
        await server?.stop()
        await node?.stop()
      }
      return 0
    }
  },
  'org create': {
    summary: 'found an organisation with you as its first admin, and a team "general"',
    usage: 'parley org create NAME',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const name = positionals.join(' ').trim()
      if (name === '') throw new UsageError('give the organisation a name')
      const info = await withClient(dataDir, async c => c.request('org.create', { name }))
      out(values.json === true ? JSON.stringify(info) : `created ${info.org?.name} (${info.org?.id.slice(0, 16)}); you are its admin, in #general`)
      return 0
    }
  },
  invite: {
    summary: 'make a one-time invite token for a newcomer (admins)',
    usage: 'parley invite [--team NAME]... [--expires 24h] [--out FILE] [--json]',
    options: { team: { type: 'string', multiple: true }, expires: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const teams = ((values.team as string[] | undefined) ?? []).map(checkTeamName)
      const params: Record<string, unknown> = { teams }
      if (typeof values.expires === 'string') params.expires = values.expires
      const r = await withClient(dataDir, async c => c.request('invite', params))
      if (typeof values.out === 'string') {
        const { writeFile } = await import('node:fs/promises')
        // owner-only and never over another file: the token is as good as a key until used
        await writeFile(values.out, r.token + '\n', { flag: 'wx', mode: 0o600 })
        err(`wrote the invite token to ${values.out}`)
      }
      if (values.json === true) out(JSON.stringify(r))
      else {
        if (typeof values.out !== 'string') out(r.token)
        err(`single use, valid until ${formatTime(r.expires)}; the newcomer pastes it into their first parley screen, or runs: parley join TOKEN --name "Their Name"`)
      }
      return 0
    }
  },
  join: {
    summary: 'join an organisation with an invite token (waits until an admin is reachable)',
    usage: 'parley join TOKEN --name NAME [--timeout 10m] [--peer MULTIADDR]... [--no-mdns] [--json]',
    options: { ...NETWORK_OPTIONS, timeout: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals, config }) => {
      const token = positionals[0]
      if (token === undefined) throw new UsageError('give the invite token')
      if (typeof values.name !== 'string') throw new UsageError('--name NAME is required: it is how colleagues will see you')
      const name = checkDisplayName(values.name)
      const timeout = parseDuration(typeof values.timeout === 'string' ? values.timeout : '10m')
      const said = { waiting: false }
      const sayWaiting = (): void => {
        if (said.waiting) return
        said.waiting = true
        err('parley join: waiting for an admin of the organisation to be reachable on the LAN…')
      }
      const timeoutText = typeof values.timeout === 'string' ? values.timeout : '10m'
      const info = await viaNodeOrClient(dataDir, values, config, async (c) => {
        c.onEvent((e) => { if (e.event === 'join:waiting') sayWaiting() })
        await c.request('subscribe', { events: ['join:waiting'] })
        return c.request('join', { token, name, timeoutMs: timeout })
      }, async (node) => {
        node.addEventListener('join:waiting', sayWaiting)
        try {
          return await node.join(token, name, { signal: AbortSignal.timeout(timeout) })
        } catch (e) {
          if ((e as Error).name === 'TimeoutError') throw new InviteError(`no admin of the organisation answered within ${timeoutText}; try again when one is online`)
          throw e
        }
      })
      out(values.json === true ? JSON.stringify(info) : `joined ${info.org?.name} as ${info.name} (${info.peerId}); teams: ${info.teams.map(t => '#' + t).join(' ')}`)
      return 0
    }
  },
  'admin add-admin': {
    summary: 'make a member an admin too (admins)',
    usage: 'parley admin add-admin PEER_ID',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = checkPeerId(positionals[0])
      printMembers(await withClient(dataDir, async c => c.request('admin.add-admin', { peer })), values.json === true)
      return 0
    }
  },
  'admin remove': {
    summary: 'offboard someone: out of the org and every team, keys rotated, connections refused (admins)',
    usage: 'parley admin remove PEER_ID',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = checkPeerId(positionals[0])
      printMembers(await withClient(dataDir, async c => c.request('admin.remove', { peer })), values.json === true)
      return 0
    }
  },
  'team create': {
    summary: 'create a team, with you and the given members in it (admins)',
    usage: 'parley team create NAME [PEER_ID]...',
    options: {},
    run: async ({ dataDir, positionals }) => {
      const [team, ...members] = positionals
      await withClient(dataDir, async c => c.request('team.create', { team: checkTeamName(team), members: members.map(checkPeerId) }))
      out(`created #${team}`)
      return 0
    }
  },
  'team add': {
    summary: 'add members to a team (admins)',
    usage: 'parley team add NAME PEER_ID...',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, ...members] = positionals
      if (members.length === 0) throw new UsageError('name at least one member to add')
      printMembers(await withClient(dataDir, async c => c.request('team.add', { team: checkTeamName(team), members: members.map(checkPeerId) })), values.json === true)
      return 0
    }
  },
  'team remove': {
    summary: 'take a member out of a team; its key is rotated (admins)',
    usage: 'parley team remove NAME PEER_ID',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, member] = positionals
      printMembers(await withClient(dataDir, async c => c.request('team.remove', { team: checkTeamName(team), member: checkPeerId(member) })), values.json === true)
      return 0
    }
  },
  'team retention': {
    summary: 'keep a team\'s messages N days (or forever); every node deletes older ones (admins)',
    usage: 'parley team retention NAME DAYS|forever [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, period] = positionals
      if (team === undefined || period === undefined || positionals.length !== 2) throw new UsageError('give a team and a number of days (or "forever")')
      const days = period === 'forever' ? 0 : /^\d+$/.test(period) ? Number(period) : NaN
      if (!Number.isSafeInteger(days)) throw new UsageError(`"${period}" is not a number of days or "forever"`)
      const t = await withClient(dataDir, async c => c.request('team.retention', { team: checkTeamName(team), days }))
      out(values.json === true ? JSON.stringify(t) : `#${t.name}: ${t.retentionDays === 0 ? 'messages are kept for ever' : `messages older than ${t.retentionDays} days are deleted on every node`}${t.hold ? ' (on hold: nothing is deleted until it is lifted)' : ''}`)
      return 0
    }
  },
  'team hold': {
    summary: 'place or lift a hold on a team: while on, nothing is deleted (admins)',
    usage: 'parley team hold NAME on|off [--reason TEXT] [--json]',
    options: { reason: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, state] = positionals
      if (team === undefined || (state !== 'on' && state !== 'off') || positionals.length !== 2) throw new UsageError('give a team and on or off')
      const reason = typeof values.reason === 'string' ? values.reason : ''
      const t = await withClient(dataDir, async c => c.request('team.retention', { team: checkTeamName(team), hold: state === 'on', reason }))
      out(values.json === true ? JSON.stringify(t) : `#${t.name}: ${t.hold ? 'on hold, nothing is deleted' : 'hold lifted'}`)
      return 0
    }
  },
  'team list': {
    summary: 'list the organisation\'s teams',
    usage: 'parley team list [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const teams = await withClient(dataDir, async c => c.request('teams'))
      if (values.json === true) out(JSON.stringify(teams))
      else {
        for (const t of teams) {
          const kept = t.retentionDays === 0 ? '' : `, keeps ${t.retentionDays} days`
          const hold = t.hold ? `, ON HOLD${t.holdReason !== undefined ? ` (${printable(t.holdReason)})` : ''}` : ''
          out(`${t.joined ? '*' : ' '} #${t.name.padEnd(20)} ${t.members} members, key epoch ${t.epoch}${kept}${hold}`)
        }
      }
      return 0
    }
  },
  members: {
    summary: 'list the directory, or one team\'s members, with who is online',
    usage: 'parley members [--team NAME] [--json]',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, false)
      printMembers(await withClient(dataDir, async c => c.request('members', team === undefined ? {} : { team })), values.json === true)
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
  },
  send: {
    summary: 'send a message to a team',
    usage: 'parley send --team NAME [--json] TEXT...',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const team = teamOption(values, true)
      const text = positionals.join(' ')
      if (text.trim() === '') throw new UsageError('nothing to send: give the text after the options')
      const sent = await withClient(dataDir, async c => c.request('send', { team, text }))
      out(values.json === true ? JSON.stringify(sent) : sent.id)
      return 0
    }
  },
  'file send': {
    summary: 'share a file with a team (or one member with --to)',
    usage: 'parley file send (--team NAME | --to PEER_ID) [--caption TEXT] [--name NAME] [--json] PATH',
    options: { team: { type: 'string' }, to: { type: 'string' }, caption: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length !== 1) throw new UsageError('give exactly one file to send')
      const path = resolve(positionals[0]!)
      const to = typeof values.to === 'string' ? checkPeerId(values.to) : undefined
      const team = to === undefined ? teamOption(values, true) : undefined
      const caption = typeof values.caption === 'string' ? values.caption : ''
      const name = typeof values.name === 'string' ? values.name : undefined
      const file = await withClient(dataDir, async c => c.request('file.send', { path, caption, ...(name !== undefined ? { name } : {}), ...(to !== undefined ? { peer: to } : { team }) }))
      out(values.json === true ? JSON.stringify(file) : `${file.id}  ${file.name}  ${formatBytes(file.size)}`)
      return 0
    }
  },
  'file get': {
    summary: 'fetch a shared file and save it (default: the current folder)',
    usage: 'parley file get ID [--out DIR] [--json]',
    options: { out: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length !== 1) throw new UsageError('give the id of one file (see `parley file list`)')
      const outDir = resolve(typeof values.out === 'string' ? values.out : '.')
      const client = await ControlClient.connect(dataDir)
      try {
        const id = positionals[0]!.toLowerCase()
        const tty = process.stderr.isTTY === true
        let lastLine = 0
        client.onEvent((e) => {
          if (e.event !== 'file:progress') return
          const p = e.data
          if (!p.id.startsWith(id)) return
          const now = Date.now()
          if (!tty && now - lastLine < 2_000 && p.bytes < p.size) return
          lastLine = now
          process.stderr.write(`${tty ? '\r\x1b[K' : ''}${progressLine(p)}${tty ? '' : '\n'}`)
        })
        await client.request('subscribe', { events: ['file:progress'] })
        const got = await client.request('file.get', { id, out: outDir })
        if (tty) process.stderr.write('\r\x1b[K')
        out(values.json === true ? JSON.stringify(got) : got.path)
        return 0
      } finally {
        client.close()
      }
    }
  },
  'file list': {
    summary: 'list the files shared in your teams',
    usage: 'parley file list [--team NAME] [--json]',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, false)
      const files = await withClient(dataDir, async c => c.request('file.list', team === undefined ? {} : { team }))
      if (values.json === true) {
        out(JSON.stringify(files))
        return 0
      }
      for (const f of files) {
        const state = f.state === 'partial' ? `${Math.floor(100 * f.held / Math.max(1, f.size))}%` : f.state
        out(`${f.id.slice(0, 12)}  #${f.team.padEnd(12)} ${formatBytes(f.size).padStart(8)}  ${state.padEnd(11)} ${printable(f.authorName).padEnd(12)} ${printable(f.name)}${f.reason !== undefined ? `  (${printable(f.reason)})` : ''}`)
      }
      if (files.length === 0) err('no files shared in your teams yet')
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
      const names = await memberNames(client)
      client.onEvent((e) => {
        if (e.event !== 'message:added') return
        out(values.json === true ? JSON.stringify(e.data) : formatMessage(e.data, names))
      })
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
      const params: ControlParams<'history'> = { team, limit }
      if (typeof values.before === 'string') params.before = values.before
      const [page, names] = await withClient(dataDir, async c => Promise.all([c.request('history', params), memberNames(c)]))
      if (values.json === true) {
        for (const m of page.messages) out(JSON.stringify(m))
      } else {
        for (const m of page.messages) out(formatMessage(m, names))
        if (page.before !== undefined) err(`(older messages: --before '${page.before}')`)
      }
      return 0
    }
  },
  search: {
    summary: 'search the messages of your teams (every word must appear; case and accents do not matter)',
    usage: 'parley search QUERY... [--team NAME] [--from NAME|PEER_ID] [--since DATE] [--limit N] [--json]',
    options: { team: { type: 'string' }, from: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const query = positionals.join(' ').trim()
      if (query === '') throw new UsageError('give some words to search for')
      const params: ControlParams<'search'> = { query }
      const team = teamOption(values, false)
      if (team !== undefined) params.team = team
      if (typeof values.from === 'string') params.from = values.from
      if (typeof values.since === 'string') {
        const since = Date.parse(values.since)
        if (Number.isNaN(since)) throw new UsageError(`--since takes a date like 2026-11-01 or 2026-11-01T09:00, not ${JSON.stringify(values.since)}`)
        params.since = since
      }
      if (typeof values.limit === 'string') {
        const limit = Number(values.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000')
        params.limit = limit
      }
      const [found, names] = await withClient(dataDir, async c => Promise.all([c.request('search', params), memberNames(c)]))
      if (values.json === true) for (const m of found) out(JSON.stringify(m))
      else if (found.length === 0) err('no messages found')
      else for (const m of found) out(formatMessage(m, names))
      return 0
    }
  },
  export: {
    summary: 'write a team\'s history for the records, hash-chained and signed (check it with verify-export)',
    usage: 'parley export --team NAME [--since DATE] [--until DATE] [--format jsonl|csv] [--out FILE]',
    options: { team: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, true)
      const format = typeof values.format === 'string' ? values.format : 'jsonl'
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format is jsonl or csv')
      const params: ControlParams<'export'> = { team, format }
      for (const key of ['since', 'until'] as const) {
        const v = values[key]
        if (typeof v !== 'string') continue
        const t = Date.parse(v)
        if (Number.isNaN(t)) throw new UsageError(`--${key} takes a date like 2026-11-01 or 2026-11-01T09:00, not ${JSON.stringify(v)}`)
        params[key] = t
      }
      const lines = await withClient(dataDir, async c => c.request('export', params))
      const text = lines.join('\n') + '\n'
      if (typeof values.out === 'string') {
        const { writeFile } = await import('node:fs/promises')
        // never overwrite an existing record by accident
        await writeFile(values.out, text, { flag: 'wx', mode: 0o600 })
        err(`wrote ${lines.length - 2} records of #${team} to ${values.out}`)
      } else {
        process.stdout.write(text)
      }
      return 0
    }
  },
  'verify-export': {
    summary: 'check that an export is complete and unaltered',
    usage: 'parley verify-export FILE',
    options: {},
    run: async ({ positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the export file')
      const { readFile } = await import('node:fs/promises')
      const { verifyExport } = await import('../export/export-file.js')
      try {
        const summary = await verifyExport(await readFile(file, 'utf8'))
        out(`ok: ${summary.records} records of #${summary.team}, exported by ${printable(summary.exportedByName)} (${summary.exportedBy}) at ${formatTime(summary.exportedAt)}`)
        return 0
      } catch (e) {
        if ((e as Error).name !== 'ExportVerificationError') throw e
        err(`parley verify-export: NOT VALID: ${(e as Error).message}`)
        return EXIT_FAILURE
      }
    }
  },
  backup: {
    summary: 'write a backup of this node (identity and log) to a new file; it holds your private key',
    usage: 'parley backup FILE',
    options: {},
    run: async ({ dataDir, positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the file to write the backup to')
      const r = await withClient(dataDir, async c => c.request('backup', { path: resolve(file) }))
      out(`wrote ${file} (${r.rows} records); keep it as safe as a password: it holds this identity's private key`)
      return 0
    }
  },
  restore: {
    summary: 'restore a backup into a new data dir (the node then catches up before posting)',
    usage: 'parley restore FILE [--data NEW_DIR]',
    options: {},
    run: async ({ dataDir, positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the backup file')
      const { restoreBackup } = await import('../store/backup.js')
      const { EntryLog } = await import('../store/entry-log.js')
      const r = await restoreBackup(resolve(file), dataDir, async () => EntryLog.open(join(dataDir, 'log')))
      out(`restored ${r.peerId} into ${dataDir} (${r.rows} records). Start it with: parley daemon --data ${dataDir}`)
      err('it will post again once a colleague\'s node has sent it anything it wrote after this backup')
      return 0
    }
  },
  'service install': {
    summary: 'run parley daemon with your session (a per-user systemd unit)',
    usage: 'parley service install [--data DIR]',
    options: {},
    run: async ({ dataDir }) => {
      const { installService } = await import('./service.js')
      const { fileURLToPath } = await import('node:url')
      const bin = fileURLToPath(new URL('../../bin/parley', import.meta.url))
      for (const line of await installService(bin, dataDir)) out(line)
      return 0
    }
  },
  'service uninstall': {
    summary: 'stop running parley with your session and remove the unit',
    usage: 'parley service uninstall',
    options: {},
    run: async () => {
      const { uninstallService } = await import('./service.js')
      for (const line of await uninstallService()) out(line)
      return 0
    }
  },
  'service status': {
    summary: 'whether parley runs with your session',
    usage: 'parley service status',
    options: {},
    run: async () => {
      const { serviceStatus } = await import('./service.js')
      for (const line of await serviceStatus()) out(line)
      return 0
    }
  },
  doctor: {
    summary: 'check the common reasons this workstation cannot chat, and say what to do',
    usage: 'parley doctor [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const { diagnose } = await import('./doctor.js')
      const findings = await diagnose(dataDir)
      if (values.json === true) out(JSON.stringify(findings))
      else {
        for (const f of findings) {
          out(`${f.level === 'ok' ? '✓' : f.level === 'warn' ? '!' : '✗'} ${f.what}`)
          if (f.advice !== undefined) out(`    → ${f.advice}`)
        }
      }
      return findings.some(f => f.level === 'fail') ? EXIT_FAILURE : 0
    }
  },
  'sync-status': {
    summary: 'per team: what this node holds, per author, and what it is fetching',
    usage: 'parley sync-status [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const status = await withClient(dataDir, async c => c.request('sync-status'))
      if (values.json === true) {
        out(JSON.stringify(status))
        return 0
      }
      for (const t of status) {
        const last = t.lastSynced === undefined ? 'not synced since start' : `last synced ${formatTime(t.lastSynced)}`
        out(`#${t.team}: ${t.entries} entries, ${t.authors.length} authors, ${last}`)
        for (const a of t.authors) out(`    ${printable(a.name || shortId(a.author)).padEnd(20)} up to #${a.seq}`)
        for (const f of t.fetching) out(`    fetching from ${shortId(f.peer)}: ${f.received} received so far`)
      }
      return 0
    }
  },
  peers: {
    summary: 'list connected peers',
    usage: 'parley peers [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const peers = await withClient(dataDir, async c => c.request('peers'))
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
      const info = await withClient(dataDir, async c => c.request('info'))
      if (values.json === true) out(JSON.stringify(info))
      else out(`${info.name} ${info.peerId}\ndata: ${info.dataDir}\nteams: ${info.teams.join(', ')}\n${info.addresses.join('\n')}`)
      return 0
    }
  }
}

async function runDaemon (dataDir: string, values: ParsedArgs['values'], config: Config): Promise<number> {
  const name = typeof values.name === 'string' ? checkDisplayName(values.name) : undefined
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
    await control.stop()
    await node.stop()
    throw e
  }
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

/** "report.pdf  42% 21 MB of 50 MB  38 MB/s  from 3 peers" */
function progressLine (p: FileProgress): string {
  const pct = Math.floor(100 * p.bytes / Math.max(1, p.size))
  return `${printable(p.name)}  ${pct}% ${formatBytes(p.bytes)} of ${formatBytes(p.size)}  ${formatBytes(p.rate)}/s  from ${p.peers} peer${p.peers === 1 ? '' : 's'}`
}

function usage (): string {
  const lines = ['usage: parley <command> [options]   (every command takes --data DIR, --config FILE and --help)', '', 'commands:']
  const order = ['chat', 'init', 'daemon', 'org create', 'invite', 'join', 'send', 'tail', 'history', 'search', 'file send', 'file get', 'file list', 'export', 'verify-export', 'backup', 'restore', 'doctor', 'sync-status', 'members', 'peers', 'info', 'team create', 'team add', 'team remove', 'team list', 'team retention', 'team hold', 'admin add-admin', 'admin remove', 'service install', 'service uninstall', 'service status']
  const names = [...order.filter(n => n in commands), ...Object.keys(commands).filter(n => !order.includes(n))]
  for (const name of names) lines.push(`  ${name.padEnd(16)} ${commands[name]!.summary}`)
  lines.push('', 'The data dir defaults to $PARLEY_DATA, else $XDG_DATA_HOME/parley, else ~/.local/share/parley.',
    'Settings (listen, peer, mdns, name, data, download-dir, auto-download, max-file-size, scan-command) may also come from $XDG_CONFIG_HOME/parley/config; flags win.')
  return lines.join('\n')
}

/** The version in package.json (two folders above this file, in src/ and in dist/). */
async function packageVersion (): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main (argv: string[]): Promise<number> {
  const groups = new Set(Object.keys(commands).filter(k => k.includes(' ')).map(k => k.split(' ')[0]))
  let [name, ...rest] = argv
  if (name !== undefined && groups.has(name) && rest[0] !== undefined && !rest[0].startsWith('-')) {
    name = `${name} ${rest[0]}`
    rest = rest.slice(1)
  }
  if (name === undefined && process.stdout.isTTY === true && process.stdin.isTTY === true) {
    name = 'chat'
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    out(`parley ${await packageVersion()}`)
    return 0
  }
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
    const config = await loadConfig(typeof parsed.values.config === 'string' ? parsed.values.config : undefined)
    const dataDir = typeof parsed.values.data === 'string'
      ? resolve(parsed.values.data)
      : process.env.PARLEY_DATA === undefined && config.data !== undefined ? resolve(config.data) : defaultDataDir()
    return await command.run({ dataDir, config, values: parsed.values, positionals: parsed.positionals })
  } catch (e) {
    const error = e as Error
    if (error instanceof UsageError || error instanceof InvalidArgumentError || error instanceof InvalidTeamNameError) {
      err(`parley ${name}: ${error.message}\nusage: ${command.usage}`)
      return EXIT_USAGE
    }
    if (['NodeNotRunningError', 'DataDirLockedError', 'NotInOrgError', 'NotAdminError', 'NotMemberError', 'InviteError', 'RecordRefusedError', 'NotSyncedError', 'DiskFullError', 'FileTooLargeError', 'FileNotFoundError', 'QuarantinedError', 'ScanFailedError', 'CorruptFileError', 'DamagedCopyError', 'DataDirUnsafeError'].includes(error.name)) {
      err(`parley ${name}: ${error.message}`)
      return EXIT_FAILURE
    }
    const sentence = fileErrorSentence(error)
    if (sentence !== undefined) {
      err(`parley ${name}: ${sentence}`)
      return EXIT_FAILURE
    }
    err(`parley ${name}: ${error.name}: ${error.message}`)
    return EXIT_FAILURE
  }
}
