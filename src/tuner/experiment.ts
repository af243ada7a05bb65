import { hostname } from 'node:os'
import { JournalError } from '../errors.ts'
import { countOf, firstLine } from '../format.ts'
import type { InterruptCause, JsonlEvent } from '../journal/codec.ts'
import type { Decision, ExperimentSummary, TrialState } from '../types.ts'
import { LoopStarts } from './loop-starts.ts'
import type { InterruptOptions } from './loop-state.ts'
import type { ReplayCheck } from './run-record.ts'
import type { Trial } from './trial.ts'
import { outcomeOf } from './trial-end.ts'

/**
 * The loop of one experiment: fill free slots with new (or retried, or
 * resumed) trials, route reports through the scheduler and stop criteria,
 * record ends, until the searcher is exhausted and nothing runs.
 *
 * Everything it is told (reports, checkpoints, ends, interrupts) and every
 * decision it makes (launches, stops, pauses) goes to the journal, in the
 * order it happens. A restore replays the journal's inputs through this same
 * code (`apply`), checking that it makes the same decisions, and then
 * carries on live from the state they lead to (docs/resume.md).
 */
export class ExperimentRun extends LoopStarts {
  readonly #timers: NodeJS.Timeout[] = []
  #why = ''
  #finish: (() => void) | undefined
  /** Replayed: `run()` begins a new session of the experiment. */
  #session = 0
  /** Inputs that arrived after the last session's interrupt: the new session hands them on first. */
  #carried: readonly JsonlEvent[] = []

