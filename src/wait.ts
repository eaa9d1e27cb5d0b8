/** Waiting with a bound. */

/**
 * Wait for `work` to settle, at most `ms`; true if it settled in time. Never rejects (the caller
 * goes ahead either way), and the timer is cleared as soon as `work` settles.
 */
export async function waitAtMost (work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>(resolve => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([work.then(() => true, () => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
