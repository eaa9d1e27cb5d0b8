import { describe, expect, it } from 'vitest'
import * as publicApi from '../../../src/index.js'
import { describeFailure, EXIT_FAILURE, EXIT_USAGE, FAILURES } from '../../../src/cli/exit-codes.js'
import { UsageError } from '../../../src/cli/command.js'
import { EntryQuotaError } from '../../../src/errors.js'

const USAGE = 'parley send --team NAME TEXT...'

describe('cli/exit-codes: one table from error class to exit code', () => {
  it('names only real error classes', () => {
    for (const name of Object.keys(FAILURES)) {
      if (name === 'UsageError') continue
      const Cls = (publicApi as unknown as Record<string, unknown>)[name]
      expect(typeof Cls, name).toBe('function')
      expect(new (Cls as new (m: string) => Error)('x').name).toBe(name)
    }
  })

  it('gives bad usage exit 2 with the usage line', () => {
    for (const error of [new UsageError('give the text'), new publicApi.InvalidArgumentError('bad name'), new publicApi.InvalidTeamNameError('invalid team name "X"')]) {
      expect(describeFailure('send', USAGE, error)).toEqual({ code: EXIT_USAGE, text: `parley send: ${error.message}\nusage: ${USAGE}` })
    }
  })

  it('gives an operational failure exit 1 with its own sentence, also when it came over the control socket by name', () => {
    expect(describeFailure('info', USAGE, new publicApi.NodeNotRunningError('no parley node is running'))).toEqual({ code: EXIT_FAILURE, text: 'parley info: no parley node is running' })
    const remote = new Error('only admins can do that')
    remote.name = 'NotAdminError'
    expect(describeFailure('invite', USAGE, remote)).toEqual({ code: EXIT_FAILURE, text: 'parley invite: only admins can do that' })
    expect(describeFailure('x', USAGE, new publicApi.DataDirUnsafeError('unsafe')).code).toBe(EXIT_FAILURE)
  })

  it('keeps the codes the CLI has always used', () => {
    expect(Object.fromEntries(Object.entries(FAILURES).map(([name, f]) => [name, f.code]))).toEqual({
      UsageError: 2,
      InvalidArgumentError: 2,
      InvalidTeamNameError: 2,
      NodeNotRunningError: 1,
      DataDirLockedError: 1,
      DataDirUnsafeError: 1,
      NotInOrgError: 1,
      NotAdminError: 1,
      NotMemberError: 1,
      InviteError: 1,
      RecordRefusedError: 1,
      NotSyncedError: 1,
      DiskFullError: 1,
      EntryQuotaError: 1,
      FileTooLargeError: 1,
      FileNotFoundError: 1,
      QuarantinedError: 1,
      ScanFailedError: 1,
      CorruptFileError: 1,
      DamagedCopyError: 1,
      PolicyNotAcceptedError: 1,
      NameTakenError: 1,
      MessageNotFoundError: 1,
      AmbiguousIdError: 1,
      NotAuthorError: 1
    })
  })

  it('says "slow down" for a post over the limits on entries', () => {
    const e = new EntryQuotaError('slow down: you would have 121 entries in a minute in general')
    expect(describeFailure('send', USAGE, e)).toEqual({ code: EXIT_FAILURE, text: 'parley send: slow down: you would have 121 entries in a minute in general' })
  })

  it('says a file-system error as a sentence, never as a raw code', () => {
    const e = Object.assign(new Error("EEXIST: file already exists, open 'out.jsonl'"), { code: 'EEXIST', path: 'out.jsonl' })
    expect(describeFailure('export', USAGE, e)).toEqual({ code: EXIT_FAILURE, text: 'parley export: "out.jsonl" already exists; it is never overwritten: choose another name or remove it first' })
    const full = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })
    expect(describeFailure('backup', USAGE, full).text).toBe('parley backup: the disk holding the file is full')
  })

  it('shows anything else with its name, exit 1', () => {
    expect(describeFailure('send', USAGE, new TypeError('boom'))).toEqual({ code: EXIT_FAILURE, text: 'parley send: TypeError: boom' })
    // a name that happens to be an Object.prototype key is no entry of the table
    const odd = new Error('odd')
    odd.name = 'constructor'
    expect(describeFailure('send', USAGE, odd)).toEqual({ code: EXIT_FAILURE, text: 'parley send: constructor: odd' })
  })
})
