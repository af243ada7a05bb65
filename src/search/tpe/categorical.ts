/**
 * Categorical kernels: each observation is a distribution over the choices
 * that puts extra mass on the observed one, smoothed by the prior weight;
 * the prior kernel is uniform (as Optuna's `_calculate_categorical_distributions`).
 */

/** Log probabilities and row-wise cumulative probabilities of every kernel over `n` choices, row-major. */
export interface CategoricalKernels {
  readonly kind: 'categorical'
  readonly choices: number
  /** logProbs[k * choices + i]: log P(choice i | kernel k). */
  readonly logProbs: Float64Array
  /** cumProbs[k * choices + i]: P(choice <= i | kernel k), for sampling. */
  readonly cumProbs: Float64Array
}

/**
 * Kernels for the observed choice indices (one kernel each) plus the uniform
 * prior kernel last. Kernel k gives choice i the weight
 * `priorWeight / nKernels + [i observed in k]`, normalised.
 *
 * @example
 * ```ts
 * const kernels = categoricalKernels(Float64Array.of(0, 0, 2), 3, 1, 0, 3, 1)
 * Math.exp(kernels.logProbs[0] as number) // (1/4 + 1) / (3/4 + 1) = 0.714...: the first observation at its own choice
 * ```
 */
export function categoricalKernels(
  observations: Float64Array,
  count: number,
  stride: number,
  offset: number,
  choices: number,
  priorWeight: number,
): CategoricalKernels {
  const kernels = count + 1
  const logProbs = new Float64Array(kernels * choices)
  const cumProbs = new Float64Array(kernels * choices)
  const base = priorWeight / kernels
  for (let k = 0; k < kernels; k++) {
    const observed = k < count ? (observations[k * stride + offset] as number) : -1
    const total = base * choices + (observed >= 0 ? 1 : 0)
    let cum = 0
    for (let i = 0; i < choices; i++) {
      const p = (base + (i === observed ? 1 : 0)) / total
      cum += p
      logProbs[k * choices + i] = Math.log(p)
      cumProbs[k * choices + i] = cum
    }
    cumProbs[k * choices + choices - 1] = 1
  }
  return { kind: 'categorical', choices, logProbs, cumProbs }
}

/** The choice kernel `k` gives uniform draw `u`. */
export function sampleCategorical(kernels: CategoricalKernels, k: number, u: number): number {
  const row = k * kernels.choices
  for (let i = 0; i < kernels.choices - 1; i++) if (u < (kernels.cumProbs[row + i] as number)) return i
  return kernels.choices - 1
}
