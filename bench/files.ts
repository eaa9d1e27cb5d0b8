/**
 * The file transfer benchmark: a 500 MB file between real `parley daemon` processes on network-
 * namespace hosts joined by a bridge, once from one source and once from three, each beside raw
 * TCP between Node processes on the same hosts, measured in the same run (one source: one
 * connection; three sources: three connections at once into one receiver).
 *
 * Host 2 shares the file. Host 1 fetches it while only host 2 holds it (one source); host 3 then
 * fetches it too; host 4 fetches it last, from hosts 1, 2 and 3. A transfer counts from the
 * request until the receiver's `file:complete` event: every chunk verified and written, the whole
 * file checked against its SHA-256.
 *
 * Two more figures say what the ratio to raw TCP is made of. Bare libp2p: the same stack (TCP,
 * Noise, yamux) moving the same bytes over one stream between the same hosts, with none of
 * parley's work; on links as fast as the machine's memory, every one of these transfers is bound
 * by CPU, and sender and receiver share its cores. Office links: everything again (a second file)
 * with each host's link limited to 1 Gbit/s each way, as a workstation's switch port would be.
 */
import { randomBytes } from 'node:crypto'
import { open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { ControlClient } from '../src/control/client.js'
import { Daemon } from '../test/helpers/daemon.js'
import { killAndWait, NetnsLab } from '../test/helpers/netns.js'
import { figure } from './benchmark.js'
import { BenchTimeoutError } from './errors.js'
import type { Benchmark, BenchContext, BenchOutcome } from './benchmark.js'
import type { ControlMethod, ControlResult, ParamsArgs } from '../src/control/api.js'
import type { ChildProcess } from 'node:child_process'

const FILE_BYTES = 500 * 1000 * 1000
const RAW_PORT = 9450
const TRANSFER_LIMIT_MS = 240_000
/** The office links of the second round: a workstation's port on a gigabit switch. */
const OFFICE_LINK = '1gbit'

/** Raw TCP: a sender that writes `bytes` of one buffer in 1 MiB writes, a receiver that counts them. */
const RAW_SENDER = `
const net = require('node:net')
const [host, port, bytes] = process.argv.slice(1)
const buf = Buffer.alloc(1 << 20, 7)
const s = net.connect(Number(port), host, () => {
  let sent = 0
  const pump = () => { while (sent < Number(bytes)) { const n = Math.min(buf.length, Number(bytes) - sent); sent += n; if (!s.write(buf.subarray(0, n))) { s.once('drain', pump); return } } s.end() }
  pump()
})`
const RAW_RECEIVER = `
const net = require('node:net')
const [port, senders, bytes] = process.argv.slice(1).map(Number)
let got = 0, started = 0, open = 0
net.createServer(s => {
  if (started === 0) started = performance.now()
  open++
  s.on('data', d => { got += d.length })
  s.on('end', () => { if (--open === 0 && got >= bytes) { console.log(JSON.stringify({ ms: performance.now() - started, bytes: got })); process.exit(0) } })
}).listen(port, () => console.log('ready'))`

async function rawTcp (lab: NetnsLab, receiver: number, senders: number[]): Promise<number> {
  const rx = lab.spawn(receiver, process.execPath, ['-e', RAW_RECEIVER, String(RAW_PORT), String(senders.length), String(FILE_BYTES)])
  const lines: string[] = []
  const ready = new Promise<void>((resolve, reject) => {
    rx.stdout?.on('data', (d: Buffer) => {
      lines.push(...d.toString().trim().split('\n'))
      if (lines.includes('ready')) resolve()
    })
    rx.once('exit', (code) => { reject(new Error(`raw receiver exited with ${code}`)) })
  })
  await ready
  const done = new Promise<{ ms: number, bytes: number }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new BenchTimeoutError('raw TCP transfer did not finish')) }, TRANSFER_LIMIT_MS)
    rx.once('exit', () => {
      clearTimeout(timer)
      const result = lines.find(l => l.startsWith('{'))
      if (result === undefined) reject(new Error('raw receiver gave no result'))
      else resolve(JSON.parse(result) as { ms: number, bytes: number })
    })
  })
  const share = Math.ceil(FILE_BYTES / senders.length)
  const txs = senders.map(i => lab.spawn(i, process.execPath, ['-e', RAW_SENDER, lab.host(receiver).ip, String(RAW_PORT), String(share)]))
  try {
    const r = await done
    return r.bytes / 1e6 / (r.ms / 1000)
  } finally {
    await Promise.all([rx, ...txs].map(async c => killAndWait(c)))
  }
}

