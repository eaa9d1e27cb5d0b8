/**
 * What the CLI loads: a command that only talks to a running node (send, history, ...) loads the
 * light part of the public API (src/shell.ts) and the control client, never libp2p or the store, so
 * that scripts and bots calling it in a loop do not pay for the node at every call.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PARLEY_BIN, REPO_ROOT } from '../helpers/netns.js'

const execFileP = promisify(execFile)
const TRACER = join(REPO_ROOT, 'test/e2e/fixtures/trace-modules.mjs')
/** what only a node needs: libp2p and its transports and crypto, the LevelDB store, the chat's terminal library */
const HEAVY = /node_modules\/(@libp2p\/(?!logger\/)|libp2p\/|@chainsafe\/|classic-level\/|level\/|abstract-level\/|blessed\/|protons-runtime\/)/

describe('parley CLI start-up', () => {
  let root: string
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'parley-startup-')) })
  afterAll(async () => { await rm(root, { recursive: true, force: true }) })

  async function modulesOf (args: string[]): Promise<{ code: number, stderr: string, modules: string[] }> {
    const out = join(root, `modules-${args.join('-').replace(/\W/g, '_')}.txt`)
    const result = await execFileP(process.execPath, ['--import', TRACER, PARLEY_BIN, ...args], { env: { ...process.env, PARLEY_TRACE_MODULES: out }, timeout: 20_000 })
      .then(r => ({ code: 0, stderr: r.stderr }), (e: { code: number, stderr: string }) => ({ code: e.code, stderr: e.stderr }))
    return { ...result, modules: (await readFile(out, 'utf8')).split('\n').filter(l => l !== '') }
  }

  it('a command for a running node loads neither libp2p nor the store, and still says plainly when no node runs', async () => {
    const data = join(root, 'none')
    for (const args of [['--version'], ['history', '--team', 'general', '--data', data], ['send', '--team', 'general', '--data', data, 'hi'], ['react', 'abcd1234', '👍', '--data', data]]) {
      const run = await modulesOf(args)
      // the trace saw the CLI itself: it is not empty by mistake
      expect(run.modules.some(m => m.endsWith('/dist/cli/main.js')), args.join(' ')).toBe(true)
      expect(run.modules.filter(m => HEAVY.test(m)), args.join(' ')).toEqual([])
      if (args[0] !== '--version') {
        expect(run.code).toBe(1)
        expect(run.stderr).toMatch(/no parley node is running|not running/i)
      }
    }
  })

  it('a command that checks a peer id or runs a node loads them when it needs them', async () => {
    const run = await modulesOf(['send', '--to', 'not-a-peer-id', '--data', join(root, 'none'), 'hi'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/invalid peer id "not-a-peer-id"/)
    expect(run.modules.some(m => /node_modules\/@libp2p\/peer-id\//.test(m))).toBe(true)
  })
})
