/**
 * Conversations across nodes: replies, edits, deletes and reactions, the same on every node; a node
 * that was off catches up on them; a delete erases the text from every node's disk (the bytes of
 * its LevelDB files are read), unless the team is on hold; a member cannot make others lose a
 * message by serving it erased.
 */
import { randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyExport } from '../../src/export/export-file.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { MessageView } from '../../src/events.js'
import type { ParleyNode } from '../../src/node.js'

/** Every byte of a node's LevelDB files, as one buffer. */
async function diskBytes (dataDir: string): Promise<Buffer> {
  const dir = join(dataDir, 'log')
  const parts: Buffer[] = []
  for (const name of await readdir(dir)) parts.push(await readFile(join(dir, name)).catch(() => Buffer.alloc(0)))
  return Buffer.concat(parts)
}

const find = async (n: ParleyNode, text: string): Promise<MessageView | undefined> => (await n.history('general', { limit: 100 })).messages.find(m => m.text === text)

describe('conversations: replies, edits, deletes, reactions', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('shows replies, edits and reactions the same on every node, and a node that was off catches up', async () => {
    const [a, b, c] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const root = await a.send('general', 'lunch at noon?')
    await waitFor(async () => await find(b, 'lunch at noon?') !== undefined && await find(c, 'lunch at noon?') !== undefined, 10_000, 'root everywhere')
    const reply = await b.send('general', 'yes, the usual place', { replyTo: root.id.slice(0, 10) })
    expect(reply.replyTo).toBe(root.id)
    expect(reply.quote).toMatchObject({ author: a.peerId, text: 'lunch at noon?' })

    // c goes away; what happens meanwhile reaches it when it is back
    const cDir = c.info().dataDir
    await c.stop()
    const edited = await a.editMessage(root.id, 'lunch at 12:30?')
    expect(edited).toMatchObject({ id: root.id, text: 'lunch at 12:30?' })
    expect(edited.edited).toBeTypeOf('number')
    await a.react(root.id, '👍')
    await b.react(root.id, '👍')
    await b.react(root.id, '🎉')
    await b.react(root.id, '🎉', { remove: true })
    // a second add is no second reaction
    expect((await a.react(root.id, '👍')).reactions).toEqual({ '👍': [a.peerId, b.peerId].sort() })

    // the rules: only the author edits; a reaction is one emoji
    await expect(b.editMessage(root.id, 'hijacked')).rejects.toMatchObject({ name: 'NotAuthorError' })
    await expect(b.react(root.id, 'two words')).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    await expect(b.editMessage('zz', 'x')).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    await expect(b.editMessage('abcdef0123', 'x')).rejects.toMatchObject({ name: 'MessageNotFoundError' })

    const c2 = await fx.node({ dataDir: cDir, peers: [a.info().addresses[0]!] })
    for (const n of [a, b, c2]) {
      await waitFor(async () => (await find(n, 'lunch at 12:30?'))?.reactions?.['👍']?.length === 2, 15_000, `edit and reactions at ${n.name}`)
      const m = (await find(n, 'lunch at 12:30?'))!
      expect(m.reactions).toEqual({ '👍': [a.peerId, b.peerId].sort() })
      expect(m.replies).toMatchObject({ count: 1 })
      // an act is not a message of its own: two messages, in the same order everywhere
      expect((await n.history('general')).messages.map(x => x.text)).toEqual(['lunch at 12:30?', 'yes, the usual place'])
      const thread = await n.thread(root.id.slice(0, 8))
      expect(thread.root.id).toBe(root.id)
      expect(thread.replies.map(r => r.text)).toEqual(['yes, the usual place'])
      expect(thread.replies[0]!.quote?.text).toBe('lunch at 12:30?')
      // search finds the current text, not the one replaced
      await waitFor(async () => (await n.search('12:30')).length === 1, 10_000, `search at ${n.name}`)
      expect(await n.search('noon')).toEqual([])
    }
    // the export records every version with its time, and the reactions
    const lines = (await c2.exportTeam('general')).map(l => JSON.parse(l) as Record<string, unknown>)
    const rec = lines.find(l => l.id === root.id)!
    expect(rec.text).toBe('lunch at noon?')
    expect(rec.edits).toMatchObject([{ text: 'lunch at 12:30?' }])
    expect(rec.reactions).toEqual({ '👍': [a.peerId, b.peerId].sort() })
    expect(lines.find(l => l.id === reply.id)?.replyTo).toBe(root.id)
    // and still verifies
    expect(await verifyExport((await c2.exportTeam('general')).join('\n'))).toMatchObject({ team: 'general' })
  })

  it('a delete erases the text from every node\'s disk, and reaches a node that was off; an admin moderates; a hold keeps it', async () => {
    const [a, b, c] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const secret = 'the vault code is swordfish-4471'
    const m = await b.send('general', secret)
    await b.editMessage(m.id, 'the vault code is marlin-9902')
    await waitFor(async () => (await Promise.all([a, b, c].map(async n => (await find(n, 'the vault code is marlin-9902')) !== undefined))).every(Boolean), 10_000, 'edit everywhere')
    await waitFor(async () => (await c.search('marlin')).length === 1, 10_000, 'indexed at c')
    const cDir = c.info().dataDir
    await c.stop()

    // before: the words are in a's files (its search index holds them)
    expect((await diskBytes(a.info().dataDir)).includes(Buffer.from('marlin'))).toBe(true)
    const deleted = nextEvent(a, 'message:deleted', d => d.id === m.id)
    const view = await b.deleteMessage(m.id)
    expect(view).toMatchObject({ id: m.id, text: '', deleted: { by: b.peerId } })
    expect(view.deleted?.byName).toBe('user1')
    expect((await deleted).deleted?.by).toBe(b.peerId)
    // an ordinary member may not delete someone else's message
    const other = await a.send('general', 'admin notice')
    await waitFor(async () => await find(b, 'admin notice') !== undefined, 10_000, 'notice at b')
    await expect(b.deleteMessage(other.id)).rejects.toMatchObject({ name: 'NotAdminError' })
    // an admin may (moderation)
    const spam = await b.send('general', 'buy cheap watches')
    await waitFor(async () => await find(a, 'buy cheap watches') !== undefined, 10_000, 'spam at a')
    expect((await a.deleteMessage(spam.id)).deleted?.by).toBe(a.peerId)

    const c2 = await fx.node({ dataDir: cDir, peers: [a.info().addresses[0]!] })
    for (const n of [a, b, c2]) {
      await waitFor(async () => (await n.history('general')).messages.filter(x => x.deleted !== undefined).length === 2, 15_000, `deletes at ${n.name}`)
      const shown = (await n.history('general')).messages.find(x => x.id === m.id)!
      expect(shown).toMatchObject({ text: '', deleted: { by: b.peerId } })
      expect(await n.search('marlin')).toEqual([])
      expect(await n.search('swordfish')).toEqual([])
      await expect(n.editMessage(m.id, 'back')).rejects.toThrow()
    }
    // a newcomer, which never held the message, is served it erased with the delete behind it
    const rejected: string[] = []
    const { token } = await a.invite()
    const d = await fx.node({ name: 'dora', peers: [a.info().addresses[0]!] }, n => { n.addEventListener('entry:rejected', e => { rejected.push(e.detail.message) }) })
    await d.join(token, 'dora')
    await waitFor(async () => (await d.history('general')).messages.filter(x => x.deleted !== undefined).length === 2, 15_000, 'deletes at the newcomer')
    expect((await d.history('general')).messages.map(x => x.deleted === undefined ? x.text : `deleted by ${x.deleted.byName}`)).toEqual(['deleted by user1', 'admin notice', 'deleted by admin'])
    expect(rejected).toEqual([])
    // the words are gone from every node's files, the search postings and the sealed bodies alike
    await Promise.all([a, b, c2, d].map(async n => n.stop()))
    for (const n of [a, b, c2, d]) {
      const bytes = await diskBytes(n.info().dataDir)
      for (const word of ['swordfish', 'marlin', 'watches']) expect(bytes.includes(Buffer.from(word))).toBe(false)
    }
  })

  it('deleting a shared file\'s message takes the file from every node: its record, its sealed copy, search', async () => {
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    const path = join(await fx.tempDir(), 'payroll.csv')
    const content = randomBytes(200_000)
    await writeFile(path, content)
    const done = nextEvent(b, 'file:complete', f => f.name === 'payroll.csv', 20_000)
    const sent = await a.sendFile('general', path, { caption: 'salaries' })
    await done
    const held = async (n: ParleyNode): Promise<string[]> => (await readdir(join(n.info().dataDir, 'files'), { recursive: true })).filter(f => f.includes(sent.id))
    expect(await held(b)).toContain(`${sent.id}.sealed`)
    const message = (await b.history('general')).messages.find(m => m.file?.id === sent.id)!
    await a.deleteMessage(message.id)
    for (const n of [a, b]) {
      await waitFor(async () => n.listFiles('general').length === 0, 10_000, `file gone at ${n.name}`)
      await expect(n.getFile(sent.id)).rejects.toThrow()
      expect(await n.search('payroll.csv')).toEqual([])
      const shown = (await n.history('general')).messages.find(m => m.id === message.id)!
      expect(shown.file).toBeUndefined()
      expect(shown.deleted?.by).toBe(a.peerId)
    }
    // no sealed copy of it is left on either disk
    for (const n of [a, b]) expect(await held(n)).toEqual([])
  })

  it('under a hold a delete hides the message but keeps it (and its export keeps the text); lifting the hold erases it', async () => {
    const [a, b] = await fx.office(2) as [ParleyNode, ParleyNode]
    await a.setRetention('general', { hold: true, reason: 'litigation' })
    await waitFor(() => b.teams().find(t => t.name === 'general')?.hold === true, 10_000, 'hold at b')
    const m = await b.send('general', 'the contract says pelican clause')
    await waitFor(async () => await find(a, 'the contract says pelican clause') !== undefined, 10_000, 'message at a')
    await b.deleteMessage(m.id)
    await waitFor(async () => (await a.history('general')).messages.find(x => x.id === m.id)?.deleted !== undefined, 10_000, 'delete at a')
    const rec = (await a.exportTeam('general')).map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.id === m.id)!
    expect(rec.text).toBe('the contract says pelican clause')
    expect(rec.deleted).toMatchObject({ by: b.peerId })
    expect(await a.search('pelican')).toEqual([])

    await a.setRetention('general', { hold: false })
    await waitFor(async () => {
      const r = (await a.exportTeam('general')).map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.id === m.id)
      return r?.text === ''
    }, 10_000, 'erased once the hold is lifted')
  })
})
