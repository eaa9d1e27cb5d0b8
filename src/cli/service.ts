/**
 * `parley service`: a per-user systemd unit that runs `parley daemon` with the session, so the node
 * is there whenever the workstation is. It says what it did, and what to run where systemd is absent.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { UNIT_NAME, unitPath } from '../shell.js'

export { UNIT_NAME, unitPath }

const exec = promisify(execFile)

/** The unit file for a data dir. Paths are quoted for systemd. */
export function unitFile (nodePath: string, parleyBin: string, dataDir: string): string {
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  return [
    '[Unit]',
    'Description=parley messenger node',
    'After=network-online.target',
    '',
    '[Service]',
    `ExecStart=${q(nodePath)} ${q(parleyBin)} daemon --data ${q(dataDir)}`,
    'Restart=on-failure',
    'RestartSec=5',
    // the daemon stops cleanly on SIGTERM, closing its log
    'KillSignal=SIGTERM',
    'TimeoutStopSec=20',
    '',
    '[Install]',
    'WantedBy=default.target',
    ''
  ].join('\n')
}

async function systemctl (...args: string[]): Promise<{ ok: boolean, output: string }> {
  try {
    const { stdout, stderr } = await exec('systemctl', ['--user', ...args], { timeout: 15_000 })
    return { ok: true, output: (stdout + stderr).trim() }
  } catch (err) {
    const e = err as { code?: string | number, stdout?: string, stderr?: string, message: string }
    if (e.code === 'ENOENT') return { ok: false, output: 'systemctl is not available here' }
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message }
  }
}

/** Write the unit and enable it. Returns the lines to tell the user. */
export async function installService (parleyBin: string, dataDir: string): Promise<string[]> {
  const path = unitPath()
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, unitFile(process.execPath, parleyBin, dataDir))
  const said = [`wrote ${path}`]
  const reload = await systemctl('daemon-reload')
  if (!reload.ok) {
    return [...said, `could not reach the user's systemd (${reload.output}); to start parley with your session, run: systemctl --user enable --now ${UNIT_NAME}`]
  }
  const enable = await systemctl('enable', '--now', UNIT_NAME)
  return [...said, enable.ok ? `enabled and started ${UNIT_NAME}: parley now runs with your session` : `systemctl --user enable --now ${UNIT_NAME} failed: ${enable.output}`]
}

/** Stop, disable and remove the unit. */
export async function uninstallService (): Promise<string[]> {
  const path = unitPath()
  const said: string[] = []
  const disable = await systemctl('disable', '--now', UNIT_NAME)
  said.push(disable.ok ? `stopped and disabled ${UNIT_NAME}` : `systemd: ${disable.output}`)
  await rm(path, { force: true })
  said.push(`removed ${path}`)
  await systemctl('daemon-reload')
  return said
}

/** Whether the unit is installed, and what systemd says of it. */
export async function serviceStatus (): Promise<string[]> {
  const path = unitPath()
  let installed = true
  try {
    await readFile(path)
  } catch {
    installed = false
  }
  if (!installed) return [`not installed (no ${path}); install it with: parley service install`]
  const active = await systemctl('is-active', UNIT_NAME)
  return [`installed: ${path}`, `systemd says: ${active.output}`]
}
