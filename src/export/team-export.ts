/**
 * A team's export: its messages and membership changes in the shared order, as the lines of a
 * hash-chained file signed by this node (see export-file.ts for the format).
 */
import { signForDomain } from '../crypto/keys.js'
import { NotMemberError } from '../errors.js'
import { checkTeamName } from '../ids.js'
import { buildExport, EXPORT_DOMAIN } from './export-file.js'
import type { OrgView } from '../context.js'
import type { Conversations } from '../messages/conversations.js'
import type { Views } from '../messages/views.js'
import type { Retention } from '../retention/retention.js'
import type { EntryLog } from '../store/entry-log.js'
import type { ExportRecord } from './export-file.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export interface ExportOptions {
  since?: number
  until?: number
  format?: 'jsonl' | 'csv'
}

export interface ExportComponents {
  selfId: string
  self: { readonly name: string }
  key: Ed25519PrivateKey
  orgs: OrgView
  log: Pick<EntryLog, 'page'>
  retention: Pick<Retention, 'unexpired'>
  views: Pick<Views, 'message' | 'authorLabel' | 'bodyOf'>
  conversations: Pick<Conversations, 'isAct' | 'actsOf' | 'decorate'>
}

/**
 * A verifiable export of a team's history (or a direct conversation's): messages and membership
 * changes, oldest first, hash-chained and signed by this node. Returns the file's lines.
 */
export async function exportTeam (c: ExportComponents, team: string, options: ExportOptions = {}): Promise<string[]> {
  const org = c.orgs.require()
  checkTeamName(team)
  if (!org.state.teams.has(team) && org.directPeer(team) === undefined) throw new NotMemberError(`there is no team ${team}`)
  const since = options.since ?? 0
  const until = options.until ?? Number.MAX_SAFE_INTEGER
  // pages come newest first; each page is in the shared order
  const pages: ExportRecord[][] = []
  let before: string | undefined
  do {
    const page = await c.log.page(team, { limit: 2_000, ...(before !== undefined ? { before } : {}) })
    const messages: ExportRecord[] = []
    pages.unshift(messages)
    for (const v of c.retention.unexpired(team, page.entries)) {
      // edits, deletes and reactions are recorded on their messages
      if (c.conversations.isAct(v)) continue
      const m = c.views.message(v)
      if (m.time < since || m.time > until) continue
      const acts = await c.conversations.actsOf(v)
      const replyTo = c.views.bodyOf(v)?.replyTo
      messages.push({
        kind: 'message',
        time: m.time,
        author: m.author,
        authorName: m.authorName,
        text: m.readable ? m.text : v.erased === true ? '' : '[cannot decrypt on this node]',
        id: m.id,
        seq: m.seq,
        epoch: m.epoch,
        ...(m.direct !== undefined ? { direct: m.direct } : {}),
        // a shared file is recorded by its name, size and the SHA-256 its sender signed
        ...(m.file !== undefined ? { file: { id: m.file.id, name: m.file.name, size: m.file.size, sha256: m.file.sha256 } } : {}),
        // a fork is recorded with both versions, so that no member's export holds only its own
        ...(m.forked !== undefined ? { forked: { otherId: m.forked.otherId, versions: m.forked.versions.map(x => ({ id: x.id, text: x.readable ? x.text : '[cannot decrypt on this node]' })) } } : {}),
        ...(m.forker === true ? { forker: true as const } : {}),
        ...(replyTo !== undefined && replyTo.length > 0 ? { replyTo: Buffer.from(replyTo).toString('hex') } : {}),
        // every version with its time: the record shows what was said and when it was changed
        ...(acts.edits.length > 0 ? { edits: acts.edits } : {}),
        ...(acts.deleted !== undefined ? { deleted: { ...acts.deleted, byName: c.views.authorLabel(acts.deleted.by) } } : {}),
        ...(Object.keys(acts.reactions).length > 0 ? { reactions: acts.reactions } : {})
      })
    }
    before = page.before
  } while (before !== undefined)
  const memberships: ExportRecord[] = []
  for (const roster of org.state.teams.get(team)?.epochs.values() ?? []) {
    const time = roster.record.record.wallTime
    if (time < since || time > until) continue
    const members = [...roster.members].sort()
    memberships.push({ kind: 'membership', time, author: roster.record.signer, authorName: org.member(roster.record.signer)?.name ?? '', text: `epoch ${roster.epoch}: ${members.map(p => org.member(p)?.name ?? org.state.removed.get(p)?.name ?? p).join(', ')}`, id: roster.recordId, epoch: roster.epoch, members })
  }
  // messages keep the shared order; membership changes slot in before the first later message
  memberships.sort((a, b) => a.time - b.time)
  const records: ExportRecord[] = []
  for (const m of pages.flat()) {
    while (memberships.length > 0 && memberships[0]!.time <= m.time) records.push(memberships.shift()!)
    records.push(m)
  }
  records.push(...memberships)
  return buildExport({
    org: org.orgId,
    team,
    exportedBy: c.selfId,
    exportedByName: c.self.name,
    publicKey: Buffer.from(c.key.publicKey.raw).toString('base64'),
    exportedAt: Date.now(),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {})
  }, records, async (data) => signForDomain(c.key, EXPORT_DOMAIN, data), options.format ?? 'jsonl')
}
