/** The options of {@link GPSearch}, their defaults and their checks. */
import { ConfigError, show } from '../../errors.ts'
import { rejectUnknownKeys } from '../../known-keys.ts'

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
  /** Quasi-random trials before the GP starts (counted in finished trials with a value). Default 10, as Optuna. */
  readonly nStartupTrials?: number
  /** Quasi-random candidates scored before the local searches. Default 512. */
  readonly nCandidates?: number
  /** Local searches of the acquisition per suggestion. Default 10, as Optuna. */
  readonly nLocalSearch?: number
  /**
   * The kernel parameters are fitted on at most this many trials: the best
   * half of them and an even spread over the rest in trial order. Default 200.
   */
  readonly maxFitTrials?: number
  /** The posterior is conditioned on at most this many trials, chosen the same way. Default 500. */
  readonly maxModelTrials?: number
}

export type ResolvedGPOptions = { readonly [K in keyof GPOptions]-?: NonNullable<GPOptions[K]> }

const KEYS = ['nStartupTrials', 'nCandidates', 'nLocalSearch', 'maxFitTrials', 'maxModelTrials'] as const

function integer(options: GPOptions, field: (typeof KEYS)[number], fallback: number, min: number): number {
  const value: unknown = options[field] ?? fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`GPSearch(options).${field}: must be an integer >= ${min}, got ${show(value)}`, { field: `search.${field}` })
  }
  return value
}

/**
 * The options with defaults filled in, or a {@link ConfigError} naming the bad one.
 *
 * @example
 * ```ts
 * resolveGPOptions({ nCandidates: 0 }) // ConfigError: GPSearch(options).nCandidates: must be an integer >= 1, got 0
 * ```
 */
export function resolveGPOptions(options: GPOptions | undefined): ResolvedGPOptions {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`GPSearch(options): must be an object, got ${show(options)}`, { field: 'search' })
  }
  rejectUnknownKeys('GPSearch', options, KEYS, 'search.')
  return {
    nStartupTrials: integer(options, 'nStartupTrials', 10, 1),
    nCandidates: integer(options, 'nCandidates', 512, 1),
    nLocalSearch: integer(options, 'nLocalSearch', 10, 1),
    maxFitTrials: integer(options, 'maxFitTrials', 200, 2),
    maxModelTrials: integer(options, 'maxModelTrials', 500, 2),
  }
}
