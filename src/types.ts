/** Shared plain types: metrics, results and trial states. No logic lives here. */

/** What a trainable reports: metric names to numbers (other JSON values are carried along). */
export type Metrics = Record<string, unknown>

/** `'min'` when a lower metric is better, `'max'` when higher is better. */
export type Mode = 'min' | 'max'

/**
 * One reported result as the driver records it: the trainable's metrics plus
 * bookkeeping fields that every result carries.
 */
export interface Result extends Metrics {
  /** How many results this trial has reported so far, counting this one (1-based, as in Ray Tune). */
  training_iteration: number
  /** The trial that reported it. */
  trial_id: number
  /** Seconds since the trial (this attempt) started. */
  time_total_s: number
}

/** The life of a trial: pending -> running -> (paused -> running)* -> completed | stopped | errored. */
export type TrialState = 'pending' | 'running' | 'paused' | 'completed' | 'stopped' | 'errored'

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
