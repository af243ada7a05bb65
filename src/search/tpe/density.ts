/**
 * Log densities of a fitted Parzen estimator (parzen.ts) at candidate points:
 * O(candidates x kernels x dimensions) over flat Float64Arrays, with the
 * per-kernel constants computed at fitting and no allocation in the inner
 * loops.
 */
import { expNonPositive as importedExp } from './fastexp.ts'
import type { Kernels, NumericKernels, ParzenEstimator } from './parzen.ts'
import { logMass as importedLogMass } from './truncnorm.ts'

// Hot-loop imports bound locally: CommonJS transpilations (tsx, vitest) read every use of an import through a getter.
const expNonPositive = importedExp
const logMass = importedLogMass

/**
 * Log-sum-exp terms more than 700 below the largest are clamped to e^-700 of
 * it rather than skipped: they vanish in the rounding either way, and the
 * loop keeps no unpredictable branch.
 */
const FLOOR = -700

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
