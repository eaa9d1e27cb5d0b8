/**
 * Conversations: replies, edits, deletes and reactions, kept as an index beside the log and applied
 * to messages as shells see them (conversation-rules.ts has the rules).
 *
 * - Every entry stored (posted, gossiped, synced) passes through `stored`: an act is indexed under
 *   the message it names, a reply under the message it replies to. Acts naming a message not held
 *   yet wait in the index; they apply when it comes.
 * - A delete that holds erases: the message's body and those of its edits are erased from the log
 *   (entry format 2 keeps the signed fields, so the feed still verifies), its search postings and
 *   its shared file go, and LevelDB compacts so no old copy stays on disk. Under a hold the message
 *   is hidden only, and erased when the hold is lifted (`releaseHeld`).
 * - The index (sublevel c) is derived from the log: the meta 'conversations' holds its version after
 *   a clean stop and 0 while the node runs, so a start after a crash rebuilds it from the log.
 */
import { emit, warn } from '../context.js'
import { AmbiguousIdError, InvalidArgumentError, MessageNotFoundError } from '../errors.js'
import { bodyKind, decodeEntry, decodeStoredEntry } from '../model/index.js'
import { searchItem } from '../search/indexer.js'
import { actOrder, currentEdit, deletionOf, editsOf, reactionsOf } from './conversation-rules.js'
import type { Act, ActTarget } from './conversation-rules.js'
import type { OrgView, PublicEvents } from '../context.js'
import type { MessageView } from '../events.js'
import type { Body, VerifiedEntry } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'
import type { Views } from './views.js'

/** The layout of the conversation index; another found on start is rebuilt. */
export const CONVERSATIONS_VERSION = 1
/** Entries read per page when the index is rebuilt. */
const REBUILD_PAGE = 2_000
/** How much of the message replied to a reply quotes. */
export const QUOTE_CHARS = 80

interface Reply { team: string, by: string, time: number, lamport: number }

export interface ConversationsComponents {
  selfId: string
  orgs: OrgView
  log: Pick<EntryLog, 'get' | 'erase' | 'compact' | 'meta' | 'page' | 'conversationTable' | 'searchIndex' | 'idsWithPrefix'>
  views: Pick<Views, 'bodyOf' | 'message' | 'authorLabel'>
  /** forget file `id` if entry `entryId` is the one that introduced it */
  files: { forget: (id: string, entryId: string) => Promise<void> }
  /** whether a team's retention is on hold now (deletes then hide, and erase once it is lifted) */
  onHold: (team: string) => boolean
  /** the teams and direct conversations this node reads, or undefined outside an org */
  teams: () => Promise<string[] | undefined>
  events: PublicEvents
}

export class Conversations {
  private readonly c: ConversationsComponents
  /** message id -> the acts that name it (held or not yet) */
  private readonly acts = new Map<string, Act[]>()
  /** message id -> its replies */
  private readonly replies = new Map<string, Map<string, Reply>>()
  private queue: Promise<unknown> = Promise.resolve()
  /** false while a rebuild has not finished: a stop then leaves the marker at 0, so the next start rebuilds */
  private complete = true
  private stopping = false

  constructor (components: ConversationsComponents) {
    this.c = components
  }

  /**
   * Load the index, or, if the last run did not stop cleanly (or the store was just migrated), rebuild
   * it from the log in the background: entries stored meanwhile queue behind the rebuild.
   */
  async start (): Promise<void> {
    const marker = await this.c.log.meta('conversations').get()
    if (marker === CONVERSATIONS_VERSION) {
      for await (const [key, value] of this.c.log.conversationTable().iterator()) this.load(key, value)
    } else {
      await this.c.log.conversationTable().clear()
      this.complete = false
      this.queue = this.rebuild().catch((err: Error) => { warn(this.c.events, `conversation index not rebuilt (edits, deletes and reactions may show late): ${err.message}`) })
    }
    await this.c.log.meta('conversations').put(0)
  }

  /** Resolves once what was stored so far is taken in (and any rebuild done). */
  async settled (): Promise<void> {
    await this.queue.catch(() => {})
  }

