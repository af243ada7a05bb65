/**
 * Hypervolume: the volume a set of points to minimise dominates inside the
 * box bounded by a reference point. Exact in any dimension: a sort and sweep
 * in 2-D (O(n log n)), a sweep up the third axis over a 2-D staircase in 3-D
 * (O(n log n) searches, O(n²) moves at worst), and above that slices along
 * the last objective, each slice the hypervolume of the points below it one
 * dimension down.
 */
import { ConfigError, show } from '../errors.ts'
import type { Point } from './objective.ts'
import { Staircase } from './staircase.ts'

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
export function volume(points: readonly Point[], reference: Point, d: number): number {
  if (points.length === 0) return 0
  if (d === 1) return (reference[0] as number) - Math.min(...points.map((p) => p[0] as number))
  if (d === 2) return sweep2d(points, reference)
  if (d === 3) return sweep3d(points, reference)
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
 * The 3-D hypervolume: sweep up the third coordinate, keeping the staircase of the points passed so far in the
 * first two; each slab between consecutive third coordinates adds the staircase's area times its height.
 */
function sweep3d(points: readonly Point[], reference: Point): number {
  const sorted = [...points].sort((a, b) => (a[2] as number) - (b[2] as number))
  const stairs = new Staircase(reference[0] as number, reference[1] as number)
  let total = 0
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as Point
    stairs.add(p[0] as number, p[1] as number)
    const top = i + 1 < sorted.length ? ((sorted[i + 1] as Point)[2] as number) : (reference[2] as number)
    const height = top - (p[2] as number)
    if (height > 0) total += height * stairs.area
  }
  return total
}
