/**
 * Verifiable exports of a team's history, for the office's records. Every record line carries the
 * hash of the line before it, and a last line signs the final hash with the exporting node's key,
 * so a deleted, inserted, reordered or altered line is caught by `verifyExport`. Pure, but for the
 * signing function it is given.
 */
import { createHash } from 'node:crypto'
import { verifyForDomain } from '../crypto/keys.js'
import { peerIdOfPublicKey } from '../ids.js'

export const EXPORT_DOMAIN = 'export/v1'
const GENESIS = '0'.repeat(64)

/** One thing that happened in a team. */
export type ExportRecord =
  | { kind: 'message', time: number, author: string, authorName: string, text: string, id: string, seq: number, epoch: number, direct?: string, file?: { id: string, name: string, size: number, sha256: string }, forked?: ExportedFork, forker?: true, replyTo?: string, edits?: ExportedEdit[], deleted?: ExportedDelete, reactions?: Record<string, string[]> }
  | { kind: 'membership', time: number, author: string, authorName: string, text: string, id: string, epoch: number, members: string[] }
  /** an administrative act of the org's own record (`parley export --org`) */
  | { kind: 'org', time: number, author: string, authorName: string, text: string, id: string, seq: number, act: string, subject?: string }

/** A later version of a message, as its author signed it: `text` is what it became at `time`. */
export interface ExportedEdit {
  id: string
  time: number
  /** empty when the message was deleted (the edit's text is erased with it) */
  text: string
}

/** Who deleted a message, and when; the message's `text` is kept only when its team was under a hold. */
export interface ExportedDelete {
  by: string
  byName: string
  time: number
  /** the delete's own entry id */
  id: string
}

/** A message its author signed in two versions (a fork): both, lowest id first, the same in every member's export. */
export interface ExportedFork {
  /** the version this node does not hold in its feed (the record's `id` and `text` are the one it does) */
  otherId: string
  versions: Array<{ id: string, text: string }>
}

export interface ExportHeader {
  kind: 'header'
  format: 'parley-export/1'
  org: string
  team: string
  exportedBy: string
  exportedByName: string
  /** the exporter's raw Ed25519 public key, base64 */
  publicKey: string
  exportedAt: number
  since?: number
  until?: number
  /** 'org' for the org's own record (team is empty then) */
  scope?: 'org'
}

/** The fields a line's hash covers, in a fixed order. */
function canonical (fields: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(fields).filter(k => k !== 'hash' && k !== 'prev').sort().map(k => [k, fields[k]]))
}

function link (prev: string, fields: Record<string, unknown>): string {
  return createHash('sha256').update(prev).update('\0').update(canonical(fields)).digest('hex')
}

const CSV_COLUMNS = ['kind', 'time', 'author', 'authorName', 'text', 'id', 'seq', 'epoch', 'members', 'direct', 'prev', 'hash', 'extra'] as const

/**
 * A cell a spreadsheet would read as a formula (=HYPERLINK(…), @SUM(…), +, -, a tab or CR first) is
 * neutralised with a leading apostrophe, as is one that starts with an apostrophe, so that reading
 * the export back removes exactly one (the hash chain covers the original text).
 */
const FORMULA_START = /^[=+\-@\t\r']/

function csvCell (v: unknown): string {
  if (v === undefined || v === null) return ''
  let s = typeof v === 'string' ? v : JSON.stringify(v)
  if (FORMULA_START.test(s)) s = `'${s}`
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The value of a cell as csvCell wrote it. */
function csvValue (cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell
}

/** Build the export's lines: header, records oldest first, then the signed trailer. */
export async function buildExport (header: Omit<ExportHeader, 'kind' | 'format'>, records: ExportRecord[], sign: (data: Uint8Array) => Promise<Uint8Array>, format: 'jsonl' | 'csv'): Promise<string[]> {
  const head: ExportHeader = { kind: 'header', format: 'parley-export/1', ...header }
  const rows: Array<Record<string, unknown>> = []
  let prev = link(GENESIS, head as unknown as Record<string, unknown>)
  rows.push({ ...head, prev: GENESIS, hash: prev })
  for (const record of records) {
    // undefined fields would hash differently once written and read back
    const r = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))
    const hash = link(prev, r)
    rows.push({ ...r, prev, hash })
    prev = hash
  }
  const signature = Buffer.from(await sign(Buffer.from(`${prev}:${records.length}`))).toString('base64')
  rows.push({ kind: 'trailer', count: records.length, head: prev, signature })
  if (format === 'jsonl') return rows.map(r => JSON.stringify(r))
  // CSV: fixed columns; the header and trailer keep their other fields as JSON in "extra"
  return [CSV_COLUMNS.join(','), ...rows.map((r) => {
    const extra = Object.fromEntries(Object.entries(r).filter(([k]) => !(CSV_COLUMNS as readonly string[]).includes(k)))
    return CSV_COLUMNS.map(c => csvCell(c === 'extra' ? (Object.keys(extra).length > 0 ? extra : undefined) : r[c])).join(',')
  })]
}