  async stop (): Promise<void> {
    this.stopping = true
    await this.queue.catch(() => {})
    if (this.complete) await this.c.log.meta('conversations').put(CONVERSATIONS_VERSION)
  }

  private load (key: string, value: unknown): void {
    const [kind, target, id] = key.split(':')
    if (target === undefined || id === undefined) return
    if (kind === 'a') this.actList(target).push(value as Act)
    else if (kind === 'r') this.replyMap(target).set(id, value as Reply)
  }

  private async rebuild (): Promise<void> {
    const teams = await this.c.teams()
    for (const team of teams ?? []) {
      let before: string | undefined
      do {
        if (this.stopping) return
        const page = await this.c.log.page(team, { limit: REBUILD_PAGE, ...(before !== undefined ? { before } : {}) })
        await this.take(page.entries, false)
        before = page.before
      } while (before !== undefined)
    }
    this.complete = true
  }

  private actList (target: string): Act[] {
    let list = this.acts.get(target)
    if (list === undefined) this.acts.set(target, list = [])
    return list
  }

  private replyMap (root: string): Map<string, Reply> {
    let map = this.replies.get(root)
    if (map === undefined) this.replies.set(root, map = new Map<string, Reply>())
    return map
  }

  /**
   * Whether an entry is not listed as a message of its own: an act on a message (an edit, delete or
   * reaction), or an erased entry that is not a deleted message (an edit erased with its message).
   */
  isAct (v: VerifiedEntry): boolean {
    if (v.erased === true) return deletionOf({ id: v.idHex, team: v.entry.team, author: v.author }, this.acts.get(v.idHex) ?? [], this.isAdmin) === undefined
    const body = this.c.views.bodyOf(v)
    if (body === undefined) return false
    const kind = bodyKind(body)
    return kind === 'edit' || kind === 'delete' || kind === 'reaction'
  }

  /**
   * Take in entries just stored, in any order; with `announce`, say to shells what they show:
   * message:added for each message, and for each act the message it changed.
   */
  async stored (entries: VerifiedEntry[], announce = true): Promise<void> {
    const run = this.queue.then(async () => this.take(entries, announce))
    this.queue = run.catch((err: Error) => { warn(this.c.events, `conversation index not updated: ${err.message}`) })
    await run
  }

  private async take (entries: VerifiedEntry[], announce: boolean): Promise<void> {
    const table = this.c.log.conversationTable()
    const batch = table.batch()
    const messages: VerifiedEntry[] = []
    const changed = new Map<string, Act[]>()
    for (const v of entries) {
      const body = this.c.views.bodyOf(v)
      if (body === undefined) {
        // unreadable here (no key), or erased: an erased edit is no message of its own
        if (!this.isAct(v)) messages.push(v)
        continue
      }
      const act = actOf(v, body)
      if (act !== undefined) {
        const target = targetOf(body)
        const list = this.actList(target)
        if (list.some(a => a.id === act.id)) continue
        list.push(act)
        batch.put(`a:${target}:${act.id}`, act)
        let acts = changed.get(target)
        if (acts === undefined) changed.set(target, acts = [])
        acts.push(act)
        continue
      }
      if (body.replyTo.length === 32) {
        const root = hex(body.replyTo)
        const reply: Reply = { team: v.entry.team, by: v.author, time: v.entry.wallTime, lamport: v.entry.lamport }
        this.replyMap(root).set(v.idHex, reply)
        batch.put(`r:${root}:${v.idHex}`, reply)
      }
      // acts that came before their message apply now
      if (this.acts.has(v.idHex) && !changed.has(v.idHex)) changed.set(v.idHex, [])
      messages.push(v)
    }
    await batch.write()
    for (const target of changed.keys()) await this.settle(target)
    await this.compactErased()
    if (!announce) return
    for (const v of messages) emit(this.c.events, 'message:added', await this.decorate(this.c.views.message(v), v))
    for (const [target, acts] of changed) {
      const v = await this.c.log.get(target)
      if (v === undefined || acts.length === 0) continue
      const view = await this.decorate(this.c.views.message(v), v)
      for (const act of acts) {
        if (act.kind === 'reaction') emit(this.c.events, 'reaction:changed', { ...view, reactor: act.by, emoji: act.emoji!, removed: act.remove === true })
      }
      if (acts.some(a => a.kind === 'delete') && view.deleted !== undefined) emit(this.c.events, 'message:deleted', view)
      else if (acts.some(a => a.kind === 'edit') && view.edited !== undefined) emit(this.c.events, 'message:edited', view)
    }
  }

