/**
 * The part of the public API a shell (the chat, the CLI, a bot) needs at run time without loading
 * the core: how quantities and times are written, and the names of the events and statuses.
 * Re-exported by src/index.ts.
 */
export { formatBytes } from './format.js'
export { formatClock, formatDateTime, formatDay } from './time-format.js'
export { EVENT_NAMES, PRESENCE_STATUSES } from './events.js'
