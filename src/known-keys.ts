/**
 * Misspelt option names: an options object is checked against the names its
 * owner knows, so `numSample: 3` fails loudly instead of running the default.
 */

/**
 * The first key of `options` that is not in `known`, if any.
 *
 * @example
 * ```ts
 * unknownKey({ numSample: 3 }, ['numSamples', 'seed']) // 'numSample'
 * ```
 */
export function unknownKey(options: object, known: readonly string[]): string | undefined {
  return Object.keys(options).find((key) => !known.includes(key))
}

/**
 * ` (did you mean x?)` for the known name closest to `key` (a case-only
 * difference, or at most two edits for names of four letters or more), else ''.
 *
 * @example
 * ```ts
 * didYouMean('concurency', ['concurrency', 'seed']) // ' (did you mean concurrency?)'
 * ```
 */
export function didYouMean(key: string, known: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const name of known) {
    const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, name)
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  const allowed = Math.min(2, Math.floor(key.length / 4))
  return best !== undefined && bestDistance <= allowed ? ` (did you mean ${best}?)` : ''
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(substitute, (previous[j] as number) + 1, (current[j - 1] as number) + 1)
    }
    previous = current
  }
  return previous[b.length] as number
}
