/**
 * Views: entries, teams and the directory as shells see them, decrypted once and named by the
 * directory, never by what an entry says of itself.
 */
import { InvalidArgumentError } from '../errors.js'
import { checkTeamName } from '../ids.js'
import { decodeBody } from '../model/index.js'
import { fileIdBound } from '../files/chunks.js'
import { sanitizeFileName } from '../files/names.js'
import { DM_PREFIX } from '../teams/org.js'
import type { OrgView } from '../context.js'
import type { MessageView } from '../events.js'
import type { NodeInfo } from '../node-types.js'
import type { Body, VerifiedEntry } from '../model/index.js'
import type { ForkView } from '../store/entry-log.js'

/** A team as listed by `teams()`. */
export interface TeamView {
  name: string
  epoch: number
  members: number
  /** whether this node is in it */
  joined: boolean
  /** days its messages are kept; 0 for ever */
  retentionDays: number
  /** a hold suspends deletion */
  hold: boolean
  holdReason?: string
  /** an announcement team: only admins and `posters` post */
  announce?: boolean
  posters?: string[]
}

/** A directory member as listed by `members()`. */
export interface MemberView {
  peerId: string
  name: string
  admin: boolean
  online: boolean
  teams: string[]
  /** suspended by an admin: kept in the directory, out of every team until resumed */
  suspended?: { by: string, reason: string, at: number }
}

function suspendedOf (s: { by: string, reason: string, at: number } | undefined): Pick<MemberView, 'suspended'> {
  return s === undefined ? {} : { suspended: { by: s.by, reason: s.reason, at: s.at } }
}

export interface ViewsComponents {
  selfId: string
  orgs: OrgView
  /** the fork evidence the log keeps (absent: no fork is marked) */
  forks?: ForkView
}

/** What an unreadable entry shows. */
const EMPTY_BODY: Body = { text: '', authorName: '', urgent: false, replyTo: new Uint8Array(0), editOf: new Uint8Array(0), deleteOf: new Uint8Array(0) }

export class Views {
  private readonly c: ViewsComponents
  /**
   * Bodies decrypted, by the entry object they came from: the view made when an entry is stored and
   * the search index that takes it in a moment later share one decryption. Held no longer than the
   * entry object itself.
   */
  private readonly bodies = new WeakMap<VerifiedEntry, Body | null>()

  constructor (components: ViewsComponents) {
    this.c = components
  }

  /** The decrypted body of an entry, or undefined when this node cannot read it. */
  bodyOf (v: VerifiedEntry): Body | undefined {
    const known = this.bodies.get(v)
    if (known !== undefined) return known ?? undefined
    // an erased entry (deleted, or expired) has no body left
    if (v.erased === true) return undefined
    const { team, epoch, seq } = v.entry
    const plain = this.c.orgs.current?.decryptBody(team, epoch, v.author, seq, v.entry.body)
    // not cached while unreadable: the key may come with the next roster
    if (plain === undefined) return undefined
    let body: Body | undefined
    try {
      body = decodeBody(plain)
    } catch {
      // decrypted but malformed: shown as unreadable rather than dropped
      body = undefined
    }
    this.bodies.set(v, body ?? null)
    return body
  }

  /** An entry as shells see it; pass `decoded` when the body is already decrypted. */
  message (v: VerifiedEntry, decoded = this.bodyOf(v)): MessageView {
    const { team, epoch, seq } = v.entry
    const org = this.c.orgs.current
    const body: Body = decoded ?? EMPTY_BODY
    const readable = decoded !== undefined
    // a manifest under an id that is not its own is not shown as a file (FileService refuses it too)
    const file = body.file === undefined || !fileIdBound(v.author, team, body.file) ? {} : { file: { id: Buffer.from(body.file.id).toString('hex'), name: sanitizeFileName(body.file.name), size: body.file.size, type: body.file.type, sha256: Buffer.from(body.file.sha256).toString('hex') } }
    const flag = body.flag === undefined ? {} : { flag: { file: Buffer.from(body.flag.file).toString('hex'), reason: body.flag.reason.slice(0, 200) } }
    const direct = team.startsWith(DM_PREFIX) ? org?.directPeer(team) : undefined
    return {
      ...file,
      ...flag,
      id: v.idHex,
      team,
      author: v.author,
      // the directory's name, never the one written inside the entry (an author can put any there)
      authorName: this.authorLabel(v.author),
      seq,
      lamport: v.entry.lamport,
      time: v.entry.wallTime,
      text: body.text,
      urgent: body.urgent,
      local: v.author === this.c.selfId,
      readable,
      epoch,
      ...(direct !== undefined ? { direct } : {}),
      ...this.forkMarks(v, body.text, readable)
    }
  }

