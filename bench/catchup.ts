/**
 * The catch-up benchmark: how fast a node that was away takes in what it missed, beside how fast
 * LevelDB itself writes the same volume in batches, on the same disk, in the same run.
 *
 * Loopback only (127.0.0.1, mDNS off), the real node: node a founds an org, b joins it by invite; b
 * stops; a stores N entries in team `general` (built the way `send()` builds them, but written in
 * batches: setup, timed apart), dated over the night before. Then each workstation runs as a `parley
 * daemon` process of its own: b first, watched over its control socket, then a with b as its static
 * peer. The clock runs from b's first connection until b has stored all N (its `history:synced`
 * events add up to N; then `sync-status` confirms the count). b's memory (VmRSS, and its anonymous
 * and file-mapped parts) and CPU time are read from /proc, so they are the catching-up node's alone.
 * The baselines write N values of the size of an average signed entry into a fresh Level, in batches
 * of the size history sync uses: one key per entry, and three (the entry and its two index keys, as
 * parley's log writes).
 *
 * The requirements (issues "History" and "message path"): 100k missed messages catch up at ≥ 50,000
 * messages/s, and the catching-up node stays under 250 MB RSS while it catches up and indexes them.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Level } from 'level'
import { createNode } from '../src/node.js'
import { call, Daemon } from '../test/helpers/daemon.js'
import { figure } from './benchmark.js'
import { chatLine, round, storeHistory, until, within } from './history-setup.js'
import { BenchTimeoutError } from './errors.js'
import { processUsage } from './proc-usage.js'
import { ControlClient } from '../src/control/client.js'
import type { Benchmark, BenchContext, BenchOutcome } from './benchmark.js'
import type { ParleyNode } from '../src/node.js'

export interface CatchupConfig {
  /** entries b missed, all by one author (a) in one team */
  messages: number
  /** entries per LevelDB batch, in setup and in the baselines (history sync sends 4,000 per batch) */
  batchEntries: number
  /** bytes of message text, like a chat line */
  textBytes: number
  /** the requirement, in messages per second */
  targetPerSecond: number
  /** the requirement on the catching-up node's peak RSS, in MB (issue "message path") */
  targetPeakRssMB: number
  /** how often the wait for b checks its time limit and samples memory */
  pollMs: number
  limits: {
    /** to start a node, found the org, join it, and see both members */
    startMs: number
    /** to build and store the entries on a */
    setupMs: number
    /** from b's start() to all entries stored at b */
    catchupMs: number
    /** after that, for b's search index to take them all in (not in the figure; its peak memory is) */
    indexMs: number
    /** to write the entries in a baseline */
    baselineMs: number
    stopMs: number
  }
}

export const CATCHUP_CONFIG: CatchupConfig = {
  messages: 100_000,
  batchEntries: 4_000,
  textBytes: 100,
  targetPerSecond: 50_000,
  targetPeakRssMB: 250,
  pollMs: 100,
  // the runner's hard limit covers every benchmark of a run, plus CATCHUP_EXTRA_MS when this one runs;
  // setup (signing and storing 100k entries, not measured) takes over a minute on a busy machine
  limits: { startMs: 20_000, setupMs: 150_000, catchupMs: 60_000, indexMs: 60_000, baselineMs: 30_000, stopMs: 5_000 }
}

/** Added to the runner's hard limit when this benchmark runs: its setup alone may take minutes. */
export const CATCHUP_EXTRA_MS = 120_000

const TEAM = 'general'
/**
 * Between two missed entries' wall times: 100k entries then span about 7 hours, about 240 a minute,
 * well within the quotas of an author (10,000 entries a minute, 150,000 a day: src/model/feed-quota.ts).
 */
const MISSED_SPACING_MS = 250
const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

/**
 * The node's private parts that `send()` uses. Reached through a cast for setup only, to store the
 * missed entries in batches rather than one fsync each; the measured catch-up uses the public API.
 */
/** How the LevelDB baseline went. */
export interface BaselineResult {
  keysPerEntry: number
  entries: number
  seconds: number
  entriesPerSecond: number
}

