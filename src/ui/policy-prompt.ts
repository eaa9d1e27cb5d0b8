/**
 * The usage policy and names in the chat: the policy shown at start (and when a new version
 * arrives) with the question to accept it, `/policy`, and the rename requests an admin approves.
 * The dialog is the chat's overlay (the policy text, scrollable) with its question in the status line.
 */
import { formatDateTime } from '../shell.js'
import { oneLine } from './text.js'
import type { Chat } from './chat.js'
import type { PolicyView } from '../index.js'

/** The policy's text and, for admins, who accepted it, as overlay lines. */
function policyLines (chat: Chat, p: PolicyView): string[] {
  const lines = [...p.text.split('\n'), '']
  lines.push(`Version ${p.version}, published ${formatDateTime(p.at)}${p.everySession ? '; it is accepted again at every start of the chat' : ''}.`)
  lines.push(p.mayPost ? 'You have accepted it.' : 'Until you accept it you can read but not post.')
  if (chat.state.org?.admin === true) {
    const missing = p.members.filter(m => !m.current)
    lines.push('', `${p.members.length - missing.length} of ${p.members.length} have accepted this version${missing.length > 0 ? `; not yet: ${missing.map(m => oneLine(m.name)).join(', ')}` : ''}.`)
    for (const m of p.members) lines.push(`  ${m.current ? '✓' : '✗'} ${oneLine(m.name)}${m.accepted !== undefined ? `  version ${m.accepted.version}, ${formatDateTime(m.accepted.at)}` : '  never accepted'}`)
  }
  return lines
}

/** Show the policy `p` and, unless accepted, ask to accept it (Enter) or not now (Esc). */
function present (chat: Chat, p: PolicyView): void {
  chat.show(`usage policy of ${chat.state.org?.name ?? 'the organisation'}`, policyLines(chat, p))
  if (p.mayPost) return
  chat.ask(`Do you accept the usage policy (version ${p.version})?`, async () => {
    const after = await chat.backend.call('policy.accept', { version: p.version })
    chat.dispatch({ type: 'close-overlay' })
    chat.dispatch({ type: 'notice', text: `you accepted the usage policy, version ${after.version}` })
  }, 'usage policy not accepted: you can read but not post; /policy shows it again')
}

/**
 * At the start of the chat (`newSession`) or when the policy changed: if this node must accept it
 * (a new version, or a policy asked at every session), show it and ask.
 */
export async function offerPolicy (chat: Chat, newSession: boolean): Promise<void> {
  // as the last refresh of the chat's state found it (every caller has just refreshed)
  const standing = chat.node.policy
  if (standing === undefined) return
  const askAgain = newSession && standing.everySession
  if (standing.mayPost && !askAgain) return
  const p = askAgain ? await chat.backend.call('policy.session') : await chat.backend.call('policy.status')
  if (p !== null && !p.mayPost) present(chat, p)
}

/** `/policy`: the policy in force and, for admins, who accepted it; the question if not accepted. */
export async function showPolicy (chat: Chat): Promise<void> {
  const p = await chat.backend.call('policy.status')
  if (p === null) {
    chat.show('usage policy', ['The organisation has no usage policy.', ...(chat.state.org?.admin === true ? ['Publish one from a shell: parley policy set FILE [--every-session]'] : [])])
    return
  }
  present(chat, p)
}

/** `/approve` without a name: the pending rename requests. */
export async function showRenameRequests (chat: Chat): Promise<void> {
  const requests = await chat.backend.call('rename.requests')
  chat.show('rename requests', requests.length === 0
    ? ['No pending rename requests.']
    : [`${requests.length} pending (/approve NAME grants one):`, ...requests.map(r => `  ${oneLine(r.name)} asks to be called ${oneLine(r.requested)}  (${formatDateTime(r.at)})`)])
}
