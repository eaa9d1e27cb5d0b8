/**
 * The reader: a team's history page by page and the direct conversations held, as shells see them,
 * never showing what is past retention.
 */
import { InvalidArgumentError, NotMemberError } from '../errors.js'
import { checkTeamName } from '../ids.js'
import type { OrgView } from '../context.js'
import type { MessageView } from '../events.js'
import type { Retention } from '../retention/retention.js'
import type { EntryLog } from '../store/entry-log.js'
import type { Views } from './views.js'
import type { Conversations } from './conversations.js'

/** A page of history, oldest first, and the cursor for the page before it. */
export interface HistoryResult {
  messages: MessageView[]
  before?: string
}

export interface ReaderComponents {
  selfId: string
  orgs: OrgView
  log: Pick<EntryLog, 'contiguousHeads' | 'count' | 'page'>
  retention: Pick<Retention, 'unexpired'>
  views: Pick<Views, 'message'>
  conversations: Pick<Conversations, 'isAct' | 'decorate'>
}

export class Reader {
  private readonly c: ReaderComponents

  constructor (components: ReaderComponents) {
    this.c = components
  }

  /** The direct conversations this node holds messages of. */
  async directs (): Promise<Array<{ team: string, peerId: string, name: string }>> {
    const org = this.c.orgs.require()
    const out: Array<{ team: string, peerId: string, name: string }> = []
    for (const m of org.state.members.values()) {
      if (m.peerId === this.c.selfId) continue
      const team = org.directTeam(m.peerId)
      if ((await this.c.log.contiguousHeads(team)).size > 0 || await this.c.log.count(team) > 0) out.push({ team, peerId: m.peerId, name: m.name })
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }

  /** A page of a team's history in display order, oldest first. */
  async history (team: string, options: { limit?: number, before?: string } = {}): Promise<HistoryResult> {
    checkTeamName(team)
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 10_000)) {
      throw new InvalidArgumentError('limit must be a whole number from 1 to 10000')
    }
    const org = this.c.orgs.require()
    if (!org.state.teams.has(team) && org.directPeer(team) === undefined) throw new NotMemberError(`there is no team ${team}`)
    const limit = options.limit ?? 50
    const messages: MessageView[] = []
    let before = options.before
    // edits, deletes and reactions are entries too, shown on their messages: pages are read until
    // `limit` messages are found (or the start), so a page of acts does not shorten what is shown
    for (let pages = 0; pages < 100; pages++) {
      const page = await this.c.log.page(team, { limit: limit - messages.length, ...(before !== undefined ? { before } : {}) })
      // an entry the usage policy refuses (see teams/policy.ts) that this node took in before it held
      // the policy is not shown: every node shows the same history
      const shown = this.c.retention.unexpired(team, page.entries).filter(v => org.policyVerdict(v.author, v.entry.wallTime) === 'ok' && !this.c.conversations.isAct(v))
      const views = await Promise.all(shown.map(async v => this.c.conversations.decorate(this.c.views.message(v), v)))
      messages.unshift(...views)
      before = page.before
      if (before === undefined || messages.length >= limit) break
    }
    return before === undefined ? { messages } : { messages, before }
  }
}
