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
import { meanAndVariance } from './moments.ts'

/**
 * The exponents tried, -3 to 3 in steps of 0.05 (k / 20, so 0 and 2 are exact): a grid, so the fit is the
 * same on every machine and never fails.
 */
const LAMBDA_GRID = Array.from({ length: 121 }, (_, k) => (k - 60) / 20)

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
  return transformed(x, Math.log1p(x >= 0 ? x : -x), lambda)
}

/** The transform of `x` from log(1 + |x|), computed once per value for the whole grid of exponents. */
function transformed(x: number, log1pAbs: number, lambda: number): number {
  return x >= 0 ? powerStep(log1pAbs, lambda) : -powerStep(log1pAbs, 2 - lambda)
}

/**
 * (e^(p log1p) - 1) / p, the Box-Cox step on log(1 + |x|); log1p itself for p = 0. expm1 keeps it exact to
 * rounding for p near 0, where the power minus 1 would cancel to nothing.
 */
function powerStep(log1pAbs: number, p: number): number {
  return p === 0 ? log1pAbs : Math.expm1(p * log1pAbs) / p
}

/**
 * The log-likelihood of `lambda` for the values `z` (scipy.stats.yeojohnson_llf): that of a normal
 * distribution fitted to the transformed values, plus the log of the transform's Jacobian. +Infinity when
 * the transformed values are all equal.
 *
 * @example
 * ```ts
 * yeoJohnsonLogLikelihood(Float64Array.of(-1, 0, 3), 0.5)
 * ```
 */
export function yeoJohnsonLogLikelihood(z: Float64Array, lambda: number): number {
  const logs = z.map((x) => Math.log1p(Math.abs(x)))
  return logLikelihood(z, logs, jacobianSum(z, logs), lambda, new Float64Array(z.length))
}

/** Sum of sign(x) log(1 + |x|): the log Jacobian per unit of (lambda - 1). */
function jacobianSum(z: Float64Array, logs: Float64Array): number {
  let sum = 0
  for (let i = 0; i < z.length; i++) sum += Math.sign(z[i] as number) * (logs[i] as number)
  return sum
}

/** The log-likelihood from the precomputed logs and Jacobian, the transform written into `scratch`. */
function logLikelihood(z: Float64Array, logs: Float64Array, jacobian: number, lambda: number, scratch: Float64Array): number {
  for (let i = 0; i < z.length; i++) scratch[i] = transformed(z[i] as number, logs[i] as number, lambda)
  return -0.5 * z.length * Math.log(meanAndVariance(scratch).variance) + (lambda - 1) * jacobian
}

/**
 * The exponent of the grid with the highest finite log-likelihood for `z` (the first of equals); 1, no warp,
 * when none is finite (fewer than two distinct values).
 *
 * @example
 * ```ts
 * fitYeoJohnson(Float64Array.of(-0.5, -0.5, -0.4, 2.5)) // below 1: the long right tail is pulled in
 * ```
 */
export function fitYeoJohnson(z: Float64Array): number {
  const logs = z.map((x) => Math.log1p(Math.abs(x)))
  const jacobian = jacobianSum(z, logs)
  const scratch = new Float64Array(z.length)
  let best = 1
  let bestValue = Number.NEGATIVE_INFINITY
  for (const lambda of LAMBDA_GRID) {
    const value = logLikelihood(z, logs, jacobian, lambda, scratch)
    if (Number.isFinite(value) && value > bestValue) {
      best = lambda
      bestValue = value
    }
  }
  return best
}

/**
 * Standardised values to be maximised (mean 0, standard deviation 1), warped: negated (lower is better, as
 * the transform is fitted to a problem's values), transformed with the fitted exponent, negated back. The
 * order is kept; the result is to be standardised again.
 *
 * @example
 * ```ts
 * warpStandardised(y) // the good end of a long tail down to the bad values spread further apart, relative to the range
 * ```
 */
export function warpStandardised(y: Float64Array): Float64Array {
  const z = y.map((v) => -v)
  const lambda = fitYeoJohnson(z)
  return z.map((x) => -yeoJohnson(x, lambda))
}
