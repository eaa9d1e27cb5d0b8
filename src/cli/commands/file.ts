/**
 * Shared files from the command line: sending one, fetching one with a progress line, listing them.
 */
import { resolve } from 'node:path'
import { ControlClient, formatBytes, printable } from '../../shell.js'
import type { FileProgress } from '../../index.js'
import { err, out, peerIdArg, teamOption, UsageError, withClient } from '../command.js'
import type { Commands } from '../command.js'

/** "report.pdf  42% 21 MB of 50 MB  38 MB/s  from 3 peers" */
function progressLine (p: FileProgress): string {
  const pct = Math.floor(100 * p.bytes / Math.max(1, p.size))
  return `${printable(p.name)}  ${pct}% ${formatBytes(p.bytes)} of ${formatBytes(p.size)}  ${formatBytes(p.rate)}/s  from ${p.peers} peer${p.peers === 1 ? '' : 's'}`
}

export const fileCommands: Commands = {
  'file send': {
    summary: 'share a file with a team (or one member with --to)',
    usage: 'parley file send (--team NAME | --to PEER_ID) [--caption TEXT] [--name NAME] [--json] PATH',
    options: { team: { type: 'string' }, to: { type: 'string' }, caption: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length !== 1) throw new UsageError('give exactly one file to send')
      const path = resolve(positionals[0]!)
      const to = typeof values.to === 'string' ? await peerIdArg(values.to) : undefined
      const team = to === undefined ? teamOption(values, true) : undefined
      const caption = typeof values.caption === 'string' ? values.caption : ''
      const name = typeof values.name === 'string' ? values.name : undefined
      const file = await withClient(dataDir, async c => c.request('file.send', { path, caption, ...(name !== undefined ? { name } : {}), ...(to !== undefined ? { peer: to } : { team }) }))
      out(values.json === true ? JSON.stringify(file) : `${file.id}  ${file.name}  ${formatBytes(file.size)}`)
      return 0
    }
  },
  'file get': {
    summary: 'fetch a shared file and save it (default: the current folder)',
    usage: 'parley file get ID [--out DIR] [--json]',
    options: { out: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length !== 1) throw new UsageError('give the id of one file (see `parley file list`)')
      const outDir = resolve(typeof values.out === 'string' ? values.out : '.')
      const client = await ControlClient.connect(dataDir)
      try {
        const id = positionals[0]!.toLowerCase()
        const tty = process.stderr.isTTY === true
        let lastLine = 0
        client.onEvent((e) => {
          if (e.event !== 'file:progress') return
          const p = e.data
          if (!p.id.startsWith(id)) return
          const now = Date.now()
          if (!tty && now - lastLine < 2_000 && p.bytes < p.size) return
          lastLine = now
          process.stderr.write(`${tty ? '\r\x1b[K' : ''}${progressLine(p)}${tty ? '' : '\n'}`)
        })
        await client.request('subscribe', { events: ['file:progress'] })
        const got = await client.request('file.get', { id, out: outDir })
        if (tty) process.stderr.write('\r\x1b[K')
        out(values.json === true ? JSON.stringify(got) : got.path)
        return 0
      } finally {
        client.close()
      }
    }
  },
  'file list': {
    summary: 'list the files shared in your teams',
    usage: 'parley file list [--team NAME] [--json]',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, false)
      const files = await withClient(dataDir, async c => c.request('file.list', team === undefined ? {} : { team }))
      if (values.json === true) {
        out(JSON.stringify(files))
        return 0
      }
      for (const f of files) {
        const state = f.state === 'partial' ? `${Math.floor(100 * f.held / Math.max(1, f.size))}%` : f.state
        out(`${f.id.slice(0, 12)}  #${f.team.padEnd(12)} ${formatBytes(f.size).padStart(8)}  ${state.padEnd(11)} ${printable(f.authorName).padEnd(12)} ${printable(f.name)}${f.reason !== undefined ? `  (${printable(f.reason)})` : ''}`)
      }
      if (files.length === 0) err('no files shared in your teams yet')
      return 0
    }
  }
}
