/**
 * A data dir's store for shells that do not run a node (doctor, restore): they never open LevelDB
 * themselves.
 */
import { parleyLogger } from '../log.js'
import { logDirOf } from '../paths.js'
import { restoreBackup } from './backup.js'
import { EntryLog } from './entry-log.js'

const log = parleyLogger('store')

/** Open the data dir's log and close it again: throws DataDirLockedError if another process holds it, or why it does not open. */
export async function checkStoreOpens (dataDir: string): Promise<void> {
  log('checking that the log of %s opens', dataDir)
  const entries = await EntryLog.open(logDirOf(dataDir))
  await entries.close()
}

/** Restore a backup file into a new, empty data dir; returns the peer id restored and the rows written. */
export async function restoreBackupInto (file: string, dataDir: string): Promise<{ peerId: string, rows: number }> {
  log('restoring %s into %s', file, dataDir)
  return restoreBackup(file, dataDir, async () => EntryLog.open(logDirOf(dataDir)))
}
