/**
 * What a line typed in the UI means. Pure parsing: the app carries the command out.
 */
import { PRESENCE_STATUSES } from '../shell.js'
import type { MemberView } from '../index.js'

export type Command =
  | { kind: 'send', text: string, urgent: boolean }
  | { kind: 'msg', who: string, text: string }
  | { kind: 'search', query: string, here: boolean }
  | { kind: 'join', team: string }
  | { kind: 'status', status: string, text: string }
  | { kind: 'members' }
  | { kind: 'help' }
  | { kind: 'invite', teams: string[], out?: string }
  | { kind: 'teams' }
  | { kind: 'notify', mode?: string }
  | { kind: 'team-create', team: string, members: string[] }
  | { kind: 'team-add', team: string, members: string[] }
  | { kind: 'team-remove', team: string, member: string }
  | { kind: 'remove', member: string }
  | { kind: 'admin-add', member: string }
  | { kind: 'suspend', member: string, reason: string }
  | { kind: 'resume', member: string }
  | { kind: 'invites' }
  | { kind: 'sync' }
  | { kind: 'policy' }
  | { kind: 'nick', name: string }
  | { kind: 'rename', member: string, name: string }
  | { kind: 'approve', member?: string }
  | { kind: 'file-send', path: string, caption: string }
  | { kind: 'file-get', id: string }
  | { kind: 'files' }
  | { kind: 'reply', id: string, text: string }
  | { kind: 'edit', id: string, text: string }
  | { kind: 'delete', id: string }
  | { kind: 'react', id: string, emoji: string }
  | { kind: 'reactions', id: string }
  | { kind: 'thread', id: string }
  | { kind: 'threads', mode?: 'inline' | 'collapsed' }
  | { kind: 'quit' }
  | { kind: 'unavailable', what: string }
  | { kind: 'error', message: string }
  | { kind: 'setup-create', name: string }
  | { kind: 'setup-join', token: string }
  | { kind: 'none' }

export const HELP = [
  'Keys: Alt-1..9 or Ctrl-N/Ctrl-P switch conversations · Alt-A the next one with mentions or new messages · PgUp/PgDn scroll, End back to the newest · Esc closes this',
  'Input: Left/Right, Home/End (Ctrl-A/E), Alt-B/F by word, Ctrl-W/U/K delete a word / before / after the cursor · Alt-Enter a new line · Ctrl-Up/Down (Alt-P/N) history, Up/Down too on a line with text · Tab completes names, @here, @team, commands and teams',
  'Panes: Alt-L shows or hides the conversation list, Alt-M the members · Ctrl-C quits',
  'Messages: Up on an empty line edits your last message here (Enter saves, Esc cancels) · Alt-Up chooses a message (Up too when you have none to edit):',
  '  then Up/Down or k/j move · r reply · e edit (yours) · d delete (yours; admins any; asks y/n) · + react (1-6 quick ones, or type one) · w who reacted · t or Enter its thread · Esc back',
  '/reply ID [TEXT]      reply to a message (ID: the start of its id, shown when you choose it); without TEXT the input line becomes the reply',
  '/edit ID [TEXT]       change the text of one of your messages (shown "(edited)"); without TEXT it is put in the input line',
  '/delete ID            delete a message for everyone: it shows as "message deleted (by NAME)"; asks y/n first',
  '/react ID EMOJI       add a reaction, or take yours back (EMOJI: 👍, :tada:, or 1-6 for 👍 🎉 😂 👀 ✅ 🙏) · /reactions ID: who reacted',
  '/thread ID            a message and its replies (t when chosen); what you type there replies in it; Esc goes back',
  '/threads inline|collapsed   replies in the conversation under a quote of what they answer, or only in their thread (the message shows "3 replies")',
  '@here rings those who are available (not away) · @team rings every member · busy and dnd hold both, unless /urgent',
  '/join TEAM            switch to a team you are in (/teams lists them)',
  '/status available|away|busy|dnd [text]   busy and dnd hold notifications; you get a digest afterwards',
  '/urgent TEXT          a message that reaches @mentioned people even on busy or dnd',
  '/msg NAME [text]      a direct message, readable only by the two of you',
  '/search [-h] WORDS    search your teams (-h: only this conversation); every word must appear',
  '/members              who is in this team, and who is online',
  '/file PATH [caption]  share a file in this conversation ("quotes" for a path with spaces)',
  '/get ID               save a shared file to your download folder (/files lists them)',
  '/sync                 what this node holds and fetches',
  '/teams                the teams of the organisation, and which you are in',
  '/notify desktop|terminal|both|off   how mentions, direct and urgent messages notify you while the chat is not in front',
  '/policy               the usage policy (and, for admins, who accepted it); accept it from there',
  '/nick NAME            ask the admins for a new display name',
  '/help  /quit',
  'Admins: /invite [TEAM...] [--out FILE] · /team create TEAM [NAME...] · /team add TEAM NAME... · /team remove TEAM NAME · /admin add NAME · /remove NAME (offboard) · /rename NAME: NEW NAME · /approve [NAME] (rename requests)',
  'Admins: /suspend NAME[: reason] (block for a while) · /resume NAME · /invites (pending, used, expired, revoked)'
]

