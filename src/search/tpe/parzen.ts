/**
 * The Parzen estimator: a weighted mixture of one kernel per observation
 * plus a prior kernel, each kernel a product over dimensions of a truncated
 * normal (continuous), a truncated normal integrated over the bin of each
 * integer (discrete) or a smoothed categorical. Mirrors Optuna's
 * `_ParzenEstimator`: prior at the middle of the range and as wide as it,
 * bandwidths from neighbour distances among the observations in each
 * dimension (as Optuna 4 and 5, in both modes) or, with
 * `multivariateBandwidth: 'scott'`, Optuna's multivariate `factor n^(-1/(d+4))` of the range
 * (its factor is 0.2, ours defaults to 0.1, see docs/search.md), clipped to
 * [range / min(100, n), range] by the "magic clip", n as `magicClipCount` says.
 *
 * Everything lives in flat Float64Arrays with per-kernel constants computed
 * once per estimator, for density.ts to evaluate; this file fits an
 * estimator and draws from it.
 */
import type { CategoricalKernels } from './categorical.ts'
import { categoricalKernels, sampleCategorical } from './categorical.ts'
import type { Dim } from './encode.ts'
import { LOG_SQRT_2PI as IMPORTED_LOG_SQRT_2PI, logMass as importedLogMass, sampleStandard } from './truncnorm.ts'

// Bound locally: CommonJS transpilations (tsx, vitest) read every use of an import through a getter.
const logMass = importedLogMass
const LOG_SQRT_2PI = IMPORTED_LOG_SQRT_2PI

const EPS = 1e-12

export interface ParzenParameters {
  readonly priorWeight: number
  readonly considerMagicClip: boolean
  readonly considerEndpoints: boolean
  readonly multivariate: boolean
  /** Multivariate bandwidths: neighbour distances per dimension (as univariate), or 'scott': the same for every kernel. */
  readonly multivariateBandwidth: 'neighbours' | 'scott'
  /** 'scott' bandwidth: this factor times n^(-1/(d+4)) times the range (Optuna 3.1: 0.2). */
  readonly bandwidthFactor: number
  /**
   * The n of the magic clip's floor range / min(100, n): 'estimator' is the estimator's observations + 2
   * (Optuna, Hyperopt); 'geometric' the geometric mean of that and `finished` + 2.
   */
  readonly magicClipCount: 'estimator' | 'geometric'
  /** Finished trials when the estimator is fitted (the 'geometric' magic clip's second count). */
  readonly finished: number
}

/**
 * The magic clip's n for an estimator of `count` observations. The good set stops growing at
 * gamma's cap (25 by default), so with 'estimator' its floor stops shrinking at range / 27 however
 * long the search runs; 'geometric' lets every finished trial narrow it.
 *
 * @example
 * ```ts
 * magicClipDivisor(10, { ...params, magicClipCount: 'geometric', finished: 98 }) // sqrt(12 * 100) ≈ 34.6
 * ```
 */
export function magicClipDivisor(count: number, params: ParzenParameters): number {
  const own = count + 2
  return params.magicClipCount === 'geometric' ? Math.sqrt(own * (params.finished + 2)) : own
}

/** Whether the bandwidths are Scott's-rule-like constants rather than neighbour distances. */
export function usesScott(params: ParzenParameters): boolean {
  return params.multivariate && params.multivariateBandwidth === 'scott'
}

/** Truncated-normal kernels of one numeric dimension; the prior kernel is last. */
export interface NumericKernels {
  readonly kind: 'continuous' | 'discrete'
  readonly mus: Float64Array
  readonly sigmas: Float64Array
  /** 1 / sigma of each kernel. */
  readonly invSigmas: Float64Array
  /** Continuous: log(sigma sqrt(2 pi) Z); discrete: log Z; Z = kernel mass inside [low, high]. */
  readonly logNorms: Float64Array
  /** Mixture log weight minus logNorms, per kernel: log p(x) of the one-dimensional mixture is logsumexp_k of this minus z^2 / 2 (continuous). */
  readonly logCoefs: Float64Array
  readonly low: number
  readonly high: number
  readonly log: boolean
  readonly first: number
  readonly last: number
}

