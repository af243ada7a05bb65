/**
 * The Parzen estimator: a weighted mixture of one kernel per observation
 * plus a prior kernel, each kernel a product over dimensions of a truncated
 * normal (continuous), a truncated normal integrated over the bin of each
 * integer (discrete) or a smoothed categorical. Mirrors Optuna's
 * `_ParzenEstimator`: prior at the middle of the range and as wide as it,
 * bandwidths from neighbour distances (univariate) or Scott's-rule-like
 * `factor n^(-1/(d+4))` of the range (multivariate; Optuna's factor is 0.2,
 * ours defaults to 0.1, see docs/search.md), clipped to
 * [range / min(100, n + 2), range] by the "magic clip".
 *
 * Everything lives in flat Float64Arrays; evaluation is O(candidates x
 * kernels x dimensions) with no allocation in the inner loops.
 */
import type { CategoricalKernels } from './categorical.ts'
import { categoricalKernels, sampleCategorical } from './categorical.ts'
import type { Dim } from './encode.ts'
import { LOG_SQRT_2PI, logMass, sampleStandard } from './truncnorm.ts'

const EPS = 1e-12
/** Terms this far below the largest add less than e^-50 relative: skipped in log-sum-exp. */
const NEGLIGIBLE = 50

export interface ParzenParameters {
  readonly priorWeight: number
  readonly considerMagicClip: boolean
  readonly considerEndpoints: boolean
  readonly multivariate: boolean
  /** Multivariate bandwidth: this factor times n^(-1/(d+4)) times the range (Optuna: 0.2). */
  readonly bandwidthFactor: number
}

/** Truncated-normal kernels of one numeric dimension; the prior kernel is last. */
export interface NumericKernels {
  readonly kind: 'continuous' | 'discrete'
  readonly mus: Float64Array
  readonly sigmas: Float64Array
  /** Continuous: log(sigma sqrt(2 pi) Z); discrete: log Z; Z = kernel mass inside [low, high]. */
  readonly logNorms: Float64Array
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
 * `weights` (normalised together with the prior weight).
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
    return numericKernels(dim, observations, count, dims.length, d, params)
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
): NumericKernels {
  const kernels = count + 1
  const mus = new Float64Array(kernels)
  for (let k = 0; k < count; k++) {
    const x = observations[k * stride + offset] as number
    mus[k] = dim.kind === 'discrete' && dim.log ? Math.log(x) : x
  }
  mus[count] = dim.priorMu
  const sigmas = params.multivariate
    ? new Float64Array(kernels).fill(params.bandwidthFactor * Math.max(count, 1) ** (-1 / (stride + 4)) * dim.span)
    : neighbourSigmas(mus, count, dim.low, dim.high, params.considerEndpoints)
  const maxSigma = dim.span
  const minSigma = params.considerMagicClip ? dim.span / Math.min(100, count + 2) : EPS
  for (let k = 0; k < count; k++) sigmas[k] = Math.min(maxSigma, Math.max(minSigma, sigmas[k] as number))
  sigmas[count] = dim.priorSigma
  const logNorms = new Float64Array(kernels)
  for (let k = 0; k < kernels; k++) {
    const mu = mus[k] as number
    const sigma = sigmas[k] as number
    const logZ = logMass((dim.low - mu) / sigma, (dim.high - mu) / sigma)
    logNorms[k] = dim.kind === 'continuous' ? Math.log(sigma) + LOG_SQRT_2PI + logZ : logZ
  }
  return {
    kind: dim.kind,
    mus,
    sigmas,
    logNorms,
    low: dim.low,
    high: dim.high,
    log: dim.log,
    first: dim.kind === 'discrete' ? dim.first : 0,
    last: dim.kind === 'discrete' ? dim.last : 0,
  }
}

/**
 * Each observation's bandwidth is its larger distance to a neighbour among
 * the observations, the prior mean and the two bounds; without
 * `considerEndpoints` the outermost points use their inner neighbour only.
 */
