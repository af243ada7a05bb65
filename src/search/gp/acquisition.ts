/**
 * The acquisition function: log expected improvement over the incumbent
 * (the best standardised value, fantasies included) under the posterior,
 * log EI(x) = log h((mean - best) / sd) + log sd, with its gradient. Its
 * logarithm keeps far-from-best regions distinguishable where EI itself
 * underflows to 0, so the optimiser never faces a flat zero landscape.
 */
import { standardLogEI } from './normal.ts'
import type { Posterior } from './posterior.ts'

/** Added to the posterior variance so sd > 0 even at observed points, as Optuna's stabilising noise. */
const STABILISING_VARIANCE = 1e-12

/** Log EI of one posterior against one incumbent, with scratch for gradients. */
export class LogEI {
  readonly posterior: Posterior
  readonly best: number
  readonly #meanGradient: Float64Array
  readonly #varianceGradient: Float64Array

  /**
   * @example
   * ```ts
   * const acquisition = new LogEI(posterior, bestStandardisedValue, D)
   * ```
   */
  constructor(posterior: Posterior, best: number, D: number) {
    this.posterior = posterior
    this.best = best
    this.#meanGradient = new Float64Array(D)
    this.#varianceGradient = new Float64Array(D)
  }

  /**
   * log EI at the D coordinates of `x` from `offset`.
   *
   * @example
   * ```ts
   * const value = acquisition.value(candidates, c * D)
   * ```
   */
  value(x: ArrayLike<number>, offset = 0): number {
    const { mean, variance } = this.posterior.predict(x, offset)
    const sd = Math.sqrt(variance + STABILISING_VARIANCE)
    return standardLogEI((mean - this.best) / sd).value + Math.log(sd)
  }

  /**
   * log EI at `count` points (rows of D in `xs`), into `out`.
   *
   * @example
   * ```ts
   * acquisition.values(candidates, count, scores)
   * ```
   */
  values(xs: Float64Array, count: number, out: Float64Array): void {
    const variances = new Float64Array(count)
    this.posterior.predictMany(xs, count, out, variances)
    for (let c = 0; c < count; c++) {
      const sd = Math.sqrt((variances[c] as number) + STABILISING_VARIANCE)
      out[c] = standardLogEI(((out[c] as number) - this.best) / sd).value + Math.log(sd)
    }
  }

  /**
   * log EI at `x` and its gradient (written to `gradient`; zero in categorical dimensions).
   *
   * @example
   * ```ts
   * const value = acquisition.valueWithGradient(x, gradient)
   * ```
   */
  valueWithGradient(x: Float64Array, gradient: Float64Array): number {
    const dMean = this.#meanGradient
    const dVariance = this.#varianceGradient
    const { mean, variance } = this.posterior.predictWithGradient(x, dMean, dVariance)
    const total = variance + STABILISING_VARIANCE
    const sd = Math.sqrt(total)
    const z = (mean - this.best) / sd
    const { value, slope } = standardLogEI(z)
    // d/dx [log h(z) + log sd] with z = (mean - best) / sd and d sd = d variance / (2 sd).
    const varianceWeight = (1 - slope * z) / (2 * total)
    for (let d = 0; d < gradient.length; d++) {
      gradient[d] = (slope * (dMean[d] as number)) / sd + varianceWeight * (dVariance[d] as number)
    }
    return value + Math.log(sd)
  }
}
