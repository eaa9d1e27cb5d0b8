/**
 * One node's view of its organisation: the stored records, the folded state, the team keys this
 * node can open, and the admin actions that write new records.
 */
import { createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes } from 'node:crypto'
import { decrypt, encrypt, generateTeamKey, open, seal, teamKeyCheck } from '../crypto/box.js'
import { InviteError, NotAdminError, NotMemberError, InvalidArgumentError, RecordRefusedError } from '../errors.js'
import { checkDisplayName, checkPeerId, checkTeamName, peerIdOfPublicKey } from '../ids.js'
import { createRecord, decodeRecord, EpochKeys, InviteToken, MAX_RETENTION_DAYS } from '../model/index.js'
import { foldOrg, orgIdOf } from './org-state.js'
import type { BoxKeyPair } from '../crypto/box.js'
import type { RecordFields, VerifiedRecord } from '../model/index.js'
import type { EntryLog } from '../store/entry-log.js'
import type { Member, OrgState, Refusal } from './org-state.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'

const INVITE_PREFIX = 'parley1:'
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** What changed in the org after new records were taken in. */
export interface OrgChange {
  /** records newly applied */
  applied: VerifiedRecord[]
  /** records newly refused, with the reason */
  refused: Refusal[]
  /** peers newly removed from the directory */
  removed: string[]
}

export interface OrgIdentity {
  key: Ed25519PrivateKey
  box: BoxKeyPair
  peerId: string
}

/** The additional data bound into a sealed key: it cannot be moved to another team, epoch or member. */
function sealContext (team: string, epoch: number, member: string): Uint8Array {
  return Buffer.from(`parley/roster/v1\0${team}\0${epoch}\0${member}`)
}

/** The additional data bound into an encrypted body: it cannot be moved to another slot. */
export function bodyContext (team: string, epoch: number, author: string, seq: number): Uint8Array {
  return Buffer.from(`parley/entry/v1\0${team}\0${epoch}\0${author}\0${seq}`)
}

/** Log names of direct conversations start with this; team names cannot (they are admin-made). */
export const DM_PREFIX = 'dm-'

/** The log name of the direct conversation of two members: the same on both sides. */
export function directTeamOf (a: string, b: string): string {
  const [x, y] = [a, b].sort()
  return DM_PREFIX + createHash('sha256').update(`${x}\0${y}`).digest('hex').slice(0, 24)
}

/** Parse "24h", "30m", "7d", "90s" into milliseconds. */
export function parseDuration (text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim())
  if (m === null) throw new InvalidArgumentError(`invalid duration ${JSON.stringify(text)}: use e.g. 30m, 24h or 7d`)
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * unit
}

/** Decode an invite token, refusing anything malformed. */
export function decodeInviteToken (token: string): InviteToken {
  const text = token.trim()
  if (!text.startsWith(INVITE_PREFIX) || text.length > 8192) throw new InviteError('not a parley invite token')
  let decoded: InviteToken
  try {
    decoded = InviteToken.decode(Buffer.from(text.slice(INVITE_PREFIX.length), 'base64url'))
  } catch {
    throw new InviteError('the invite token is damaged')
  }
  if (decoded.org.length !== 32 || decoded.secret.length !== 32 || decoded.admins.length === 0 || decoded.admins.some(a => a.length !== 32)) {
    throw new InviteError('the invite token is damaged')
  }
  return decoded
}

/** The invite id (as stored in the org log) of an invite secret. */
export function inviteIdOf (secret: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(secret).digest())
}

