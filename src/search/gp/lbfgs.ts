/**
 * A small box-constrained quasi-Newton minimiser (projected L-BFGS): the
 * L-BFGS two-loop direction over the variables not pinned at a bound,
 * steepest descent when that is not a descent direction, and a projected
 * backtracking line search with the Armijo condition. It serves both the
 * kernel fit and the acquisition's local search, whose evaluations cost far
 * more than this bookkeeping.
 */

/** The objective: returns f(x) and writes its gradient into `gradient`. Non-finite values are treated as "too far". */
export type Objective = (x: Float64Array, gradient: Float64Array) => number

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Bounds per variable (default unbounded). */
  readonly lower?: ArrayLike<number>
  readonly upper?: ArrayLike<number>
  /** Stop after this many iterations (each one line search). */
  readonly maxIterations: number
  /** Stop when every component of the projected gradient is at most this. */
  readonly gradientTolerance: number
  /** Stop when an iteration improves f by at most this times max(|f|, 1). Default 1e-9. */
  readonly relativeTolerance?: number
  /** Correction pairs kept. Default 10. */
  readonly memory?: number
  /**
   * Correction pairs to start from: a result's `curvature` from a similar problem in the same variables
   * (the same fit after a few more trials), so the first steps are already quasi-Newton steps.
   */
  readonly curvature?: Curvature
}

/** L-BFGS correction pairs: steps s and gradient changes y, oldest first. */
export interface Curvature {
  readonly s: readonly Float64Array[]
  readonly y: readonly Float64Array[]
}

/** Where {@link minimize} stopped. */
export interface MinimizeResult {
  readonly x: Float64Array
  readonly value: number
  readonly iterations: number
  readonly evaluations: number
  /** The correction pairs at the end (see {@link MinimizeOptions.curvature}). */
  readonly curvature: Curvature
}

const MAX_LINE_SEARCH = 20
const ARMIJO = 1e-4

/**
 * Minimises `objective` from `x0` within the bounds.
 *
 * @example
 * ```ts
 * const { x } = minimize((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2 }, [0], { maxIterations: 50, gradientTolerance: 1e-8 })
 * // x[0] = 3
 * ```
 */
