/**
 * How an org's teams map to gossipsub topics. Only the org's own topics are ever subscribed to.
 */
import { TEAM_NAME } from '../ids.js'

const PREFIX = '/parley/1/'

/** The gossipsub topic of a team of an org. */
export function topicOfTeam (orgId: string, team: string): string {
  return `${PREFIX}${orgId}/team/${team}`
}

/** The gossipsub topic on which an org's records (directory, rosters, invites) travel. */
export function orgTopic (orgId: string): string {
  return `${PREFIX}${orgId}/org`
}

/** The gossipsub topic on which members announce their presence. */
export function presenceTopic (orgId: string): string {
  return `${PREFIX}${orgId}/presence`
}

/** The gossipsub topic a member receives direct messages on. */
export function inboxTopic (orgId: string, peerId: string): string {
  return `${PREFIX}${orgId}/inbox/${peerId}`
}

/** The team of a topic of this org, or undefined if the topic is anything else. */
export function teamOfTopic (orgId: string, topic: string): string | undefined {
  const prefix = `${PREFIX}${orgId}/team/`
  if (!topic.startsWith(prefix)) return undefined
  const team = topic.slice(prefix.length)
  return TEAM_NAME.test(team) ? team : undefined
}

/** Stream protocols. */
export const ORG_SYNC_PROTOCOL = '/parley/1/org-sync'
export const JOIN_PROTOCOL = '/parley/1/join'
/** History sync with acknowledged batches (see HistoryAck); what this build dials first. */
export const HISTORY_PROTOCOL = '/parley/2/history'
/** History sync without acknowledgements, as older builds speak it; still served and dialled as a fallback. */
export const HISTORY_PROTOCOL_V1 = '/parley/1/history'
export const FILE_PROTOCOL = '/parley/1/file'
