/** The options of {@link GPSearch}, their defaults and their checks. */
import { defineOptions, integer, number, oneOf, orAuto, type Resolved, type SchemaOf } from '../../options/index.ts'
import type { Config } from '../../types.ts'
import { POINTS_TO_EVALUATE } from '../points-to-evaluate.ts'
import { WARM_START, type WarmStartTrial } from '../warm-start.ts'

/**
 * Options of the GP searcher. Every one is optional; docs/search.md gives
 * the measurements behind the defaults.
 *
 * @example
 * ```ts
 * new GPSearch({ nStartupTrials: 5, nCandidates: 1024 })
 * ```
 */
export interface GPOptions {
  /**
   * Space-filling trials before the GP starts (counted in finished trials with a value). `'auto'`: 15 when the
   * budget (`numSamples`) is at least 50 and no parameter takes few values (a `choice` or `grid` of two or more
   * values, or an integer or quantised domain of 2 to 16 values), else Optuna's 10. Measured in docs/search.md
   * ("How many start trials"): the longer start leaves fewer runs in a local optimum (Hartmann6) and won most
   * numeric functions at 50, 100 and 200 trials, but lost at 30 trials and on mixed spaces. A smaller budget
   * gets a hypercube of its own size.
   * @default 'auto'
   */
  readonly nStartupTrials?: number | 'auto'
  /**
   * Quasi-random candidates scored before the local searches.
   * @default 512
   */
  readonly nCandidates?: number
  /**
   * Local searches of the acquisition per suggestion.
   * @default 10 (as Optuna)
   */
  readonly nLocalSearch?: number
  /**
   * The kernel parameters are fitted on at most this many trials: the best
   * half of them and an even spread over the rest in trial order.
   * @default 200
   */
  readonly maxFitTrials?: number
  /**
   * The kernel is refitted once the finished trials have grown by this fraction (and at least one
   * trial) since its last fit; in between, the last fit's kernel is conditioned on every trial.
   * 0 refits whenever a trial has finished since the last fit (every suggestion of a sequential run, as Optuna).
   * @default 0.05
   */
  readonly refitAfter?: number
  /**
   * The posterior is conditioned on at most this many trials, chosen the same way.
   * @default 500
   */
  readonly maxModelTrials?: number
  /**
   * Model the values after a Yeo-Johnson power transform fitted to them by maximum likelihood, which
   * spreads out the good end of skewed values (HEBO's output warping). `true` always warps, `false`
   * never, `'auto'` when no parameter takes few values (a `choice` or `grid` of two or more values, or an
   * integer or quantised domain of 2 to 16 values): measured in docs/search.md ("Value warping" and "Spaces
   * of few values"), it is far better on Ackley-5, Rosenbrock-10 and Styblinski-Tang-5 and takes Branin's
   * last digits, but is worse on mixed spaces whose category moves the valley, and on numeric ones where a
   * layer count or a batch size moves it. Values spanning many orders of magnitude, or one
   * penalty value far beyond the rest, defeat it (the exponent stops at -3): give it the log of such a metric.
   * @default 'auto'
   */
  readonly warpValues?: boolean | 'auto'
  /**
   * The smallest noise variance the kernel may fit, as a share of the standardised values' variance: lower lets
   * the model tell apart the last digits of a deterministic objective, higher smooths a rugged one. `'auto'`:
   * 1e-8 on spaces with a parameter of few values (as for `warpValues`), where the values are not warped, and
   * Optuna's 1e-6 elsewhere (measured in docs/search.md, "The floor as an option" and "Spaces of few values"). A noisy objective fits
   * its noise above the floor either way. Below about 1e-12 the fit's own bound on the noise takes over.
   * @default 'auto'
   */
  readonly minNoise?: number | 'auto'
  /**
   * Configs tried first, in order, counted in `numSamples`; keys left out are drawn at random.
   * @default []
   */
  readonly pointsToEvaluate?: readonly Config[]
  /**
   * Finished trials of an earlier experiment to learn from as if they had run (see TPESearch's
   * `warmStart`); they count toward `nStartupTrials`.
   * @default []
   */
  readonly warmStart?: readonly WarmStartTrial[]
}

/** Every option of {@link GPSearch}: kinds, ranges and defaults. */
export const GP_OPTIONS = defineOptions('GPSearch', {
  nStartupTrials: orAuto(integer({ min: 1 })).withDefault('auto'),
  nCandidates: integer({ min: 1 }).withDefault(512),
  nLocalSearch: integer({ min: 1 }).withDefault(10),
  maxFitTrials: integer({ min: 2 }).withDefault(200),
  maxModelTrials: integer({ min: 2 }).withDefault(500),
  refitAfter: number({ min: 0, max: 1 }).withDefault(0.05),
  warpValues: oneOf<boolean | 'auto'>([true, false, 'auto']).withDefault('auto'),
  minNoise: orAuto(number({ min: 1e-12, max: 1 })).withDefault('auto'),
  pointsToEvaluate: POINTS_TO_EVALUATE.withDefault([]),
  warmStart: WARM_START.withDefault([]),
} satisfies SchemaOf<GPOptions>)

/** The options in force: every one given or defaulted. */
export type ResolvedGPOptions = Resolved<typeof GP_OPTIONS.schema>
