/** The options a node is opened with, and what it says of itself. */
import type { FileConfig } from './files/file-service.js'

export interface ParleyInit {
  dataDir: string
  /** display name used when the identity is created; ignored afterwards */
  name?: string
  /** multiaddrs to listen on; default all IPv4 interfaces on DEFAULT_PORT */
  listen?: string[]
  /** multiaddrs of peers to keep connected whatever mDNS finds */
  peers?: string[]
  /** discover peers by mDNS on the LAN (default true) */
  mdns?: boolean
  /** mDNS query pace: while finding peers, once settled, and how long without a new peer settles it */
  mdnsPace?: { intervalMs?: number, settledIntervalMs?: number, settleMs?: number }
  /** the clock, in ms since the epoch (tests move it to see retention work); default Date.now */
  clock?: () => number
  /** file sharing: download folder, sizes, virus scanner */
  files?: Partial<FileConfig>
}

/** Node info for shells. */
export interface NodeInfo {
  peerId: string
  name: string
  dataDir: string
  addresses: string[]
  org?: { id: string, name: string, admin: boolean }
  teams: string[]
  /** this node was removed from the organisation (offboarded): by whom and when; it can no longer read or post */
  removed?: { by: string, byName: string, at: number }
  /** the org's usage policy in force, if it has one, and whether this node may post under it now (see policy.status) */
  policy?: { version: number, everySession: boolean, mayPost: boolean }
  /** this account is suspended by an admin: it reads nothing new and cannot post until resumed */
  suspended?: { by: string, byName: string, at: number, reason: string }
}
