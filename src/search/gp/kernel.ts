/**
 * The Matérn-5/2 kernel with one lengthscale per dimension (automatic
 * relevance determination), as Optuna's GPSampler uses it:
 *
 *   k(x, x') = scale * m(r2),  r2 = sum_d theta_d * delta_d(x, x')^2,
 *   m(r2) = (1 + sqrt(5 r2) + 5/3 r2) exp(-sqrt(5 r2)),
 *
 * with theta_d = 1 / lengthscale_d^2, delta_d the difference of numeric
 * coordinates (in [0, 1]) and, for categorical dimensions, 0 for equal
 * values and 1 for different ones (a Hamming distance).
 */

import { expNonPositive as importedExp } from '../tpe/fastexp.ts'

/** Bound locally: CommonJS transpilations (tsx, vitest) read every use of an import through a getter. */
const expNonPositive = importedExp

/** Kernel parameters: inverse squared lengthscales per dimension, the signal variance and the noise variance. */
export interface KernelParams {
  readonly theta: Float64Array
  readonly scale: number
  readonly noise: number
  /** The floor `noise` was fitted above; running trials' fantasies are believed with it. */
  readonly minNoise: number
}

/** Points in the GP's coordinates: n rows of D, and which dimensions are categorical. */
export interface Points {
  readonly X: Float64Array
  readonly n: number
  readonly D: number
  readonly categorical: Uint8Array
}

/**
 * m(r2) of the Matérn-5/2 kernel.
 *
 * @example
 * ```ts
 * matern52(0) // 1
 * ```
 */
export function matern52(r2: number): number {
  const s = Math.sqrt(5 * r2)
  return (1 + s + (5 / 3) * r2) * expNonPositive(-s)
}

/**
 * m(r2), with dm/d(r2) = -5/6 (1 + sqrt(5 r2)) exp(-sqrt(5 r2)) written to
 * `slopes[at]` (finite at r2 = 0, where d/dr is not), from one square root
 * and one exponential.
 *
 * @example
 * ```ts
 * matern52WithSlope(0, slopes, 0) // 1, and slopes[0] = -5/6
 * ```
 */
export function matern52WithSlope(r2: number, slopes: Float64Array, at: number): number {
  const s = Math.sqrt(5 * r2)
  const e = expNonPositive(-s)
  slopes[at] = (-5 / 6) * (1 + s) * e
  return (1 + s + (5 / 3) * r2) * e
}

/** The squared difference of dimension d between a and b (Hamming for categorical dimensions). */
export function squaredDelta(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1
  const diff = a - b
  return diff * diff
}

/**
 * Squared differences of every pair i > j, per dimension, pairs in the order
 * (1,0), (2,0), (2,1), (3,0), ...: pair p = i (i - 1) / 2 + j, dimension d at
 * d * P + p with P = n (n - 1) / 2. A fit evaluates the kernel at many
 * parameters over the same pairs; dimension-major, each dimension's pass
 * (r2 += theta_d delta_d, and its gradient's dot product) is one long loop
 * through memory in order.
 *
 * @example
 * ```ts
 * const deltas = pairDeltas(points) // length n (n - 1) / 2 * D
 * ```
 */
export function pairDeltas(points: Points): Float64Array {
  const { X, n, D, categorical } = points
  const P = (n * (n - 1)) / 2
  const out = new Float64Array(P * D)
  for (let d = 0; d < D; d++) {
    const at = d * P
    const isCategorical = categorical[d] === 1
    let p = 0
    for (let i = 1; i < n; i++) {
      const xi = X[i * D + d] as number
      for (let j = 0; j < i; j++) out[at + p++] = squaredDelta(xi, X[j * D + d] as number, isCategorical)
    }
  }
  return out
}

/**
 * The kernel matrix plus noise on the diagonal, lower triangle only,
 * row-major with stride `stride`, from precomputed pair differences.
 * `slopes` (length n (n - 1) / 2), when given, receives each pair's
 * dm/d(r2) (see {@link matern52WithSlope}) for gradients.
 *
 * @example
 * ```ts
 * const K = kernelMatrix(pairDeltas(points), points.n, points.D, params)
 * ```
 */
export function kernelMatrix(
  deltas: Float64Array,
  n: number,
  D: number,
  params: KernelParams,
  stride = n,
  slopes?: Float64Array,
): Float64Array {
  const K = new Float64Array(stride * stride)
  const { theta, scale, noise } = params
  const P = (n * (n - 1)) / 2
  const r2 = new Float64Array(P)
  for (let d = 0; d < D; d++) {
    const t = theta[d] as number
    const at = d * P
    for (let p = 0; p < P; p++) r2[p] = (r2[p] as number) + t * (deltas[at + p] as number)
  }
  let p = 0
  for (let i = 0; i < n; i++) {
    const row = i * stride
    for (let j = 0; j < i; j++) {
      K[row + j] = scale * (slopes === undefined ? matern52(r2[p] as number) : matern52WithSlope(r2[p] as number, slopes, p))
      p++
    }
    K[row + i] = scale + noise
  }
  return K
}

/**
 * The kernel matrix plus noise on the diagonal straight from the points
 * (lower triangle, stride `stride`): for a single factorisation, where
 * caching the pair differences would cost more memory than it saves.
 *
 * @example
 * ```ts
 * const K = pointsKernelMatrix(points, params, capacity)
 * ```
 */
export function pointsKernelMatrix(points: Points, params: KernelParams, stride = points.n): Float64Array {
  const { X, n, D } = points
  const K = new Float64Array(stride * stride)
  for (let i = 0; i < n; i++) {
    crossKernel({ ...points, n: i }, params, X, i * D, K.subarray(i * stride, i * stride + i))
    K[i * stride + i] = params.scale + params.noise
  }
  return K
}

/**
 * The kernel between x (D coordinates at `offset` in `x`) and each of the
 * points, into `out` (length >= n); `slopesOut`, when given, receives each
 * dm/d(r2) (see {@link matern52WithSlope}).
 *
 * @example
 * ```ts
 * crossKernel(points, params, candidate, 0, k)
 * ```
 */
export function crossKernel(
  points: Points,
  params: KernelParams,
  x: ArrayLike<number>,
  offset: number,
  out: Float64Array,
  slopesOut?: Float64Array,
): void {
  const { X, n, D, categorical } = points
  const { theta, scale } = params
  for (let i = 0; i < n; i++) {
    const row = i * D
    let sum = 0
    for (let d = 0; d < D; d++) {
      const a = x[offset + d] as number
      const b = X[row + d] as number
      if (categorical[d] === 1) {
        if (a !== b) sum += theta[d] as number
      } else {
        const diff = a - b
        sum += (theta[d] as number) * diff * diff
      }
    }
    out[i] = scale * (slopesOut === undefined ? matern52(sum) : matern52WithSlope(sum, slopesOut, i))
  }
}
