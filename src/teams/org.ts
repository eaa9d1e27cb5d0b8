/**
 * One node's view of its organisation: the stored records, the folded state, and the admin actions
 * that write new records. Team keys are kept in team-keys.ts, direct conversations in direct.ts, the
 * entry rules in entry-rules.ts, invites in invites.ts, roster mending in roster-mend.ts.
 */
import { decrypt, encrypt } from '../crypto/box.js'
import { InviteError, NotAdminError, NotMemberError, PolicyNotAcceptedError, RecordRefusedError } from '../errors.js'
import { createRecord, decodeRecord } from '../model/index.js'
import * as actions from './admin-actions.js'
import * as nameActions from './name-actions.js'
import * as policyActions from './policy-actions.js'
import { currentPolicy, policyAt, policyVerdict } from './policy.js'
import * as office from './office-actions.js'
import { DirectKeys, DM_PREFIX, directPeerOf, directTeamOf } from './direct.js'
import { entryVerdict, historyVerdict, mayRead } from './entry-rules.js'
import { mayPostNow } from './office-rules.js'
import { foldOrg, knownSigners, orgIdOf } from './org-state.js'
import { mendRosters } from './roster-mend.js'
import { bodyContext, sealRoster, TeamKeyring } from './team-keys.js'
import type { AdminContext, RecordChange } from './admin-actions.js'
import type { BoxKeyPair } from '../crypto/box.js'
import type { FeedEnd, VerifiedRecord } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'
import type { Member, OrgState, Refusal } from './org-state.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

// what callers imported from here before the split
export { DM_PREFIX, directTeamOf } from './direct.js'
export { decodeInviteToken, inviteIdOf, parseDuration } from './invites.js'
export { bodyContext } from './team-keys.js'

/** What changed in the org after new records were taken in. */
export interface OrgChange {
  /** records newly applied */
  applied: VerifiedRecord[]
  /** records newly refused, with the reason */
  refused: Refusal[]
  /** peers newly removed from the directory */
  removed: string[]
  /** peers newly suspended */
  suspended?: string[]
}

/** The keys this node acts with. */
export interface OrgIdentity {
  key: Ed25519PrivateKey
  box: BoxKeyPair
  peerId: string
}

/** An organisation as seen by this node. */
export class Org {
  readonly orgId: string
  private readonly log: EntryLog
  private readonly me: OrgIdentity
  private records = new Map<string, VerifiedRecord>()
  private folded!: OrgState
  private readonly keyring: TeamKeyring
  private readonly directKeys: DirectKeys
  /** the policy version this node accepted in this session (see beginSession), for a policy that asks at every session */
  private sessionAccepted?: number
  /** admin actions run one at a time */
  private writing: Promise<unknown> = Promise.resolve()

  private constructor (orgId: string, log: EntryLog, me: OrgIdentity, records: VerifiedRecord[]) {
    this.orgId = orgId
    this.log = log
    this.me = me
    this.keyring = new TeamKeyring(me)
    this.directKeys = new DirectKeys(me)
    for (const r of records) this.records.set(r.idHex, r)
    this.refold()
  }

  /** The org this node belongs to, from its log, or undefined if it has none yet. */
  static async load (log: EntryLog, me: OrgIdentity): Promise<Org | undefined> {
    const orgId = await log.meta('org').get()
    if (orgId === undefined) return undefined
    return new Org(orgId, log, me, await log.allRecords())
  }

  /** Found a new org with this node as its first admin and a team `general`. */
  static async create (log: EntryLog, me: OrgIdentity, name: string, adminName: string): Promise<Org> {
    const genesis = await actions.createGenesis(me.key, me.box, name, adminName)
    const orgId = orgIdOf(genesis)
    await log.putRecords([genesis])
    const org = new Org(orgId, log, me, [genesis])
    await org.createTeam('general', [])
    await log.meta('org').put(orgId)
    return org
  }