/** An organisation as seen by this node. */
export class Org {
  readonly orgId: string
  private readonly log: EntryLog
  private readonly me: OrgIdentity
  private records = new Map<string, VerifiedRecord>()
  private folded!: OrgState
  /** team -> epoch -> key, for the epochs this node was given */
  private readonly keys = new Map<string, Map<number, Uint8Array>>()
  /**
   * Per team and epoch, keys of rosters that lost to another admin's roster for the same epoch
   * (written apart, then ordered second everywhere) and keys this node used for an epoch before
   * that happened: what members wrote under them meanwhile stays readable. Only ever used to
   * decrypt, never to write.
   */
  private readonly supersededKeys = new Map<string, Map<number, Uint8Array[]>>()
  private readonly openedRosters = new Set<string>()
  private readonly openedRefused = new Set<string>()
  private readonly directKeys = new Map<string, Uint8Array>()
  /** admin actions run one at a time: two records with one seq would be a fork of our own chain */
  private writing: Promise<unknown> = Promise.resolve()

  private constructor (orgId: string, log: EntryLog, me: OrgIdentity, records: VerifiedRecord[]) {
    this.orgId = orgId
    this.log = log
    this.me = me
    for (const r of records) this.records.set(r.idHex, r)
    this.refold()
  }

  /** The org this node belongs to, from its log, or undefined if it has none yet. */
  static async load (log: EntryLog, me: OrgIdentity): Promise<Org | undefined> {
    const orgId = await log.getMeta<string>('org')
    if (orgId === undefined) return undefined
    return new Org(orgId, log, me, await log.allRecords())
  }

  /** Found a new org with this node as its first admin and a team `general`. */
  static async create (log: EntryLog, me: OrgIdentity, name: string, adminName: string): Promise<Org> {
    const orgName = name.trim()
    if (orgName.length === 0 || orgName.length > 64) throw new InvalidArgumentError('an org name is 1 to 64 characters')
    const genesis = await createRecord(me.key, {
      org: new Uint8Array(0),
      seq: 1,
      lamport: 1,
      wallTime: Date.now(),
      prev: new Uint8Array(0),
      genesis: { name: orgName, adminName: checkDisplayName(adminName), adminBoxKey: new Uint8Array(me.box.publicKey), nonce: randomBytes(16) }
    })
    const orgId = orgIdOf(genesis)
    await log.putRecords([genesis])
    const org = new Org(orgId, log, me, [genesis])
    await org.createTeam('general', [])
    await log.putMeta('org', orgId)
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
    await log.putMeta('org', orgId)
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
    return this.folded.members.get(peerId)?.admin === true
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
    const known = new Set([...this.folded.members.keys(), ...this.folded.removed.keys()])
    for (const r of [...this.records.values(), ...fresh]) {
      if (r.record.addMember !== undefined) known.add(peerIdOfPublicKey(r.record.addMember.member))
    }
    const kept = fresh.filter(r => known.has(r.signer))
    const unknownSigners = fresh.length - kept.length
    fresh.length = 0
    fresh.push(...kept)
    if (fresh.length === 0) return { applied: [], refused: [], removed: [], errors, unknownSigners }
    // store even records the rules refuse now: a missing predecessor may still arrive
    await this.log.putRecords(fresh)
    for (const r of fresh) this.records.set(r.idHex, r)
    return { ...this.refold(), errors, unknownSigners }
  }

  private refold (): OrgChange {
    const before = this.folded
    this.folded = foldOrg(this.orgId, this.records.values())
    this.openKeys()
    const wasApplied = new Set(before?.applied.map(r => r.idHex))
    const wasRefused = new Set(before?.refused.map(r => r.record.idHex))
    return {
      applied: this.folded.applied.filter(r => !wasApplied.has(r.idHex)),
      refused: this.folded.refused.filter(r => !wasRefused.has(r.record.idHex)),
      removed: [...this.folded.removed.keys()].filter(p => before?.removed.has(p) !== true)
    }
  }

