/**
 * Real `bin/parley` processes for end-to-end tests, in the root namespace or a lab host.
 */
import { execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { ControlClient } from '../../src/control/client.js'
import { killAndWait, PARLEY_BIN } from './netns.js'
import type { NetnsLab } from './netns.js'
import type { ControlMethod, ControlResult, ParamsArgs } from '../../src/control/api.js'
import type { ChildProcess } from 'node:child_process'

const execFileP = promisify(execFile)

export interface Ready {
  event: 'ready'
  peerId: string
  name: string
  addresses: string[]
}

/** A running `parley daemon`. */
export class Daemon {
  readonly child: ChildProcess
  readonly dataDir: string
  readonly stderrLines: string[] = []
  ready!: Ready

  private constructor (child: ChildProcess, dataDir: string) {
    this.child = child
    this.dataDir = dataDir
    if (child.stderr !== null) createInterface({ input: child.stderr }).on('line', (l) => { this.stderrLines.push(l) })
  }

  /** Start `parley daemon --data DIR ...args`, in lab host `host` if given, and wait for its ready line. */
  static async start (dataDir: string, args: string[], lab?: { lab: NetnsLab, host: number }, timeoutMs = 20_000): Promise<Daemon> {
    // PARLEY_DAEMON_NODE_ARGS: node flags for the daemons (profiling a benchmark: --cpu-prof --cpu-prof-dir=DIR)
    const nodeArgs = (process.env.PARLEY_DAEMON_NODE_ARGS ?? '').split(' ').filter(a => a !== '')
    const argv = [...nodeArgs, PARLEY_BIN, 'daemon', '--data', dataDir, ...args]
    const child = lab !== undefined
      ? lab.lab.spawn(lab.host, process.execPath, argv)
      : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    const daemon = new Daemon(child, dataDir)
    try {
      daemon.ready = await new Promise<Ready>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`daemon not ready in ${timeoutMs} ms: ${daemon.stderrLines.join('\n')}`)) }, timeoutMs)
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`daemon exited with ${code}: ${daemon.stderrLines.join('\n')}`)) })
        if (child.stdout === null) throw new Error('no stdout')
        createInterface({ input: child.stdout }).once('line', (line) => {
          clearTimeout(timer)
          try {
            resolve(JSON.parse(line) as Ready)
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)))
          }
        })
      })
    } catch (err) {
      await killAndWait(child)
      throw err
    }
    return daemon
  }

  /** Stop with a signal and wait for the exit code. */
  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    // already gone (by an exit code, or by a signal): its 'exit' event will not fire again
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode
    const exited = new Promise<number | null>(resolve => { this.child.once('exit', (code) => { resolve(code) }) })
    await killAndWait(this.child, signal)
    return exited
  }

  /** Run a CLI subcommand against this daemon (over its control socket, so from any namespace). */
  async cli (...args: string[]): Promise<CliResult> {
    return runCli([...args, '--data', this.dataDir])
  }
}

/** One request over a fresh control connection (daemons restart during tests). */
export async function call<M extends ControlMethod> (d: Daemon, method: M, ...params: ParamsArgs<M>): Promise<ControlResult<M>> {
  const c = await ControlClient.connect(d.dataDir)
  try {
    return await c.request(method, ...params)
  } finally {
    c.close()
  }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Run `bin/parley ARGS` to completion. */
export async function runCli (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [PARLEY_BIN, ...args], { env: { ...process.env, ...env }, timeout: 30_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number, stdout?: string, stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}
