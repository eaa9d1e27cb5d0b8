import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commands } from '../../../src/cli/main.js'
import { runMain } from './capture.js'

describe('cli/main: finding the command and checking its arguments', () => {
  let root: string
  let data: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-dispatch-'))
    data = join(root, 'data')
  })
  afterAll(async () => { await rm(root, { recursive: true, force: true }) })

  it('refuses an unknown command with exit 2, naming it, then the usage', async () => {
    const r = await runMain(['frobnicate', '--data', data])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^parley: unknown command "frobnicate"\n\nusage: parley <command> \[options\]/)
    expect(r.stderr).toContain('  team create      create a team')
  })

  it('takes a group without a subcommand as an unknown command', async () => {
    const r = await runMain(['team', '--json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^parley: unknown command "team"\n/)
  })

  it('prints the usage on stdout for help (exit 0), and with no command at all (exit 2)', async () => {
    const help = await runMain(['help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^usage: parley <command> \[options\] {3}\(every command takes --data DIR, --config FILE and --help\)\n\ncommands:\n {2}chat {13}open the chat/)
    const none = await runMain([])
    expect(none.code).toBe(2)
    expect(none.stdout).toBe(help.stdout)
  })

  it('lists every command once in the usage, in the documented order', async () => {
    const { stdout } = await runMain(['--help'])
    // the longest name a line starts with: "invite list" is listed as itself, not as "invite"
    const listed = stdout.split('\n').filter(l => /^ {2}\S/.test(l)).map(l => Object.keys(commands).filter(n => l.startsWith(`  ${n} `)).sort((a, b) => b.length - a.length)[0])
    expect(listed).toHaveLength(Object.keys(commands).length)
    expect(new Set(listed)).toEqual(new Set(Object.keys(commands)))
    expect(listed.slice(0, 4)).toEqual(['chat', 'init', 'daemon', 'org create'])
  })

  it('gives each command its help with --help, exit 0', async () => {
    const r = await runMain(['send', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('usage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT... [--data DIR]\n\nsend a message to a team (or one member with --to); with --reply-to, as a reply\n')
    const sub = await runMain(['team', 'hold', '-h'])
    expect(sub.stdout).toMatch(/^usage: parley team hold NAME on\|off/)
  })

  it('gives the new conversation commands their help', async () => {
    expect((await runMain(['edit', '--help'])).stdout).toMatch(/^usage: parley edit ID \[--json\] TEXT\.\.\. \[--data DIR\]\n\nchange the text of a message you sent/)
    expect((await runMain(['delete', '-h'])).stdout).toMatch(/^usage: parley delete ID \[--json\]/)
    expect((await runMain(['react', '--help'])).stdout).toMatch(/^usage: parley react ID EMOJI \[--remove\] \[--json\]/)
    expect((await runMain(['thread', '--help'])).stdout).toMatch(/^usage: parley thread ID \[--json\]/)
    const { stdout } = await runMain(['help'])
    expect(stdout).toMatch(/\n {2}send {13}send a message .*\n {2}edit {13}change .*\n {2}delete {11}delete .*\n {2}react {12}react .*\n {2}thread {11}print a message and its replies.*\n {2}tail {13}print messages as they arrive, and edits, deletes and reactions/)
  })

  it('a group that is also a command takes only its own subcommands as a second word', async () => {
    expect((await runMain(['invite', 'list', '--help'])).stdout).toMatch(/^usage: parley invite list \[--json\]/)
    expect((await runMain(['invite', 'revoke', '-h'])).stdout).toMatch(/^usage: parley invite revoke ID/)
    expect((await runMain(['invite', '--help'])).stdout).toMatch(/^usage: parley invite \[--team NAME\]/)
    expect((await runMain(['org', 'log', '--help'])).stdout).toMatch(/^usage: parley org log/)
  })

  it('has a summary and a usage naming itself for every command', () => {
    for (const [name, command] of Object.entries(commands)) {
      expect(command.usage.startsWith(`parley ${name}`), name).toBe(true)
      expect(command.summary, name).not.toBe('')
    }
  })

  it.each([
    [['send'], 'parley send: --team NAME is required (or --to PEER_ID for a direct message)\nusage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...\n'],
    [['send', '--team', 'general', ' '], 'parley send: nothing to send: give the text after the options\nusage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...\n'],
    [['send', '--team', 'general', '--to', '12D3KooWFydWYAwTG1eeJWJzfPy8wQpNiNyKHfpd8jqpAimei13V', 'hi'], 'parley send: give --team NAME or --to PEER_ID, not both\nusage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...\n'],
    [['send', '--team', 'general', '--reply-to', 'abc', 'hi'], 'parley send: "abc" is not a message id: give its id or the first 4 or more hex digits of it (shown first on each line of parley history)\nusage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...\n'],
    [['send', '--team', 'general', '--reply-to', 'c0ffee; rm', 'hi'], 'parley send: "c0ffee; rm" is not a message id: give its id or the first 4 or more hex digits of it (shown first on each line of parley history)\nusage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...\n'],
    [['send', '--team', 'general', '--reply-to', 'c0ffee', ' '], 'parley send: nothing to send: give the text after the options\nusage: parley send (--team NAME | --to PEER_ID) [--reply-to ID] [--json] TEXT...\n'],
    [['edit'], 'parley edit: give the id of the message to edit (or its first 4 or more hex digits, shown first on each line of parley history)\nusage: parley edit ID [--json] TEXT...\n'],
    [['edit', 'c0ffee'], 'parley edit: give the new text after the id (to take a message back, use parley delete)\nusage: parley edit ID [--json] TEXT...\n'],
    [['edit', 'c0ffee', '  '], 'parley edit: give the new text after the id (to take a message back, use parley delete)\nusage: parley edit ID [--json] TEXT...\n'],
    [['edit', 'new text', 'c0ffee'], 'parley edit: "new text" is not a message id: give its id or the first 4 or more hex digits of it (shown first on each line of parley history)\nusage: parley edit ID [--json] TEXT...\n'],
    [['delete'], 'parley delete: give the id of the message to delete (or its first 4 or more hex digits, shown first on each line of parley history)\nusage: parley delete ID [--json]\n'],
    [['delete', 'c0ffee', 'beef'], 'parley delete: give the id of one message to delete\nusage: parley delete ID [--json]\n'],
    [['delete', 'c0f'], 'parley delete: "c0f" is not a message id: give its id or the first 4 or more hex digits of it (shown first on each line of parley history)\nusage: parley delete ID [--json]\n'],
    [['react', 'c0ffee'], 'parley react: give one emoji to react with (like 👍 or :tada:), without spaces\nusage: parley react ID EMOJI [--remove] [--json]\n'],
    [['react', 'c0ffee', 'thumbs up'], 'parley react: give one emoji to react with (like 👍 or :tada:), without spaces\nusage: parley react ID EMOJI [--remove] [--json]\n'],
    [['react', 'c0ffee', '👍', '🎉'], 'parley react: give the id of the message and one emoji\nusage: parley react ID EMOJI [--remove] [--json]\n'],
    [['react', '👍', 'c0ffee'], 'parley react: "👍" is not a message id: give its id or the first 4 or more hex digits of it (shown first on each line of parley history)\nusage: parley react ID EMOJI [--remove] [--json]\n'],
    [['thread'], 'parley thread: give the id of the message (or its first 4 or more hex digits, shown first on each line of parley history)\nusage: parley thread ID [--json]\n'],
    [['thread', 'c0ffee', 'beef'], 'parley thread: give the id of one message\nusage: parley thread ID [--json]\n'],
    [['join', '--name', 'Ann'], 'parley join: give the invite token\nusage: parley join TOKEN --name NAME [--timeout 10m] [--peer MULTIADDR]... [--no-mdns] [--json]\n'],
    [['join', 'TOKEN'], 'parley join: --name NAME is required: it is how colleagues will see you\nusage: parley join TOKEN --name NAME [--timeout 10m] [--peer MULTIADDR]... [--no-mdns] [--json]\n'],
    [['init'], 'parley init: --name NAME is required\nusage: parley init --name NAME\n'],
    [['org', 'create'], 'parley org create: give the organisation a name\nusage: parley org create NAME\n'],
    [['team', 'retention', 'general'], 'parley team retention: give a team and a number of days (or "forever")\nusage: parley team retention NAME DAYS|forever [--json]\n'],
    [['team', 'retention', 'general', 'often'], 'parley team retention: "often" is not a number of days or "forever"\nusage: parley team retention NAME DAYS|forever [--json]\n'],
    [['team', 'hold', 'general', 'maybe'], 'parley team hold: give a team and on or off\nusage: parley team hold NAME on|off [--reason TEXT] [--json]\n'],
    [['team', 'add', 'general'], 'parley team add: name at least one member to add\nusage: parley team add NAME PEER_ID...\n'],
    [['history', '--team', 'general', '--limit', '0'], 'parley history: --limit must be a whole number from 1 to 10000\nusage: parley history --team NAME [--limit N] [--before CURSOR] [--json]\n'],
    [['search'], 'parley search: give some words to search for\nusage: parley search QUERY... [--team NAME] [--from NAME|PEER_ID] [--since DATE] [--limit N] [--json]\n'],
    [['search', 'x', '--since', 'soon'], 'parley search: --since takes a date like 2026-11-01 or 2026-11-01T09:00, not "soon"\nusage: parley search QUERY... [--team NAME] [--from NAME|PEER_ID] [--since DATE] [--limit N] [--json]\n'],
    [['export', '--team', 'general', '--format', 'xml'], 'parley export: --format is jsonl or csv\nusage: parley export (--team NAME | --org) [--since DATE] [--until DATE] [--format jsonl|csv] [--out FILE]\n'],
    [['export', '--team', 'general', '--until', 'later'], 'parley export: --until takes a date like 2026-11-01 or 2026-11-01T09:00, not "later"\nusage: parley export (--team NAME | --org) [--since DATE] [--until DATE] [--format jsonl|csv] [--out FILE]\n'],
    [['invite', 'revoke'], 'parley invite revoke: give the invite id (see parley invite list)\nusage: parley invite revoke ID\n'],
    [['export', '--org', '--team', 'general'], 'parley export: give --team NAME or --org, not both\nusage: parley export (--team NAME | --org) [--since DATE] [--until DATE] [--format jsonl|csv] [--out FILE]\n'],
    [['file', 'send', '--team', 'general'], 'parley file send: give exactly one file to send\nusage: parley file send (--team NAME | --to PEER_ID) [--caption TEXT] [--name NAME] [--json] PATH\n'],
    [['file', 'get'], 'parley file get: give the id of one file (see `parley file list`)\nusage: parley file get ID [--out DIR] [--json]\n'],
    [['verify-export'], 'parley verify-export: give the export file\nusage: parley verify-export FILE\n'],
    [['backup'], 'parley backup: give the file to write the backup to\nusage: parley backup FILE\n'],
    [['restore'], 'parley restore: give the backup file\nusage: parley restore FILE [--data NEW_DIR]\n']
  ])('refuses %j with exit 2 before reaching any node', async (argv, stderr) => {
    const r = await runMain([...argv, '--data', data])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(stderr)
  })

  it('refuses an unknown option or a bad team name with exit 2 and the usage', async () => {
    const flag = await runMain(['peers', '--bogus', '--data', data])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/^parley peers: Unknown option '--bogus'.*\nusage: parley peers \[--json\]\n$/s)
    const team = await runMain(['send', '--team', 'Bad Team', 'hi', '--data', data])
    expect(team.code).toBe(2)
    expect(team.stderr).toMatch(/^parley send: invalid team name .*\nusage: parley send /s)
    const to = await runMain(['send', '--to', 'Bob', 'hi', '--data', data])
    expect(to.code).toBe(2)
    expect(to.stderr).toMatch(/^parley send: invalid peer id "Bob"\nusage: parley send /)
    const peer = await runMain(['admin', 'remove', 'not-a-peer', '--data', data])
    expect(peer.code).toBe(2)
    expect(peer.stderr).toMatch(/\nusage: parley admin remove PEER_ID\n$/)
  })

  it('says no node is running with exit 1, and no usage line', async () => {
    const r = await runMain(['info', '--data', data])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`parley info: no parley node is running for ${data} (start one with: parley daemon --data ${data})\n`)
  })

  it('refuses the chat without a terminal (exit 2)', async () => {
    const r = await runMain(['chat', '--data', data])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^parley chat: the chat needs a terminal; for scripts use send, tail and history\n/)
  })
})