export interface CatchupResult {
  messages: number
  /** from b's first connection to a until the last entry was stored; the figure */
  seconds: number
  messagesPerSecond: number
  target: { messagesPerSecond: number, met: boolean }
  /** milestones from b's first connection (to a), ms */
  timeline: {
    /** from the start of a's daemon process to b's first connection */
    connectedAfterStartOfAMs?: number
    storedAllMs: number
    /** when b's search() answered: its full-text index had taken in every entry (built in the background) */
    searchableMs: number
    syncEvents: Array<{ atMs: number, received: number }>
  }
  /** starting b's daemon (process, identity, log, org, libp2p) until its ready line, not in the figure */
  openMs: number
  /** the count syncStatus() reported afterwards, and how long that call took */
  verified: { entries: number, ms: number }
  /** bytes of an average signed entry as stored */
  entryBytes: number
  /** of b's daemon process alone */
  rssMB: {
    /** started and idle, just before a starts */
    beforeCatchup: number
    /** sampled every pollMs from a's start until b's search index is complete */
    peakDuringCatchup: number
    /** the process's high-water mark over its life (VmHWM) */
    peakOfProcess: number
    /** the peaks, sampled alike, of its anonymous memory and of the file pages it maps (LevelDB maps its tables) */
    anonPeak: number
    filePeak: number
  }
  /** CPU time (user + system) of b's process: until all was stored, until it was searchable too, and per message of the first */
  cpuMs: { catchup: number, indexed: number, perMessage: number }
  /** what went wrong without failing the run, e.g. a sync that broke off and was resumed later */
  warnings: string[]
  setup: {
    /** founding, joining, seeing both members */
    officeMs: number
    /** signing, encrypting and storing the entries on a; not in the figure */
    entriesMs: number
    entriesPerSecond: number
  }
}

/** The catch-up benchmark, for the runner. */
export const catchupBenchmark: Benchmark = {
  name: 'catchup',
  description: '100k missed messages caught up by a restarted node over loopback, beside raw LevelDB batch writes',
  baseline: 'raw LevelDB',
  needsNetns: false,
  run: async (ctx) => runCatchup(ctx, CATCHUP_CONFIG)
}

/** Measure the catch-up, then the baselines on the same disk. */
export async function runCatchup (ctx: BenchContext, config: CatchupConfig): Promise<BenchOutcome> {
  const dir = await mkdtemp(join(ctx.workDir, 'catchup-'))
  const removeDir = async (): Promise<void> => { await rm(dir, { recursive: true, force: true }) }
  ctx.defer(removeDir)
  try {
    const parley = await measureCatchup(ctx, dir, config)
    ctx.log(`catchup: baseline, ${config.messages.toLocaleString('en')} LevelDB writes of ${parley.entryBytes} B, 1 key per entry`)
    const oneKey = await measureLevel(join(dir, 'level-1'), config, parley.entryBytes, 1)
    ctx.log(`catchup: baseline, 3 keys per entry (an entry and its 2 index keys)`)
    const threeKeys = await measureLevel(join(dir, 'level-3'), config, parley.entryBytes, 3)
    const count = config.messages.toLocaleString('en')
    const verdict = parley.target.met ? 'met' : 'NOT met'
    ctx.log(`catchup: ${parley.messagesPerSecond.toLocaleString('en')} msg/s (target ${config.targetPerSecond.toLocaleString('en')}: ${verdict}); ` +
      `LevelDB ${oneKey.entriesPerSecond.toLocaleString('en')} writes/s, ${threeKeys.entriesPerSecond.toLocaleString('en')} entries/s with 3 keys`)
    return {
      figures: [
        figure(`catch-up of ${count} vs batch writes, 1 key each`, 'msg/s', parley.messagesPerSecond, oneKey.entriesPerSecond),
        figure(`catch-up of ${count} vs batch writes, 3 keys each`, 'msg/s', parley.messagesPerSecond, threeKeys.entriesPerSecond)
      ],
      notes: [
        ...parley.warnings,
        `target: >= ${config.targetPerSecond.toLocaleString('en')} msg/s: ${verdict} (${parley.messagesPerSecond.toLocaleString('en')} msg/s, ${count} in ${parley.seconds} s from b's connection to a)`,
        `searchable (b's full-text index complete) ${(parley.timeline.searchableMs / 1000).toFixed(2)} s after that; not in the figure`,
        `peak RSS of the catching-up node (b's daemon process): ${parley.rssMB.peakDuringCatchup} MB during catch-up and indexing (${parley.rssMB.beforeCatchup} MB idle before it; target < ${config.targetPeakRssMB} MB: ${parley.rssMB.peakDuringCatchup < config.targetPeakRssMB ? 'met' : 'NOT met'}); peaks of its anonymous memory ${parley.rssMB.anonPeak} MB, of mapped file pages ${parley.rssMB.filePeak} MB`,
        `CPU of b's process: ${(parley.cpuMs.catchup / 1000).toFixed(1)} s to store all (${parley.cpuMs.perMessage} ms per message), ${(parley.cpuMs.indexed / 1000).toFixed(1)} s with indexing`,
        `setup, not measured: ${count} entries of ${parley.entryBytes} B signed and stored on a in ${(parley.setup.entriesMs / 1000).toFixed(1)} s`
      ],
      details: { config, parley, baselines: [oneKey, threeKeys] }
    }
  } finally {
    await removeDir()
  }
}

