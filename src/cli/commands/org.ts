/**
 * The organisation: founding one, inviting a newcomer, joining with an invite.
 */
import { checkDisplayName, checkTeamName, InviteError, parseDuration } from '../../shell.js'
import { err, NETWORK_OPTIONS, out, UsageError, withClient } from '../command.js'
import { formatTime } from '../format.js'
import { viaNodeOrClient } from '../run-node.js'
import type { Commands } from '../command.js'

export const orgCommands: Commands = {
  'org create': {
    summary: 'found an organisation with you as its first admin, and a team "general"',
    usage: 'parley org create NAME',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const name = positionals.join(' ').trim()
      if (name === '') throw new UsageError('give the organisation a name')
      const info = await withClient(dataDir, async c => c.request('org.create', { name }))
      out(values.json === true ? JSON.stringify(info) : `created ${info.org?.name} (${info.org?.id.slice(0, 16)}); you are its admin, in #general`)
      return 0
    }
  },
  invite: {
    summary: 'make a one-time invite token for a newcomer (admins)',
    usage: 'parley invite [--team NAME]... [--name "FULL NAME"] [--expires 24h] [--out FILE] [--json]',
    options: { team: { type: 'string', multiple: true }, name: { type: 'string' }, expires: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const teams = ((values.team as string[] | undefined) ?? []).map(checkTeamName)
      const params: Record<string, unknown> = { teams }
      if (typeof values.expires === 'string') params.expires = values.expires
      // the newcomer's name, fixed by the admin: the join takes it whatever name they type
      if (typeof values.name === 'string') params.name = checkDisplayName(values.name)
      const r = await withClient(dataDir, async c => c.request('invite', params))
      if (typeof values.out === 'string') {
        const { writeFile } = await import('node:fs/promises')
        // owner-only and never over another file: the token is as good as a key until used
        await writeFile(values.out, r.token + '\n', { flag: 'wx', mode: 0o600 })
        err(`wrote the invite token to ${values.out}`)
      }
      if (values.json === true) out(JSON.stringify(r))
      else {
        if (typeof values.out !== 'string') out(r.token)
        err(`single use, valid until ${formatTime(r.expires)}; the newcomer pastes it into their first parley screen, or runs: parley join TOKEN --name "Their Name"`)
      }
      return 0
    }
  },
  join: {
    summary: 'join an organisation with an invite token (waits until an admin is reachable)',
    usage: 'parley join TOKEN --name NAME [--timeout 10m] [--peer MULTIADDR]... [--no-mdns] [--json]',
    options: { ...NETWORK_OPTIONS, timeout: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals, config }) => {
      const token = positionals[0]
      if (token === undefined) throw new UsageError('give the invite token')
      if (typeof values.name !== 'string') throw new UsageError('--name NAME is required: it is how colleagues will see you')
      const name = checkDisplayName(values.name)
      const timeout = parseDuration(typeof values.timeout === 'string' ? values.timeout : '10m')
      const said = { waiting: false }
      const sayWaiting = (): void => {
        if (said.waiting) return
        said.waiting = true
        err('parley join: waiting for an admin of the organisation to be reachable on the LAN…')
      }
      const timeoutText = typeof values.timeout === 'string' ? values.timeout : '10m'
      const info = await viaNodeOrClient(dataDir, values, config, async (c) => {
        c.onEvent((e) => { if (e.event === 'join:waiting') sayWaiting() })
        await c.request('subscribe', { events: ['join:waiting'] })
        return c.request('join', { token, name, timeoutMs: timeout })
      }, async (node) => {
        node.addEventListener('join:waiting', sayWaiting)
        try {
          return await node.join(token, name, { signal: AbortSignal.timeout(timeout) })
        } catch (e) {
          if ((e as Error).name === 'TimeoutError') throw new InviteError(`no admin of the organisation answered within ${timeoutText}; try again when one is online`)
          throw e
        }
      })
      out(values.json === true ? JSON.stringify(info) : `joined ${info.org?.name} as ${info.name} (${info.peerId}); teams: ${info.teams.map(t => '#' + t).join(' ')}`)
      if (info.policy !== undefined && !info.policy.mayPost) err('the organisation has a usage policy: read it with `parley policy status --text` and accept it with `parley policy accept` before posting')
      return 0
    }
  }
}
