/**
 * Setup shared by the benchmarks that need a long history: messages built as `send()` builds them
 * (encrypted under the team key, signed, hash-chained) but written in batches, and the small waits
 * they use. Setup is timed apart from what a benchmark measures.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { createEntry, encodeBody } from '../src/model/index.js'
import { orderKey } from '../src/store/entry-log.js'
import { BenchTimeoutError } from './errors.js'
import type { VerifiedEntry } from '../src/model/index.js'
import type { ParleyNode } from '../src/node.js'
import type { EntryLog } from '../src/store/entry-log.js'
import type { Identity } from '../src/store/identity-file.js'
import type { Org } from '../src/teams/org.js'

/** The parts of a node that setup writes through directly. */
interface NodeInternals {
  org?: Org
  log: EntryLog
  identity: Identity
}

export interface HistoryPlan {
  team: string
  messages: number
  batchEntries: number
  textBytes: number
  /** performance.now() by which setup must be done */
  deadline: number
  /** the wall time of message i (default: now) */
  wallTime?: (i: number) => number
  /** also index them for search, as the node indexes what it stores */
  index?: boolean
}

/** Store `plan.messages` messages by `node`; returns the average size of a signed entry in bytes. */
export async function storeHistory (node: ParleyNode, plan: HistoryPlan): Promise<number> {
  const { org, log, identity } = node as unknown as NodeInternals
  if (org === undefined) throw new Error(`node ${node.name} is in no org`)
  const { team } = plan
  const head = await log.feedHead(team, node.peerId)
  let seq = head?.entry.seq ?? 0
  let prev: Uint8Array<ArrayBuffer> = head === undefined ? new Uint8Array(0) : new Uint8Array(head.id)
  let lamport = await log.lamport(team)
  let bytes = 0
  for (let stored = 0; stored < plan.messages;) {
    if (performance.now() > plan.deadline) throw new BenchTimeoutError(`setup: only ${stored} of ${plan.messages} messages stored in time`)
    const batch: VerifiedEntry[] = []
    const index = []
    for (let i = 0; i < plan.batchEntries && stored + batch.length < plan.messages; i++) {
      seq++
      lamport++
      const text = chatLine(seq, plan.textBytes)
      const wallTime = plan.wallTime?.(stored + i) ?? Date.now()
      const { epoch, body } = org.encryptBody(team, seq, encodeBody({ text, authorName: node.name, urgent: false }))
      const entry = await createEntry(identity.key, { team, seq, lamport, wallTime, epoch, prev, body: new Uint8Array(body) })
      prev = entry.id
      bytes += entry.bytes.byteLength
      batch.push(entry)
      if (plan.index === true) index.push({ team, orderKey: orderKey(entry), id: entry.idHex, text, time: wallTime })
    }
    const outcomes = await log.appendMany(batch)
    const notAdded = outcomes.filter(o => o.status !== 'added')
    if (notAdded.length > 0) throw new Error(`setup: ${notAdded.length} messages not added (${JSON.stringify(notAdded[0])})`)
    if (index.length > 0) await log.searchIndex().add(index)
    stored += batch.length
  }
  return Math.round(bytes / plan.messages)
}

export const WORDS = ['meeting', 'the', 'build', 'is', 'green', 'again', 'can', 'someone', 'look', 'at', 'printer', 'on', 'floor', 'two', 'lunch', 'noon', 'thanks', 'moved', 'to', 'three']

/** A line of chat about `length` characters long, different for each seq. */
export function chatLine (seq: number, length: number): string {
  let text = `#${seq}`
  for (let i = seq; text.length < length; i = (i * 7 + 3) % 1_000_003) text += ` ${WORDS[i % WORDS.length]}`
  return text.slice(0, length)
}

/** Await `promise`, or fail with BenchTimeoutError naming `what` after `ms`. */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new BenchTimeoutError(`${what}: not done within ${ms / 1000} s`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Poll `condition` every `pollMs` until it holds, or fail after `ms` saying what was awaited. */
export async function until (condition: () => boolean, ms: number, what: () => string, pollMs = 100): Promise<void> {
  const deadline = performance.now() + ms
  while (!condition()) {
    if (performance.now() > deadline) throw new BenchTimeoutError(`waited ${ms / 1000} s for ${what()}`)
    await sleep(pollMs)
  }
}

export function round (x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