export function minimize(objective: Objective, x0: ArrayLike<number>, options: MinimizeOptions): MinimizeResult {
  const n = x0.length
  const lower = options.lower
  const upper = options.upper
  const clamp = (i: number, v: number): number => {
    const lo = lower === undefined ? Number.NEGATIVE_INFINITY : (lower[i] as number)
    const hi = upper === undefined ? Number.POSITIVE_INFINITY : (upper[i] as number)
    return Math.min(hi, Math.max(lo, v))
  }
  const memory = options.memory ?? 10
  const relativeTolerance = options.relativeTolerance ?? 1e-9
  let x = new Float64Array(n)
  for (let i = 0; i < n; i++) x[i] = clamp(i, x0[i] as number)
  let g = new Float64Array(n)
  let f = objective(x, g)
  let evaluations = 1
  const S: Float64Array[] = []
  const Y: Float64Array[] = []
  const rho: number[] = []
  if (!Number.isFinite(f)) return { x, value: f, iterations: 0, evaluations, curvature: { s: S, y: Y } }
  const given = options.curvature
  if (given !== undefined) {
    for (let k = Math.max(0, given.s.length - memory); k < given.s.length; k++) {
      const s = given.s[k] as Float64Array
      const y = given.y[k] as Float64Array
      if (s.length !== n || y.length !== n) continue
      let sy = 0
      for (let i = 0; i < n; i++) sy += (s[i] as number) * (y[i] as number)
      if (!(sy > 0)) continue
      S.push(s.slice())
      Y.push(y.slice())
      rho.push(1 / sy)
    }
  }
  const alphas = new Float64Array(memory)
  const d = new Float64Array(n)
  const free = new Uint8Array(n)
  let xNext = new Float64Array(n)
  let gNext = new Float64Array(n)
  let iterations = 0
  while (iterations < options.maxIterations) {
    // A variable at a bound whose gradient pushes outwards stays put this iteration.
    let projected = 0
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number
      const xi = x[i] as number
      const pinned = (gi > 0 && xi <= clamp(i, Number.NEGATIVE_INFINITY)) || (gi < 0 && xi >= clamp(i, Number.POSITIVE_INFINITY))
      free[i] = pinned ? 0 : 1
      if (!pinned) projected = Math.max(projected, Math.abs(gi))
    }
    if (projected <= options.gradientTolerance) break
    iterations++
    direction(g, free, S, Y, rho, alphas, d)
    let slope = 0
    for (let i = 0; i < n; i++) slope += (d[i] as number) * (g[i] as number)
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale at the bounds): forget them, go steepest.
      S.length = Y.length = rho.length = 0
      for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? -(g[i] as number) : 0
    }
    let step = 1
    if (S.length === 0) {
      let largest = 0
      for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(d[i] as number))
      step = Math.min(1, 1 / largest)
    }
    let fNext = Number.NaN
    let accepted = false
    for (let tries = 0; tries < MAX_LINE_SEARCH; tries++) {
      let decrease = 0
      for (let i = 0; i < n; i++) {
        const v = clamp(i, (x[i] as number) + step * (d[i] as number))
        xNext[i] = v
        decrease += (g[i] as number) * (v - (x[i] as number))
      }
      fNext = objective(xNext, gNext)
      evaluations++
      if (Number.isFinite(fNext) && fNext <= f + ARMIJO * decrease) {
        accepted = true
        break
      }
      // Quadratic interpolation along the step, kept within [0.1, 0.5] of it.
      const shrink = Number.isFinite(fNext) && decrease < 0 ? -decrease / (2 * (fNext - f - decrease)) : 0.1
      step *= Math.min(0.5, Math.max(0.1, shrink))
    }
    if (!accepted) {
      if (S.length === 0) break
      S.length = Y.length = rho.length = 0
      continue
    }
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    let sy = 0
    let yy = 0
    for (let i = 0; i < n; i++) {
      s[i] = (xNext[i] as number) - (x[i] as number)
      y[i] = (gNext[i] as number) - (g[i] as number)
      sy += (s[i] as number) * (y[i] as number)
      yy += (y[i] as number) * (y[i] as number)
    }
    if (sy > 1e-10 * yy) {
      if (S.length === memory) {
        S.shift()
        Y.shift()
        rho.shift()
      }
      S.push(s)
      Y.push(y)
      rho.push(1 / sy)
    }
    const improvement = f - fNext
    ;[x, xNext] = [xNext, x]
    ;[g, gNext] = [gNext, g]
    f = fNext
    if (improvement <= relativeTolerance * Math.max(Math.abs(f), 1)) break
  }
  return { x, value: f, iterations, evaluations, curvature: { s: S, y: Y } }
}

/** d = -H g over the free variables, H the L-BFGS inverse Hessian of the pairs (S, Y). */
function direction(
  g: Float64Array,
  free: Uint8Array,
  S: readonly Float64Array[],
  Y: readonly Float64Array[],
  rho: readonly number[],
  alphas: Float64Array,
  d: Float64Array,
): void {
  const n = g.length
  for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? (g[i] as number) : 0
  const m = S.length
  for (let k = m - 1; k >= 0; k--) {
    const s = S[k] as Float64Array
    const y = Y[k] as Float64Array
    let a = 0
    for (let i = 0; i < n; i++) a += (s[i] as number) * (d[i] as number)
    a *= rho[k] as number
    alphas[k] = a
    for (let i = 0; i < n; i++) d[i] = (d[i] as number) - a * (y[i] as number)
  }
  if (m > 0) {
    const s = S[m - 1] as Float64Array
    const y = Y[m - 1] as Float64Array
    let sy = 0
    let yy = 0
    for (let i = 0; i < n; i++) {
      sy += (s[i] as number) * (y[i] as number)
      yy += (y[i] as number) * (y[i] as number)
    }
    const gamma = sy / yy
    for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma
  }
  for (let k = 0; k < m; k++) {
    const s = S[k] as Float64Array
    const y = Y[k] as Float64Array
    let b = 0
    for (let i = 0; i < n; i++) b += (y[i] as number) * (d[i] as number)
    b *= rho[k] as number
    const a = alphas[k] as number
    for (let i = 0; i < n; i++) d[i] = (d[i] as number) + (a - b) * (s[i] as number)
  }
  for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? -(d[i] as number) : 0
}
