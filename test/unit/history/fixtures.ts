import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { createEntry, encodeBody } from '../../../src/model/index.js'
import { EntryLog } from '../../../src/store/entry-log.js'
import type { HistoryOrgView } from '../../../src/history/check-batch.js'
import type { VerifiedEntry } from '../../../src/model/index.js'
import type { Member, OrgState } from '../../../src/teams/org-state.js'
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'

export const ORG_ID = 'ab'.repeat(32)

/** A person: a key, its peer id, and the string form authors are known by. */
export interface Person { key: Ed25519PrivateKey, peerId: PeerId, id: string }

export async function person (): Promise<Person> {
  const key = await generateIdentityKey()
  const peerId = peerIdFromPrivateKey(key)
  return { key, peerId, id: peerId.toString() }
}

/** `count` entries of `author` in `team`, seq `from` on, chained to `after`. */
export async function feed (author: Person, team: string, count: number, after?: VerifiedEntry, options: { epoch?: number, text?: string } = {}): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  let prev = after
  for (let i = 0; i < count; i++) {
    const seq = (prev?.entry.seq ?? 0) + 1
    const v = await createEntry(author.key, {
      team,
      seq,
      lamport: seq,
      wallTime: Date.now(),
      epoch: options.epoch ?? 1,
      prev: prev === undefined ? new Uint8Array(0) : new Uint8Array(prev.id),
      body: new Uint8Array(encodeBody({ text: `${options.text ?? 'm'}${seq}`, authorName: 'x' }))
    })
    out.push(v)
    prev = v
  }
  return out
}

/** A log in a fresh directory, and how to throw both away. */
export async function tempLog (): Promise<{ log: EntryLog, close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-history-'))
  const log = await EntryLog.open(join(dir, 'log'))
  return { log, close: async () => { await log.close(); await rm(dir, { recursive: true, force: true }) } }
}

/** An org view as history sync reads it: who is in the directory, who may read, who was removed. */
export interface OrgStub {
  members: Set<string>
  readers: Set<string>
  removed: Set<string>
  /** suspended members: still in `members`, their entries refused */
  suspended: Set<string>
  /** roster epochs known (others are 'unknown-epoch') */
  epochs: Set<number>
  /** per removed author, the last entry of theirs their removal names (one team: the stub's) */
  ends: Map<string, { seq: number, idHex: string }>
  /** authors whose entries the usage policy refuses (not accepted) */
  unaccepted: Set<string>
  /** members who are admins */
  admins?: Set<string>
}

export function orgStub (init: Partial<OrgStub> = {}): { stub: OrgStub, view: HistoryOrgView } {
  const stub: OrgStub = { members: init.members ?? new Set(), readers: init.readers ?? new Set(), removed: init.removed ?? new Set(), suspended: init.suspended ?? new Set(), epochs: init.epochs ?? new Set([1]), ends: init.ends ?? new Map<string, { seq: number, idHex: string }>(), unaccepted: init.unaccepted ?? new Set(), admins: init.admins ?? new Set() }
  const view: HistoryOrgView = {
    orgId: ORG_ID,
    // only `removed` and `suspended` are read of the state
    state: { get removed () { return stub.removed }, get suspended () { return stub.suspended } } as unknown as OrgState,
    member: (peerId: string) => stub.members.has(peerId) ? { peerId, name: peerId.slice(-4), admin: stub.admins?.has(peerId) === true } as unknown as Member : undefined,
    mayRead: (_team: string, peerId: string) => stub.readers.has(peerId),
    historyVerdict: (_team: string, epoch: number, author: string, beforeRemoval = false) => stub.removed.has(author) && !beforeRemoval ? `author ${author} was removed` : stub.suspended.has(author) ? `author ${author} is suspended` : !stub.epochs.has(epoch) ? 'unknown-epoch' : stub.members.has(author) || stub.removed.has(author) ? 'ok' : 'not in the roster',
    removedFeedEnd: (_team: string, author: string) => stub.removed.has(author) ? stub.ends.get(author) : undefined,
    policyVerdict: (author: string) => stub.unaccepted.has(author) ? `author ${author} had not accepted policy version 1 when writing this entry` : 'ok',
    createdAt: () => 0
  }
  return { stub, view }
}
