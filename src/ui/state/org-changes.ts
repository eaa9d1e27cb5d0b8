/**
 * What an organisation change did, told as lines in the conversations it concerns. Pure.
 */
import type { MemberView, OrgChangeView } from '../../index.js'

/**
 * What an organisation change did, as lines for the conversations it concerns: who joined, was added
 * to or removed from a team, was removed from the organisation, was made an admin — and by whom, from
 * the signers of the records applied.
 */
export function whatHappened (before: MemberView[], after: MemberView[], change: OrgChangeView | undefined, me: string): Array<{ team: string, text: string }> {
  if (before.length === 0) return [] // the first load: nothing happened, it was just not shown yet
  const names = new Map([...before, ...after].map(m => [m.peerId, m.name]))
  const by = (ops: string[]): string => {
    // the first of `ops` that the change holds: whoever signed that record
    const i = ops.map(op => change?.applied.indexOf(op) ?? -1).find(x => x !== -1) ?? -1
    const signer = i === -1 ? undefined : change?.by?.[i]?.signer
    if (signer === undefined) return ''
    return signer === me ? ' by you' : ` by ${names.get(signer) ?? `…${signer.slice(-6)}`}`
  }
  const who = (m: MemberView): string => m.peerId === me ? 'You' : m.name
  const out: Array<{ team: string, text: string }> = []
  const old = new Map(before.map(m => [m.peerId, m]))
  const now = new Map(after.map(m => [m.peerId, m]))
  for (const m of after) {
    const was = old.get(m.peerId)
    if (was === undefined) {
      const admitted = by(['addMember'])
      out.push({ team: 'general', text: `${who(m)} joined the organisation${admitted === '' ? '' : ` (let in${admitted})`}` })
      for (const t of m.teams.filter(t => t !== 'general')) out.push({ team: t, text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} added to #${t}${by(['roster', 'addMember'])}` })
      continue
    }
    for (const t of m.teams.filter(t => !was.teams.includes(t))) out.push({ team: t, text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} added to #${t}${by(['roster'])}` })
    for (const t of was.teams.filter(t => !m.teams.includes(t))) out.push({ team: t, text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} removed from #${t}${by(['roster'])}` })
    if (m.admin && !was.admin) out.push({ team: 'general', text: `${who(m)} ${m.peerId === me ? 'were' : 'was'} made an admin${by(['addMember'])}` })
    // a rename (a signed record, by an admin) shows in every conversation of the member
    if (m.name !== was.name) for (const t of m.teams) out.push({ team: t, text: `${was.name} ${m.peerId === me ? '(you) are' : 'is'} now called ${m.name}${by(['rename', 'addMember'])}` })
  }
  out.push(...policyAndRequests(after, change, me, names))
  for (const m of before) {
    if (now.has(m.peerId) || m.peerId === me) continue
    for (const t of m.teams) out.push({ team: t, text: `${m.name} was removed from the organisation${by(['removeMember'])}: their workstation can no longer read or post here` })
  }
  return out
}

/** A new usage policy version (for everyone), and rename requests (for admins), as lines in #general. */
function policyAndRequests (after: MemberView[], change: OrgChangeView | undefined, me: string, names: Map<string, string>): Array<{ team: string, text: string }> {
  const out: Array<{ team: string, text: string }> = []
  const amAdmin = after.some(m => m.peerId === me && m.admin)
  for (const [i, op] of (change?.applied ?? []).entries()) {
    const signer = change?.by?.[i]?.signer
    const name = signer === undefined ? 'someone' : signer === me ? 'you' : names.get(signer) ?? `…${signer.slice(-6)}`
    if (op === 'policy') out.push({ team: 'general', text: `a new version of the usage policy was published by ${name}: /policy shows it` })
    if (op === 'renameRequest' && amAdmin && signer !== me) out.push({ team: 'general', text: `${name} asks for a new name: /approve lists the requests` })
  }
  return out
}
