/**
 * Maximising the acquisition over the space, as Optuna's GPSampler does:
 * score many quasi-random candidates, start local searches from the best
 * one, a few more picked at random in proportion to their EI, and the best
 * trial so far, then polish the best end point with a tighter stopping
 * rule; each local search alternates L-BFGS over the continuous
 * coordinates (rescaled by the lengthscales, so every direction is equally
 * curved) with a search over each discrete and categorical dimension, until
 * no dimension moves.
 */
import type { Dim } from '../tpe/encode.ts'
import type { LogEI } from './acquisition.ts'
import { discreteUnit, drawnCoordinate, isFewValued, snap, type UnitSpace, valueCount } from './encode.ts'
import { minimize } from './lbfgs.ts'
import { goldenSteps, quasiRandomPoint } from './qmc.ts'

/** How hard the acquisition is maximised. */
export interface AcquisitionSearch {
  /** Quasi-random candidates scored first. */
  readonly candidates: number
  /** Local searches (the best candidate, the incumbent, and the rest picked in proportion to EI). */
  readonly localSearches: number
  /** L-BFGS iterations per continuous pass. */
  readonly maxIterations: number
}

/** Rounds of (continuous pass, discrete passes) per local search. */
const MAX_ROUNDS = 10
/**
 * When a continuous pass stops (projected gradient in rescaled coordinates, or an L-BFGS step
 * gaining less than this fraction of log EI): every start's search stops at the looser rule,
 * then the best one found is polished at the tighter one. Optuna runs every search to 1e-2.
 * Most starts end below the best, where the last digits of their climb change nothing; the
 * winner's last digits place the suggestion. Measured on 8 states each (40 GP trials, seeds
 * 0-7) of six test functions: the same or a higher maximum to 7 digits, with 11-58% fewer
 * evaluations (Rosenbrock-10: 791 instead of 1,871).
 */
interface Stop {
  readonly gradientTolerance: number
  readonly relativeTolerance: number
}
const SCREEN: Stop = { gradientTolerance: 0.3, relativeTolerance: 1e-4 }
const POLISH: Stop = { gradientTolerance: 1e-3, relativeTolerance: 1e-12 }

/**
 * The unit coordinates maximising `acquisition`, snapped onto values the
 * space holds. `incumbents` (rows of D) join the local searches' starts.
 *
 * @example
 * ```ts
 * const x = maximizeAcquisition(acquisition, unit, [bestTrial], random, { candidates: 2048, localSearches: 10, maxIterations: 200 })
 * ```
 */
export function maximizeAcquisition(
  acquisition: LogEI,
  unit: UnitSpace,
  incumbents: readonly Float64Array[],
  random: () => number,
  search: AcquisitionSearch,
): Float64Array {
  const D = unit.D
  const count = search.candidates
  const candidates = new Float64Array(count * D)
  const steps = goldenSteps(D)
  const shift = Float64Array.from({ length: D }, () => random())
  for (let c = 0; c < count; c++) {
    quasiRandomPoint(steps, shift, c, candidates, c * D)
    for (let d = 0; d < D; d++) candidates[c * D + d] = drawnCoordinate(unit, d, candidates[c * D + d] as number)
  }
  const values = new Float64Array(count)
  acquisition.values(candidates, count, values)

  const starts = pickStarts(values, Math.max(1, search.localSearches - incumbents.length), random).map((c) =>
    candidates.slice(c * D, c * D + D),
  )
  starts.push(...incumbents.map((x) => x.slice()))
  const lengthscales = acquisition.posterior.params.theta.map((t) => 1 / Math.sqrt(t))
  let best = starts[0] as Float64Array
  let bestValue = Number.NEGATIVE_INFINITY
  for (const start of starts) {
    const { x, value } = localSearch(acquisition, unit, start, lengthscales, search.maxIterations, SCREEN)
    if (value > bestValue) {
      best = x
      bestValue = value
    }
  }
  const polished = localSearch(acquisition, unit, best.slice(), lengthscales, search.maxIterations, POLISH)
  return polished.value >= bestValue ? polished.x : best
}

/**
 * The index of the best value, then up to `count - 1` others drawn without
 * replacement with probability proportional to exp(value - best) (Optuna's
 * roulette), skipping those with probability zero.
 */
function pickStarts(values: Float64Array, count: number, random: () => number): number[] {
  let top = 0
  for (let c = 1; c < values.length; c++) if ((values[c] as number) > (values[top] as number)) top = c
  const picked = [top]
  const weights = new Float64Array(values.length)
  let total = 0
  for (let c = 0; c < values.length; c++) {
    const w = c === top ? 0 : Math.exp((values[c] as number) - (values[top] as number))
    weights[c] = Number.isFinite(w) ? w : 0
    total += weights[c] as number
  }
  while (picked.length < count && total > 0) {
    let target = random() * total
    let chosen = -1
    for (let c = 0; c < values.length; c++) {
      const w = weights[c] as number
      if (w === 0) continue
      chosen = c
      target -= w
      if (target < 0) break
    }
    if (chosen < 0) break
    picked.push(chosen)
    total -= weights[chosen] as number
    weights[chosen] = 0
  }
  return picked
}

