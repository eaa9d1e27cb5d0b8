/**
 * The typed events of a parley node. The core emits each once; shells (CLI, control socket, UI) subscribe.
 */

/** A message as shells see it: decoded, with the author resolved to a peer id. */
export interface MessageView {
  /** hex SHA-256 of the signed entry */
  id: string
  team: string
  /** author peer id */
  author: string
  /** the display name the author had when writing */
  authorName: string
  seq: number
  lamport: number
  /** author's wall clock in ms, for display only; order comes from `lamport` */
  time: number
  text: string
  /** the author asked that it reach people even when they are busy or do-not-disturb */
  urgent: boolean
  /** true when this node wrote it */
  local: boolean
  /** false when this node holds no key for the entry's epoch; `text` is then empty */
  readable: boolean
  /** the team key epoch it was written under */
  epoch: number
  /** for a direct message: the peer id of the other person */
  direct?: string
  /** only on the result of send: how many peers the message was handed to directly */
  recipients?: number
  /** a file shared with this message; `text` is its caption */
  file?: { id: string, name: string, size: number, type: string, sha256: string }
  /** the author's virus scanner quarantined a file of this team */
  flag?: { file: string, reason: string }
  /**
   * the author signed two different entries for this place of its feed (a fork), each shown to
   * different colleagues: `otherId` is the version this node does not hold in its feed, and
   * `versions` both, lowest id first, so that every node shows them in the same order
   */
  forked?: { otherId: string, versions: Array<{ id: string, text: string, readable: boolean }> }
  /** the author signed two versions of some entry of this team (this one or another): a forker */
  forker?: true
  /** the id of the message this one replies to */
  replyTo?: string
  /** the start of the message replied to, when this node holds it (its text is empty once deleted) */
  quote?: { author: string, authorName: string, text: string, deleted?: true }
  /** the author's wall time of the last edit; absent if never edited (`text` is then the latest text) */
  edited?: number
  /** deleted by its author or an admin: `text` is empty and the file is gone */
  deleted?: { by: string, byName: string, time: number }
  /** emoji -> the peer ids that reacted with it, sorted; absent when none */
  reactions?: Record<string, string[]>
  /** how many replies it has (a thread), and the time of the newest; absent when none */
  replies?: { count: number, last: number }
}

export type FileState = 'remote' | 'partial' | 'complete' | 'quarantined' | 'corrupt'

/** A file as shells see it. */
export interface FileView {
  /** hex of the manifest's random id; commands accept any unique prefix */
  id: string
  team: string
  /** the sender's name, made safe to show and to save */
  name: string
  size: number
  type: string
  sha256: string
  author: string
  authorName: string
  time: number
  /** id of the entry that carries the manifest */
  entryId: string
  state: FileState
  /** verified bytes held here */
  held: number
  /** why it is quarantined or corrupt */
  reason?: string
}

export interface FileProgress {
  id: string
  name: string
  team: string
  /** verified bytes held */
  bytes: number
  size: number
  /** bytes per second since this transfer started */
  rate: number
  /** peers sending right now */
  peers: number
}


/** Presence statuses a member can set; `offline` is only ever inferred. */
export const PRESENCE_STATUSES = ['available', 'away', 'busy', 'dnd'] as const
export type PresenceStatus = typeof PRESENCE_STATUSES[number]

/** A member's presence; `offline` when not heard from recently. */
export interface PresenceView {
  peerId: string
  status: 'available' | 'away' | 'busy' | 'dnd' | 'offline'
  text: string
  /** when it was set, ms since the epoch */
  since: number
  /** how far the member's clock was ahead of ours (negative: behind) when we last heard, in ms */
  clockSkew?: number
}

/** A connected peer. */
export interface PeerView {
  peerId: string
  addresses: string[]
}

/** Why an entry from the network was refused. */
export interface EntryRejection {
  /** the peer that relayed it */
  from: string
  team: string
  /** the error class name, e.g. BadSignatureError */
  reason: string
  message: string
}

/** Two different entries claimed the same author, team and sequence number (reported once per fork slot). */
export interface ForkEvidence {
  team: string
  author: string
  seq: number
  /** the version in this node's feed */
  existingId: string
  /** the other version, kept as evidence */
  forkId: string
  /** the message as it is shown now, with its `forked` mark (absent when this node cannot build it) */
  message?: MessageView
}

/** The org's directory or rosters changed (records applied), or a record was refused. */
export interface OrgChangeView {
  orgId: string
  /** kinds of the records applied: genesis, addMember, removeMember, roster, invite */
  applied: string[]
  /** peers removed from the directory by this change */
  removed: string[]
  /** who signed each applied record (peer id), and on their clock when (ms): parallel to `applied` */
  by?: Array<{ signer: string, at: number }>
}

/** A signed org record the org's rules refused. */
export interface RecordRefusal {
  signer: string
  kind: string
  reason: string
}

/** The event map of a ParleyNode. */
export interface ParleyEvents {
  /** a new entry was stored: written here (local) or accepted from a peer */
  'message:added': CustomEvent<MessageView>
  /** a message's text was changed by its author: the message as it is shown now */
  'message:edited': CustomEvent<MessageView>
  /** a message was deleted by its author or an admin: the message as it is shown now (no text) */
  'message:deleted': CustomEvent<MessageView>
  /** someone added or removed a reaction: the message as it is shown now */
  'reaction:changed': CustomEvent<MessageView & { reactor: string, emoji: string, removed: boolean }>
  'peer:connected': CustomEvent<PeerView>
  'peer:disconnected': CustomEvent<{ peerId: string }>
  'entry:rejected': CustomEvent<EntryRejection>
  'entry:forked': CustomEvent<ForkEvidence>
  /** a history sync with a peer finished; `received` entries were new here */
  'history:synced': CustomEvent<{ team: string, peer: string, received: number }>
  'presence:changed': CustomEvent<PresenceView>
  'org:changed': CustomEvent<OrgChangeView>
  'org:refused': CustomEvent<RecordRefusal>
  /** `join` found no admin to talk to yet and keeps trying */
  'join:waiting': CustomEvent<{ org: string, admins: string[] }>
  /** a file was shared in one of this node's teams (its manifest arrived) */
  'file:added': CustomEvent<FileView>
  /** a transfer moved on: verified bytes held, rate, peers sending */
  'file:progress': CustomEvent<FileProgress>
  /** every chunk is here and the whole file matches its hash (and passed the scan, if one is set) */
  'file:complete': CustomEvent<FileView>
  'file:failed': CustomEvent<FileView & { error: string, message: string }>
  /** the virus scanner found something: the file is never released or served */
  'file:quarantined': CustomEvent<FileView>
  /** an operational problem worth a log line or a status line */
  'node:warning': CustomEvent<{ message: string }>
}

/** The names of the events, for clients that subscribe by name. */
export const EVENT_NAMES = ['message:added', 'message:edited', 'message:deleted', 'reaction:changed', 'peer:connected', 'peer:disconnected', 'entry:rejected', 'entry:forked', 'history:synced', 'presence:changed', 'org:changed', 'org:refused', 'join:waiting', 'file:added', 'file:progress', 'file:complete', 'file:failed', 'file:quarantined', 'node:warning'] as const satisfies ReadonlyArray<keyof ParleyEvents>
export type EventName = typeof EVENT_NAMES[number]
