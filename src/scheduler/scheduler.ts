import type { Config, Decision, Mode, Objective, Result, TrialInfo } from '../types.ts'

/** What a scheduler is told once, before the first trial. */
export interface SchedulerSetup {
  /** The metric to rank by, and in which direction; with several objectives, the first of them. */
  readonly metric: string
  readonly mode: Mode
  /** Every objective, in order, when the experiment has several (absent for one); see each scheduler's `metric` option. */
  readonly objectives?: readonly Objective[]
  readonly seed: number
  /** How many trials the experiment will create in all, when known. */
  readonly plannedTrials?: number
}

/** What the Tuner can run when a worker frees up. */
export interface RunCandidates {
  /** Trials created but not yet run (new ones, and retries of failed ones). */
  readonly pending: readonly TrialInfo[]
  /** Trials paused by the scheduler, resumable from their last checkpoint. */
  readonly paused: readonly TrialInfo[]
  /** False once the searcher has no more configs: `'new'` then gets nothing. */
  readonly canCreate: boolean
}

/** The scheduler's pick: one of the candidates, a brand-new trial, or nothing for now. */
export type RunChoice = TrialInfo | 'new' | undefined

/** How a paused trial resumes: with a new config and another trial's checkpoint (PBT's exploit and explore). */
export interface ResumePlan {
  readonly config?: Config
  /** The trial whose latest checkpoint this one restores instead of its own. */
  readonly restoreFrom?: number
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
  /** A trial ended (completed, stopped or errored); not called for a pause. */
  onTrialComplete(trial: TrialInfo, result: Result | undefined): void
  /**
   * Which trial runs next when a worker frees up. Without it the Tuner runs
   * pending trials, then new ones, then paused ones. Returning `undefined`
   * leaves the worker idle until another trial ends; if nothing runs at all,
   * the Tuner stops the paused trials rather than wait forever.
   */
  choose?(candidates: RunCandidates): RunChoice
  /** A paused trial is about to resume; the answer may change its config and checkpoint. */
  beforeResume?(trial: TrialInfo): ResumePlan | undefined
  /**
   * A budget, for schedulers that have one (ASHA, HyperBand): a trial that
   * ends once its `timeAttr` reached `maxT` ran its full budget, and the
   * Tuner records it `completed` rather than `stopped`.
   */
  readonly maxT?: number
  readonly timeAttr?: string
  /**
   * True when `onTrialResult` answers 'continue' to every report, whatever it is (FIFO). The Tuner then does
   * not wait for the answer: with no per-report stop criteria either, a trial's report resolves at once and
   * travels one way (the scheduler still hears every report, in order). Leave it out, or false, when the
   * scheduler may ever stop or pause a trial on a report.
   */
  readonly alwaysContinues?: boolean
  /**
   * Refuses the experiment's objectives when it cannot work with them (a scheduler that ranks trials by one number,
   * given several and no `metric` option to pick one), with the error `setup` would throw. The Tuner calls it when it
   * is built, so the mistake shows before `fit()`.
   */
  checkObjectives?(objectives: readonly Objective[]): void
}