  /** The fork marks of an entry: both versions of its slot, lowest id first, and whether its author forks. */
  private forkMarks (v: VerifiedEntry, text: string, readable: boolean): Pick<MessageView, 'forked' | 'forker'> {
    const forks = this.c.forks
    if (forks === undefined || !forks.forked(v.entry.team, v.author)) return {}
    const other = forks.otherOf(v)
    if (other === undefined) return { forker: true }
    const otherBody = this.bodyOf(other)
    const versions = [{ id: v.idHex, text, readable }, { id: other.idHex, text: otherBody?.text ?? '', readable: otherBody !== undefined }]
      .sort((a, b) => a.id < b.id ? -1 : 1)
    return { forked: { otherId: other.idHex, versions }, forker: true }
  }

  /** What this node is and where it listens. */
  info (name: string, dataDir: string, addresses: string[]): NodeInfo {
    const org = this.c.orgs.current
    const info: NodeInfo = { peerId: this.c.selfId, name, dataDir, addresses, teams: org?.myTeams() ?? [] }
    if (org !== undefined) info.org = { id: org.orgId, name: org.name, admin: org.isAdmin() }
    const removal = org?.state.removed.get(this.c.selfId)
    if (removal !== undefined) info.removed = { by: removal.by, byName: org?.state.members.get(removal.by)?.name ?? org?.state.removed.get(removal.by)?.name ?? '', at: removal.at }
    const suspension = org?.state.suspensions.get(this.c.selfId)
    if (suspension !== undefined) info.suspended = { by: suspension.by, byName: org?.authorLabel(suspension.by) ?? '', at: suspension.at, reason: suspension.reason }
    return info
  }

  /** Who wrote an entry, by the directory (see Org.authorLabel). */
  authorLabel (author: string): string {
    return this.c.orgs.current?.authorLabel(author) ?? `…${author.slice(-8)} (unknown)`
  }

  /** The org's teams, by name. */
  teams (): TeamView[] {
    const org = this.c.orgs.require()
    return [...org.state.teams.values()].map(t => {
      const r = org.state.retention.get(t.name)
      return {
        name: t.name,
        epoch: t.current.epoch,
        members: t.current.members.size,
        joined: t.current.members.has(this.c.selfId),
        retentionDays: r?.days ?? 0,
        hold: r?.hold ?? false,
        ...(r?.hold === true && r.reason !== '' ? { holdReason: r.reason } : {}),
        ...(t.announce ? { announce: true, posters: [...t.posters].sort() } : {})
      }
    })
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The directory, or one team's members; `online` holds the connected peers. */
  members (online: Set<string>, team?: string): MemberView[] {
    const org = this.c.orgs.require()
    let ids = [...org.state.members.keys()]
    if (team !== undefined) {
      const t = org.state.teams.get(checkTeamName(team))
      if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
      ids = [...t.current.members]
    }
    return ids.map(id => org.member(id)).filter(m => m !== undefined).map(m => ({
      peerId: m.peerId,
      name: m.name,
      admin: m.admin,
      online: m.peerId === this.c.selfId || online.has(m.peerId),
      teams: [...org.state.teams.values()].filter(t => t.current.members.has(m.peerId)).map(t => t.name).sort(),
      ...suspendedOf(org.state.suspensions.get(m.peerId))
    })).sort((a, b) => a.name.localeCompare(b.name))
  }
}
