/**
 * Roster mending: what an admin rewrites after another admin's roster for the same epoch won over
 * one of its own (the two written apart, the other ordered first everywhere, this one refused).
 */
import { peerIdOfPublicKey } from '../ids.js'
import type { VerifiedRecord } from '../model/index.js'
import type { AdminContext } from './admin-actions.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/**
 * - `ownRefused`, this node's refused rosters: what each changed (members taken out, members put
 *   in) is applied again to the team's current roster, so an admin's decision is not lost;
 * - removed (or suspended) members still named by a team's current roster (the refused roster was the one that
 *   rotated them out) are rotated out, so they hold no current key.
 * Returns the records written.
 */
export async function mendRosters (target: AdminContext, ownRefused: VerifiedRecord[]): Promise<VerifiedRecord[]> {
  const usable = (m: string): boolean => target.state.members.has(m) && !target.state.removed.has(m) && !target.state.suspended.has(m)
  const written: VerifiedRecord[] = []
  for (const r of ownRefused) {
    const ro = r.record.roster
    const team = ro === undefined ? undefined : target.state.teams.get(ro.team)
    if (ro === undefined || team === undefined) continue
    const prev = target.record(hex(ro.prev))?.record.roster
    const before = new Set(prev?.sealed.map(x => peerIdOfPublicKey(x.member)) ?? [])
    const meant = new Set(ro.sealed.map(x => peerIdOfPublicKey(x.member)))
    const next = new Set([...team.current.members].filter(m => !before.has(m) || meant.has(m)))
    for (const m of meant) if (!before.has(m)) next.add(m)
    const members = [...next].filter(usable)
    const same = members.length === team.current.members.size && members.every(m => team.current.members.has(m))
    if (!same && members.length > 0) written.push(await target.writeRoster(ro.team, members))
  }
  for (const t of target.state.teams.values()) {
    const rest = [...t.current.members].filter(usable)
    if (rest.length === t.current.members.size || rest.length === 0) continue
    written.push(await target.writeRoster(t.name, rest))
  }
  return written
}
