import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { STRANGER_DIALS_PER_SECOND, StrangerBounds } from '../../../../src/net/keeper/strangers.js'

describe('net/keeper/strangers', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('a colleague, or a peer reached by our own dial, is no stranger', () => {
    const bounds = new StrangerBounds(p => p === 'colleague')
    expect(bounds.isStranger('colleague')).toBe(false)
    expect(bounds.isStranger('someone')).toBe(true)
    bounds.prove('someone')
    expect(bounds.isStranger('someone')).toBe(false)
  })

  it('a stranger given up on stays forgotten for a while, unless our own dial reaches it', () => {
    const bounds = new StrangerBounds(() => false)
    bounds.forget('ghost')
    expect(bounds.isForgotten('ghost', Date.now())).toBe(true)
    expect(bounds.isForgotten('ghost', Date.now() + 5 * 60_000 + 1)).toBe(false)
    bounds.prove('ghost')
    expect(bounds.isForgotten('ghost', Date.now())).toBe(false)
  })

  it('lets a bounded number of stranger dials start each second', async () => {
    const bounds = new StrangerBounds(() => false)
    const allowed = Array.from({ length: 3 * STRANGER_DIALS_PER_SECOND }, () => bounds.dialAllowed()).filter(Boolean).length
    expect(allowed).toBe(STRANGER_DIALS_PER_SECOND)
    await vi.advanceTimersByTimeAsync(1_001)
    expect(bounds.dialAllowed()).toBe(true)
  })
})
