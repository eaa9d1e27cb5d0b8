/**
 * How teams map to gossipsub topics.
 */
import { TEAM_NAME } from '../ids.js'

const PREFIX = '/parley/1/team/'

/** The gossipsub topic of a team. */
export function topicOfTeam (team: string): string {
  return PREFIX + team
}

/** The team of a gossipsub topic, or undefined if the topic is not a parley team topic. */
export function teamOfTopic (topic: string): string | undefined {
  if (!topic.startsWith(PREFIX)) return undefined
  const team = topic.slice(PREFIX.length)
  return TEAM_NAME.test(team) ? team : undefined
}
