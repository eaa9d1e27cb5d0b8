/**
 * Watches this host's own addresses (a laptop moved desks, DHCP gave a new lease): connections that
 * ran over an address that is gone are dead, but TCP would take minutes and libp2p's ping up to
 * 20 s to say so. Each connection is probed then and closed if it does not answer, so the peer is
 * redialed from the new address; and discovery is told, so it asks the LAN again at once.
 */
import { repeatingTask } from '@libp2p/utils'
import { answers, PROBE_TIMEOUT_MS } from './probe.js'
import type { Connection } from '@libp2p/interface'
import type { RepeatingTask } from '@libp2p/utils'

export interface AddressWatcherInit {
  /** how often the addresses are compared with the last look */
  intervalMs: number
  /** this host's addresses now */
  localAddresses: () => string[]
  /** the connections open now */
  openConnections: () => Connection[]
  /** the addresses changed */
  onChanged: (change: { added: string[], removed: string[] }) => void
}

/** Compares this host's addresses every interval; probes every connection when one went away. */
export class AddressWatcher {
  private readonly init: AddressWatcherInit
  private addresses = new Set<string>()
  private task?: RepeatingTask

  constructor (init: AddressWatcherInit) {
    this.init = init
  }

  start (): void {
    if (this.task !== undefined) return
    this.addresses = new Set(this.init.localAddresses())
    this.task = repeatingTask(() => { this.check() }, this.init.intervalMs)
    this.task.start()
  }

  stop (): void {
    this.task?.stop()
    this.task = undefined
  }

  private check (): void {
    const now = new Set(this.init.localAddresses())
    const removed = [...this.addresses].filter(a => !now.has(a))
    const added = [...now].filter(a => !this.addresses.has(a))
    this.addresses = now
    if (removed.length === 0 && added.length === 0) return
    this.init.onChanged({ added, removed })
    if (removed.length === 0) return
    for (const connection of this.init.openConnections()) void probe(connection)
  }
}

async function probe (connection: Connection): Promise<void> {
  if (!await answers(connection)) connection.abort(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms after this host's addresses changed`))
}