  /** Join: adopt the records an admin sent, after checking they found the org the token names. */
  static async adopt (log: EntryLog, me: OrgIdentity, orgId: string, recordBytes: Uint8Array[]): Promise<Org> {
    const records: VerifiedRecord[] = []
    for (const bytes of recordBytes) records.push(await decodeRecord(bytes))
    if (!records.some(r => r.op === 'genesis' && orgIdOf(r) === orgId)) {
      throw new InviteError('the admin sent records of another org than the invite names')
    }
    const org = new Org(orgId, log, me, records)
    if (!org.state.members.has(me.peerId)) throw new InviteError('the admin did not add this node to the org')
    await log.putRecords(records)
    await log.meta('org').put(orgId)
    return org
  }

  get state (): OrgState {
    return this.folded
  }

  get name (): string {
    return this.folded.name
  }

  /** Whether this node is an admin now. */
  isAdmin (peerId = this.me.peerId): boolean {
    return this.folded.members.get(peerId)?.admin === true && !this.folded.suspended.has(peerId)
  }

  /** Every stored record, encoded, e.g. to send to a newcomer or a peer that is behind. */
  recordBytes (after?: Map<string, number>): Array<Uint8Array<ArrayBuffer>> {
    return [...this.records.values()]
      .filter(r => after === undefined || r.record.seq > (after.get(r.signer) ?? 0))
      .sort((a, b) => a.record.seq - b.record.seq)
      .map(r => new Uint8Array(r.bytes))
  }

  /** Per signer, the highest seq of an unbroken chain held here. */
  heads (): Map<string, number> {
    return new Map([...this.folded.heads].map(([signer, h]) => [signer, h.seq]))
  }

  /**
   * Take in records from a peer; each is verified, stored if new, and the state refolded. Records by
   * signers the org has never heard of are not kept (anyone can sign records; only people in the
   * directory, now or before, can matter); `unknownSigners` counts them.
   */
  async ingest (recordBytes: Uint8Array[]): Promise<OrgChange & { errors: Error[], unknownSigners: number }> {
    const fresh: VerifiedRecord[] = []
    const errors: Error[] = []
    for (const bytes of recordBytes) {
      try {
        const r = await decodeRecord(bytes)
        if (!this.records.has(r.idHex) && !fresh.some(f => f.idHex === r.idHex)) fresh.push(r)
      } catch (err) {
        errors.push(err as Error)
      }
    }
    const known = knownSigners(this.folded, [...this.records.values(), ...fresh])
    const kept = fresh.filter(r => known.has(r.signer))
    const unknownSigners = fresh.length - kept.length
    if (kept.length === 0) return { applied: [], refused: [], removed: [], errors, unknownSigners }
    // store even records the rules refuse now: a missing predecessor may still arrive
    await this.log.putRecords(kept)
    for (const r of kept) this.records.set(r.idHex, r)
    return { ...this.refold(), errors, unknownSigners }
  }

  private refold (): OrgChange {
    const before = this.folded
    this.folded = foldOrg(this.orgId, this.records.values())
    this.keyring.update(this.folded)
    const wasApplied = new Set(before?.applied.map(r => r.idHex))
    const wasRefused = new Set(before?.refused.map(r => r.record.idHex))
    return {
      applied: this.folded.applied.filter(r => !wasApplied.has(r.idHex)),
      refused: this.folded.refused.filter(r => !wasRefused.has(r.record.idHex)),
      removed: [...this.folded.removed.keys()].filter(p => before?.removed.has(p) !== true),
      suspended: [...this.folded.suspended].filter(p => before?.suspended.has(p) !== true)
    }
  }

  /** The teams this node is a member of now. */
  myTeams (): string[] {
    return [...this.folded.teams.values()].filter(t => t.current.members.has(this.me.peerId)).map(t => t.name).sort()
  }

  // ---- direct messages: a conversation of two, keyed by their box keys, needing no admin ----

  /** The log name of the direct conversation between this node and `peerId`. */
  directTeam (peerId: string): string {
    return directTeamOf(this.me.peerId, peerId)
  }

  /** The member a direct conversation of this node is with, if `team` is one. */
  directPeer (team: string): string | undefined {
    return directPeerOf(this.folded, this.me.peerId, team)
  }

