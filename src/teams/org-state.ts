/**
 * The state of an organisation, folded from its signed records. Pure and deterministic: two nodes
 * holding the same records compute the same directory, admins, rosters and invites.
 *
 * Rules (the trust model):
 * - The org is pinned by its id, the hash of its genesis record; the genesis signer is the first admin.
 * - Every other record must be signed by an admin. Records are applied in (lamport, signer, seq)
 *   order, each signer's records forming a hash chain (seq, prev) with no gaps.
 * - Removing a member is final for that key and takes them out of every team. Removing an admin
 *   names a cutoff: their records up to it stay valid, every later one is refused, wherever it sorts.
 *   When two admins remove each other concurrently, the removal by the senior admin (made admin
 *   earlier) wins. The last admin cannot be removed.
 * - A roster must be for the next epoch of its team and name the current roster as prev; lower
 *   epochs (rollback), gaps, broken chains and unknown signers are refused.
 * - An invite admits one member, before it expires, unless an admin revoked it or its maker was
 *   removed as admin first; an invite that fixes a name admits only that name.
 * - A member (not only an admin) may sign exactly two kinds of record, for themselves only: a policy
 *   acceptance (policy.ts) and a rename request (names.ts). Renames are by an admin, and a name
 *   that passes for another member's (names.ts) is refused.
 * - Suspensions, resumes, revoked invites and announcement teams: see office-rules.ts.
 */
import { applyNameRecord, emptyNameState } from './names.js'
import { applyPolicyRecord, emptyPolicyState } from './policy.js'
import type { OrgOpName, VerifiedRecord } from '../model/index.js'
import type { NameState } from './names.js'
import type { PolicyState } from './policy.js'
import { contentId } from '../crypto/keys.js'
import { peerIdOfPublicKey } from '../ids.js'
import { applyOfficeRecord, revokeInvitesOf } from './office-rules.js'
import type { AdminWindow, Posting, Suspension } from './office-rules.js'

export type { AdminWindow, Posting, Suspension } from './office-rules.js'

export interface Member {
  peerId: string
  publicKey: Uint8Array<ArrayBuffer>
  name: string
  boxKey: Uint8Array<ArrayBuffer>
  admin: boolean
  /** fold position at which they became admin: lower is more senior */
  adminRank?: number
}

export interface RosterEpoch {
  team: string
  epoch: number
  recordId: string
  members: Set<string>
  keyCheck: Uint8Array
  record: VerifiedRecord
}

export interface TeamState {
  name: string
  current: RosterEpoch
  epochs: Map<number, RosterEpoch>
  /** an announcement team: only admins and `posters` post */
  announce: boolean
  posters: Set<string>
  /** per epoch, who could post at some point during it (what history sync checks) */
  posting: Map<number, Posting>
}

export interface InviteState {
  id: string
  expires: number
  teams: string[]
  issuer: string
  /** when the admin made it (their clock) */
  createdAt: number
  usedBy?: string
  /** the name the newcomer gets, when the admin fixed it */
  name?: string
  /** when it was used (the admitting admin's clock) */
  usedAt?: number
  /** withdrawn: by whom, when, and why ('revoked', or its maker was removed) */
  revoked?: { by: string, at: number, reason: string }
}

export interface Removal {
  peerId: string
  name: string
  by: string
  recordId: string
  /** the removing admin's wall clock when they removed them, ms */
  at: number
  /** for a removed admin: their records with seq above this are refused */
  cutoffSeq?: number
  /**
   * per team, the last entry of theirs the removing admin held (seq, id): entries up to it were
   * written before the removal and are taken in after it, as a run reaching that entry
   */
  ends: Map<string, { seq: number, idHex: string }>
}

export interface Refusal {
  record: VerifiedRecord
  reason: string
  /** refused only because an earlier record of its signer is missing here: it may apply once that arrives */
  gap?: true
}

