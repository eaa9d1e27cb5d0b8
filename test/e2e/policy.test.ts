/**
 * The usage policy and names through the CLI, as an office runs them: two real daemons in the root
 * namespace, on 127.0.0.1 with mDNS off (the member's daemon names the admin's as a static peer).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import type { PolicyView } from '../../src/index.js'

const LOOPBACK = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']

/** Run `check` until it holds, at most `timeoutMs` (each try is a CLI process). */
async function eventually (check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('parley policy and names, through the CLI', () => {
  let root: string
  const daemons: Daemon[] = []
  beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'parley-policy-')) })
  afterAll(async () => {
    await Promise.all(daemons.map(async d => d.stop('SIGKILL')))
    await rm(root, { recursive: true, force: true })
  })

  it('an invite fixes the name; a member reads but does not post until they accept the policy; renames go through an admin', async () => {
    const admin = await Daemon.start(join(root, 'admin'), [...LOOPBACK, '--name', 'Ann Lee'])
    daemons.push(admin)
    expect((await admin.cli('org', 'create', 'Acme')).code).toBe(0)
    // a name that passes for Ann's is refused for an invite, with a clear sentence
    const lookAlike = await admin.cli('invite', '--name', 'ANN LÉE')
    expect(lookAlike.code, lookAlike.stderr).toBe(1)
    expect(lookAlike.stderr).toMatch(/passes for "Ann Lee"/)
    const invite = await admin.cli('invite', '--name', 'Bob Marsh')
    expect(invite.code, invite.stderr).toBe(0)
    const token = invite.stdout.trim()

    const bob = await Daemon.start(join(root, 'bob'), [...LOOPBACK, '--name', 'bobby', '--peer', admin.ready.addresses[0]!])
    daemons.push(bob)
    const joined = await bob.cli('join', token, '--name', 'Bobby Tables')
    expect(joined.code, joined.stderr).toBe(0)
    expect(joined.stdout).toMatch(/joined Acme as Bob Marsh/)

    // the admin publishes the policy from a file
    const file = join(root, 'policy.txt')
    await writeFile(file, 'Be kind.\nNo customer data in chat.\n')
    const set = await admin.cli('policy', 'set', file)
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toMatch(/published usage policy version 1; 1 member\(s\) have not accepted it yet/)
    // waits read over the control socket (a CLI process for each try would be slow); what is checked goes through the CLI
    await eventually(async () => (await call(bob, 'policy.status')) !== null, 'the policy reaching bob')
    const bobView = JSON.parse((await bob.cli('policy', 'status', '--json')).stdout) as PolicyView
    expect(bobView).toMatchObject({ version: 1, mayPost: false, text: 'Be kind.\nNo customer data in chat.\n' })

    // bob reads but does not post, and is told why
    const refused = await bob.cli('send', '--team', 'general', 'hello')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/PolicyNotAcceptedError|accept the usage policy of Acme \(version 1\) before posting/)
    const status = await admin.cli('policy', 'status')
    expect(status.stdout).toMatch(/✗ Bob Marsh\s+\S+\s+NOT accepted/)
    expect(status.stdout).toMatch(/✓ Ann Lee/)

    const accepted = await bob.cli('policy', 'accept', '--show')
    expect(accepted.code, accepted.stderr).toBe(0)
    expect(accepted.stdout).toBe('Be kind.\nNo customer data in chat.\n\naccepted usage policy version 1\n')
    expect((await bob.cli('send', '--team', 'general', 'hello')).code).toBe(0)
    await eventually(async () => (await call(admin, 'policy.status'))!.members.every(m => m.current), 'bob\'s acceptance reaching the admin')
    expect((await admin.cli('policy', 'status')).stdout).toMatch(/✓ Bob Marsh/)

    // bob asks for a new name; the admin sees and grants it
    const asked = await bob.cli('rename', 'Robert', 'Marsh')
    expect(asked.code, asked.stderr).toBe(0)
    await eventually(async () => (await call(admin, 'rename.requests')).length > 0, 'the request reaching the admin')
    expect((await admin.cli('admin', 'approve')).stdout).toMatch(/Bob Marsh → Robert Marsh/)
    const approve = await admin.cli('admin', 'approve', bob.ready.peerId)
    expect(approve.code, approve.stderr).toBe(0)
    await eventually(async () => (await call(bob, 'info')).name === 'Robert Marsh', 'the rename reaching bob')
    // nobody renames into a look-alike of someone else, and a member cannot rename
    const clash = await admin.cli('admin', 'rename', bob.ready.peerId, 'Ann Lее') // Cyrillic е
    expect(clash.code).toBe(1)
    expect(clash.stderr).toMatch(/passes for "Ann Lee"/)
    const notAdmin = await bob.cli('admin', 'rename', admin.ready.peerId, 'Nobody')
    expect(notAdmin.code).toBe(1)
    expect(notAdmin.stderr).toMatch(/only an admin/)
  }, 180_000)
})
