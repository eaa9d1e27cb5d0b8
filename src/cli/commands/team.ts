/**
 * Teams and the directory: creating and changing teams, their retention and holds, who is in them.
 */
import { checkTeamName, printable } from '../../shell.js'
import { out, peerIdArg, printMembers, teamOption, UsageError, withClient } from '../command.js'
import type { Commands } from '../command.js'

export const teamCommands: Commands = {
  'team create': {
    summary: 'create a team, with you and the given members in it; --announce: only admins (and posters) post (admins)',
    usage: 'parley team create NAME [PEER_ID]... [--announce]',
    options: { announce: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, ...members] = positionals
      const announce = values.announce === true
      const params = { team: checkTeamName(team), members: await Promise.all(members.map(peerIdArg)) }
      await withClient(dataDir, async c => announce ? c.request('team.create-announce', params) : c.request('team.create', params))
      out(`created #${team}${announce ? ', an announcement team: only admins post (name posters with parley team posters)' : ''}`)
      return 0
    }
  },
  'team add': {
    summary: 'add members to a team (admins)',
    usage: 'parley team add NAME PEER_ID...',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, ...members] = positionals
      if (members.length === 0) throw new UsageError('name at least one member to add')
      printMembers(await withClient(dataDir, async c => c.request('team.add', { team: checkTeamName(team), members: await Promise.all(members.map(peerIdArg)) })), values.json === true)
      return 0
    }
  },
  'team remove': {
    summary: 'take a member out of a team; its key is rotated (admins)',
    usage: 'parley team remove NAME PEER_ID',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, member] = positionals
      printMembers(await withClient(dataDir, async c => c.request('team.remove', { team: checkTeamName(team), member: await peerIdArg(member) })), values.json === true)
      return 0
    }
  },
  'team retention': {
    summary: 'keep a team\'s messages N days (or forever); every node deletes older ones (admins)',
    usage: 'parley team retention NAME DAYS|forever [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, period] = positionals
      if (team === undefined || period === undefined || positionals.length !== 2) throw new UsageError('give a team and a number of days (or "forever")')
      const days = period === 'forever' ? 0 : /^\d+$/.test(period) ? Number(period) : NaN
      if (!Number.isSafeInteger(days)) throw new UsageError(`"${period}" is not a number of days or "forever"`)
      const t = await withClient(dataDir, async c => c.request('team.retention', { team: checkTeamName(team), days }))
      out(values.json === true ? JSON.stringify(t) : `#${t.name}: ${t.retentionDays === 0 ? 'messages are kept for ever' : `messages older than ${t.retentionDays} days are deleted on every node`}${t.hold ? ' (on hold: nothing is deleted until it is lifted)' : ''}`)
      return 0
    }
  },
  'team hold': {
    summary: 'place or lift a hold on a team: while on, nothing is deleted (admins)',
    usage: 'parley team hold NAME on|off [--reason TEXT] [--json]',
    options: { reason: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [team, state] = positionals
      if (team === undefined || (state !== 'on' && state !== 'off') || positionals.length !== 2) throw new UsageError('give a team and on or off')
      const reason = typeof values.reason === 'string' ? values.reason : ''
      const t = await withClient(dataDir, async c => c.request('team.retention', { team: checkTeamName(team), hold: state === 'on', reason }))
      out(values.json === true ? JSON.stringify(t) : `#${t.name}: ${t.hold ? 'on hold, nothing is deleted' : 'hold lifted'}`)
      return 0
    }
  },
  'team list': {
    summary: 'list the organisation\'s teams',
    usage: 'parley team list [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const teams = await withClient(dataDir, async c => c.request('teams'))
      if (values.json === true) out(JSON.stringify(teams))
      else {
        for (const t of teams) {
          const kept = t.retentionDays === 0 ? '' : `, keeps ${t.retentionDays} days`
          const hold = t.hold ? `, ON HOLD${t.holdReason !== undefined ? ` (${printable(t.holdReason)})` : ''}` : ''
          out(`${t.joined ? '*' : ' '} #${t.name.padEnd(20)} ${t.members} members, key epoch ${t.epoch}${kept}${hold}`)
        }
      }
      return 0
    }
  },
  members: {
    summary: 'list the directory, or one team\'s members, with who is online',
    usage: 'parley members [--team NAME] [--json]',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, false)
      printMembers(await withClient(dataDir, async c => c.request('members', team === undefined ? {} : { team })), values.json === true)
      return 0
    }
  }
}
