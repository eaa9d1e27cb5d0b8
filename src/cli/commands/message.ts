/**
 * Messages from the command line: sending (to a team, to one member, as a reply), editing, deleting,
 * reacting, following, a team's history, a thread, search.
 */
import { ControlClient } from '../../shell.js'
import type { ControlParams, MessageView } from '../../index.js'
import { dateOption, err, memberNames, messageIdArg, out, peerIdArg, teamOption, UsageError, withClient } from '../command.js'
import { EXIT_FAILURE } from '../exit-codes.js'
import { formatMessage, formatTailEvent, TAIL_EVENTS, tailEventJson } from '../format.js'
import type { Commands } from '../command.js'

/** Print a message as the node shows it now: JSON, or the lines `history` prints. */
async function printShown (client: ControlClient, message: MessageView, json: boolean): Promise<void> {
  if (json) {
    out(JSON.stringify(message))
    return
  }
  out(formatMessage(message, await memberNames(client)))
}

/** The one emoji of `react`: a UsageError for none, or for several words (the node checks the rest). */
function emojiArg (value: string | undefined): string {
  const emoji = (value ?? '').trim()
  if (emoji === '' || /\s/u.test(emoji)) throw new UsageError('give one emoji to react with (like 👍 or :tada:), without spaces')
  return emoji
}

export const messageCommands: Commands = {
  send: {
    summary: 'send a message to a team (or one member with --to); with --reply-to, as a reply',
    usage: 'parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...',
    options: { team: { type: 'string' }, to: { type: 'string' }, 'reply-to': { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (values.team !== undefined && values.to !== undefined) throw new UsageError('give --team NAME or --to PEER_ID, not both')
      if (values.team === undefined && values.to === undefined) throw new UsageError('--team NAME is required (or --to PEER_ID for a direct message)')
      const peer = values.to !== undefined ? await peerIdArg(values.to) : undefined
      const team = peer === undefined ? teamOption(values, true) : undefined
      const replyTo = values['reply-to'] !== undefined ? { replyTo: messageIdArg(values['reply-to'], 'the message to reply to') } : {}
      const text = positionals.join(' ')
      if (text.trim() === '') throw new UsageError('nothing to send: give the text after the options')
      const sent = await withClient(dataDir, async c => peer !== undefined
        ? c.request('send.direct', { peer, text, ...replyTo })
        : c.request('send', { team: team!, text, ...replyTo }))
      out(values.json === true ? JSON.stringify(sent) : sent.id)
      return 0
    }
  },
  edit: {
    summary: 'change the text of a message you sent: every node shows the new text, marked edited',
    usage: 'parley edit ID [--json] TEXT...',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const [first, ...rest] = positionals
      const id = messageIdArg(first, 'the message to edit')
      const text = rest.join(' ')
      if (text.trim() === '') throw new UsageError('give the new text after the id (to take a message back, use parley delete)')
      await withClient(dataDir, async c => printShown(c, await c.request('message.edit', { id, text }), values.json === true))
      return 0
    }
  },
  delete: {
    summary: 'delete a message (yours, or anyone\'s as an admin): it is erased on every node, unless its team is on hold',
    usage: 'parley delete ID [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length > 1) throw new UsageError('give the id of one message to delete')
      const id = messageIdArg(positionals[0], 'the message to delete')
      await withClient(dataDir, async c => printShown(c, await c.request('message.delete', { id }), values.json === true))
      return 0
    }
  },
  react: {
    summary: 'react to a message with an emoji (one per person per emoji); --remove takes it back',
    usage: 'parley react ID EMOJI [--remove] [--json]',
    options: { remove: { type: 'boolean' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length > 2) throw new UsageError('give the id of the message and one emoji')
      const id = messageIdArg(positionals[0], 'the message to react to')
      const emoji = emojiArg(positionals[1])
      await withClient(dataDir, async c => printShown(c, await c.request('message.react', { id, emoji, remove: values.remove === true }), values.json === true))
      return 0
    }
  },
  thread: {
    summary: 'print a message and its replies, oldest first',
    usage: 'parley thread ID [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals.length > 1) throw new UsageError('give the id of one message')
      const id = messageIdArg(positionals[0])
      const [thread, names] = await withClient(dataDir, async c => Promise.all([c.request('thread', { id }), memberNames(c)]))
      if (values.json === true) {
        out(JSON.stringify(thread))
        return 0
      }
      out(formatMessage(thread.root, names, { replyCount: false }))
      // the replies under their message, without repeating which message they reply to
      for (const r of thread.replies) out(formatMessage(r, names, { replyLine: false }).split('\n').map(l => `  ${l}`).join('\n'))
      if (thread.replies.length === 0) err('(no replies yet)')
      return 0
    }
  },
  tail: {
    summary: 'print messages as they arrive, and edits, deletes and reactions as they happen, until interrupted',
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
        switch (e.event) {
          case 'message:added':
          case 'message:edited':
          case 'message:deleted':
          case 'reaction:changed':
            out(values.json === true ? tailEventJson(e.event, e.data) : formatTailEvent(e.event, e.data, names))
        }
      })
      const events = [...TAIL_EVENTS]
      await client.request('subscribe', team === undefined ? { events } : { team, events })
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