export type Kernels = NumericKernels | CategoricalKernels

/** A fitted mixture over `dims`. */
export interface ParzenEstimator {
  readonly dims: readonly Dim[]
  readonly kernels: number
  readonly logWeights: Float64Array
  readonly cumWeights: Float64Array
  readonly perDim: readonly Kernels[]
}

/**
 * Fits the estimator to `count` observations (rows of `observations`, one
 * value per dimension, encoded as in encode.ts) with observation weights
 * `weights` (normalised together with the prior weight). `orders`, if given,
 * holds per numeric dimension the observation indices sorted by (model
 * coordinate, index), which saves the univariate bandwidths a sort.
 *
 * @example
 * ```ts
 * const pe = buildParzen(dims, Float64Array.of(0.2, 0.4), 2, Float64Array.of(1, 1), params)
 * ```
 */
export function buildParzen(
  dims: readonly Dim[],
  observations: Float64Array,
  count: number,
  weights: ArrayLike<number>,
  params: ParzenParameters,
  orders?: ReadonlyArray<Int32Array | undefined>,
): ParzenEstimator {
  const kernels = count + 1
  const raw = new Float64Array(kernels)
  let total = 0
  for (let k = 0; k < count; k++) {
    raw[k] = weights[k] as number
    total += raw[k] as number
  }
  raw[count] = count === 0 ? 1 : params.priorWeight
  total += raw[count] as number
  const logWeights = new Float64Array(kernels)
  const cumWeights = new Float64Array(kernels)
  let cum = 0
  for (let k = 0; k < kernels; k++) {
    const w = (raw[k] as number) / total
    logWeights[k] = Math.log(w)
    cum += w
    cumWeights[k] = cum
  }
  cumWeights[kernels - 1] = 1
  const perDim = dims.map((dim, d): Kernels => {
    if (dim.kind === 'categorical') return categoricalKernels(observations, count, dims.length, d, dim.values.length, params.priorWeight)
    return numericKernels(dim, observations, count, dims.length, d, params, logWeights, orders?.[d])
  })
  return { dims, kernels, logWeights, cumWeights, perDim }
}

function numericKernels(
  dim: Exclude<Dim, { kind: 'categorical' }>,
  observations: Float64Array,
  count: number,
  stride: number,
  offset: number,
  params: ParzenParameters,
  logWeights: Float64Array,
  order: Int32Array | undefined,
): NumericKernels {
  const kernels = count + 1
  const mus = new Float64Array(kernels)
  for (let k = 0; k < count; k++) {
    const x = observations[k * stride + offset] as number
    mus[k] = dim.kind === 'discrete' && dim.log ? Math.log(x) : x
  }
  mus[count] = dim.priorMu
  const sigmas = usesScott(params)
    ? new Float64Array(kernels).fill(params.bandwidthFactor * Math.max(count, 1) ** (-1 / (stride + 4)) * dim.span)
    : neighbourSigmas(mus, count, dim.low, dim.high, params.considerEndpoints, order)
  const maxSigma = dim.span
  const minSigma = params.considerMagicClip ? dim.span / Math.min(100, magicClipDivisor(count, params)) : EPS
  for (let k = 0; k < count; k++) sigmas[k] = Math.min(maxSigma, Math.max(minSigma, sigmas[k] as number))
  sigmas[count] = dim.priorSigma
  const logNorms = new Float64Array(kernels)
  const logCoefs = new Float64Array(kernels)
  const invSigmas = new Float64Array(kernels)
  let lastSigma = Number.NaN
  let logSigma = Number.NaN
  for (let k = 0; k < kernels; k++) {
    const mu = mus[k] as number
    const sigma = sigmas[k] as number
    // Bandwidths repeat (multivariate: all but the prior's; univariate: the clipped ones): one log each.
    if (sigma !== lastSigma) {
      lastSigma = sigma
      logSigma = Math.log(sigma)
    }
    const logZ = logMass((dim.low - mu) / sigma, (dim.high - mu) / sigma)
    const logNorm = dim.kind === 'continuous' ? logSigma + LOG_SQRT_2PI + logZ : logZ
    logNorms[k] = logNorm
    logCoefs[k] = (logWeights[k] as number) - logNorm
    invSigmas[k] = 1 / sigma
  }
  return {
    kind: dim.kind,
    mus,
    sigmas,
    invSigmas,
    logNorms,
    logCoefs,
    low: dim.low,
    high: dim.high,
    log: dim.log,
    first: dim.kind === 'discrete' ? dim.first : 0,
    last: dim.kind === 'discrete' ? dim.last : 0,
  }
}

