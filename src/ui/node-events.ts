/**
 * The chat's link to its node: loading what the state shows (the snapshot, history pages), turning
 * the node's typed events into actions, and what happens when the node goes away.
 */
import { offerPolicy } from './policy-prompt.js'
import { removedView } from './views.js'
import { whatHappened } from './state.js'
import type { ChatBackend } from './backend.js'
import type { Chat } from './chat.js'
import type { TypedControlEvent } from '../control/api.js'
import type { NodeInfo } from '../index.js'

/** Messages per history page. */
const PAGE = 100

/** The removed screen's text, plain, for the overlay. */
function removedLines (chat: Chat): string[] {
  return removedView(chat.state, 200).map(l => l.replace(/\u001b\[[\d;]*m/g, ''))
}

/** Loads from the node and follows its events, for one chat. */
export class NodeEvents {
  private readonly chat: Chat
  /** members whose presence an event told, per refresh in flight: newer than that refresh's snapshot */
  private readonly presenceTold = new Set<Set<string>>()
  /** organisation changes are told one at a time */
  private orgChanges = Promise.resolve()
  /** the usage policy's standing at the last refresh (NodeInfo.policy): whether to show it (policy-prompt.ts) */
  policy: NodeInfo['policy']

  constructor (chat: Chat) {
    this.chat = chat
  }

  /** Load the newest page of a conversation, or (`older`) the page before the oldest loaded. */
  async loadHistory (team: string, older: boolean): Promise<void> {
    const { chat } = this
    const c = chat.state.conversations.find(x => x.team === team)
    if (c === undefined) return
    const before = older ? c.before : undefined
    if (older && before === undefined) return
    const result = await chat.backend.history(team, before === undefined ? { limit: PAGE } : { limit: PAGE, before })
    chat.dispatch({ type: 'history', team, result, older })
  }

  /** Ask the node for everything the state shows (who we are, teams, members, presence, peers), then load new conversations. */
  async refresh (): Promise<void> {
    const { chat } = this
    const backend = chat.backend
    const info = await backend.info()
    this.policy = info.policy
    if (info.org === undefined) {
      chat.dispatch({ type: 'connected', info, teams: [], members: [], presence: [] })
      // the first screen too says whether colleagues' workstations are in reach (joining needs an admin's)
      chat.dispatch({ type: 'peers', count: (await backend.peers()).length })
      return
    }
    const told = new Set<string>()
    this.presenceTold.add(told)
    try {
      const [teams, members, presence, peers, directs] = await Promise.all([backend.teams(), backend.members(), backend.presence(), backend.peers(), backend.directs()])
      chat.dispatch({ type: 'connected', info, teams, members, presence, directs, presenceFresh: told })
      chat.dispatch({ type: 'peers', count: peers.length })
    } finally {
      this.presenceTold.delete(told)
    }
    for (const c of chat.state.conversations) if (!c.loaded) await this.loadHistory(c.team, false)
  }

  /** The first load: the snapshot, and for a removed workstation the overlay saying so. */
  async start (): Promise<void> {
    try {
      await this.refresh()
      if (this.chat.state.mode === 'removed') this.chat.show('removed', removedLines(this.chat))
      // a chat start is a session: the usage policy is shown and asked for when it must be accepted
      else if (this.chat.state.org !== undefined) await offerPolicy(this.chat, true)
    } catch (err) {
      this.chat.fail(err)
    }
  }

  /** One event of the node, as actions. */
  readonly onEvent = (e: TypedControlEvent): void => {
    const { chat } = this
    const dispatch = chat.dispatch
    switch (e.event) {
      case 'message:added':
        dispatch({ type: 'message', m: e.data })
        break
      // an edit, a delete or a reaction: the message as it is now, in its place (never a new line)
      case 'message:edited':
      case 'message:deleted':
      case 'reaction:changed':
        dispatch({ type: 'replaced', m: e.data })
        break
      case 'entry:forked':
        if (e.data.message !== undefined) dispatch({ type: 'forked', m: e.data.message })
        break
      case 'presence:changed': {
        const p = e.data
        for (const told of this.presenceTold) told.add(p.peerId)
        dispatch({ type: 'presence', p })
        break
      }
      case 'org:changed': {
        const change = e.data
        // say in the conversations what changed: compare the directory before and after, one change
        // at a time (two at once would both see the same newcomer as new)
        this.orgChanges = this.orgChanges.then(async () => {
          const before = chat.state.members
          const wasRemoved = chat.state.mode === 'removed'
          await this.refresh()
          dispatch({ type: 'happened', lines: whatHappened(before, chat.state.members, change, chat.state.me.peerId) })
          if (!wasRemoved && chat.state.mode === 'removed') chat.show('removed', removedLines(chat))
          // a new version of the usage policy: shown and asked for at once
          else if (change.applied.includes('policy')) await offerPolicy(chat, false)
        }).catch(chat.fail)
        break
      }
      case 'peer:connected':
      case 'peer:disconnected':
        void chat.backend.peers().then(p => { dispatch({ type: 'peers', count: p.length }) }).catch(chat.fail)
        break
      case 'history:synced':
        dispatch({ type: 'synced', at: Date.now() })
        break
      case 'node:warning':
        dispatch({ type: 'notice', text: e.data.message })
        break
      case 'file:progress':
        dispatch({ type: 'file-progress', p: e.data })
        break
      case 'file:complete':
        dispatch({ type: 'file-done', id: e.data.id })
        break
      case 'file:failed':
      case 'file:quarantined': {
        const f = e.data
        dispatch({ type: 'file-done', id: f.id })
        // said in the file's own conversation
        dispatch({ type: 'happened', lines: [{ team: f.team, text: e.event === 'file:quarantined' ? `${f.name} (from ${f.authorName}) was quarantined: the virus scanner found ${f.reason ?? 'something'}; it is never opened or passed on` : `${f.name}: ${e.data.message}` }] })
        break
      }
      case 'join:waiting':
        dispatch({ type: 'system', text: 'waiting for an admin of the organisation to be reachable on the LAN…' })
        break
    }
  }

  /**
   * Follow the events of `b`. When it closes while it is the chat's node, say so, or (when the chat
   * can run a node itself) ask whether to run one here and carry on with it.
   */
  attach (b: ChatBackend): void {
    b.onEvent(this.onEvent)
    b.onClose(() => {
      if (b !== this.chat.backend || this.chat.quitting) return
      void this.reattach()
    })
  }

  /**
   * The node attached to stopped: attach to it again if it comes back within a moment (a restarted
   * daemon), or else say so, or (when the chat can run a node itself) ask whether to run one here.
   */
  private async reattach (): Promise<void> {
    const { chat } = this
    const reconnect = chat.options.reconnect
    if (reconnect !== undefined) {
      chat.dispatch({ type: 'notice', text: 'the parley node stopped; looking for it again…' })
      const again = await reconnect().catch(() => undefined)
      if (again !== undefined) {
        chat.backend = again
        this.attach(again)
        await this.refresh()
        chat.dispatch({ type: 'notice', text: 'attached to the parley node again' })
        return
      }
    }
    const runNode = chat.options.runNode
    if (runNode === undefined) {
      chat.dispatch({ type: 'error', text: 'the parley node stopped; press Ctrl-C to quit' })
      return
    }
    chat.ask('The parley node this chat was attached to stopped (the chat or daemon that ran it ended). Run it here, in this chat?', async () => {
      chat.dispatch({ type: 'notice', text: 'starting the node…' })
      chat.backend = await runNode()
      this.attach(chat.backend)
      await this.refresh()
      chat.dispatch({ type: 'notice', text: 'the node runs in this chat now: it stops when you quit' })
    }, 'no parley node: nothing can be sent or received; Ctrl-C quits')
  }

}
