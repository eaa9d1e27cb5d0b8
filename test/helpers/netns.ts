/**
 * Hosts of our own for network tests: Linux network namespaces joined by a bridge
 * (see ../shared/NETWORK-TESTING.md). Needs root. Everything made here is removed by `destroy()`,
 * and every process started here is killed by its pid.
 */
import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { ChildProcess } from 'node:child_process'

const exec = promisify(execFile)

/** The repository root, found from this file (run from test/helpers, or compiled into build/test/helpers by the bench). */
export const REPO_ROOT = fileURLToPath(new URL(import.meta.url.includes('/build/test/') ? '../../../' : '../../', import.meta.url))
export const PARLEY_BIN = `${REPO_ROOT}bin/parley`

async function ip (...args: string[]): Promise<void> {
  await exec('ip', args)
}

/** Run `ip -n NS -batch -` with these command lines on its stdin. */
async function ipBatch (ns: string, lines: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.once('error', reject)
    child.once('close', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`ip -n ${ns} -batch failed (${code}): ${stderr.trim()}`))
    })
    child.stdin.end(lines.join('\n') + '\n')
  })
}

/** The MAC address given to host i's eth0 when neighbours are made permanent (locally administered). */
function macOf (i: number): string {
  return `02:77:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`
}

/** The Ethernet address of the mDNS group 224.0.0.251 */
const MDNS_GROUP_MAC = '01:00:5e:00:00:fb'

let labCounter = 0

/** Whether this machine lets us make namespaces (root and iproute2). */
export async function netnsAvailable (): Promise<{ ok: true } | { ok: false, why: string }> {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not running as root' }
  const probe = `pp${process.pid}probe`
  try {
    await ip('netns', 'add', probe)
    await ip('netns', 'del', probe)
    return { ok: true }
  } catch (err) {
    return { ok: false, why: `ip netns failed: ${(err as Error).message}` }
  }
}

/**
 * For a test file that needs namespaces: whether it can run. Without them it says so loudly, and
 * under CI=true it fails rather than pass by skipping.
 */
export async function requireNetns (what: string): Promise<boolean> {
  const support = await netnsAvailable()
  if (support.ok) return true
  const message = `NETWORK NAMESPACES UNAVAILABLE (${support.why}): ${what} cannot run here`
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(`\n!!! ${message}; skipping them. Run as root to test for real. !!!\n`)
  return false
}

/** One host: a namespace with eth0 on the lab's bridge. */
export interface Host {
  index: number
  ns: string
  ip: string
}

/** A switch and N hosts. */
export class NetnsLab {
  readonly prefix: string
  readonly hosts: Host[] = []
  private readonly switchNs: string
  private readonly processes = new Set<ChildProcess>()
  private readonly extraNs: string[] = []
  private destroyed = false

  private constructor (prefix: string) {
    this.prefix = prefix
    this.switchNs = `${prefix}-sw`
  }

  /**
   * Make a bridge and `count` hosts at 10.77.0.1.. with multicast routed to eth0. With `routedFrom`,
   * hosts from that index on sit on a second bridge, 10.78.0.0/16, joined to the first by a router
   * namespace: two subnets that route to each other, which multicast (mDNS) does not cross.
   *
   * With `permanentNeighbours` (one subnet only), every host knows every other host's MAC address and
   * the mDNS group's from the start, as permanent neighbour entries. The kernel's neighbour (ARP) table
   * is shared by all namespaces and full at net.ipv4.neigh.default.gc_thresh3 (usually 1,024) entries,
   * which a full mesh of ~32 hosts reaches; permanent entries do not count towards that limit (Linux
   * 4.19 and later), so large labs work without touching the machine's own settings.
   */
  static async create (count: number, options: { routedFrom?: number, permanentNeighbours?: boolean } = {}): Promise<NetnsLab> {
    if (options.permanentNeighbours === true && options.routedFrom !== undefined) throw new RangeError('permanent neighbours are for a lab of one subnet')
    const lab = new NetnsLab(`pl${process.pid}x${labCounter++}`)
    try {
      for (const br of options.routedFrom === undefined ? ['br0'] : ['br0', 'br1']) {
        if (br === 'br0') await ip('netns', 'add', lab.switchNs)
        await ip('-n', lab.switchNs, 'link', 'add', br, 'type', 'bridge')
        await ip('-n', lab.switchNs, 'link', 'set', br, 'type', 'bridge', 'mcast_snooping', '0')
        await ip('-n', lab.switchNs, 'link', 'set', br, 'up')
      }
      if (options.routedFrom !== undefined) await lab.addRouter()
      for (let i = 1; i <= count; i++) await lab.addHost(i, options.routedFrom !== undefined && i >= options.routedFrom ? 1 : 0, options.routedFrom !== undefined, options.permanentNeighbours === true)
      if (options.permanentNeighbours === true) await lab.addPermanentNeighbours()
    } catch (err) {
      await lab.destroy()
      throw err
    }
    return lab
  }

