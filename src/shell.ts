/**
 * The part of the public API a shell (the chat, the CLI, a bot) needs at run time without loading
 * the core (no libp2p, no store): the errors, the control socket's client, the checks of names and
 * text, how quantities and times are written, the names of the events and statuses, where files live.
 * Re-exported by src/index.ts. The CLI's commands that talk to a running node load only this, so they
 * start in a fraction of the time; those that run a node, or check a peer id, import src/index.ts too.
 */
export * from './errors.js'
export { ControlClient } from './control/client.js'
export { formatBytes } from './format.js'
export { formatClock, formatDateTime, formatDay } from './time-format.js'
export { EVENT_NAMES, PRESENCE_STATUSES } from './events.js'
export { checkDisplayName, checkTeamName, parseDuration, printable } from './text-checks.js'
export { parseScanCommand } from './files/scanner.js'
export { oneLine, sanitize } from './ui/text.js'
export { DEFAULT_PORT, logDirOf, identityKeyPathOf, defaultDataDir, defaultConfigPath, defaultDownloadDir, unitPath, UNIT_NAME } from './paths.js'
export { parleyLogger } from './log.js'
export type { Logger } from './log.js'
