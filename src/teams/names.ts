/**
 * Display names the admin vouches for: unique in the org ignoring case, accents and look-alike
 * letters, so nobody joins as "Ann Lee" (Cyrillic А) beside Ann Lee. Pure functions, no I/O.
 *
 * Two names clash when their keys (nameKey) are equal. The key is: NFKD (compatibility forms such
 * as full-width letters fold to ASCII), combining marks stripped (é -> e), lower case, each
 * look-alike folded to one Latin skeleton letter (Cyrillic а, Greek α -> a; 0 -> o; 1, I, | -> l),
 * and runs of white space, dots, dashes and underscores, and invisible characters, removed.
 */
import { MAX_DISPLAY_NAME_LENGTH, peerIdOfPublicKey } from '../ids.js'
import type { VerifiedRecord } from '../model/index.js'
import type { OrgState } from './org-state.js'

/**
 * Look-alikes, after NFKD and lower-casing, mapped to the Latin letter they pass for. Latin letters
 * that pass for others (l/i, rn/m) fold too. Not every confusable of Unicode: the scripts an office
 * in Europe meets (Latin, Cyrillic, Greek) and the digits.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', б: '6', в: 'b', г: 'r', е: 'e', ё: 'e', з: '3', и: 'u', й: 'u', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ц: 'u', ч: '4', ш: 'w', ь: 'b', ы: 'bl', і: 'l', ї: 'l', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ү: 'y', һ: 'h', ӏ: 'l',
  // Greek (lower case; upper case is lowered first)
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', ζ: 'z', η: 'n', θ: 'o', ι: 'l', κ: 'k', λ: 'a', μ: 'u', ν: 'v', ξ: 'e', ο: 'o', π: 'n', ρ: 'p', σ: 'o', ς: 'c', τ: 't', υ: 'u', φ: 'o', χ: 'x', ψ: 'w', ω: 'w',
  // Latin look-alikes of each other, and digits
  i: 'l', ı: 'l', '1': 'l', '|': 'l', '!': 'l', '0': 'o', '5': 's', '$': 's', '@': 'a', ø: 'o', ł: 'l', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'p', ð: 'd'
}

/** Characters that do not tell names apart: spaces, dots, dashes, underscores, apostrophes, zero-width ones. */
const IGNORED = /[\s._\-'’`´\u200b-\u200f\u2060\ufeff\u00ad]/gu

/** The key under which two display names clash; two names with one key are one name to a reader. */
export function nameKey (name: string): string {
  const decomposed = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
  let folded = ''
  for (const ch of decomposed) folded += CONFUSABLES[ch] ?? ch
  // a second pass: "rn" reads as "m", "vv" as "w", "cl" as "d"
  return folded.replace(IGNORED, '').replaceAll('rn', 'm').replaceAll('vv', 'w').replaceAll('cl', 'd')
}

/** Whether two display names would pass for each other. */
export function namesClash (a: string, b: string): boolean {
  return nameKey(a) === nameKey(b)
}

/**
 * The directory member (other than `except`) whose name `name` would pass for, if any: the reason
 * to refuse it at join, on an invite and on a rename.
 */
export function nameHolder (state: OrgState, name: string, except?: string): { peerId: string, name: string } | undefined {
  const key = nameKey(name)
  for (const m of state.members.values()) {
    if (m.peerId !== except && nameKey(m.name) === key) return { peerId: m.peerId, name: m.name }
  }
  return undefined
}

/** A member's pending request for a new name. */
export interface RenameRequestState {
  peerId: string
  name: string
  /** the member's wall clock when they asked */
  at: number
  recordId: string
}

/** One applied rename, for the conversation's system lines and the org's record. */
export interface RenameState {
  peerId: string
  from: string
  to: string
  by: string
  at: number
  recordId: string
}

/** The names part of an org's state. */
export interface NameState {
  /** per member, their latest request not yet granted */
  requests: Map<string, RenameRequestState>
  /** renames applied, in fold order */
  renames: RenameState[]
}

/** An empty names state, for the start of a fold. */
export function emptyNameState (): NameState {
  return { requests: new Map(), renames: [] }
}

/** Why `name` cannot be a display name, or undefined if it can (the rule of ids.checkDisplayName). */
export function displayNameProblem (name: string): string | undefined {
  const trimmed = name.trim()
  if (trimmed !== name || trimmed.length === 0 || trimmed.length > MAX_DISPLAY_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    return `invalid display name ${JSON.stringify(name)}: 1-${MAX_DISPLAY_NAME_LENGTH} printable characters, no surrounding spaces`
  }
  return undefined
}

/** Why `name` cannot be `peerId`'s name in `state` (invalid, or passes for another member's), or undefined. */
export function nameRefusal (state: OrgState, name: string, peerId?: string): string | undefined {
  const problem = displayNameProblem(name)
  if (problem !== undefined) return problem
  const holder = nameHolder(state, name, peerId)
  if (holder !== undefined) return `the name ${JSON.stringify(name)} passes for ${JSON.stringify(holder.name)} (${holder.peerId}), already in the directory`
  return undefined
}

/** Apply a Rename (by an admin) or RenameRequest (by the member) record; a string is the reason it is refused. */
export function applyNameRecord (state: OrgState, r: VerifiedRecord): string | undefined {
  const rec = r.record
  if (rec.rename !== undefined) {
    const peerId = peerIdOfPublicKey(rec.rename.member)
    const member = state.members.get(peerId)
    if (member === undefined) return `member ${peerId} is not in the directory`
    const refusal = nameRefusal(state, rec.rename.name, peerId)
    if (refusal !== undefined) return refusal
    state.names.renames.push({ peerId, from: member.name, to: rec.rename.name, by: r.signer, at: rec.wallTime, recordId: r.idHex })
    member.name = rec.rename.name
    state.names.requests.delete(peerId)
    return undefined
  }
  if (rec.renameRequest !== undefined) {
    const refusal = nameRefusal(state, rec.renameRequest.name, r.signer)
    if (refusal !== undefined) return refusal
    state.names.requests.set(r.signer, { peerId: r.signer, name: rec.renameRequest.name, at: rec.wallTime, recordId: r.idHex })
    return undefined
  }
  return 'not a name record'
}

/** A pending rename request as the shells list it. */
export interface RenameRequestView {
  peerId: string
  /** the name in the directory now */
  name: string
  requested: string
  at: number
}

/** The pending rename requests, oldest first. */
export function renameRequests (state: OrgState): RenameRequestView[] {
  return [...state.names.requests.values()]
    .filter(r => state.members.has(r.peerId))
    .map(r => ({ peerId: r.peerId, name: state.members.get(r.peerId)?.name ?? '', requested: r.name, at: r.at }))
    .sort((a, b) => a.at - b.at)
}
