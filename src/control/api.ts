/**
 * The whole control API in one typed place: every method's params and result, every event's
 * payload, and the runtime schema the server checks params against. The server's handlers, the
 * client, the chat's backend and the CLI are all checked against these types, so adding a method
 * is one entry here (the compiler then asks for its schema and its handler).
 *
 * The wire form (JSON lines, `api: 1`) is described in protocol.ts.
 */
import { InvalidArgumentError, UnknownMethodError } from '../errors.js'
import { EVENT_NAMES } from '../events.js'
import type { EventName, FileView, MessageView, ParleyEvents, PeerView, PresenceView } from '../events.js'
import type { KeeperStatus } from '../net/peer-keeper.js'
import type { HistoryResult, InviteView, MemberView, NodeInfo, OrgLogEntry, SyncStatus, TeamView } from '../node.js'
import type { RenameRequestView } from '../teams/names.js'
import type { PolicyView } from '../teams/policy.js'

/** The params of a method that takes none; any extra keys are ignored by the server, as always. */
export type NoParams = Record<string, never>

/** A direct conversation: its team, the other person and their name. */
export interface DirectConversation {
  team: string
  peerId: string
  name: string
}

/** Every control method: what it takes and what it answers. */
export interface ControlApi {
  /** this node, and the API version */
  info: { params: NoParams, result: NodeInfo & { api: number } }
  /** `replyTo`: the id (or a unique prefix) of the message replied to */
  send: { params: { replyTo?: string, team: string, text: string, urgent?: boolean }, result: MessageView }
  'send.direct': { params: { replyTo?: string, peer: string, text: string, urgent?: boolean }, result: MessageView }
  /** `id`: a message id or any unique prefix of it (at least 4 characters); only its author edits */
  'message.edit': { params: { id: string, text: string }, result: MessageView }
  /** by its author, or by an admin (moderation) */
  'message.delete': { params: { id: string }, result: MessageView }
  /** one reaction per person per emoji; `remove` takes it back */
  'message.react': { params: { remove?: boolean, id: string, emoji: string }, result: MessageView }
  /** a message and its replies, oldest first */
  thread: { params: { id: string }, result: { root: MessageView, replies: MessageView[] } }
  directs: { params: NoParams, result: DirectConversation[] }
  backup: { params: { path: string }, result: { path: string, rows: number } }
  /** one line per message, in the format asked (jsonl by default) */
  export: { params: { format?: 'jsonl' | 'csv', since?: number, until?: number, team: string }, result: string[] }
  search: { params: { since?: number, limit?: number, team?: string, from?: string, query: string }, result: MessageView[] }
  presence: { params: NoParams, result: PresenceView[] }
  'presence.set': { params: { status: string, text?: string }, result: PresenceView }
  history: { params: { before?: string, limit?: number, team: string }, result: HistoryResult }
  peers: { params: NoParams, result: PeerView[] }
  connectivity: { params: NoParams, result: KeeperStatus }
  teams: { params: NoParams, result: TeamView[] }
  members: { params: { team?: string }, result: MemberView[] }
  'sync-status': { params: NoParams, result: SyncStatus[] }
  'org.create': { params: { name: string }, result: NodeInfo }
  /** `name` fixes the newcomer's display name */
  invite: { params: { expires?: string, teams?: string[], name?: string }, result: { token: string, expires: number } }
  /** waits for an admin for up to `timeoutMs` (10 minutes by default) */
  join: { params: { timeoutMs?: number, token: string, name: string }, result: NodeInfo }
  'admin.add-admin': { params: { peer: string }, result: MemberView[] }
  'admin.remove': { params: { peer: string }, result: MemberView[] }
  'team.create': { params: { team: string, members?: string[] }, result: TeamView[] }
  'team.add': { params: { team: string, members?: string[] }, result: MemberView[] }
  'team.remove': { params: { team: string, member: string }, result: MemberView[] }
  /** to a peer when `peer` is given, else to `team` */
  'file.send': { params: { name?: string, caption?: string, peer?: string, team?: string, path: string }, result: FileView }
  'file.get': { params: { out?: string, id: string }, result: { file: FileView, path: string } }
  'file.list': { params: { team?: string }, result: FileView[] }
  'team.retention': { params: { days?: number, hold?: boolean, reason?: string, team: string }, result: TeamView }
  'file.info': { params: { id: string }, result: FileView }
  /** publish the next version of the usage policy (admins) */
  'policy.set': { params: { everySession?: boolean, text: string }, result: PolicyView }
  /** accept the policy in force; `version`, if given, must be it */
  'policy.accept': { params: { version?: number }, result: PolicyView }
  /** null when the org has no policy */
  'policy.status': { params: NoParams, result: PolicyView | null }
  /** a chat session starts: a policy asking at every session must be accepted again */
  'policy.session': { params: NoParams, result: PolicyView | null }
  /** give a member a new display name (admins) */
  'admin.rename': { params: { peer: string, name: string }, result: MemberView[] }
  /** grant a member's pending rename request (admins) */
  'admin.approve': { params: { peer: string }, result: MemberView[] }
  /** ask the admins for a new display name */
  rename: { params: { name: string }, result: RenameRequestView[] }
  'rename.requests': { params: NoParams, result: RenameRequestView[] }
  'admin.suspend': { params: { reason?: string, peer: string }, result: MemberView[] }
  'admin.resume': { params: { peer: string }, result: MemberView[] }
  'invite.list': { params: NoParams, result: InviteView[] }
  /** `id`: the invite id, or a unique prefix of at least 8 characters */
  'invite.revoke': { params: { id: string }, result: InviteView[] }
  /** an announcement team: only admins (and posters named with team.posters) post in it */
  'team.create-announce': { params: { team: string, members?: string[] }, result: TeamView[] }
  'team.posters': { params: { team: string, posters?: string[] }, result: TeamView }
  'org.log': { params: NoParams, result: OrgLogEntry[] }
  /** the org log as a verifiable export, one line per act */
  'org.export': { params: { format?: 'jsonl' | 'csv', since?: number, until?: number }, result: string[] }
  /** events of this connection from now on: all, or those named, of one team or all */
  subscribe: { params: { team?: string, events?: EventName[] }, result: { events: EventName[] } }
}

