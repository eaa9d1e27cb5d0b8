/**
 * Tracing for operators and developers: libp2p's own logger, under the `parley:` namespace, so
 * `DEBUG=parley:*` (or `DEBUG=parley:*,libp2p:*`) prints what the services do.
 */
import { logger } from '@libp2p/logger'
import type { Logger } from '@libp2p/interface'

/** The logger of one service, e.g. parleyLogger('org-sync') logs as `parley:org-sync`. */
export function parleyLogger (name: string): Logger {
  return logger(`parley:${name}`)
}
