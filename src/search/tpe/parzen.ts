/**
 * The Parzen estimator: a weighted mixture of one kernel per observation
 * plus a prior kernel, each kernel a product over dimensions of a truncated
 * normal (continuous), a truncated normal integrated over the bin of each
 * integer (discrete) or a smoothed categorical. Mirrors Optuna's
 * `_ParzenEstimator`: prior at the middle of the range and as wide as it,
 * bandwidths from neighbour distances in each dimension (as Optuna's
 * univariate TPE; hyperpool uses them for multivariate too) or, with
 * `multivariateBandwidth: 'scott'`, Optuna's multivariate `factor n^(-1/(d+4))` of the range
 * (its factor is 0.2, ours defaults to 0.1, see docs/search.md), clipped to
 * [range / min(100, n), range] by the "magic clip", n as `magicClipCount` says.
 *
 * Everything lives in flat Float64Arrays with per-kernel constants computed
 * once per estimator; evaluation is O(candidates x kernels x dimensions)
 * with no allocation in the inner loops.
 */
import type { CategoricalKernels } from './categorical.ts'
import { categoricalKernels, sampleCategorical } from './categorical.ts'
import type { Dim } from './encode.ts'
import { expNonPositive as importedExp } from './fastexp.ts'
import { LOG_SQRT_2PI as IMPORTED_LOG_SQRT_2PI, logMass as importedLogMass, sampleStandard } from './truncnorm.ts'

// Hot-loop imports bound locally: CommonJS transpilations (tsx, vitest) read every use of an import through a getter.
const expNonPositive = importedExp
const logMass = importedLogMass
const LOG_SQRT_2PI = IMPORTED_LOG_SQRT_2PI

const EPS = 1e-12
/**
 * Log-sum-exp terms more than 700 below the largest are clamped to e^-700 of
 * it rather than skipped: they vanish in the rounding either way, and the
 * loop keeps no unpredictable branch.
 */
const FLOOR = -700

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
 * the observations, the prior mean and the two bounds; without
 * `considerEndpoints` the outermost points use their inner neighbour only.
 * `order` (the observations sorted by (mu, index)), if given, saves a sort;
 * the prior, last by index, goes after observations equal to its mean.
 */
