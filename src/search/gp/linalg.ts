/**
 * Dense linear algebra for the Gaussian process, on row-major Float64Arrays:
 * Cholesky factorisation (with growing jitter when rounding makes a kernel
 * matrix indefinite), triangular solves, extending a factor by new rows,
 * and the inverse from the factor. Every loop runs along rows, so each
 * inner loop reads memory in order. Matrices are n x n with row stride
 * `stride` (>= n), so a factor can grow into spare rows without copying.
 */

/** A lower-triangular Cholesky factor L of an n x n matrix A = L L^T. */
export interface Cholesky {
  /** Row-major, row stride `stride`; entries above the diagonal are unused. */
  readonly L: Float64Array
  n: number
  readonly stride: number
  /** What was added to the diagonal to make A positive definite (0 when nothing was). */
  readonly jitter: number
}

/**
 * sum_{k < length} a[aAt + k] b[bAt + k], with four running sums so the
 * additions need not wait on each other (about 1.5x faster in V8 than one).
 */
export function dot(a: Float64Array, aAt: number, b: Float64Array, bAt: number, length: number): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let k = 0
  for (; k + 3 < length; k += 4) {
    s0 += (a[aAt + k] as number) * (b[bAt + k] as number)
    s1 += (a[aAt + k + 1] as number) * (b[bAt + k + 1] as number)
    s2 += (a[aAt + k + 2] as number) * (b[bAt + k + 2] as number)
    s3 += (a[aAt + k + 3] as number) * (b[bAt + k + 3] as number)
  }
  for (; k < length; k++) s0 += (a[aAt + k] as number) * (b[bAt + k] as number)
  return s0 + s1 + (s2 + s3)
}

/** Factors in place; false (L partly overwritten) when a pivot is not positive. */
function factorInPlace(L: Float64Array, n: number, stride: number): boolean {
  for (let i = 0; i < n; i++) {
    const rowI = i * stride
    for (let j = 0; j <= i; j++) {
      const rowJ = j * stride
      const sum = (L[rowI + j] as number) - dot(L, rowI, L, rowJ, j)
      if (j < i) L[rowI + j] = sum / (L[rowJ + j] as number)
      else {
        // `!(sum > 0)` also catches NaN.
        if (!(sum > 0)) return false
        L[rowI + i] = Math.sqrt(sum)
      }
    }
  }
  return true
}

/**
 * The Cholesky factor of the symmetric matrix whose lower triangle is in `A`
 * (row-major, stride `stride`). When a pivot fails, retries with jitter on the
 * diagonal, starting at 1e-10 of the mean diagonal and growing tenfold, up to
 * `maxTries` times; undefined if every try fails. `A` is left as it was.
 *
 * @example
 * ```ts
 * const chol = cholesky(Float64Array.of(4, 0, 2, 2), 2) // L = [[2, 0], [1, 1]]
 * ```
 */
export function cholesky(A: Float64Array, n: number, stride = n, maxTries = 8): Cholesky | undefined {
  const L = new Float64Array(A.length)
  let meanDiagonal = 0
  for (let i = 0; i < n; i++) meanDiagonal += Math.abs(A[i * stride + i] as number) / n
  if (!Number.isFinite(meanDiagonal)) return undefined
  let jitter = 0
  for (let attempt = 0; attempt <= maxTries; attempt++) {
    for (let i = 0; i < n; i++) {
      const row = i * stride
      for (let j = 0; j <= i; j++) L[row + j] = A[row + j] as number
      L[row + i] = (L[row + i] as number) + jitter
    }
    if (factorInPlace(L, n, stride)) return { L, n, stride, jitter }
    jitter = jitter === 0 ? 1e-10 * Math.max(meanDiagonal, Number.MIN_VALUE) : jitter * 10
  }
  return undefined
}

/**
 * Solves L x = b in place (b becomes x) for the first `chol.n` entries.
 *
 * @example
 * ```ts
 * solveLower(chol, b) // b = L^-1 b
 * ```
 */
export function solveLower(chol: Cholesky, b: Float64Array): void {
  const { L, n, stride } = chol
  for (let i = 0; i < n; i++) {
    const row = i * stride
    b[i] = ((b[i] as number) - dot(L, row, b, 0, i)) / (L[row + i] as number)
  }
}

/**
 * Solves L^T x = b in place, column by column of L^T (that is, row by row of L).
 *
 * @example
 * ```ts
 * solveLower(chol, b); solveUpper(chol, b) // b = A^-1 b
 * ```
 */
