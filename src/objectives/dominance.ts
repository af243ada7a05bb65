/**
 * Pareto dominance among points to minimise: which points no other beats on
 * every objective (the front), and the non-domination ranks (front 0, the
 * front of what remains 1, ...) that multi-objective TPE splits trials by.
 */
import type { Point } from './objective.ts'

/**
 * Whether `a` dominates `b`: no worse on every objective, better on one (lower is better).
 *
 * @example
 * ```ts
 * dominates([1, 2], [1, 3]) // true
 * dominates([1, 2], [1, 2]) // false: equal points do not dominate each other
 * ```
 */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (x > y) return false
    if (x < y) better = true
  }
  return better
}

/**
 * The non-domination rank of each point: 0 for the points no other dominates, 1 for those only rank-0 points
 * dominate, and so on (Deb et al.'s fast non-dominated sort, O(m n²)). Equal points share a rank.
 *
 * @example
 * ```ts
 * nonDominatedRanks([[1, 2], [2, 1], [2, 2], [3, 3]]) // [0, 0, 1, 2]
 * ```
 */
export function nonDominatedRanks(points: readonly Point[]): number[] {
  const n = points.length
  const dominatedBy = new Int32Array(n)
  const beats: number[][] = points.map(() => [])
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i] as Point
      const b = points[j] as Point
      if (dominates(a, b)) {
        ;(beats[i] as number[]).push(j)
        dominatedBy[j] = (dominatedBy[j] as number) + 1
      } else if (dominates(b, a)) {
        ;(beats[j] as number[]).push(i)
        dominatedBy[i] = (dominatedBy[i] as number) + 1
      }
    }
  }
  const ranks = new Array<number>(n).fill(0)
  let current: number[] = []
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i)
  for (let rank = 0; current.length > 0; rank++) {
    const next: number[] = []
    for (const i of current) {
      ranks[i] = rank
      for (const j of beats[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1
        if (dominatedBy[j] === 0) next.push(j)
      }
    }
    current = next
  }
  return ranks
}

/**
 * The indices of the points on the Pareto front (rank 0), in input order.
 *
 * @example
 * ```ts
 * paretoFrontIndices([[1, 2], [2, 1], [2, 2]]) // [0, 1]
 * ```
 */
export function paretoFrontIndices(points: readonly Point[]): number[] {
  const front: number[] = []
  points.forEach((p, i) => {
    if (!points.some((q) => dominates(q, p))) front.push(i)
  })
  return front
}