/** A team's retention: the last Retention record applied for it. */
export interface RetentionState {
  team: string
  /** keep messages this many days; 0 keeps them for ever */
  days: number
  hold: boolean
  reason: string
  by: string
  /** when the admin set it (their clock) */
  at: number
}

export interface OrgState {
  orgId: string
  name: string
  members: Map<string, Member>
  removed: Map<string, Removal>
  teams: Map<string, TeamState>
  invites: Map<string, InviteState>
  retention: Map<string, RetentionState>
  /** the usage policy's versions and who accepted them (policy.ts) */
  policy: PolicyState
  /** pending rename requests and the renames applied (names.ts) */
  names: NameState
  /** members suspended now (still in `members`): they hold no current team key and may not post or connect */
  suspended: Set<string>
  /** the suspension of each member in `suspended` */
  suspensions: Map<string, Suspension>
  /** per admin ever suspended, the stretches of their chain that are refused */
  adminWindows: Map<string, AdminWindow[]>
  /** records applied, in fold order */
  applied: VerifiedRecord[]
  refused: Refusal[]
  /** per signer, the last record of its unbroken chain: what sync offers peers */
  heads: Map<string, { seq: number, idHex: string }>
}

/** The org id of a genesis record. */
export function orgIdOf (genesis: VerifiedRecord): string {
  return Buffer.from(contentId(genesis.bytes)).toString('hex')
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Per signer, keep the records that form an unbroken chain from seq 1; report the rest. */
function chains (records: VerifiedRecord[], refused: Refusal[]): { valid: VerifiedRecord[], heads: OrgState['heads'] } {
  const bySigner = new Map<string, Map<number, VerifiedRecord[]>>()
  for (const r of records) {
    const seqs = bySigner.get(r.signer) ?? new Map<number, VerifiedRecord[]>()
    const list = seqs.get(r.record.seq) ?? []
    if (!list.some(o => o.idHex === r.idHex)) list.push(r)
    seqs.set(r.record.seq, list)
    bySigner.set(r.signer, seqs)
  }
  const valid: VerifiedRecord[] = []
  const heads: OrgState['heads'] = new Map()
  for (const [signer, seqs] of bySigner) {
    let prevId: string | undefined
    for (let seq = 1; ; seq++) {
      const candidates = (seqs.get(seq) ?? []).filter(r => seq === 1 || hex(r.record.prev) === prevId)
      if (candidates.length === 0) break
      if (candidates.length > 1) {
        // equivocation: the signer made two records at one position; neither can be trusted
        for (const c of candidates) refused.push({ record: c, reason: `fork: ${signer} signed two records at seq ${seq}` })
        break
      }
      const r = candidates[0]!
      valid.push(r)
      heads.set(signer, { seq, idHex: r.idHex })
      prevId = r.idHex
      seqs.delete(seq)
    }
    for (const rest of seqs.values()) {
      for (const r of rest) {
        if (!refused.some(f => f.record.idHex === r.idHex)) refused.push({ record: r, reason: `gap: ${signer}'s chain breaks before seq ${r.record.seq}`, gap: true })
      }
    }
  }
  return { valid, heads }
}

/** Fold all known records of an org (any order, duplicates allowed) into its state. */
export function foldOrg (orgId: string, records: Iterable<VerifiedRecord>): OrgState {
  const all = [...records]
  const genesis = all.find(r => r.op === 'genesis' && orgIdOf(r) === orgId)
  if (genesis === undefined) throw new Error(`no genesis record for org ${orgId}`)
  const refused: Refusal[] = []
  const ours = all.filter(r => {
    if (r === genesis || r.idHex === genesis.idHex) return r === genesis
    if (r.op === 'genesis' || hex(r.record.org) !== orgId) {
      refused.push({ record: r, reason: 'belongs to another org' })
      return false
    }
    return true
  })
  const { valid, heads } = chains(ours, refused)
  valid.sort((a, b) => a.record.lamport - b.record.lamport || (a.signer < b.signer ? -1 : a.signer > b.signer ? 1 : a.record.seq - b.record.seq))

  // Removing an admin can invalidate records of theirs that sorted earlier; fold again without them.
  const ignored = new Map<string, string>()
  for (let pass = 0; pass <= valid.length; pass++) {
    const result = foldOnce(orgId, genesis, valid, ignored)
    if (result.restart === undefined) {
      result.state.refused.unshift(...refused)
      result.state.heads = heads
      return result.state
    }
    for (const [id, reason] of result.restart) ignored.set(id, reason)
  }
  throw new Error('org fold did not settle') // unreachable: each pass ignores at least one more record
}

function foldOnce (orgId: string, genesis: VerifiedRecord, ordered: VerifiedRecord[], ignored: Map<string, string>): { state: OrgState, restart?: Map<string, string> } {
  const g = genesis.record.genesis!
  const state: OrgState = {
    orgId,
    name: g.name,
    members: new Map([[genesis.signer, { peerId: genesis.signer, publicKey: genesis.record.signer, name: g.adminName, boxKey: g.adminBoxKey, admin: true, adminRank: 0 }]]),
    removed: new Map(),
    teams: new Map(),
    invites: new Map(),
    retention: new Map(),
    policy: emptyPolicyState(),
    names: emptyNameState(),
    suspended: new Set(),
    suspensions: new Map(),
    adminWindows: new Map(),
    applied: [],
    refused: [],
    heads: new Map()
  }
  const formerAdmins = new Map<string, number>() // peer id -> cutoff seq
  for (const [index, r] of ordered.entries()) {
    const skip = ignored.get(r.idHex)
    if (skip !== undefined) {
      state.refused.push({ record: r, reason: skip })
      continue
    }
    if (r === genesis || r.op === 'genesis') {
      if (r.idHex === genesis.idHex) state.applied.push(r)
      continue
    }
    const signer = state.members.get(r.signer)
    const cutoff = formerAdmins.get(r.signer)
    if (MEMBER_OPS.has(r.op)) {
      // signed by the member for themselves: the record names nobody else
      if (signer === undefined) {
        state.refused.push({ record: r, reason: `signer ${r.signer} is not a member of the org` })
        continue
      }
    } else {
      const mayWrite = signer?.admin === true || (cutoff !== undefined && r.record.seq <= cutoff)
      if (!mayWrite) {
        state.refused.push({ record: r, reason: cutoff !== undefined ? `signer ${r.signer} was removed as admin` : `unknown signer ${r.signer}: not an admin` })
        continue
      }
    }
    if (state.adminWindows.get(r.signer)?.some(w => r.record.seq > w.cutoff && (w.from === undefined || r.record.seq <= w.from)) === true) {
      state.refused.push({ record: r, reason: `signer ${r.signer} was suspended as admin when they made it` })
      continue
    }
    const base = apply(state, r, index, ordered, formerAdmins)
    const outcome = base === null ? applyOfficeRecord(state, r) : base
    if (typeof outcome === 'string') {
      state.refused.push({ record: r, reason: outcome })
      continue
    }
    state.applied.push(r)
    if (outcome !== undefined) {
      // a removed admin's later records that were already applied must be undone
      const undo = state.applied.filter(a => a.signer === outcome.peerId && a.record.seq > outcome.cutoff)
      if (undo.length > 0) {
        const why = r.op === 'suspend' ? 'suspended' : 'removed'
        return { state, restart: new Map(undo.map(a => [a.idHex, `signer ${a.signer} was ${why} as admin`])) }
      }
    }
  }
  return { state }
}

/** The records a member who is not an admin may sign (each about the signer only). */
const MEMBER_OPS: ReadonlySet<OrgOpName> = new Set(['policyAcceptance', 'renameRequest'])

/** Apply one record; a string is the reason it is refused, null that it is none of these ops. */
function apply (state: OrgState, r: VerifiedRecord, index: number, ordered: VerifiedRecord[], formerAdmins: Map<string, number>): string | undefined | null | { peerId: string, cutoff: number } {
  const rec = r.record
  if (rec.addMember !== undefined) {
    const a = rec.addMember
    const peerId = peerIdOfPublicKey(a.member)
    if (state.removed.has(peerId)) return `member ${peerId} was removed; removal is final for that key`
    if (a.boxKey.length !== 32) return 'member box key must be 32 bytes'
    const existing = state.members.get(peerId)
    if (existing !== undefined && hex(existing.boxKey) !== hex(a.boxKey)) return `member ${peerId} already has another box key`
    if (existing?.admin === true && !a.admin) return 'use a removal to take away an admin'
    if (a.invite.length > 0) {
      const invite = state.invites.get(hex(a.invite))
      if (invite === undefined) return 'unknown invite'
      if (invite.usedBy !== undefined) return `invite already used by ${invite.usedBy}`
      if (invite.revoked !== undefined) return invite.revoked.reason === 'revoked' ? 'invite revoked' : `invite withdrawn: ${invite.revoked.reason}`
      if (rec.wallTime > invite.expires) return 'invite expired'
      if (invite.name !== undefined && a.name !== invite.name) return `the invite fixes the name ${JSON.stringify(invite.name)}`
      invite.usedBy = peerId
      invite.usedAt = rec.wallTime
    }
    state.members.set(peerId, {
      peerId,
      publicKey: a.member,
      name: a.name,
      boxKey: a.boxKey,
      admin: a.admin,
      ...(a.admin ? { adminRank: existing?.adminRank ?? index + 1 } : {})
    })
    return undefined
  }
  if (rec.removeMember !== undefined) {
    const peerId = peerIdOfPublicKey(rec.removeMember.member)
    const target = state.members.get(peerId)
    if (target === undefined) return `member ${peerId} is not in the directory`
    if (target.admin) {
      const admins = [...state.members.values()].filter(m => m.admin)
      if (admins.length === 1) return 'the last admin cannot be removed'
      const signer = state.members.get(r.signer)
      const cutoff = rec.removeMember.cutoffSeq
      // concurrent mutual removal: the senior admin's removal wins
      const counter = ordered.find(o => o.signer === peerId && o.record.seq > cutoff && o.record.removeMember !== undefined &&
        peerIdOfPublicKey(o.record.removeMember.member) === r.signer)
      if (counter !== undefined && signer?.adminRank !== undefined && (target.adminRank ?? 0) < signer.adminRank) {
        return `conflicting removal: ${peerId} is the senior admin and removed ${r.signer}`
      }
    }
    state.members.delete(peerId)
    state.suspended.delete(peerId)
    state.suspensions.delete(peerId)
    if (target.admin) revokeInvitesOf(state, peerId, r)
    const ends = new Map(rec.removeMember.ends.filter(e => e.seq > 0 && e.id.byteLength === 32).map(e => [e.team, { seq: e.seq, idHex: Buffer.from(e.id).toString('hex') }]))
    state.removed.set(peerId, { peerId, name: target.name, by: r.signer, recordId: r.idHex, at: r.record.wallTime, ends, ...(target.admin ? { cutoffSeq: rec.removeMember.cutoffSeq } : {}) })
    if (target.admin) {
      formerAdmins.set(peerId, rec.removeMember.cutoffSeq)
      return { peerId, cutoff: rec.removeMember.cutoffSeq }
    }
    return undefined
  }
  if (rec.roster !== undefined) {
    const ro = rec.roster
    if (ro.team.startsWith('dm-')) return 'team names starting with dm- are kept for direct messages'
    const team = state.teams.get(ro.team)
    if (team === undefined) {
      if (ro.epoch !== 1 || ro.prev.length !== 0) return `roster for unknown team ${ro.team} must start at epoch 1`
    } else {
      if (ro.epoch <= team.current.epoch) return `rolled-back roster: epoch ${ro.epoch} of ${ro.team} is not after the current ${team.current.epoch}`
      if (ro.epoch !== team.current.epoch + 1) return `roster epoch gap in ${ro.team}: ${team.current.epoch} to ${ro.epoch}`
      if (hex(ro.prev) !== team.current.recordId) return `broken roster chain in ${ro.team}: prev is not the current roster`
    }
    if (ro.keyCheck.length !== 32) return 'roster key check must be 32 bytes'
    const members = new Set<string>()
    for (const s of ro.sealed) {
      const peerId = peerIdOfPublicKey(s.member)
      if (!state.members.has(peerId)) return `roster names ${peerId}, who is not in the directory`
      if (state.suspended.has(peerId)) return `roster names ${peerId}, who is suspended`
      if (members.has(peerId)) return `roster names ${peerId} twice`
      members.add(peerId)
    }
    if (members.size === 0) return 'a roster needs at least one member'
    const epoch: RosterEpoch = { team: ro.team, epoch: ro.epoch, recordId: r.idHex, members, keyCheck: ro.keyCheck, record: r }
    if (team === undefined) state.teams.set(ro.team, { name: ro.team, current: epoch, epochs: new Map([[1, epoch]]), announce: false, posters: new Set(), posting: new Map([[1, { announce: false, posters: new Set() }]]) })
    else {
      team.current = epoch
      team.epochs.set(ro.epoch, epoch)
      team.posting.set(ro.epoch, { announce: team.announce, posters: new Set(team.posters) })
    }
    return undefined
  }
  if (rec.invite !== undefined) {
    const inv = rec.invite
    if (inv.id.length !== 32) return 'invite id must be 32 bytes'
    if (state.invites.has(hex(inv.id))) return 'invite id already exists'
    for (const t of inv.teams) if (!state.teams.has(t)) return `invite names unknown team ${t}`
    state.invites.set(hex(inv.id), { id: hex(inv.id), expires: inv.expires, teams: inv.teams, issuer: r.signer, createdAt: rec.wallTime, ...(inv.name !== '' ? { name: inv.name } : {}) })
    return undefined
  }
  if (rec.retention !== undefined) {
    const re = rec.retention
    if (!state.teams.has(re.team)) return `retention for unknown team ${re.team}`
    state.retention.set(re.team, { team: re.team, days: re.days, hold: re.hold, reason: re.reason, by: r.signer, at: rec.wallTime })
    return undefined
  }
  if (rec.policy !== undefined || rec.policyAcceptance !== undefined) return applyPolicyRecord(state, r)
  if (rec.rename !== undefined || rec.renameRequest !== undefined) return applyNameRecord(state, r)
  return null
}

/** Everyone in the directory now or before, or added by one of `records`: the only signers whose records can matter. */
export function knownSigners (state: OrgState, records: Iterable<VerifiedRecord>): Set<string> {
  const known = new Set([...state.members.keys(), ...state.removed.keys()])
  for (const r of records) if (r.record.addMember !== undefined) known.add(peerIdOfPublicKey(r.record.addMember.member))
  return known
}

/** Whether `peerId` may read and write `team` now. */
export function isTeamMember (state: OrgState, team: string, peerId: string): boolean {
  return state.members.has(peerId) && !state.suspended.has(peerId) && state.teams.get(team)?.current.members.has(peerId) === true
}

/** The teams `peerId` is in now. */
export function teamsOf (state: OrgState, peerId: string): string[] {
  return [...state.teams.values()].filter(t => t.current.members.has(peerId)).map(t => t.name).sort()
}

/**
 * Whether `peerId` is a colleague of `selfId` (a member this node keeps connections to): a current
 * member, unless this node was removed: then it has no colleagues, and stops dialing its former ones.
 */
export function isColleague (state: OrgState | undefined, selfId: string, peerId: string): boolean {
  if (state === undefined || state.removed.has(selfId)) return false
  return state.members.has(peerId) && !state.removed.has(peerId)
}
