/**
 * What the node and the workstation are doing: doctor, sync status, peers, the node's info.
 */
import { printable } from '../../shell.js'
import { err, out, withClient } from '../command.js'
import { EXIT_FAILURE } from '../exit-codes.js'
import { formatPeer, formatTime, shortId } from '../format.js'
import type { Commands } from '../command.js'

export const diagnosticCommands: Commands = {
  doctor: {
    summary: 'check the common reasons this workstation cannot chat, and say what to do',
    usage: 'parley doctor [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const { diagnose } = await import('../doctor.js')
      const findings = await diagnose(dataDir)
      if (values.json === true) out(JSON.stringify(findings))
      else {
        for (const f of findings) {
          out(`${f.level === 'ok' ? '✓' : f.level === 'warn' ? '!' : '✗'} ${f.what}`)
          if (f.advice !== undefined) out(`    → ${f.advice}`)
        }
      }
      return findings.some(f => f.level === 'fail') ? EXIT_FAILURE : 0
    }
  },
  'sync-status': {
    summary: 'per team: what this node holds, per author, and what it is fetching',
    usage: 'parley sync-status [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const status = await withClient(dataDir, async c => c.request('sync-status'))
      if (values.json === true) {
        out(JSON.stringify(status))
        return 0
      }
      for (const t of status) {
        const last = t.lastSynced === undefined ? 'not synced since start' : `last synced ${formatTime(t.lastSynced)}`
        out(`#${t.team}: ${t.entries} entries, ${t.authors.length} authors, ${last}`)
        for (const a of t.authors) out(`    ${printable(a.name || shortId(a.author)).padEnd(20)} up to #${a.seq}`)
        for (const f of t.fetching) out(`    fetching from ${shortId(f.peer)}: ${f.received} received so far`)
      }
      return 0
    }
  },
  peers: {
    summary: 'list connected peers',
    usage: 'parley peers [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const peers = await withClient(dataDir, async c => c.request('peers'))
      if (values.json === true) out(JSON.stringify(peers))
      else if (peers.length === 0) err('no peers connected')
      else for (const p of peers) out(formatPeer(p))
      return 0
    }
  },
  info: {
    summary: 'show the running node\'s id, name, addresses and teams',
    usage: 'parley info [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const info = await withClient(dataDir, async c => c.request('info'))
      if (values.json === true) out(JSON.stringify(info))
      else out(`${info.name} ${info.peerId}\ndata: ${info.dataDir}\nteams: ${info.teams.join(', ')}\n${info.addresses.join('\n')}`)
      return 0
    }
  }
}
