import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo } from '../types.ts'

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
