/**
 * Messages from the command line: sending, following, a team's history, search.
 */
import { ControlClient } from '../../index.js'
import type { ControlParams } from '../../index.js'
import { dateOption, err, memberNames, out, teamOption, UsageError, withClient } from '../command.js'
import { EXIT_FAILURE } from '../exit-codes.js'
import { formatMessage } from '../format.js'
import type { Commands } from '../command.js'

export const messageCommands: Commands = {
  send: {
    summary: 'send a message to a team',
    usage: 'parley send --team NAME [--json] TEXT...',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const team = teamOption(values, true)
      const text = positionals.join(' ')
      if (text.trim() === '') throw new UsageError('nothing to send: give the text after the options')
      const sent = await withClient(dataDir, async c => c.request('send', { team, text }))
      out(values.json === true ? JSON.stringify(sent) : sent.id)
      return 0
    }
  },
  tail: {
    summary: 'print messages as they arrive, until interrupted',
    usage: 'parley tail [--team NAME] [--json]',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, false)
      const client = await ControlClient.connect(dataDir)
      const done = new Promise<number>((resolve) => {
        let interrupted = false
        const stop = (): void => { interrupted = true; client.close(); resolve(0) }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        client.onClose(() => {
          if (interrupted) return
          err('parley tail: the node stopped')
          resolve(EXIT_FAILURE)
        })
      })
      const names = await memberNames(client)
      client.onEvent((e) => {
        if (e.event !== 'message:added') return
        out(values.json === true ? JSON.stringify(e.data) : formatMessage(e.data, names))
      })
      await client.request('subscribe', team === undefined ? { events: ['message:added'] } : { team, events: ['message:added'] })
      err(`parley tail: following ${team === undefined ? 'all teams' : `#${team}`} (Ctrl-C to stop)`)
      return done
    }
  },
  history: {
    summary: 'print a team\'s history in the shared order',
    usage: 'parley history --team NAME [--limit N] [--before CURSOR] [--json]',
    options: { team: { type: 'string' }, limit: { type: 'string' }, before: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const team = teamOption(values, true)
      let limit = 50
      if (values.limit !== undefined) {
        limit = Number(values.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000')
      }
      const params: ControlParams<'history'> = { team, limit }
      if (typeof values.before === 'string') params.before = values.before
      const [page, names] = await withClient(dataDir, async c => Promise.all([c.request('history', params), memberNames(c)]))
      if (values.json === true) {
        for (const m of page.messages) out(JSON.stringify(m))
      } else {
        for (const m of page.messages) out(formatMessage(m, names))
        if (page.before !== undefined) err(`(older messages: --before '${page.before}')`)
      }
      return 0
    }
  },
  search: {
    summary: 'search the messages of your teams (every word must appear; case and accents do not matter)',
    usage: 'parley search QUERY... [--team NAME] [--from NAME|PEER_ID] [--since DATE] [--limit N] [--json]',
    options: { team: { type: 'string' }, from: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const query = positionals.join(' ').trim()
      if (query === '') throw new UsageError('give some words to search for')
      const params: ControlParams<'search'> = { query }
      const team = teamOption(values, false)
      if (team !== undefined) params.team = team
      if (typeof values.from === 'string') params.from = values.from
      if (typeof values.since === 'string') {
        params.since = dateOption('since', values.since)
      }
      if (typeof values.limit === 'string') {
        const limit = Number(values.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000')
        params.limit = limit
      }
      const [found, names] = await withClient(dataDir, async c => Promise.all([c.request('search', params), memberNames(c)]))
      if (values.json === true) for (const m of found) out(JSON.stringify(m))
      else if (found.length === 0) err('no messages found')
      else for (const m of found) out(formatMessage(m, names))
      return 0
    }
  }
}