/** What a good export says about itself. */
export interface ExportSummary {
  team: string
  /** 'org' for the org's own record */
  scope?: 'org'
  org: string
  records: number
  exportedBy: string
  exportedByName: string
  exportedAt: number
}

/** Thrown for an export that fails verification, naming the line. */
export class ExportVerificationError extends Error {
  readonly line: number
  constructor (line: number, message: string) {
    super(`line ${line}: ${message}`)
    this.name = 'ExportVerificationError'
    this.line = line
  }
}

function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { row.push(cell); cell = '' } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell); rows.push(row); row = []; cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row) }
  return rows
}

function fromCsv (text: string): Array<Record<string, unknown>> {
  const [columns, ...rows] = parseCsv(text)
  if (columns === undefined || columns.join(',') !== CSV_COLUMNS.join(',')) throw new ExportVerificationError(1, 'not a parley CSV export (unexpected columns)')
  return rows.filter(r => r.length > 1).map((cells, i) => {
    const out: Record<string, unknown> = {}
    for (const [j, c] of CSV_COLUMNS.entries()) {
      const v = csvValue(cells[j] ?? '')
      if (v === '') continue
      if (c === 'extra') {
        try { Object.assign(out, JSON.parse(v) as Record<string, unknown>) } catch { throw new ExportVerificationError(i + 2, 'damaged extra column') }
      } else if (c === 'time' || c === 'seq' || c === 'epoch') out[c] = Number(v)
      else if (c === 'members') {
        try { out[c] = JSON.parse(v) } catch { throw new ExportVerificationError(i + 2, 'damaged members column') }
      } else out[c] = v
    }
    return out
  })
}

/** Check an export (JSONL or CSV text) line by line; throws ExportVerificationError naming the first bad line. */
export async function verifyExport (text: string): Promise<ExportSummary> {
  const csv = text.startsWith(CSV_COLUMNS.join(','))
  let rows: Array<Record<string, unknown>>
  if (csv) rows = fromCsv(text)
  else {
    rows = []
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue
      try {
        rows.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        throw new ExportVerificationError(i + 1, 'not JSON')
      }
    }
  }
  const lineNo = (i: number): number => i + (csv ? 2 : 1)
  const header = rows[0]
  if (header?.kind !== 'header' || header.format !== 'parley-export/1') throw new ExportVerificationError(1, 'no parley export header')
  let prev = GENESIS
  if (header.prev !== GENESIS || link(GENESIS, header) !== header.hash) throw new ExportVerificationError(lineNo(0), 'the header was altered')
  prev = header.hash
  const trailer = rows.at(-1)
  if (trailer?.kind !== 'trailer' || rows.length < 2) throw new ExportVerificationError(lineNo(rows.length - 1), 'the signed last line is missing: the export was cut short')
  for (let i = 1; i < rows.length - 1; i++) {
    const r = rows[i]!
    if (r.prev !== prev) throw new ExportVerificationError(lineNo(i), 'a line before this one was removed, added or reordered')
    if (link(prev, r) !== r.hash) throw new ExportVerificationError(lineNo(i), 'this line was altered')
    prev = r.hash
  }
  const count = rows.length - 2
  if (trailer.head !== prev || trailer.count !== count) throw new ExportVerificationError(lineNo(rows.length - 1), 'the last line does not match the records before it')
  const publicKey = Buffer.from(String(header.publicKey), 'base64')
  const ok = await verifyForDomain(publicKey, EXPORT_DOMAIN, Buffer.from(`${prev}:${count}`), Buffer.from(String(trailer.signature), 'base64'))
  if (!ok || peerIdOfPublicKey(publicKey) !== header.exportedBy) throw new ExportVerificationError(lineNo(rows.length - 1), 'the signature does not match the exporter')
  return { team: String(header.team), ...(header.scope === 'org' ? { scope: 'org' as const } : {}), org: String(header.org), records: count, exportedBy: String(header.exportedBy), exportedByName: String(header.exportedByName), exportedAt: Number(header.exportedAt) }
}
