import type { Config, Mode, Objective, Result, TrialState } from '../types.ts'
import type { Space } from './space.ts'

/** What a searcher is told once, before its first suggestion. */
export interface SearcherSetup {
  /** The (validated) search space. */
  readonly space: Space
  /** The metric to optimise, and in which direction; with several objectives, the first of them. */
  readonly metric: string
  readonly mode: Mode
  /**
   * Every objective, in order, when the experiment has several (absent for one). A searcher that optimises one
   * objective only should refuse several with a ConfigError (as GPSearch does) rather than optimise the first.
   */
  readonly objectives?: readonly Objective[]
  /** The experiment seed; every random draw derives from it. */
  readonly seed: number
  /** How many trials the experiment asks for (for grid search: repeats of the whole grid). */
  readonly numSamples: number
}

/**
 * Proposes configurations. A searcher sees trial ids and results, never the
 * pool or a clock: it is a pure, seeded function of what it is told.
 *
 * @example
 * ```ts
 * const search: Searcher = new RandomSearch()
 * search.setup({ space, metric: 'loss', mode: 'min', seed: 1, numSamples: 10 })
 * const config = search.suggest(0) // null once the searcher has nothing more to propose
 * ```
 */
export interface Searcher {
  /** How many configs it proposes in all, once set up, when it knows (grid search does); else `numSamples` is the plan. */
  readonly size?: number
  /** Called once before the first `suggest`. */
  setup(options: SearcherSetup): void
  /** The configuration for trial `trialId`, or `null` when the searcher is exhausted. */
  suggest(trialId: number): Config | null
  /** A trial reported an intermediate result. */
  onTrialResult(trialId: number, result: Result): void
  /** A trial ended; `result` is its last result, if any. */
  onTrialComplete(trialId: number, result: Result | undefined, state: TrialState): void
  /**
   * Optional: hand out `config` (keys left out are drawn) before the
   * searcher's own proposals, after configs queued earlier. The built-in
   * searchers have it; `Study.enqueue` needs it.
   */
  enqueue?(config: Config): void
}