  /** Encrypt a body for `team` under its current epoch. Throws NotMemberError if this node is not in it. */
  encryptBody (team: string, seq: number, plaintext: Uint8Array): { epoch: number, body: Uint8Array } {
    // refused here, before signing, as every other node would refuse it
    const suspension = this.folded.suspensions.get(this.me.peerId)
    if (suspension !== undefined) throw new NotMemberError(`this account is suspended by an admin${suspension.reason !== '' ? ` (${suspension.reason})` : ''}: it reads nothing new and cannot post until resumed`)
    if (!mayPostNow(this.folded, team, this.me.peerId)) throw new NotMemberError(`#${team} is an announcement team: only admins and the posters an admin names post in it`)
    const peer = this.directPeer(team)
    if (team.startsWith(DM_PREFIX)) {
      const key = peer === undefined ? undefined : this.directKeys.keyFor(this.folded, peer)
      if (peer === undefined || key === undefined || !this.folded.members.has(this.me.peerId)) throw new NotMemberError('no such direct conversation: the other person is not in the directory')
      return { epoch: 1, body: encrypt(key, plaintext, bodyContext(team, 1, this.me.peerId, seq)) }
    }
    const t = this.folded.teams.get(team)
    if (t === undefined) throw new NotMemberError(`there is no team ${team} in ${this.name}`)
    if (!t.current.members.has(this.me.peerId)) throw new NotMemberError(`you are not a member of ${team}`)
    const key = this.keyring.key(team, t.current.epoch)
    if (key === undefined) throw new NotMemberError(`no key for ${team} epoch ${t.current.epoch} could be opened on this node`)
    return { epoch: t.current.epoch, body: encrypt(key, plaintext, bodyContext(team, t.current.epoch, this.me.peerId, seq)) }
  }

  /** Decrypt a body, or undefined if this node has no key for its epoch. */
  decryptBody (team: string, epoch: number, author: string, seq: number, body: Uint8Array): Uint8Array | undefined {
    const peer = this.directPeer(team)
    const key = peer !== undefined ? this.directKeys.keyFor(this.folded, peer) : this.keyring.key(team, epoch)
    const context = bodyContext(team, epoch, author, seq)
    const plain = key === undefined ? undefined : decrypt(key, body, context)
    if (plain !== undefined || peer !== undefined) return plain
    for (const other of this.keyring.superseded(team, epoch)) {
      const opened = decrypt(other, body, context)
      if (opened !== undefined) return opened
    }
    return undefined
  }

  /** Whether an entry by `author` at `epoch` is acceptable from the network now (see entry-rules.ts). */
  entryVerdict (team: string, epoch: number, author: string): string {
    return entryVerdict(this.folded, this.me.peerId, team, epoch, author)
  }

  /** Whether `author`'s entry dated `wallTime` is covered by the usage policy (see policy.ts): 'ok' or the reason. */
  policyVerdict (author: string, wallTime: number): string {
    return policyVerdict(this.folded, author, wallTime)
  }

  /** Whether a past entry (from history sync) is acceptable (see entry-rules.ts). */
  historyVerdict (team: string, epoch: number, author: string, beforeRemoval = false): string {
    return historyVerdict(this.folded, this.me.peerId, team, epoch, author, beforeRemoval)
  }

  /** Whether `peerId` may be served `team`: a member of the team now, or the other person of a direct conversation. */
  mayRead (team: string, peerId: string): boolean {
    return mayRead(this.folded, this.me.peerId, team, peerId)
  }

  /** When a team (or, for a direct conversation, the org) was made, by its admin's clock. */
  createdAt (team: string): number {
    const first = team.startsWith(DM_PREFIX) ? undefined : this.folded.teams.get(team)?.epochs.get(1)
    return (first?.record ?? this.folded.applied.find(r => r.op === 'genesis'))?.record.wallTime ?? Date.now()
  }

  /** A directory member, by peer id. */
  member (peerId: string): Member | undefined {
    return this.folded.members.get(peerId)
  }

  /**
   * The name to show for an author: the directory's (admin-signed), never the one an entry carries.
   * A removed member keeps the name the directory had, marked; anyone else is a short peer id.
   */
  authorLabel (peerId: string): string {
    const member = this.folded.members.get(peerId)
    if (member !== undefined) return member.name
    const removed = this.folded.removed.get(peerId)
    if (removed !== undefined) return `${removed.name} (removed)`
    return `…${peerId.slice(-8)} (unknown)`
  }

  // ---- admin actions: each writes signed records (see admin-actions.ts) ----

