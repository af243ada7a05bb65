/**
 * Fitting the kernel parameters: the maximum a posteriori point of the log
 * marginal likelihood plus the log prior, by L-BFGS in log coordinates,
 * started from the previous suggestion's fit (one more trial rarely moves
 * the optimum far, so a few iterations suffice) and, should that fail, from
 * the defaults (every lengthscale 1, scale 1, noise 1), as Optuna does.
 */
import { type KernelParams, type Points, pairDeltas } from './kernel.ts'
import { type Curvature, minimize } from './lbfgs.ts'
import { type FitData, logMarginalLikelihood, logPrior, MIN_NOISE, paramsFromRaw, rawFromParams } from './likelihood.ts'

/** How hard the fit works, and the smallest noise it may fit. */
export interface FitOptions {
  /** L-BFGS iterations at most. */
  readonly maxIterations: number
  /** Stop when every raw gradient component is below this (Optuna: 1e-2). */
  readonly gradientTolerance: number
  /** The smallest noise variance of the standardised values (Optuna's: {@link MIN_NOISE}). */
  readonly minNoise: number
}

// Wide enough never to bind a sensible fit; they keep a diverging one finite.
const LOWER_LOG = -12
const UPPER_LOG = 12
const LOWER_LOG_NOISE = -30
const UPPER_LOG_NOISE = 3

/** A fit's result: the kernel parameters, and the optimiser's curvature pairs for the next fit's warm start. */
export interface KernelFit {
  readonly params: KernelParams
  readonly curvature: Curvature | undefined
}

/**
 * The fitted kernel parameters for `y` (standardised values) at `points`,
 * started from `warmStart` (the previous fit's parameters and curvature) when given.
 *
 * @example
 * ```ts
 * const fit = fitKernel(points, y, previous, { maxIterations: 50, gradientTolerance: 1e-2, minNoise: MIN_NOISE })
 * fit.params.theta // inverse squared lengthscales
 * ```
 */
export function fitKernel(points: Points, y: Float64Array, warmStart: KernelFit | undefined, options: FitOptions): KernelFit {
  const D = points.D
  const { minNoise, ...effort } = options
  const data: FitData = { deltas: pairDeltas(points), n: points.n, D, y, minNoise }
  const lower = new Float64Array(D + 2).fill(LOWER_LOG)
  const upper = new Float64Array(D + 2).fill(UPPER_LOG)
  lower[D + 1] = LOWER_LOG_NOISE
  upper[D + 1] = UPPER_LOG_NOISE
  const objective = (raw: Float64Array, gradient: Float64Array): number => {
    const value = logMarginalLikelihood(data, raw, gradient) + logPrior(raw, D, gradient, minNoise)
    for (let i = 0; i < gradient.length; i++) gradient[i] = -(gradient[i] as number)
    return -value
  }
  const defaults = new Float64Array(D + 2)
  // A fit of other dimensions, or above another floor, maximised another objective: its point and curvature mislead.
  const warm =
    warmStart !== undefined && warmStart.params.theta.length === D && warmStart.params.minNoise === minNoise ? warmStart : undefined
  const starts: Array<readonly [Float64Array, Curvature | undefined]> =
    warm !== undefined
      ? [
          [rawFromParams(warm.params), warm.curvature],
          [defaults, undefined],
        ]
      : [[defaults, undefined]]
  for (const [start, curvature] of starts) {
    // The previous fit's curvature pairs: the likelihood surface moves little with a few more trials.
    const result = minimize(objective, start, { lower, upper, ...effort, ...(curvature === undefined ? {} : { curvature }) })
    if (Number.isFinite(result.value)) return { params: paramsFromRaw(result.x, D, minNoise), curvature: result.curvature }
  }
  return { params: paramsFromRaw(defaults, D, minNoise), curvature: undefined }
}
