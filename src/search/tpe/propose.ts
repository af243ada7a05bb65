/**
 * TPE's proposal step: draw candidates from the good estimator l(x) and keep
 * the one that maximises log l(x) - log g(x) (the expected improvement's
 * stand-in), over the estimators' dimensions.
 */
import { mixtureLogPdf, scratchSize } from './density.ts'
import { type ParzenEstimator, pickKernel, sampleKernel } from './parzen.ts'
import type { TPEState } from './state.ts'

/**
 * The best of `nEiCandidates` draws from l by log l(x) - log g(x), over the estimators' own dimensions: jointly when
 * the state is multivariate, else one dimension at a time.
 *
 * @example
 * ```ts
 * const vector = propose(state, 24, l, g, random)
 * ```
 */
export function propose(s: TPEState, nEiCandidates: number, l: ParzenEstimator, g: ParzenEstimator, random: () => number): Float64Array {
  const D = l.dims.length
  const nC = nEiCandidates
  const xs = new Float64Array(nC * D)
  const logL = new Float64Array(nC)
  const logG = new Float64Array(nC)
  const need = scratchSize(Math.max(l.kernels, g.kernels), nC)
  if (s.scratch.length < need) s.scratch = new Float64Array(need)
  if (s.multivariate) {
    for (let c = 0; c < nC; c++) {
      const k = pickKernel(l, random())
      for (let d = 0; d < D; d++) xs[c * D + d] = sampleKernel(l, d, k, random)
    }
    const all = l.dims.map((_, d) => d)
    mixtureLogPdf(l, xs, D, nC, all, logL, s.scratch)
    mixtureLogPdf(g, xs, D, nC, all, logG, s.scratch)
    const best = argmaxDifference(logL, logG)
    return xs.slice(best * D, best * D + D)
  }
  const vector = new Float64Array(D)
  for (let d = 0; d < D; d++) {
    for (let c = 0; c < nC; c++) xs[c * D + d] = sampleKernel(l, d, pickKernel(l, random()), random)
    mixtureLogPdf(l, xs, D, nC, [d], logL, s.scratch)
    mixtureLogPdf(g, xs, D, nC, [d], logG, s.scratch)
    vector[d] = xs[argmaxDifference(logL, logG) * D + d] as number
  }
  return vector
}

/** The first index of the largest a[i] - b[i]. */
function argmaxDifference(a: Float64Array, b: Float64Array): number {
  let best = 0
  let bestScore = Number.NEGATIVE_INFINITY
  for (let i = 0; i < a.length; i++) {
    const score = (a[i] as number) - (b[i] as number)
    if (score > bestScore) {
      best = i
      bestScore = score
    }
  }
  return best
}
