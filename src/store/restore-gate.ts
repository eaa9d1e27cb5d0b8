/**
 * The restore gate: a node restored from a backup may have written more after the backup was made,
 * so it posts in a team only once a peer has sent it that team, and acts as an admin only once a
 * peer has sent it the org's latest records. What it has confirmed is kept across restarts.
 */
import { NotSyncedError } from '../errors.js'
import type { EntryLog } from './entry-log.js'
import type { RestoredState } from './meta-store.js'

/** When the backup was restored, and the teams whose feeds peers have confirmed since (meta 'restored'). */
export type Restored = RestoredState

export class RestoreGate {
  private readonly log: Pick<EntryLog, 'meta'>
  private restored?: Restored

  constructor (log: Pick<EntryLog, 'meta'>) {
    this.log = log
  }

  async load (): Promise<void> {
    this.restored = await this.log.meta('restored').get()
  }

  /** Whether a post in `team` must wait for a peer to confirm this node's feed. */
  mustConfirm (team: string): boolean {
    return this.restored !== undefined && !this.restored.confirmed.includes(team)
  }

  /** A peer sent `team`: posting in it is safe from now on. */
  async confirmed (team: string): Promise<void> {
    if (this.restored === undefined || this.restored.confirmed.includes(team)) return
    this.restored.confirmed.push(team)
    await this.log.meta('restored').put(this.restored)
  }

  /** Throws NotSyncedError while a restored node has not heard the org's latest records from a peer. */
  checkAdmin (orgSyncedOnce: boolean): void {
    if (this.restored !== undefined && !orgSyncedOnce) {
      throw new NotSyncedError('this node was restored from a backup: admin actions wait until a colleague\'s node has sent it the organisation\'s latest records')
    }
  }
}
