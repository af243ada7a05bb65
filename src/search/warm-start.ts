/**
 * Trials of an earlier experiment a model-based searcher learns from as if
 * they had run (`warmStart`). Loading them is the caller's business
 * (`loadExperiment(dir)` in the tuner); this module only checks and keeps them.
 */
import { show } from '../errors.ts'
import { arrayOf, custom, invalid, isObject, isPlainObject, optionAt, type Place } from '../options/index.ts'
import { findUnstorable } from '../storable.ts'
import { type Config, type Metrics, TRIAL_STATES, type TrialState } from '../types.ts'
import { CONFIG, checkConfig } from './points-to-evaluate.ts'
import type { Space } from './space.ts'

/**
 * One finished trial to learn from: what a `TrialInfo` holds (so
 * `(await loadExperiment(dir)).results.trials` fits as it is), of which only
 * `config`, `state` and `lastResult` are read.
 *
 * @example
 * ```ts
 * const trial: WarmStartTrial = { config: { x: 0.5 }, state: 'completed', lastResult: { loss: 0.25 } }
 * ```
 */
export interface WarmStartTrial {
  readonly config: Config
  /** 'completed' and 'stopped' trials are learnt from; 'errored' ones only when their metric is NaN (diverged). */
  readonly state: TrialState
  /** Its last result: the metric is read from it (and `training_iteration`, for stopped trials). */
  readonly lastResult?: Metrics | undefined
}

const RULE = 'a finished trial { config, state, lastResult? }, as loadExperiment gives them'

/**
 * The `warmStart` option: an array of finished trials, kept as
 * `{ config, state, lastResult }` copies (JSON-safe, so the journal records them).
 *
 * @example
 * ```ts
 * warmStart: WARM_START.withDefault([])
 * ```
 */
export const WARM_START = arrayOf(
  custom<WarmStartTrial>(RULE, (value, at) => {
    if (!isObject(value)) throw invalid(at, RULE, value)
    const { config, state, lastResult } = value as Record<string, unknown>
    const kept = CONFIG.parse(config, at.child('config'))
    if (!TRIAL_STATES.includes(state as TrialState)) throw invalid(at.child('state'), `one of ${TRIAL_STATES.map(show).join(', ')}`, state)
    if (lastResult !== undefined) {
      // What a report may hold (NaN included: a diverged trial), so the journal can record it.
      const bad = isPlainObject(lastResult) ? findUnstorable(lastResult, at.child('lastResult').field) : undefined
      if (!isPlainObject(lastResult) || bad !== undefined) {
        throw invalid(at.child('lastResult'), 'a plain object of metrics a report may hold', lastResult)
      }
    }
    return { config: kept, state: state as TrialState, ...(lastResult === undefined ? {} : { lastResult: { ...lastResult } }) }
  }),
  { rule: 'an array of finished trials, e.g. (await loadExperiment(dir)).results.trials' },
)

/**
 * The warm-start trials checked against the space: every config complete and
 * in the space, else a `ConfigError` such as
 * `TPESearch({ warmStart[3].config.lr }): must be a number in [0.0001, 0.1] (loguniform), got 0.5`.
 *
 * @example
 * ```ts
 * for (const trial of checkWarmStart(space, options.warmStart, 'TPESearch')) learn(trial)
 * ```
 */
export function checkWarmStart(space: Space, trials: readonly WarmStartTrial[], owner: string): readonly WarmStartTrial[] {
  const at: Place = optionAt(owner, 'warmStart')
  return trials.map((trial, index) => ({ ...trial, config: checkConfig(space, trial.config, at.item(index).child('config'), true) }))
}
