/**
 * What the kernel fit maximises: the log marginal likelihood of the
 * standardised values plus Optuna's log prior on the kernel parameters,
 * both with gradients in the fit's raw coordinates
 *
 *   raw = [log theta_1 .. log theta_D, log scale, log(noise - minNoise)],
 *
 * logs keeping every parameter positive, `minNoise` keeping the kernel
 * matrix well conditioned however noiseless the objective.
 */
import { type KernelParams, kernelMatrix } from './kernel.ts'
import { cholesky, dot, inverseFromCholesky, logDeterminant, solveCholesky } from './linalg.ts'

/** The smallest noise variance (of standardised values) by default, as Optuna's. */
export const MIN_NOISE = 1e-6

/** Training data of a fit: pair differences (see `pairDeltas`), standardised values and the noise floor. */
export interface FitData {
  readonly deltas: Float64Array
  readonly n: number
  readonly D: number
  readonly y: Float64Array
  readonly minNoise: number
}

/**
 * Kernel parameters from raw fit coordinates.
 *
 * @example
 * ```ts
 * paramsFromRaw(new Float64Array(D + 2), D, MIN_NOISE) // theta = 1, scale = 1, noise = 1 + MIN_NOISE
 * ```
 */
export function paramsFromRaw(raw: ArrayLike<number>, D: number, minNoise: number): KernelParams {
  const theta = new Float64Array(D)
  for (let d = 0; d < D; d++) theta[d] = Math.exp(raw[d] as number)
  return { theta, scale: Math.exp(raw[D] as number), noise: minNoise + Math.exp(raw[D + 1] as number), minNoise }
}

/**
 * Raw fit coordinates of kernel parameters (the inverse of {@link paramsFromRaw}).
 *
 * @example
 * ```ts
 * rawFromParams(paramsFromRaw(raw, D, MIN_NOISE)) // raw again
 * ```
 */
export function rawFromParams(params: KernelParams): Float64Array {
  const D = params.theta.length
  const raw = new Float64Array(D + 2)
  for (let d = 0; d < D; d++) raw[d] = Math.log(params.theta[d] as number)
  raw[D] = Math.log(params.scale)
  raw[D + 1] = Math.log(Math.max(params.noise - params.minNoise, Number.MIN_VALUE))
  return raw
}

/**
 * The log marginal likelihood log N(y | 0, K + noise I) and its gradient with
 * respect to the raw coordinates (written to `gradient`, length D + 2);
 * -Infinity (gradient zero) when the kernel matrix cannot be factored.
 *
 * @example
 * ```ts
 * const gradient = new Float64Array(D + 2)
 * const mll = logMarginalLikelihood(data, raw, gradient)
 * ```
 */
export function logMarginalLikelihood(data: FitData, raw: ArrayLike<number>, gradient: Float64Array): number {
  const { deltas, n, D, y } = data
  const params = paramsFromRaw(raw, D, data.minNoise)
  gradient.fill(0)
  const pairs = (n * (n - 1)) / 2
  // Per pair dm/d(r2), then (below) d mll / d r2 in its place.
  const slopes = new Float64Array(pairs)
  const K = kernelMatrix(deltas, n, D, params, n, slopes)
  const chol = cholesky(K, n, n, 0)
  if (chol === undefined) return Number.NEGATIVE_INFINITY
  const alpha = Float64Array.from(y)
  solveCholesky(chol, alpha)
  let quadratic = 0
  for (let i = 0; i < n; i++) quadratic += (y[i] as number) * (alpha[i] as number)
  const value = -0.5 * quadratic - 0.5 * logDeterminant(chol) - 0.5 * n * Math.log(2 * Math.PI)

  // d mll / d raw = 1/2 tr(W dK/draw) with W = alpha alpha^T - K^-1: pairs i > j count twice, halving the 1/2.
  const inverse = inverseFromCholesky(chol)
  const { theta, scale, noise } = params
  let scaleGrad = 0
  let diagonal = 0
  // Each dimension's gradient is then one dot product of the pairs' d mll / d r2 with its deltas.
  let p = 0
  for (let i = 0; i < n; i++) {
    const row = i * n
    const ai = alpha[i] as number
    for (let j = 0; j < i; j++) {
      const w = ai * (alpha[j] as number) - (inverse[row + j] as number)
      scaleGrad += w * (K[row + j] as number)
      slopes[p] = w * scale * (slopes[p] as number)
      p++
    }
    diagonal += ai * ai - (inverse[row + i] as number)
  }
  for (let d = 0; d < D; d++) gradient[d] = (theta[d] as number) * dot(slopes, 0, deltas, d * pairs, pairs)
  gradient[D] = scaleGrad + 0.5 * scale * diagonal
  gradient[D + 1] = 0.5 * (noise - data.minNoise) * diagonal
  return value
}

/**
 * Optuna's log prior on the kernel parameters (up to a constant), added to
 * `gradient` in raw coordinates: -(0.1 / theta + 0.1 theta) per dimension
 * (lengthscales near the unit cube's size), Gamma(2, 1) on the scale and
 * Gamma(1.1, 30) on the noise variance (small noise).
 *
 * @example
 * ```ts
 * const value = logPrior(raw, D, gradient, MIN_NOISE)
 * ```
 */
export function logPrior(raw: ArrayLike<number>, D: number, gradient: Float64Array, minNoise: number): number {
  let value = 0
  for (let d = 0; d < D; d++) {
    const theta = Math.exp(raw[d] as number)
    value -= 0.1 / theta + 0.1 * theta
    gradient[d] = (gradient[d] as number) + 0.1 / theta - 0.1 * theta
  }
  const scale = Math.exp(raw[D] as number)
  value += Math.log(scale) - scale
  gradient[D] = (gradient[D] as number) + 1 - scale
  const excess = Math.exp(raw[D + 1] as number)
  const noise = minNoise + excess
  value += 0.1 * Math.log(noise) - 30 * noise
  gradient[D + 1] = (gradient[D + 1] as number) + (0.1 / noise - 30) * excess
  return value
}
