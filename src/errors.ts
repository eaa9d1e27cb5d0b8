/**
 * One class per failure. Callers recognise an error by `err.name`, never by its message,
 * and the control socket carries `name` across the process boundary.
 */

abstract class ParleyError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A value given by a user or a client was not acceptable (bad name, bad argument). */
export class InvalidArgumentError extends ParleyError {}

/** A team name that does not match the allowed pattern. */
export class InvalidTeamNameError extends ParleyError {}

/** Bytes from the network or a file that are not a well-formed parley entry. */
export class InvalidEntryError extends ParleyError {}

/** An entry whose signature does not match its author. */
export class BadSignatureError extends ParleyError {}

/** An encoded value is larger than the limit for its kind, rejected before decoding. */
export class MessageTooLargeError extends ParleyError {}

/** Another process holds the data directory. */
export class DataDirLockedError extends ParleyError {}

/** No parley node is serving the control socket of a data directory. */
export class NodeNotRunningError extends ParleyError {}

/** The identity file exists but cannot be read as a private key. */
export class CorruptIdentityError extends ParleyError {}

/** A control request named a method the node does not have. */
export class UnknownMethodError extends ParleyError {}

/** A control request or response that is not valid JSON of the expected shape, or a peer that breaks a stream protocol's rules. */
export class ProtocolError extends ParleyError {}

/** The node is not started, or is stopping. */
export class NotStartedError extends ParleyError {}


/** The node has no organisation yet: create one or join with an invite. */
export class NotInOrgError extends ParleyError {}

/** The action needs an admin of the organisation. */
export class NotAdminError extends ParleyError {}

/** The action needs membership of a team (or of the org) that the node or peer does not have. */
export class NotMemberError extends ParleyError {}

/** An invite token that is malformed, forged, expired or already used. */
export class InviteError extends ParleyError {}

/** A signed org record that the org's rules refuse (forged, rolled back, from a removed admin...). */
export class RecordRefusedError extends ParleyError {}

/** An entry seen before: a replay. */
export class ReplayedEntryError extends ParleyError {}

/** A history range with a hole or a broken hash chain in an author's feed. */
export class GappedRangeError extends ParleyError {}

/** An entry of another team than the one asked for or served. */
export class OutOfTeamError extends ParleyError {}

/** An entry whose Lamport clock or wall time is implausibly far ahead of this node's: refused now, perhaps taken later. */
export class ImplausibleEntryError extends ParleyError {}

/** An entry by an author removed from the org (or suspended) that this node did not hold before it learned of it. */
export class RemovedAuthorError extends ParleyError {}

/** An entry of a roster epoch this node has no record of: it is behind on the org, or the entry is bogus. */
export class UnknownEpochError extends ParleyError {}

/** An entry over its author's limits per team (entries or bytes a minute or a day): "slow down". */
export class EntryQuotaError extends ParleyError {}

/** A node restored from a backup has not yet heard from its peers what it wrote after the backup. */
export class NotSyncedError extends ParleyError {}

/** Something in the data dir cannot be made owner-only (it belongs to another user). */
export class DataDirUnsafeError extends ParleyError {}

/** The disk holding the data dir is full: nothing was written; what was acknowledged is safe. */
export class DiskFullError extends ParleyError {}

/** A file larger than this node's configured maximum: not sent, not fetched. */
export class FileTooLargeError extends ParleyError {}

/** No file with that id (or id prefix) is known here, or a path to send that cannot be read. */
export class FileNotFoundError extends ParleyError {}

/** The virus scanner found something: the file is quarantined, never released or served. */
export class QuarantinedError extends ParleyError {}

/** The virus scanner could not run or gave no verdict: the file is not released. */
export class ScanFailedError extends ParleyError {}

/** A file's chunks or whole-file hash do not match its manifest. */
export class CorruptFileError extends ParleyError {}

/** This node's own copy of a file is damaged on its disk (not the sender's doing): fetching it again repairs it. */
export class DamagedCopyError extends ParleyError {}

/** This node's member has not accepted the org's usage policy in force (or, when it asks at every session, not in this session): it reads but does not post. */
export class PolicyNotAcceptedError extends ParleyError {}

/** A display name that passes for another member's (ignoring case, accents and look-alike letters). */
export class NameTakenError extends ParleyError {}

/** No message with that id (or id prefix) is held here. */
export class MessageNotFoundError extends ParleyError {}

/** An id prefix that names more than one message. */
export class AmbiguousIdError extends ParleyError {}

/** Only a message's author may do that (edit it; delete it, unless an admin). */
export class NotAuthorError extends ParleyError {}

/** Names of every error class, so a client can rebuild errors sent over the control socket. */
export const errorClasses = {
  InvalidArgumentError,
  InvalidTeamNameError,
  InvalidEntryError,
  BadSignatureError,
  MessageTooLargeError,
  DataDirLockedError,
  NodeNotRunningError,
  CorruptIdentityError,
  UnknownMethodError,
  ProtocolError,
  NotStartedError,
  NotInOrgError,
  NotAdminError,
  NotMemberError,
  InviteError,
  RecordRefusedError,
  ReplayedEntryError,
  GappedRangeError,
  OutOfTeamError,
  UnknownEpochError,
  NotSyncedError,
  DiskFullError,
  FileTooLargeError,
  FileNotFoundError,
  QuarantinedError,
  ScanFailedError,
  CorruptFileError,
  DamagedCopyError,
  DataDirUnsafeError,
  ImplausibleEntryError,
  RemovedAuthorError,
  EntryQuotaError,
  PolicyNotAcceptedError,
  NameTakenError,
  MessageNotFoundError,
  AmbiguousIdError,
  NotAuthorError
} as const
