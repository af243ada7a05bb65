/**
 * The GP's first trials: a Latin hypercube, so that n points cut every
 * parameter's range into n equal slices and put one point in each, with
 * the most spread-out of a few random hypercubes (largest smallest distance
 * between two points). Independent draws often leave a whole region empty,
 * and the fit then settles in whichever basin the draws happened to hit:
 * measured, not assumed (docs/search.md).
 */

/** Random hypercubes compared per design. */
const TRIES = 16

/**
 * `count` points in [0, 1)^D, row-major, drawn with `random`.
 *
 * @example
 * ```ts
 * const design = latinHypercube(6, 10, createRandom(1)) // 10 rows of 6
 * ```
 */
export function latinHypercube(D: number, count: number, random: () => number): Float64Array {
  let best = new Float64Array(count * D)
  let bestSpread = Number.NEGATIVE_INFINITY
  for (let t = 0; t < TRIES; t++) {
    const design = new Float64Array(count * D)
    for (let d = 0; d < D; d++) {
      const slots = Array.from({ length: count }, (_, i) => i)
      for (let i = count - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[slots[i], slots[j]] = [slots[j] as number, slots[i] as number]
      }
      for (let i = 0; i < count; i++) design[i * D + d] = ((slots[i] as number) + random()) / count
    }
    const spread = smallestDistance(design, D, count)
    if (spread > bestSpread) {
      best = design
      bestSpread = spread
    }
  }
  return best
}

/** The smallest squared distance between two rows. */
function smallestDistance(design: Float64Array, D: number, count: number): number {
  let smallest = Number.POSITIVE_INFINITY
  for (let i = 1; i < count; i++) {
    for (let j = 0; j < i; j++) {
      let sum = 0
      for (let d = 0; d < D; d++) sum += ((design[i * D + d] as number) - (design[j * D + d] as number)) ** 2
      smallest = Math.min(smallest, sum)
    }
  }
  return smallest
}
