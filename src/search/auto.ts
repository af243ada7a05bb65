/**
 * AutoSearch: GP where it is known to win, TPE elsewhere, decided once at
 * setup from the budget and the shape of the space.
 */
import { ConfigError } from '../errors.ts'
import { argumentAt, defineOptions, integer, nested, number, optionAt, type Resolved, type SchemaOf } from '../options/index.ts'
import type { Config, Result, TrialState } from '../types.ts'
import { conditionalPath } from './branches.ts'
import { isCategory, isDomain, isSearched } from './domain.ts'
import { flattenSpace } from './flatten.ts'
import { GPSearch } from './gp/gp.ts'
import { GP_OPTIONS, type GPOptions } from './gp/options.ts'
import { checkConfig, POINTS_TO_EVALUATE, PointQueue } from './points-to-evaluate.ts'
import type { Searcher, SearcherSetup } from './searcher.ts'
import { checkSetup } from './setup.ts'
import type { Space } from './space.ts'
import { TPE_OPTIONS, type TPEOptions } from './tpe/options.ts'
import { TPESearch } from './tpe/tpe.ts'
import { checkWarmStart, WARM_START, type WarmStartTrial } from './warm-start.ts'

/**
 * Options of {@link AutoSearch}. Every one is optional; docs/search.md has
 * the measurements behind the defaults.
 *
 * @example
 * ```ts
 * new AutoSearch({ maxGPTrials: 300, gp: { nStartupTrials: 5 } })
 * ```
 */
export interface AutoOptions {
  /**
   * GP is used only when the experiment asks for at most this many trials (`numSamples`).
   * @default 500
   */
  readonly maxGPTrials?: number
  /**
   * GP is used only when at most this share of the searched parameters are `choice` or `grid`.
   * @default 0.5
   */
  readonly maxCategoricalShare?: number
  /**
   * Configs tried first, in order, by whichever searcher is chosen (before any in `gp` or `tpe`).
   * @default []
   */
  readonly pointsToEvaluate?: readonly Config[]
  /**
   * Finished trials of an earlier experiment the chosen searcher learns from (before any in `gp` or `tpe`).
   * @default []
   */
  readonly warmStart?: readonly WarmStartTrial[]
  /** Options for the GP searcher, when chosen. */
  readonly gp?: GPOptions
  /** Options for the TPE searcher, when chosen. */
  readonly tpe?: TPEOptions
}

/** Every option of {@link AutoSearch}: kinds, ranges and defaults; `gp` and `tpe` are read with their searchers' schemas. */
export const AUTO_OPTIONS = defineOptions('AutoSearch', {
  maxGPTrials: integer({ min: 0 }).withDefault(500),
  maxCategoricalShare: number({ min: 0, max: 1 }).withDefault(0.5),
  pointsToEvaluate: POINTS_TO_EVALUATE.withDefault([]),
  warmStart: WARM_START.withDefault([]),
  gp: nested(GP_OPTIONS.schema),
  tpe: nested(TPE_OPTIONS.schema),
} satisfies SchemaOf<AutoOptions>)

/**
 * The share of a space's searched parameters that are categories (`choice` or `grid` of two or more values);
 * 0 for a space of constants. A choice of one value is a constant, as GPSearch counts it.
 */
function categoricalShare(space: Space): number {
  const searched = flattenSpace(space).flatMap(({ value }) => (isDomain(value) && isSearched(value) ? [value] : []))
  if (searched.length === 0) return 0
  return searched.filter(isCategory).length / searched.length
}

/**
 * Picks the searcher at setup: {@link GPSearch} when the budget
 * (`numSamples`) is at most `maxGPTrials` and at most `maxCategoricalShare`
 * of the parameters are categorical and the space has no choice over
 * sub-spaces (GP does not model conditional spaces), else {@link TPESearch}. GP wins on
 * small budgets over numeric parameters, where each of its suggestions
 * (milliseconds to a second) is cheap beside a trial; TPE scales to
 * thousands of trials at a millisecond each and handles many categories
 * well. A Study without `numSamples` has an unlimited budget, so it gets TPE.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, search: new AutoSearch(), numSamples: 80 }) // GP on a numeric space
 * ```
 */
export class AutoSearch implements Searcher {
  /** The options in force, defaults filled in (those of `gp` and `tpe` too). */
  readonly options: Resolved<typeof AUTO_OPTIONS.schema>
  #inner: Searcher | undefined
  #space: Space | undefined
  #choice: 'gp' | 'tpe' | undefined

  constructor(options?: AutoOptions) {
    this.options = AUTO_OPTIONS.read(options)
  }

  /** Which searcher the last setup chose: 'gp', 'tpe', or undefined before setup. */
  get choice(): 'gp' | 'tpe' | undefined {
    return this.#choice
  }

  setup(options: SearcherSetup): void {
    const { space, numSamples, objectives } = checkSetup(options)
    // GP models one objective over an unconditional space; several objectives go to TPE, which splits trials by
    // Pareto dominance, and so do conditional spaces, where TPE fits each branch on its own trials (GPSearch refuses both).
    const several = objectives !== undefined && objectives.length > 1
    const useGP =
      !several &&
      numSamples <= this.options.maxGPTrials &&
      categoricalShare(space) <= this.options.maxCategoricalShare &&
      conditionalPath(space) === undefined
    this.#choice = useGP ? 'gp' : 'tpe'
    const { pointsToEvaluate, warmStart, gp, tpe } = this.options
    this.#space = space
    // Checked here first, so an error names AutoSearch's own option and index.
    new PointQueue(space, pointsToEvaluate, optionAt('AutoSearch', 'pointsToEvaluate'), numSamples)
    checkWarmStart(space, warmStart, 'AutoSearch')
    const inner = useGP ? gp : tpe
    const shared = {
      pointsToEvaluate: [...pointsToEvaluate, ...inner.pointsToEvaluate],
      warmStart: [...warmStart, ...inner.warmStart],
    }
    this.#inner = useGP ? new GPSearch({ ...gp, ...shared }) : new TPESearch({ ...tpe, ...shared })
    this.#inner.setup(options)
  }

  suggest(trialId: number): Config | null {
    if (this.#inner === undefined) throw new ConfigError('AutoSearch.suggest: call setup() first', { field: 'search' })
    return this.#inner.suggest(trialId)
  }

  /**
   * Queues `config` on the chosen searcher (see {@link Searcher.enqueue}).
   *
   * @example
   * ```ts
   * search.enqueue({ lr: 0.01 })
   * ```
   */
  enqueue(config: Config): void {
    if (this.#inner === undefined || this.#space === undefined) {
      throw new ConfigError('AutoSearch.enqueue: call setup() first', { field: 'search' })
    }
    this.#inner.enqueue?.(checkConfig(this.#space, config, argumentAt('AutoSearch.enqueue', 'config'), false))
  }

  onTrialResult(trialId: number, result: Result): void {
    this.#inner?.onTrialResult(trialId, result)
  }

  onTrialComplete(trialId: number, result: Result | undefined, state: TrialState): void {
    this.#inner?.onTrialComplete(trialId, result, state)
  }
}
