/**
 * Tab completion on the input line: commands after `/`, teams after `/join` or `#`, people after `@`,
 * `/msg` or at the start of a line. Pure.
 */
import type { LineEditor } from './line-editor.js'
import { distinctName, GROUP_MENTIONS } from './mentions.js'
import type { Mentionable } from './mentions.js'

/** Every command the chat knows, for completion (aliases are not offered). */
export const COMMANDS = ['admin', 'approve', 'delete', 'edit', 'files', 'file', 'get', 'help', 'invite', 'invites', 'join', 'members', 'msg', 'nick', 'notify', 'policy', 'quit', 'react', 'reactions', 'remove', 'rename', 'reply', 'resume', 'search', 'status', 'suspend', 'sync', 'team', 'teams', 'thread', 'threads', 'urgent']

/** What can be completed. */
export interface Completions {
  people: Mentionable[]
  teams: string[]
  /** whether @here and @team are offered (in a team's conversation, not a direct one) */
  groups?: boolean
}

/** The result of a Tab: the new editor, and what else matched when it was not unique. */
export interface Completed {
  editor: LineEditor
  /** the choices, when several fit (shown in the status line) */
  choices: string[]
}

function commonPrefix (words: string[]): string {
  if (words.length === 0) return ''
  let p = words[0]!
  for (const w of words) while (!w.toLowerCase().startsWith(p.toLowerCase())) p = p.slice(0, -1)
  return p
}

function fitsName (name: string, token: string): boolean {
  const t = token.toLowerCase()
  return name.toLowerCase().startsWith(t) || name.toLowerCase().split(/[\s-]+/).some(w => w.startsWith(t))
}

/**
 * Complete the word before the cursor. When several fit, the common start is filled in and the
 * choices listed; with `pick` (the number of Tabs pressed again since), the pick-th choice is put in
 * whole, so repeated Tabs cycle through them.
 */
export function complete (e: LineEditor, c: Completions, pick?: number): Completed {
  const chars = [...e.text]
  const before = chars.slice(0, e.cursor).join('')
  const after = chars.slice(e.cursor).join('')
  const m = /(^|\s)(\S*)$/.exec(before)!
  const word = m[2]!
  const head = before.slice(0, before.length - word.length)
  const firstWord = head.trim() === ''
  const previous = head.trim().split(/\s+/).at(-1)?.toLowerCase() ?? ''
  const replace = (text: string): LineEditor => ({ text: head + text + after, cursor: [...head + text].length })
  const none: Completed = { editor: e, choices: [] }

  const offer = (found: string[], token: string, render: (s: string) => string, display: (s: string) => string = s => s): Completed => {
    if (found.length === 1) return { editor: replace(render(found[0]!)), choices: [] }
    if (found.length === 0) return none
    if (pick !== undefined) return { editor: replace(render(found[pick % found.length]!)), choices: found.map(display) }
    const prefix = commonPrefix(found)
    const editor = prefix.length > token.length ? replace(word.slice(0, word.length - token.length) + prefix) : e
    return { editor, choices: found.map(display) }
  }

  if (firstWord && word.startsWith('/')) {
    const token = word.slice(1).toLowerCase()
    return offer(COMMANDS.filter(x => x.startsWith(token)), token, x => `/${x} `)
  }
  const teamPlace = /^\/(join|j)\s+$|^\/team\s+(create|add|remove|retention|hold)\s+$|^\/invite\s+(\S+\s+)*$/i.test(head)
  if (word.startsWith('#') || teamPlace) {
    const token = word.replace(/^#/, '').toLowerCase()
    const hash = word.startsWith('#') ? '#' : ''
    return offer(c.teams.filter(t => t.startsWith(token)).sort(), token, t => `${hash}${t} `)
  }
  // people: @name anywhere, a bare name at the start of a line or after /msg
  const at = word.startsWith('@')
  const bare = /^\/team\s+(add|create|remove)\s+\S+\s+(\S+\s+)*$|^\/admin\s+add\s+$|^\/remove\s+$/i.test(head)
  if (!at && !(firstWord && word !== '') && !['/msg', '/query'].includes(previous) && !bare) return none
  const token = word.replace(/^@/, '')
  if (token === '' && !at) return none
  const found = c.people.filter(p => fitsName(p.name, token))
  // @here and @team, offered before the people they share a start with, once a letter is typed (a
  // bare @ goes through the people)
  const groups = at && c.groups === true && token !== '' ? GROUP_MENTIONS.filter(g => g.startsWith(token.toLowerCase())) : []
  if (groups.length > 0) {
    const all = [...groups.map(g => ({ insert: `@${g} `, display: `@${g}` })), ...found.map(p => ({ insert: `@${p.name} `, display: distinctName(p) }))]
    if (all.length === 1) return { editor: replace(all[0]!.insert), choices: [] }
    if (pick !== undefined) return { editor: replace(all[pick % all.length]!.insert), choices: all.map(x => x.display) }
    const prefix = commonPrefix(all.map(x => x.insert.trimEnd()))
    return { editor: prefix.length > word.length ? replace(prefix) : e, choices: all.map(x => x.display) }
  }
  if (found.length === 1 || (found.length > 1 && pick !== undefined)) {
    const name = found[(pick ?? 0) % found.length]!.name
    const choices = found.length > 1 ? found.map(distinctName) : []
    if (at) return { editor: replace(`@${name} `), choices }
    if (previous === '/msg' || previous === '/query') return { editor: replace(name.includes(' ') ? `${name}: ` : `${name} `), choices }
    return { editor: replace(bare ? `${name} ` : `${name}: `), choices }
  }
  if (found.length === 0) return none
  const names = [...new Set(found.map(p => p.name))]
  const prefix = commonPrefix(names)
  const editor = prefix.length > token.length && names.every(n => n.toLowerCase().startsWith(token.toLowerCase())) ? replace((at ? '@' : '') + prefix) : e
  return { editor, choices: found.map(distinctName) }
}
