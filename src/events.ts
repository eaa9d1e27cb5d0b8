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
  /** true when this node wrote it */
  local: boolean
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

/** Two different entries claimed the same author, team and sequence number. */
export interface ForkEvidence {
  team: string
  author: string
  seq: number
  existingId: string
  forkId: string
}

/** The event map of a ParleyNode. */
export interface ParleyEvents {
  /** a new entry was stored: written here (local) or accepted from a peer */
  'message:added': CustomEvent<MessageView>
  'peer:connected': CustomEvent<PeerView>
  'peer:disconnected': CustomEvent<{ peerId: string }>
  'entry:rejected': CustomEvent<EntryRejection>
  'entry:forked': CustomEvent<ForkEvidence>
  /** an operational problem worth a log line or a status line */
  'node:warning': CustomEvent<{ message: string }>
}

/** The names of the events, for clients that subscribe by name. */
export const EVENT_NAMES = ['message:added', 'peer:connected', 'peer:disconnected', 'entry:rejected', 'entry:forked', 'node:warning'] as const satisfies ReadonlyArray<keyof ParleyEvents>
export type EventName = typeof EVENT_NAMES[number]