function neighbourSigmas(
  mus: Float64Array,
  count: number,
  low: number,
  high: number,
  considerEndpoints: boolean,
  order: Int32Array | undefined,
): Float64Array {
  const n = count + 1 // observations and the prior mean
  let full: Int32Array
  if (order === undefined) full = sortedOrder(mus, n)
  else {
    full = new Int32Array(n)
    const priorMu = mus[count] as number
    let j = 0
    let placed = false
    for (let i = 0; i < count; i++) {
      const k = order[i] as number
      if (!placed && (mus[k] as number) > priorMu) {
        full[j++] = count
        placed = true
      }
      full[j++] = k
    }
    if (!placed) full[j] = count
  }
  const sigmas = new Float64Array(n)
  let previous = low
  let at = mus[full[0] as number] as number
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? (mus[full[i + 1] as number] as number) : high
    const left = at - previous
    const right = next - at
    let sigma = Math.max(left, right)
    if (!considerEndpoints && n >= 2) {
      if (i === 0) sigma = right
      else if (i === n - 1) sigma = left
    }
    sigmas[full[i] as number] = sigma
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

/** The model coordinates of the edges of integer x's bin (log-scale dimensions work in log k). */
function binLow(kernels: NumericKernels, x: number): number {
  return kernels.log ? Math.log(x - 0.5) : x - 0.5
}

function binHigh(kernels: NumericKernels, x: number): number {
  return kernels.log ? Math.log(x + 0.5) : x + 0.5
}

/** log p of a discrete kernel k on the bin [lo, hi] (model coordinates), normalised over the domain. */
function binLogPdf(kernels: NumericKernels, k: number, lo: number, hi: number): number {
  const mu = kernels.mus[k] as number
  const inv = kernels.invSigmas[k] as number
  return logMass((lo - mu) * inv, (hi - mu) * inv) - (kernels.logNorms[k] as number)
}

/**
 * Adds log p(x | kernel k) of a continuous or categorical dimension to rows[at + k] for every kernel
 * (continuous ones less their normaliser, see `mixtureLogPdf`); discrete ones take `addDiscreteTerms`.
 */
function addDimTerms(kernels: Kernels, nK: number, x: number, rows: Float64Array, at: number): void {
  if (kernels.kind === 'continuous') {
    const { mus, invSigmas } = kernels
    for (let k = 0; k < nK; k++) {
      const z = (x - (mus[k] as number)) * (invSigmas[k] as number)
      rows[at + k] = (rows[at + k] as number) - 0.5 * z * z
    }
  } else if (kernels.kind === 'categorical') {
    const { logProbs, choices } = kernels
    for (let k = 0; k < nK; k++) rows[at + k] = (rows[at + k] as number) + (logProbs[k * choices + x] as number)
  }
}

/**
 * Adds a discrete dimension's terms to every candidate's row, computing them once per distinct
 * value: each term integrates a kernel over a bin (two tail probabilities), the dearest part of a
 * suggestion, and candidates drawn from a few good trials repeat values on an integer grid.
 */
function addDiscreteTerms(
  kernels: NumericKernels,
  nK: number,
  xs: Float64Array,
  stride: number,
  d: number,
  candidates: number,
  rows: Float64Array,
  terms: Float64Array,
): void {
  const done = new Uint8Array(candidates)
  for (let c = 0; c < candidates; c++) {
    if (done[c] === 1) continue
    const x = xs[c * stride + d] as number
    const lo = binLow(kernels, x)
    const hi = binHigh(kernels, x)
    for (let k = 0; k < nK; k++) terms[k] = binLogPdf(kernels, k, lo, hi)
    for (let other = c; other < candidates; other++) {
      if (done[other] === 1 || xs[other * stride + d] !== x) continue
      done[other] = 1
      const at = other * nK
      for (let k = 0; k < nK; k++) rows[at + k] = (rows[at + k] as number) + (terms[k] as number)
    }
  }
}

/** log sum_k exp(rows[at + k]), in one pass as continuousLogPdf does. */
function logSumExpRow(rows: Float64Array, at: number, n: number): number {
  let max = -Number.MAX_VALUE
  let sum = 0
  for (let k = 0; k < n; k++) {
    const t = rows[at + k] as number
    if (t > max) {
      sum = sum * expNonPositive(max - t) + 1
      max = t
    } else sum += expNonPositive(Math.max(t - max, FLOOR))
  }
  return max + Math.log(sum)
}

/**
 * The one-dimensional continuous mixture's log density at x: log-sum-exp in
 * one pass with a running maximum, the sum rescaled when it rises. Terms far
 * below the maximum add e^-700 at most (nothing, next to the maximum's 1)
 * rather than being skipped: no unpredictable branch in the loop. The prior
 * kernel's term is always finite, so the maximum ends finite.
 */
function continuousLogPdf(kernels: NumericKernels, nK: number, x: number): number {
  const { mus, invSigmas, logCoefs } = kernels
  let max = -Number.MAX_VALUE
  let sum = 0
  for (let k = 0; k < nK; k++) {
    const z = (x - (mus[k] as number)) * (invSigmas[k] as number)
    const t = (logCoefs[k] as number) - 0.5 * z * z
    if (t > max) {
      sum = sum * expNonPositive(max - t) + 1
      max = t
    } else sum += expNonPositive(Math.max(t - max, FLOOR))
  }
  return max + Math.log(sum)
}

/**
 * The scratch entries `mixtureLogPdf` needs: a row per candidate and two more.
 *
 * @example
 * ```ts
 * const scratch = new Float64Array(scratchSize(pe.kernels, 24))
 * ```
 */
export function scratchSize(kernels: number, candidates: number): number {
  return (candidates + 2) * kernels
}

/**
 * log density of the mixture at each of `candidates` encoded points (rows of
 * `xs` with `stride` values each) over the dimensions `dimsUsed` (all of the
 * estimator's dimensions for the joint density, one for a univariate one).
 * `scratch` needs {@link scratchSize} entries.
 */
export function mixtureLogPdf(
  pe: ParzenEstimator,
  xs: Float64Array,
  stride: number,
  candidates: number,
  dimsUsed: readonly number[],
  out: Float64Array,
  scratch: Float64Array = new Float64Array(scratchSize(pe.kernels, candidates)),
): Float64Array {
  const nK = pe.kernels
  if (dimsUsed.length === 1) {
    const d = dimsUsed[0] as number
    const kernels = pe.perDim[d] as Kernels
    if (kernels.kind === 'continuous') {
      for (let c = 0; c < candidates; c++) out[c] = continuousLogPdf(kernels, nK, xs[c * stride + d] as number)
      return out
    }
  }
  // Per-kernel constant: log weight less the normalisers of the continuous dimensions used.
  const base = scratch.subarray(0, nK)
  const terms = scratch.subarray(nK, 2 * nK)
  const rows = scratch.subarray(2 * nK, (2 + candidates) * nK)
  base.set(pe.logWeights)
  for (const d of dimsUsed) {
    const kernels = pe.perDim[d] as Kernels
    if (kernels.kind !== 'continuous') continue
    const { logNorms } = kernels
    for (let k = 0; k < nK; k++) base[k] = (base[k] as number) - (logNorms[k] as number)
  }
  for (let c = 0; c < candidates; c++) rows.set(base, c * nK)
  // Dimension by dimension, each row's terms still add up in `dimsUsed` order.
  for (const d of dimsUsed) {
    const kernels = pe.perDim[d] as Kernels
    if (kernels.kind === 'discrete') addDiscreteTerms(kernels, nK, xs, stride, d, candidates, rows, terms)
    else for (let c = 0; c < candidates; c++) addDimTerms(kernels, nK, xs[c * stride + d] as number, rows, c * nK)
  }
  for (let c = 0; c < candidates; c++) out[c] = logSumExpRow(rows, c * nK, nK)
  return out
}
