/**
 * The usage policy screen as people meet it: two daemons on network-namespace hosts, and the member's
 * `parley chat` driven in tmux (send-keys, capture-pane), attached to its daemon.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, Daemon } from '../helpers/daemon.js'
import { NetnsLab, requireNetns, PARLEY_BIN } from '../helpers/netns.js'
import { TmuxSession } from '../helpers/tmux.js'
import { waitFor } from '../helpers/nodes.js'

const netns = await requireNetns('the usage policy screen end-to-end test')

describe.skipIf(!netns)('the usage policy in the chat', () => {
  let lab: NetnsLab
  let root: string
  let ann: Daemon
  let bob: Daemon
  const sessions: TmuxSession[] = []
  const chat = (d: Daemon): string => `${process.execPath} ${PARLEY_BIN} chat --data ${d.dataDir}`

  beforeAll(async () => {
    lab = await NetnsLab.create(2)
    root = await mkdtemp(join(tmpdir(), 'parley-policy-tui-'))
    ann = await Daemon.start(join(root, 'ann'), ['--name', 'Ann Lee'], { lab, host: 1 })
    bob = await Daemon.start(join(root, 'bob'), ['--name', 'Bob Marsh'], { lab, host: 2 })
    await call(ann, 'org.create', { name: 'Acme' })
    const { token } = await call(ann, 'invite', {})
    await call(bob, 'join', { token, name: 'Bob Marsh' })
    await call(ann, 'policy.set', { text: 'Rule one: be kind.\nRule two: no customer data in chat.', everySession: true })
    await waitFor(async () => (await call(bob, 'policy.status')) !== null, 15_000, 'the policy reaching bob')
  })

  afterAll(async () => {
    for (const s of sessions) await s.kill()
    await Promise.all([ann, bob].filter(d => d !== undefined).map(async d => d.stop('SIGKILL')))
    await lab?.destroy()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('shows the policy at start, reads only until accepted, and asks again at the next start', async () => {
    const ui = await TmuxSession.start(chat(bob))
    sessions.push(ui)
    const first = await ui.waitFor(/Do you accept the usage policy \(version 1\)\? Enter: yes · Esc: no/, 20_000)
    expect(first).toMatch(/usage policy of Acme/)
    expect(first).toMatch(/Rule one: be kind\./)
    expect(first).toMatch(/Rule two: no customer data in chat\./)

    // Esc: not accepted; the chat says so, and posting is refused with the reason
    await ui.press('Escape')
    await ui.waitFor(/usage policy not accepted: you can read but not post/)
    await ui.press('Escape')
    await waitFor(async () => !/Esc closes/.test(await ui.screen()), 5_000, 'the overlay closed')
    await ui.line('hello before accepting')
    await ui.waitFor(/accept the usage policy of Acme \(version 1\)/)
    expect((await call(ann, 'history', { team: 'general' })).messages.map(m => m.text)).not.toContain('hello before accepting')

    // /policy asks again; Enter accepts with a record signed by bob's key
    await ui.line('/policy')
    await ui.waitFor(/Do you accept the usage policy \(version 1\)/)
    await ui.press('Enter')
    await ui.waitFor(/you accepted the usage policy, version 1/)
    await ui.line('hello after accepting')
    await waitFor(async () => (await call(ann, 'history', { team: 'general' })).messages.some(m => m.text === 'hello after accepting'), 15_000, 'bob\'s message reaching ann')
    await ui.kill()

    // the policy asks at every session: a new chat asks again, and accepting writes a new record
    const again = await TmuxSession.start(chat(bob))
    sessions.push(again)
    await again.waitFor(/Do you accept the usage policy \(version 1\)/, 20_000)
    const before = (await call(ann, 'policy.status'))!.members.find(m => m.peerId === bob.ready.peerId)!.accepted!.at
    await again.press('Enter')
    await again.waitFor(/you accepted the usage policy, version 1/)
    await waitFor(async () => ((await call(ann, 'policy.status'))!.members.find(m => m.peerId === bob.ready.peerId)!.accepted!.at) > before, 15_000, 'the second acceptance reaching ann')
  }, 120_000)
})
