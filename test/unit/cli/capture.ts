/**
 * Runs the CLI in this process with its stdout and stderr captured, against a config file that
 * does not exist (so the user's own settings never leak into a test).
 */
import { vi } from 'vitest'
import { main } from '../../../src/cli/main.js'

export interface CliRun { code: number, stdout: string, stderr: string }

/** `parley ...argv`, in process. */
export async function runMain (argv: string[]): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const config = process.env.PARLEY_CONFIG
  process.env.PARLEY_CONFIG = '/nonexistent/parley-test-config'
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true })
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true })
  try {
    const code = await main(argv)
    return { code, stdout, stderr }
  } finally {
    outSpy.mockRestore()
    errSpy.mockRestore()
    if (config === undefined) delete process.env.PARLEY_CONFIG
    else process.env.PARLEY_CONFIG = config
  }
}
