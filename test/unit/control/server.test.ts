import { mkdtemp, rm, stat } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { TypedEventEmitter } from 'main-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ControlClient } from '../../../src/control/client.js'
import { ControlServer, socketPathOf } from '../../../src/control/server.js'
import { InvalidArgumentError, NotMemberError, UnknownMethodError } from '../../../src/errors.js'
import type { TypedControlEvent } from '../../../src/control/api.js'
import type { MessageView, ParleyEvents } from '../../../src/events.js'
import type { ParleyNode } from '../../../src/node.js'

/** A node as the server sees it: only what these tests call, answering from memory. */
class StubNode extends TypedEventEmitter<ParleyEvents> {
  readonly sent: Array<{ team: string, text: string, urgent?: boolean }> = []
  constructor (readonly dataDir: string) { super() }
  info (): unknown { return { peerId: 'p', name: 'ann', dataDir: this.dataDir, addresses: [], teams: ['general'] } }
  async send (team: string, text: string, options: { urgent?: boolean }): Promise<unknown> {
    if (team === 'secret') throw new NotMemberError('you are not in secret')
    this.sent.push({ team, text, ...options })
    return message(team, text)
  }
}

function message (team: string, text: string): MessageView {
  return { id: 'i', team, author: 'p', authorName: 'ann', seq: 1, lamport: 1, time: 1, text, urgent: false, local: true, readable: true, epoch: 1 }
}

describe('control/server over a stub node', () => {
  let dir: string
  let node: StubNode
  let server: ControlServer
  const clients: ControlClient[] = []
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-ctl-'))
    node = new StubNode(dir)
    server = new ControlServer(node as unknown as ParleyNode)
    await server.start()
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })
  const client = async (): Promise<ControlClient> => {
    const c = await ControlClient.connect(dir)
    clients.push(c)
    return c
  }

  it('is owner-only, answers with the API version, and checks params against the schema', async () => {
    expect((await stat(socketPathOf(dir))).mode & 0o777).toBe(0o600)
    const c = await client()
    expect(await c.request('info')).toMatchObject({ name: 'ann', api: 1 })
    expect(await c.request('send', { team: 'general', text: 'hi', urgent: true })).toMatchObject({ text: 'hi' })
    expect(node.sent).toEqual([{ team: 'general', text: 'hi', urgent: true }])
    await expect(c.requestRaw('send', { team: 'general' })).rejects.toThrow(InvalidArgumentError)
    await expect(c.requestRaw('send', { team: 'general', text: 42 })).rejects.toThrow(InvalidArgumentError)
    await expect(c.requestRaw('no.such.method', {})).rejects.toThrow(UnknownMethodError)
    // the node's own error comes back by name, as its own class
    await expect(c.request('send', { team: 'secret', text: 'x' })).rejects.toThrow(NotMemberError)
  })

  it('answers a line that is not a request with a protocol error and keeps the connection', async () => {
    const socket = connect(socketPathOf(dir))
    await new Promise<void>(resolve => socket.once('connect', resolve))
    const lines = createInterface({ input: socket })
    const answers: string[] = []
    lines.on('line', (l) => { answers.push(l) })
    socket.write('this is not json\n')
    socket.write(JSON.stringify({ id: 7, method: 'info' }) + '\n')
    await expect.poll(() => answers.length).toBe(2)
    expect(JSON.parse(answers[0]!)).toMatchObject({ error: { name: 'ProtocolError' } })
    expect(JSON.parse(answers[1]!)).toMatchObject({ id: 7, result: { api: 1 } })
    socket.destroy()
  })

  it('streams the events a subscriber asked for, of its team only, and stops when it goes', async () => {
    const c = await client()
    const events: TypedControlEvent[] = []
    c.onEvent((e) => { events.push(e) })
    await c.request('subscribe', { team: 'dev', events: ['message:added'] })
    node.dispatchEvent(new CustomEvent('message:added', { detail: message('general', 'not for dev') }))
    node.dispatchEvent(new CustomEvent('message:added', { detail: message('dev', 'for dev') }))
    node.dispatchEvent(new CustomEvent('node:warning', { detail: { message: 'not asked for' } }))
    await expect.poll(() => events.length).toBe(1)
    expect(events[0]).toMatchObject({ event: 'message:added', data: { text: 'for dev' } })
    await expect(c.requestRaw('subscribe', { events: ['no:such:event'] })).rejects.toThrow(InvalidArgumentError)
    c.close()
    clients.length = 0
    // a closed subscriber's listener is gone: dispatching reaches nobody and throws nothing
    await expect.poll(() => node.listenerCount('message:added')).toBe(0)
  })
})
