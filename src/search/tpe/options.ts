/** The options of {@link TPESearch}, their defaults and their checks. */
import { ConfigError, show } from '../../errors.ts'
import { rejectUnknownKeys } from '../../known-keys.ts'
import { defaultGamma, defaultWeights } from './split.ts'

/**
 * Options of the TPE searcher. Every one is optional; the defaults are
 * Optuna's except three chosen by the quality benchmark (docs/search.md has
 * the numbers, cell by cell): multivariate, neighbour-distance bandwidths in
 * every dimension, the 'geometric' magic clip.
 *
 * @example
 * ```ts
 * new TPESearch({ nStartupTrials: 20, multivariate: false })
 * ```
 */
export interface TPEOptions {
  /** Random trials before TPE starts (counted in finished trials). Default 10. */
  readonly nStartupTrials?: number
  /** Candidates drawn from the good density per suggestion. Default 24. */
  readonly nEiCandidates?: number
  /** How many finished trials are "good", given how many finished: default min(ceil(0.1 n), 25). */
  readonly gamma?: (n: number) => number
  /** Weights of n observations in trial order (oldest first): default Optuna's, fading trials older than the newest 25. */
  readonly weights?: (n: number) => ArrayLike<number>
  /** Sample all parameters jointly from one kernel of the mixture (true) or each on its own (false). Default true. */
  readonly multivariate?: boolean
  /** Count running trials as bad ones, so concurrent suggestions spread out. Default true. */
  readonly constantLiar?: boolean
  /** Weight of the prior kernel against each observation's weight. Default 1. */
  readonly priorWeight?: number
  /**
   * Multivariate bandwidths: 'neighbours' (default; each observation's distance to its neighbours
   * in each dimension, as univariate TPE uses) or 'scott' (Optuna's multivariate rule: the same
   * `bandwidthFactor * n^(-1/(d+4)) * range` for every observation).
   */
  readonly multivariateBandwidth?: 'neighbours' | 'scott'
  /** The factor of the 'scott' multivariate bandwidth. Default 0.1 (Optuna's is 0.2; 0.1 measured better). */
  readonly bandwidthFactor?: number
  /** Bound bandwidths below by range / min(100, n), the "magic clip" (n: see `magicClipCount`). Default true. */
  readonly considerMagicClip?: boolean
  /**
   * The magic clip's n: 'geometric' (default) the geometric mean of the estimator's trials + 2 and
   * all finished trials + 2, so the good density can keep narrowing after the good set stops
   * growing; 'estimator' the estimator's trials + 2, as Optuna and Hyperopt.
   */
  readonly magicClipCount?: 'estimator' | 'geometric'
  /** Let the outermost observations use their distance to the bounds for their bandwidth. Default false. */
  readonly considerEndpoints?: boolean
}

export type ResolvedTPEOptions = { readonly [K in keyof TPEOptions]-?: NonNullable<TPEOptions[K]> }

const KEYS = [
  'nStartupTrials',
  'nEiCandidates',
  'gamma',
  'weights',
  'multivariate',
  'constantLiar',
  'priorWeight',
  'multivariateBandwidth',
  'bandwidthFactor',
  'considerMagicClip',
  'magicClipCount',
  'considerEndpoints',
] as const

function fail(field: string, rule: string, value: unknown): never {
  throw new ConfigError(`TPESearch(options).${field}: ${rule}, got ${show(value)}`, { field: `search.${field}` })
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) fail(field, `must be an integer >= ${min}`, value)
  return value
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, 'must be a boolean', value)
  return value
}

function fn<F>(value: unknown, field: string): F {
  if (typeof value !== 'function') fail(field, 'must be a function', value)
  return value as F
}

/**
 * The options with defaults filled in, or a {@link ConfigError} naming the bad one.
 *
 * @example
 * ```ts
 * resolveOptions({ nEiCandidates: 0 }) // ConfigError: TPESearch(options).nEiCandidates: must be an integer >= 1, got 0
 * ```
 */
export function resolveOptions(options: TPEOptions | undefined): ResolvedTPEOptions {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`TPESearch(options): must be an object, got ${show(options)}`, { field: 'search' })
  }
  rejectUnknownKeys('TPESearch', options, KEYS, 'search.')
  const priorWeight = options.priorWeight ?? 1
  if (typeof priorWeight !== 'number' || !Number.isFinite(priorWeight) || priorWeight <= 0) {
    fail('priorWeight', 'must be a finite number > 0', priorWeight)
  }
  const bandwidthFactor = options.bandwidthFactor ?? 0.1
  if (typeof bandwidthFactor !== 'number' || !Number.isFinite(bandwidthFactor) || bandwidthFactor <= 0) {
    fail('bandwidthFactor', 'must be a finite number > 0', bandwidthFactor)
  }
  const multivariateBandwidth = options.multivariateBandwidth ?? 'neighbours'
  if (multivariateBandwidth !== 'neighbours' && multivariateBandwidth !== 'scott') {
    fail('multivariateBandwidth', "must be 'neighbours' or 'scott'", multivariateBandwidth)
  }
  const magicClipCount = options.magicClipCount ?? 'geometric'
  if (magicClipCount !== 'estimator' && magicClipCount !== 'geometric') {
    fail('magicClipCount', "must be 'estimator' or 'geometric'", magicClipCount)
  }
  return {
    multivariateBandwidth,
    magicClipCount,
    bandwidthFactor,
    nStartupTrials: integer(options.nStartupTrials ?? 10, 'nStartupTrials', 0),
    nEiCandidates: integer(options.nEiCandidates ?? 24, 'nEiCandidates', 1),
    gamma: fn(options.gamma ?? defaultGamma, 'gamma'),
    weights: fn(options.weights ?? defaultWeights, 'weights'),
    multivariate: flag(options.multivariate ?? true, 'multivariate'),
    constantLiar: flag(options.constantLiar ?? true, 'constantLiar'),
    priorWeight,
    considerMagicClip: flag(options.considerMagicClip ?? true, 'considerMagicClip'),
    considerEndpoints: flag(options.considerEndpoints ?? false, 'considerEndpoints'),
  }
}

/** gamma(n) checked: an integer in [0, n] (larger values are capped at n). */
export function goodCount(gamma: (n: number) => number, n: number): number {
  const below = gamma(n)
  if (typeof below !== 'number' || !Number.isInteger(below) || below < 0) {
    throw new ConfigError(`TPESearch(options).gamma: must return an integer >= 0, got ${show(below)} for n=${n}`, { field: 'search.gamma' })
  }
  return Math.min(below, n)
}

/** weights(n) checked as Optuna does: n finite values >= 0, not all zero. */
export function observationWeights(weights: (n: number) => ArrayLike<number>, n: number): ArrayLike<number> {
  const w = weights(n)
  const bad = (rule: string) => {
    throw new ConfigError(`TPESearch(options).weights: ${rule}, got ${show(Array.from(w ?? []))} for n=${n}`, { field: 'search.weights' })
  }
  if (w === null || typeof w !== 'object' || typeof w.length !== 'number' || w.length < n) bad(`must return at least n numbers`)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const v = w[i]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad('must return finite numbers >= 0')
    sum += v as number
  }
  if (n > 0 && sum <= 0) bad('must not return all zeros')
  return w
}
