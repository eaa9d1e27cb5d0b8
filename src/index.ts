/**
 * The public API of parley: the composition root for shells (CLI, UI, bots).
 */
import './polyfills.js'

export { createNode, ParleyNode } from './node.js'
export type { ParleyInit, NodeInfo, HistoryResult, TeamView, MemberView, SyncStatus, InviteView, OrgLogEntry } from './node.js'
export type { MessageView, PeerView, ParleyEvents, EntryRejection, ForkEvidence, EventName, OrgChangeView, RecordRefusal, PresenceView, PresenceStatus, FileView, FileState, FileProgress } from './events.js'
export type { PolicyView, PolicyStatus } from './teams/policy.js'
export type { RenameRequestView } from './teams/names.js'
export { ControlServer, socketPathOf } from './control/server.js'
export { CONTROL_API_VERSION } from './control/protocol.js'
export type { ControlApi, ControlMethod, ControlParams, ControlResult, ControlEvents, TypedControlEvent, ParamsArgs, DirectConversation, NoParams } from './control/api.js'
export * from './shell.js'

// what shells (the CLI, bots) need besides the node and src/shell.ts: peer ids, the identity, the store, exports
export { checkPeerId, peerIdOfPublicKey } from './ids.js'
export { loadOrCreateIdentity } from './store/identity-file.js'
export type { Identity } from './store/identity-file.js'
export { checkStoreOpens, restoreBackupInto } from './store/data-dir.js'
export { verifyExport, ExportVerificationError } from './export/export-file.js'
export type { ExportSummary } from './export/export-file.js'
export type { KeeperStatus } from './net/peer-keeper.js'
