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

/**
 * Factors in place; false (L partly overwritten) when a pivot is not positive.
 * Two rows at a time: each entry of an earlier row loaded serves both rows'
 * dot products (about 1.3x faster in V8 than one row at a time).
 */
function factorInPlace(L: Float64Array, n: number, stride: number): boolean {
  let i = 0
  for (; i + 1 < n; i += 2) {
    const rowI = i * stride
    const rowI1 = rowI + stride
    for (let j = 0; j < i; j++) {
      const rowJ = j * stride
      let a0 = 0
      let a1 = 0
      let b0 = 0
      let b1 = 0
      let k = 0
      for (; k + 1 < j; k += 2) {
        const u = L[rowJ + k] as number
        const v = L[rowJ + k + 1] as number
        a0 += (L[rowI + k] as number) * u
        a1 += (L[rowI + k + 1] as number) * v
        b0 += (L[rowI1 + k] as number) * u
        b1 += (L[rowI1 + k + 1] as number) * v
      }
      if (k < j) {
        const u = L[rowJ + k] as number
        a0 += (L[rowI + k] as number) * u
        b0 += (L[rowI1 + k] as number) * u
      }
      const pivot = L[rowJ + j] as number
      L[rowI + j] = ((L[rowI + j] as number) - (a0 + a1)) / pivot
      L[rowI1 + j] = ((L[rowI1 + j] as number) - (b0 + b1)) / pivot
    }
    if (!pivotRow(L, rowI, i)) return false
    L[rowI1 + i] = ((L[rowI1 + i] as number) - dot(L, rowI1, L, rowI, i)) / (L[rowI + i] as number)
    if (!pivotRow(L, rowI1, i + 1)) return false
  }
  if (i < n) {
    const rowI = i * stride
    for (let j = 0; j < i; j++) {
      const rowJ = j * stride
      L[rowI + j] = ((L[rowI + j] as number) - dot(L, rowI, L, rowJ, j)) / (L[rowJ + j] as number)
    }
    if (!pivotRow(L, rowI, i)) return false
  }
  return true
}

/** The diagonal entry of row i (its entries left of it done); false when the pivot is not positive. */
function pivotRow(L: Float64Array, row: number, i: number): boolean {
  const sum = (L[row + i] as number) - dot(L, row, L, row, i)
  // `!(sum > 0)` also catches NaN.
  if (!(sum > 0)) return false
  L[row + i] = Math.sqrt(sum)
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
 * as L^-T L^-1. Row j of U = L^-T is column j of L^-1, found by forward
 * substitution (L u = e_j); (A^-1)[i][j] is the dot product of rows i and j
 * of U from column i on. Both steps work on two rows of U at once, so each
 * entry loaded serves two products (four in the second step, 2 x 2 blocks),
 * and every inner loop reads memory in order: about 1.5x faster in V8 than
 * one dot product at a time.
 *
 * @example
 * ```ts
 * const inverse = inverseFromCholesky(chol) // inverse[i * n + j], j <= i
 * ```
 */
export function inverseFromCholesky(chol: Cholesky): Float64Array {
  const { L, n, stride } = chol
  const U = new Float64Array(n * n)
  // U[j][i] = (L^-1)[i][j], zero for i < j: U[j][i] = (delta_ij - sum_{k=j}^{i-1} L[i][k] U[j][k]) / L[i][i].
  let j = 0
  for (; j + 1 < n; j += 2) {
    const rowJ = j * n
    const rowJ1 = rowJ + n
    const ujj = 1 / (L[j * stride + j] as number)
    U[rowJ + j] = ujj
    U[rowJ1 + j + 1] = 1 / (L[(j + 1) * stride + j + 1] as number)
    U[rowJ + j + 1] = (-(L[(j + 1) * stride + j] as number) * ujj) / (L[(j + 1) * stride + j + 1] as number)
    // Rows j and j + 1 together; U[j + 1][j] = 0, so both sums may start at column j.
    for (let i = j + 2; i < n; i++) {
      const rowL = i * stride
      let a0 = 0
      let a1 = 0
      let b0 = 0
      let b1 = 0
      let k = j
      for (; k + 1 < i; k += 2) {
        const l0 = L[rowL + k] as number
        const l1 = L[rowL + k + 1] as number
        a0 += l0 * (U[rowJ + k] as number)
        a1 += l1 * (U[rowJ + k + 1] as number)
        b0 += l0 * (U[rowJ1 + k] as number)
        b1 += l1 * (U[rowJ1 + k + 1] as number)
      }
      if (k < i) {
        const l0 = L[rowL + k] as number
        a0 += l0 * (U[rowJ + k] as number)
        b0 += l0 * (U[rowJ1 + k] as number)
      }
      const inv = 1 / (L[rowL + i] as number)
      U[rowJ + i] = -(a0 + a1) * inv
      U[rowJ1 + i] = -(b0 + b1) * inv
    }
  }
  if (j < n) U[j * n + j] = 1 / (L[j * stride + j] as number)
  // (L^-T L^-1)[i][j] = sum_k (L^-1)[k][i] (L^-1)[k][j] = sum_{k >= i} U[i][k] U[j][k] for j <= i.
  const inverse = new Float64Array(n * n)
  let i = 0
  for (; i + 1 < n; i += 2) {
    const rowI = i * n
    const rowI1 = rowI + n
    // U[i + 1][i] = 0, so every sum of this pair of rows may start at column i.
    for (let c = 0; c <= i; c += 2) {
      const rowC = c * n
      const rowC1 = rowC + n
      let s00 = 0
      let s01 = 0
      let s10 = 0
      let s11 = 0
      for (let k = i; k < n; k++) {
        const a = U[rowI + k] as number
        const b = U[rowI1 + k] as number
        const u = U[rowC + k] as number
        const v = U[rowC1 + k] as number
        s00 += a * u
        s01 += a * v
        s10 += b * u
        s11 += b * v
      }
      inverse[rowI + c] = s00
      inverse[rowI1 + c] = s10
      // Column c + 1 of row i is above the diagonal when c = i.
      if (c < i) inverse[rowI + c + 1] = s01
      inverse[rowI1 + c + 1] = s11
    }
  }
  if (i < n) {
    const rowI = i * n
    for (let c = 0; c <= i; c++) inverse[rowI + c] = dot(U, rowI + i, U, c * n + i, n - i)
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