  private get routerNs (): string {
    return `${this.prefix}-rt`
  }

  private async addRouter (): Promise<void> {
    await ip('netns', 'add', this.routerNs)
    this.extraNs.push(this.routerNs)
    for (const [n, subnet] of [[0, '10.77'], [1, '10.78']] as const) {
      await ip('-n', this.routerNs, 'link', 'add', `eth${n}`, 'type', 'veth', 'peer', 'name', `r${n}`, 'netns', this.switchNs)
      await ip('-n', this.switchNs, 'link', 'set', `r${n}`, 'master', `br${n}`, 'up')
      await ip('-n', this.routerNs, 'addr', 'add', `${subnet}.255.254/16`, 'dev', `eth${n}`)
      await ip('-n', this.routerNs, 'link', 'set', `eth${n}`, 'up')
    }
    await exec('ip', ['netns', 'exec', this.routerNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  }

  private async addHost (i: number, subnet = 0, routed = false, fixedMac = false): Promise<void> {
    const ns = `${this.prefix}-h${i}`
    const addr = `10.${77 + subnet}.${Math.floor(i / 250)}.${(i % 250) + 1}`
    await ip('netns', 'add', ns)
    this.hosts.push({ index: i, ns, ip: addr })
    await ip('-n', ns, 'link', 'add', 'eth0', ...(fixedMac ? ['address', macOf(i)] : []), 'type', 'veth', 'peer', 'name', `v${i}`, 'netns', this.switchNs)
    await ip('-n', this.switchNs, 'link', 'set', `v${i}`, 'master', `br${subnet}`, 'up')
    await ip('-n', ns, 'addr', 'add', `${addr}/16`, 'dev', 'eth0')
    await ip('-n', ns, 'link', 'set', 'lo', 'up')
    await ip('-n', ns, 'link', 'set', 'eth0', 'up')
    // without a multicast route mDNS sends fail silently (ENETUNREACH)
    await ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
    if (routed) await ip('-n', ns, 'route', 'add', 'default', 'via', `10.${77 + subnet}.255.254`)
  }

  /** In every host, a permanent neighbour entry for every other host and for the mDNS group. */
  private async addPermanentNeighbours (): Promise<void> {
    for (const host of this.hosts) {
      const lines = this.hosts.filter(h => h !== host).map(h => `neigh replace ${h.ip} lladdr ${macOf(h.index)} dev eth0 nud permanent`)
      lines.push(`neigh replace 224.0.0.251 lladdr ${MDNS_GROUP_MAC} dev eth0 nud permanent`)
      await ipBatch(host.ns, lines)
    }
  }

  /**
   * What the hosts have sent onto the LAN so far: bytes and packets received by the switch on the
   * hosts' ports (each frame counted once, where it enters, however many ports it goes out of).
   */
  async lanSent (): Promise<{ bytes: number, packets: number }> {
    const { stdout } = await exec('ip', ['-n', this.switchNs, '-s', '-j', 'link', 'show'])
    const links = JSON.parse(stdout) as Array<{ ifname: string, stats64?: { rx?: { bytes?: number, packets?: number } } }>
    let bytes = 0
    let packets = 0
    for (const link of links) {
      if (!/^v\d+$/.test(link.ifname)) continue
      bytes += link.stats64?.rx?.bytes ?? 0
      packets += link.stats64?.rx?.packets ?? 0
    }
    return { bytes, packets }
  }

  host (i: number): Host {
    const host = this.hosts[i - 1]
    if (host === undefined) throw new Error(`no host ${i}`)
    return host
  }

  /** Cut a host off the switch (partition) or plug it back. */
  async setLink (i: number, up: boolean): Promise<void> {
    await ip('-n', this.switchNs, 'link', 'set', `v${i}`, up ? 'up' : 'down')
  }

  /**
   * Split the LAN in two: hosts in `a` can no longer reach hosts in `b` nor the reverse (blackhole
   * routes inside each host), while each side still talks within itself.
   */
  async partition (a: number[], b: number[]): Promise<void> {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (const i of from) for (const j of to) await ip('-n', this.host(i).ns, 'route', 'add', 'blackhole', `${this.host(j).ip}/32`)
    }
  }

  /** Undo `partition(a, b)`. */
  async heal (a: number[], b: number[]): Promise<void> {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (const i of from) for (const j of to) await ip('-n', this.host(i).ns, 'route', 'del', 'blackhole', `${this.host(j).ip}/32`).catch(() => {})
    }
  }

