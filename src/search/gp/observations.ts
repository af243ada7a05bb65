/**
 * What the GP learns from: the trials with a value, their values made safe
 * and standardised. Values are signed so lower is better (as the searcher
 * records them), then negated so the GP maximises. NaN values never reach
 * here; +-Infinity are clipped to the largest and smallest finite values
 * (as Optuna does); values are scaled by their largest magnitude before
 * standardising, so even +-1e308 cannot overflow the variance.
 */
import type { Points } from './kernel.ts'
import { meanAndVariance } from './moments.ts'
import { warpStandardised } from './warp.ts'

/** One trial the GP learns from: its unit coordinates and signed value (lower is better, not NaN). */
export interface Observation {
  readonly id: number
  readonly x: Float64Array
  readonly value: number
}

/** Observations as GP training data. */
export interface Training {
  readonly points: Points
  /** Standardised, to be maximised: mean 0, standard deviation 1 (all 0 when the values are all equal). */
  readonly y: Float64Array
  /** The index of the best observation (the lowest id among ties). */
  readonly best: number
}

/**
 * Training data from observations (in the order given); `warp`: the
 * standardised values Yeo-Johnson transformed and standardised again (see
 * warp.ts).
 *
 * @example
 * ```ts
 * const { points, y, best } = trainingData(observations, D, categorical)
 * ```
 */
export function trainingData(observations: readonly Observation[], D: number, categorical: Uint8Array, warp = false): Training {
  const n = observations.length
  const X = new Float64Array(n * D)
  const raw = new Float64Array(n)
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  observations.forEach((o, i) => {
    X.set(o.x, i * D)
    raw[i] = -o.value
    if (Number.isFinite(-o.value)) {
      low = Math.min(low, -o.value)
      high = Math.max(high, -o.value)
    }
  })
  if (low > high) low = high = 0
  let magnitude = 0
  for (let i = 0; i < n; i++) {
    const v = Math.min(high, Math.max(low, raw[i] as number))
    raw[i] = v
    magnitude = Math.max(magnitude, Math.abs(v))
  }
  let best = 0
  for (let i = 0; i < n; i++) {
    raw[i] = magnitude > 0 ? (raw[i] as number) / magnitude : 0
    if ((raw[i] as number) > (raw[best] as number)) best = i
  }
  // The best is found before the warp: its standardisation can merge values 1e-300 apart, as this one does.
  const standardised = standardise(raw)
  const y = warp ? standardise(warpStandardised(standardised)) : standardised
  return { points: { X, n, D, categorical }, y, best }
}

/** Mean 0 and standard deviation 1 (all 0 when the values are all equal, to 1e-12). */
function standardise(values: Float64Array): Float64Array {
  const { mean, variance } = meanAndVariance(values)
  const sd = Math.sqrt(variance)
  return values.map((v) => (sd > 1e-12 ? (v - mean) / sd : 0))
}

/**
 * Which observations the kernel fit uses when there are more than `limit`:
 * the best half of the limit, then an even spread over the rest in the
 * order given, so the fit sees both the region that matters and the
 * overall shape. Returned in ascending index order.
 *
 * @example
 * ```ts
 * fitSubset(y, 200) // 200 indices into y
 * ```
 */
export function fitSubset(y: Float64Array, limit: number): number[] {
  const n = y.length
  if (n <= limit) return Array.from({ length: n }, (_, i) => i)
  const byValue = Array.from({ length: n }, (_, i) => i).sort((a, b) => (y[b] as number) - (y[a] as number) || a - b)
  const chosen = new Uint8Array(n)
  const top = Math.floor(limit / 2)
  for (let i = 0; i < top; i++) chosen[byValue[i] as number] = 1
  const rest: number[] = []
  for (let i = 0; i < n; i++) if (chosen[i] === 0) rest.push(i)
  const spread = limit - top
  for (let j = 0; j < spread; j++) chosen[rest[Math.floor((j * rest.length) / spread)] as number] = 1
  const subset: number[] = []
  for (let i = 0; i < n; i++) if (chosen[i] === 1) subset.push(i)
  return subset
}

/**
 * The rows `indices` of training data, for a fit on a subset.
 *
 * @example
 * ```ts
 * const sub = selectRows(training, fitSubset(training.y, 200))
 * ```
 */
export function selectRows(training: Training, indices: readonly number[]): { points: Points; y: Float64Array } {
  const { points, y } = training
  const D = points.D
  const X = new Float64Array(indices.length * D)
  const ys = new Float64Array(indices.length)
  indices.forEach((row, i) => {
    X.set(points.X.subarray(row * D, row * D + D), i * D)
    ys[i] = y[row] as number
  })
  return { points: { X, n: indices.length, D, categorical: points.categorical }, y: ys }
}
