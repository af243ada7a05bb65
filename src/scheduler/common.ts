import { ConfigError, show } from '../errors.ts'
import { argumentAt, check, didYouMean, invalid, METRIC, MODE, optionAt, problemAt } from '../options/index.ts'
import { validateSeed } from '../search/rng.ts'
import type { Objective as ExperimentObjective, Result } from '../types.ts'
import type { SchedulerSetup } from './scheduler.ts'

/**
 * The `timeAttr` option every scheduler has: the result field that measures progress.
 *
 * @example
 * ```ts
 * timeAttr: TIME_ATTR
 * ```
 */
export const TIME_ATTR = METRIC.withDefault('training_iteration')

/** The checked setup plus `sign`: +1 in max mode, -1 in min mode, so every scheduler ranks "higher is better". */
export interface Objective extends SchedulerSetup {
  readonly sign: 1 | -1
}

/**
 * Checks what the Tuner passes to `setup`, so a scheduler driven by hand
 * fails with a typed error rather than ranking by `undefined`.
 *
 * @example
 * ```ts
 * this.#objective = readSetup('ASHAScheduler', options)
 * ```
 */
export function readSetup(owner: string, options: SchedulerSetup, rankBy?: string): Objective {
  if (typeof options !== 'object' || options === null) {
    throw invalid(argumentAt(`${owner}.setup`, 'options'), 'an object { metric, mode, seed, plannedTrials? }', options)
  }
  const { seed } = options
  let metric = check(METRIC.required(), options.metric, optionAt(`${owner}.setup`, 'metric'))
  let mode = check(MODE.required(), options.mode, optionAt(`${owner}.setup`, 'mode'))
  validateSeed(seed, optionAt(`${owner}.setup`, 'seed'))
  ;({ metric, mode } = rankedObjective(owner, options.objectives ?? [{ metric, mode }], rankBy))
  return { metric, mode, seed, sign: mode === 'max' ? 1 : -1 }
}

/**
 * The objective a scheduler that ranks trials by one number ranks them by: the one objective, or with several the
 * one its own `metric` option (`rankBy`) names; a {@link ConfigError} otherwise. The Tuner asks it when it is built
 * (`Scheduler.checkObjectives`), `setup` again for a scheduler driven by hand.
 *
 * @example
 * ```ts
 * rankedObjective('ASHAScheduler', [{ metric: 'loss', mode: 'min' }, { metric: 'acc', mode: 'max' }], 'acc') // { metric: 'acc', mode: 'max' }
 * ```
 */
export function rankedObjective(
  owner: string,
  objectives: readonly ExperimentObjective[],
  rankBy: string | undefined,
): ExperimentObjective {
  const names = objectives.map((o) => o.metric).join(', ')
  if (rankBy === undefined) {
    if (objectives.length > 1) {
      throw problemAt(
        optionAt(owner, 'metric'),
        `must name the objective to rank trials by, as this experiment has ${objectives.length} (${names}), got undefined`,
      )
    }
    return objectives[0] as ExperimentObjective
  }
  const picked = objectives.find((o) => o.metric === rankBy)
  if (picked === undefined) {
    // The same guess the Tuner's own options get: a misspelt metric (`los`) is the usual reason.
    const guess = didYouMean(
      rankBy,
      objectives.map((o) => o.metric),
    )
    throw problemAt(optionAt(owner, 'metric'), `must be one of the experiment's objectives (${names}), got ${show(rankBy)}${guess}`)
  }
  return picked
}

/** The setup, or a {@link ConfigError} when a trial arrives before `setup()`. */
export function ready<T>(value: T | undefined, owner: string): T {
  if (value === undefined) throw new ConfigError(`${owner}: call setup() before adding trials`, { field: 'scheduler' })
  return value
}

/**
 * `result[key]` when it is a number (NaN included, as Ray Tune keeps it);
 * undefined when it is missing or not a number, so that result is ignored.
 */
export function numberIn(result: Result | undefined, key: string): number | undefined {
  const value = result?.[key]
  return typeof value === 'number' ? value : undefined
}

/**
 * The score of `result` for a scheduler: `sign * result[metric]`, higher is
 * better; undefined when the metric is missing or not a number (the result
 * is ignored). A NaN metric (a diverged trial) scores -Infinity, below every
 * number, so it ranks worst wherever trials are compared.
 *
 * @example
 * ```ts
 * scoreIn({ loss: Number.NaN, training_iteration: 3, trial_id: 0, time_total_s: 1 }, 'loss', -1) // -Infinity
 * ```
 */
export function scoreIn(result: Result | undefined, metric: string, sign: 1 | -1): number | undefined {
  const value = numberIn(result, metric)
  if (value === undefined) return undefined
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : sign * value
}

/**
 * The `q`-th percentile (0..100) of `values` ignoring NaN, with linear
 * interpolation between the two closest ranks: numpy's `nanpercentile`
 * default, which Ray Tune's ASHA uses for its rung cut-offs. Undefined when
 * no value is a number.
 *
 * @example
 * ```ts
 * nanPercentile([1, 2, 3], 75) // 2.5
 * ```
 */
export function nanPercentile(values: Iterable<number>, q: number): number | undefined {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const position = (q / 100) * (sorted.length - 1)
  const below = Math.floor(position)
  const low = sorted[below] as number
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number
  const f = position - below
  // Equal ends, or no fraction, need no interpolation (and Infinity * 0 would be NaN). Otherwise
  // interpolate from the nearer end, as numpy does, so a diverged (infinite) neighbour cannot make it NaN.
  if (low === high || f === 0) return low
  const value = f >= 0.5 ? high - (high - low) * (1 - f) : low + (high - low) * f
  return Number.isNaN(value) ? (f >= 0.5 ? high : low) : value
}

/**
 * The median of `values` (the mean of the two middle ones for an even count),
 * as numpy's `median`; undefined for none.
 */
export function median(values: readonly number[]): number | undefined {
  return nanPercentile(values, 50)
}
