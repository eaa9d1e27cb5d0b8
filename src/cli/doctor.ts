/**
 * `parley doctor`: checks the common reasons a workstation cannot chat, and says what to do in
 * plain words. Each check is independent; the report lists them all.
 */
import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { networkInterfaces } from 'node:os'
import { promisify } from 'node:util'
import { ControlClient, DataDirLockedError, DEFAULT_PORT, formatDateTime, identityKeyPathOf, NodeNotRunningError, printable } from '../shell.js'
import type { KeeperStatus } from '../index.js'

const exec = promisify(execFile)

export interface Finding {
  level: 'ok' | 'warn' | 'fail'
  what: string
  advice?: string
}

/** How far apart two clocks may be before it is worth saying. */
const CLOCK_TOLERANCE_MS = 2 * 60_000

async function checkDataDir (dataDir: string, running: boolean): Promise<Finding[]> {
  const out: Finding[] = []
  try {
    const s = await stat(dataDir)
    out.push((s.mode & 0o077) === 0
      ? { level: 'ok', what: `data dir ${dataDir} is yours only` }
      : { level: 'warn', what: `data dir ${dataDir} is readable by others`, advice: `chmod 700 ${dataDir}` })
  } catch {
    out.push({ level: 'warn', what: `no data dir at ${dataDir} yet`, advice: 'run parley (or parley init --name NAME) to create it' })
    return out
  }
  try {
    const key = await stat(identityKeyPathOf(dataDir))
    if ((key.mode & 0o077) !== 0) out.push({ level: 'fail', what: 'the identity key can be read by others', advice: `chmod 600 ${identityKeyPathOf(dataDir)}` })
  } catch {
    // no identity yet: reported by the node check
  }
  if (!running) {
    try {
      const { checkStoreOpens } = await import('../index.js')
      await checkStoreOpens(dataDir)
      out.push({ level: 'ok', what: 'the log opens' })
    } catch (err) {
      out.push(err instanceof DataDirLockedError
        ? { level: 'fail', what: 'another process holds the data dir but does not answer on its control socket', advice: 'find it (e.g. fuser -v DATA/log/LOCK) and stop it, or use another --data' }
        : { level: 'fail', what: `the log does not open: ${(err as Error).message}`, advice: 'restore from a backup (parley restore FILE --data NEW_DIR)' })
    }
  }
  return out
}

async function checkMulticast (): Promise<Finding[]> {
  try {
    const { stdout } = await exec('ip', ['route', 'get', '224.0.0.251'])
    const dev = /dev (\S+)/.exec(stdout)?.[1]
    if (dev === 'lo') return [{ level: 'warn', what: 'multicast goes to the loopback interface only', advice: 'add a route for mDNS: ip route add 224.0.0.0/4 dev <your LAN interface>, or use --peer' }]
    return [{ level: 'ok', what: `mDNS multicast leaves by ${dev ?? 'the default route'}` }]
  } catch (err) {
    const text = `${(err as { stderr?: string }).stderr ?? (err as Error).message}`
    if (/ENOENT/.test(text)) return [{ level: 'warn', what: 'cannot check the multicast route (no "ip" command)' }]
    return [{ level: 'fail', what: 'no route for multicast: mDNS cannot find colleagues', advice: 'add one: ip route add 224.0.0.0/4 dev <your LAN interface>; or name colleagues with --peer /ip4/ADDRESS/tcp/7717' }]
  }
}

async function checkPort (running: boolean): Promise<Finding[]> {
  if (running) return []
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve([err.code === 'EADDRINUSE'
        ? { level: 'warn', what: `TCP port ${DEFAULT_PORT} is taken by another program`, advice: `parley will pick a free port; colleagues on other subnets then need --peer with that port, or set listen = /ip4/0.0.0.0/tcp/OTHER in the config` }
        : { level: 'warn', what: `cannot listen on TCP port ${DEFAULT_PORT}: ${err.message}` }])
    })
    server.listen(DEFAULT_PORT, '0.0.0.0', () => {
      server.close(() => { resolve([{ level: 'ok', what: `TCP port ${DEFAULT_PORT} is free` }]) })
    })
  })
}

function checkInterfaces (): Finding[] {
  const lan = Object.entries(networkInterfaces()).flatMap(([name, addrs]) => (addrs ?? []).filter(a => !a.internal && a.family === 'IPv4').map(a => `${name} ${a.address}`))
  if (lan.length === 0) return [{ level: 'fail', what: 'no network interface with an IPv4 address', advice: 'connect to the office network' }]
  const finding: Finding = { level: 'ok', what: `network interfaces: ${lan.join(', ')}` }
  if (lan.length > 1) {
    return [finding, { level: 'warn', what: 'several interfaces (VPN, Docker?): mDNS may leave by the wrong one', advice: 'if colleagues do not appear, name them with --peer, or route 224.0.0.0/4 to the office interface' }]
  }
  return [finding]
}