async function measureCatchup (ctx: BenchContext, dir: string, config: CatchupConfig): Promise<CatchupResult> {
  const nodes: ParleyNode[] = []
  const stopAll = async (): Promise<void> => {
    // b first: a stopping first would make b log a lost peer
    for (const node of [...nodes].reverse()) await within(node.stop(), config.limits.stopMs, `stopping node ${node.name}`)
  }
  ctx.defer(stopAll)
  let sampleRss: NodeJS.Timeout | undefined
  try {
    ctx.log('catchup: node a founds an org, node b joins it (loopback, mDNS off)')
    let started = performance.now()
    const a = await createNode({ dataDir: join(dir, 'a'), listen: [LOOPBACK], mdns: false, name: 'a' })
    nodes.push(a)
    await within(a.start(), config.limits.startMs, 'starting node a')
    await a.createOrg('Bench')
    const { token } = await a.invite()
    const addressOfA = a.info().addresses[0]
    if (addressOfA === undefined) throw new Error('node a listens on no address')
    const dirB = join(dir, 'b')
    const b = await createNode({ dataDir: dirB, listen: [LOOPBACK], mdns: false, peers: [addressOfA], name: 'b' })
    nodes.push(b)
    await within(b.start(), config.limits.startMs, 'starting node b')
    await b.join(token, 'b', { signal: AbortSignal.timeout(config.limits.startMs) })
    await until(() => b.members(TEAM).length === 2 && a.members(TEAM).length === 2, config.limits.startMs,
      () => `both nodes to see 2 members of ${TEAM} (a sees ${a.members(TEAM).length}, b sees ${b.members(TEAM).length})`, config.pollMs)
    const officeMs = Math.round(performance.now() - started)
    await b.stop()
    nodes.pop()

    ctx.log(`catchup: b stopped; a stores ${config.messages.toLocaleString('en')} entries in ${TEAM}`)
    started = performance.now()
    // written over the night before, as a colleague's office would have: at most one entry every
    // MISSED_SPACING_MS, so the author stays within the per-author entry quotas every node applies
    const last = Date.now() - 1_000
    const entryBytes = await storeHistory(a, { team: TEAM, messages: config.messages, batchEntries: config.batchEntries, textBytes: config.textBytes, deadline: performance.now() + config.limits.setupMs, wallTime: (i) => last - (config.messages - i) * MISSED_SPACING_MS })
    const entriesMs = Math.round(performance.now() - started)
    const held = (await a.syncStatus()).find(s => s.team === TEAM)?.entries
    if (held !== config.messages) throw new Error(`node a holds ${held} entries in ${TEAM} after setup, not ${config.messages}`)

    // a and b are two workstations: each runs as a `parley daemon` process of its own, so the server's
    // work (reading, encrypting, sending) has a core of its own and b's memory is b's alone. b starts
    // first, with no peer it can reach (a's address changed), and is watched over its control socket;
    // then a starts with b as its static peer, and the clock runs from b's first connection.
    await within(a.stop(), config.limits.stopMs, 'stopping node a')
    nodes.splice(nodes.indexOf(a), 1)
    // an empty config file of its own: nothing of the machine user's config (peers, mDNS) applies
    const daemonConfig = join(dir, 'daemon.conf')
    await writeFile(daemonConfig, '')
    const daemonArgs = (name: string, peers: string[]): string[] => ['--listen', LOOPBACK, '--no-mdns', '--name', name, '--config', daemonConfig, ...peers.flatMap(p => ['--peer', p])]

    ctx.log('catchup: b starts again as a daemon; then a (a daemon too) with b as its peer')
    started = performance.now()
    const daemonB = await Daemon.start(dirB, daemonArgs('b', []), undefined, config.limits.startMs)
    ctx.defer(async () => { await daemonB.stop('SIGTERM') })
    const openMs = Math.round(performance.now() - started)
    const pidB = daemonB.child.pid
    if (pidB === undefined) throw new Error('the daemon for b has no pid')
    const addressOfB = daemonB.ready.addresses.find(addr => addr.startsWith('/ip4/127.0.0.1/'))
    if (addressOfB === undefined) throw new Error(`the daemon for b listens on no loopback address: ${daemonB.ready.addresses.join(', ')}`)
    const watch = await ControlClient.connect(dirB)
    ctx.defer(() => { watch.close(); return Promise.resolve() })
    let received = 0
    let connectedAt: number | undefined
    let storedAllAt: number | undefined
    /** a sync run ended short of the total: entries from a run that broke off are in no event, so count them */
    let countAfter: number | undefined
    const syncEvents: Array<{ at: number, received: number }> = []
    const problems: string[] = []
    watch.onEvent((e) => {
      const at = performance.now()
      if (e.event === 'peer:connected') connectedAt ??= at
      else if (e.event === 'history:synced' && e.data.team === TEAM) {
        received += e.data.received
        syncEvents.push({ at, received: e.data.received })
        if (received >= config.messages) storedAllAt ??= at
        else countAfter = at
      } else if (e.event === 'entry:rejected') problems.push(`entry rejected from ${e.data.from}: ${e.data.reason} ${e.data.message}`)
      else if (e.event === 'entry:forked') problems.push(`fork by ${e.data.author} at seq ${e.data.seq}`)
    })
    await watch.request('subscribe', { events: ['peer:connected', 'history:synced', 'entry:rejected', 'entry:forked'] })

    const usageOfB = async (): Promise<{ rssMB: number, peakRssMB: number, anonMB: number, fileMB: number, cpuMs: number }> => {
      const u = await processUsage(pidB)
      if (u === undefined) throw new Error(`b's daemon (pid ${pidB}) is gone`)
      return { ...u, cpuMs: u.cpuSeconds * 1000 }
    }
    const before = await usageOfB()
    let rssPeak = before.rssMB
    let anonPeak = before.anonMB
    let filePeak = before.fileMB
    const sampleB = (u: { rssMB: number, anonMB: number, fileMB: number }): void => {
      rssPeak = Math.max(rssPeak, u.rssMB)
      anonPeak = Math.max(anonPeak, u.anonMB)
      filePeak = Math.max(filePeak, u.fileMB)
    }
    sampleRss = setInterval(() => { usageOfB().then(sampleB, () => {}) }, config.pollMs)
    const startedAt = performance.now()
    const daemonA = await Daemon.start(join(dir, 'a'), daemonArgs('a', [addressOfB]), undefined, config.limits.startMs)
    ctx.defer(async () => { await daemonA.stop('SIGTERM') })
    const deadline = startedAt + config.limits.catchupMs
    const heldByB = async (): Promise<number> => (await call(daemonB, 'sync-status')).find(s => s.team === TEAM)?.entries ?? 0
    while (storedAllAt === undefined) {
      if (countAfter !== undefined) {
        const at = countAfter
        countAfter = undefined
        if (await heldByB() >= config.messages) storedAllAt = at
        continue
      }
      if (problems.length > 0) throw new Error(`catch-up refused: ${problems.slice(0, 3).join('; ')}`)
      if (performance.now() > deadline) {
        const status = await call(daemonB, 'sync-status').catch(() => [])
        const team = status.find(s => s.team === TEAM)
        throw new BenchTimeoutError(`b did not catch up within ${config.limits.catchupMs / 1000} s: it holds ${team?.entries ?? '?'} of ${config.messages} entries ` +
          `(history:synced reported ${received}; fetching: ${JSON.stringify(team?.fetching ?? [])}; connected: ${connectedAt !== undefined})`)
      }
      await sleep(config.pollMs)
    }
    const cpuCatchup = (await usageOfB()).cpuMs - before.cpuMs
    // from b's first connection (a's process start is not b's work); without one, from a's start
    const from = connectedAt ?? startedAt
    const seconds = (storedAllAt - from) / 1000
    // the search index is built in the background from what was stored; a search waits for it
    const word = chatLine(config.messages, config.textBytes).split(' ')[1] ?? ''
    const hits = await within(call(daemonB, 'search', { query: word, team: TEAM, limit: 1 }), config.limits.indexMs, `b's search index to take in the ${config.messages} entries`)
    const searchableAt = performance.now()
    clearInterval(sampleRss)
    const after = await usageOfB()
    sampleB(after)
    const cpuIndexed = after.cpuMs - before.cpuMs
    if (hits.length === 0) throw new Error(`b's search for "${word}" found nothing after the catch-up`)

    const verifyStarted = performance.now()
    const verifiedEntries = await heldByB()
    const verifyMs = Math.round(performance.now() - verifyStarted)
    if (verifiedEntries !== config.messages) {
      throw new Error(`history:synced reported ${received} entries stored, but b's sync-status counts ${verifiedEntries} of ${config.messages}`)
    }
    const served = (await call(daemonA, 'sync-status')).find(s => s.team === TEAM)?.entries
    if (served !== config.messages) throw new Error(`the daemon for a holds ${served} entries in ${TEAM}, not ${config.messages}`)
    const messagesPerSecond = Math.round(config.messages / seconds)
    const sinceStart = (at: number): number => Math.round(at - from)
    const timeline: CatchupResult['timeline'] = {
      storedAllMs: sinceStart(storedAllAt),
      searchableMs: sinceStart(searchableAt),
      syncEvents: syncEvents.map(e => ({ atMs: sinceStart(e.at), received: e.received }))
    }
    if (connectedAt !== undefined) timeline.connectedAfterStartOfAMs = Math.round(connectedAt - startedAt)
    const warnings: string[] = []
    if (connectedAt === undefined) warnings.push('WARNING: b reported no peer:connected event; the figure runs from the start of a\'s daemon')
    // a resync later that finds nothing new (0 received) is no break
    const runs = syncEvents.filter(e => e.at <= storedAllAt! && e.received > 0)
    if (runs.length > 1 || received !== config.messages) {
      // a sync run that breaks off (stream reset, peer gone) emits no event and is resumed only by the
      // next trigger, the periodic resync up to 30 s later
      warnings.push(`WARNING: the catch-up did not finish in one sync run: history:synced fired ${syncEvents.length} times ` +
        `(${syncEvents.map(e => `${e.received} at ${sinceStart(e.at)} ms`).join(', ')}), reporting ${received} of ${config.messages} entries; ` +
        'a run broke off silently and was resumed later, and the figure includes the wait')
    }
    return {
      messages: config.messages,
      seconds: round(seconds, 3),
      messagesPerSecond,
      target: { messagesPerSecond: config.targetPerSecond, met: messagesPerSecond >= config.targetPerSecond },
      timeline,
      openMs,
      verified: { entries: verifiedEntries, ms: verifyMs },
      entryBytes,
      rssMB: {
        beforeCatchup: before.rssMB,
        peakDuringCatchup: rssPeak,
        peakOfProcess: after.peakRssMB,
        anonPeak,
        filePeak
      },
      cpuMs: { catchup: Math.round(cpuCatchup), indexed: Math.round(cpuIndexed), perMessage: round(cpuCatchup / config.messages, 4) },
      warnings,
      setup: { officeMs, entriesMs, entriesPerSecond: Math.round(config.messages / (entriesMs / 1000)) }
    }
  } finally {
    clearInterval(sampleRss)
    await stopAll()
  }
}

