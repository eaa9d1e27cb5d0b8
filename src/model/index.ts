/**
 * The domain model every layer shares (store/, net/, teams/, history/...): entries, bodies, org
 * records and presence, with their wire types and the checks that run before any is trusted.
 */
export { Body, Entry, EpochKeys, FeedEnd, FileChunk, FileHave, FileManifest, FileOpen, FileWant, HistoryAck, HistoryBatch, HistoryRequest, InviteToken, JoinRequest, JoinResponse, OrgHeads, OrgRecord, OrgRecords, Presence, SignedEntry, SignedPresence, SignedRecord } from '../net/wire.js'
export * from './entry.js'
export * from './body.js'
export * from './record.js'
export * from './presence.js'
export * from './feed-quota.js'
