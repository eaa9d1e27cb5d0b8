/**
 * What each command typed in the chat does: carried out against the node through the backend, its
 * answer shown in the overlay, the status line or outside the chat.
 */
import { writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, resolve } from 'node:path'
import { formatBytes, formatDateTime } from '../shell.js'
import { HELP, resolveMember } from './commands.js'
import { confirmDelete, openThread, react, resolveMessage, saveEdit, sendMessage, showReactions, startEdit, startReply } from './acts.js'
import { distinctName, findGroupMentions, findMentions } from './mentions.js'
import { NOTIFY_MODES } from './notifier.js'
import { offerPolicy, showPolicy, showRenameRequests } from './policy-prompt.js'
import { conversationLabel, currentConversation, mentionable } from './state.js'
import { oneLine } from './text.js'
import type { Chat } from './chat.js'
import type { Command } from './commands.js'
import type { Compose } from './state.js'

/** Carry out a command typed as `typed`; an error thrown is said in the status line by the caller. */
export async function runCommand (chat: Chat, cmd: Command, typed: string, reply?: { team: string, id: string, compose?: Compose }): Promise<void> {
  const c = currentConversation(chat.state)
  const team = c?.team
  const send = async (chat: Chat, team: string, text: string, urgent: boolean): Promise<void> => {
    // a reply (typed as one, or in a thread shown) goes to the conversation of what it answers
    if (reply === undefined) return sendMessage(chat, team, text, urgent)
    return sendMessage(chat, team, text, urgent, await resolveMessage(chat, reply.id))
  }
  switch (cmd.kind) {
    case 'none':
      return
    case 'send': {
      const to = reply?.team ?? team
      if (to === undefined) throw new Error('no conversation to send to')
      const spans = findMentions(cmd.text, mentionable(chat.state))
      const unclear = spans.find(m => m.peerId === undefined && m.candidates.length > 1)
      if (unclear !== undefined) {
        // keep what was typed (and that it is a reply): the person fixes the name and sends again
        if (reply?.compose !== undefined) chat.dispatch({ type: 'compose', compose: reply.compose, text: typed })
        else chat.dispatch({ type: 'input', text: typed })
        throw new Error(`@${unclear.token} could be ${unclear.candidates.map(distinctName).join(', ')}: type more of the name (Tab completes)`)
      }
      const toLabel = conversationLabel(chat.state, to)
      const direct = chat.state.conversations.find(x => x.team === to)?.direct
      if (cmd.urgent && direct === undefined && !spans.some(m => m.peerId !== undefined) && findGroupMentions(cmd.text).length === 0) {
        chat.ask(`This urgent message mentions nobody: only those who are available will see it at once. Send it to ${toLabel} anyway?`, async () => { await send(chat, to, cmd.text, true) })
        return
      }
      await send(chat, to, cmd.text, cmd.urgent)
      return
    }
    case 'join':
      chat.dispatch({ type: 'switch-team', team: cmd.team })
      if (currentConversation(chat.state)?.loaded === false) await chat.node.loadHistory(cmd.team, false)
      return
    case 'teams': {
      const teams = await chat.backend.teams()
      chat.dispatch({ type: 'teams', teams })
      chat.show('teams', [
        `${teams.length} team${teams.length === 1 ? '' : 's'} in ${chat.state.org?.name ?? 'the organisation'}:`,
        ...teams.map(t => `  ${t.joined ? '●' : '○'} #${t.name}  ${t.members} member${t.members === 1 ? '' : 's'}${t.joined ? '' : ' · you are not in it (an admin can add you)'}${t.retentionDays > 0 ? ` · kept ${t.retentionDays} days` : ''}${t.hold ? ' · on hold' : ''}`),
        '/join TEAM switches to a team you are in.'
      ])
      return
    }
    case 'msg': {
      const m = resolveMember(chat.state.members, cmd.who)
      if (typeof m === 'string') throw new Error(m)
      if (m.peerId === chat.state.me.peerId) throw new Error('that is you')
      const sent = cmd.text === '' ? undefined : await chat.backend.sendDirect(m.peerId, cmd.text)
      const directTeam = sent?.team ?? (await chat.backend.directs()).find(d => d.peerId === m.peerId)?.team
      if (directTeam === undefined) throw new Error(`no messages with ${m.name} yet: /msg ${m.name} TEXT starts the conversation`)
      chat.dispatch({ type: 'open-direct', direct: { team: directTeam, peerId: m.peerId, name: m.name } })
      if (sent !== undefined) chat.dispatch({ type: 'sent', tempId: '', m: sent })
      chat.dispatch({ type: 'switch-team', team: directTeam })
      const now = currentConversation(chat.state)
      if (now !== undefined && !now.loaded) await chat.node.loadHistory(now.team, false)
      return
    }
    case 'status':
      chat.autoAway = false
      chat.dispatch({ type: 'presence', p: await chat.backend.setPresence(cmd.status, cmd.text) })
      return
    case 'members': {
      const direct = c?.direct
      const members = direct !== undefined ? chat.state.members.filter(m => m.peerId === direct || m.peerId === chat.state.me.peerId) : await chat.backend.members(team)
      const online = members.filter(m => (chat.state.presence[m.peerId]?.status ?? 'offline') !== 'offline' || m.peerId === chat.state.me.peerId)
      chat.show(`members of ${c?.label ?? ''}`, [
        `${members.length} members, ${online.length} online:`,
        ...members.map(m => `  ${oneLine(m.name)}${m.admin ? ' (admin)' : ''}  …${m.peerId.slice(-6)}  ${m.peerId === chat.state.me.peerId ? 'you' : chat.state.presence[m.peerId]?.status ?? 'offline'}`)
      ])
      return
    }
    case 'help':
      chat.show('help', HELP)
      return
    case 'search': {
      const found = await chat.backend.search(cmd.query, cmd.here ? team : undefined)
      chat.show(`search: ${cmd.query}`, found.length === 0
        ? [`nothing found for "${cmd.query}"`]
        : [`${found.length} found for "${cmd.query}", newest first:`, ...found.slice(0, 50).map(m => `${conversationLabel(chat.state, m.team, m.direct)} ${formatDateTime(m.time)} ${oneLine(m.authorName)}: ${oneLine(m.text)}`)])
      return
    }
    case 'sync': {
      const st = await chat.backend.syncStatus()
      chat.show('sync', st.map(t => `${conversationLabel(chat.state, t.team)}: ${t.entries} entries from ${t.authors.length} authors${t.fetching.length > 0 ? `, fetching from ${t.fetching.length} peer(s)` : ''}`))
      return
    }
    case 'invite': {
      const { token, expires } = await chat.backend.invite(cmd.teams)
      if (cmd.out !== undefined) {
        const path = resolve(cmd.out.replace(/^~(?=$|\/)/, homedir()))
        // never over another file; owner-only, like a password
        await writeFile(path, token + '\n', { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
          throw new Error(e.code === 'EEXIST' ? `${path} already exists: choose another file name` : `cannot write ${path}: ${e.message}`)
        })
      }
      chat.screen.showOutside([
        `parley invite token: single use, valid until ${formatDateTime(expires)}${cmd.teams.length > 0 ? `, for #general and ${cmd.teams.map(t => `#${t}`).join(', ')}` : ''}.${cmd.out !== undefined ? ` Also written to ${cmd.out}.` : ''}`,
        'The newcomer pastes it into their first parley screen, or runs: parley join TOKEN --name "Their Name"',
        '',
        token
      ])
      chat.dispatch({ type: 'notice', text: `an invite was made, valid until ${formatDateTime(expires)}${cmd.out !== undefined ? ` and written to ${cmd.out}` : ''}` })
      return
    }
    case 'team-create':
      await chat.backend.call('team.create', { team: cmd.team, members: cmd.members.map(m => chat.member(m)) })
      chat.dispatch({ type: 'notice', text: `created #${cmd.team}` })
      return
    case 'team-add':
      await chat.backend.call('team.add', { team: cmd.team, members: cmd.members.map(m => chat.member(m)) })
      chat.dispatch({ type: 'notice', text: `added ${cmd.members.join(', ')} to #${cmd.team}` })
      return
    case 'team-remove':
      await chat.backend.call('team.remove', { team: cmd.team, member: chat.member(cmd.member) })
      chat.dispatch({ type: 'notice', text: `removed ${cmd.member} from #${cmd.team}; its key was rotated` })
      return
    case 'admin-add':
      await chat.backend.call('admin.add-admin', { peer: chat.member(cmd.member) })
      chat.dispatch({ type: 'notice', text: `${cmd.member} is now an admin` })
      return
    case 'suspend':
      await chat.backend.call('admin.suspend', { peer: chat.member(cmd.member), reason: cmd.reason })
      chat.dispatch({ type: 'notice', text: `${cmd.member} is suspended: out of every team, keys rotated, posts and connections refused until /resume` })
      return
    case 'resume':
      await chat.backend.call('admin.resume', { peer: chat.member(cmd.member) })
      chat.dispatch({ type: 'notice', text: `${cmd.member} is back in the teams they had, with the keys of what was written meanwhile` })
      return
    case 'invites': {
      const invites = await chat.backend.call('invite.list')
      chat.show('invites', invites.length === 0
        ? ['no invites yet']
        : invites.map(i => `${i.id.slice(0, 12)} ${i.status.padEnd(8)} by ${oneLine(i.issuerName)} ${formatDateTime(i.createdAt)}${i.usedByName !== undefined ? `, used by ${oneLine(i.usedByName)}` : ''}${i.status === 'pending' ? `, until ${formatDateTime(i.expires)}` : ''} ${i.teams.map(t => `#${t}`).join(' ')}`))
      return
    }
    case 'remove': {
      const id = chat.member(cmd.member)
      await chat.backend.call('admin.remove', { peer: id })
      chat.dispatch({ type: 'notice', text: `${cmd.member} was removed from the organisation and every team; keys rotated, connections refused` })
      return
    }
    case 'file-send': {
      if (team === undefined) throw new Error('no conversation to share the file in')
      const path = resolve(cmd.path.replace(/^~(?=$|\/)/, homedir()))
      chat.dispatch({ type: 'notice', text: `sealing ${basename(path)}…` })
      const f = await chat.backend.call('file.send', { team, path, caption: cmd.caption })
      chat.dispatch({ type: 'notice', text: `shared ${f.name} (${formatBytes(f.size)})` })
      return
    }
    case 'file-get': {
      chat.dispatch({ type: 'notice', text: `fetching ${cmd.id}…` })
      try {
        const got = await chat.backend.call('file.get', { id: cmd.id })
        chat.dispatch({ type: 'notice', text: `saved ${got.file.name} to ${got.path}` })
      } finally {
        chat.dispatch({ type: 'file-done', id: cmd.id })
      }
      return
    }
    case 'files': {
      const files = await chat.backend.call('file.list', team === undefined ? {} : { team })
      chat.show(`files in ${c?.label ?? ''}`, files.length === 0
        ? ['no files shared here yet']
        : [`${files.length} file(s), newest first (/get ID saves one):`, ...files.slice(0, 50).map((f) => {
            const st = f.state === 'partial' ? `${Math.floor(100 * f.held / Math.max(1, f.size))}%` : f.state
            return `  ${f.id.slice(0, 8)}  ${oneLine(f.name)} (${formatBytes(f.size)}) from ${oneLine(f.authorName || f.author.slice(-8))} · ${st}`
          })])
      return
    }
    case 'notify': {
      if (cmd.mode === undefined) {
        chat.dispatch({ type: 'notice', text: `notifications: ${chat.alerts.mode} (/notify desktop|terminal|both|off)` })
        return
      }
      const mode = NOTIFY_MODES.find(m => m === cmd.mode)
      if (mode === undefined) throw new Error('usage: /notify desktop|terminal|both|off')
      chat.alerts.setMode(mode)
      chat.dispatch({ type: 'notice', text: `notifications: ${chat.alerts.mode}` })
      return
    }
    case 'policy':
      await showPolicy(chat)
      return
    case 'nick':
      await chat.backend.call('rename', { name: cmd.name })
      chat.dispatch({ type: 'notice', text: `asked the admins to call you ${cmd.name}; it applies once one approves` })
      return
    case 'rename':
      await chat.backend.call('admin.rename', { peer: chat.member(cmd.member), name: cmd.name })
      chat.dispatch({ type: 'notice', text: `${cmd.member} is now called ${cmd.name}` })
      return
    case 'approve': {
      if (cmd.member === undefined) {
        await showRenameRequests(chat)
        return
      }
      const peer = chat.member(cmd.member)
      const request = (await chat.backend.call('rename.requests')).find(r => r.peerId === peer)
      if (request === undefined) throw new Error(`${cmd.member} has no pending rename request (/approve lists them)`)
      await chat.backend.call('admin.approve', { peer })
      chat.dispatch({ type: 'notice', text: `${request.name} is now called ${request.requested}` })
      return
    }
    case 'reply': {
      const m = await resolveMessage(chat, cmd.id)
      if (cmd.text.trim() === '') { startReply(chat, m); return }
      await runCommand(chat, { kind: 'send', text: cmd.text, urgent: false }, typed, { team: m.team, id: m.id })
      return
    }
    case 'edit': {
      const m = await resolveMessage(chat, cmd.id)
      startEdit(chat, m)
      // with the new text typed already: saved at once
      if (cmd.text.trim() !== '') {
        chat.dispatch({ type: 'submitted', text: '', history: false })
        await saveEdit(chat, { kind: 'edit', team: m.team, id: m.id }, cmd.text)
      }
      return
    }
    case 'delete':
      confirmDelete(chat, await resolveMessage(chat, cmd.id))
      return
    case 'react':
      await react(chat, await resolveMessage(chat, cmd.id), cmd.emoji)
      return
    case 'reactions':
      showReactions(chat, await resolveMessage(chat, cmd.id))
      return
    case 'thread':
      await openThread(chat, await resolveMessage(chat, cmd.id))
      return
    case 'threads':
      if (cmd.mode === undefined) {
        chat.dispatch({ type: 'notice', text: `threads: ${chat.state.threads} (/threads inline|collapsed)` })
        return
      }
      chat.dispatch({ type: 'threads-mode', mode: cmd.mode })
      return
    case 'unavailable':
      throw new Error(`${cmd.what} is not available in this version yet`)
    case 'error':
      // what was typed is in the input history: Ctrl-Up (or Alt-P) brings it back to fix
      throw new Error(cmd.message)
    case 'quit':
      chat.quit()
      return
    case 'setup-create':
      chat.ask(`Found a new organisation called "${cmd.name}", with you as its first admin? (To join an existing one, paste the invite token instead.)`, async () => {
        await chat.backend.createOrg(cmd.name)
        await chat.node.refresh()
        chat.show('welcome', [`You founded ${cmd.name}, with a team #general.`, 'Invite colleagues with /invite (it prints a token to give them); /help lists commands and keys.'])
      })
      return
    case 'setup-join': {
      // joining: the display name colleagues will see, prefilled with the account's full name
      const suggested = chat.options.fullName ?? (chat.state.me.name !== '' ? chat.state.me.name : '')
      chat.dispatch({ type: 'system', text: 'Your display name, as colleagues will see it: edit it and press Enter.' })
      chat.dispatch({ type: 'input', text: suggested })
      chat.onEnter('Enter: join with this name · Esc: cancel', async () => {
        const name = chat.state.input.text.trim()
        chat.dispatch({ type: 'submitted', text: '' })
        if (name === '') throw new Error('a display name is needed: type one and press Enter')
        chat.dispatch({ type: 'system', text: `joining as ${name}…` })
        await chat.backend.join(cmd.token, name)
        await chat.node.refresh()
        chat.show('welcome', [`Welcome, ${chat.state.me.name !== '' ? chat.state.me.name : name}! /help lists commands and keys.`])
        // the organisation's usage policy, if it has one, before the first post
        await offerPolicy(chat, true)
      })
    }
  }
}
