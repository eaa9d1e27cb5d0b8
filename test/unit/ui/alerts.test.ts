import { describe, expect, it } from 'vitest'
import { Alerts } from '../../../src/ui/alerts.js'
import type { Notice } from '../../../src/ui/notifier.js'
import { msg } from './fixtures.js'

function alerts (env: NodeJS.ProcessEnv, fail?: Error): { a: Alerts, written: string[], shown: Notice[], notices: string[] } {
  const written: string[] = []
  const shown: Notice[] = []
  const notices: string[] = []
  const a = new Alerts({
    write: (s) => written.push(s),
    notice: (t) => notices.push(t),
    desktop: (n) => { shown.push(n); return fail !== undefined ? Promise.reject(fail) : Promise.resolve() },
    env
  })
  return { a, written, shown, notices }
}

const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }

describe('ui/alerts', () => {
  it('notifies on the desktop by default, where there is a desktop session, and not while the chat is in front', async () => {
    const { a, written, shown } = alerts({ DISPLAY: ':0' })
    a.notify(msg({ authorName: 'Bob', text: 'hi' }), '#general')
    expect(shown).toEqual([{ title: 'Bob in #general', body: 'hi' }])
    expect(written).toEqual([])
    a.focused = true
    a.notify(msg(), '#general')
    expect(shown).toHaveLength(1)
    const none = alerts({})
    none.a.notify(msg(), '#general')
    expect(none.shown).toEqual([])
    await settle()
  })

  it('writes the terminal sequences in terminal mode, both in both, nothing when off', () => {
    const { a, written, shown } = alerts({ WAYLAND_DISPLAY: 'w' })
    a.setMode('terminal')
    a.notify(msg({ authorName: 'Bob', text: 'x' }), '#dev')
    expect(written).toEqual(['\u001b]777;notify;Bob in #dev;x\u0007\u001b]9;Bob in #dev: x\u0007'])
    expect(shown).toEqual([])
    a.setMode('both')
    a.notify(msg(), '#dev')
    expect(written).toHaveLength(2)
    expect(shown).toHaveLength(1)
    a.setMode('off')
    a.notify(msg(), '#dev')
    expect(written).toHaveLength(2)
    expect(a.mode).toBe('off')
  })

  it('says once that desktop notifications fail, and again after the mode is set anew', async () => {
    const { a, notices } = alerts({ DBUS_SESSION_BUS_ADDRESS: 'x' }, new Error('no service\nmore detail'))
    a.notify(msg(), '#g')
    a.notify(msg(), '#g')
    await settle()
    expect(notices).toEqual(['desktop notifications do not work here (no service): /notify terminal or /notify off'])
    a.setMode('desktop')
    a.notify(msg(), '#g')
    await settle()
    expect(notices).toHaveLength(2)
  })
})