  /** Open the sealed keys meant for this node, checking each against its roster's key check. */
  private openKeys (): void {
    for (const team of this.folded.teams.values()) {
      for (const roster of team.epochs.values()) {
        if (this.openedRosters.has(roster.recordId)) continue
        this.openedRosters.add(roster.recordId)
        const mine = roster.record.record.roster?.sealed.find(s => peerIdOfPublicKey(s.member) === this.me.peerId)
        if (mine === undefined) continue
        const plain = open(this.me.box, mine.sealed, sealContext(team.name, roster.epoch, this.me.peerId))
        if (plain === undefined) continue
        let keys: EpochKeys
        try {
          keys = EpochKeys.decode(plain)
        } catch {
          continue // an admin sealed garbage; this epoch stays unreadable here
        }
        const byEpoch = this.keys.get(team.name) ?? new Map<number, Uint8Array>()
        for (const k of keys.keys) {
          const check = team.epochs.get(k.epoch)?.keyCheck
          // key confirmation: only a key that matches what every member was promised is used
          if (check === undefined || hex(teamKeyCheck(k.key, team.name, k.epoch)) !== hex(check)) continue
          const before = byEpoch.get(k.epoch)
          if (before !== undefined && hex(before) !== hex(k.key)) this.supersede(team.name, k.epoch, before)
          byEpoch.set(k.epoch, k.key)
        }
        this.keys.set(team.name, byEpoch)
      }
    }
    // rosters refused as written apart from another admin's for the same epoch: their keys, checked
    // against their own key check, open what was written under them
    // (a roster refused only for a gap may apply later, and is opened as any applied one then)
    for (const { record, gap } of this.folded.refused) {
      const ro = record.record.roster
      if (ro === undefined || gap === true || this.openedRefused.has(record.idHex) || !this.isAdmin(record.signer)) continue
      const mine = ro.sealed.find(s => peerIdOfPublicKey(s.member) === this.me.peerId)
      if (mine === undefined) continue
      const plain = open(this.me.box, mine.sealed, sealContext(ro.team, ro.epoch, this.me.peerId))
      if (plain === undefined) continue
      this.openedRefused.add(record.idHex)
      try {
        for (const k of EpochKeys.decode(plain).keys) {
          if (k.epoch === ro.epoch && hex(teamKeyCheck(k.key, ro.team, k.epoch)) === hex(ro.keyCheck)) this.supersede(ro.team, k.epoch, k.key)
        }
      } catch {
        // an admin sealed garbage: nothing to read with it
      }
    }
  }

  private supersede (team: string, epoch: number, key: Uint8Array): void {
    const byEpoch = this.supersededKeys.get(team) ?? new Map<number, Uint8Array[]>()
    const list = byEpoch.get(epoch) ?? []
    if (!list.some(k => hex(k) === hex(key))) list.push(key)
    byEpoch.set(epoch, list)
    this.supersededKeys.set(team, byEpoch)
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
    if (!team.startsWith(DM_PREFIX)) return undefined
    for (const peerId of [...this.folded.members.keys(), ...this.folded.removed.keys()]) {
      if (peerId !== this.me.peerId && directTeamOf(this.me.peerId, peerId) === team) return peerId
    }
    return undefined
  }

