/**
 * Tracing for developers and operators: libp2p's own logger, so `DEBUG=parley:*,libp2p:*` shows
 * parley's steps interleaved with libp2p's. Off unless DEBUG names it; what an operator always
 * sees (the daemon's stderr lines) is printed by the shell, not through this.
 */
import { logger } from '@libp2p/logger'
import type { Logger } from '@libp2p/logger'

export type { Logger }

/** The prefix of every parley namespace. */
export const LOG_PREFIX = 'parley'

/** The logger of one part of parley, namespace `parley:<name>` (e.g. `parley:daemon`). */
export function parleyLogger (name: string): Logger {
  return logger(`${LOG_PREFIX}:${name}`)
}
