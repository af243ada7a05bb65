/**
 * Fitting the kernel parameters: the maximum a posteriori point of the log
 * marginal likelihood plus the log prior, by L-BFGS in log coordinates,
 * started from the previous suggestion's fit (one more trial rarely moves
 * the optimum far, so a few iterations suffice) and, should that fail, from
 * the defaults (every lengthscale 1, scale 1, noise 1), as Optuna does.
 */
import { type KernelParams, type Points, pairDeltas } from './kernel.ts'
import { minimize } from './lbfgs.ts'
import { type FitData, logMarginalLikelihood, logPrior, paramsFromRaw, rawFromParams } from './likelihood.ts'

/** How hard the fit works. */
export interface FitOptions {
  /** L-BFGS iterations at most. */
  readonly maxIterations: number
  /** Stop when every raw gradient component is below this (Optuna: 1e-2). */
  readonly gradientTolerance: number
}

// Wide enough never to bind a sensible fit; they keep a diverging one finite.
const LOWER_LOG = -12
const UPPER_LOG = 12
const LOWER_LOG_NOISE = -30
const UPPER_LOG_NOISE = 3

/**
 * The fitted kernel parameters for `y` (standardised values) at `points`.
 *
 * @example
 * ```ts
 * const params = fitKernel(points, y, previous, { maxIterations: 50, gradientTolerance: 1e-2 })
 * ```
 */
export function fitKernel(points: Points, y: Float64Array, warmStart: KernelParams | undefined, options: FitOptions): KernelParams {
  const D = points.D
  const data: FitData = { deltas: pairDeltas(points), n: points.n, D, y }
  const lower = new Float64Array(D + 2).fill(LOWER_LOG)
  const upper = new Float64Array(D + 2).fill(UPPER_LOG)
  lower[D + 1] = LOWER_LOG_NOISE
  upper[D + 1] = UPPER_LOG_NOISE
  const objective = (raw: Float64Array, gradient: Float64Array): number => {
    const value = logMarginalLikelihood(data, raw, gradient) + logPrior(raw, D, gradient)
    for (let i = 0; i < gradient.length; i++) gradient[i] = -(gradient[i] as number)
    return -value
  }
  const defaults = new Float64Array(D + 2)
  const starts = warmStart !== undefined && warmStart.theta.length === D ? [rawFromParams(warmStart), defaults] : [defaults]
  for (const start of starts) {
    const result = minimize(objective, start, { lower, upper, ...options })
    if (Number.isFinite(result.value)) return paramsFromRaw(result.x, D)
  }
  return paramsFromRaw(defaults, D)
}
