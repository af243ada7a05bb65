/**
 * The greedy hypervolume subset selection multi-objective TPE breaks ties with: pick, one at a time, the point that
 * adds the most hypervolume to those picked. What a point adds only shrinks as picks accumulate (hypervolume is
 * submodular), so a point's last computed gain bounds its gain now: the candidates wait in a heap by that bound, and
 * only the top one is recomputed until a fresh gain stays on top (lazy greedy). A gain is computed against the picks
 * alone: in 2-D from the staircase of the picks (a binary search), in more dimensions as the point's box less the
 * hypervolume of the picks clipped to it.
 */

import { volume } from './hypervolume.ts'
import type { Point } from './objective.ts'
import { Staircase } from './staircase.ts'

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
  const gains = reference.length === 2 ? new StaircaseGains(reference) : new ClippedGains(reference)
  const bound = points.map((p) => gains.gain(p))
  /** How many picks each bound was computed against: fresh when it equals the picks made. */
  const computedAt = points.map(() => 0)
  const heap = new BoundHeap(bound)
  for (let i = 0; i < points.length; i++) heap.push(i)
  const picked: number[] = []
  while (picked.length < k && heap.size > 0) {
    const i = heap.pop()
    if (computedAt[i] === picked.length) {
      picked.push(i)
      gains.pick(points[i] as Point)
    } else {
      bound[i] = gains.gain(points[i] as Point)
      computedAt[i] = picked.length
      heap.push(i)
    }
  }
  return picked
}

/** What a point adds to the picks, kept up to date as they grow. */
interface Gains {
  gain(point: Point): number
  pick(point: Point): void
}

/** Two objectives: the picks as a staircase. */
class StaircaseGains implements Gains {
  readonly #stairs: Staircase
  constructor(reference: Point) {
    this.#stairs = new Staircase(reference[0] as number, reference[1] as number)
  }
  gain(point: Point): number {
    return this.#stairs.gain(point[0] as number, point[1] as number)
  }
  pick(point: Point): void {
    this.#stairs.add(point[0] as number, point[1] as number)
  }
}

/** Any number of objectives: the point's box less the hypervolume of the picks clipped to it (each raised to the point). */
class ClippedGains implements Gains {
  readonly #picks: Point[] = []
  readonly #reference: Point
  constructor(reference: Point) {
    this.#reference = reference
  }
  gain(point: Point): number {
    const reference = this.#reference
    if (!point.every((v, j) => v < (reference[j] as number))) return 0
    let box = 1
    for (let j = 0; j < reference.length; j++) box *= (reference[j] as number) - (point[j] as number)
    if (this.#picks.length === 0) return box
    const clipped = this.#picks.map((q) => q.map((v, j) => Math.max(v, point[j] as number)))
    // Rounding leaves a covered point a hair off zero either way: it adds nothing, and ties with the other covered
    // ones (the lower index first) instead of outranking them by noise.
    const gain = box - volume(clipped, reference, reference.length)
    return gain > 1e-12 * box ? gain : 0
  }
  pick(point: Point): void {
    if (point.every((v, j) => v < (this.#reference[j] as number))) this.#picks.push(point)
  }
}

/** A binary max-heap of indices ordered by their bound, the lower index first at a tie. */
class BoundHeap {
  readonly #items: number[] = []
  readonly #bound: readonly number[]
  constructor(bound: readonly number[]) {
    this.#bound = bound
  }
  get size(): number {
    return this.#items.length
  }
  push(i: number): void {
    const items = this.#items
    items.push(i)
    let at = items.length - 1
    while (at > 0) {
      const up = (at - 1) >> 1
      if (!this.#before(items[at] as number, items[up] as number)) break
      this.#swap(at, up)
      at = up
    }
  }
  pop(): number {
    const items = this.#items
    const top = items[0] as number
    const last = items.pop() as number
    if (items.length === 0) return top
    items[0] = last
    let at = 0
    for (;;) {
      const left = 2 * at + 1
      const right = left + 1
      let first = at
      if (left < items.length && this.#before(items[left] as number, items[first] as number)) first = left
      if (right < items.length && this.#before(items[right] as number, items[first] as number)) first = right
      if (first === at) return top
      this.#swap(at, first)
      at = first
    }
  }
  #before(a: number, b: number): boolean {
    const ba = this.#bound[a] as number
    const bb = this.#bound[b] as number
    return ba > bb || (ba === bb && a < b)
  }
  #swap(a: number, b: number): void {
    const items = this.#items
    ;[items[a], items[b]] = [items[b] as number, items[a] as number]
  }
}
