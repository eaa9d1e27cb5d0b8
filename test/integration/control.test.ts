import { stat } from 'node:fs/promises'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/control/client.js'
import { ControlServer, socketPathOf } from '../../src/control/server.js'
import { InvalidTeamNameError, NodeNotRunningError, NotInOrgError, UnknownMethodError } from '../../src/errors.js'
import { Fixture } from '../helpers/nodes.js'
import type { TypedControlEvent } from '../../src/control/api.js'

describe('control socket over a real node', () => {
  const fx = new Fixture()
  const servers: ControlServer[] = []
  const clients: ControlClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    for (const s of servers.splice(0)) await s.stop()
    await fx.cleanup()
  })

  async function served (): Promise<{ client: ControlClient, dataDir: string }> {
    const node = await fx.node()
    await node.createOrg('Acme')
    await node.createTeam('dev')
    const server = new ControlServer(node)
    await server.start()
    servers.push(server)
    const client = await ControlClient.connect(node.dataDir)
    clients.push(client)
    return { client, dataDir: node.dataDir }
  }

  it('is owner-only and answers info, send, history and teams', async () => {
    const { client, dataDir } = await served()
    expect((await stat(socketPathOf(dataDir))).mode & 0o777).toBe(0o600)
    const info = await client.request('info')
    expect(info.api).toBe(1)
    expect(info.teams).toEqual(['dev', 'general'])
    expect(info.org).toMatchObject({ name: 'Acme', admin: true })
    const sent = await client.request('send', { team: 'dev', text: 'ship it' })
    expect(sent.seq).toBe(1)
    const page = await client.request('history', { team: 'dev' })
    expect(page.messages.map(m => m.id)).toEqual([sent.id])
    expect(await client.request('teams')).toEqual([
      { name: 'dev', epoch: 1, members: 1, joined: true, retentionDays: 0, hold: false },
      { name: 'general', epoch: 1, members: 1, joined: true, retentionDays: 0, hold: false }
    ])
  })

  it('streams events to subscribers, filtered by team', async () => {
    const { client, dataDir } = await served()
    const events: TypedControlEvent[] = []
    client.onEvent((e) => { events.push(e) })
    await client.request('subscribe', { team: 'dev', events: ['message:added'] })
    const other = await ControlClient.connect(dataDir)
    clients.push(other)
    await other.request('send', { team: 'general', text: 'not for dev' })
    await other.request('send', { team: 'dev', text: 'for dev' })
    await expect.poll(() => events.length).toBe(1)
    const event = events[0]!
    expect(event.event).toBe('message:added')
    if (event.event === 'message:added') expect(event.data.text).toBe('for dev')
  })

  it('returns typed errors and survives bad input', async () => {
    const { client, dataDir } = await served()
    await expect(client.request('send', { team: 'No Way', text: 'x' })).rejects.toBeInstanceOf(InvalidTeamNameError)
    // requestRaw: what the typed request does not let a caller write, a hand-made client may still send
    await expect(client.requestRaw('frobnicate')).rejects.toBeInstanceOf(UnknownMethodError)
    await expect(client.requestRaw('history', { team: 'general', limit: 'ten' })).rejects.toThrow(/whole number/)
    // raw garbage on a second connection gets an error line, and the node keeps serving
    const raw = connect(socketPathOf(dataDir))
    const reply = await new Promise<string>((resolve) => {
      raw.once('data', (d: Buffer) => { resolve(d.toString()) })
      raw.write('this is not json\n')
    })
    raw.destroy()
    expect(JSON.parse(reply)).toMatchObject({ id: null, error: { name: 'ProtocolError' } })
    expect((await client.request('teams')).length).toBe(2)
  })

  it('refuses to send before the node is in an org', async () => {
    const node = await fx.node()
    const server = new ControlServer(node)
    await server.start()
    servers.push(server)
    const client = await ControlClient.connect(node.dataDir)
    clients.push(client)
    await expect(client.request('send', { team: 'general', text: 'x' })).rejects.toBeInstanceOf(NotInOrgError)
  })

  it('says clearly when no node is running', async () => {
    const dir = await fx.tempDir()
    await expect(ControlClient.connect(dir)).rejects.toBeInstanceOf(NodeNotRunningError)
  })
})
