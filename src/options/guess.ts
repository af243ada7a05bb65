/**
 * ` (did you mean x?)` for the known name closest to `key`, else '': a
 * case-only difference, or edits (insertions, deletions, substitutions,
 * swaps of neighbours) of at most one for a key of 3 to 7 letters (`dat`
 * is one from `data`) and two from 8. A key of one or two letters gets no
 * guess: one edit away from it is nearly everything short (`lr` is not `l2`).
 *
 * @example
 * ```ts
 * didYouMean('concurency', ['concurrency', 'seed']) // ' (did you mean concurrency?)'
 * ```
 */
export function didYouMean(key: string, known: readonly string[]): string {
  const near = nearName(key, known)
  return near === undefined ? '' : ` (did you mean ${near}?)`
}

/**
 * The known name closest to `key` under {@link didYouMean}'s rule, else undefined.
 *
 * @example
 * ```ts
 * nearName('los', ['loss', 'acc']) // 'loss'
 * ```
 */
export function nearName(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const name of known) {
    const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, name)
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  const allowed = key.length < 3 ? 0 : key.length < 8 ? 1 : 2
  return best !== undefined && bestDistance <= allowed ? best : undefined
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (`mdoe` is one from `mode`). */
function editDistance(a: string, b: string): number {
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      let best = Math.min(substitute, (previous[j] as number) + 1, (current[j - 1] as number) + 1)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] as number) + 1)
      current[j] = best
    }
    before = previous
    previous = current
  }
  return previous[b.length] as number
}