  /**
   * Bring a message's stored state in line with its acts: when a delete holds (and no hold stops
   * it), erase its body and its edits', its search postings and its file. Returns whether anything
   * was erased. Search postings follow edits too.
   */
  private async settle (targetId: string): Promise<boolean> {
    const v = await this.c.log.get(targetId)
    // an act on an act (a delete of a reaction, say) does nothing: acts are undone by acts of their own
    if (v === undefined || this.isAct(v)) return false
    const target: ActTarget = { id: v.idHex, team: v.entry.team, author: v.author }
    const acts = this.acts.get(targetId) ?? []
    const deletion = deletionOf(target, acts, this.isAdmin)
    const search = this.c.log.searchIndex()
    const versions = await this.versions(v, acts)
    if (deletion === undefined) {
      // the search index holds the text shown: the latest edit's
      const body = this.c.views.bodyOf(v)
      const latest = versions.at(-1)
      if (body !== undefined && latest !== undefined && latest.v !== v) {
        await search.remove(versions.slice(0, -1).map(x => searchItem(v, { ...body, text: x.text })))
        await search.add([searchItem(v, { ...body, text: latest.text })])
      }
      return false
    }
    const body = this.c.views.bodyOf(v)
    if (body !== undefined) await search.remove(versions.map(x => searchItem(v, { ...body, text: x.text })))
    // under a hold: hidden, kept, and erased when the hold is lifted (releaseHeld)
    if (this.c.onHold(v.entry.team)) return false
    if (body?.file !== undefined) await this.c.files.forget(hex(body.file.id), v.idHex)
    const erased = await this.c.log.erase(versions.map(x => x.v))
    this.erasedNow.push(...erased)
    return erased.length > 0
  }

  /** A message and its valid edits, oldest first, with the text each gives (edits not held are left out). */
  private async versions (v: VerifiedEntry, acts: readonly Act[]): Promise<Array<{ v: VerifiedEntry, text: string, time: number }>> {
    const out = [{ v, text: this.c.views.bodyOf(v)?.text ?? '', time: v.entry.wallTime }]
    for (const edit of editsOf({ id: v.idHex, team: v.entry.team, author: v.author }, acts)) {
      const e = await this.c.log.get(edit.id)
      if (e === undefined) continue
      out.push({ v: e, text: this.c.views.bodyOf(e)?.text ?? '', time: edit.time })
    }
    return out
  }

  /** Erase what deletes hid while `team` was on hold (the hold is lifted); what is erased already stays so. */
  async releaseHeld (team: string): Promise<void> {
    const run = this.queue.then(async () => {
      for (const [id, acts] of this.acts) {
        if (acts.some(a => a.kind === 'delete' && a.team === team)) await this.settle(id)
      }
      await this.compactErased()
    })
    this.queue = run.catch((err: Error) => { warn(this.c.events, `deleted messages not erased: ${err.message}`) })
    await run
  }

  /** entries erased since the last compaction */
  private erasedNow: VerifiedEntry[] = []

  /** Have LevelDB rewrite the parts of its files that held what was just erased (see EntryLog.compact). */
  private async compactErased (): Promise<void> {
    if (this.erasedNow.length === 0) return
    const erased = this.erasedNow
    this.erasedNow = []
    await this.c.log.compact(erased)
  }

  private readonly isAdmin = (peerId: string): boolean => this.c.orgs.current?.isAdmin(peerId) === true

