/**
 * The mean and the population variance (divided by n) of values, summed in
 * order, each term divided by n so that even values near +-1e308 cannot
 * overflow the sum. One loop for the GP's standardisation and for the
 * warp's likelihood, so both round alike.
 *
 * @example
 * ```ts
 * meanAndVariance(Float64Array.of(1, 2, 3)) // { mean: 2, variance: 2 / 3 }
 * ```
 */
export function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  const n = values.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += (values[i] as number) / n
  let variance = 0
  for (let i = 0; i < n; i++) variance += ((values[i] as number) - mean) ** 2 / n
  return { mean, variance }
}
