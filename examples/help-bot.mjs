#!/usr/bin/env node
// An example bot: it answers "!help" and "!summary" in every team it is in, and posts a summary of
// the last day at a set hour. A bot is an ordinary member: give it its own data dir and invite,
//
//   parley daemon --data ./bot-data --name "Help Bot" &
//   parley join 'parley1:…' --name "Help Bot" --data ./bot-data
//   node examples/help-bot.mjs --data ./bot-data [--summary-hour 17]
//
// and an admin can remove it like anyone else. It talks to its node through the control socket
// (newline-delimited JSON, documented in the README), here with parley's own client.
import '../dist/polyfills.js'
import { parseArgs } from 'node:util'
import { ControlClient } from '../dist/index.js'

const { values } = parseArgs({ options: { data: { type: 'string' }, 'summary-hour': { type: 'string' } } })
if (values.data === undefined) {
  console.error('usage: help-bot.mjs --data BOT_DATA_DIR [--summary-hour H]')
  process.exit(2)
}
const summaryHour = values['summary-hour'] === undefined ? undefined : Number(values['summary-hour'])

const client = await ControlClient.connect(values.data)
const me = await client.request('info')
if (me.org === undefined) {
  console.error('the bot\'s node is in no organisation yet: join it with an invite first')
  process.exit(1)
}

const HELP = [
  `I am ${me.name}, a bot. Commands:`,
  '!help     this text',
  '!summary  who wrote how much in this team over the last 24 hours'
].join('\n')

async function summary (team) {
  const since = Date.now() - 24 * 3600_000
  const page = await client.request('history', { team, limit: 10000 })
  const counts = new Map()
  for (const m of page.messages) {
    if (m.time < since || m.author === me.peerId) continue
    counts.set(m.authorName, (counts.get(m.authorName) ?? 0) + 1)
  }
  if (counts.size === 0) return `Nothing was said in #${team} in the last 24 hours.`
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  return `Last 24 hours in #${team}: ${total} messages — ` + [...counts].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ')
}

client.onEvent((event) => {
  if (event.event !== 'message:added') return
  const m = event.data
  if (m.local || !m.readable) return
  const command = m.text.trim().toLowerCase()
  const reply = command === '!help' ? Promise.resolve(HELP) : command === '!summary' ? summary(m.team) : undefined
  if (reply === undefined) return
  // a direct message gets its answer directly; a team message in the team
  reply
    .then(async text => m.direct !== undefined
      ? client.request('send.direct', { peer: m.direct, text })
      : client.request('send', { team: m.team, text }))
    .catch(err => { console.error(`help-bot: could not answer: ${err.message}`) })
})
client.onClose(() => {
  console.error('help-bot: the node stopped')
  process.exit(1)
})
await client.request('subscribe', { events: ['message:added'] })
console.error(`help-bot: ${me.name} listening in ${me.teams.map(t => '#' + t).join(' ')}`)

if (summaryHour !== undefined) {
  let lastDay = ''
  setInterval(() => {
    const now = new Date()
    if (now.getHours() !== summaryHour || now.toDateString() === lastDay) return
    lastDay = now.toDateString()
    void client.request('info').then(async info => {
      for (const team of info.teams) await client.request('send', { team, text: await summary(team) })
    }).catch(err => { console.error(`help-bot: no daily summary: ${err.message}`) })
  }, 60_000)
}

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { client.close(); process.exit(0) })
