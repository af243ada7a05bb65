import type { Mode, Result, TrialInfo, TrialState } from '../types.ts'

/** The experiment as trackers see it; JSON-safe, so it can be stored as is. */
export interface ExperimentInfo {
  readonly name: string
  readonly metric: string
  readonly mode: Mode
  readonly seed: number
  readonly numSamples: number
  /** How many trials the searcher plans to run (for grid search, grid points × numSamples). */
  readonly plannedTrials: number
  readonly concurrency: number
  /** The search space in its JSON form (see `spaceToJSON`). */
  readonly space: unknown
  /** The run's other settings, as given or defaulted: enough to run it again the same way. */
  readonly options?: {
    readonly stop: Readonly<Record<string, number>>
    readonly maxFailures: number
    /** Whether the run was to end at its first errored trial (see TunerOptions.failFast). */
    readonly failFast?: boolean
    readonly stopGraceMs: number
    readonly maxHeapMb: number | null
    /** Whether proposals waited for earlier trials, so the trials do not depend on timing (see TunerOptions.reproducible). */
    readonly reproducible?: boolean
    readonly trainable: string
  }
  /** Class names of the searcher and scheduler. */
  readonly searcher: string
  readonly scheduler: string
  /** ISO 8601 time the experiment started. */
  readonly startedAt: string
}

/** Counts at the end of an experiment. */
export interface ExperimentSummary {
  readonly trials: number
  readonly states: Readonly<Record<TrialState, number>>
  /** Seconds from start to end. */
  readonly elapsedS: number
  /** True when the experiment ended through its `signal` or time budget before all trials ran. */
  readonly interrupted: boolean
}

/**
 * Receives the events of an experiment, in order per trial. Every hook is
 * optional and may be async; a hook that throws is logged as a warning and
 * never stops the experiment.
 *
 * @example
 * ```ts
 * const printer: Tracker = {
 *   onTrialEnd(trial) { console.log(trial.id, trial.state, trial.lastResult) },
 * }
 * new Tuner({ ...options, trackers: [printer] })
 * ```
 */
export interface Tracker {
  onExperimentStart?(experiment: ExperimentInfo): void | Promise<void>
  onTrialStart?(trial: TrialInfo): void | Promise<void>
  onTrialResult?(trial: TrialInfo, result: Result): void | Promise<void>
  onTrialEnd?(trial: TrialInfo): void | Promise<void>
  onExperimentEnd?(experiment: ExperimentInfo, summary: ExperimentSummary): void | Promise<void>
}
