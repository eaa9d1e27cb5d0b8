/**
 * The org's own record: every administrative act, in the fold's order, with who did it and when. A
 * function over the applied records, so each kind of record describes itself here (a new kind of
 * record adds one describer to ORG_ACTS).
 */
import { peerIdOfPublicKey } from '../ids.js'
import type { OrgOpName, VerifiedRecord } from '../model/index.js'
import type { OrgState } from './org-state.js'

/** One administrative act. */
export interface OrgLogEntry {
  /** position in the log, from 1 */
  n: number
  /** the signer's wall clock when they did it, ms */
  time: number
  by: string
  byName: string
  /** what kind of act: founded, member-added, joined, admin-added, removed, team-created, ... */
  act: string
  /** the member, team or invite it is about */
  subject?: string
  /** in words, with names from the directory */
  text: string
  /** the org record it comes from */
  recordId: string
}

/** What a describer works with. */
export interface OrgLogContext {
  state: OrgState
  /** a member's name now (marked when removed) */
  name: (peerId: string) => string
  /** the state of the team's roster before this record: who was in it */
  before: Map<string, Set<string>>
}

type Described = { act: string, subject?: string, text: string }
type Describer = (r: VerifiedRecord, c: OrgLogContext) => Described

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const short = (id: string): string => id.slice(0, 12)

/** How each kind of record reads in the org log. */
export const ORG_ACTS: Partial<Record<OrgOpName, Describer>> & Record<string, Describer | undefined> = {
  genesis: (r) => ({ act: 'founded', text: `founded the organisation ${JSON.stringify(r.record.genesis!.name)}` }),
  addMember: (r, c) => {
    const a = r.record.addMember!
    const peerId = peerIdOfPublicKey(a.member)
    if (a.invite.length > 0) return { act: 'joined', subject: peerId, text: `admitted ${a.name} (${peerId}) with invite ${short(hex(a.invite))}` }
    const was = c.state.applied.slice(0, c.state.applied.indexOf(r)).some(x => x.record.addMember !== undefined && peerIdOfPublicKey(x.record.addMember.member) === peerId)
    if (a.admin && was) return { act: 'admin-added', subject: peerId, text: `made ${c.name(peerId)} an admin` }
    return { act: a.admin ? 'admin-added' : 'member-added', subject: peerId, text: `added ${a.name} (${peerId})${a.admin ? ' as an admin' : ''}` }
  },
  removeMember: (r, c) => {
    const peerId = peerIdOfPublicKey(r.record.removeMember!.member)
    // the removal of an admin withdraws the invites they made that were not used (a fold rule)
    const withdrawn = [...c.state.invites.values()].filter(i => i.issuer === peerId && i.revoked !== undefined && i.revoked.reason !== 'revoked').length
    return { act: 'removed', subject: peerId, text: `removed ${c.name(peerId)} from the organisation${withdrawn > 0 ? `; ${withdrawn} unused invite(s) they made withdrawn` : ''}` }
  },
  roster: (r, c) => {
    const ro = r.record.roster!
    const now = new Set(ro.sealed.map(s => peerIdOfPublicKey(s.member)))
    const was = c.before.get(ro.team)
    c.before.set(ro.team, now)
    if (was === undefined) return { act: 'team-created', subject: ro.team, text: `created #${ro.team} with ${[...now].map(c.name).join(', ')}` }
    const added = [...now].filter(p => !was.has(p))
    const taken = [...was].filter(p => !now.has(p))
    const parts = [
      ...(added.length > 0 ? [`added ${added.map(c.name).join(', ')}`] : []),
      ...(taken.length > 0 ? [`took out ${taken.map(c.name).join(', ')}`] : [])
    ]
    return { act: 'team-changed', subject: ro.team, text: `#${ro.team} epoch ${ro.epoch}: ${parts.length > 0 ? parts.join('; ') : 'key rotated'}` }
  },
  invite: (r) => {
    const inv = r.record.invite!
    return { act: 'invite-made', subject: hex(inv.id), text: `made invite ${short(hex(inv.id))} to ${inv.teams.map(t => `#${t}`).join(', ')}, valid until ${new Date(inv.expires).toISOString()}` }
  },
  retention: (r) => {
    const re = r.record.retention!
    const keep = re.days === 0 ? 'keeps messages for ever' : `keeps messages ${re.days} days`
    return { act: 'retention', subject: re.team, text: `#${re.team} ${keep}${re.hold ? `, on hold${re.reason !== '' ? ` (${re.reason})` : ''}` : ''}` }
  },
  suspend: (r, c) => {
    const s = r.record.suspend!
    const peerId = peerIdOfPublicKey(s.member)
    return { act: 'suspended', subject: peerId, text: `suspended ${c.name(peerId)}${s.reason !== '' ? `: ${s.reason}` : ''}` }
  },
  resume: (r, c) => {
    const peerId = peerIdOfPublicKey(r.record.resume!.member)
    return { act: 'resumed', subject: peerId, text: `resumed ${c.name(peerId)}` }
  },
  revokeInvite: (r) => {
    const id = hex(r.record.revokeInvite!.id)
    return { act: 'invite-revoked', subject: id, text: `revoked invite ${short(id)}` }
  },
  teamPosters: (r, c) => {
    const tp = r.record.teamPosters!
    const posters = tp.posters.map(k => c.name(peerIdOfPublicKey(k)))
    return {
      act: 'team-posters',
      subject: tp.team,
      text: tp.announce ? `#${tp.team} is an announcement team: admins${posters.length > 0 ? ` and ${posters.join(', ')}` : ' only'} post` : `#${tp.team} is open to every member's posts again`
    }
  }
}

/** Every administrative act of the org, in the order every node applies them. */
export function orgLog (state: OrgState, name: (peerId: string) => string): OrgLogEntry[] {
  const c: OrgLogContext = { state, name, before: new Map() }
  const entries: OrgLogEntry[] = []
  for (const r of state.applied) {
    const describe = ORG_ACTS[r.op]
    const d = describe?.(r, c) ?? { act: r.op, text: r.op }
    entries.push({ n: entries.length + 1, time: r.record.wallTime, by: r.signer, byName: name(r.signer), act: d.act, ...(d.subject !== undefined ? { subject: d.subject } : {}), text: d.text, recordId: r.idHex })
  }
  return entries
}
