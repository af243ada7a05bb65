/**
 * The GP posterior of the latent objective given the observations and
 * fitted kernel parameters: mean k^T K^-1 y and variance
 * scale - k^T K^-1 k at any point, with their gradients in the numeric
 * coordinates. Pending points join as "Kriging believer" fantasies: each is
 * observed, without noise, at the posterior mean, which removes the
 * variance around it without moving the mean, so the next suggestion looks
 * elsewhere.
 */
import { crossKernel, type KernelParams, matern52, type Points, pointsKernelMatrix } from './kernel.ts'
import { type Cholesky, cholesky, extendCholesky, solveCholesky, solveLower, solveUpper } from './linalg.ts'

/** Points per block of {@link Posterior.predictMany}: enough for independent work in the inner loops, few enough to stay in cache. */
const BLOCK = 32

/** The posterior mean and variance at a point. */
export interface Prediction {
  mean: number
  variance: number
}

/** A GP conditioned on observations, with room for `spare` fantasies. */
export class Posterior {
  readonly params: KernelParams
  readonly #D: number
  readonly #categorical: Uint8Array
  /** Rows of observed points, then fantasies; capacity rows in all. */
  readonly #X: Float64Array
  readonly #y: Float64Array
  readonly #chol: Cholesky
  #alpha: Float64Array
  // Scratch, one per instance: evaluations are sequential.
  readonly #k: Float64Array
  /** dm/d(r2) of the last {@link predict}'s point against each point, for its gradient. */
  readonly #slopes: Float64Array
  readonly #v: Float64Array

  /**
   * Conditions on `y` at `points`; undefined when the kernel matrix cannot be
   * factored even with jitter.
   *
   * @example
   * ```ts
   * const posterior = Posterior.create(points, y, params, pending.length)
   * ```
   */
  static create(points: Points, y: Float64Array, params: KernelParams, spare = 0): Posterior | undefined {
    const capacity = points.n + spare
    const K = pointsKernelMatrix(points, params, capacity)
    const chol = cholesky(K, points.n, capacity)
    if (chol === undefined) return undefined
    return new Posterior(points, y, params, chol, capacity)
  }

  private constructor(points: Points, y: Float64Array, params: KernelParams, chol: Cholesky, capacity: number) {
    this.params = params
    this.#D = points.D
    this.#categorical = points.categorical
    this.#X = new Float64Array(capacity * points.D)
    this.#X.set(points.X.subarray(0, points.n * points.D))
    this.#y = new Float64Array(capacity)
    this.#y.set(y.subarray(0, points.n))
    this.#chol = chol
    this.#alpha = this.#solve()
    this.#k = new Float64Array(capacity)
    this.#slopes = new Float64Array(capacity)
    this.#v = new Float64Array(capacity)
  }

  /** How many points (observed and fantasised) the posterior is conditioned on. */
  get size(): number {
    return this.#chol.n
  }

  #solve(): Float64Array {
    const alpha = this.#y.slice()
    solveCholesky(this.#chol, alpha)
    return alpha
  }

  #points(): Points {
    return { X: this.#X, n: this.#chol.n, D: this.#D, categorical: this.#categorical }
  }