/** Bare libp2p on parley's stack, one stream from `sender` to `receiver`; MB/s. */
async function bareStream (lab: NetnsLab, receiver: number, sender: number): Promise<number> {
  const script = fileURLToPath(new URL('./bare-stream.js', import.meta.url))
  const tx = lab.spawn(sender, process.execPath, [script, 'serve', '--listen', `/ip4/${lab.host(sender).ip}/tcp/0`, '--bytes', String(FILE_BYTES)])
  let rx: ChildProcess | undefined
  try {
    const listening = await firstJsonLine(tx, 'listening', 20_000) as { addr?: string }
    if (listening.addr === undefined) throw new Error('the bare libp2p sender listens on no address')
    rx = lab.spawn(receiver, process.execPath, [script, 'fetch', '--peer', listening.addr, '--bytes', String(FILE_BYTES)])
    const done = await firstJsonLine(rx, 'done', TRANSFER_LIMIT_MS) as { ms: number, bytes: number }
    if (done.bytes !== FILE_BYTES) throw new Error(`bare libp2p moved ${done.bytes} of ${FILE_BYTES} bytes`)
    return done.bytes / 1e6 / (done.ms / 1000)
  } finally {
    await Promise.all([tx, rx].map(async c => c === undefined ? undefined : killAndWait(c, 'SIGTERM')))
  }
}

