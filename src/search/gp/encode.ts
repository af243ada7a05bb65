/**
 * The GP's coordinates of a space: every numeric dimension mapped onto
 * [0, 1], where the kernel's lengthscales (and their prior) make sense.
 * Built on TPE's encoding (src/search/tpe/encode.ts), which already turns
 * domains into continuous, discrete and categorical dimensions:
 *
 * - continuous: (c - low) / (high - low), c the value or its log for log domains;
 * - discrete (integer and quantised domains): the same over the k of the
 *   value k (or k q), the range widened by half a step at each end so
 *   every value owns an equal share of [0, 1] (log spaced for log domains);
 * - `randn`: Phi((x - mean) / sd), so [0, 1] covers the whole line and a
 *   uniform point is a draw from the domain;
 * - categorical (`choice` and `grid`): the index of the value, compared by
 *   the kernel as equal or not.
 */

import type { Space } from '../space.ts'
import { type Dim, decodeConfig, type Encoding, encodeConfig, encodeSpace } from '../tpe/encode.ts'
import { normalCdf, normalQuantile } from './normal.ts'

/** randn coordinates stay this far inside (0, 1): about 4.75 standard deviations. */
const NORMAL_MARGIN = 1e-6

/** A space in GP coordinates. */
export interface UnitSpace {
  readonly encoding: Encoding
  readonly D: number
  /** 1 where the dimension is categorical. */
  readonly categorical: Uint8Array
}

/**
 * The GP coordinates of a (validated) space.
 *
 * @example
 * ```ts
 * const unit = unitSpace({ lr: loguniform(1e-4, 1e-1), act: choice(['relu', 'tanh']) }) // D = 2
 * ```
 */
export function unitSpace(space: Space): UnitSpace {
  const encoding = encodeSpace(space)
  const categorical = Uint8Array.from(encoding.dims, (dim) => (dim.kind === 'categorical' ? 1 : 0))
  return { encoding, D: encoding.dims.length, categorical }
}

/** True for `randn` dimensions: TPE encodes them as continuous with infinite bounds. */
function isNormal(dim: Dim): boolean {
  return dim.kind === 'continuous' && !Number.isFinite(dim.low)
}

/** How many values a dimension takes: categories, grid steps, or Infinity for continuous ones. */
export function valueCount(dim: Dim): number {
  if (dim.kind === 'categorical') return dim.values.length
  if (dim.kind === 'discrete') return dim.last - dim.first + 1
  return Number.POSITIVE_INFINITY
}

/**
 * A discrete dimension of at most this many values takes few: the acquisition search tries each of
 * them (Optuna's rule), and GPSearch's 'auto' defaults treat it like a category (docs/search.md, "Spaces of
 * few values").
 */
const FEW_VALUES = 16

/**
 * Whether a dimension of two or more values takes few of them: a category, or an integer or quantised domain
 * of 2 to 16 values. Continuous dimensions and constants do not.
 *
 * @example
 * ```ts
 * isFewValued(unitSpace({ layers: randint(1, 9) }).encoding.dims[0]) // true: 8 layer counts
 * ```
 */
export function isFewValued(dim: Dim): boolean {
  const count = valueCount(dim)
  return count >= 2 && (dim.kind === 'categorical' || count <= FEW_VALUES)
}

/**
 * Whether some parameter takes few values ({@link isFewValued}). On such spaces the objective moves in
 * steps, and GPSearch's 'auto' defaults leave the values unwarped, fit a lower noise floor and start with
 * 10 trials.
 *
 * @example
 * ```ts
 * hasFewValued(unitSpace({ lr: loguniform(1e-4, 1), layers: randint(1, 9) })) // true
 * ```
 */
export function hasFewValued(unit: UnitSpace): boolean {
  return unit.encoding.dims.some(isFewValued)
}

/** The unit coordinate of step k of a discrete dimension. */
export function discreteUnit(dim: Dim & { kind: 'discrete' }, k: number): number {
  return ((dim.log ? Math.log(k) : k) - dim.low) / dim.span
}

/** The unit coordinate of a TPE coordinate (model coordinate, k, or index). */
function toUnit(dim: Dim, value: number): number {
  switch (dim.kind) {
    case 'categorical':
      return value
    case 'discrete':
      return discreteUnit(dim, value)
    case 'continuous':
      if (isNormal(dim)) return normalCdf((value - dim.priorMu) / dim.priorSigma)
      return (value - dim.low) / dim.span
  }
}

/** The TPE coordinate of a unit coordinate: the nearest value the domain holds. */
function fromUnit(dim: Dim, u: number): number {
  switch (dim.kind) {
    case 'categorical':
      return Math.min(dim.values.length - 1, Math.max(0, Math.round(u)))
    case 'discrete': {
      const c = dim.low + u * dim.span
      const k = Math.round(dim.log ? Math.exp(c) : c)
      return Math.min(dim.last, Math.max(dim.first, k))
    }
    case 'continuous':
      if (isNormal(dim)) {
        const clamped = Math.min(1 - NORMAL_MARGIN, Math.max(NORMAL_MARGIN, u))
        return dim.priorMu + dim.priorSigma * normalQuantile(clamped)
      }
      return Math.min(dim.high, Math.max(dim.low, dim.low + u * dim.span))
  }
}

/**
 * Moves u onto the nearest value of dimension d: grid steps for discrete
 * dimensions, whole indices for categorical ones, [0, 1] (or randn's
 * margin) for continuous ones.
 *
 * @example
 * ```ts
 * snap(unit, d, 0.37) // the unit coordinate of the nearest integer, for a randint dimension
 * ```
 */
export function snap(unit: UnitSpace, d: number, u: number): number {
  const dim = unit.encoding.dims[d] as Dim
  if (dim.kind === 'continuous' && !isNormal(dim)) return Math.min(1, Math.max(0, u))
  return toUnit(dim, fromUnit(dim, u))
}

/**
 * A uniform draw u in [0, 1) as a coordinate of dimension d: categorical
 * dimensions take category floor(u m), so each is equally likely; the rest
 * {@link snap}.
 *
 * @example
 * ```ts
 * drawnCoordinate(unit, d, random())
 * ```
 */
export function drawnCoordinate(unit: UnitSpace, d: number, u: number): number {
  const dim = unit.encoding.dims[d] as Dim
  if (dim.kind === 'categorical') return Math.min(dim.values.length - 1, Math.floor(u * dim.values.length))
  return snap(unit, d, u)
}

/**
 * A config's unit coordinates.
 *
 * @example
 * ```ts
 * encodeUnit(unit, { lr: 1e-2, act: 'tanh' }) // Float64Array [0.6666..., 1]
 * ```
 */
export function encodeUnit(unit: UnitSpace, config: Record<string, unknown>): Float64Array {
  const vector = encodeConfig(unit.encoding, config)
  unit.encoding.dims.forEach((dim, d) => {
    vector[d] = toUnit(dim, vector[d] as number)
  })
  return vector
}

/**
 * The config at unit coordinates (each snapped to a value its domain holds).
 *
 * @example
 * ```ts
 * decodeUnit(unit, Float64Array.of(0.5, 0)) // { lr: 0.00316..., act: 'relu' }
 * ```
 */
export function decodeUnit(unit: UnitSpace, u: ArrayLike<number>): Record<string, unknown> {
  const vector = new Float64Array(unit.D)
  unit.encoding.dims.forEach((dim, d) => {
    vector[d] = fromUnit(dim, u[d] as number)
  })
  return decodeConfig(unit.encoding, vector)
}
