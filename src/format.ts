/**
 * How quantities are written for people: shared by the CLI, the chat and the core's messages.
 */

/** 1.5 MB, 820 kB, 12 B: decimal units, as file managers show them. */
export function formatBytes (n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n
  let u = -1
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`
}