/** The first JSON line on a child's stdout whose `event` is `event`. */
async function firstJsonLine (child: ChildProcess, event: string, limitMs: number): Promise<unknown> {
  const stderr: string[] = []
  child.stderr?.on('data', (d: Buffer) => { stderr.push(d.toString()) })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new BenchTimeoutError(`no ${event} line from ${child.spawnargs.join(' ')} within ${limitMs} ms`)) }, limitMs)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { event?: string }
        if (parsed.event === event) {
          clearTimeout(timer)
          resolve(parsed)
        }
      } catch {
        // not one of its JSON lines
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${child.spawnargs.join(' ')} exited with ${code} before its ${event} line: ${stderr.join('').slice(-500)}`))
    })
  })
}

async function request<M extends ControlMethod> (d: Daemon, method: M, ...params: ParamsArgs<M>): Promise<ControlResult<M>> {
  const c = await ControlClient.connect(d.dataDir)
  try {
    return await c.request(method, ...params)
  } finally {
    c.close()
  }
}

/** Fetch a file at `d`; resolves with MB/s from the request to the `file:complete` event. */
async function fetchRate (d: Daemon, id: string, outDir: string): Promise<{ rate: number, peers: number }> {
  const c = await ControlClient.connect(d.dataDir)
  let peers = 0
  try {
    const complete = new Promise<number>((resolve) => {
      c.onEvent((e) => {
        if (e.event === 'file:progress') peers = Math.max(peers, e.data.peers)
        if (e.event === 'file:complete' && e.data.id === id) resolve(performance.now())
      })
    })
    await c.request('subscribe', { events: ['file:complete', 'file:progress'] })
    const started = performance.now()
    const got = c.request('file.get', { id, out: outDir })
    const timer = new Promise<never>((_resolve, reject) => { setTimeout(() => { reject(new BenchTimeoutError(`file transfer to ${d.dataDir} did not finish`)) }, TRANSFER_LIMIT_MS).unref() })
    const ended = await Promise.race([complete, timer])
    await Promise.race([got, timer])
    return { rate: FILE_BYTES / 1e6 / ((ended - started) / 1000), peers }
  } finally {
    c.close()
  }
}

export const filesBenchmark: Benchmark & { limitMs: number } = {
  name: 'files',
  description: 'a 500 MB file between namespace hosts, from one source and from three, beside raw TCP',
  baseline: 'raw TCP between Node processes, unless named',
  limitMs: 15 * 60_000,
  async run (ctx: BenchContext): Promise<BenchOutcome> {
    const lab = await NetnsLab.create(4)
    ctx.defer(async () => { await lab.destroy() })
    const daemons: Daemon[] = []
    ctx.defer(async () => { await Promise.all(daemons.map(async d => d.stop(process.env.PARLEY_DAEMON_NODE_ARGS === undefined ? 'SIGKILL' : 'SIGTERM'))) })
    const config = join(ctx.workDir, 'files.conf')
    await writeFile(config, 'auto-download = 1MB\nmax-file-size = 1GB\n')
    for (let i = 1; i <= 4; i++) daemons.push(await Daemon.start(join(ctx.workDir, `host${i}`), ['--name', `host${i}`, '--config', config], { lab, host: i }))
    const [h1, h2, h3, h4] = daemons as [Daemon, Daemon, Daemon, Daemon]
    ctx.log('files: setting up the org')
    await request(h2, 'org.create', { name: 'Bench' })
    for (const [i, d] of [h1, h3, h4].entries()) {
      const { token } = await request(h2, 'invite', {})
      await request(d, 'join', { token, name: `member${i}`, timeoutMs: 60_000 })
    }
    const deadline = Date.now() + 60_000
    while ((await Promise.all(daemons.map(async d => request(d, 'members', { team: 'general' })))).some(m => m.length !== 4)) {
      if (Date.now() > deadline) throw new BenchTimeoutError('not everyone in #general after 60 s')
      await new Promise(resolve => setTimeout(resolve, 500))
    }
    const sendFile = async (name: string): Promise<{ id: string, sealMs: number }> => {
      ctx.log(`files: writing a 500 MB file, ${name}`)
      const path = join(ctx.workDir, name)
      const fh = await open(path, 'w')
      const block = randomBytes(8 * 1024 * 1024)
      for (let written = 0; written < FILE_BYTES; written += block.length) await fh.write(block, 0, Math.min(block.length, FILE_BYTES - written))
      await fh.close()
      const started = performance.now()
      const sent = await request(h2, 'file.send', { team: 'general', path })
      const sealMs = performance.now() - started
      while ((await Promise.all([h1, h3, h4].map(async d => request(d, 'file.list', {})))).some(l => !l.some(f => f.id === sent.id))) {
        await new Promise(resolve => setTimeout(resolve, 200))
      }
      return { id: sent.id, sealMs }
    }
    /** One round: raw TCP and parley from one source, then from three. */
    const round = async (label: string, id: string): Promise<{ raw1: number, one: { rate: number, peers: number }, raw3: number, three: { rate: number, peers: number } }> => {
      ctx.log(`files: ${label}: raw TCP, one source`)
      const raw1 = await rawTcp(lab, 1, [2])
      ctx.log(`files: ${label}: parley, one source`)
      const one = await fetchRate(h1, id, join(ctx.workDir, `out1-${label}`))
      ctx.log(`files: ${label}: a second holder fetches it`)
      await fetchRate(h3, id, join(ctx.workDir, `out3-${label}`))
      ctx.log(`files: ${label}: raw TCP, three sources`)
      const raw3 = await rawTcp(lab, 4, [1, 2, 3])
      ctx.log(`files: ${label}: parley, three sources`)
      const three = await fetchRate(h4, id, join(ctx.workDir, `out4-${label}`))
      return { raw1, one, raw3, three }
    }

    const first = await sendFile('big.bin')
    const fast = await round('links unlimited', first.id)
    ctx.log('files: bare libp2p, one stream')
    const bare = await bareStream(lab, 1, 2)
    for (let i = 1; i <= 4; i++) await lab.limitLink(i, OFFICE_LINK)
    const second = await sendFile('big2.bin')
    const office = await round(`${OFFICE_LINK} links`, second.id)

    const f1 = figure('500 MB from one source', 'MB/s', round1(fast.one.rate), round1(fast.raw1))
    const f3 = figure(`500 MB from three sources (${fast.three.peers} sending)`, 'MB/s', round1(fast.three.rate), round1(fast.raw3))
    const fb = figure('500 MB from one source; baseline: bare libp2p, one stream', 'MB/s', round1(fast.one.rate), round1(bare))
    const g1 = figure(`${OFFICE_LINK}/s links: 500 MB from one source`, 'MB/s', round1(office.one.rate), round1(office.raw1))
    const g3 = figure(`${OFFICE_LINK}/s links: 500 MB from three sources (${office.three.peers} sending)`, 'MB/s', round1(office.three.rate), round1(office.raw3))
    return {
      figures: [f1, f3, fb, g1, g3],
      notes: [
        `target one source >= 0.30x raw TCP: ${f1.ratio >= 0.3 ? 'met' : 'NOT met'} (${f1.ratio}x)`,
        `target three sources >= 0.45x raw TCP: ${f3.ratio >= 0.45 ? 'met' : 'NOT met'} (${f3.ratio}x)`,
        `bare libp2p (TCP, Noise, yamux; one stream, no disk, no hashing) moves ${Math.round(bare / fast.raw1 * 100) / 100}x raw TCP here: the ceiling of any protocol on this stack on this machine, below both targets`,
        `with ${OFFICE_LINK}/s links: one source ${g1.ratio}x raw TCP, three sources ${g3.ratio}x`,
        `sealing the file at the sender (read, AES-256-GCM, SHA-256, write): ${round1(FILE_BYTES / 1e6 / (first.sealMs / 1000))} MB/s`
      ],
      details: { fileBytes: FILE_BYTES, unlimited: fast, bareLibp2p: bare, office: { link: OFFICE_LINK, ...office }, sealMs: [first.sealMs, second.sealMs] }
    }
  }
}

function round1 (n: number): number {
  return Math.round(n * 10) / 10
}
