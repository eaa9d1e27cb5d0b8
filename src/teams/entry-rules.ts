/**
 * Who may write and read a team's log, by the org's state: the checks an entry from the network, an
 * entry from history sync and a peer asking for history must pass.
 */
import { DM_PREFIX, directPeerOf } from './direct.js'
import { mayHavePosted, mayPostNow } from './office-rules.js'
import type { OrgState } from './org-state.js'

/**
 * Whether an entry by `author` at `epoch` is acceptable from the network now: the author must be in
 * the directory, in the roster of that epoch, and still in the team. Returns 'ok', 'unknown-epoch'
 * (this node is behind on rosters) or the reason for refusing.
 */
export function entryVerdict (state: OrgState, me: string, team: string, epoch: number, author: string): string {
  if (state.suspended.has(author)) return `author ${author} is suspended`
  if (team.startsWith(DM_PREFIX)) return directVerdict(state, me, team, author)
  const t = state.teams.get(team)
  if (t === undefined) return 'unknown-epoch'
  if (state.removed.has(author)) return `author ${author} was removed from the org`
  if (!state.members.has(author)) return `author ${author} is not a member of the org`
  const roster = t.epochs.get(epoch)
  if (roster === undefined) return epoch > t.current.epoch ? 'unknown-epoch' : `no roster for epoch ${epoch}`
  if (!roster.members.has(author)) return `author ${author} was not in ${team} at epoch ${epoch}`
  if (!t.current.members.has(author)) return `author ${author} is no longer in ${team}`
  if (!mayPostNow(state, team, author)) return `author ${author} may not post in the announcement team ${team}: only admins and its posters do`
  return 'ok'
}

/**
 * Whether a past entry (from history sync) is acceptable: its author was in the team's roster at
 * the entry's epoch. Authors removed since then keep their history. Returns 'ok', 'unknown-epoch'
 * or the reason for refusing. `beforeRemoval`: the caller has shown the entry was written before
 * its author's removal (it leads up to the last entry the removal names: see check-batch.ts).
 */
export function historyVerdict (state: OrgState, me: string, team: string, epoch: number, author: string, beforeRemoval = false): string {
  // an author removed from the org still holds their key and can sign entries under an epoch they
  // were in, backdated at will: nothing in an entry proves it was written before the removal. So
  // once this node knows of a removal it takes in no entry of that author from anywhere, but those
  // that lead up to the last entry of theirs the removing admin held; what it held before stays (the
  // history sync check skips entries at or below the held head).
  if (state.removed.has(author) && !beforeRemoval) return `author ${author} was removed from the org: entries by them that this node did not hold before are refused`
  // the same for a suspension, while it lasts: what they sign meanwhile could be backdated at will
  if (state.suspended.has(author)) return `author ${author} is suspended: entries by them that this node did not hold before are refused`
  if (team.startsWith(DM_PREFIX)) return directVerdict(state, me, team, author, true)
  const t = state.teams.get(team)
  if (t === undefined) return 'unknown-epoch'
  const roster = t.epochs.get(epoch)
  if (roster === undefined) return epoch > t.current.epoch ? 'unknown-epoch' : `no roster for epoch ${epoch}`
  if (!roster.members.has(author)) return `author ${author} was not in ${team} at epoch ${epoch}`
  if (!mayHavePosted(state, team, epoch, author)) return `author ${author} could not post in the announcement team ${team} at epoch ${epoch}`
  return 'ok'
}

/** A direct conversation's entry is fine if its author is one of the two, both still members (for new entries). */
function directVerdict (state: OrgState, me: string, team: string, author: string, history = false): string {
  const peer = directPeerOf(state, me, team)
  if (peer === undefined) return `${team} is not a direct conversation of this node`
  if (author !== peer && author !== me) return `author ${author} is not in this direct conversation`
  if (!history && (!state.members.has(peer) || !state.members.has(me))) return `${peer} is no longer a member`
  if (!history && (state.suspended.has(peer) || state.suspended.has(me))) return `${state.suspended.has(peer) ? peer : me} is suspended`
  return 'ok'
}

/** Whether `peerId` may be served `team`: a member of the team now, or the other person of a direct conversation. */
export function mayRead (state: OrgState, me: string, team: string, peerId: string): boolean {
  if (state.suspended.has(peerId)) return false
  if (team.startsWith(DM_PREFIX)) return directPeerOf(state, me, team) === peerId && state.members.has(peerId)
  return state.teams.get(team)?.current.members.has(peerId) === true && !state.removed.has(peerId)
}
