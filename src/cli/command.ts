/**
 * What every subcommand shares: its shape, the parsed arguments, output to the terminal and the
 * small helpers that check options and talk to the running node.
 */
import { checkTeamName, ControlClient, printable } from '../shell.js'
import type { MemberView } from '../index.js'
import type { Config } from './config.js'
import type { ParseArgsConfig } from 'node:util'

/** The options a command accepts, as node:util parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>

/** A command line that does not make sense: its message is printed with the command's usage (exit 2). */
export class UsageError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** What a command is run with. */
export interface ParsedArgs {
  dataDir: string
  config: Config
  values: Record<string, string | boolean | Array<string | boolean> | undefined>
  positionals: string[]
}

/** One subcommand: its help, its options and what it does; resolves to the exit code. */
export interface Command {
  summary: string
  usage: string
  options: Options
  run: (args: ParsedArgs) => Promise<number>
}

/** Commands by name; a two-word name ("team add") is a command of a group. */
export type Commands = Record<string, Command>

/** Options every command takes. */
export const GLOBAL_OPTIONS: Options = {
  data: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
}

/** Options of the commands that run a node. */
export const NETWORK_OPTIONS: Options = {
  listen: { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  'no-mdns': { type: 'boolean' },
  name: { type: 'string' }
}

/** A line on stdout: what the command produces. */
export const out = (line: string): void => { process.stdout.write(line + '\n') }
/** A line on stderr: what the command says to the person running it. */
export const err = (line: string): void => { process.stderr.write(line + '\n') }

/** Run `fn` with a client of the running node, closed afterwards. */
export async function withClient<T> (dataDir: string, fn: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.connect(dataDir)
  try {
    return await fn(client)
  } finally {
    client.close()
  }
}

/** Display names by peer id, to call direct conversations after the other person. */
export async function memberNames (client: ControlClient): Promise<Map<string, string>> {
  const members = await client.request('members', {}).catch(() => [] as MemberView[]) // not in an org yet: no names
  return new Map(members.map(m => [m.peerId, m.name]))
}

/** The checked `--team` option; a UsageError if it is required and absent. */
export function teamOption (values: ParsedArgs['values'], required: true): string
export function teamOption (values: ParsedArgs['values'], required: boolean): string | undefined
export function teamOption (values: ParsedArgs['values'], required: boolean): string | undefined {
  const team = values.team
  if (team === undefined) {
    if (required) throw new UsageError('--team NAME is required')
    return undefined
  }
  return checkTeamName(team)
}

/** Members as JSON, or one line each with who is online and who is admin. */
export function printMembers (members: MemberView[], json: boolean): void {
  if (json) {
    out(JSON.stringify(members))
    return
  }
  for (const m of members) out(`${m.online ? '●' : '○'} ${printable(m.name).padEnd(20)} ${m.peerId}${m.admin ? '  admin' : ''}${m.suspended !== undefined ? `  SUSPENDED${m.suspended.reason !== '' ? ` (${printable(m.suspended.reason)})` : ''}` : ''}  ${m.teams.map(t => '#' + t).join(' ')}`)
}

/** What a message id or id prefix looks like: 4 to 64 hex digits (the node says whether it names one message). */
const MESSAGE_ID = /^[0-9a-f]{4,64}$/i

/** A message id (or unique prefix) from the command line, lower-cased; a UsageError naming `what` when it cannot be one. */
export function messageIdArg (value: unknown, what = 'the message'): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`give the id of ${what} (or its first 4 or more hex digits, shown first on each line of parley history)`)
  const id = value.trim()
  if (!MESSAGE_ID.test(id)) throw new UsageError(`${JSON.stringify(id)} is not a message id: give its id or the first 4 or more hex digits of it (shown first on each line of parley history)`)
  return id.toLowerCase()
}

/** A `--since`/`--until` date as ms, or a UsageError naming the option. */
export function dateOption (key: string, value: string): number {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new UsageError(`--${key} takes a date like 2026-11-01 or 2026-11-01T09:00, not ${JSON.stringify(value)}`)
  return t
}

/**
 * `id` checked as a peer id (InvalidArgumentError if it is none). The check needs libp2p's peer-id
 * code, which the public API's full entry loads: only when a command takes a peer id, so that the
 * others start without it (see src/shell.ts).
 */
export async function peerIdArg (id: unknown): Promise<string> {
  const { checkPeerId } = await import('../index.js')
  return checkPeerId(id)
}
