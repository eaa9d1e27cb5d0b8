/**
 * The org's own record for the office's files: every administrative act (see teams/org-log.ts), as
 * the lines of a hash-chained file signed by this node, checked by `parley verify-export` like a
 * team's export.
 */
import { signForDomain } from '../crypto/keys.js'
import { orgLog } from '../teams/org-log.js'
import { buildExport, EXPORT_DOMAIN } from './export-file.js'
import type { OrgView } from '../context.js'
import type { ExportRecord } from './export-file.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export interface OrgExportComponents {
  selfId: string
  self: { readonly name: string }
  key: Ed25519PrivateKey
  orgs: OrgView
}

/** A verifiable export of the org log, oldest act first. Returns the file's lines. */
export async function exportOrg (c: OrgExportComponents, options: { since?: number, until?: number, format?: 'jsonl' | 'csv' } = {}): Promise<string[]> {
  const org = c.orgs.require()
  const since = options.since ?? 0
  const until = options.until ?? Number.MAX_SAFE_INTEGER
  const records: ExportRecord[] = orgLog(org.state, p => org.authorLabel(p))
    .filter(e => e.time >= since && e.time <= until)
    .map(e => ({ kind: 'org', time: e.time, author: e.by, authorName: e.byName, text: e.text, id: e.recordId, seq: e.n, act: e.act, ...(e.subject !== undefined ? { subject: e.subject } : {}) }))
  return buildExport({
    org: org.orgId,
    team: '',
    scope: 'org',
    exportedBy: c.selfId,
    exportedByName: c.self.name,
    publicKey: Buffer.from(c.key.publicKey.raw).toString('base64'),
    exportedAt: Date.now(),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {})
  }, records, async (data) => signForDomain(c.key, EXPORT_DOMAIN, data), options.format ?? 'jsonl')
}