  /** Why the run ended early and whether it can be resumed; undefined when it ran to its end. */
  get interrupted(): { readonly why: string; readonly resumable: boolean } | undefined {
    return this.isInterrupted ? { why: this.#why, resumable: this.resumable } : undefined
  }

  /** Runs to the end; never rejects (see `fatal`). */
  async run(): Promise<ExperimentSummary> {
    const { signal, stop } = this.settings
    const onAbort = () => this.interrupt('abort', 'the experiment was aborted')
    signal?.addEventListener('abort', onAbort, { once: true })
    const finished = new Promise<void>((resolve) => {
      this.#finish = resolve
    })
    if (this.#session > 0) this.#beginSession()
    if (stop.timeBudgetS !== undefined && !this.isInterrupted) {
      const leftMs = Math.max(0, (stop.timeBudgetS - (this.settings.elapsedBeforeS ?? 0)) * 1000)
      this.#timers.push(setTimeout(() => this.interrupt('budget', `the time budget of ${stop.timeBudgetS} s ran out`), leftMs))
    }
    if (signal?.aborted) this.interrupt('abort', 'the experiment was aborted')
    this.pump()
    await finished
    if (!this.resumable) this.judging.cancel()
    this.guard(() => this.feed.flush())
    this.errors.close()
    this.timeouts.close()
    signal?.removeEventListener('abort', onAbort)
    for (const timer of [...this.#timers, ...this.graceTimers.values()]) clearTimeout(timer)
    return this.#summary()
  }

  /**
   * Ends the experiment early: no trial starts any more, running ones stop at
   * their next report. A resumable interrupt (every cause but the time
   * budget) leaves them resumable: they end `paused`, and the searcher and
   * the scheduler hear nothing of their ends, so a restore continues them.
   */
  interrupt(cause: InterruptCause, why: string, options: InterruptOptions = {}): void {
    if (this.isInterrupted) return
    this.isInterrupted = true
    this.resumable = cause !== 'budget'
    this.#why = why
    const event: JsonlEvent = { event: 'interrupt', cause, why, resumable: this.resumable, t: this.record.elapsedS() }
    // failFast is the loop's own decision; every other cause comes from outside.
    if (cause === 'failFast') this.record.output(event)
    else this.record.input(event)
    this.record.flush()
    if (!this.resumable) this.judging.cancel()
    if (this.record.replaying) {
      if (!this.resumable) for (const { trial } of this.running.values()) if (trial.ending !== 'stop') this.tellEnding(trial, 'stop')
      return
    }
    const running = this.running.size
    if (running > 0) {
      const where = running === 1 ? 'its next report' : 'their next reports'
      // fit() rejects with why the trainable would not load: saying it here too would only repeat it.
      const notice = options.unloadable
        ? `stopping ${countOf(running, 'running trial')}: at ${where}, or as ${running === 1 ? 'it fails' : 'they fail'} to load the trainable too`
        : `stopping ${countOf(running, 'running trial')} at ${where}: ${firstLine(why)}`
      this.settings.logger.info(notice)
    }
    const waiting: Trial[] = []
    for (const { trial, handle } of this.running.values()) {
      // A trial a restore caught, still waiting for its last report's answer (#relaunchWhenAnswered), has no thread to tell: it ends here.
      if (handle === undefined) waiting.push(trial)
      if (this.resumable) {
        // A trial already told to stop or pause ends as told; the others end resumable.
        if (trial.ending) continue
        trial.suspended = true
      } else if (trial.ending === 'stop') continue
      clearTimeout(this.graceTimers.get(trial.id))
      this.tellEnding(trial, 'stop')
      handle?.stop('stop')
    }
    for (const trial of waiting) this.#endAsTold(trial)
    this.pump()
  }

  /** A restore begins: the loop replays the journal through `check` at the first session's concurrency. */
  beginReplay(check: ReplayCheck, concurrency: number): void {
    this.record.replayThrough(check)
    this.slots = concurrency
  }

  /** Replaying: starts what the loop starts when a session begins, before any input (see `run`). */
  fillSlots(): void {
    this.pump()
  }

  /** The replay is over; `carried` are the inputs the last session got after its interrupt. */
  endReplay(session: number, carried: readonly JsonlEvent[]): void {
    this.record.replayThrough(undefined)
    this.#session = session
    this.#carried = carried
    this.slots = this.settings.executor.slots
  }

  /** A replayed `session` line: what the restore that wrote it did first, before the inputs that follow. */
  replaySession(concurrency: number): void {
    this.slots = concurrency
    if (this.resumable) this.isInterrupted = false
  }

  /** Replays one input of the journal, as the loop first met it. */
  apply(event: JsonlEvent): void {
    switch (event.event) {
      case 'result':
        this.onReport(this.#runningTrial(event.trial_id), {}, event.result)
        return
      case 'checkpoint':
        this.#runningTrial(event.trial_id)
        this.settings.checkpoints.note({ trial: event.trial_id, seq: event.seq, attempt: event.attempt, iteration: event.iteration })
        return
      case 'trial_end':
        this.onEnd(this.#runningTrial(event.trial.id), outcomeOf(event), event)
        return
      case 'trial_start':
        this.launch(this.#runningTrial(event.trial.id), true, event)
        return
      case 'retry':
        this.#retryErrored(this.#trial(event.trial_id))
        return
      case 'interrupt':
        this.interrupt(event.cause, event.why)
        return
      default:
        throw new JournalError(`"${event.event}" is not an input of the loop`)
    }
  }

  protected pump(): void {
    try {
      while (!this.isInterrupted && this.running.size < this.slots) {
        const trial = this.next()
        if (!trial) break
        this.launch(trial)
      }
      if (this.running.size === 0 && this.isInterrupted) {
        if (!this.resumable) this.stopWaiting('the experiment ended')
      } else if (this.running.size === 0 && !this.done()) this.stopWaiting('nothing runs and the scheduler resumes none')
    } catch (error) {
      this.fail(error)
    }
    if (this.running.size === 0 && (this.isInterrupted || this.done())) this.#finish?.()
  }

  /** A restore's `retryErrored`: a trial that errored for good goes back to the queue with a new round of attempts. */
  #retryErrored(trial: Trial): void {
    if (trial.state !== 'errored') throw new JournalError(`trial ${trial.id} is ${trial.state}, not errored: it cannot be retried`)
    trial.forgivenFailures = trial.failures
    trial.resetForRetry()
    this.retry.push(trial)
  }

  /**
   * The start of a session after a restore: the journal says where it is, then
   * errored trials are retried if asked, the inputs the last session kept
   * after its interrupt are handed on, and every trial the crash or the
   * interrupt caught running ends as it was told, or starts again.
   */
  #beginSession(): void {
    this.record.input({
      event: 'session',
      session: this.#session + 1,
      pid: process.pid,
      host: hostname(),
      at: new Date().toISOString(),
      concurrency: this.slots,
      t: this.record.elapsedS(),
    })
    if (this.resumable) this.isInterrupted = false
    if (this.settings.retryErrored) {
      for (const trial of this.trials) {
        if (trial.state !== 'errored') continue
        this.record.input({ event: 'retry', trial_id: trial.id })
        this.#retryErrored(trial)
      }
    }
    // Handed on as a replay hands on inputs: they are in the journal already.
    for (const event of this.#carried) this.apply(event)
    this.#carried = []
    const caught = [...this.running.values()].filter(({ handle }) => handle === undefined).map(({ trial }) => trial)
    for (const trial of caught.sort((a, b) => a.id - b.id)) {
      if (trial.ending) this.#endAsTold(trial)
      else if (trial.lastAnswer instanceof Promise) this.#relaunchWhenAnswered(trial, trial.lastAnswer)
      else this.launch(trial, true)
    }
  }

  /** A trial the crash or the interrupt caught after it was told to stop or pause: it ends as told, at the report that told it. */
  #endAsTold(trial: Trial): void {
    this.onEnd(trial, { kind: trial.ending === 'pause' ? 'paused' : 'stopped' })
  }

  /**
   * A caught trial whose last report still waits for its turn to be judged (a reproducible run's
   * ordered reports): its newest checkpoint may stand for that very report, and a run started
   * from it would go on past it without the answer. So it keeps its slot without a thread, as it
   * kept its thread while it waited, and once the answer comes it ends as told or starts again.
   */
  #relaunchWhenAnswered(trial: Trial, answer: Promise<Decision>): void {
    void answer.then(() => {
      // Ended meanwhile (an interrupt ends waiting trials at once), or already started again.
      if (this.running.get(trial.id)?.handle !== undefined || !this.running.has(trial.id)) return
      try {
        if (trial.ending) this.#endAsTold(trial)
        else this.launch(trial, true)
      } catch (error) {
        this.fail(error)
      }
    })
  }

  #trial(id: number): Trial {
    const trial = this.trials[id]
    if (trial === undefined) throw new JournalError(`trial ${id} was never started`)
    return trial
  }

  #runningTrial(id: number): Trial {
    const trial = this.#trial(id)
    if (!this.running.has(id)) throw new JournalError(`trial ${id} is ${trial.state}, not running`)
    return trial
  }

  #summary(): ExperimentSummary {
    const states: Record<TrialState, number> = { pending: 0, running: 0, paused: 0, completed: 0, stopped: 0, errored: 0 }
    for (const trial of this.trials) states[trial.state]++
    return {
      trials: this.trials.length,
      states,
      elapsedS: this.record.elapsedS(),
      interrupted: this.isInterrupted,
    }
  }
}
