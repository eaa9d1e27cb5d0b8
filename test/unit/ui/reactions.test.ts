import { describe, expect, it } from 'vitest'
import { parseReaction, QUICK_REACTIONS, reactionCounts, reactionRemoves } from '../../../src/ui/reactions.js'
import { displayWidth } from '../../../src/ui/text.js'

describe('ui/reactions', () => {
  it('reacting again with an emoji you gave takes it back; any other adds', () => {
    const m = { reactions: { '👍': ['peer-bob', 'peer-ann'], '🎉': ['peer-bob'] } }
    expect(reactionRemoves(m, 'peer-ann', '👍')).toBe(true)
    expect(reactionRemoves(m, 'peer-ann', '🎉')).toBe(false)
    expect(reactionRemoves(m, 'peer-ann', '😂')).toBe(false)
    expect(reactionRemoves({}, 'peer-ann', '👍')).toBe(false)
  })

  it('reads a quick one by number, a :shortcode:, or the emoji; refuses text with spaces or controls', () => {
    expect(parseReaction('1')).toEqual({ emoji: '👍' })
    expect(parseReaction(' 4 ')).toEqual({ emoji: '👀' })
    expect(parseReaction(':tada:')).toEqual({ emoji: '🎉' })
    expect(parseReaction('🚀')).toEqual({ emoji: '🚀' })
    expect(parseReaction(':nosuch:')).toEqual({ error: 'no emoji called :nosuch: here: type the emoji itself, or 1–6 for 👍 🎉 😂 👀 ✅ 🙏' })
    expect('error' in parseReaction('')).toBe(true)
    expect('error' in parseReaction('two words')).toBe(true)
    expect('error' in parseReaction('\u001b[31m')).toBe(true)
    expect('error' in parseReaction('x'.repeat(17))).toBe(true)
    // each quick one is two columns wide, so the counts under a message line up
    for (const e of QUICK_REACTIONS) expect(displayWidth(e)).toBe(2)
  })

  it('counts, most given first, and leaves out an emoji nobody holds any more', () => {
    expect(reactionCounts({ reactions: { '🎉': ['a'], '👍': ['a', 'b', 'c'], '👀': [] } })).toEqual([
      { emoji: '👍', peers: ['a', 'b', 'c'] }, { emoji: '🎉', peers: ['a'] }
    ])
  })
})
