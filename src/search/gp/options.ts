/** The options of {@link GPSearch}, their defaults and their checks. */
import { defineOptions, integer, type Resolved, type SchemaOf } from '../../options/index.ts'

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
   * Space-filling trials before the GP starts (counted in finished trials with a value).
   * @default 10 (as Optuna)
   */
  readonly nStartupTrials?: number
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
   * The posterior is conditioned on at most this many trials, chosen the same way.
   * @default 500
   */
  readonly maxModelTrials?: number
}

/** Every option of {@link GPSearch}: kinds, ranges and defaults. */
export const GP_OPTIONS = defineOptions('GPSearch', {
  nStartupTrials: integer({ min: 1 }).withDefault(10),
  nCandidates: integer({ min: 1 }).withDefault(512),
  nLocalSearch: integer({ min: 1 }).withDefault(10),
  maxFitTrials: integer({ min: 2 }).withDefault(200),
  maxModelTrials: integer({ min: 2 }).withDefault(500),
} satisfies SchemaOf<GPOptions>)

/** The options in force: every one given or defaulted. */
export type ResolvedGPOptions = Resolved<typeof GP_OPTIONS.schema>
