import { ConfigError, JournalError, show } from '../errors.ts'
import type { Decision, Metrics, Result } from '../types.ts'
import { LoopState } from './loop-state.ts'
import { meetsStop } from './stop.ts'
import type { Trial } from './trial.ts'

/** The loop's answers to a running trial's reports and checkpoints: record, judge (scheduler, stop criteria), answer. */
export abstract class LoopReports extends LoopState {
  protected onCheckpoint(trial: Trial, state: unknown): void {
    // By the convention of ctx.checkpoint, a state comes before the report it goes with: it stands for the next one.
    const ref = this.settings.checkpoints.save(trial.id, trial.attempt, trial.iteration + 1, state)
    this.record.input({ event: 'checkpoint', trial_id: trial.id, seq: ref.seq, attempt: ref.attempt, iteration: ref.iteration })
  }

  /** `madeAt`: when a report that travelled one way was made (see `TrialListener.report`); undefined: now. */
  protected onReport(trial: Trial, metrics: Metrics, journaled?: Result, madeAt?: number): Decision | Promise<Decision> {
    if (journaled === undefined && trial.iteration < trial.rerunUntil) {
      // Re-done from an earlier checkpoint: the journal has this report, which keeps its first values.
      trial.iteration++
      return trial.iteration < trial.rerunUntil ? 'continue' : (trial.lastAnswer ?? 'continue')
    }
    const result = journaled === undefined ? trial.record(metrics, madeAt ?? performance.now()) : this.adopt(trial, journaled)
    if (journaled === undefined && this.record.writes) this.record.input({ event: 'result', trial_id: trial.id, result })
    // Checked even while carrying: a divergence decides how the trial's end is recorded (#endWhileInterrupted).
    const diverged = trial.ending === undefined && this.checks.result(trial, result) !== undefined
    // After a resumable interrupt, a report is kept for the next session, which judges it.
    if (this.carrying()) return trial.ending ?? 'stop'
    this.record.emit('onTrialResult', trial, result)
    // #judge notes the answer once it is given: still unset, the report waits for its turn, and its promise stands in.
    trial.lastAnswer = undefined
    const answer = this.#answer(trial, result, diverged)
    trial.lastAnswer ??= answer
    return answer
  }

  #answer(trial: Trial, result: Result, diverged: boolean): Decision | Promise<Decision> {
    // A report already on its way when the trial was told to end is kept, and answered the same.
    if (trial.ending) return trial.ending
    if (diverged) {
      // Diverged: it ends here, unjudged; onEnd records it as errored.
      this.tellEnding(trial, 'stop')
      return 'stop'
    }
    // Judged at once unless the run orders its reports (no closure then: this runs for every report).
    if (!this.settings.orderReports) return this.#judge(trial, result)
    const answer = this.judging.report(trial.id, result.training_iteration, () => this.#judge(trial, result))
    if (answer instanceof Promise) this.timeouts.hold(trial.id, answer)
    return answer
  }

  /** A result the journal has: it must be the next report of the trial, as replays of the same code give. */
  protected adopt(trial: Trial, result: Result): Result {
    const expected = trial.reported + 1
    if (result.training_iteration !== expected) {
      throw new JournalError(`trial ${trial.id}'s result is report ${result.training_iteration}, the loop expected report ${expected}`)
    }
    return trial.adopt(result)
  }

  /** A report's answer: a decision, or the ending the trial was told while its report waited its turn. */
  #judge(trial: Trial, result: Result): Decision {
    const told = trial.ending
    const decision = told ?? this.#decide(trial, result)
    if (told === undefined && decision !== 'continue') {
      // A stop the interrupt answers is no decision of the scheduler's: a restore judges that report afresh.
      if (!this.isInterrupted) this.record.output({ event: 'decision', trial_id: trial.id, iteration: result.training_iteration, decision })
      this.tellEnding(trial, decision)
    }
    trial.lastAnswer = decision
    return decision
  }

  #decide(trial: Trial, result: Result): Decision {
    if (this.isInterrupted) return 'stop'
    try {
      this.feed.result(trial.id, result)
      const decision: unknown = this.settings.scheduler.onTrialResult(trial, result)
      if (decision !== 'continue' && decision !== 'stop' && decision !== 'pause') {
        throw new ConfigError(`scheduler.onTrialResult: must return "continue", "stop" or "pause", got ${show(decision)}`, {
          field: 'scheduler',
        })
      }
      if (decision !== 'continue') return decision
    } catch (error) {
      this.fail(error)
      return 'stop'
    }
    return meetsStop(this.settings.stop, result, this.settings.objectives) ? 'stop' : 'continue'
  }
}
