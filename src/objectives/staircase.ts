/**
 * The region a set of 2-D points (lower is better on both axes) dominates up to a reference corner, kept as its
 * staircase: the points no other dominates, by x ascending and so y descending, and the area under them. Adding a
 * point costs a binary search plus the steps it covers; what it would add is known before it is added. The 3-D
 * hypervolume sweeps its third axis over one of these, and the greedy subset selection keeps the 2-D picks in one.
 */
export class Staircase {
  readonly #xs: number[] = []
  readonly #ys: number[] = []
  readonly #rx: number
  readonly #ry: number
  /** The area the points added so far dominate inside the reference corner. */
  area = 0

  /**
   * @example
   * ```ts
   * const stairs = new Staircase(3, 3)
   * stairs.add(1, 2) // 2
   * stairs.gain(2, 1) // 1: the area (2, 1) would add
   * ```
   */
  constructor(rx: number, ry: number) {
    this.#rx = rx
    this.#ry = ry
  }

  /** The area (x, y) would add; 0 when a point already here is no worse on both axes, or it is not inside the corner. */
  gain(x: number, y: number): number {
    return this.#cover(x, y).added
  }

  /** Adds (x, y), dropping the points it dominates; returns the area it added. */
  add(x: number, y: number): number {
    const { added, start, end } = this.#cover(x, y)
    // A point inside the corner that nothing here dominates always adds area (its first strip is not empty).
    if (added === 0) return 0
    this.#xs.splice(start, end - start, x)
    this.#ys.splice(start, end - start, y)
    this.area += added
    return added
  }

  /** The area (x, y) adds and the steps [start, end) it dominates (none, and nothing added, when it adds nothing). */
  #cover(x: number, y: number): { added: number; start: number; end: number } {
    const xs = this.#xs
    const ys = this.#ys
    if (!(x < this.#rx && y < this.#ry)) return { added: 0, start: 0, end: 0 }
    // k: how many steps lie at or left of x; the last of them sets the height just right of x.
    let lo = 0
    let hi = xs.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((xs[mid] as number) <= x) lo = mid + 1
      else hi = mid
    }
    const k = lo
    if (k > 0 && (ys[k - 1] as number) <= y) return { added: 0, start: 0, end: 0 }
    let height = k > 0 ? (ys[k - 1] as number) : this.#ry
    let at = x
    let added = 0
    let j = k
    // Each step right of x and above y is covered: add the strip up to it, then go on from its height.
    while (j < xs.length && (ys[j] as number) > y) {
      added += ((xs[j] as number) - at) * (height - y)
      at = xs[j] as number
      height = ys[j] as number
      j++
    }
    added += ((j < xs.length ? (xs[j] as number) : this.#rx) - at) * (height - y)
    // A step at the same x (higher, as it is not below y) or at the same y (further right) is dominated too.
    const start = k > 0 && xs[k - 1] === x ? k - 1 : k
    const end = j < xs.length && ys[j] === y ? j + 1 : j
    return { added, start, end }
  }
}
