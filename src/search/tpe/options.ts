/** The options of {@link TPESearch}, their defaults and their checks. */
import { show } from '../../errors.ts'
import {
  boolean,
  computed,
  defineOptions,
  func,
  integer,
  number,
  oneOf,
  optionAt,
  problemAt,
  type Resolved,
  type SchemaOf,
} from '../../options/index.ts'
import type { Config } from '../../types.ts'
import { POINTS_TO_EVALUATE } from '../points-to-evaluate.ts'
import { WARM_START, type WarmStartTrial } from '../warm-start.ts'
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
  /**
   * Random trials before TPE starts (counted in finished trials).
   * @default 10
   */
  readonly nStartupTrials?: number
  /**
   * Candidates drawn from the good density per suggestion.
   * @default 24
   */
  readonly nEiCandidates?: number
  /**
   * How many finished trials are "good", given how many finished.
   * @default min(ceil(0.1 n), 25)
   */
  readonly gamma?: (n: number) => number
  /**
   * Weights of n observations in trial order (oldest first).
   * @default Optuna's, fading trials older than the newest 25
   */
  readonly weights?: (n: number) => ArrayLike<number>
  /**
   * Sample all parameters jointly from one kernel of the mixture (true) or each on its own (false). With several
   * objectives and this option not given, TPE samples each on its own: it measured better there, on every problem of
   * bench/results/multi-objective.md (Optuna's default for several objectives is univariate too).
   * @default true with one objective, false with several
   */
  readonly multivariate?: boolean
  /**
   * Count running trials as bad ones, so concurrent suggestions spread out.
   * @default true
   */
  readonly constantLiar?: boolean
  /**
   * Weight of the prior kernel against each observation's weight.
   * @default 1
   */
  readonly priorWeight?: number
  /**
   * Multivariate bandwidths: 'neighbours' (each observation's distance to its neighbours
   * in each dimension, as univariate TPE uses) or 'scott' (Optuna's multivariate rule: the same
   * `bandwidthFactor * n^(-1/(d+4)) * range` for every observation).
   * @default 'neighbours'
   */
  readonly multivariateBandwidth?: 'neighbours' | 'scott'
  /**
   * The factor of the 'scott' multivariate bandwidth.
   * @default 0.1 (Optuna's is 0.2; 0.1 measured better)
   */
  readonly bandwidthFactor?: number
  /**
   * Bound bandwidths below by range / min(100, n), the "magic clip" (n: see `magicClipCount`).
   * @default true
   */
  readonly considerMagicClip?: boolean
  /**
   * The magic clip's n: 'geometric' the geometric mean of the estimator's trials + 2 and
   * all finished trials + 2, so the good density can keep narrowing after the good set stops
   * growing; 'estimator' the estimator's trials + 2, as Optuna and Hyperopt.
   * @default 'geometric'
   */
  readonly magicClipCount?: 'estimator' | 'geometric'
  /**
   * Let the outermost observations use their distance to the bounds for their bandwidth.
   * @default false
   */
  readonly considerEndpoints?: boolean
  /**
   * Configs tried first, in order, counted in `numSamples`; keys left out are drawn at random.
   * TPE learns from their results as from any trial's.
   * @default []
   */
  readonly pointsToEvaluate?: readonly Config[]
  /**
   * Finished trials of an earlier experiment to learn from as if they had run (they are not run
   * again): `(await loadExperiment(dir)).results.trials`. Their configs must fit this space; their
   * metric is this run's `metric`, read with this run's `mode`. They count as finished trials, so
   * `nStartupTrials` random trials are skipped once that many are known.
   * @default []
   */
  readonly warmStart?: readonly WarmStartTrial[]
}

/** Every option of {@link TPESearch}: kinds, ranges and defaults. */
export const TPE_OPTIONS = defineOptions('TPESearch', {
  nStartupTrials: integer({ min: 0 }).withDefault(10),
  nEiCandidates: integer({ min: 1 }).withDefault(24),
  gamma: func<(n: number) => number>().withDefault(computed('min(ceil(0.1 n), 25)', () => defaultGamma)),
  weights: func<(n: number) => ArrayLike<number>>().withDefault(
    computed("Optuna's, fading trials older than the newest 25", () => defaultWeights),
  ),
  // Left unresolved when not given: the number of objectives, known at setup, decides (and a journal records it as not given).
  multivariate: boolean().withDeferredDefault('true with one objective, false with several'),
  constantLiar: boolean().withDefault(true),
  priorWeight: number({ above: 0 }).withDefault(1),
  multivariateBandwidth: oneOf(['neighbours', 'scott']).withDefault('neighbours'),
  bandwidthFactor: number({ above: 0 }).withDefault(0.1),
  considerMagicClip: boolean().withDefault(true),
  magicClipCount: oneOf(['estimator', 'geometric']).withDefault('geometric'),
  considerEndpoints: boolean().withDefault(false),
  pointsToEvaluate: POINTS_TO_EVALUATE.withDefault([]),
  warmStart: WARM_START.withDefault([]),
} satisfies SchemaOf<TPEOptions>)

/** The options in force: every one given or defaulted. */
export type ResolvedTPEOptions = Resolved<typeof TPE_OPTIONS.schema>

/** gamma(n) checked: an integer in [0, n] (larger values are capped at n). */
export function goodCount(gamma: (n: number) => number, n: number): number {
  const below = gamma(n)
  if (typeof below !== 'number' || !Number.isInteger(below) || below < 0) {
    throw problemAt(optionAt('TPESearch', 'gamma'), `must return an integer >= 0, got ${show(below)} for n=${n}`)
  }
  return Math.min(below, n)
}

/** weights(n) checked as Optuna does: n finite values >= 0, not all zero. */
export function observationWeights(weights: (n: number) => ArrayLike<number>, n: number): ArrayLike<number> {
  const w = weights(n)
  const bad = (rule: string) => {
    throw problemAt(optionAt('TPESearch', 'weights'), `${rule}, got ${show(Array.from(w ?? []))} for n=${n}`)
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
