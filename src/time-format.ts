/**
 * One way to show dates and times, everywhere (chat, CLI): the user's locale (LC_ALL, LC_TIME, LANG),
 * hours and minutes for a time of day, the day and short month for a date.
 */

/** The user's locale from the environment, as a BCP 47 tag Intl accepts ("de_DE.UTF-8" → "de-DE"). */
function envLocale (): string | undefined {
  const raw = process.env.LC_ALL ?? process.env.LC_TIME ?? process.env.LANG ?? ''
  const tag = raw.split('.')[0]!.split('@')[0]!.replace('_', '-')
  if (tag === '' || tag === 'C' || tag === 'POSIX') return undefined
  try {
    return Intl.getCanonicalLocales(tag)[0]
  } catch {
    return undefined // not a locale Intl knows: its default
  }
}

const locale = envLocale()
// no locale set (C, POSIX): the 24-hour clock, as date(1) prints there
const hourCycle = locale === undefined ? { hourCycle: 'h23' as const } : {}
const clockFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...hourCycle })
const dayFormat = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
const dateTimeFormat = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', ...hourCycle })

/** A time of day: "19:30" (or "07:30 PM" where the locale says so). */
export function formatClock (ms: number): string {
  return clockFormat.format(ms)
}

/** A day, for the separator lines of a conversation: "Tue, Dec 1, 2026". */
export function formatDay (ms: number): string {
  return dayFormat.format(ms)
}

/** A moment: "Dec 1, 2026, 19:30". */
export function formatDateTime (ms: number): string {
  return dateTimeFormat.format(ms)
}
