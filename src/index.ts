/**
 * The public API of parley: the composition root for shells (CLI, UI, bots).
 */
import './polyfills.js'

export { createNode, ParleyNode, DEFAULT_PORT } from './node.js'
export type { ParleyInit, NodeInfo, HistoryResult, TeamView, MemberView, SyncStatus } from './node.js'
export type { MessageView, PeerView, ParleyEvents, EntryRejection, ForkEvidence, EventName, OrgChangeView, RecordRefusal, PresenceView, PresenceStatus, FileView, FileState, FileProgress } from './events.js'
export * from './errors.js'
export { ControlClient } from './control/client.js'
export { ControlServer, socketPathOf } from './control/server.js'
export { CONTROL_API_VERSION } from './control/protocol.js'
export type { ControlApi, ControlMethod, ControlParams, ControlResult, ControlEvents, TypedControlEvent, ParamsArgs, DirectConversation, NoParams } from './control/api.js'
export * from './shell.js'
