/**
 * Desktop and terminal notifications for the chat: the freedesktop notification service over D-Bus
 * (through `notify-send` from libnotify-bin, else `gdbus`), and OSC 777 / OSC 9, which terminals
 * such as foot, kitty, WezTerm, iTerm2 and Windows Terminal show as a notification. The text is
 * another person's: it is made safe for both (no controls, no markup) before it leaves.
 */
import { execFile } from 'node:child_process'
import { oneLine, truncate } from './text.js'

/** How the chat notifies: `desktop` (D-Bus), `terminal` (OSC 777 and 9), `both` or `off`. */
export type NotifyMode = 'desktop' | 'terminal' | 'both' | 'off'

export const NOTIFY_MODES: readonly NotifyMode[] = ['desktop', 'terminal', 'both', 'off']

/** What a notification says: a title and a body, both plain text on one line. */
export interface Notice {
  title: string
  body: string
}

/** The notification for a message: "Ann Lee in #dev" (or "Ann Lee, direct", "urgent: …"), its text. */
export function messageNotice (m: { authorName: string, text: string, urgent: boolean, direct?: string }, where: string): Notice {
  const who = oneLine(m.authorName !== '' ? m.authorName : 'someone')
  const title = `${m.urgent ? 'urgent: ' : ''}${who}${m.direct !== undefined ? ' (direct message)' : ` in ${oneLine(where)}`}`
  return { title: truncate(title, 80), body: truncate(oneLine(m.text), 200) }
}

/** Escape the markup a notification server may interpret in a body (`<b>`, `<a href>`, entities). */
export function escapeMarkup (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The OSC 777 and OSC 9 sequences for a notice; ';' would end a field of 777 and is replaced. */
export function terminalSequences (n: Notice): string {
  // the text is already free of controls (oneLine): no BEL or ESC can end the sequence early
  const field = (s: string): string => s.replace(/;/g, ',')
  return `\u001b]777;notify;${field(n.title)};${field(n.body)}\u0007\u001b]9;${field(`${n.title}: ${n.body}`)}\u0007`
}

/** A GVariant text-format string literal. */
export function gvariantString (text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

const run = async (file: string, args: string[]): Promise<void> => new Promise((resolve, reject) => {
  execFile(file, args, { timeout: 5_000 }, (err: Error | null) => { if (err === null) resolve(); else reject(err) })
})

/** Raise a desktop notification through org.freedesktop.Notifications; rejects if neither tool works. */
export async function desktopNotify (n: Notice): Promise<void> {
  const body = escapeMarkup(n.body)
  try {
    await run('notify-send', ['--app-name=parley', '--', n.title, body])
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    // no libnotify-bin: the same call through GLib's gdbus
    // gdbus reads each argument as a GVariant: quoted, a name can be neither an option nor another type
    await run('gdbus', ['call', '--session', '--dest', 'org.freedesktop.Notifications', '--object-path', '/org/freedesktop/Notifications',
      '--method', 'org.freedesktop.Notifications.Notify', "'parley'", 'uint32 0', "''", gvariantString(n.title), gvariantString(body), '@as []', '@a{sv} {}', 'int32 -1'])
  }
}