async function checkNode (dataDir: string): Promise<{ running: boolean, findings: Finding[] }> {
  let client: ControlClient
  try {
    client = await ControlClient.connect(dataDir)
  } catch (err) {
    if (err instanceof NodeNotRunningError) return { running: false, findings: [{ level: 'warn', what: 'no parley node is running for this data dir', advice: 'start one: parley (the chat) or parley daemon' }] }
    throw err
  }
  try {
    const info = await client.request('info')
    const findings: Finding[] = [{ level: 'ok', what: `node ${info.name} (${info.peerId}) is running, listening on ${info.addresses.join(' ') || 'nothing'}` }]
    if (info.org === undefined) {
      findings.push({ level: 'warn', what: 'this node is in no organisation yet', advice: 'create one (parley org create NAME) or join with an invite (parley join TOKEN --name NAME)' })
      return { running: true, findings }
    }
    if (info.removed !== undefined) {
      const by = info.removed.byName !== '' ? info.removed.byName : info.removed.by
      findings.push({ level: 'fail', what: `this workstation was removed from ${info.org.name} by ${by} on ${formatDateTime(info.removed.at)}: it can no longer read or post there, and colleagues' nodes refuse its connections`, advice: 'if this is a mistake, ask an admin for a new invite and join with it from a new data dir (parley --data NEW_DIR); the network checks below do not matter for this' })
      return { running: true, findings }
    }
    const peers = await client.request('peers')
    const connectivity = await client.request('connectivity')
    if (peers.length > 0) {
      findings.push({ level: 'ok', what: `connected to ${peers.length} peer${peers.length === 1 ? '' : 's'} in ${info.org.name}` })
    } else {
      findings.push(aloneFinding(connectivity))
    }
    if (connectivity.ignoredSightings > 0) {
      findings.push({ level: 'warn', what: `${connectivity.ignoredSightings} mDNS answers named more unknown peers than this node dials at once`, advice: 'something on the LAN may be announcing parley peers that do not exist; colleagues are still dialed' })
    }
    const presence = await client.request('presence')
    for (const p of presence) {
      if (p.clockSkew !== undefined && Math.abs(p.clockSkew) > CLOCK_TOLERANCE_MS) {
        findings.push({ level: 'warn', what: `your clock and ${p.peerId}'s differ by ${Math.round(Math.abs(p.clockSkew) / 1000)} s`, advice: 'turn on time synchronisation (e.g. timedatectl set-ntp true) on the machine that is off; message order does not depend on clocks, displayed times do' })
      }
    }
    return { running: true, findings }
  } finally {
    client.close()
  }
}

/** How long alone before it is worth saying that peers are seen but not reached. */
const ALONE_WARN_MS = 10_000

/**
 * Connected to nobody: if mDNS answers (or colleagues' presence) arrive, the network carries
 * discovery but not connections, and what the keeper tried says why; if none arrive, discovery
 * itself does not reach this workstation.
 */
export function aloneFinding (status: KeeperStatus, now = Date.now()): Finding {
  const aloneFor = status.aloneSince === undefined ? 0 : now - status.aloneSince
  const trying = status.targets.filter(t => t.state !== 'connected')
  if (status.sightingsLastMinute > 0 && aloneFor >= ALONE_WARN_MS) {
    const lines = trying.slice(0, 5).map((t) => {
      const who = t.peerId ?? t.addresses[0] ?? 'a peer'
      const next = t.state === 'dialing' ? 'dialing now' : t.nextDialInMs !== undefined ? `next dial in ${Math.ceil(t.nextDialInMs / 1000)} s` : 'waiting to be seen again'
      // addresses and errors come from the network: shown, never interpreted by the terminal
      return printable(`${who} at ${t.addresses.join(' ')}: ${t.failures} failed dial${t.failures === 1 ? '' : 's'}${t.lastError !== undefined ? ` (${t.lastError})` : ''}, ${next}`)
    })
    return {
      level: 'fail',
      what: `connected to nobody for ${Math.round(aloneFor / 1000)} s although ${status.sightingsLastMinute} mDNS answer${status.sightingsLastMinute === 1 ? '' : 's'} arrived in the last minute; trying: ${lines.length > 0 ? lines.join('; ') : 'nothing (no dialable address was announced)'}`,
      advice: 'colleagues are seen but cannot be reached: check that TCP port 7717 is allowed in (firewall) on both sides, and that the addresses above are on your network'
    }
  }
  return { level: 'warn', what: status.sightingsLastMinute > 0 ? 'connected to nobody yet (colleagues were seen; connecting)' : 'connected to nobody, and no mDNS answer arrived in the last minute', advice: 'check the multicast route and firewall below (TCP 7717 and UDP 5353 must be allowed), or name a colleague with --peer' }
}

/** Run every check. */
export async function diagnose (dataDir: string): Promise<Finding[]> {
  const major = Number(process.versions.node.split('.')[0])
  const findings: Finding[] = [major >= 20 ? { level: 'ok', what: `Node.js ${process.versions.node}` } : { level: 'fail', what: `Node.js ${process.versions.node} is too old`, advice: 'install Node.js 20 or newer' }]
  const node = await checkNode(dataDir)
  findings.push(...node.findings)
  findings.push(...await checkDataDir(dataDir, node.running))
  findings.push(...checkInterfaces())
  findings.push(...await checkMulticast())
  findings.push(...await checkPort(node.running))
  return findings
}
