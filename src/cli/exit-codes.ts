/**
 * The CLI's exit codes, and which failure gets which: one table, keyed by the error classes' names
 * (errors from the node arrive over the control socket with their name).
 */

/** 0 ok, 1 operational failure, 2 bad usage. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** How a failure is reported: `usage` adds the command's usage line; `message` is the error's own sentence. */
export type FailureKind = 'usage' | 'message'

/** Every failure the CLI knows, by error name; anything else is exit 1 with its name shown. */
export const FAILURES: Readonly<Record<string, { code: number, kind: FailureKind }>> = {
  // bad usage: the command line is wrong
  UsageError: { code: EXIT_USAGE, kind: 'usage' },
  InvalidArgumentError: { code: EXIT_USAGE, kind: 'usage' },
  InvalidTeamNameError: { code: EXIT_USAGE, kind: 'usage' },
  // operational: the command was right, the world said no; the message says why
  NodeNotRunningError: { code: EXIT_FAILURE, kind: 'message' },
  DataDirLockedError: { code: EXIT_FAILURE, kind: 'message' },
  DataDirUnsafeError: { code: EXIT_FAILURE, kind: 'message' },
  NotInOrgError: { code: EXIT_FAILURE, kind: 'message' },
  NotAdminError: { code: EXIT_FAILURE, kind: 'message' },
  NotMemberError: { code: EXIT_FAILURE, kind: 'message' },
  InviteError: { code: EXIT_FAILURE, kind: 'message' },
  RecordRefusedError: { code: EXIT_FAILURE, kind: 'message' },
  NotSyncedError: { code: EXIT_FAILURE, kind: 'message' },
  DiskFullError: { code: EXIT_FAILURE, kind: 'message' },
  // "slow down: ...": over the author's limits on entries; nothing was sent
  EntryQuotaError: { code: EXIT_FAILURE, kind: 'message' },
  FileTooLargeError: { code: EXIT_FAILURE, kind: 'message' },
  FileNotFoundError: { code: EXIT_FAILURE, kind: 'message' },
  QuarantinedError: { code: EXIT_FAILURE, kind: 'message' },
  ScanFailedError: { code: EXIT_FAILURE, kind: 'message' },
  CorruptFileError: { code: EXIT_FAILURE, kind: 'message' },
  DamagedCopyError: { code: EXIT_FAILURE, kind: 'message' },
  PolicyNotAcceptedError: { code: EXIT_FAILURE, kind: 'message' },
  NameTakenError: { code: EXIT_FAILURE, kind: 'message' },
  MessageNotFoundError: { code: EXIT_FAILURE, kind: 'message' },
  AmbiguousIdError: { code: EXIT_FAILURE, kind: 'message' },
  NotAuthorError: { code: EXIT_FAILURE, kind: 'message' }
}

/** A file-system error as a sentence ("… already exists"), or undefined for other errors. */
export function fileErrorSentence (e: NodeJS.ErrnoException): string | undefined {
  const path = e.path !== undefined ? JSON.stringify(e.path) : 'the file'
  switch (e.code) {
    case 'EEXIST': return `${path} already exists; it is never overwritten: choose another name or remove it first`
    case 'ENOENT': return `${path} does not exist (or its folder does not)`
    case 'EACCES':
    case 'EPERM': return `no permission to use ${path}`
    case 'EISDIR': return `${path} is a folder, not a file`
    case 'ENOTDIR': return `a part of ${path} is not a folder`
    case 'ENOSPC': return `the disk holding ${path} is full`
    case 'EROFS': return `${path} is on a read-only file system`
    default: return undefined
  }
}

/** What to print for a failed command and the exit code: the one place a failure becomes a code. */
export function describeFailure (command: string, usage: string, error: Error): { code: number, text: string } {
  const known = Object.hasOwn(FAILURES, error.name) ? FAILURES[error.name] : undefined
  if (known !== undefined) {
    return { code: known.code, text: known.kind === 'usage' ? `parley ${command}: ${error.message}\nusage: ${usage}` : `parley ${command}: ${error.message}` }
  }
  const sentence = fileErrorSentence(error)
  if (sentence !== undefined) return { code: EXIT_FAILURE, text: `parley ${command}: ${sentence}` }
  return { code: EXIT_FAILURE, text: `parley ${command}: ${error.name}: ${error.message}` }
}
