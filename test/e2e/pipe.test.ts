/**
 * The CLI in a pipeline: a reader that stops early (`parley history | head`) must not make parley die
 * with an EPIPE stack trace. Runs bin/parley (the build) with no network at all.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { PARLEY_BIN } from '../helpers/netns.js'

const exec = promisify(execFile)

describe('parley in a pipeline', () => {
  let dir = ''
  afterEach(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }) })

  it('ends quietly when the reader has gone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-pipe-'))
    const errors = join(dir, 'stderr')
    // the reader (`exit 0`) is gone before parley, slower to start, writes its usage text
    const { stdout } = await exec('bash', ['-c', `"$1" "$2" help 2>"$3" | exit 0; echo "\${PIPESTATUS[0]}"`, '_', process.execPath, PARLEY_BIN, errors], { timeout: 30_000 })
    expect(await readFile(errors, 'utf8')).toBe('')
    expect(stdout.trim()).toBe('0')
  })
})