  /**
   * Mean and variance at the D coordinates of `x` from `offset`.
   *
   * @example
   * ```ts
   * const { mean, variance } = posterior.predict(candidates, c * D)
   * ```
   */
  predict(x: ArrayLike<number>, offset = 0): Prediction {
    const n = this.#chol.n
    const k = this.#k
    crossKernel(this.#points(), this.params, x, offset, k, this.#slopes)
    let mean = 0
    for (let i = 0; i < n; i++) mean += (k[i] as number) * (this.#alpha[i] as number)
    const v = this.#v
    v.set(k.subarray(0, n))
    solveLower(this.#chol, v)
    let explained = 0
    for (let i = 0; i < n; i++) explained += (v[i] as number) * (v[i] as number)
    return { mean, variance: Math.max(0, this.params.scale - explained) }
  }

  /**
   * Means and variances at `count` points (rows of D in `xs`), into `means`
   * and `variances`. Works on blocks of points at once: the triangular solve
   * then runs along each block (independent updates) rather than along a
   * dot product, several times faster than {@link predict} point by point.
   *
   * @example
   * ```ts
   * posterior.predictMany(candidates, count, means, variances)
   * ```
   */
  predictMany(xs: Float64Array, count: number, means: Float64Array, variances: Float64Array): void {
    const n = this.#chol.n
    const D = this.#D
    const { L, stride } = this.#chol
    const { theta, scale } = this.params
    const X = this.#X
    const alpha = this.#alpha
    const categorical = this.#categorical
    const B = Math.min(BLOCK, count)
    // V[i * B + c]: the kernel of point i and candidate c, then (L^-1 k_c)_i.
    const V = new Float64Array(n * B)
    const xT = new Float64Array(D * B)
    for (let start = 0; start < count; start += B) {
      const m = Math.min(B, count - start)
      for (let c = 0; c < m; c++) for (let d = 0; d < D; d++) xT[d * B + c] = xs[(start + c) * D + d] as number
      for (let i = 0; i < n; i++) {
        const rowX = i * D
        const row = i * B
        // Four candidates at a time, their r2 in locals: each dimension's theta and X entry load once for four.
        let c = 0
        for (; c + 3 < m; c += 4) {
          let r0 = 0
          let r1 = 0
          let r2 = 0
          let r3 = 0
          for (let d = 0; d < D; d++) {
            const t = theta[d] as number
            const xi = X[rowX + d] as number
            const col = d * B + c
            if (categorical[d] === 1) {
              if (xT[col] !== xi) r0 += t
              if (xT[col + 1] !== xi) r1 += t
              if (xT[col + 2] !== xi) r2 += t
              if (xT[col + 3] !== xi) r3 += t
            } else {
              const d0 = (xT[col] as number) - xi
              const d1 = (xT[col + 1] as number) - xi
              const d2 = (xT[col + 2] as number) - xi
              const d3 = (xT[col + 3] as number) - xi
              r0 += t * d0 * d0
              r1 += t * d1 * d1
              r2 += t * d2 * d2
              r3 += t * d3 * d3
            }
          }
          V[row + c] = scale * matern52(r0)
          V[row + c + 1] = scale * matern52(r1)
          V[row + c + 2] = scale * matern52(r2)
          V[row + c + 3] = scale * matern52(r3)
        }
        for (; c < m; c++) {
          let r = 0
          for (let d = 0; d < D; d++) {
            const t = theta[d] as number
            const xi = X[rowX + d] as number
            const u = xT[d * B + c] as number
            if (categorical[d] === 1) {
              if (u !== xi) r += t
            } else {
              const diff = u - xi
              r += t * diff * diff
            }
          }
          V[row + c] = scale * matern52(r)
        }
      }
      for (let c = 0; c < m; c++) means[start + c] = 0
      for (let i = 0; i < n; i++) {
        const a = alpha[i] as number
        const row = i * B
        for (let c = 0; c < m; c++) means[start + c] = (means[start + c] as number) + a * (V[row + c] as number)
      }
      forwardSubstitute(L, stride, n, V, B, m)
      for (let c = 0; c < m; c++) variances[start + c] = scale
      for (let i = 0; i < n; i++) {
        const row = i * B
        for (let c = 0; c < m; c++) variances[start + c] = (variances[start + c] as number) - (V[row + c] as number) ** 2
      }
      for (let c = 0; c < m; c++) variances[start + c] = Math.max(0, variances[start + c] as number)
    }
  }

  /**
   * Mean and variance at `x` (length D), their gradients written to
   * `meanGradient` and `varianceGradient` (zero in categorical dimensions).
   *
   * @example
   * ```ts
   * const p = posterior.predictWithGradient(x, dMean, dVariance)
   * ```
   */
  predictWithGradient(x: Float64Array, meanGradient: Float64Array, varianceGradient: Float64Array): Prediction {
    const prediction = this.predict(x, 0)
    const n = this.#chol.n
    const D = this.#D
    // w = K^-1 k from v = L^-1 k.
    const w = this.#v
    solveUpper(this.#chol, w)
    meanGradient.fill(0)
    varianceGradient.fill(0)
    const { theta, scale } = this.params
    const X = this.#X
    const alpha = this.#alpha
    for (let i = 0; i < n; i++) {
      // dk_i/dx_d = scale m'(r2_i) * 2 theta_d (x_d - X_id)
      const c = scale * (this.#slopes[i] as number)
      const a = (alpha[i] as number) * c
      const b = (w[i] as number) * c
      const row = i * D
      for (let d = 0; d < D; d++) {
        if (this.#categorical[d] === 1) continue
        const diff = (x[d] as number) - (X[row + d] as number)
        meanGradient[d] = (meanGradient[d] as number) + a * diff
        varianceGradient[d] = (varianceGradient[d] as number) + b * diff
      }
    }
    for (let d = 0; d < D; d++) {
      const t = theta[d] as number
      meanGradient[d] = 2 * t * (meanGradient[d] as number)
      varianceGradient[d] = -4 * t * (varianceGradient[d] as number)
    }
    return prediction
  }

  /**
   * Adds a Kriging-believer fantasy at `x`: observed at the current mean.
   * Returns that mean, or undefined (nothing added) when the factor cannot
   * grow (no spare row, or the point duplicates one too closely).
   *
   * @example
   * ```ts
   * for (const x of pending) posterior.addFantasy(x)
   * ```
   */
  addFantasy(x: Float64Array): number | undefined {
    const n = this.#chol.n
    if (n >= this.#chol.stride) return undefined
    // predict leaves k(x, points) in #k.
    const { mean } = this.predict(x, 0)
    // Believed exactly (the smallest noise), not with the fitted noise: where the posterior is already
    // surer than that noise, a noisy fantasy would barely lower the variance, and the next suggestion would land on top.
    if (!extendCholesky(this.#chol, this.#k, this.params.scale + this.params.minNoise)) return undefined
    this.#X.set(x, n * this.#D)
    this.#y[n] = mean
    this.#alpha = this.#solve()
    return mean
  }
}

/**
 * Forward substitution L X = V for the first m of the B right-hand sides
 * stored column-wise in V (V[i * B + c]), in place. Two rows by four
 * right-hand sides at a time, their running sums kept in locals: each step
 * loads two entries of L and four of V for eight updates, and nothing is
 * stored until the rows' end (each halving of the loads per update measured
 * about 1.3-2x faster in V8).
 */
function forwardSubstitute(L: Float64Array, stride: number, n: number, V: Float64Array, B: number, m: number): void {
  let i = 0
  for (; i + 1 < n; i += 2) {
    const row = i * B
    const row1 = row + B
    const lRow = i * stride
    const lRow1 = lRow + stride
    const inv = 1 / (L[lRow + i] as number)
    const inv1 = 1 / (L[lRow1 + i + 1] as number)
    const link = L[lRow1 + i] as number
    let c = 0
    for (; c + 3 < m; c += 4) {
      let s0 = V[row + c] as number
      let s1 = V[row + c + 1] as number
      let s2 = V[row + c + 2] as number
      let s3 = V[row + c + 3] as number
      let t0 = V[row1 + c] as number
      let t1 = V[row1 + c + 1] as number
      let t2 = V[row1 + c + 2] as number
      let t3 = V[row1 + c + 3] as number
      for (let j = 0; j < i; j++) {
        const l = L[lRow + j] as number
        const k = L[lRow1 + j] as number
        const at = j * B + c
        const v0 = V[at] as number
        const v1 = V[at + 1] as number
        const v2 = V[at + 2] as number
        const v3 = V[at + 3] as number
        s0 -= l * v0
        s1 -= l * v1
        s2 -= l * v2
        s3 -= l * v3
        t0 -= k * v0
        t1 -= k * v1
        t2 -= k * v2
        t3 -= k * v3
      }
      s0 *= inv
      s1 *= inv
      s2 *= inv
      s3 *= inv
      V[row + c] = s0
      V[row + c + 1] = s1
      V[row + c + 2] = s2
      V[row + c + 3] = s3
      V[row1 + c] = (t0 - link * s0) * inv1
      V[row1 + c + 1] = (t1 - link * s1) * inv1
      V[row1 + c + 2] = (t2 - link * s2) * inv1
      V[row1 + c + 3] = (t3 - link * s3) * inv1
    }
    for (; c < m; c++) {
      let sum = V[row + c] as number
      let sum1 = V[row1 + c] as number
      for (let j = 0; j < i; j++) {
        const v = V[j * B + c] as number
        sum -= (L[lRow + j] as number) * v
        sum1 -= (L[lRow1 + j] as number) * v
      }
      sum *= inv
      V[row + c] = sum
      V[row1 + c] = (sum1 - link * sum) * inv1
    }
  }
  if (i < n) {
    const row = i * B
    const lRow = i * stride
    const inv = 1 / (L[lRow + i] as number)
    for (let c = 0; c < m; c++) {
      let sum = V[row + c] as number
      for (let j = 0; j < i; j++) sum -= (L[lRow + j] as number) * (V[j * B + c] as number)
      V[row + c] = sum * inv
    }
  }
}
