/**
 * Reactions as the chat offers them: the quick ones (by number in the reaction prompt), the
 * `:shortcodes:` it understands, whether a reaction adds or takes back, and who reacted. Pure.
 */
import type { MessageView } from '../index.js'

/** The reactions offered by number (1–6) when reacting; each two columns wide in every terminal. */
export const QUICK_REACTIONS = ['👍', '🎉', '😂', '👀', '✅', '🙏'] as const

/** Shortcodes typed for an emoji. */
const SHORTCODES: Readonly<Record<string, string>> = {
  '+1': '👍', thumbsup: '👍', tada: '🎉', joy: '😂', eyes: '👀', white_check_mark: '✅', check: '✅', pray: '🙏', heart: '❤️', fire: '🔥', rocket: '🚀', smile: '😄', '-1': '👎', thumbsdown: '👎', '100': '💯', wave: '👋', thinking: '🤔'
}

/** The longest reaction accepted, in code points (an emoji with its modifiers and joiners fits). */
export const MAX_REACTION_LENGTH = 16

/**
 * The emoji that `typed` means: a quick one by its number (1–6), a `:shortcode:`, or the emoji itself.
 * An error text when it is not one short word without spaces or controls.
 */
export function parseReaction (typed: string): { emoji: string } | { error: string } {
  const t = typed.trim()
  if (/^[1-6]$/.test(t)) return { emoji: QUICK_REACTIONS[Number(t) - 1]! }
  const code = /^:([\w+-]+):$/.exec(t)
  if (code !== null) {
    const emoji = SHORTCODES[code[1]!.toLowerCase()]
    return emoji === undefined ? { error: `no emoji called :${code[1]}: here: type the emoji itself, or 1–6 for ${QUICK_REACTIONS.join(' ')}` } : { emoji }
  }
  if (t === '') return { error: `type an emoji (or 1–6 for ${QUICK_REACTIONS.join(' ')}), then Enter` }
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(t) || [...t].length > MAX_REACTION_LENGTH) return { error: 'a reaction is one emoji (or a short word), without spaces' }
  return { emoji: t }
}

/** Whether reacting to `m` with `emoji` takes this user's reaction back (they have it) rather than adds it. */
export function reactionRemoves (m: Pick<MessageView, 'reactions'>, me: string, emoji: string): boolean {
  return m.reactions?.[emoji]?.includes(me) ?? false
}

/** The reactions of `m`, most given first (ties in the order the node lists them), none empty. */
export function reactionCounts (m: Pick<MessageView, 'reactions'>): Array<{ emoji: string, peers: string[] }> {
  return Object.entries(m.reactions ?? {})
    .filter(([, peers]) => peers.length > 0)
    .map(([emoji, peers]) => ({ emoji, peers }))
    .sort((a, b) => b.peers.length - a.peers.length)
}