/** The name of a control method. */
export type ControlMethod = keyof ControlApi
/** The params of a method. */
export type ControlParams<M extends ControlMethod> = ControlApi[M]['params']
/** The result of a method. */
export type ControlResult<M extends ControlMethod> = ControlApi[M]['result']

/** The params argument of a request (ControlClient.request): optional when the method has no required params. */
export type ParamsArgs<M extends ControlMethod> = Record<string, never> extends ControlParams<M>
  ? [params?: ControlParams<M>]
  : [params: ControlParams<M>]

/** The payload of each event a subscriber receives. */
export type ControlEvents = { [E in EventName]: ParleyEvents[E] extends CustomEvent<infer D> ? D : never }

/** An event as a subscriber receives it: narrowing on `event` types `data`. */
export type TypedControlEvent = { [E in EventName]: { event: E, data: ControlEvents[E] } }[EventName]

// ---- the runtime schema ----

/** Reads one param from the request; throws InvalidArgumentError naming the key when it is wrong. */
export interface Field<T> {
  readonly parse: (value: unknown, key: string, params: Record<string, unknown>) => T
}

/** A field for each param of `P`, in the order they are checked (the first wrong one is reported). */
export type ParamsSchema<P> = { readonly [K in keyof Required<P>]: Field<P[K]> }

/** Absent: the key is missing or null (clients send null for "not given"). */
function absent (value: unknown): value is undefined | null {
  return value === undefined || value === null
}

function isOneOf<T extends string> (choices: readonly T[], value: unknown): value is T {
  return (choices as readonly unknown[]).includes(value)
}

const stringField: Field<string> = {
  parse: (value, key) => {
    if (absent(value)) throw new InvalidArgumentError(`"${key}" is required`)
    if (typeof value !== 'string') throw new InvalidArgumentError(`"${key}" must be a string`)
    return value
  }
}

const optionalStringField: Field<string | undefined> = {
  parse: (value, key) => {
    if (absent(value)) return undefined
    if (typeof value !== 'string') throw new InvalidArgumentError(`"${key}" must be a string`)
    return value
  }
}

const optionalStringsField: Field<string[] | undefined> = {
  parse: (value, key) => {
    if (absent(value)) return undefined
    if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) throw new InvalidArgumentError(`"${key}" must be a list of strings`)
    return value
  }
}

const optionalIntegerField: Field<number | undefined> = {
  parse: (value, key) => {
    if (absent(value)) return undefined
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidArgumentError(`"${key}" must be a whole number`)
    return value
  }
}

const flagField: Field<boolean> = { parse: (value) => value === true }

const optionalFlagField: Field<boolean | undefined> = { parse: (value) => value === undefined ? undefined : value === true }

/** The field kinds the control API uses. */
export const field = {
  /** a string that must be given */
  string: stringField,
  /** a string that may be left out */
  optionalString: optionalStringField,
  /** a list of strings that may be left out */
  optionalStrings: optionalStringsField,
  /** a whole number that may be left out */
  optionalInteger: optionalIntegerField,
  /** a flag: on only when it is `true`; any other value, or none, is off */
  flag: flagField,
  /** a flag that may be left out (no change); given, it is on only when it is `true` (so null is off) */
  optionalFlag: optionalFlagField,

  /** a string required unless `other` is given, and then not read (a file goes to a team unless it goes to a peer) */
  stringUnless: (other: string): Field<string | undefined> => ({
    parse: (value, key, params) => absent(params[other]) ? stringField.parse(value, key, params) : undefined
  }),

  /** one of a few strings, or left out; `message` says which when it is another */
  optionalOneOf: <const T extends string>(choices: readonly T[], message: string): Field<T | undefined> => ({
    parse: (value, key, params) => {
      const s = optionalStringField.parse(value, key, params)
      if (s === undefined) return undefined
      if (!isOneOf(choices, s)) throw new InvalidArgumentError(message)
      return s
    }
  }),

  /** a list of some of a few strings, or left out (only a missing key: null is wrong) */
  optionalSomeOf: <const T extends string>(choices: readonly T[], message: string): Field<T[] | undefined> => ({
    parse: (value) => {
      if (value === undefined) return undefined
      if (!Array.isArray(value) || !value.every((v: unknown) => isOneOf(choices, v))) throw new InvalidArgumentError(message)
      return value
    }
  })
} as const