  /** The key of the direct conversation with `peerId`: X25519 between the two box keys, through HKDF. */
  private directKey (peerId: string): Uint8Array | undefined {
    const cached = this.directKeys.get(peerId)
    if (cached !== undefined) return cached
    const other = this.folded.members.get(peerId) ?? undefined
    if (other === undefined) return undefined
    const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url')
    const shared = diffieHellman({
      privateKey: createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(this.me.box.publicKey), d: b64u(this.me.box.privateKey) }, format: 'jwk' }),
      publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(other.boxKey) }, format: 'jwk' })
    })
    const key = new Uint8Array(hkdfSync('sha256', shared, Buffer.from(directTeamOf(this.me.peerId, peerId)), 'parley/direct/v1', 32))
    this.directKeys.set(peerId, key)
    return key
  }

  /** Encrypt a body for `team` under its current epoch. Throws NotMemberError if this node is not in it. */
  encryptBody (team: string, seq: number, plaintext: Uint8Array): { epoch: number, body: Uint8Array } {
    const peer = this.directPeer(team)
    if (team.startsWith(DM_PREFIX)) {
      const key = peer === undefined ? undefined : this.directKey(peer)
      if (peer === undefined || key === undefined || !this.folded.members.has(this.me.peerId)) throw new NotMemberError('no such direct conversation: the other person is not in the directory')
      return { epoch: 1, body: encrypt(key, plaintext, bodyContext(team, 1, this.me.peerId, seq)) }
    }
    const t = this.folded.teams.get(team)
    if (t === undefined) throw new NotMemberError(`there is no team ${team} in ${this.name}`)
    if (!t.current.members.has(this.me.peerId)) throw new NotMemberError(`you are not a member of ${team}`)
    const key = this.keys.get(team)?.get(t.current.epoch)
    if (key === undefined) throw new NotMemberError(`no key for ${team} epoch ${t.current.epoch} could be opened on this node`)
    return { epoch: t.current.epoch, body: encrypt(key, plaintext, bodyContext(team, t.current.epoch, this.me.peerId, seq)) }
  }

  /** Decrypt a body, or undefined if this node has no key for its epoch. */
  decryptBody (team: string, epoch: number, author: string, seq: number, body: Uint8Array): Uint8Array | undefined {
    const peer = this.directPeer(team)
    const key = peer !== undefined ? this.directKey(peer) : this.keys.get(team)?.get(epoch)
    const context = bodyContext(team, epoch, author, seq)
    const plain = key === undefined ? undefined : decrypt(key, body, context)
    if (plain !== undefined || peer !== undefined) return plain
    for (const other of this.supersededKeys.get(team)?.get(epoch) ?? []) {
      const opened = decrypt(other, body, context)
      if (opened !== undefined) return opened
    }
    return undefined
  }

  /**
   * Whether an entry by `author` at `epoch` is acceptable from the network now: the author must be in
   * the directory, in the roster of that epoch, and still in the team. Returns 'ok', 'unknown-epoch'
   * (this node is behind on rosters) or the reason for refusing.
   */
  entryVerdict (team: string, epoch: number, author: string): string {
    if (team.startsWith(DM_PREFIX)) return this.directVerdict(team, author)
    const t = this.folded.teams.get(team)
    if (t === undefined) return 'unknown-epoch'
    if (this.folded.removed.has(author)) return `author ${author} was removed from the org`
    if (!this.folded.members.has(author)) return `author ${author} is not a member of the org`
    const roster = t.epochs.get(epoch)
    if (roster === undefined) return epoch > t.current.epoch ? 'unknown-epoch' : `no roster for epoch ${epoch}`
    if (!roster.members.has(author)) return `author ${author} was not in ${team} at epoch ${epoch}`
    if (!t.current.members.has(author)) return `author ${author} is no longer in ${team}`
    return 'ok'
  }

  /**
   * Whether a past entry (from history sync) is acceptable: its author was in the team's roster at
   * the entry's epoch. Authors removed since then keep their history. Returns 'ok', 'unknown-epoch'
   * or the reason for refusing.
   */
  historyVerdict (team: string, epoch: number, author: string): string {
    // an author removed from the org still holds their key and can sign entries under an epoch they
    // were in, backdated at will: nothing in an entry proves it was written before the removal. So
    // once this node knows of a removal it takes in no entry of that author from anywhere; what it
    // held before stays (the history sync check skips entries at or below the held head).
    if (this.folded.removed.has(author)) return `author ${author} was removed from the org: entries by them that this node did not hold before are refused`
    if (team.startsWith(DM_PREFIX)) return this.directVerdict(team, author, true)
    const t = this.folded.teams.get(team)
    if (t === undefined) return 'unknown-epoch'
    const roster = t.epochs.get(epoch)
    if (roster === undefined) return epoch > t.current.epoch ? 'unknown-epoch' : `no roster for epoch ${epoch}`
    if (!roster.members.has(author)) return `author ${author} was not in ${team} at epoch ${epoch}`
    return 'ok'
  }

  /** A direct conversation's entry is fine if its author is one of the two, both still members. */
  private directVerdict (team: string, author: string, history = false): string {
    const peer = this.directPeer(team)
    if (peer === undefined) return `${team} is not a direct conversation of this node`
    if (author !== peer && author !== this.me.peerId) return `author ${author} is not in this direct conversation`
    if (!history && (!this.folded.members.has(peer) || !this.folded.members.has(this.me.peerId))) return `${peer} is no longer a member`
    return 'ok'
  }

  /** Whether `peerId` may be served `team`: a member of the team now, or the other person of a direct conversation. */
  mayRead (team: string, peerId: string): boolean {
    if (team.startsWith(DM_PREFIX)) return this.directPeer(team) === peerId && this.folded.members.has(peerId)
    return this.folded.teams.get(team)?.current.members.has(peerId) === true && !this.folded.removed.has(peerId)
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

  // ---- admin actions: each writes signed records ----

  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.writing.then(fn, fn)
    this.writing = run.catch(() => {})
    return run
  }

  private requireAdmin (): void {
    if (!this.isAdmin()) throw new NotAdminError('only an admin can do that')
  }

  /** Sign a record as this node and apply it; refused records are not kept. */
  private async write (change: Pick<RecordFields, 'addMember' | 'removeMember' | 'roster' | 'invite' | 'retention'>): Promise<VerifiedRecord> {
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
    const change2 = this.refold()
    const refusal = change2.refused.find(r => r.record.idHex === record.idHex)
    if (refusal !== undefined) {
      this.records.delete(record.idHex)
      this.refold()
      throw new RecordRefusedError(refusal.reason)
    }
    await this.log.putRecords([record])
    return record
  }

  /** Write a roster for `team` with exactly `members`, under a fresh key. */
  private async writeRoster (team: string, members: string[]): Promise<VerifiedRecord> {
    const t = this.folded.teams.get(team)
    const epoch = (t?.current.epoch ?? 0) + 1
    const key = generateTeamKey()
    const known = this.keys.get(team) ?? new Map<number, Uint8Array>()
    const sealed = [...new Set(members)].sort().map(peerId => {
      const m = this.folded.members.get(peerId)
      if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
      // a member new to the team also gets the older keys this admin holds, to read the history
      const history = t !== undefined && !t.current.members.has(peerId) ? [...known].map(([e, k]) => ({ epoch: e, key: k })) : []
      const plain = EpochKeys.encode({ keys: [...history, { epoch, key }].map(k => ({ epoch: k.epoch, key: new Uint8Array(k.key) })) })
      return { member: new Uint8Array(m.publicKey), sealed: new Uint8Array(seal(m.boxKey, plain, sealContext(team, epoch, peerId))) }
    })
    return this.write({
      roster: {
        team,
        epoch,
        prev: t === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(t.current.recordId, 'hex')),
        keyCheck: new Uint8Array(teamKeyCheck(key, team, epoch)),
        sealed
      }
    })
  }

  /** Create a team with this admin and `members` in it. */
  async createTeam (team: string, members: string[]): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      checkTeamName(team)
      if (team.startsWith(DM_PREFIX)) throw new InvalidArgumentError(`team names starting with ${DM_PREFIX} are kept for direct messages`)
      if (this.folded.teams.has(team)) throw new InvalidArgumentError(`team ${team} already exists`)
      return [await this.writeRoster(team, [this.me.peerId, ...members.map(checkPeerId)])]
    })
  }

  /**
   * Set how long a team keeps its messages (days; 0 for ever), or place or lift a hold, which
   * suspends deletion. What is not given stays as it was.
   */
  async setRetention (team: string, change: { days?: number, hold?: boolean, reason?: string }): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      if (!this.folded.teams.has(checkTeamName(team))) throw new InvalidArgumentError(`there is no team ${team}`)
      const now = this.folded.retention.get(team)
      const days = change.days ?? now?.days ?? 0
      if (!Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) throw new InvalidArgumentError(`a retention period is 0 (keep for ever) to ${MAX_RETENTION_DAYS} days`)
      const hold = change.hold ?? now?.hold ?? false
      const reason = change.reason ?? (change.hold === undefined ? now?.reason ?? '' : '')
      if (Buffer.byteLength(reason) > 500) throw new InvalidArgumentError('a hold reason is at most 500 bytes')
      return [await this.write({ retention: { team, days, hold, reason } })]
    })
  }

  /** Add directory members to a team (new epoch, new key). */
  async addToTeam (team: string, members: string[]): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      const t = this.folded.teams.get(checkTeamName(team))
      if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
      return [await this.writeRoster(team, [...t.current.members, ...members.map(checkPeerId)])]
    })
  }

  /** Take a member out of one team (new epoch, new key they do not get). */
  async removeFromTeam (team: string, member: string): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      const t = this.folded.teams.get(checkTeamName(team))
      if (t === undefined) throw new InvalidArgumentError(`there is no team ${team}`)
      if (!t.current.members.has(checkPeerId(member))) throw new NotMemberError(`${member} is not in ${team}`)
      const rest = [...t.current.members].filter(m => m !== member)
      if (rest.length === 0) throw new InvalidArgumentError('a team keeps at least one member')
      return [await this.writeRoster(team, rest)]
    })
  }

  /**
   * Mend the rosters after another admin's roster for the same epoch won over one of this node's
   * (the two written apart, the other ordered first everywhere, this one refused):
   * - `ownRefused`, this node's refused rosters: what each changed (members taken out, members put
   *   in) is applied again to the team's current roster, so an admin's decision is not lost;
   * - removed members still named by a team's current roster (the refused roster was the one that
   *   rotated them out) are rotated out, so they hold no current key.
   * Returns the records written (none if this node is not an admin or nothing needs mending).
   */
  async mendRosters (ownRefused: VerifiedRecord[] = []): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      if (!this.isAdmin()) return []
      const usable = (m: string): boolean => this.folded.members.has(m) && !this.folded.removed.has(m)
      const written: VerifiedRecord[] = []
      for (const r of ownRefused) {
        const ro = r.record.roster
        const team = ro === undefined ? undefined : this.folded.teams.get(ro.team)
        if (ro === undefined || team === undefined) continue
        const prev = this.records.get(hex(ro.prev))?.record.roster
        const before = new Set(prev?.sealed.map(x => peerIdOfPublicKey(x.member)) ?? [])
        const meant = new Set(ro.sealed.map(x => peerIdOfPublicKey(x.member)))
        const next = new Set([...team.current.members].filter(m => !before.has(m) || meant.has(m)))
        for (const m of meant) if (!before.has(m)) next.add(m)
        const members = [...next].filter(usable)
        const same = members.length === team.current.members.size && members.every(m => team.current.members.has(m))
        if (!same && members.length > 0) written.push(await this.writeRoster(ro.team, members))
      }
      for (const t of this.folded.teams.values()) {
        const rest = [...t.current.members].filter(usable)
        if (rest.length === t.current.members.size || rest.length === 0) continue
        written.push(await this.writeRoster(t.name, rest))
      }
      return written
    })
  }

  /** Make a directory member an admin. */
  async addAdmin (peerId: string): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      const m = this.folded.members.get(checkPeerId(peerId))
      if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory: invite them first`)
      if (m.admin) throw new InvalidArgumentError(`${m.name} is already an admin`)
      return [await this.write({ addMember: { member: m.publicKey, name: m.name, boxKey: m.boxKey, admin: true, invite: new Uint8Array(0) } })]
    })
  }

  /**
   * Offboarding in one step: remove a member from the directory and rotate the key of every team
   * they were in, so nothing written from now on is readable with what they hold.
   */
  async removeMember (peerId: string): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      const m = this.folded.members.get(checkPeerId(peerId))
      if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
      const theirTeams = [...this.folded.teams.values()].filter(t => t.current.members.has(peerId))
      const written = [await this.write({ removeMember: { member: m.publicKey, cutoffSeq: this.folded.heads.get(peerId)?.seq ?? 0 } })]
      for (const t of theirTeams) {
        const rest = [...t.current.members].filter(x => x !== peerId && this.folded.members.has(x))
        if (rest.length > 0) written.push(await this.writeRoster(t.name, rest))
      }
      return written
    })
  }

  /** Make an invite and return its token, to be handed to the newcomer out of band. */
  async createInvite (teams: string[], ttlMs: number, addresses: string[]): Promise<{ token: string, expires: number, records: VerifiedRecord[] }> {
    return this.exclusive(async () => {
      this.requireAdmin()
      const wanted = [...new Set(['general', ...teams.map(checkTeamName)])]
      for (const t of wanted) if (!this.folded.teams.has(t)) throw new InvalidArgumentError(`there is no team ${t}`)
      if (ttlMs <= 0 || ttlMs > 30 * 86_400_000) throw new InvalidArgumentError('an invite lasts from 1 second to 30 days')
      const secret = new Uint8Array(randomBytes(32))
      const expires = Date.now() + ttlMs
      const record = await this.write({ invite: { id: inviteIdOf(secret), expires, teams: wanted } })
      const admins = [...this.folded.members.values()].filter(m => m.admin).map(m => m.publicKey)
      const token = INVITE_PREFIX + Buffer.from(InviteToken.encode({
        org: new Uint8Array(Buffer.from(this.orgId, 'hex')),
        orgName: this.name,
        admins,
        secret,
        expires,
        addresses
      })).toString('base64url')
      return { token, expires, records: [record] }
    })
  }

  /**
   * As an admin, admit the holder of an invite secret: add them and put them in the invite's teams.
   * Idempotent for the node the invite admitted: asked again, it writes nothing and returns [].
   */
  async admit (joiner: string, secret: Uint8Array, name: string, boxKey: Uint8Array): Promise<VerifiedRecord[]> {
    return this.exclusive(async () => {
      this.requireAdmin()
      const invite = this.folded.invites.get(hex(inviteIdOf(secret)))
      if (invite === undefined) throw new InviteError('this invite is not known to the org (forged, or not yet synced)')
      if (invite.usedBy !== undefined) {
        // the same node asking again (its first answer was lost or came too late) gets the same
        // admission, and nothing new is written; for any other node the invite is spent
        const admitted = this.folded.members.get(joiner)
        if (invite.usedBy === joiner && admitted !== undefined && hex(admitted.boxKey) === hex(boxKey)) return []
        throw new InviteError('this invite was already used')
      }
      if (Date.now() > invite.expires) throw new InviteError('this invite has expired')
      if (this.folded.removed.has(joiner)) throw new InviteError('this identity was removed from the org; join with a new one')
      if (boxKey.length !== 32) throw new InvalidArgumentError('bad box key')
      const publicKey = peerIdFromString(joiner).publicKey?.raw
      if (publicKey === undefined) throw new InvalidArgumentError('joiner has no Ed25519 key')
      const written = [await this.write({ addMember: { member: new Uint8Array(publicKey), name: checkDisplayName(name), boxKey: new Uint8Array(boxKey), admin: false, invite: inviteIdOf(secret) } })]
      for (const team of invite.teams) {
        const t = this.folded.teams.get(team)
        if (t !== undefined && !t.current.members.has(joiner)) written.push(await this.writeRoster(team, [...t.current.members, joiner]))
      }
      return written
    })
  }
}
