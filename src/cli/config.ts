/**
 * The optional config file: `key = value` lines, `#` comments, repeatable keys for lists. Flags on
 * the command line win over it. A bad line is refused with its file and line number.
 */
import { readFile } from 'node:fs/promises'
import { defaultConfigPath, InvalidArgumentError } from '../shell.js'

export { defaultConfigPath }

/** What the config file may set. */
export interface Config {
  listen?: string[]
  peer?: string[]
  mdns?: boolean
  name?: string
  data?: string
  /** where `get` saves files */
  downloadDir?: string
  /** bytes: files up to this size are fetched as soon as they are shared */
  autoDownload?: number
  /** bytes: larger files are neither sent nor fetched */
  maxFileSize?: number
  /** bytes: what one person's files may make this node fetch by itself in a day */
  autoDownloadPerAuthor?: number
  /** the virus scanner, e.g. `clamdscan --no-summary {}` */
  scanCommand?: string
  /** how the chat notifies of a mention, a direct message or an urgent message while not in front */
  notify?: 'desktop' | 'terminal' | 'both' | 'off'
}

const LISTS = new Set(['listen', 'peer'])
const KEYS = new Set(['listen', 'peer', 'mdns', 'name', 'data', 'download-dir', 'auto-download', 'auto-download-per-author', 'max-file-size', 'scan-command', 'notify'])
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

/** "25MB", "512 KiB", "1.5GB" or a plain number of bytes; undefined if it is none of those. */
export function parseSize (text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = SIZE_UNITS[m?.[2]?.toLowerCase() ?? 'x']
  if (m === null || unit === undefined) return undefined
  const bytes = Math.floor(Number(m[1]) * unit)
  return Number.isSafeInteger(bytes) ? bytes : undefined
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
    } else if (key === 'auto-download' || key === 'max-file-size' || key === 'auto-download-per-author') {
      const size = parseSize(value)
      if (size === undefined) fail(`"${key}" is a size like 25MB or 2GB, not ${JSON.stringify(value)}`)
      config[key === 'auto-download' ? 'autoDownload' : key === 'max-file-size' ? 'maxFileSize' : 'autoDownloadPerAuthor'] = size
    } else if (key === 'download-dir') {
      config.downloadDir = value
    } else if (key === 'scan-command') {
      config.scanCommand = value
    } else if (key === 'notify') {
      if (value !== 'desktop' && value !== 'terminal' && value !== 'both' && value !== 'off') fail(`"notify" is desktop, terminal, both or off, not ${JSON.stringify(value)}`)
      config.notify = value as Config['notify']
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
