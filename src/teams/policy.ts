/**
 * The org's usage policy: admins publish versions (Policy records), each member accepts the one in
 * force with a record signed by their own key (PolicyAcceptance). Folded like every org record, so
 * every node holding the same records gives the same answers.
 *
 * The rule for entries (policyVerdict), the same on every node because it reads only signed records
 * and the entry's own signed wall time:
 * - A policy version is in force from its record's wall time (the publishing admin's clock) until
 *   the next version's wall time.
 * - An entry whose wall time falls before the first policy needs no acceptance.
 * - Otherwise its author must have accepted the version in force at the entry's wall time, by an
 *   acceptance record whose wall time is at or before the entry's. The publishing admin's Policy
 *   record counts as their acceptance.
 * So acceptance precedes the entry by the member's own clock, and an entry written after a new
 * version took effect is refused until (and unless) it was written after accepting that version;
 * accepting later does not make earlier entries acceptable. Entries the author dates before the
 * policy (their clock is theirs) are not caught: see README "Usage policy".
 */
import type { VerifiedRecord } from '../model/index.js'
import type { OrgState } from './org-state.js'

/** One policy version, as applied. */
export interface PolicyVersion {
  version: number
  text: string
  everySession: boolean
  by: string
  /** the publishing admin's wall clock: the version is in force from here */
  at: number
  recordId: string
}

/** One member's acceptance of a version. */
export interface PolicyAccepted {
  version: number
  /** hex; empty unless the version asks at every session */
  session: string
  /** the member's wall clock when they accepted */
  at: number
  recordId: string
}

/** The policy part of an org's state. */
export interface PolicyState {
  /** applied versions, oldest first (version 1, 2, …) */
  versions: PolicyVersion[]
  /** per member, their acceptances in fold order */
  accepted: Map<string, PolicyAccepted[]>
}

/** An empty policy state, for the start of a fold. */
export function emptyPolicyState (): PolicyState {
  return { versions: [], accepted: new Map() }
}

/** The version in force now (the latest applied), if any. */
export function currentPolicy (state: OrgState): PolicyVersion | undefined {
  return state.policy.versions.at(-1)
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Apply a Policy or PolicyAcceptance record (the signer's right to sign it was checked); a string is the reason it is refused. */
export function applyPolicyRecord (state: OrgState, r: VerifiedRecord): string | undefined {
  const rec = r.record
  if (rec.policy !== undefined) {
    const expected = (currentPolicy(state)?.version ?? 0) + 1
    if (rec.policy.version !== expected) return `policy version ${rec.policy.version} out of order: the next is ${expected}`
    state.policy.versions.push({ version: rec.policy.version, text: rec.policy.text, everySession: rec.policy.everySession, by: r.signer, at: rec.wallTime, recordId: r.idHex })
    // publishing a version is its publisher's acceptance of it
    addAcceptance(state, r.signer, { version: rec.policy.version, session: '', at: rec.wallTime, recordId: r.idHex })
    return undefined
  }
  if (rec.policyAcceptance !== undefined) {
    const a = rec.policyAcceptance
    const current = currentPolicy(state)
    if (current === undefined) return 'there is no policy to accept'
    // a version not applied at this point of the fold: unknown, or a forgery of the order (an
    // honest node accepts only what it holds, so its acceptance sorts after the policy). An older
    // version is fine: a member's acceptance may cross the next version on the network, and it
    // covers only entries written while that older version was in force (policyVerdict).
    const version = state.policy.versions.find(v => v.version === a.version)
    if (version === undefined) return `acceptance of policy version ${a.version}, which is not published (version ${current.version} is in force)`
    const session = hex(a.session)
    if (version.everySession && session.length === 0) return `policy version ${version.version} asks for an acceptance per session`
    const mine = state.policy.accepted.get(r.signer) ?? []
    if (session.length > 0 && mine.some(m => m.version === a.version && m.session === session)) return `session ${session} already accepted: a replay`
    addAcceptance(state, r.signer, { version: a.version, session, at: rec.wallTime, recordId: r.idHex })
    return undefined
  }
  return 'not a policy record'
}

function addAcceptance (state: OrgState, member: string, accepted: PolicyAccepted): void {
  const list = state.policy.accepted.get(member) ?? []
  list.push(accepted)
  state.policy.accepted.set(member, list)
}

/** The version in force at `wallTime`: the latest published at or before it. */
export function policyAt (state: OrgState, wallTime: number): PolicyVersion | undefined {
  let inForce: PolicyVersion | undefined
  for (const v of state.policy.versions) if (v.at <= wallTime) inForce = v
  return inForce
}

/**
 * Whether `author`'s entry dated `wallTime` is covered by the policy rule (see the top of this file):
 * 'ok', or the reason it is refused.
 */
export function policyVerdict (state: OrgState, author: string, wallTime: number): string {
  const inForce = policyAt(state, wallTime)
  if (inForce === undefined) return 'ok'
  const accepted = state.policy.accepted.get(author)?.some(a => a.version === inForce.version && a.at <= wallTime) === true
  return accepted ? 'ok' : `author ${author} had not accepted policy version ${inForce.version} when writing this entry`
}

/** Whether `member` has accepted the version in force now (any session), and when they last did. */
export function acceptanceOf (state: OrgState, member: string): PolicyAccepted | undefined {
  const current = currentPolicy(state)
  if (current === undefined) return undefined
  return state.policy.accepted.get(member)?.filter(a => a.version === current.version).at(-1)
}

/** Per member of the directory: the last version they accepted and when; the current version. */
export interface PolicyStatus {
  version: number
  everySession: boolean
  text: string
  by: string
  at: number
  members: Array<{ peerId: string, name: string, accepted?: { version: number, at: number }, current: boolean }>
}

/** The policy status of the org, or undefined if no policy was ever set. */
export function policyStatus (state: OrgState): PolicyStatus | undefined {
  const current = currentPolicy(state)
  if (current === undefined) return undefined
  const members = [...state.members.values()].map(m => {
    const last = state.policy.accepted.get(m.peerId)?.at(-1)
    return { peerId: m.peerId, name: m.name, ...(last !== undefined ? { accepted: { version: last.version, at: last.at } } : {}), current: last?.version === current.version }
  }).sort((a, b) => a.name.localeCompare(b.name))
  return { version: current.version, everySession: current.everySession, text: current.text, by: current.by, at: current.at, members }
}

/** The policy status as the control API and the shells see it: the org's, and this node's own standing. */
export interface PolicyView extends PolicyStatus {
  /** whether this node may post now: accepted the version in force (and in this session, when it asks at every session) */
  mayPost: boolean
}
