/**
 * The usage policy (`parley policy set|accept|status`) and names (`parley rename`, `parley admin
 * rename|approve|requests`).
 */
import { readFile } from 'node:fs/promises'
import { checkDisplayName, printable } from '../../shell.js'
import { out, peerIdArg, printMembers, UsageError, withClient } from '../command.js'
import { formatTime } from '../format.js'
import type { Commands } from '../command.js'
import type { PolicyView, RenameRequestView } from '../../index.js'

/** A policy's text for the terminal: each line made printable (no terminal sequences from the org's records). */
const printableText = (text: string): string => text.split('\n').map(printable).join('\n')

/** The most a policy file may hold (the record's limit). */
const MAX_POLICY_FILE = 64 * 1024

function printPolicy (p: PolicyView | null, json: boolean): void {
  if (json) {
    out(JSON.stringify(p))
    return
  }
  if (p === null) {
    out('the organisation has no usage policy')
    return
  }
  out(`usage policy version ${p.version}${p.everySession ? ' (accepted at every chat session)' : ''}, published ${formatTime(p.at)}`)
  out(p.mayPost ? 'you have accepted it' : 'you have NOT accepted it: you can read but not post until you run `parley policy accept`')
  for (const m of p.members) {
    const state = m.current ? `accepted ${formatTime(m.accepted!.at)}` : m.accepted !== undefined ? `NOT accepted (last accepted version ${m.accepted.version}, ${formatTime(m.accepted.at)})` : 'NOT accepted'
    out(`${m.current ? '✓' : '✗'} ${printable(m.name).padEnd(20)} ${m.peerId}  ${state}`)
  }
}

function printRequests (requests: RenameRequestView[], json: boolean): void {
  if (json) {
    out(JSON.stringify(requests))
    return
  }
  if (requests.length === 0) out('no pending rename requests')
  for (const r of requests) out(`${printable(r.name)} → ${printable(r.requested)}  ${r.peerId}  asked ${formatTime(r.at)}  (parley admin approve ${r.peerId})`)
}

export const policyCommands: Commands = {
  'policy set': {
    summary: 'publish the office\'s usage policy from a text file, as its next version; every member must accept it before posting (admins)',
    usage: 'parley policy set FILE [--every-session] [--json]',
    options: { 'every-session': { type: 'boolean' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const file = positionals[0]
      if (file === undefined) throw new UsageError('give the file holding the policy text')
      const bytes = await readFile(file)
      if (bytes.byteLength > MAX_POLICY_FILE) throw new UsageError(`${file} is ${bytes.byteLength} bytes; a usage policy is at most ${MAX_POLICY_FILE}`)
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      const p = await withClient(dataDir, async c => c.request('policy.set', { text, everySession: values['every-session'] === true }))
      if (values.json === true) out(JSON.stringify(p))
      else out(`published usage policy version ${p.version}${p.everySession ? ' (to be accepted at every chat session)' : ''}; ${p.members.filter(m => !m.current).length} member(s) have not accepted it yet`)
      return 0
    }
  },
  'policy accept': {
    summary: 'accept the usage policy in force (signed with your key); until then this node reads but does not post',
    usage: 'parley policy accept [--version N] [--show] [--json]',
    options: { version: { type: 'string' }, show: { type: 'boolean' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const version = typeof values.version === 'string' ? Number(values.version) : undefined
      if (version !== undefined && (!Number.isInteger(version) || version < 1)) throw new UsageError('--version takes a whole number from 1')
      const p = await withClient(dataDir, async c => {
        if (values.show === true) {
          const now = await c.request('policy.status')
          if (now !== null) out(printableText(now.text))
        }
        return c.request('policy.accept', version === undefined ? {} : { version })
      })
      if (values.json === true) out(JSON.stringify(p))
      else out(`accepted usage policy version ${p.version}`)
      return 0
    }
  },
  'policy status': {
    summary: 'the usage policy in force: per member, which version they accepted and when, and who has not',
    usage: 'parley policy status [--text] [--json]',
    options: { text: { type: 'boolean' }, json: { type: 'boolean' } },
    run: async ({ dataDir, values }) => {
      const p = await withClient(dataDir, async c => c.request('policy.status'))
      if (values.text === true && p !== null && values.json !== true) out(printableText(p.text))
      printPolicy(p, values.json === true)
      return 0
    }
  },
  rename: {
    summary: 'ask the admins for a new display name; it applies once an admin approves it',
    usage: 'parley rename NAME [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const name = checkDisplayName(positionals.join(' '))
      const requests = await withClient(dataDir, async c => c.request('rename', { name }))
      if (values.json === true) out(JSON.stringify(requests))
      else out(`asked the admins to rename you ${JSON.stringify(name)}; an admin's node shows the request until one approves it`)
      return 0
    }
  },
  'admin rename': {
    summary: 'give a member a new display name, unique in the org (admins)',
    usage: 'parley admin rename PEER_ID NAME [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = await peerIdArg(positionals[0])
      const name = checkDisplayName(positionals.slice(1).join(' '))
      printMembers(await withClient(dataDir, async c => c.request('admin.rename', { peer, name })), values.json === true)
      return 0
    }
  },
  'admin approve': {
    summary: 'grant a member\'s pending rename request (admins); without PEER_ID, list the requests',
    usage: 'parley admin approve [PEER_ID] [--json]',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      if (positionals[0] === undefined) {
        printRequests(await withClient(dataDir, async c => c.request('rename.requests')), values.json === true)
        return 0
      }
      const peer = await peerIdArg(positionals[0])
      printMembers(await withClient(dataDir, async c => c.request('admin.approve', { peer })), values.json === true)
      return 0
    }
  }
}
