/**
 * What the node's services share: the org this node is in (a read-only view of it for most), the
 * public event target with a dispatch that a throwing listener cannot break, and the internal bus on
 * which services tell each other of org changes and relayed entries instead of calling back into
 * the node.
 */
import { TypedEventEmitter } from 'main-event'
import { NotInOrgError } from './errors.js'
import type { ParleyEvents } from './events.js'
import type { VerifiedEntry, VerifiedRecord } from './model/index.js'
import type { Org, OrgChange } from './teams/org.js'
import type { PeerId } from '@libp2p/interface'
import type { TypedEventTarget } from 'main-event'

/** The org this node is in, once it has founded or joined one. */
export class OrgRef {
  private value?: Org

  constructor (org?: Org) {
    this.value = org
  }

  get current (): Org | undefined {
    return this.value
  }

  /** The org, or NotInOrgError. */
  require (): Org {
    if (this.value === undefined) throw new NotInOrgError('this node is in no organisation yet: run `parley org create NAME` or `parley join TOKEN`')
    return this.value
  }

  set (org: Org): void {
    this.value = org
  }
}

/** The view of the org that services read; only the node founds or joins one. */
export type OrgView = Pick<OrgRef, 'current' | 'require'>

/** The node's public events, as services dispatch them. */
export type PublicEvents = TypedEventTarget<ParleyEvents>

/** Dispatch a public event; a throwing listener must not break the core. */
export function emit<K extends keyof ParleyEvents> (target: PublicEvents, type: K, detail: ParleyEvents[K]['detail']): void {
  try {
    target.dispatchEvent(new CustomEvent(type, { detail }))
  } catch (err) {
    process.emitWarning(`parley listener for ${type} threw: ${(err as Error).message}`)
  }
}

/** An operational problem worth a log line (the `node:warning` event). */
export function warn (target: PublicEvents, message: string): void {
  emit(target, 'node:warning', { message })
}

/** What the services tell each other. */
export interface CoreEvents {
  /** records from a peer (gossip or org sync) were folded into the org */
  'org:ingested': CustomEvent<{ change: OrgChange, from: string }>
  /** this node wrote org records (an admin action, an admission, a mending): fold effects, publish */
  'org:written': CustomEvent<{ records: VerifiedRecord[] }>
  /** the org changed (after either of the above): follow it (subscriptions, retention, presence, index) */
  'org:updated': CustomEvent<{ change: OrgChange }>
  /** an entry a peer relayed on a topic passed every check and is to be stored */
  'entry:relayed': CustomEvent<{ v: VerifiedEntry, from: PeerId }>
  /** a peer relayed an entry whose feed this node does not hold up to it: fetch the team's history from that peer */
  'entry:gapped': CustomEvent<{ team: string, from: PeerId }>
}

/** The internal bus. */
export class CoreBus extends TypedEventEmitter<CoreEvents> {
  emit<K extends keyof CoreEvents> (type: K, detail: CoreEvents[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