function neighbourSigmas(mus: Float64Array, count: number, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const n = count + 1 // observations and the prior mean
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (mus[i] as number) - (mus[j] as number) || i - j)
  const sorted = new Float64Array(n + 2)
  sorted[0] = low
  for (let i = 0; i < n; i++) sorted[i + 1] = mus[order[i] as number] as number
  sorted[n + 1] = high
  const sigmas = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const left = (sorted[i + 1] as number) - (sorted[i] as number)
    const right = (sorted[i + 2] as number) - (sorted[i + 1] as number)
    let sigma = Math.max(left, right)
    if (!considerEndpoints && n >= 2) {
      if (i === 0) sigma = right
      else if (i === n - 1) sigma = left
    }
    sigmas[order[i] as number] = sigma
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

/** log p(x | kernel k) of dimension d at encoded value x. */
export function kernelLogPdf(kernels: Kernels, k: number, x: number): number {
  if (kernels.kind === 'categorical') return kernels.logProbs[k * kernels.choices + x] as number
  const mu = kernels.mus[k] as number
  const sigma = kernels.sigmas[k] as number
  if (kernels.kind === 'continuous') {
    const z = (x - mu) / sigma
    return -0.5 * z * z - (kernels.logNorms[k] as number)
  }
  const lo = kernels.log ? Math.log(x - 0.5) : x - 0.5
  const hi = kernels.log ? Math.log(x + 0.5) : x + 0.5
  return logMass((lo - mu) / sigma, (hi - mu) / sigma) - (kernels.logNorms[k] as number)
}

/** Adds log p(x_c | kernel k) of dimension d to terms[c * kernels + k] for every candidate c. */
function addDimTerms(pe: ParzenEstimator, d: number, xs: Float64Array, stride: number, candidates: number, terms: Float64Array): void {
  const kernels = pe.perDim[d] as Kernels
  const nK = pe.kernels
  if (kernels.kind === 'continuous') {
    const { mus, sigmas, logNorms } = kernels
    for (let c = 0; c < candidates; c++) {
      const x = xs[c * stride + d] as number
      const row = c * nK
      for (let k = 0; k < nK; k++) {
        const z = (x - (mus[k] as number)) / (sigmas[k] as number)
        terms[row + k] = (terms[row + k] as number) - 0.5 * z * z - (logNorms[k] as number)
      }
    }
    return
  }
  for (let c = 0; c < candidates; c++) {
    const x = xs[c * stride + d] as number
    const row = c * nK
    for (let k = 0; k < nK; k++) terms[row + k] = (terms[row + k] as number) + kernelLogPdf(kernels, k, x)
  }
}

/** log sum_k exp(terms[row + k]), skipping terms too small to matter. */
function logSumExpRow(terms: Float64Array, row: number, n: number): number {
  let max = Number.NEGATIVE_INFINITY
  for (let k = 0; k < n; k++) if ((terms[row + k] as number) > max) max = terms[row + k] as number
  if (max === Number.NEGATIVE_INFINITY) return max
  const floor = max - NEGLIGIBLE
  let sum = 0
  for (let k = 0; k < n; k++) {
    const t = terms[row + k] as number
    if (t > floor) sum += Math.exp(t - max)
  }
  return max + Math.log(sum)
}

/**
 * log density of the mixture at each of `candidates` encoded points (rows of
 * `xs` with `stride` values each) over the dimensions `dimsUsed` (all of the
 * estimator's dimensions for the joint density, one for a univariate one).
 * `scratch` needs candidates x kernels entries.
 */
export function mixtureLogPdf(
  pe: ParzenEstimator,
  xs: Float64Array,
  stride: number,
  candidates: number,
  dimsUsed: readonly number[],
  out: Float64Array,
  scratch: Float64Array = new Float64Array(candidates * pe.kernels),
): Float64Array {
  const nK = pe.kernels
  for (let c = 0; c < candidates; c++) scratch.set(pe.logWeights, c * nK)
  for (const d of dimsUsed) addDimTerms(pe, d, xs, stride, candidates, scratch)
  for (let c = 0; c < candidates; c++) out[c] = logSumExpRow(scratch, c * nK, nK)
  return out
}
