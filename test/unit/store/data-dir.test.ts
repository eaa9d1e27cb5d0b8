import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EntryLog } from '../../../src/store/entry-log.js'
import { checkStoreOpens, restoreBackupInto } from '../../../src/store/data-dir.js'
import { logDirOf } from '../../../src/paths.js'

describe('store/data-dir: the store for shells that run no node', () => {
  let root: string
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'parley-data-dir-')) })
  afterAll(async () => { await rm(root, { recursive: true, force: true }) })

  it('opens the log and lets go of it again', async () => {
    const dataDir = join(root, 'free')
    await checkStoreOpens(dataDir)
    // closed again: the next opener gets it
    const log = await EntryLog.open(logDirOf(dataDir))
    await log.close()
  })

  it('says DataDirLockedError while another opener holds the log', async () => {
    const dataDir = join(root, 'held')
    const log = await EntryLog.open(logDirOf(dataDir))
    try {
      await expect(checkStoreOpens(dataDir)).rejects.toMatchObject({ name: 'DataDirLockedError' })
    } finally {
      await log.close()
    }
  })

  it('restoring from a file that is missing, or no backup, is a clear error, not a crash', async () => {
    await expect(restoreBackupInto(join(root, 'no-such-file'), join(root, 'r1'))).rejects.toMatchObject({ code: 'ENOENT' })
    const plain = join(root, 'plain.txt')
    await writeFile(plain, 'just some text\n')
    await expect(restoreBackupInto(plain, join(root, 'r2'))).rejects.toMatchObject({ name: 'InvalidArgumentError', message: expect.stringMatching(/not a parley backup/) as unknown })
  })
})
