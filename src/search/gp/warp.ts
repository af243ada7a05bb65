/**
 * Warping the values before the GP models them (the option `warpValues`): a
 * Yeo-Johnson power transform, its exponent fitted by maximum likelihood, so
 * values whose distribution is skewed (Branin's: a few good values near the
 * minimum, a long tail of bad ones) come out nearer a normal one. It is
 * monotone, so the best trial stays the best; what changes is how far apart
 * the model sees good values, and so where expected improvement looks.
 * HEBO (Cowen-Rivers et al. 2022) warps its outputs this way; Optuna's
 * GPSampler does not. Measured in docs/search.md.
 */

/** The exponents tried, -3 to 3 in steps of 0.05: a grid, so the fit is the same on every machine and never fails. */
const LAMBDA_STEPS = 120
const LAMBDA_LOW = -3
const LAMBDA_STEP = 0.05

/**
 * The Yeo-Johnson transform of `x` with exponent `lambda`: Box-Cox of x + 1 for x >= 0, and of 1 - x,
 * mirrored, with exponent 2 - lambda below 0 (as scipy.stats.yeojohnson).
 *
 * @example
 * ```ts
 * yeoJohnson(1, 0) // Math.log(2)
 * ```
 */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return lambda === 0 ? Math.log1p(x) : ((x + 1) ** lambda - 1) / lambda
  return lambda === 2 ? -Math.log1p(-x) : -((1 - x) ** (2 - lambda) - 1) / (2 - lambda)
}

/**
 * The log-likelihood of `lambda` for the values `z` (scipy.stats.yeojohnson_llf): that of a normal
 * distribution fitted to the transformed values, plus the log of the transform's Jacobian.
 *
 * @example
 * ```ts
 * yeoJohnsonLogLikelihood(Float64Array.of(-1, 0, 3), 0.5)
 * ```
 */
export function yeoJohnsonLogLikelihood(z: Float64Array, lambda: number): number {
  const n = z.length
  let mean = 0
  let jacobian = 0
  for (let i = 0; i < n; i++) {
    const x = z[i] as number
    mean += yeoJohnson(x, lambda) / n
    jacobian += Math.sign(x) * Math.log1p(Math.abs(x))
  }
  let variance = 0
  for (let i = 0; i < n; i++) variance += (yeoJohnson(z[i] as number, lambda) - mean) ** 2 / n
  return -0.5 * n * Math.log(variance) + (lambda - 1) * jacobian
}

/**
 * The exponent of the grid with the highest log-likelihood for `z` (the first of equals); 1, no warp, when
 * none is finite (fewer than two distinct values).
 *
 * @example
 * ```ts
 * fitYeoJohnson(Float64Array.of(-0.5, -0.5, -0.4, 2.5)) // below 1: the long right tail is pulled in
 * ```
 */
export function fitYeoJohnson(z: Float64Array): number {
  let best = 1
  let bestValue = Number.NEGATIVE_INFINITY
  for (let k = 0; k <= LAMBDA_STEPS; k++) {
    const lambda = LAMBDA_LOW + k * LAMBDA_STEP
    const value = yeoJohnsonLogLikelihood(z, lambda)
    if (value > bestValue) {
      best = lambda
      bestValue = value
    }
  }
  return best
}

/**
 * Values to be maximised, warped: standardised and negated (lower is better, as the transform is fitted to
 * a problem's values), transformed with the fitted exponent, negated back. The order of the values is kept;
 * all-equal values come back unchanged.
 *
 * @example
 * ```ts
 * warpValues(Float64Array.of(-0.4, -0.41, -3, -300)) // the first two now further apart than the last two
 * ```
 */
export function warpValues(values: Float64Array): Float64Array {
  const n = values.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += (values[i] as number) / n
  let variance = 0
  for (let i = 0; i < n; i++) variance += ((values[i] as number) - mean) ** 2 / n
  const sd = Math.sqrt(variance)
  if (!(sd > 1e-12)) return values.slice()
  const z = values.map((v) => (mean - v) / sd)
  const lambda = fitYeoJohnson(z)
  return z.map((x) => -yeoJohnson(x, lambda))
}
