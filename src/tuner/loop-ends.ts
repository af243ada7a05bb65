import { JournalError, toTrialError } from '../errors.ts'
import type { TrialEndEvent } from '../journal/codec.ts'
import { optionAt, problemAt } from '../options/index.ts'
import type { Result, TrialState } from '../types.ts'
import type { TrialOutcome } from '../workers/protocol.ts'
import { LoopReports } from './loop-reports.ts'
import { isRunCheck } from './loop-state.ts'
import type { Trial } from './trial.ts'
import { endEvent, endState } from './trial-end.ts'

/** The end of a trial's run: its state, a retry or a pause, the journal line, and who hears of it. */
export abstract class LoopEnds extends LoopReports {
  protected onEnd(trial: Trial, ended: TrialOutcome, journaled?: TrialEndEvent): void {
    // Replayed, the journaled outcome already names the timeout.
    const timedOut = this.timeouts.end(trial.id)
    const outcome: TrialOutcome = timedOut && ended.kind === 'errored' ? { kind: 'errored', error: timedOut } : ended
    this.running.delete(trial.id)
    clearTimeout(this.graceTimers.get(trial.id))
    this.graceTimers.delete(trial.id)
    if (journaled === undefined && this.carrying()) {
      this.#endWhileInterrupted(trial, outcome)
      return
    }
    // A report still waiting for its turn belongs to an attempt that is over.
    this.judging.dropWaiting(trial.id)
    const final = this.#recordFinal(trial, outcome, journaled)
    const diverged = this.#divergence(trial, final)
    const { state, retry } = diverged ? { state: 'errored' as const, retry: false } : this.#endState(trial, outcome, this.isInterrupted)
    if (journaled !== undefined && journaled.trial.state !== state) {
      throw new JournalError(`trial ${trial.id} ends ${state} now, the journal has ${journaled.trial.state}`)
    }
    if (!diverged && outcome.kind === 'errored' && (state === 'errored' || retry)) trial.failures++
    if (diverged) trial.error = diverged
    else if (state === 'errored' && 'error' in outcome) trial.error = toTrialError(trial.id, outcome.error)
    if (journaled === undefined) this.#recordEnd(trial, state, outcome, final)
    if (final !== undefined) {
      this.record.emit('onTrialResult', trial, final)
      this.guard(() => this.feed.result(trial.id, final))
    }
    if (outcome.kind === 'unloadable') {
      // No trial can run without the module: end the experiment instead of failing every trial the same way.
      trial.state = 'errored'
      const { name, message } = outcome.error
      // The worker's ConfigError names the module already (see loadFailure): its class would only stutter.
      const why = name === 'ConfigError' ? message : `${name}: ${message}`
      this.fail(problemAt(optionAt('Tuner', 'trainable'), `could not be loaded: ${why}`, trial.error))
    } else if (diverged) {
      // Not retried: a seeded rerun of the same config would diverge the same way.
      trial.state = 'errored'
      this.errors.errored(trial.id, { name: diverged.name, message: `diverged: ${diverged.metric} is NaN (not retried)` })
      if (this.settings.failFast) this.interrupt('failFast', `failFast: trial ${trial.id} diverged`)
    } else if (outcome.kind === 'errored' && (state === 'errored' || retry)) {
      if (retry) {
        this.errors.retrying(trial.id, trial.failures - trial.forgivenFailures, this.settings.maxFailures + 1, outcome.error)
        this.judging.restart(trial.id)
        trial.resetForRetry()
        this.retry.push(trial)
        this.pump()
        return
      }
      trial.state = 'errored'
      this.errors.errored(trial.id, outcome.error)
      if (this.settings.failFast) this.interrupt('failFast', `failFast: trial ${trial.id} errored`)
    } else if (state === 'paused') {
      trial.pause(performance.now())
      this.paused.push(trial)
    } else {
      trial.state = state
    }
    if (trial.state === 'paused') this.record.emit('onTrialEnd', trial)
    else this.complete(trial)
    const missing = trial.state === 'completed' ? this.checks.completed(trial) : undefined
    if (missing) this.fail(missing)
    this.pump()
  }

