/**
 * The control socket protocol: newline-delimited JSON over a Unix socket in the data dir.
 *
 *   request   {"id": 1, "method": "send", "params": {"team": "general", "text": "hi"}}
 *   response  {"id": 1, "result": {...}}  or  {"id": 1, "error": {"name": "InvalidTeamNameError", "message": "..."}}
 *   event     {"event": "message:added", "data": {...}}   (only after a "subscribe" request)
 *
 * The API version is reported by "info"; new fields and methods may be added within a version.
 * Which methods there are, what they take and answer, and what each event carries: api.ts.
 */
import { ProtocolError } from '../errors.js'

export const CONTROL_API_VERSION = 1
export { SOCKET_FILE } from '../paths.js'
/** No request line may be longer than this. */
export const MAX_LINE_BYTES = 1024 * 1024
/** Responses (a long page of history, an export) may be longer: they come from the user's own node. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024

export interface ControlRequest {
  id: number | string
  method: string
  params?: Record<string, unknown>
}

export interface ControlErrorBody {
  name: string
  message: string
}

export type ControlResponse =
  | { id: number | string, result: unknown }
  | { id: number | string | null, error: ControlErrorBody }

export interface ControlEvent {
  event: string
  data: unknown
}

/**
 * Splits a byte stream into lines, refusing any line over `maxBytes` before buffering more of it.
 */
export class LineSplitter {
  private buffered: Buffer[] = []
  private bufferedBytes = 0
  private readonly maxBytes: number

  constructor (maxBytes = MAX_LINE_BYTES) {
    this.maxBytes = maxBytes
  }

  /** Feed a chunk; returns the complete lines in it. Throws ProtocolError on an over-long line. */
  push (chunk: Buffer): string[] {
    const lines: string[] = []
    let start = 0
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl)
      this.check(this.bufferedBytes + part.length)
      lines.push(Buffer.concat([...this.buffered, part]).toString('utf8'))
      this.buffered = []
      this.bufferedBytes = 0
      start = nl + 1
    }
    const rest = chunk.subarray(start)
    if (rest.length > 0) {
      this.check(this.bufferedBytes + rest.length)
      this.buffered.push(Buffer.from(rest))
      this.bufferedBytes += rest.length
    }
    return lines
  }

  private check (bytes: number): void {
    if (bytes > this.maxBytes) {
      this.buffered = []
      this.bufferedBytes = 0
      throw new ProtocolError(`line longer than ${this.maxBytes} bytes`)
    }
  }
}

/** Parse one request line. Throws ProtocolError if it is not a request object. */
export function parseRequest (line: string): ControlRequest {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new ProtocolError('request is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('request must be a JSON object')
  }
  const { id, method, params } = value as Record<string, unknown>
  if (typeof id !== 'number' && typeof id !== 'string') throw new ProtocolError('request needs an "id" (number or string)')
  if (typeof method !== 'string') throw new ProtocolError('request needs a "method" string')
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new ProtocolError('"params" must be an object')
  }
  return params === undefined ? { id, method } : { id, method, params: params as Record<string, unknown> }
}
