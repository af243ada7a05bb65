/**
 * Kernel ridge regression with random Fourier features: `features` random
 * cosines of bandwidth `gamma` approximate an RBF kernel, and a ridge
 * penalty `alpha` regularises the fit. Reports the validation error once,
 * as a returned result: a trial is one fit, which is what GP search suits
 * (few, costly trials over continuous and integer parameters).
 */
import type { SharedMatrix, TrialContext } from 'hyperpool'

interface Data {
  X: SharedMatrix
  y: Float64Array
}

interface Config {
  gamma: number
  alpha: number
  features: number
}

export default function train(config: Config, ctx: TrialContext<Data>): { loss: number } {
  const { X, y } = ctx.data
  const [rows = 0, inputs = 0] = X.shape
  const split = Math.floor(rows * 0.75)
  const m = config.features
  // Random Fourier features z(x) = sqrt(2 / m) cos(w.x + b), w ~ N(0, 2 gamma I), b ~ U(0, 2 pi): seeded per trial.
  const W = new Float64Array(m * inputs)
  for (let k = 0; k < W.length; k++) W[k] = Math.sqrt(2 * config.gamma) * gaussian(ctx.random)
  const b = Float64Array.from({ length: m }, () => 2 * Math.PI * ctx.random())
  const Z = new Float64Array(rows * m)
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < m; k++) {
      let s = b[k] as number
      for (let f = 0; f < inputs; f++) s += (W[k * inputs + f] as number) * (X.data[i * inputs + f] as number)
      Z[i * m + k] = Math.sqrt(2 / m) * Math.cos(s)
    }
  }
  // Ridge on the training rows: (Z^T Z + alpha I) w = Z^T y, solved by Cholesky.
  const A = new Float64Array(m * m)
  const r = new Float64Array(m)
  for (let i = 0; i < split; i++) {
    for (let k = 0; k < m; k++) {
      const zk = Z[i * m + k] as number
      r[k] = (r[k] as number) + zk * (y[i] as number)
      for (let l = 0; l <= k; l++) A[k * m + l] = (A[k * m + l] as number) + zk * (Z[i * m + l] as number)
    }
  }
  for (let k = 0; k < m; k++) A[k * m + k] = (A[k * m + k] as number) + config.alpha
  const w = solveSymmetric(A, r, m)
  let loss = 0
  for (let i = split; i < rows; i++) {
    let p = 0
    for (let k = 0; k < m; k++) p += (w[k] as number) * (Z[i * m + k] as number)
    loss += (p - (y[i] as number)) ** 2
  }
  return { loss: loss / (rows - split) }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/** Solves A w = r for symmetric positive definite A (lower triangle given), by Cholesky. */
function solveSymmetric(A: Float64Array, r: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j] as number
      for (let k = 0; k < j; k++) s -= (L[i * m + k] as number) * (L[j * m + k] as number)
      L[i * m + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / (L[j * m + j] as number)
    }
  }
  const w = Float64Array.from(r)
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < i; k++) w[i] = (w[i] as number) - (L[i * m + k] as number) * (w[k] as number)
    w[i] = (w[i] as number) / (L[i * m + i] as number)
  }
  for (let i = m - 1; i >= 0; i--) {
    for (let k = i + 1; k < m; k++) w[i] = (w[i] as number) - (L[k * m + i] as number) * (w[k] as number)
    w[i] = (w[i] as number) / (L[i * m + i] as number)
  }
  return w
}
