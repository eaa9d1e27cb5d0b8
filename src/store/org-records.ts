/**
 * The org's signed records in the log (sublevel `r`, keyed by id). Org logs are small: one record
 * per admin action.
 */
import { decodeStoredRecord } from '../model/index.js'
import { writeOptions } from './layout.js'
import type { VerifiedRecord } from '../model/index.js'
import type { Tables } from './layout.js'

/** Store org records durably (verified by the caller); a record already stored is rewritten as it was. */
export async function putRecords (t: Tables, records: VerifiedRecord[]): Promise<void> {
  if (records.length === 0) return
  const batch = t.db.batch()
  for (const r of records) batch.put(r.idHex, r.bytes as unknown as string, { sublevel: t.records })
  await batch.write(writeOptions(true))
}

/** Every stored org record. */
export async function allRecords (t: Tables): Promise<VerifiedRecord[]> {
  const out: VerifiedRecord[] = []
  for await (const bytes of t.records.values()) out.push(decodeStoredRecord(bytes))
  return out
}
