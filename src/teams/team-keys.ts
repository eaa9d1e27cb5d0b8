/**
 * Team keys: the keys of each team epoch that this node can open from the rosters sealed to it
 * (checked against each roster's key check), and the sealing of a new roster's key to its members.
 */
import { generateTeamKey, open, seal, teamKeyCheck } from '../crypto/box.js'
import { NotMemberError } from '../errors.js'
import { peerIdOfPublicKey } from '../ids.js'
import { EpochKeys } from '../model/index.js'
import type { BoxKeyPair } from '../crypto/box.js'
import type { RecordFields } from '../model/index.js'
import type { OrgState } from './org-state.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** The additional data bound into a sealed key: it cannot be moved to another team, epoch or member. */
export function sealContext (team: string, epoch: number, member: string): Uint8Array {
  return Buffer.from(`parley/roster/v1\0${team}\0${epoch}\0${member}`)
}

/** The additional data bound into an encrypted body: it cannot be moved to another slot. */
export function bodyContext (team: string, epoch: number, author: string, seq: number): Uint8Array {
  return Buffer.from(`parley/entry/v1\0${team}\0${epoch}\0${author}\0${seq}`)
}

/** The team keys this node holds. */
export class TeamKeyring {
  private readonly me: { box: BoxKeyPair, peerId: string }
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

  constructor (me: { box: BoxKeyPair, peerId: string }) {
    this.me = me
  }

  /** The key this node writes and reads `team` with at `epoch`, if it was given one. */
  key (team: string, epoch: number): Uint8Array | undefined {
    return this.keys.get(team)?.get(epoch)
  }

  /** Keys that were replaced for (team, epoch): only to read what was written under them. */
  superseded (team: string, epoch: number): Uint8Array[] {
    return this.supersededKeys.get(team)?.get(epoch) ?? []
  }

  /** Every key of `team` this node holds, by epoch: what a member new to the team is given. */
  held (team: string): Map<number, Uint8Array> {
    return this.keys.get(team) ?? new Map<number, Uint8Array>()
  }

  /** Open the sealed keys meant for this node in rosters of `state` not opened yet. */
  update (state: OrgState): void {
    for (const team of state.teams.values()) {
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
    for (const { record, gap } of state.refused) {
      const ro = record.record.roster
      if (ro === undefined || gap === true || this.openedRefused.has(record.idHex) || state.members.get(record.signer)?.admin !== true) continue
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
}

/**
 * The next roster of `team` with exactly `members`, under a fresh key sealed to each of them; a
 * member new to the team also gets the older keys in `history`, to read what came before.
 * Throws NotMemberError for anyone not in the directory.
 */
export function sealRoster (state: OrgState, team: string, members: string[], history: Map<number, Uint8Array>): NonNullable<RecordFields['roster']> {
  const t = state.teams.get(team)
  const epoch = (t?.current.epoch ?? 0) + 1
  const key = generateTeamKey()
  const sealed = [...new Set(members)].sort().map(peerId => {
    const m = state.members.get(peerId)
    if (m === undefined) throw new NotMemberError(`${peerId} is not in the directory`)
    const older = t !== undefined && !t.current.members.has(peerId) ? [...history].map(([e, k]) => ({ epoch: e, key: k })) : []
    const plain = EpochKeys.encode({ keys: [...older, { epoch, key }].map(k => ({ epoch: k.epoch, key: new Uint8Array(k.key) })) })
    return { member: new Uint8Array(m.publicKey), sealed: new Uint8Array(seal(m.boxKey, plain, sealContext(team, epoch, peerId))) }
  })
  return {
    team,
    epoch,
    prev: t === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(t.current.recordId, 'hex')),
    keyCheck: new Uint8Array(teamKeyCheck(key, team, epoch)),
    sealed
  }
}