/** One local search from `start`: continuous and discrete passes until nothing moves. */
function localSearch(
  acquisition: LogEI,
  unit: UnitSpace,
  start: Float64Array,
  lengthscales: Float64Array,
  maxIterations: number,
  stop: Stop,
): { x: Float64Array; value: number } {
  const D = unit.D
  const dims = unit.encoding.dims
  const continuous: number[] = []
  const discrete: number[] = []
  dims.forEach((dim, d) => {
    const values = valueCount(dim)
    if (values === Number.POSITIVE_INFINITY) continuous.push(d)
    else if (values > 1) discrete.push(d)
  })
  let x = start
  let value = acquisition.value(x)
  if (!Number.isFinite(value)) return { x, value }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (continuous.length > 0) {
      const moved = continuousPass(acquisition, x, value, continuous, lengthscales, maxIterations, stop)
      x = moved.x
      value = moved.value
    }
    let changed = false
    for (const d of discrete) {
      const dim = dims[d] as Dim
      const moved =
        // Few values are tried one by one (Optuna's rule); more by probing.
        isFewValued(dim)
          ? exhaustivePass(acquisition, unit, x, value, d)
          : probePass(acquisition, dim as Dim & { kind: 'discrete' }, x, value, d)
      if (moved.value > value) {
        x = moved.x
        value = moved.value
        changed = true
      }
    }
    if (!changed || continuous.length === 0) break
  }
  // The continuous coordinates are already inside their bounds; snapping maps randn's edges inside its margin.
  for (let d = 0; d < D; d++) x[d] = snap(unit, d, x[d] as number)
  return { x, value }
}

/** L-BFGS over the continuous coordinates, in z = x / lengthscale; keeps x unless it improves. */
function continuousPass(
  acquisition: LogEI,
  x: Float64Array,
  value: number,
  dims: readonly number[],
  lengthscales: Float64Array,
  maxIterations: number,
  stop: Stop,
): { x: Float64Array; value: number } {
  const scales = Float64Array.from(dims, (d) => lengthscales[d] as number)
  const upper = Float64Array.from(scales, (s) => 1 / s)
  const z0 = Float64Array.from(dims, (d, i) => (x[d] as number) / (scales[i] as number))
  const point = x.slice()
  const gradient = new Float64Array(x.length)
  const result = minimize(
    (z, g) => {
      dims.forEach((d, i) => {
        point[d] = (z[i] as number) * (scales[i] as number)
      })
      const v = acquisition.valueWithGradient(point, gradient)
      dims.forEach((d, i) => {
        g[i] = -(gradient[d] as number) * (scales[i] as number)
      })
      return -v
    },
    z0,
    { lower: new Float64Array(dims.length), upper, maxIterations, ...stop },
  )
  if (!(-result.value > value)) return { x, value }
  const moved = x.slice()
  dims.forEach((d, i) => {
    moved[d] = Math.min(1, Math.max(0, (result.x[i] as number) * (scales[i] as number)))
  })
  return { x: moved, value: -result.value }
}

/** Every value of dimension d, keeping the best. */
function exhaustivePass(
  acquisition: LogEI,
  unit: UnitSpace,
  x: Float64Array,
  value: number,
  d: number,
): { x: Float64Array; value: number } {
  const dim = unit.encoding.dims[d] as Dim
  const D = unit.D
  const count = valueCount(dim)
  const trials = new Float64Array(count * D)
  for (let i = 0; i < count; i++) {
    trials.set(x, i * D)
    trials[i * D + d] =
      dim.kind === 'categorical' ? i : discreteUnit(dim as Dim & { kind: 'discrete' }, (dim as { first: number }).first + i)
  }
  const values = new Float64Array(count)
  acquisition.values(trials, count, values)
  let best = -1
  let bestValue = value
  for (let i = 0; i < count; i++) {
    if (trials[i * D + d] !== x[d] && (values[i] as number) > bestValue) {
      best = i
      bestValue = values[i] as number
    }
  }
  return best < 0 ? { x, value } : { x: trials.slice(best * D, best * D + D), value: bestValue }
}

/**
 * A discrete dimension with many values: probes at doubling distances on
 * both sides of the current step, then halves the distance around the best
 * probe until neighbours no longer improve. About 4 log2(values) evaluations.
 */
function probePass(
  acquisition: LogEI,
  dim: Dim & { kind: 'discrete' },
  x: Float64Array,
  value: number,
  d: number,
): { x: Float64Array; value: number } {
  const trial = x.slice()
  const at = (k: number): number => {
    trial[d] = discreteUnit(dim, k)
    return acquisition.value(trial)
  }
  const c = dim.low + (x[d] as number) * dim.span
  const current = Math.min(dim.last, Math.max(dim.first, Math.round(dim.log ? Math.exp(c) : c)))
  let bestK = current
  let bestValue = value
  for (const direction of [-1, 1]) {
    for (let step = 1; ; step *= 2) {
      const k = Math.min(dim.last, Math.max(dim.first, current + direction * step))
      if (k === current) break
      const v = at(k)
      if (v > bestValue) {
        bestK = k
        bestValue = v
      }
      if (k === dim.first || k === dim.last) break
    }
  }
  let step = Math.max(1, Math.floor((dim.last - dim.first) / 4))
  while (step >= 1) {
    let moved = false
    for (const k of [bestK - step, bestK + step]) {
      if (k < dim.first || k > dim.last) continue
      const v = at(k)
      if (v > bestValue) {
        bestK = k
        bestValue = v
        moved = true
      }
    }
    if (!moved) step = Math.floor(step / 2)
  }
  if (bestK === current) return { x, value }
  const moved = x.slice()
  moved[d] = discreteUnit(dim, bestK)
  return { x: moved, value: bestValue }
}
