/**
 * The optional config file: `key = value` lines, `#` comments, repeatable keys for lists. Flags on
 * the command line win over it. A bad line is refused with its file and line number.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InvalidArgumentError } from '../errors.js'

/** What the config file may set. */
export interface Config {
  listen?: string[]
  peer?: string[]
  mdns?: boolean
  name?: string
  data?: string
}

const LISTS = new Set(['listen', 'peer'])
const KEYS = new Set(['listen', 'peer', 'mdns', 'name', 'data'])

/** Where the config file lives: $PARLEY_CONFIG, else $XDG_CONFIG_HOME/parley/config, else ~/.config/parley/config. */
export function defaultConfigPath (env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_CONFIG !== undefined && env.PARLEY_CONFIG !== '') return env.PARLEY_CONFIG
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'parley', 'config')
}

/** Parse config text; `file` names it in errors. */
export function parseConfig (text: string, file: string): Config {
  const config: Config = {}
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (line === '') continue
    const fail = (why: string): never => { throw new InvalidArgumentError(`${file} line ${i + 1}: ${why}`) }
    const m = /^([a-z-]+)\s*=\s*(.*)$/.exec(line)
    if (m === null) fail(`expected "key = value", found ${JSON.stringify(raw.trim())}`)
    const key = m![1]!
    const value = m![2]!.replace(/^"(.*)"$/, '$1')
    if (!KEYS.has(key)) fail(`unknown setting "${key}" (known: ${[...KEYS].join(', ')})`)
    if (value === '') fail(`"${key}" needs a value`)
    if (LISTS.has(key)) {
      if (!value.startsWith('/')) fail(`"${key}" takes a multiaddr like /ip4/10.0.0.5/tcp/7717, not ${JSON.stringify(value)}`)
      const list = (config[key as 'listen' | 'peer'] ??= [])
      list.push(value)
    } else if (key === 'mdns') {
      if (value !== 'true' && value !== 'false') fail(`"mdns" is true or false, not ${JSON.stringify(value)}`)
      config.mdns = value === 'true'
    } else {
      config[key as 'name' | 'data'] = value
    }
  }
  return config
}

/** Load the config file if there is one (a missing file is no error; a bad one is). */
export async function loadConfig (path = defaultConfigPath()): Promise<Config> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
  return parseConfig(text, path)
}
