/**
 * Running the office: suspending and resuming accounts, invites under control, announcement teams'
 * posters, and the org's own record.
 */
import { checkTeamName, printable } from '../../shell.js'
import { out, peerIdArg, printMembers, UsageError, withClient } from '../command.js'
import { formatTime } from '../format.js'
import type { Commands } from '../command.js'

export const officeCommands: Commands = {
  'admin suspend': {
    summary: 'block an account for a while: out of every team\'s key, posts and connections refused, kept in the directory (admins)',
    usage: 'parley admin suspend PEER_ID [--reason TEXT] [--json]',
    options: { reason: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = await peerIdArg(positionals[0])
      const reason = typeof values.reason === 'string' ? values.reason : ''
      printMembers(await withClient(dataDir, async c => c.request('admin.suspend', { peer, reason })), values.json === true)
      return 0
    }
  },
  'admin resume': {
    summary: 'lift a suspension: back into the teams they had, with the keys of what was written meanwhile (admins)',
    usage: 'parley admin resume PEER_ID [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = await peerIdArg(positionals[0])
      printMembers(await withClient(dataDir, async c => c.request('admin.resume', { peer })), values.json === true)
      return 0
    }
  },
  'invite list': {
    summary: 'the org\'s invites: pending, used by whom, expired or revoked, and who made each',
    usage: 'parley invite list [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const invites = await withClient(dataDir, async c => c.request('invite.list'))
      if (values.json === true) {
        out(JSON.stringify(invites))
        return 0
      }
      if (invites.length === 0) out('no invites yet')
      for (const i of invites) {
        const detail = i.status === 'used'
          ? `used by ${printable(i.usedByName ?? '')} (${i.usedBy})${i.usedAt !== undefined ? ` at ${formatTime(i.usedAt)}` : ''}`
          : i.status === 'revoked'
            ? `${i.revoked?.reason === 'revoked' ? 'revoked' : `withdrawn: ${i.revoked?.reason ?? ''}`} by ${printable(i.revoked?.byName ?? '')} at ${formatTime(i.revoked?.at ?? 0)}`
            : i.status === 'expired' ? `expired ${formatTime(i.expires)}` : `valid until ${formatTime(i.expires)}`
        out(`${i.id.slice(0, 12)}  ${i.status.padEnd(8)} made by ${printable(i.issuerName)} at ${formatTime(i.createdAt)}  ${i.teams.map(t => '#' + t).join(' ')}  ${detail}`)
      }
      return 0
    }
  },
  'invite revoke': {
    summary: 'revoke an invite not used yet: every admin\'s node refuses it at join (admins)',
    usage: 'parley invite revoke ID',
    options: {},
    run: async ({ dataDir, positionals }) => {
      const id = positionals[0]
      if (id === undefined) throw new UsageError('give the invite id (see parley invite list)')
      const invites = await withClient(dataDir, async c => c.request('invite.revoke', { id }))
      const revoked = invites.find(i => i.id.startsWith(id.toLowerCase()))
      out(`revoked invite ${revoked?.id.slice(0, 12) ?? id}`)
      return 0
    }
  },
  'team posters': {
    summary: 'name who posts in an announcement team besides the admins (none: admins only); its key is rotated (admins)',
    usage: 'parley team posters NAME [PEER_ID]... [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, ...posters] = positionals
      const view = await withClient(dataDir, async c => c.request('team.posters', { team: checkTeamName(team), posters: await Promise.all(posters.map(peerIdArg)) }))
      out(values.json === true ? JSON.stringify(view) : `#${view.name}: admins${(view.posters ?? []).length > 0 ? ` and ${(view.posters ?? []).length} poster(s)` : ' only'} post; everyone in it reads`)
      return 0
    }
  },
  'org log': {
    summary: 'every administrative act of the org in order, with who and when',
    usage: 'parley org log [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const log = await withClient(dataDir, async c => c.request('org.log'))
      if (values.json === true) {
        out(JSON.stringify(log))
        return 0
      }
      for (const e of log) out(`${String(e.n).padStart(4)}  ${formatTime(e.time)}  ${printable(e.byName)}: ${printable(e.text)}`)
      return 0
    }
  }
}