/**
 * The indices 0..n-1 sorted by (mus[i], i): a native numeric sort of the
 * values, then each index's place by binary search, equal values taking
 * consecutive places in index order.
 */
export function sortedOrder(mus: Float64Array, n: number): Int32Array {
  const sorted = mus.slice(0, n).sort()
  const taken = new Int32Array(n)
  const order = new Int32Array(n)
  for (let k = 0; k < n; k++) {
    const mu = mus[k] as number
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((sorted[mid] as number) < mu) lo = mid + 1
      else hi = mid
    }
    order[lo + (taken[lo] as number)++] = k
  }
  return order
}

/**
 * Each observation's bandwidth is its larger distance to a neighbour among
 * the other observations and the two bounds; without `considerEndpoints`
 * the outermost points use their inner neighbour only. The prior's mean is
 * not a neighbour: it is no observation, and counting it (as Optuna 3 and
 * Hyperopt do; Optuna 4 and 5 do not) narrows the kernels of trials near
 * the middle of the range for no reason in the data. `order` (the
 * observations sorted by (mu, index)), if given, saves a sort. Returns
 * `count + 1` values: the prior's slot is left for the caller.
 */
function neighbourSigmas(
  mus: Float64Array,
  count: number,
  low: number,
  high: number,
  considerEndpoints: boolean,
  order: Int32Array | undefined,
): Float64Array {
  const sorted = order ?? sortedOrder(mus, count)
  const sigmas = new Float64Array(count + 1)
  if (count === 0) return sigmas
  let previous = low
  let at = mus[sorted[0] as number] as number
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? (mus[sorted[i + 1] as number] as number) : high
    const left = at - previous
    const right = next - at
    let sigma = Math.max(left, right)
    if (!considerEndpoints && count >= 2) {
      if (i === 0) sigma = right
      else if (i === count - 1) sigma = left
    }
    sigmas[sorted[i] as number] = sigma
    previous = at
    at = next
  }
  return sigmas
}

/** The kernel index uniform draw `u` picks by the mixture weights. */
export function pickKernel(pe: ParzenEstimator, u: number): number {
  const cum = pe.cumWeights
  let lo = 0
  let hi = pe.kernels - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (u < (cum[mid] as number)) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** A draw of dimension `d` from kernel `k`, encoded (coordinate, k, or choice index). */
export function sampleKernel(pe: ParzenEstimator, d: number, k: number, random: () => number): number {
  const kernels = pe.perDim[d] as Kernels
  if (kernels.kind === 'categorical') return sampleCategorical(kernels, k, random())
  const mu = kernels.mus[k] as number
  const sigma = kernels.sigmas[k] as number
  const z = sampleStandard((kernels.low - mu) / sigma, (kernels.high - mu) / sigma, random())
  const x = Math.min(kernels.high, Math.max(kernels.low, mu + sigma * z))
  if (kernels.kind === 'continuous') return x
  const k0 = Math.round(kernels.log ? Math.exp(x) : x)
  return Math.min(kernels.last, Math.max(kernels.first, k0))
}
