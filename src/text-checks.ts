/**
 * The checks of names and text users and peers give us that need nothing of libp2p (the command line
 * loads this without the node). Peer ids are checked in ids.ts.
 */
import { InvalidArgumentError, InvalidTeamNameError } from './errors.js'

/** Team names: lower-case letters, digits, `-` and `_`, starting with a letter or digit, 1 to 32 long. */
export const TEAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/

/** Throw InvalidTeamNameError unless `name` is a valid team name. */
export function checkTeamName (name: unknown): string {
  if (typeof name !== 'string' || !TEAM_NAME.test(name)) {
    throw new InvalidTeamNameError(`invalid team name ${JSON.stringify(name)}: use 1-32 of a-z, 0-9, '-' and '_', starting with a letter or digit`)
  }
  return name
}

export const MAX_DISPLAY_NAME_LENGTH = 64

/** Throw InvalidArgumentError unless `name` is a usable display name; returns it trimmed. */
export function checkDisplayName (name: unknown): string {
  if (typeof name !== 'string') {
    throw new InvalidArgumentError('a display name is required')
  }
  const trimmed = name.trim()
   
  if (trimmed.length === 0 || trimmed.length > MAX_DISPLAY_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    throw new InvalidArgumentError(`invalid display name ${JSON.stringify(name)}: use 1-${MAX_DISPLAY_NAME_LENGTH} printable characters`)
  }
  return trimmed
}

/**
 * Replace terminal control characters in text that came from a peer, keeping newlines and tabs, and
 * bidi marks, overrides and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9), which would reorder
 * what a terminal shows after them.
 */
export function printable (text: string): string {
   
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD')
}

/** Parse "24h", "30m", "7d", "90s" into milliseconds. */
export function parseDuration (text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim())
  if (m === null) throw new InvalidArgumentError(`invalid duration ${JSON.stringify(text)}: use e.g. 30m, 24h or 7d`)
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * unit
}
