import type { Decision, Mode, Result, TrialInfo } from '../types.ts'

/** What a scheduler is told once, before the first trial. */
export interface SchedulerSetup {
  readonly metric: string
  readonly mode: Mode
  readonly seed: number
}

/**
 * Decides, result by result, whether a trial goes on. Schedulers are pure:
 * they return decisions and never touch the pool; the Tuner carries them out.
 *
 * @example
 * ```ts
 * const scheduler: Scheduler = new FIFOScheduler()
 * scheduler.setup({ metric: 'loss', mode: 'min', seed: 1 })
 * scheduler.onTrialResult(trial, result) // 'continue' | 'stop' | 'pause'
 * ```
 */
export interface Scheduler {
  setup(options: SchedulerSetup): void
  /** A trial was created (before it first runs). */
  onTrialAdd(trial: TrialInfo): void
  /** A trial reported; the answer reaches it before its `report` returns. */
  onTrialResult(trial: TrialInfo, result: Result): Decision
  /** A trial ended (completed, stopped or errored). */
  onTrialComplete(trial: TrialInfo, result: Result | undefined): void
}