export function solveUpper(chol: Cholesky, b: Float64Array): void {
  const { L, n, stride } = chol
  for (let i = n - 1; i >= 0; i--) {
    const row = i * stride
    const x = (b[i] as number) / (L[row + i] as number)
    b[i] = x
    // Four updates a step: the loop's own work (bounds, counter) is paid a quarter as often.
    let k = 0
    for (; k + 3 < i; k += 4) {
      b[k] = (b[k] as number) - (L[row + k] as number) * x
      b[k + 1] = (b[k + 1] as number) - (L[row + k + 1] as number) * x
      b[k + 2] = (b[k + 2] as number) - (L[row + k + 2] as number) * x
      b[k + 3] = (b[k + 3] as number) - (L[row + k + 3] as number) * x
    }
    for (; k < i; k++) b[k] = (b[k] as number) - (L[row + k] as number) * x
  }
}

/**
 * A^-1 b for A = L L^T, in place.
 *
 * @example
 * ```ts
 * const alpha = Float64Array.from(y); solveCholesky(chol, alpha)
 * ```
 */
export function solveCholesky(chol: Cholesky, b: Float64Array): void {
  solveLower(chol, b)
  solveUpper(chol, b)
}

/**
 * Grows the factor by one row: A gains the row `cross` (covariances with the
 * first n points) and the diagonal entry `diagonal`. The factor must have a
 * spare row (n < stride). False when the new pivot is not positive even with
 * the factor's jitter and then 1e-10 of `diagonal` added; the factor is then
 * unchanged.
 *
 * @example
 * ```ts
 * extendCholesky(chol, kernelRow, kernelScale + noise) // chol.n grows by 1
 * ```
 */
export function extendCholesky(chol: Cholesky, cross: Float64Array, diagonal: number): boolean {
  const { L, n, stride } = chol
  if (n >= stride) throw new RangeError(`extendCholesky: no spare row (n=${n}, stride=${stride})`)
  const row = n * stride
  const l = cross.slice(0, n)
  solveLower(chol, l)
  let pivot = diagonal + chol.jitter - dot(l, 0, l, 0, n)
  if (!(pivot > 0)) pivot += 1e-10 * Math.abs(diagonal)
  if (!(pivot > 0)) return false
  L.set(l, row)
  L[row + n] = Math.sqrt(pivot)
  chol.n = n + 1
  return true
}

/**
 * The lower triangle of A^-1 (row-major n x n, stride n) from A's factor,
 * as L^-T L^-1. Both steps are dot products along rows, so every inner loop
 * reads memory in order and runs on four sums (see {@link dot}): row j of
 * U = L^-T is column j of L^-1, found by forward substitution (L u = e_j),
 * and (A^-1)[i][j] is the dot product of rows i and j of U from column i on.
 *
 * @example
 * ```ts
 * const inverse = inverseFromCholesky(chol) // inverse[i * n + j], j <= i
 * ```
 */
export function inverseFromCholesky(chol: Cholesky): Float64Array {
  const { L, n, stride } = chol
  // U[j][i] = (L^-1)[i][j], zero for i < j: U[j][i] = (delta_ij - sum_{k=j}^{i-1} L[i][k] U[j][k]) / L[i][i].
  const U = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    const rowJ = j * n
    U[rowJ + j] = 1 / (L[j * stride + j] as number)
    for (let i = j + 1; i < n; i++) {
      const rowL = i * stride
      U[rowJ + i] = -dot(L, rowL + j, U, rowJ + j, i - j) / (L[rowL + i] as number)
    }
  }
  // (L^-T L^-1)[i][j] = sum_k (L^-1)[k][i] (L^-1)[k][j] = sum_{k >= i} U[i][k] U[j][k] for j <= i.
  const inverse = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const rowI = i * n
    for (let j = 0; j <= i; j++) inverse[rowI + j] = dot(U, rowI + i, U, j * n + i, n - i)
  }
  return inverse
}

/**
 * log det A = 2 sum log L_ii.
 *
 * @example
 * ```ts
 * logDeterminant(cholesky(Float64Array.of(4, 0, 0, 9), 2)!) // log 36
 * ```
 */
export function logDeterminant(chol: Cholesky): number {
  let sum = 0
  for (let i = 0; i < chol.n; i++) sum += Math.log(chol.L[i * chol.stride + i] as number)
  return 2 * sum
}
