/** Shared plain types: metrics, results and trial states. No logic lives here. */

/** What a trainable reports: metric names to numbers (other JSON values are carried along). */
export type Metrics = Record<string, unknown>

/** `'min'` when a lower metric is better, `'max'` when higher is better. */
export type Mode = 'min' | 'max'

/** One metric to optimise and in which direction: an experiment has one, or several (multi-objective). */
export interface Objective {
  readonly metric: string
  readonly mode: Mode
}

/**
 * One reported result as the driver records it: the trainable's metrics plus
 * bookkeeping fields that every result carries.
 */
export interface Result extends Metrics {
  /** How many results this trial has reported so far, counting this one (1-based, as in Ray Tune). */
  training_iteration: number
  /** The trial that reported it. */
  trial_id: number
  /**
   * Seconds this attempt of the trial has run: on the local pool from its trainable's call (a thread's start and
   * the module's import left out), on Redis workers from when the driver queued it; a pause's time does not count,
   * and a PBT clone carries on from its donor's. A `Study` counts from `ask()`.
   */
  time_total_s: number
}

/** The life of a trial: pending -> running -> (paused -> running)* -> completed | stopped | errored. */
export type TrialState = 'pending' | 'running' | 'paused' | 'completed' | 'stopped' | 'errored'

/**
 * Every trial state, in the order of a trial's life: the one list that checks a state read from outside
 * (a journal, `warmStart`) and orders the counts people read (the console, `hyperpool summary`), so those agree.
 * Internal: not exported from the package.
 *
 * @example
 * ```ts
 * TRIAL_STATES.includes(value as TrialState) // a state as a journal line may hold it
 * ```
 */
export const TRIAL_STATES: readonly TrialState[] = ['pending', 'running', 'paused', 'completed', 'stopped', 'errored']

/** What a scheduler decides after a result. */
export type Decision = 'continue' | 'stop' | 'pause'

/** A flat or nested trial configuration, as produced from a search space. */
export type Config = Record<string, unknown>

/** A read-only view of a trial, as searchers, schedulers and trackers see it. */
export interface TrialInfo {
  readonly id: number
  readonly config: Config
  readonly state: TrialState
  readonly seed: number
  readonly lastResult: Result | undefined
  readonly history: readonly Result[]
  readonly error: Error | undefined
  /** 1 for a trial's first run; a retried trial starts over as attempt 2, 3, … (absent where unknown). */
  readonly attempt?: number
}

/** The experiment as trackers see it; JSON-safe, so it can be stored as is. */
export interface ExperimentInfo {
  readonly name: string
  /** The metric optimised; with several objectives, the first of them (see `objectives`). */
  readonly metric: string
  readonly mode: Mode
  /** Every objective in order, when the experiment has several (multi-objective); absent for one. */
  readonly objectives?: readonly Objective[]
  readonly seed: number
  readonly numSamples: number
  /** How many trials the searcher plans to run (for grid search, grid points × numSamples). */
  readonly plannedTrials: number
  readonly concurrency: number
  /** The search space in its JSON form (see `spaceToJSON`). */
  readonly space: unknown
  /** The run's other settings, as given or defaulted: enough to run it again the same way. */
  readonly options?: {
    readonly stop: Readonly<Record<string, number | readonly number[]>>
    readonly maxFailures: number
    /** Whether the run was to end at its first errored trial (see TunerOptions.failFast). */
    readonly failFast?: boolean
    readonly stopGraceMs: number
    readonly maxHeapMb: number | null
    /** The per-run time limit of a trial, s (see TunerOptions.trialTimeoutS); null for none. */
    readonly trialTimeoutS?: number | null
    /** What a trial that completed without the metric did (see TunerOptions.metricCheck). */
    readonly metricCheck?: 'error' | 'warn'
    /** Whether proposals waited for earlier trials, so the trials do not depend on timing (see TunerOptions.reproducible). */
    readonly reproducible?: boolean
    readonly trainable: string
  }
  /** Class names of the searcher and scheduler; an AutoSearch adds its choice: 'AutoSearch (GPSearch)'. */
  readonly searcher: string
  readonly scheduler: string
  /** ISO 8601 time the experiment started. */
  readonly startedAt: string
  /** 1 for an experiment's first run, 2 once `Tuner.restore` continues it, and so on (absent: 1). */
  readonly session?: number
  /**
   * The experiment's folder (its journal, trial output and checkpoints) as this session opened it, for the
   * trackers; absent with `storageDir: false`. The experiment's own journal does not record it, as a folder can
   * be moved; a JsonlTracker, which writes what it is told, does.
   */
  readonly dir?: string
}

/** Counts at the end of an experiment. */
export interface ExperimentSummary {
  readonly trials: number
  readonly states: Readonly<Record<TrialState, number>>
  /** Seconds from start to end, over every session of a restored experiment. */
  readonly elapsedS: number
  /** True when the experiment ended early: a signal (Ctrl-C, `signal`), failFast, an error, or its time budget. */
  readonly interrupted: boolean
}

/**
 * Text a trial wrote to its stdout or stderr (`console.log`, `process.stdout.write`, …), as
 * the driver receives it: whole writes in order per stream, not split into lines.
 */
export interface TrialOutput {
  /** The trial that was running on the thread; undefined for output before any trial ran there. */
  readonly trialId: number | undefined
  readonly stream: 'stdout' | 'stderr'
  readonly text: string
  /** Written after the trial's run had ended (by a timer or callback that outlived it). */
  readonly late: boolean
}
