/**
 * The LevelDB layout of the log: its sublevels, their keys, and the encodings of both.
 *
 * Sublevels and their keys (team names and peer ids never contain ':'):
 *   e  idHex                              -> signed entry bytes
 *   o  team:lamport:author:seq            -> idHex   display order, the same on every node
 *   f  team:author:seq                    -> idHex   one author's feed, in sequence order
 *   x  team:author:seq:idHex              -> bytes   fork evidence: a second entry for a taken feed slot
 *   r  idHex                              -> signed org record bytes (directory, rosters, invites)
 *   m  name                               -> JSON    metadata (see meta-store.ts for every name)
 *   s  team:term:lamport:author:seq       -> idHex   the local full-text index (see search-index.ts)
 *   c  a:targetHex:actHex / r:rootHex:replyHex -> JSON  acts on messages and replies (conversation-index.ts)
 * Numbers are zero-padded hex so that byte order is numeric order.
 */
import type { Level } from 'level'
import type { AbstractSublevel } from 'abstract-level'
import type { VerifiedEntry } from '../model/index.js'

export type Db = Level<string, string>
export type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>

/** The sublevels of one opened (or opening) database. */
export interface Tables {
  db: Db
  entries: Sub<Uint8Array>
  order: Sub<string>
  feed: Sub<string>
  forks: Sub<Uint8Array>
  meta: Sub<unknown>
  records: Sub<Uint8Array>
  search: Sub<string>
  conv: Sub<unknown>
}

/** Bind the sublevels to a database, before it opens, so that they open with it. */
export function tablesOf (db: Db): Tables {
  return {
    db,
    entries: db.sublevel<string, Uint8Array>('e', { valueEncoding: 'view' }),
    order: db.sublevel<string, string>('o', { valueEncoding: 'utf8' }),
    feed: db.sublevel<string, string>('f', { valueEncoding: 'utf8' }),
    forks: db.sublevel<string, Uint8Array>('x', { valueEncoding: 'view' }),
    meta: db.sublevel<string, unknown>('m', { valueEncoding: 'json' }),
    records: db.sublevel<string, Uint8Array>('r', { valueEncoding: 'view' }),
    search: db.sublevel<string, string>('s', { valueEncoding: 'utf8' }),
    conv: db.sublevel<string, unknown>('c', { valueEncoding: 'json' })
  }
}

/** The root keys a backup leaves out: the search and conversation indexes and their markers, which are rebuilt. */
export function isRebuiltKey (key: string): boolean {
  return key.startsWith('!s!') || key === '!m!searchIndex' || key.startsWith('!c!') || key === '!m!conversations'
}

/** A value of bytes in a batch of the (UTF-8) root database. */
export const BYTES = { valueEncoding: 'view' } as const
/** classic-level's fsync flag; the `level` typings leave it out */
export const writeOptions = (durable: boolean | undefined): object => ({ sync: durable === true })

/** A number as a key part: zero-padded hex, so that byte order is numeric order. */
export const pad = (n: number): string => n.toString(16).padStart(14, '0')

/** The display-order key of an entry: Lamport clock, then author, then sequence. */
export function orderKey (v: VerifiedEntry): string {
  return `${v.entry.team}:${pad(v.entry.lamport)}:${v.author}:${pad(v.entry.seq)}`
}

/** The key of a feed slot. */
export function feedKey (team: string, author: string, seq: number): string {
  return `${team}:${author}:${pad(seq)}`
}