/** The params schema of every method; a method missing here, or a field of the wrong kind, does not compile. */
export const CONTROL_SCHEMA: { readonly [M in ControlMethod]: ParamsSchema<ControlParams<M>> } = {
  info: {},
  send: { replyTo: field.optionalString, team: field.string, text: field.string, urgent: field.flag },
  'send.direct': { replyTo: field.optionalString, peer: field.string, text: field.string, urgent: field.flag },
  'message.edit': { id: field.string, text: field.string },
  'message.delete': { id: field.string },
  'message.react': { remove: field.flag, id: field.string, emoji: field.string },
  thread: { id: field.string },
  directs: {},
  backup: { path: field.string },
  export: {
    format: field.optionalOneOf(['jsonl', 'csv'], 'format is jsonl or csv'),
    since: field.optionalInteger,
    until: field.optionalInteger,
    team: field.string
  },
  search: { since: field.optionalInteger, limit: field.optionalInteger, team: field.optionalString, from: field.optionalString, query: field.string },
  presence: {},
  'presence.set': { status: field.string, text: field.optionalString },
  history: { before: field.optionalString, limit: field.optionalInteger, team: field.string },
  peers: {},
  connectivity: {},
  teams: {},
  members: { team: field.optionalString },
  'sync-status': {},
  'org.create': { name: field.string },
  invite: { expires: field.optionalString, teams: field.optionalStrings, name: field.optionalString },
  join: { timeoutMs: field.optionalInteger, token: field.string, name: field.string },
  'admin.add-admin': { peer: field.string },
  'admin.remove': { peer: field.string },
  'team.create': { team: field.string, members: field.optionalStrings },
  'team.add': { team: field.string, members: field.optionalStrings },
  'team.remove': { team: field.string, member: field.string },
  'file.send': { name: field.optionalString, caption: field.optionalString, peer: field.optionalString, team: field.stringUnless('peer'), path: field.string },
  'file.get': { out: field.optionalString, id: field.string },
  'file.list': { team: field.optionalString },
  'team.retention': { days: field.optionalInteger, hold: field.optionalFlag, reason: field.optionalString, team: field.string },
  'file.info': { id: field.string },
  'policy.set': { everySession: field.flag, text: field.string },
  'policy.accept': { version: field.optionalInteger },
  'policy.status': {},
  'policy.session': {},
  'admin.rename': { peer: field.string, name: field.string },
  'admin.approve': { peer: field.string },
  rename: { name: field.string },
  'rename.requests': {},
  'admin.suspend': { reason: field.optionalString, peer: field.string },
  'admin.resume': { peer: field.string },
  'invite.list': {},
  'invite.revoke': { id: field.string },
  'team.create-announce': { team: field.string, members: field.optionalStrings },
  'team.posters': { team: field.string, posters: field.optionalStrings },
  'org.log': {},
  'org.export': { format: field.optionalOneOf(['jsonl', 'csv'], 'format is jsonl or csv'), since: field.optionalInteger, until: field.optionalInteger },
  subscribe: { team: field.optionalString, events: field.optionalSomeOf(EVENT_NAMES, `"events" must be a list of: ${EVENT_NAMES.join(', ')}`) }
}

/** Whether `method` is a control method. */
export function isControlMethod (method: string): method is ControlMethod {
  return Object.hasOwn(CONTROL_SCHEMA, method)
}

/** `method` as a control method; throws UnknownMethodError if the API has no such method. */
export function controlMethod (method: string): ControlMethod {
  if (!isControlMethod(method)) throw new UnknownMethodError(`unknown method ${JSON.stringify(method)}`)
  return method
}

/**
 * Check a request's method and params against the schema. Throws UnknownMethodError for a method
 * that is not in the API and InvalidArgumentError naming the first wrong param. Keys the schema does
 * not know are ignored (older and newer clients may send more); a param left out (or null, where the
 * field allows it) is absent from the result, never present as undefined.
 */
export function parseParams<M extends ControlMethod> (method: M, params: Record<string, unknown>): ControlParams<M>
export function parseParams (method: string, params: Record<string, unknown>): Record<string, unknown>
// the object is built key by key from the schema of `method`, so it has the shape of its params
export function parseParams (method: string, params: Record<string, unknown>): Record<string, unknown> {
  const schema: Record<string, Field<unknown>> = CONTROL_SCHEMA[controlMethod(method)]
  const parsed: Record<string, unknown> = {}
  for (const [key, f] of Object.entries(schema)) {
    const value = f.parse(params[key], key, params)
    if (value !== undefined) parsed[key] = value
  }
  return parsed
}
