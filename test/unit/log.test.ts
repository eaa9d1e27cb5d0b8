import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { disable, enable } from '@libp2p/logger'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parleyLogger } from '../../src/log.js'
import { runMain } from './cli/capture.js'

describe('log: parley tracing through libp2p\'s logger', () => {
  afterEach(() => {
    disable()
    if (process.env.DEBUG !== undefined) enable(process.env.DEBUG)
  })

  it('is silent unless DEBUG names it', () => {
    disable()
    expect(parleyLogger('daemon').enabled).toBe(false)
    enable('parley:*')
    expect(parleyLogger('daemon').enabled).toBe(true)
    enable('libp2p:*')
    expect(parleyLogger('daemon').enabled).toBe(false)
  })

  it('writes parley:<name> lines on stderr, beside libp2p\'s own', () => {
    enable('parley:*,libp2p:*')
    let stderr = ''
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true })
    try {
      parleyLogger('store')('opened %s', '/tmp/x')
    } finally {
      spy.mockRestore()
    }
    expect(stderr).toMatch(/parley:store opened \/tmp\/x/)
  })

  it('traces what the CLI runs and why it failed, without changing what it prints', async () => {
    const root = await mkdtemp(join(tmpdir(), 'parley-log-'))
    try {
      const data = join(root, 'data')
      disable()
      const quiet = await runMain(['info', '--data', data])
      enable('parley:*')
      const traced = await runMain(['info', '--data', data])
      expect(traced.code).toBe(quiet.code)
      expect(traced.stdout).toBe(quiet.stdout)
      expect(traced.stderr).toContain(quiet.stderr)
      expect(traced.stderr).toMatch(/parley:cli running info in /)
      expect(traced.stderr).toMatch(/parley:cli info failed with exit code 1/)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