  /** Limit what host `i` sends to `rate` (tc syntax, e.g. 100mbit), so a transfer takes long enough to interrupt. */
  async limitRate (i: number, rate: string): Promise<void> {
    await exec('tc', ['-n', this.host(i).ns, 'qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', rate, 'burst', '256kb', 'latency', '100ms'])
  }

  /**
   * Make host `i`'s link to the switch carry at most `rate` each way, like a workstation's port on
   * an office switch ('1gbit'): a token bucket on both ends of its veth pair.
   */
  async limitLink (i: number, rate: string): Promise<void> {
    const tbf = ['root', 'tbf', 'rate', rate, 'burst', '1mb', 'latency', '50ms']
    await exec('tc', ['-n', this.host(i).ns, 'qdisc', 'replace', 'dev', 'eth0', ...tbf])
    await exec('tc', ['-n', this.switchNs, 'qdisc', 'replace', 'dev', `v${i}`, ...tbf])
  }

  /**
   * Capture everything that crosses the switch (tcpdump on the bridge, inside the switch namespace)
   * into `file`, as a pcap. Resolves once tcpdump listens; stop it with SIGINT so it writes all out.
   */
  async capture (file: string): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', this.switchNs, 'tcpdump', '-i', 'br0', '-n', '-U', '-s', '0', '-w', file], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.processes.add(child)
    child.once('exit', () => { this.processes.delete(child) })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('tcpdump did not start within 10 s')) }, 10_000)
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tcpdump exited with ${code}`)) })
      // tcpdump says "listening on br0" on stderr once it captures
      child.stderr?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening on')) { clearTimeout(timer); resolve() } })
    })
    return child
  }

  /** Start a process inside host `i`; it is killed by `destroy()` if still running. */
  spawn (i: number, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.host(i).ns, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env }
    })
    this.processes.add(child)
    child.once('exit', () => { this.processes.delete(child) })
    return child
  }

  /** Kill every process still running and delete every namespace. Safe to call twice. */
  async destroy (): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    await Promise.all([...this.processes].map(async child => killAndWait(child)))
    for (const host of this.hosts) {
      await ip('netns', 'del', host.ns).catch(() => {}) // already gone
    }
    for (const ns of this.extraNs) await ip('netns', 'del', ns).catch(() => {}) // already gone
    await ip('netns', 'del', this.switchNs).catch(() => {}) // already gone
  }
}

/** SIGKILL a child by its pid and wait until it has exited. */
export async function killAndWait (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  if (child.pid !== undefined) {
    try {
      process.kill(child.pid, signal)
    } catch {
      // it exited between the check and the kill
    }
  }
  await exited
}
