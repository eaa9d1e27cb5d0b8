/**
 * The per-author auto-download quota: what one person's shared files may make this node fetch by
 * itself in a day, so a member sharing file after file cannot fill everyone's disk.
 */

/** What one person's shared files may make a node fetch by itself in a day: four files at the auto-download size. */
export const DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES = 100 * 1000 * 1000
export const QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000

/** Bytes fetched by themselves per author in a sliding window; kept in memory, so a restart starts afresh. */
export class AutoDownloadQuota {
  private readonly bytesPerAuthor: number
  private readonly windowMs: number
  private readonly now: () => number
  /** per author, the files fetched by themselves in the window: when, and how big */
  private readonly fetched = new Map<string, Array<{ at: number, bytes: number }>>()

  constructor (bytesPerAuthor = DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES, windowMs = QUOTA_WINDOW_MS, now: () => number = Date.now) {
    this.bytesPerAuthor = bytesPerAuthor
    this.windowMs = windowMs
    this.now = now
  }

  get limit (): number {
    return this.bytesPerAuthor
  }

  /** Whether a file of `bytes` by `author` may still be fetched by itself; if so, it is counted. */
  take (author: string, bytes: number): boolean {
    const now = this.now()
    const recent = (this.fetched.get(author) ?? []).filter(f => f.at > now - this.windowMs)
    const used = recent.reduce((sum, f) => sum + f.bytes, 0)
    if (used + bytes > this.bytesPerAuthor) {
      this.fetched.set(author, recent)
      return false
    }
    recent.push({ at: now, bytes })
    this.fetched.set(author, recent)
    return true
  }
}
