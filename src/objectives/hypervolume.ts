/**
 * Hypervolume: the volume a set of points to minimise dominates inside the
 * box bounded by a reference point. Exact in any dimension: a sweep in 2-D,
 * and above that slices along the last objective, each slice the hypervolume
 * of the points below it one dimension down (O(n² log n) in 3-D), plus the
 * greedy subset selection multi-objective TPE breaks ties with.
 */
import { ConfigError, show } from '../errors.ts'
import type { Point } from './objective.ts'

/**
 * The hypervolume of `points` (lower is better on every axis) against `reference`: the measure of the region that
 * some point dominates and that dominates `reference`. Points not strictly better than `reference` on every axis
 * add nothing.
 *
 * @example
 * ```ts
 * hypervolume([[1, 2], [2, 1]], [3, 3]) // 3
 * ```
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length
  if (d === 0 || !reference.every((r) => typeof r === 'number' && !Number.isNaN(r))) {
    throw new ConfigError(`hypervolume(points, reference): reference must be a non-empty array of numbers, got ${show(reference)}`, {
      field: 'reference',
    })
  }
  const inside: (readonly number[])[] = []
  for (const [i, p] of points.entries()) {
    if (p.length !== d || p.some((v) => typeof v !== 'number' || Number.isNaN(v))) {
      throw new ConfigError(`hypervolume(points, reference): points[${i}] must be ${d} numbers like the reference, got ${show(p)}`, {
        field: 'points',
      })
    }
    if (p.every((v, j) => v < (reference[j] as number))) inside.push(p)
  }
  return volume(inside, reference, d)
}

/** The hypervolume of points that all lie strictly inside the reference box, in their first `d` coordinates. */
function volume(points: readonly Point[], reference: Point, d: number): number {
  if (points.length === 0) return 0
  if (d === 1) return (reference[0] as number) - Math.min(...points.map((p) => p[0] as number))
  if (d === 2) return sweep2d(points, reference)
  // Slice along coordinate d-1: between consecutive values, the points at or below the slice form a (d-1)-D set.
  const axis = d - 1
  const sorted = [...points].sort((a, b) => (a[axis] as number) - (b[axis] as number))
  let total = 0
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? (sorted[i + 1] as Point)[axis] : reference[axis]
    const height = (top as number) - ((sorted[i] as Point)[axis] as number)
    if (height > 0) total += height * volume(sorted.slice(0, i + 1), reference, axis)
  }
  return total
}

/** The 2-D hypervolume: sweep by the first coordinate, adding the strip each new lower second coordinate opens. */
function sweep2d(points: readonly Point[], reference: Point): number {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number))
  const rx = reference[0] as number
  let lowest = reference[1] as number
  let total = 0
  for (const p of sorted) {
    const y = p[1] as number
    if (y < lowest) {
      total += (rx - (p[0] as number)) * (lowest - y)
      lowest = y
    }
  }
  return total
}

/**
 * Picks `k` of `points` greedily, each time the one that adds the most hypervolume (against `reference`) to those
 * already picked; ties go to the lower index. Returns their indices in the order picked. Optuna's multi-objective TPE
 * breaks a tie at the good/bad border this way (the hypervolume subset selection problem, solved greedily).
 *
 * @example
 * ```ts
 * greedyHypervolumeSubset([[1, 3], [2, 2], [3, 1]], 1, [4, 4]) // [1]: (2, 2) alone dominates the most
 * ```
 */
export function greedyHypervolumeSubset(points: readonly Point[], k: number, reference: Point): number[] {
  const picked: number[] = []
  const chosen: Point[] = []
  const left = new Set(points.keys())
  let base = 0
  while (picked.length < k && left.size > 0) {
    let best = -1
    let bestGain = Number.NEGATIVE_INFINITY
    for (const i of left) {
      const gain = hypervolume([...chosen, points[i] as Point], reference) - base
      if (gain > bestGain) {
        best = i
        bestGain = gain
      }
    }
    picked.push(best)
    chosen.push(points[best] as Point)
    left.delete(best)
    base += bestGain
  }
  return picked
}
