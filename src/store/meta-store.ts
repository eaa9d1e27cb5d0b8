/**
 * The log's metadata (sublevel `m`, JSON values): every name a service keeps there and the type of
 * its value, in one schema, and a typed handle on one name.
 */
import { writeOptions } from './layout.js'
import type { PresenceStatus } from '../events.js'
import type { Sub } from './layout.js'

/** The last entry of an unbroken run of an author's feed. */
export interface FeedHead {
  seq: number
  idHex: string
}

/** What a stop left for the search index to take in. */
export interface UnindexedSpans {
  version: number
  /** per team, the display-order keys from and to (both included) */
  spans: Record<string, { from: string, to: string }>
}

/** A node restored from a backup: when, and the teams it has since heard of from a peer. */
export interface RestoredState {
  at: number
  confirmed: string[]
}

/** Every metadata name and the type of its value. The names are the LevelDB keys (`!m!<name>`). */
export interface MetaSchema {
  /** the store layout (entry-log.ts STORE_FORMAT) */
  format: number
  /** the id of the org this node belongs to (teams/org.ts) */
  org: string
  /** this node's own presence, kept across restarts (presence/presence-service.ts) */
  presence: { status: PresenceStatus, text: string }
  /** the search index's layout version once complete, 0 while not (search/indexer.ts) */
  searchIndex: number
  /** the conversation index's layout version after a clean stop, 0 while a node runs (conversation-index.ts) */
  conversations: number
  /** what a stop left unindexed (search/indexer.ts) */
  unindexed: UnindexedSpans
  /** set by a restore (store/backup.ts), until the node has heard from peers */
  restored: RestoredState
  /** per author, the last entry of a team's feed that expired here (entry-log.ts) */
  [floor: `floor:${string}`]: Record<string, FeedHead>
}

/** A metadata name. */
export type MetaName = keyof MetaSchema

/** One metadata value: read, written durably, deleted. */
export interface MetaValue<T> {
  get: () => Promise<T | undefined>
  put: (value: T) => Promise<void>
  delete: () => Promise<void>
}

/** How the meta store reaches the log: its current sublevel, and its queue of guarded writes. */
export interface MetaBackend {
  sublevel: () => Sub<unknown>
  /** run a write after the log's earlier writes, reopening first if one failed */
  write: (fn: () => Promise<void>) => Promise<void>
}

/** The handle on metadata name `name`. */
export function metaValue<K extends MetaName> (backend: MetaBackend, name: K): MetaValue<MetaSchema[K]> {
  return {
    get: async () => await backend.sublevel().get(name) as MetaSchema[K] | undefined,
    put: async (value) => { await backend.write(async () => { await backend.sublevel().put(name, value, writeOptions(true)) }) },
    delete: async () => { await backend.write(async () => { await backend.sublevel().del(name, writeOptions(true)) }) }
  }
}
