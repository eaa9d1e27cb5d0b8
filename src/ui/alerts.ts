/**
 * Whether and how the chat notifies of a message that rang the bell: not while the terminal has the
 * focus (the bell is enough then), by terminal sequences, a desktop notification or both, as the
 * user chose with /notify.
 */
import type { MessageView } from '../index.js'
import { desktopNotify, messageNotice, terminalSequences } from './notifier.js'
import type { Notice, NotifyMode } from './notifier.js'

/** What the alerts need from around them. */
export interface AlertsInit {
  /** how to notify at first (default desktop) */
  mode?: NotifyMode
  /** write escape sequences to the terminal */
  write: (sequence: string) => void
  /** say something in the status line */
  notice: (text: string) => void
  /** raise a desktop notification (default: over D-Bus) */
  desktop?: (n: Notice) => Promise<void>
  /** the environment that says whether there is a desktop session (default process.env) */
  env?: NodeJS.ProcessEnv
}

/** Notifications of the messages that rang. */
export class Alerts {
  private modeNow: NotifyMode
  /** whether the terminal has the focus, from its focus reports (undefined: it never said) */
  focused: boolean | undefined
  private failed = false
  private readonly init: AlertsInit

  constructor (init: AlertsInit) {
    this.init = init
    this.modeNow = init.mode ?? 'desktop'
  }

  /** How the chat notifies now. */
  get mode (): NotifyMode { return this.modeNow }

  /** Notify from now on as `mode`; a desktop failure is told again. */
  setMode (mode: NotifyMode): void {
    this.modeNow = mode
    this.failed = false
  }

  /** A notification for a message that rang, unless the chat is in front (the bell is enough then). */
  notify (m: MessageView, where: string): void {
    const mode = this.modeNow
    if (mode === 'off' || this.focused === true) return
    const n = messageNotice(m, where)
    if (mode === 'terminal' || mode === 'both') this.init.write(terminalSequences(n))
    // no desktop session (a login over ssh, a console): nothing to show a desktop notification on
    const env = this.init.env ?? process.env
    const desktop = ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY'].some(v => (env[v] ?? '') !== '')
    if ((mode === 'desktop' || mode === 'both') && desktop) {
      void (this.init.desktop ?? desktopNotify)(n).catch((err: Error) => {
        // said once: without a notification service (no desktop session) every mention would repeat it
        if (this.failed) return
        this.failed = true
        this.init.notice(`desktop notifications do not work here (${err.message.split('\n')[0]}): /notify terminal or /notify off`)
      })
    }
  }
}