  /** A message as shells see it with its replies, edits, delete and reactions applied. */
  async decorate (view: MessageView, v?: VerifiedEntry): Promise<MessageView> {
    const out: MessageView = { ...view }
    const entry = v ?? await this.c.log.get(view.id)
    const body = entry === undefined ? undefined : this.c.views.bodyOf(entry)
    if (body !== undefined && body.replyTo.length === 32) {
      const rootId = hex(body.replyTo)
      out.replyTo = rootId
      const root = await this.c.log.get(rootId)
      if (root !== undefined && root.entry.team === view.team) {
        const rootView = await this.shown(root)
        out.quote = { author: root.author, authorName: rootView.authorName, text: rootView.deleted !== undefined ? '' : rootView.text.slice(0, QUOTE_CHARS), ...(rootView.deleted !== undefined ? { deleted: true as const } : {}) }
      }
    }
    const replies = [...(this.replies.get(view.id)?.values() ?? [])].filter(r => r.team === view.team)
    if (replies.length > 0) out.replies = { count: replies.length, last: Math.max(...replies.map(r => r.time)) }
    if (entry === undefined) return out
    return this.applyActs(out, entry)
  }

  /** The edits, delete and reactions of a message applied to its view. */
  private async applyActs (out: MessageView, v: VerifiedEntry): Promise<MessageView> {
    const acts = this.acts.get(v.idHex)
    if (acts === undefined || acts.length === 0) return out
    const target: ActTarget = { id: v.idHex, team: v.entry.team, author: v.author }
    const deletion = deletionOf(target, acts, this.isAdmin)
    if (deletion !== undefined) {
      const { file: _file, ...rest } = out
      return { ...rest, text: '', deleted: { by: deletion.by, byName: this.c.views.authorLabel(deletion.by), time: deletion.time } }
    }
    const edit = currentEdit(target, acts)
    if (edit !== undefined) {
      const e = await this.c.log.get(edit.id)
      const text = e === undefined ? undefined : this.c.views.bodyOf(e)?.text
      if (text !== undefined) {
        out.text = text
        out.edited = edit.time
      }
    }
    const reactions = reactionsOf(target, acts)
    if (Object.keys(reactions).length > 0) out.reactions = reactions
    return out
  }

  /** A held message as shown now. */
  private async shown (v: VerifiedEntry): Promise<MessageView> {
    return this.applyActs(this.c.views.message(v), v)
  }

  /** The text of a message as shown now, or null once deleted (what the search index holds). */
  async currentText (v: VerifiedEntry, body: Body): Promise<string | null> {
    const acts = this.acts.get(v.idHex)
    if (acts === undefined) return body.text
    const view = await this.shown(v)
    return view.deleted !== undefined ? null : view.text
  }

  /**
   * The message with this id or unique id prefix (at least 4 hex digits), in a team this node reads.
   * Throws InvalidArgumentError, NotFoundError or AmbiguousIdError.
   */
  async find (idOrPrefix: string): Promise<VerifiedEntry> {
    const prefix = idOrPrefix.trim().toLowerCase()
    if (!/^[0-9a-f]{4,64}$/.test(prefix)) throw new InvalidArgumentError('a message id is 4 to 64 hex digits (any unique prefix of the id)')
    const ids = await this.c.log.idsWithPrefix(prefix, 2)
    if (ids.length === 0) throw new MessageNotFoundError(`no message ${prefix} here`)
    if (ids.length > 1) throw new AmbiguousIdError(`${prefix} names more than one message: give more of its id`)
    const v = await this.c.log.get(ids[0]!)
    if (v === undefined || this.isAct(v)) throw new MessageNotFoundError(`no message ${prefix} here`)
    return v
  }

  /** A message as shown now, by id or prefix. */
  async view (idOrPrefix: string): Promise<MessageView> {
    const v = await this.find(idOrPrefix)
    return this.decorate(this.c.views.message(v), v)
  }

  /** Whether `reactor` has reacted to message `id` with `emoji` (the shown state). */
  reacted (v: VerifiedEntry, reactor: string, emoji: string): boolean {
    return reactionsOf({ id: v.idHex, team: v.entry.team, author: v.author }, this.acts.get(v.idHex) ?? [])[emoji]?.includes(reactor) === true
  }

