/**
 * The virus scan hook: a command run on each downloaded file before it is released. It follows the
 * convention of ClamAV's clamscan and clamdscan: exit 0 clean, exit 1 infected, anything else an
 * error, which releases nothing.
 */
import { execFile } from 'node:child_process'
import { ScanFailedError } from '../errors.js'
import { parleyLogger } from '../log.js'

const log = parleyLogger('files:scanner')

const SCAN_TIMEOUT_MS = 10 * 60_000
const MAX_OUTPUT = 1024 * 1024

export type ScanVerdict = { infected: false } | { infected: true, reason: string }

/**
 * Split a configured scan command into argv: words separated by spaces, with "double quotes" for
 * words that contain spaces. `{}` stands for the file; without it, the file goes last.
 */
export function parseScanCommand (command: string): string[] {
  const words: string[] = []
  const re = /"([^"]*)"|(\S+)/g
  for (let m = re.exec(command); m !== null; m = re.exec(command)) words.push(m[1] ?? m[2] ?? '')
  if (words.length === 0) throw new ScanFailedError('the scan command is empty')
  return words
}

/** Run the scan command on `path`. Throws ScanFailedError when it gives no verdict. */
export async function scanFile (command: string[], path: string): Promise<ScanVerdict> {
  const [program, ...rest] = command
  if (program === undefined) throw new ScanFailedError('the scan command is empty')
  const args = rest.includes('{}') ? rest.map(a => a === '{}' ? path : a) : [...rest, path]
  log('scanning %s with %s', path, program)
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: SCAN_TIMEOUT_MS, maxBuffer: MAX_OUTPUT }, (err, stdout, stderr) => {
      if (err === null) {
        resolve({ infected: false })
        return
      }
      const code = (err as { code?: unknown }).code
      if (code === 1) {
        // clamscan prints "<path>: <Signature> FOUND"; keep the signature, not our temp path
        const found = stdout.split('\n').find(l => l.endsWith(' FOUND'))
        const reason = found === undefined ? 'an infection' : found.slice(found.lastIndexOf(': ') + 2, -' FOUND'.length)
        resolve({ infected: true, reason })
        return
      }
      const why = typeof code === 'string' ? `${program} could not be run (${code})` : `${program} failed (${typeof code === 'number' ? `exit ${code}` : `signal ${err.signal ?? 'unknown'}`})`
      const detail = stderr.trim().split('\n').slice(-3).join(' ')
      reject(new ScanFailedError(detail === '' ? why : `${why}: ${detail}`))
    })
  })
}
