/** Decimal places in the shortest text of `q` (`0.1` -> 1, `2.5e-7` -> 8, `5` -> 0). */
function decimalsOf(q: number): number {
  const [mantissa = '', exponent = '0'] = String(q).split('e')
  const fraction = mantissa.split('.')[1]?.length ?? 0
  return Math.min(100, Math.max(0, fraction - Number(exponent)))
}

/**
 * The multiple `k * q`, rounded back onto the decimal grid of `q`: binary
 * floats make `3 * 0.1` equal 0.30000000000000004, users expect 0.3.
 *
 * @example
 * ```ts
 * onGrid(3, 0.1) // 0.3
 * ```
 */
export function onGrid(k: number, q: number): number {
  return Number((k * q).toFixed(decimalsOf(q)))
}

/**
 * The multipliers `k` whose {@link onGrid} value lies in `[low, high]`, as
 * `first..last` inclusive; `first > last` when no multiple of `q` fits.
 *
 * @example
 * ```ts
 * qRange(0.25, 1, 0.5) // { first: 1, last: 2 }  -> 0.5, 1
 * ```
 */
export function qRange(low: number, high: number, q: number): { first: number; last: number } {
  // The slack absorbs division noise (0.3 / 0.1 = 2.9999999999999996) and stays below one step even for
  // huge bounds (a relative 1e-9 would not at 3e9); the loops then settle on the exact grid either way.
  const slack = (ratio: number): number => 8 * Number.EPSILON * Math.max(1, Math.abs(ratio))
  let first = Math.ceil(low / q - slack(low / q))
  while (onGrid(first, q) < low) first++
  while (onGrid(first - 1, q) >= low) first--
  let last = Math.floor(high / q + slack(high / q))
  while (onGrid(last, q) > high) last--
  while (onGrid(last + 1, q) <= high) last++
  return { first, last }
}
