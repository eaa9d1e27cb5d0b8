/**
 * Peer sessions: tell the shells when a peer connects and goes, and sync with each peer (membership
 * first, then the history of the teams shared with it) when it connects; then, every 30 s, with a
 * few of the connected peers, going round them (gossip carries the traffic; the resync is the
 * backstop, and with every peer at each interval its cost grew with the square of the office).
 */
import { repeatingTask } from '@libp2p/utils'
import { emit } from '../context.js'
import type { OrgView, PublicEvents } from '../context.js'
import type { PeerView } from '../events.js'
import type { HistorySync } from '../history/history-sync.js'
import type { EntryLog } from '../store/entry-log.js'
import type { OrgSync } from './org-sync.js'
import type { Libp2p, PeerId, Startable } from '@libp2p/interface'
import type { RepeatingTask } from '@libp2p/utils'

/** How often org and history are synced again with some connected peers. */
export const RESYNC_MS = 30_000
/** How many connected peers each resync syncs with: those synced least recently (never, first). */
export const RESYNC_PEERS = 3

/** Per team: what this node holds and what it is fetching. */
export interface SyncStatus {
  team: string
  /** entries held */
  entries: number
  /** per author, the end of the unbroken run held */
  authors: Array<{ author: string, name: string, seq: number }>
  fetching: Array<{ peer: string, started: number, received: number }>
  /** when a sync of this team last completed, ms since the epoch */
  lastSynced?: number
}

export interface PeerSessionsComponents {
  selfId: string
  orgs: OrgView
  libp2p: Pick<Libp2p, 'getPeers' | 'getConnections' | 'addEventListener' | 'removeEventListener'>
  orgSync: Pick<OrgSync, 'sync' | 'peerGone'>
  history: Pick<HistorySync, 'syncTeam' | 'fetching' | 'lastSynced'>
  log: Pick<EntryLog, 'contiguousHeads' | 'count'>
  /** told of each peer that connects (file transfers waiting for a source) and goes (presence) */
  peers: { connected: (peer: string) => void, gone: (peer: string) => void }
  events: PublicEvents
}

export class PeerSessions implements Startable {
  private readonly c: PeerSessionsComponents
  /** peers announced as connected (peer:connected) and not gone since */
  private readonly announced = new Set<string>()
  private readonly resync: RepeatingTask
  private running = false
  /** per connected peer, when it was last synced with, as a count of syncs begun: the resync takes the lowest */
  private readonly lastSynced = new Map<string, number>()
  private syncs = 0

  constructor (components: PeerSessionsComponents) {
    this.c = components
    this.resync = repeatingTask(() => { this.resyncSome() }, RESYNC_MS)
  }

  start (): void {
    this.running = true
    this.c.libp2p.addEventListener('peer:connect', this.onConnect)
    this.c.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    this.resync.start()
    // peers that connected while libp2p was starting, before the listeners above were attached (the
    // office's nodes redial a restarted one at its old address as soon as it listens): announced and
    // synced now, as if they had connected just now
    for (const peer of this.c.libp2p.getPeers()) this.connected(peer)
  }

  stop (): void {
    this.running = false
    this.resync.stop()
    this.c.libp2p.removeEventListener('peer:connect', this.onConnect)
    this.c.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    this.connected(evt.detail)
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail.toString()
    this.announced.delete(peerId)
    this.lastSynced.delete(peerId)
    this.c.orgSync.peerGone(peerId)
    this.c.peers.gone(peerId)
    emit(this.c.events, 'peer:disconnected', { peerId })
  }

  /** A peer connected: announce it once per connection spell, then sync membership and history. */
  private connected (peer: PeerId): void {
    const peerId = peer.toString()
    if (this.announced.has(peerId)) return
    this.announced.add(peerId)
    this.c.peers.connected(peerId)
    const addresses = this.c.libp2p.getConnections(peer).map(c => c.remoteAddr.toString())
    emit(this.c.events, 'peer:connected', { peerId, addresses })
    // membership first, then history: entries are checked against the rosters
    this.lastSynced.set(peerId, ++this.syncs)
    void this.syncWith(peer)
  }

  /**
   * The periodic resync: with the RESYNC_PEERS connected peers synced least recently (a peer never
   * synced first, then in the order they were last synced), so that over a few intervals it goes
   * round all of them. Returns the peers it syncs with.
   */
  resyncSome (): PeerId[] {
    const order = (p: PeerId): number => this.lastSynced.get(p.toString()) ?? 0
    const chosen = [...this.c.libp2p.getPeers()]
      .sort((a, b) => order(a) - order(b) || a.toString().localeCompare(b.toString()))
      .slice(0, RESYNC_PEERS)
    for (const peer of chosen) {
      this.lastSynced.set(peer.toString(), ++this.syncs)
      void this.syncWith(peer)
    }
    return chosen
  }

  /** Org sync with `peer`, then fetch what it holds of every team shared with it (and, unless told not to, the direct conversation). */
  async syncWith (peer: PeerId, options: { directs?: boolean } = {}): Promise<void> {
    await this.c.orgSync.sync(peer)
    const org = this.c.orgs.current
    if (org === undefined || !this.running) return
    const shared = org.myTeams().filter(t => org.state.teams.get(t)?.current.members.has(peer.toString()) === true)
    if (options.directs !== false && org.member(peer.toString()) !== undefined && peer.toString() !== this.c.selfId) shared.push(org.directTeam(peer.toString()))
    await Promise.all(shared.map(async t => this.c.history.syncTeam(peer, t)))
  }

  /** The peers connected now, with the addresses of their connections. */
  peers (): PeerView[] {
    const byPeer = new Map<string, string[]>()
    for (const c of this.c.libp2p.getConnections()) {
      const list = byPeer.get(c.remotePeer.toString()) ?? []
      list.push(c.remoteAddr.toString())
      byPeer.set(c.remotePeer.toString(), list)
    }
    return [...byPeer].map(([peerId, addresses]) => ({ peerId, addresses })).sort((a, b) => a.peerId.localeCompare(b.peerId))
  }

  /** Per team this node is in: what it holds and what it is fetching. */
  async status (): Promise<SyncStatus[]> {
    const org = this.c.orgs.require()
    const out: SyncStatus[] = []
    for (const team of org.myTeams()) {
      const heads = await this.c.log.contiguousHeads(team)
      const status: SyncStatus = {
        team,
        entries: await this.c.log.count(team),
        authors: [...heads].map(([author, h]) => ({ author, name: org.member(author)?.name ?? '', seq: h.seq })).sort((a, b) => a.name.localeCompare(b.name)),
        fetching: [...this.c.history.fetching.values()].filter(f => f.team === team).map(f => ({ peer: f.peer, started: f.started, received: f.received }))
      }
      const last = this.c.history.lastSynced.get(team)
      if (last !== undefined) status.lastSynced = last
      out.push(status)
    }
    return out
  }
}