  /** A message and its replies (held here), oldest first. */
  async thread (idOrPrefix: string): Promise<{ root: MessageView, replies: MessageView[] }> {
    const v = await this.find(idOrPrefix)
    const root = await this.decorate(this.c.views.message(v), v)
    const replies: MessageView[] = []
    const ids = [...(this.replies.get(v.idHex)?.entries() ?? [])]
      .filter(([, r]) => r.team === v.entry.team)
      .sort(([a, ra], [b, rb]) => actOrder({ lamport: ra.lamport, id: a }, { lamport: rb.lamport, id: b }))
    for (const [id] of ids) {
      const r = await this.c.log.get(id)
      if (r !== undefined) replies.push(await this.decorate(this.c.views.message(r), r))
    }
    return { root, replies }
  }

  /** The delete that erased a message, as its signed entry (history sync serves it beside the erased entry). */
  async erasureOf (v: VerifiedEntry): Promise<Uint8Array | undefined> {
    // an edit goes with the message it edits (named in its signed fields)
    const id = v.entry.editOf.length === 32 ? hex(v.entry.editOf) : v.idHex
    const target = id === v.idHex ? v : await this.c.log.get(id)
    if (target === undefined) return undefined
    const deletion = deletionOf({ id, team: target.entry.team, author: target.author }, this.acts.get(id) ?? [], this.isAdmin)
    if (deletion === undefined) return undefined
    return (await this.c.log.get(deletion.id))?.bytes
  }

  /** The delete behind an erased entry served from the log (its encoded form), for history sync. */
  async erasureOfEncoded (bytes: Uint8Array): Promise<Uint8Array | undefined> {
    return this.erasureOf(decodeStoredEntry(bytes))
  }

  /**
   * Check the deletes a peer served beside erased entries, each as if its author had sent it
   * (structure, signature, team, the author's right to write under its epoch, a body that is a
   * delete): per message id named, who signed the delete. One that fails is left out, so the
   * erased entry it would explain is refused.
   */
  async checkErasures (team: string, deletes: Uint8Array[]): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    const org = this.c.orgs.current
    if (org === undefined) return out
    for (const bytes of deletes) {
      try {
        const v = await decodeEntry(bytes)
        if (v.entry.team !== team || org.historyVerdict(team, v.entry.epoch, v.author) !== 'ok') continue
        const body = this.c.views.bodyOf(v)
        if (body === undefined || bodyKind(body) !== 'delete') continue
        out.set(hex(body.deleteOf), v.author)
      } catch {
        // a forged or broken delete explains nothing
      }
    }
    return out
  }

  /** A message's acts in order (for exports): its edits with their texts, its delete and its reactions. */
  async actsOf (v: VerifiedEntry): Promise<{ edits: Array<{ id: string, time: number, text: string }>, deleted?: { by: string, time: number, id: string }, reactions: Record<string, string[]> }> {
    const target: ActTarget = { id: v.idHex, team: v.entry.team, author: v.author }
    const acts = this.acts.get(v.idHex) ?? []
    const edits = []
    for (const x of (await this.versions(v, acts)).slice(1)) edits.push({ id: x.v.idHex, time: x.time, text: x.text })
    const d = deletionOf(target, acts, this.isAdmin)
    return { edits, ...(d !== undefined ? { deleted: { by: d.by, time: d.time, id: d.id } } : {}), reactions: reactionsOf(target, acts) }
  }
}

/** The act an entry's body is, if it is one. */
function actOf (v: VerifiedEntry, body: Body): Act | undefined {
  const base = { id: v.idHex, by: v.author, team: v.entry.team, lamport: v.entry.lamport, time: v.entry.wallTime }
  switch (bodyKind(body)) {
    // the message named in the clear must be the one the body names, or the edit is no edit
    case 'edit': return Buffer.compare(v.entry.editOf, body.editOf) === 0 ? { ...base, kind: 'edit' } : undefined
    case 'delete': return { ...base, kind: 'delete' }
    case 'reaction': return { ...base, kind: 'reaction', emoji: body.reaction!.emoji, ...(body.reaction!.remove ? { remove: true } : {}) }
    default: return undefined
  }
}

/** The id of the message an act names. */
function targetOf (body: Body): string {
  if (body.editOf.length > 0) return hex(body.editOf)
  if (body.deleteOf.length > 0) return hex(body.deleteOf)
  return hex(body.reaction!.target)
}

function hex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}