/**
 * The baseline: `config.messages` values of `valueBytes` random bytes (signed entries are mostly
 * ciphertext and signature, which do not compress) written to a fresh Level in batches, without
 * fsync, as history sync writes. Keys are shaped like parley's: a 64-hex id under the entries
 * sublevel's prefix and, with 3 keys per entry, the display-order and feed index keys holding that id.
 *
 * Every value is bytes in the db's one encoding, with no per-operation options: abstract-level's
 * chained batch is about 3x slower per put when each put names its own `valueEncoding` (measured
 * here), which is a cost of the wrapper, not of LevelDB.
 */
async function measureLevel (dir: string, config: CatchupConfig, valueBytes: number, keysPerEntry: 1 | 3): Promise<BaselineResult> {
  // made before the clock starts, so the figure is LevelDB alone
  const values = randomBytes(config.messages * valueBytes)
  const ids = Array.from({ length: config.messages }, (_, i) => createHash('sha256').update(`entry ${i}`).digest('hex'))
  const idBytes = ids.map(id => Buffer.from(id))
  const write = async (db: Level<string, Uint8Array>, from: number, to: number): Promise<void> => {
    const batch = db.batch()
    for (let i = from; i < to; i++) {
      batch.put(`!e!${ids[i]}`, values.subarray(i * valueBytes, (i + 1) * valueBytes))
      if (keysPerEntry === 3) {
        const seq = pad(i + 1)
        batch.put(`!o!${TEAM}:${seq}:${BASELINE_AUTHOR}:${seq}`, idBytes[i]!)
        batch.put(`!f!${TEAM}:${BASELINE_AUTHOR}:${seq}`, idBytes[i]!)
      }
    }
    await batch.write()
  }
  // a few batches into a throwaway db first, so the first timed batches do not pay for the JIT
  const warm = new Level<string, Uint8Array>(`${dir}-warmup`, { valueEncoding: 'view' })
  // a chained batch does not wait for a deferred open
  await warm.open()
  try {
    for (let from = 0; from < BASELINE_WARMUP; from += config.batchEntries) await write(warm, from, Math.min(from + config.batchEntries, BASELINE_WARMUP))
  } finally {
    await warm.close()
    await rm(`${dir}-warmup`, { recursive: true, force: true })
  }
  const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' })
  await db.open()
  try {
    const started = performance.now()
    const deadline = started + config.limits.baselineMs
    for (let from = 0; from < config.messages; from += config.batchEntries) {
      if (performance.now() > deadline) throw new BenchTimeoutError(`LevelDB baseline: only ${from} of ${config.messages} entries written within ${config.limits.baselineMs / 1000} s`)
      await write(db, from, Math.min(from + config.batchEntries, config.messages))
    }
    const seconds = (performance.now() - started) / 1000
    return { keysPerEntry, entries: config.messages, seconds: round(seconds, 3), entriesPerSecond: Math.round(config.messages / seconds) }
  } finally {
    await db.close()
  }
}

/** An author id of the length of an Ed25519 peer id, for the baseline's index keys. */
const BASELINE_AUTHOR = `12D3KooW${'x'.repeat(44)}`
/** Entries written before a baseline's clock starts. */
const BASELINE_WARMUP = 10_000

/** A number as parley's keys write it: zero-padded hex, so that byte order is numeric order. */
function pad (n: number): string {
  return n.toString(16).padStart(14, '0')
}