  /** Run an admin action after every earlier one: two records with one seq would be a fork of our own chain. */
  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.writing.then(fn, fn)
    this.writing = run.catch(() => {})
    return run
  }

  /** Run `action` as this node, which must be an admin, one action at a time. */
  private async asAdmin<T> (action: (a: AdminContext) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      if (!this.isAdmin()) throw new NotAdminError('only an admin can do that')
      return action(this.adminContext)
    })
  }

  /** Run `action` as this node, which must be in the directory (for the records a member signs for themselves). */
  private async asMember<T> (action: (a: AdminContext) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      if (!this.folded.members.has(this.me.peerId)) throw new NotMemberError('this node is not in the directory')
      return action(this.adminContext)
    })
  }

  private readonly adminContext: AdminContext = ((org: Org): AdminContext => ({
    get state () { return org.folded },
    get me () { return org.me.peerId },
    get orgId () { return org.orgId },
    record: id => org.records.get(id),
    write: async change => org.write(change),
    writeRoster: async (team, members) => org.write({ roster: sealRoster(org.folded, team, members, org.keyring.held(team)) })
  }))(this)

  /** Sign a record as this node and apply it; refused records are not kept. */
  private async write (change: RecordChange): Promise<VerifiedRecord> {
    const head = this.folded.heads.get(this.me.peerId)
    const lamport = Math.max(0, ...[...this.records.values()].map(r => r.record.lamport)) + 1
    const record = await createRecord(this.me.key, {
      org: new Uint8Array(Buffer.from(this.orgId, 'hex')),
      seq: (head?.seq ?? 0) + 1,
      lamport,
      wallTime: Date.now(),
      prev: head === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(head.idHex, 'hex')),
      ...change
    })
    this.records.set(record.idHex, record)
    const refusal = this.refold().refused.find(r => r.record.idHex === record.idHex)
    if (refusal !== undefined) {
      this.records.delete(record.idHex)
      this.refold()
      throw new RecordRefusedError(refusal.reason)
    }
    await this.log.putRecords([record])
    return record
  }

  /** Create a team with this admin and `members` in it. */
  async createTeam (team: string, members: string[]): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => actions.createTeam(a, team, members))
  }

  /**
   * Set how long a team keeps its messages (days; 0 for ever), or place or lift a hold, which
   * suspends deletion. What is not given stays as it was.
   */
  async setRetention (team: string, change: { days?: number, hold?: boolean, reason?: string }): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => actions.setRetention(a, team, change))
  }

  /** Add directory members to a team (new epoch, new key). */
  async addToTeam (team: string, members: string[]): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => actions.addToTeam(a, team, members))
  }

  /** Take a member out of one team (new epoch, new key they do not get). */
  async removeFromTeam (team: string, member: string): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => actions.removeFromTeam(a, team, member))
  }

  /**
   * Mend the rosters after another admin's roster for the same epoch won over one of this node's
   * (see roster-mend.ts). Returns the records written (none if this node is not an admin or nothing
   * needs mending).
   */
  async mendRosters (ownRefused: VerifiedRecord[] = []): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => this.isAdmin() ? mendRosters(this.adminContext, ownRefused) : [])
  }

  /** Make a directory member an admin. */
  async addAdmin (peerId: string): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => actions.addAdmin(a, peerId))
  }

  /**
   * Offboarding in one step: remove a member from the directory and rotate the key of every team
   * they were in, so nothing written from now on is readable with what they hold.
   */
  async removeMember (peerId: string): Promise<VerifiedRecord[]> {
    // the last entry of theirs held here, in each of this node's teams and its conversation with them
    const ends: FeedEnd[] = []
    const teams = this.folded.members.has(peerId) && peerId !== this.me.peerId ? [...this.myTeams(), this.directTeam(peerId)] : this.myTeams()
    for (const team of teams) {
      const head = await this.log.feedHead(team, peerId)
      if (head !== undefined) ends.push({ team, seq: head.entry.seq, id: new Uint8Array(head.id) })
    }
    return this.asAdmin(async a => actions.removeMember(a, peerId, ends))
  }

  /** For an author removed from the org: the last entry of theirs in `team` the removal vouches for, if any. */
  removedFeedEnd (team: string, author: string): { seq: number, idHex: string } | undefined {
    return this.folded.removed.get(author)?.ends.get(team)
  }

  /** Make an invite and return its token, to be handed to the newcomer out of band. */
  async createInvite (teams: string[], ttlMs: number, addresses: string[], name?: string): Promise<{ token: string, expires: number, records: VerifiedRecord[] }> {
    return this.asAdmin(async a => actions.createInvite(a, teams, ttlMs, addresses, name))
  }

  /** Suspend a member (see office-actions.ts): out of every team's key, posts and connections refused. */
  async suspendMember (peerId: string, reason = ''): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => office.suspendMember(a, peerId, reason))
  }

  /** Resume a suspended member: back into the teams they had, with the keys of what was written meanwhile. */
  async resumeMember (peerId: string): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => office.resumeMember(a, peerId))
  }

  /** Revoke an unused invite by its id (or a unique prefix of it). */
  async revokeInvite (id: string): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => office.revokeInvite(a, id))
  }

  /** Create an announcement team: only admins (and posters named later) post in it. */
  async createAnnounceTeam (team: string, members: string[]): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => office.createAnnounceTeam(a, team, members))
  }

  /** Name an announcement team's posters besides the admins (see office-actions.ts). */
  async setTeamPosters (team: string, posters: string[], announce = true): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => office.setTeamPosters(a, team, posters, announce))
  }

  /**
   * As an admin, admit the holder of an invite secret: add them and put them in the invite's teams.
   * Idempotent for the node the invite admitted: asked again, it writes nothing and returns [].
   */
  async admit (joiner: string, secret: Uint8Array, name: string, boxKey: Uint8Array): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => actions.admit(a, joiner, secret, name, boxKey))
  }

  // ---- usage policy and names (policy.ts, names.ts) ----

  /** Publish `text` as the next version of the usage policy (admins only). */
  async setPolicy (text: string, everySession: boolean): Promise<VerifiedRecord[]> {
    const written = await this.asAdmin(async a => policyActions.setPolicy(a, text, everySession))
    this.sessionAccepted = currentPolicy(this.folded)?.version
    return written
  }

  /** Accept the policy in force, signed by this node's own key; `version`, if given, must be it. */
  async acceptPolicy (version?: number): Promise<VerifiedRecord[]> {
    const written = await this.asMember(async a => policyActions.acceptPolicy(a, version))
    this.sessionAccepted = currentPolicy(this.folded)?.version
    return written
  }

  /**
   * A new session begins (a chat starts): a policy that asks at every session needs a new
   * acceptance before this node posts again.
   */
  beginSession (): void {
    this.sessionAccepted = undefined
  }

  /** Whether this node accepted the policy in force in this session (true when it does not ask per session). */
  acceptedThisSession (): boolean {
    const current = currentPolicy(this.folded)
    return current === undefined || !current.everySession || this.sessionAccepted === current.version
  }

  /**
   * Throws PolicyNotAcceptedError unless this node may post an entry dated `wallTime`: the rule
   * every other node applies (policyVerdict), and, for a policy that asks at every session, an
   * acceptance in this session.
   */
  checkMayPost (wallTime: number): void {
    const inForce = policyAt(this.folded, wallTime)
    if (inForce === undefined) return
    if (policyVerdict(this.folded, this.me.peerId, wallTime) !== 'ok') {
      throw new PolicyNotAcceptedError(`accept the usage policy of ${this.name} (version ${inForce.version}) before posting: \`parley policy accept\`, or accept it in the chat`)
    }
    if (inForce.everySession && this.sessionAccepted !== inForce.version) {
      throw new PolicyNotAcceptedError(`the usage policy of ${this.name} (version ${inForce.version}) asks to be accepted at every session: accept it again before posting`)
    }
  }

  /** Give a member a new display name (admins only). */
  async renameMember (peerId: string, name: string): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => nameActions.renameMember(a, peerId, name))
  }

  /** Grant a member's pending rename request (admins only). */
  async approveRename (peerId: string): Promise<VerifiedRecord[]> {
    return this.asAdmin(async a => nameActions.approveRename(a, peerId))
  }

  /** Ask the admins for a new display name for this node. */
  async requestRename (name: string): Promise<VerifiedRecord[]> {
    return this.asMember(async a => nameActions.requestRename(a, name))
  }
}
