/**
 * The public API of parley: the composition root for shells (CLI, UI, bots).
 */
import './polyfills.js'

export { createNode, ParleyNode, DEFAULT_PORT } from './node.js'
export type { ParleyInit, NodeInfo, HistoryResult, TeamView, MemberView, SyncStatus, InviteView, OrgLogEntry } from './node.js'
export type { MessageView, PeerView, ParleyEvents, EntryRejection, ForkEvidence, EventName, OrgChangeView, RecordRefusal, PresenceView, PresenceStatus, FileView, FileState, FileProgress } from './events.js'
export * from './errors.js'
export type { PolicyView, PolicyStatus } from './teams/policy.js'
export type { RenameRequestView } from './teams/names.js'
export { ControlClient } from './control/client.js'
export { ControlServer, socketPathOf } from './control/server.js'
export { CONTROL_API_VERSION } from './control/protocol.js'
export type { ControlApi, ControlMethod, ControlParams, ControlResult, ControlEvents, TypedControlEvent, ParamsArgs, DirectConversation, NoParams } from './control/api.js'
export * from './shell.js'

// what shells (the CLI, bots) need besides the node: checks of user input, formats, files on disk
export { checkDisplayName, checkPeerId, checkTeamName, peerIdOfPublicKey, printable } from './ids.js'
export { parseDuration } from './teams/org.js'
export { parseScanCommand } from './files/scanner.js'
export { oneLine, sanitize } from './ui/text.js'
export { loadOrCreateIdentity } from './store/identity-file.js'
export type { Identity } from './store/identity-file.js'
export { checkStoreOpens, restoreBackupInto } from './store/data-dir.js'
export { verifyExport, ExportVerificationError } from './export/export-file.js'
export type { ExportSummary } from './export/export-file.js'
export { logDirOf, identityKeyPathOf, defaultDataDir, defaultConfigPath, defaultDownloadDir, unitPath, UNIT_NAME } from './paths.js'
export { parleyLogger } from './log.js'
export type { Logger } from './log.js'
export type { KeeperStatus } from './net/peer-keeper.js'
