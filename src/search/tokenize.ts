/**
 * How text becomes search terms: Unicode-normalised, case- and accent-folded words, lightly stemmed.
 * The same function serves indexing and queries, so they always agree. Pure.
 */

/** Longest word indexed; longer runs (hashes, URLs) are cut. */
const MAX_TERM = 40
/** At most this many distinct terms of one message are indexed. */
const MAX_TERMS = 200

const SUFFIXES: Array<[string, string]> = [
  ['ational', 'ate'], ['ization', 'ize'], ['fulness', 'ful'], ['iveness', 'ive'],
  ['ingly', ''], ['edly', ''], ['ings', ''], ['ing', ''], ['ies', 'y'], ['ied', 'y'],
  ['ed', ''], ['ly', ''], ["'s", ''], ['s', '']
]

/** A light English stemmer: strips common suffixes, keeping at least three letters. */
export function stem (word: string): string {
  if (/\d/.test(word)) return word
  let out = word
  // plurals after s, x, z, ch and sh take -es: boxes, wishes
  if (/(?:[sxz]|ch|sh)es$/.test(out) && out.length > 4) out = out.slice(0, -2)
  else {
    for (const [suffix, replacement] of SUFFIXES) {
      if (!out.endsWith(suffix)) continue
      if (suffix === 's' && /(?:ss|us|is)$/.test(out)) break
      const base = out.slice(0, out.length - suffix.length) + replacement
      if (base.length >= 3) out = base.replace(/(.)\1$/, (m, c: string) => ('lsz'.includes(c) ? m : c))
      break
    }
  }
  // release / releases / released all meet at "releas"
  return out.length > 4 && out.endsWith('e') ? out.slice(0, -1) : out
}

/** Fold case and accents: "Café" and "CAFE" both become "cafe". */
export function fold (text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
}

/** The distinct search terms of a text, in first-seen order. */
export function terms (text: string): string[] {
  const out = new Set<string>()
  for (const word of fold(text).match(/[\p{L}\p{N}]+(?:'s)?/gu) ?? []) {
    const t = stem(word.slice(0, MAX_TERM))
    if (t.length < 2 && !/\d/.test(t)) continue
    out.add(t)
    if (out.size >= MAX_TERMS) break
  }
  return [...out]
}
