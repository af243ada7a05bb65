/**
 * `uniform` and `loguniform` hold [low, high): values that reach `high` (a
 * rounded draw, a bounded optimiser's edge, a clipped perturbation) take the
 * largest float below it instead.
 */

/**
 * The largest float below `x` (+Infinity gives the largest finite float).
 *
 * @example
 * ```ts
 * floatBelow(1) // 0.9999999999999999
 * ```
 */
export function floatBelow(x: number): number {
  if (x === Number.POSITIVE_INFINITY) return Number.MAX_VALUE
  if (x === 0) return -Number.MIN_VALUE
  const bits = new BigInt64Array(Float64Array.of(x).buffer)
  bits[0] = (bits[0] as bigint) + (x > 0 ? -1n : 1n)
  return new Float64Array(bits.buffer)[0] as number
}

/**
 * `value`, or the largest float below `high` when it is not below it; NaN passes through, so a bug stays visible.
 *
 * @example
 * ```ts
 * belowHigh(1, 1) // 0.9999999999999999
 * ```
 */
export function belowHigh(value: number, high: number): number {
  return value >= high ? floatBelow(high) : value
}