  /** The divergence that ends this run of the trial: a NaN metric in a report, or in the result it returned. */
  #divergence(trial: Trial, final: Result | undefined) {
    if (final !== undefined) this.checks.result(trial, final)
    return this.checks.takeDivergence(trial.id)
  }

  /**
   * After a resumable interrupt (live): the interrupt's own stops leave the
   * trial paused, to resume in the next session; an end of the trial's own
   * (it completed, or had been told to stop before) is written to the journal
   * for the next session to hand on, and only shown in this session's results.
   */
  #endWhileInterrupted(trial: Trial, outcome: TrialOutcome): void {
    // Once a module that did not load has ended the run (its own check), no restore continues it: a trial that
    // failed to load as well errored, where a pause would promise it a resume that never comes.
    const failedToLoad = outcome.kind === 'unloadable' && isRunCheck(this.fatal)
    if (!failedToLoad && ((trial.suspended && outcome.kind !== 'completed') || outcome.kind === 'unloadable')) {
      trial.pause(performance.now())
      this.record.emit('onTrialEnd', trial)
    } else {
      const final = this.#recordFinal(trial, outcome)
      const diverged = this.#divergence(trial, final)
      const { state } = diverged ? { state: 'errored' as const } : this.#endState(trial, outcome, false)
      if (diverged) trial.error = diverged
      else if (state === 'errored' && 'error' in outcome) trial.error = toTrialError(trial.id, outcome.error)
      if (state === 'paused') trial.pause(performance.now())
      else trial.state = state
      this.#recordEnd(trial, state, outcome, final)
      // No next session hands this end on (see above): the trackers hear it now.
      if (failedToLoad) this.record.emit('onTrialEnd', trial)
    }
    this.pump()
  }

  #endState(trial: Trial, outcome: TrialOutcome, interrupted: boolean): { state: TrialState; retry: boolean } {
    return endState(trial, outcome, {
      interrupted,
      maxFailures: this.settings.maxFailures,
      stop: this.settings.stop,
      scheduler: this.settings.scheduler,
    })
  }

  /** The result a completed trainable returned, recorded as its last report. */
  #recordFinal(trial: Trial, outcome: TrialOutcome, journaled?: TrialEndEvent): Result | undefined {
    if (outcome.kind !== 'completed' || outcome.final === undefined) return undefined
    return journaled?.final ? this.adopt(trial, journaled.final) : trial.record(outcome.final, performance.now())
  }

  /**
   * Writes a trial's end, on disk before any tracker hears of it. With nobody listening, a quiet
   * end waits for its batch's write (which a crash can lose, as it can the batch's reports; the
   * restore runs the trial again, or ends it as its journaled decision told): one write per batch
   * instead of one more per trial, and still nothing anyone was told of is lost. An errored end is
   * written at once, as the log is about to say it.
   */
  #recordEnd(trial: Trial, state: TrialState, outcome: TrialOutcome, final: Result | undefined): void {
    if (this.record.writes) this.record.input(endEvent(trial, state, outcome, final, this.record.elapsedS()))
    const quiet = state !== 'errored' && outcome.kind !== 'errored' && outcome.kind !== 'unloadable'
    if (!quiet || (this.settings.endsHeard?.() ?? true)) this.record.flush()
  }

  /** A trial ended for good: tell the searcher, the scheduler and the trackers. */
  protected complete(trial: Trial): void {
    this.guard(() => this.feed.complete(trial.id, trial.lastResult, trial.state))
    const result = trial.lastResult
    this.judging.end(trial.id, result?.training_iteration ?? 0, () =>
      this.guard(() => this.settings.scheduler.onTrialComplete(trial, result)),
    )
    this.record.emit('onTrialEnd', trial)
  }
}
