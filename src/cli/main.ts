/**
 * The parley command line: finds the subcommand, parses its arguments, runs it and turns a failure
 * into a message and an exit code. The commands themselves live in ./commands/.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultDataDir, parleyLogger } from '../shell.js'
import { GLOBAL_OPTIONS, UsageError, err, out } from './command.js'
import { adminCommands } from './commands/admin.js'
import { officeCommands } from './commands/office.js'
import { diagnosticCommands } from './commands/diagnostics.js'
import { fileCommands } from './commands/file.js'
import { messageCommands } from './commands/message.js'
import { nodeCommands } from './commands/node.js'
import { orgCommands } from './commands/org.js'
import { policyCommands } from './commands/policy.js'
import { recordCommands } from './commands/records.js'
import { serviceCommands } from './commands/service.js'
import { teamCommands } from './commands/team.js'
import { loadConfig } from './config.js'
import { describeFailure, EXIT_USAGE } from './exit-codes.js'
import type { Commands } from './command.js'

export { defaultDataDir }

const log = parleyLogger('cli')

/** Every command, by name. */
export const commands: Commands = {
  ...nodeCommands,
  ...orgCommands,
  ...adminCommands,
  ...policyCommands,
  ...officeCommands,
  ...teamCommands,
  ...messageCommands,
  ...fileCommands,
  ...recordCommands,
  ...serviceCommands,
  ...diagnosticCommands
}

function usage (): string {
  const lines = ['usage: parley <command> [options]   (every command takes --data DIR, --config FILE and --help)', '', 'commands:']
  const order = ['chat', 'init', 'daemon', 'org create', 'org log', 'invite', 'invite list', 'invite revoke', 'join', 'send', 'edit', 'delete', 'react', 'thread', 'tail', 'history', 'search', 'file send', 'file get', 'file list', 'export', 'verify-export', 'backup', 'restore', 'doctor', 'sync-status', 'members', 'peers', 'info', 'team create', 'team add', 'team remove', 'team list', 'team retention', 'team hold', 'team posters', 'admin add-admin', 'admin remove', 'admin suspend', 'admin resume', 'admin rename', 'admin approve', 'policy set', 'policy accept', 'policy status', 'rename', 'service install', 'service uninstall', 'service status']
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
  // a group that is also a command ("invite") takes only its own subcommands as a second word
  if (name !== undefined && groups.has(name) && rest[0] !== undefined && !rest[0].startsWith('-') && (`${name} ${rest[0]}` in commands || !(name in commands))) {
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
    log('running %s in %s', name, dataDir)
    return await command.run({ dataDir, config, values: parsed.values, positionals: parsed.positionals })
  } catch (e) {
    const failure = describeFailure(name, command.usage, e as Error)
    log('%s failed with exit code %d: %e', name, failure.code, e)
    err(failure.text)
    return failure.code
  }
}
