import { ConfigError, show } from '../errors.ts'
import { argumentAt, arrayOf, check, integer, invalid, METRIC, MODE, nested, Place, problemAt } from '../options/index.ts'
import type { PointQueue } from './points-to-evaluate.ts'
import { validateSeed } from './rng.ts'
import type { SearcherSetup } from './searcher.ts'
import { validateSpace } from './space.ts'

/**
 * The setup options after checking them, so a searcher used without a Tuner
 * still fails with a typed error naming the bad option.
 *
 * @example
 * ```ts
 * const { space, seed, numSamples } = checkSetup(options)
 * ```
 */
export function checkSetup(options: SearcherSetup, several?: { readonly several: 'refuse'; readonly owner: string }): SearcherSetup {
  if (typeof options !== 'object' || options === null) {
    throw invalid(argumentAt('setup', 'options'), 'an object { space, metric, mode, seed, numSamples }', options)
  }
  validateSpace(options.space)
  check(METRIC.required(), options.metric, new Place('', 'metric'))
  check(MODE.required(), options.mode, new Place('', 'mode'))
  if (options.objectives !== undefined) {
    const objectives = check(OBJECTIVES, options.objectives, new Place('', 'objectives'))
    if (objectives[0]?.metric !== options.metric || objectives[0]?.mode !== options.mode) {
      throw problemAt(
        new Place('', 'objectives'),
        `must start with metric and mode (${options.metric}, ${options.mode}), got ${show(objectives[0])}`,
      )
    }
    if (several !== undefined && objectives.length > 1) {
      throw new ConfigError(
        `${several.owner}: optimises one objective, and this experiment has ${objectives.length} (${objectives.map((o) => o.metric).join(', ')}); ` +
          'use TPESearch (multi-objective TPE) or RandomSearch, or tune one metric',
        { field: 'search' },
      )
    }
  }
  validateSeed(options.seed)
  check(integer({ min: 1 }).required(), options.numSamples, new Place('', 'numSamples'))
  return options
}

/**
 * The searcher's setup, or a {@link ConfigError} when `suggest` comes first;
 * also checks that `trialId` is an integer >= 0.
 *
 * @example
 * ```ts
 * const setup = readySetup(this.setupOptions, 'RandomSearch', trialId)
 * ```
 */
export function readySetup<S>(setup: S | undefined, searcher: string, trialId: number): S {
  if (setup === undefined) throw new ConfigError(`${searcher}.suggest: call setup() first`, { field: 'search' })
  check(TRIAL_ID, trialId, argumentAt(`${searcher}.suggest`, 'trialId'))
  return setup
}

/**
 * The queue of a set-up searcher, for its `enqueue`; a {@link ConfigError} before `setup`.
 *
 * @example
 * ```ts
 * readyQueue(this.#state, 'TPESearch').add(config, argumentAt('TPESearch.enqueue', 'config'))
 * ```
 */
export function readyQueue(setup: { readonly queue: PointQueue } | undefined, searcher: string): PointQueue {
  if (setup === undefined) throw new ConfigError(`${searcher}.enqueue: call setup() first`, { field: 'search' })
  return setup.queue
}

/** The objectives a searcher is told of: { metric, mode } objects. */
const OBJECTIVES = arrayOf(nested({ metric: METRIC.required(), mode: MODE.required() }), {
  rule: 'a non-empty array of { metric, mode }',
  nonEmpty: true,
}).required()

/** A trial id: an integer >= 0. */
const TRIAL_ID = integer({ min: 0 }).required()
