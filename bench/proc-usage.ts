/**
 * What a process and the machine use, read from /proc by the runner: CPU time and resident memory of
 * an agent by its pid, and how busy the machine's CPUs were between two readings. The runner shares
 * the agents' pid namespace (network namespaces only split the network), so it reads them directly.
 */
import { execFile } from 'node:child_process'
import { readFile, readlink } from 'node:fs/promises'
import { release } from 'node:os'
import { promisify } from 'node:util'

const exec = promisify(execFile)

/** One reading of a process. */
export interface ProcessUsage {
  pid: number
  /** user + system CPU time since the process started, seconds */
  cpuSeconds: number
  rssMB: number
  /** the process's peak resident memory (VmHWM) */
  peakRssMB: number
  /** of rssMB: anonymous memory (heap, buffers, allocations), and file pages mapped in (code, LevelDB's mapped tables: the kernel can drop these) */
  anonMB: number
  fileMB: number
}

/** One reading of the machine's CPU counters (/proc/stat, all CPUs). */
export interface MachineCpu {
  /** jiffies spent busy and in total, summed over all CPUs */
  busy: number
  total: number
}

let clockTicks: number | undefined

/** Kernel clock ticks per second (USER_HZ), the unit of /proc/PID/stat times; 100 if getconf fails. */
export async function ticksPerSecond (): Promise<number> {
  if (clockTicks !== undefined) return clockTicks
  try {
    const { stdout } = await exec('getconf', ['CLK_TCK'])
    clockTicks = Number(stdout.trim()) > 0 ? Number(stdout.trim()) : 100
  } catch {
    // getconf missing: 100 is USER_HZ on every Linux architecture we run on
    clockTicks = 100
  }
  return clockTicks
}

/** CPU time and memory of `pid`, or undefined if it has exited. */
export async function processUsage (pid: number): Promise<ProcessUsage | undefined> {
  let stat: string
  let status: string
  try {
    [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')])
  } catch {
    return undefined // exited
  }
  // the command name (field 2) may hold spaces; fields are counted from the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // after the name: state is field 3, so utime (14) and stime (15) are at 11 and 12
  const ticks = Number(fields[11]) + Number(fields[12])
  const kB = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return {
    pid,
    cpuSeconds: ticks / await ticksPerSecond(),
    rssMB: round(kB('VmRSS') / 1024, 1),
    peakRssMB: round(kB('VmHWM') / 1024, 1),
    anonMB: round(kB('RssAnon') / 1024, 1),
    fileMB: round(kB('RssFile') / 1024, 1)
  }
}

/** The machine's CPU counters now. */
export async function machineCpu (): Promise<MachineCpu> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? ''
  // cpu  user nice system idle iowait irq softirq steal ...
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
  const idle = (f[3] ?? 0) + (f[4] ?? 0)
  return { busy: total - idle, total }
}

/** The share of all CPUs that was busy between two readings, 0..1. */
export function busyShare (before: MachineCpu, after: MachineCpu): number {
  const total = after.total - before.total
  return total <= 0 ? 0 : round((after.busy - before.busy) / total, 3)
}

/** How busy the machine's CPUs are over the next `ms`, 0..1: other work skews every figure. */
export async function machineBusyOver (ms: number): Promise<number> {
  const before = await machineCpu()
  await new Promise(resolve => setTimeout(resolve, ms))
  return busyShare(before, await machineCpu())
}

/** The kernel's IPv4 neighbour (ARP) table, which all network namespaces share. */
export interface NeighbourTable {
  /** entries now, over every namespace */
  entries: number
  /** the hard limit, net.ipv4.neigh.default.gc_thresh3: past it new entries fail and sends get ENOBUFS */
  limit: number
  /** how often an entry could not be made because the table was full, since boot */
  overflows: number
}

/**
 * The neighbour table's use. Every lab host needs an entry per peer it talks to and one for multicast,
 * so a full mesh of N hosts needs about N * N: 100 hosts need ~10,000, far past the usual limit of
 * 1,024, and then mDNS and dials fail with ENOBUFS (dmesg: "neighbor table overflow").
 */
export async function neighbourTable (): Promise<NeighbourTable> {
  const [limit, stat] = await Promise.all([
    readFile('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 'utf8'),
    readFile('/proc/net/stat/arp_cache', 'utf8')
  ])
  // a header, then one row of hex counters per CPU; `entries` is the table's, the rest per CPU
  const [header, ...rows] = stat.trim().split('\n').map(l => l.trim().split(/\s+/))
  const column = (name: string): number[] => rows.map(r => parseInt(r[header!.indexOf(name)] ?? '0', 16))
  return {
    entries: column('entries')[0] ?? 0,
    limit: Number(limit.trim()),
    overflows: column('table_fulls').reduce((a, b) => a + b, 0)
  }
}

/** Whether this kernel leaves permanent neighbour entries out of the table's limit (Linux 4.19 and later). */
export function permanentNeighboursExempt (kernel = release()): boolean {
  const [major = 0, minor = 0] = kernel.split('.').map(x => parseInt(x, 10))
  return major > 4 || (major === 4 && minor >= 19)
}

/** The network namespace of this process, e.g. `net:[4026531833]`: agents refuse mDNS in it. */
export async function ownNetns (): Promise<string> {
  return readlink('/proc/self/ns/net')
}

function round (x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
