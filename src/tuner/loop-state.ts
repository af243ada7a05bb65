import { ConfigError } from '../errors.ts'
import type { InterruptCause } from '../journal/codec.ts'
import type { Decision } from '../types.ts'
import { TrialErrorLog } from './error-log.ts'
import { MetricChecks } from './metric-checks.ts'
import { RunRecord } from './run-record.ts'
import type { Running, RunSettings } from './run-settings.ts'
import { SchedulerFeed } from './scheduler-feed.ts'
import { SearchFeed } from './search-feed.ts'
import type { Trial } from './trial.ts'
import { TrialTimeouts } from './trial-timeouts.ts'

/**
 * How an interrupt is told. `unloadable`: the trainable could not be loaded, which fit() rejects with; the trials
 * still running may be loading it too (they fail the same way, with no report to stop at) or, on another machine
 * or thread, have loaded it (they stop at their next report).
 */
export interface InterruptOptions {
  readonly unloadable?: boolean
}

/**
 * The state every part of the experiment loop shares, and the few moves they
 * all make (fail, tell a trial to end). The loop is one object whose parts
 * live in layers, one concern each: this state, the answers to reports
 * (loop-reports.ts), the ends of runs (loop-ends.ts), which trial runs next
 * and its start (loop-starts.ts), and the loop itself with its sessions
 * (experiment.ts). Layers rather than separate objects because every part
 * reads and changes the same state.
 */
export abstract class LoopState {
  readonly trials: Trial[] = []
  protected readonly settings: RunSettings
  protected readonly feed: SearchFeed
  protected readonly judging: SchedulerFeed
  protected readonly errors: TrialErrorLog
  protected readonly timeouts: TrialTimeouts
  protected readonly checks: MetricChecks
  protected readonly running = new Map<number, Running>()
  protected readonly retry: Trial[] = []
  protected readonly paused: Trial[] = []
  /** Per trial told to stop or pause: ends its thread if it has not ended within the grace period. */
  protected readonly graceTimers = new Map<number, NodeJS.Timeout>()
  protected readonly record: RunRecord
  /**
   * Every report is answered 'continue' unless its metric is NaN (it diverged) or the trial was told to end: the
   * scheduler never decides on reports and no stop criterion reads them. Then the metrics whose NaN ends a trial,
   * which the executor may send reports one way for (`TrialRun.oneWay`); else undefined.
   */
  protected readonly oneWay: readonly string[] | undefined
  protected slots: number
  protected exhausted = false
  protected isInterrupted = false
  /** The interrupt leaves running trials resumable (all but the time budget). */
  protected resumable = false
  #fatal: unknown

  constructor(settings: RunSettings) {
    this.settings = settings
    this.record = new RunRecord(settings.journal, settings.hub, settings.elapsedBeforeS ?? 0)
    this.slots = settings.executor.slots
    this.feed = new SearchFeed(settings.searcher, settings.searchLag)
    this.judging = new SchedulerFeed(settings.orderReports)
    this.errors = new TrialErrorLog(settings.logger)
    this.timeouts = new TrialTimeouts(settings.trialTimeoutS)
    this.checks = new MetricChecks(settings.metrics ?? settings.metric, settings.metricCheck, settings.logger, settings.scheduler)
    const { stop, scheduler } = settings
    const judged = scheduler.alwaysContinues !== true || stop.maxIterations !== undefined || stop.metricThreshold !== undefined
    this.oneWay = judged || settings.orderReports ? undefined : (settings.metrics ?? [settings.metric])
  }

  /** What a searcher or scheduler threw, if one did; the run then stopped every trial and ended. */
  get fatal(): unknown {
    return this.#fatal
  }

  /** Ends the experiment early (see `ExperimentRun.interrupt`). */
  abstract interrupt(cause: InterruptCause, why: string, options?: InterruptOptions): void

  /** Fills free slots and ends the run when nothing is left (see `ExperimentRun`). */
  protected abstract pump(): void

  /** Records what the trial was told; a trial that does not end within the grace period has its thread ended. */
  protected tellEnding(trial: Trial, decision: Exclude<Decision, 'continue'>): void {
    trial.ending = decision
    const handle = this.running.get(trial.id)?.handle
    if (handle === undefined) return
    // A run re-doing recorded reports would only reach the answer at the last of them: tell it now.
    if (trial.iteration < trial.rerunUntil) handle.stop(decision)
    this.graceTimers.set(
      trial.id,
      setTimeout(() => handle.kill(), this.settings.stopGraceMs),
    )
  }

  /** Live, after a resumable interrupt: inputs are written down for the next session rather than acted on. */
  protected carrying(): boolean {
    return this.isInterrupted && this.resumable && !this.record.replaying
  }

  protected guard(callback: () => void): void {
    try {
      callback()
    } catch (error) {
      this.fail(error)
    }
  }

  protected fail(error: unknown): void {
    this.#fatal ??= error
    // Replaying, the restore stops at once and says what threw (tuner/replay.ts).
    if (this.record.replaying) return
    this.interrupt(
      isRunCheck(error) ? 'check' : 'error',
      error instanceof ConfigError ? error.message : `a searcher or scheduler threw (${(error as Error)?.message ?? String(error)})`,
      { unloadable: isRunCheck(error) && error.field === 'trainable' },
    )
  }
}

/**
 * The run's own check ended it (a trainable that did not load, a metric never reported): a restore
 * replays that end, so the experiment cannot be continued, only started again with the fix.
 *
 * @example
 * ```ts
 * isRunCheck(problemAt(optionAt('Tuner', 'metric'), 'never reported')) // true
 * ```
 */
export function isRunCheck(error: unknown): error is ConfigError {
  return error instanceof ConfigError && RUN_CHECKS.has(error.field)
}

/** The fields of the errors with which the loop's own checks end a run (rather than a searcher or scheduler that threw). */
const RUN_CHECKS: ReadonlySet<string> = new Set(['trainable', 'metric'])