/** Parse a line typed in the chat screen. */
export function parseCommand (line: string): Command {
  const text = line.trim()
  if (text === '') return { kind: 'none' }
  if (!text.startsWith('/') || text.startsWith('//')) return { kind: 'send', text: text.startsWith('//') ? text.slice(1) : line, urgent: false }
  const [word = '', ...args] = text.slice(1).split(/\s+/)
  const rest = text.slice(1 + word.length).trim()
  switch (word.toLowerCase()) {
    case 'join':
    case 'j':
      return args[0] === undefined ? { kind: 'error', message: 'usage: /join TEAM' } : { kind: 'join', team: args[0].replace(/^#/, '') }
    case 'status':
    case 'away':
      if (word === 'away') return { kind: 'status', status: 'away', text: rest }
      if (args[0] === undefined || !(PRESENCE_STATUSES as readonly string[]).includes(args[0])) {
        return { kind: 'error', message: `usage: /status ${PRESENCE_STATUSES.join('|')} [text]` }
      }
      return { kind: 'status', status: args[0], text: rest.slice(args[0].length).trim() }
    case 'urgent':
      return rest === '' ? { kind: 'error', message: 'usage: /urgent TEXT' } : { kind: 'send', text: rest, urgent: true }
    case 'members':
    case 'who':
      return { kind: 'members' }
    case 'help':
    case '?':
      return { kind: 'help' }
    case 'invite': {
      const at = args.indexOf('--out')
      if (at === -1) return { kind: 'invite', teams: args.map(t => t.replace(/^#/, '')) }
      const out = args[at + 1]
      if (out === undefined) return { kind: 'error', message: 'usage: /invite [TEAM...] [--out FILE]' }
      return { kind: 'invite', teams: args.filter((_, i) => i !== at && i !== at + 1).map(t => t.replace(/^#/, '')), out }
    }
    case 'teams':
      return { kind: 'teams' }
    case 'notify':
      return args[0] === undefined ? { kind: 'notify' } : { kind: 'notify', mode: args[0] }
    case 'team': {
      const [sub, team, ...names] = args
      if (sub === 'create' && team !== undefined) return { kind: 'team-create', team: team.replace(/^#/, ''), members: names }
      if (sub === 'add' && team !== undefined && names.length > 0) return { kind: 'team-add', team: team.replace(/^#/, ''), members: names }
      if (sub === 'remove' && team !== undefined && names.length === 1) return { kind: 'team-remove', team: team.replace(/^#/, ''), member: names[0]! }
      return { kind: 'error', message: 'usage: /team create TEAM [NAME...] · /team add TEAM NAME... · /team remove TEAM NAME' }
    }
    case 'remove':
      return args[0] === undefined ? { kind: 'error', message: 'usage: /remove NAME' } : { kind: 'remove', member: rest }
    case 'admin':
      return args[0] === 'add' && args[1] !== undefined ? { kind: 'admin-add', member: args.slice(1).join(' ') } : { kind: 'error', message: 'usage: /admin add NAME' }
    case 'suspend': {
      // the name may have spaces: "/suspend Bea Jones: on leave"
      if (rest === '') return { kind: 'error', message: 'usage: /suspend NAME[: reason]' }
      const [who = '', ...why] = rest.split(':')
      return { kind: 'suspend', member: who.trim(), reason: why.join(':').trim() }
    }
    case 'resume':
      return rest === '' ? { kind: 'error', message: 'usage: /resume NAME' } : { kind: 'resume', member: rest }
    case 'invites':
      return { kind: 'invites' }
    case 'sync':
      return { kind: 'sync' }
    case 'policy':
      return { kind: 'policy' }
    case 'nick':
      return rest === '' ? { kind: 'error', message: 'usage: /nick NEW NAME' } : { kind: 'nick', name: rest }
    case 'rename': {
      // names may have spaces: "/rename Bea Jones: Beatrice Jones", or one word each
      const [who, ...name] = rest.includes(':') ? rest.split(':') : [args[0] ?? '', args.slice(1).join(' ')]
      const to = name.join(':').trim()
      return who === undefined || who.trim() === '' || to === '' ? { kind: 'error', message: 'usage: /rename NAME: NEW NAME' } : { kind: 'rename', member: who.trim(), name: to }
    }
    case 'approve':
      return rest === '' ? { kind: 'approve' } : { kind: 'approve', member: rest }
    case 'reply':
    case 'edit': {
      if (args[0] === undefined) return { kind: 'error', message: `usage: /${word.toLowerCase()} ID [TEXT] (ID: the start of the message's id, shown when you choose it with Alt-Up)` }
      // the text as typed after the id, spaces and all
      const body = text.slice(text.indexOf(args[0], 1 + word.length) + args[0].length).replace(/^ /, '')
      return { kind: word.toLowerCase() as 'reply' | 'edit', id: args[0], text: body }
    }
    case 'delete':
    case 'del':
      return args.length !== 1 ? { kind: 'error', message: 'usage: /delete ID' } : { kind: 'delete', id: args[0]! }
    case 'react':
      return args.length !== 2 ? { kind: 'error', message: 'usage: /react ID EMOJI (an emoji, a :shortcode:, or 1-6 for the quick ones)' } : { kind: 'react', id: args[0]!, emoji: args[1]! }
    case 'reactions':
      return args.length !== 1 ? { kind: 'error', message: 'usage: /reactions ID' } : { kind: 'reactions', id: args[0]! }
    case 'thread':
      return args.length !== 1 ? { kind: 'error', message: 'usage: /thread ID' } : { kind: 'thread', id: args[0]! }
    case 'threads':
      if (args[0] === undefined) return { kind: 'threads' }
      return args[0] === 'inline' || args[0] === 'collapsed' ? { kind: 'threads', mode: args[0] } : { kind: 'error', message: 'usage: /threads inline|collapsed' }
    case 'quit':
    case 'exit':
      return { kind: 'quit' }
    case 'msg':
    case 'query':
      // the name may have spaces: "/msg Bea Jones: hello" or "/msg bea hello"
      if (args[0] === undefined) return { kind: 'error', message: 'usage: /msg NAME [text]  (use "NAME: text" for a name with spaces)' }
      if (rest.includes(':')) {
        const [who, ...text] = rest.split(':')
        return { kind: 'msg', who: who!.trim(), text: text.join(':').trim() }
      }
      return { kind: 'msg', who: args[0], text: rest.slice(args[0].length).trim() }
    case 'file': {
      // a path with spaces goes in quotes: /file "/home/ann/Q3 report.pdf" the numbers
      const quoted = /^"([^"]+)"\s*(.*)$/.exec(rest)
      if (quoted !== null) return { kind: 'file-send', path: quoted[1]!, caption: quoted[2]! }
      return args[0] === undefined ? { kind: 'error', message: 'usage: /file PATH [caption]' } : { kind: 'file-send', path: args[0], caption: rest.slice(args[0].length).trim() }
    }
    case 'get':
      return args[0] === undefined || !/^[0-9a-f]{4,32}$/i.test(args[0]) ? { kind: 'error', message: 'usage: /get ID (the id shown with the file, or by /files)' } : { kind: 'file-get', id: args[0].toLowerCase() }
    case 'files':
      return { kind: 'files' }
    case 'search':
    case 's':
      // "/search -h words" searches only the conversation you are in
      if (args[0] === '-h') return rest.slice(2).trim() === '' ? { kind: 'error', message: 'usage: /search [-h] WORDS' } : { kind: 'search', query: rest.slice(2).trim(), here: true }
      return rest === '' ? { kind: 'error', message: 'usage: /search [-h] WORDS' } : { kind: 'search', query: rest, here: false }
    default:
      return { kind: 'error', message: `unknown command /${word}: /help lists them` }
  }
}

/** Parse a line typed on the first-run screen: an invite token, or the name of a new organisation. */
export function parseSetup (line: string): Command {
  const text = line.trim()
  if (text === '') return { kind: 'none' }
  if (text.startsWith('/')) return parseCommand(text).kind === 'quit' ? { kind: 'quit' } : { kind: 'error', message: 'paste an invite token, or type a name for a new organisation' }
  if (text.startsWith('parley1:')) return { kind: 'setup-join', token: text }
  if (text.length > 64) return { kind: 'error', message: 'an organisation name is at most 64 characters' }
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return { kind: 'error', message: 'an organisation name is one line of printable characters' }
  return { kind: 'setup-create', name: text }
}

/** Find a member by display name (any case) or peer id (or its end); an error text if none or several. */
export function resolveMember (members: MemberView[], who: string): MemberView | string {
  const q = who.trim().replace(/^@/, '').replace(/^…/, '').toLowerCase()
  const exact = members.filter(m => m.name.toLowerCase() === q || m.peerId.toLowerCase() === q)
  if (exact.length === 1) return exact[0]!
  // the start of the name or of any word of it (a surname), or the end of the peer id
  const partial = members.filter(m => m.name.toLowerCase().startsWith(q) || m.name.toLowerCase().split(/[\s-]+/).some(w => w.startsWith(q)) || (q.length >= 6 && m.peerId.toLowerCase().endsWith(q)))
  if (partial.length === 1) return partial[0]!
  if (exact.length + partial.length === 0) return `nobody called ${who} in the directory`
  return `${who} matches several people: ${[...new Set([...exact, ...partial])].map(m => `${m.name} (…${m.peerId.slice(-6)})`).join(', ')}: type more of the name, or the end of the id`
}
