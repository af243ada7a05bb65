import { ConfigError, show } from '../errors.ts'
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
export function checkSetup(options: SearcherSetup): SearcherSetup {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`setup(options): must be an object { space, metric, mode, seed, numSamples }, got ${show(options)}`, {
      field: 'setup',
    })
  }
  validateSpace(options.space)
  validateSeed(options.seed)
  if (!Number.isSafeInteger(options.numSamples) || options.numSamples < 1) {
    throw new ConfigError(`numSamples: must be an integer >= 1, got ${show(options.numSamples)}`, { field: 'numSamples' })
  }
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
  if (!Number.isSafeInteger(trialId) || trialId < 0) {
    throw new ConfigError(`${searcher}.suggest(trialId): must be an integer >= 0, got ${show(trialId)}`, { field: 'trialId' })
  }
  return setup
}
