/**
 * Records kept outside the node: verifiable exports of a team's history, backups and restores.
 */
import { resolve } from 'node:path'
import { printable } from '../../shell.js'
import type { ControlParams } from '../../index.js'
import { dateOption, err, out, teamOption, UsageError, withClient } from '../command.js'
import { EXIT_FAILURE } from '../exit-codes.js'
import { formatTime } from '../format.js'
import type { Commands } from '../command.js'

export const recordCommands: Commands = {
  export: {
    summary: 'write a team\'s history (or with --org the org\'s own record) for the records, hash-chained and signed (check it with verify-export)',
    usage: 'parley export (--team NAME | --org) [--since DATE] [--until DATE] [--format jsonl|csv] [--out FILE]',
    options: { team: { type: 'string' }, org: { type: 'boolean' }, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    run: async ({ dataDir, values }) => {
      const wholeOrg = values.org === true
      if (wholeOrg && values.team !== undefined) throw new UsageError('give --team NAME or --org, not both')
      const team = wholeOrg ? '' : teamOption(values, true)
      const format = typeof values.format === 'string' ? values.format : 'jsonl'
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format is jsonl or csv')
      const params: ControlParams<'export'> = { team, format }
      for (const key of ['since', 'until'] as const) {
        const v = values[key]
        if (typeof v !== 'string') continue
        params[key] = dateOption(key, v)
      }
      const { team: _team, ...orgParams } = params
      const lines = await withClient(dataDir, async c => wholeOrg ? c.request('org.export', orgParams) : c.request('export', params))
      const text = lines.join('\n') + '\n'
      if (typeof values.out === 'string') {
        const { writeFile } = await import('node:fs/promises')
        // never overwrite an existing record by accident
        await writeFile(values.out, text, { flag: 'wx', mode: 0o600 })
        err(`wrote ${lines.length - 2} records of ${wholeOrg ? 'the org log' : `#${team}`} to ${values.out}`)
      } else {
        process.stdout.write(text)
      }
      return 0
    }
  },
  'verify-export': {
    summary: 'check that an export is complete and unaltered',
    usage: 'parley verify-export FILE',
    options: {},
    run: async ({ positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the export file')
      const { readFile } = await import('node:fs/promises')
      try {
        const { verifyExport } = await import('../../index.js')
        const summary = await verifyExport(await readFile(file, 'utf8'))
        out(`ok: ${summary.records} records of ${summary.scope === 'org' ? `the org log of ${summary.org.slice(0, 16)}` : `#${summary.team}`}, exported by ${printable(summary.exportedByName)} (${summary.exportedBy}) at ${formatTime(summary.exportedAt)}`)
        return 0
      } catch (e) {
        if ((e as Error).name !== 'ExportVerificationError') throw e
        err(`parley verify-export: NOT VALID: ${(e as Error).message}`)
        return EXIT_FAILURE
      }
    }
  },
  backup: {
    summary: 'write a backup of this node (identity and log) to a new file; it holds your private key',
    usage: 'parley backup FILE',
    options: {},
    run: async ({ dataDir, positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the file to write the backup to')
      const r = await withClient(dataDir, async c => c.request('backup', { path: resolve(file) }))
      out(`wrote ${file} (${r.rows} records); keep it as safe as a password: it holds this identity's private key`)
      return 0
    }
  },
  restore: {
    summary: 'restore a backup into a new data dir (the node then catches up before posting)',
    usage: 'parley restore FILE [--data NEW_DIR]',
    options: {},
    run: async ({ dataDir, positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the backup file')
      const { restoreBackupInto } = await import('../../index.js')
      const r = await restoreBackupInto(resolve(file), dataDir)
      out(`restored ${r.peerId} into ${dataDir} (${r.rows} records). Start it with: parley daemon --data ${dataDir}`)
      err('it will post again once a colleague\'s node has sent it anything it wrote after this backup')
      return 0
    }
  }
}
