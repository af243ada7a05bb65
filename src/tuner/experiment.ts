import { hostname } from 'node:os'
import { ConfigError, JournalError, show, toTrialError } from '../errors.ts'
import type { InterruptCause, JsonlEvent, TrialEndEvent, TrialStartEvent } from '../journal/codec.ts'
import type { JournalWriter } from '../journal/writer.ts'
import type { Logger } from '../logger.ts'
import { optionAt, problemAt } from '../options/index.ts'
import type { RunChoice, Scheduler } from '../scheduler/scheduler.ts'
import { deriveSeed } from '../search/rng.ts'
import type { Searcher } from '../search/searcher.ts'
import type { TrackerHub } from '../tracker/dispatch.ts'
import type { Decision, ExperimentSummary, Metrics, Mode, Objective, Result, TrialInfo, TrialState } from '../types.ts'
import type { Executor, TrialHandle } from '../workers/executor.ts'
import type { TrialOutcome } from '../workers/protocol.ts'
import type { CheckpointStore } from './checkpoints.ts'
import { TrialErrorLog } from './error-log.ts'
import { MetricChecks } from './metric-checks.ts'
import type { MetricCheck } from './options.ts'
import { type ReplayCheck, RunRecord } from './run-record.ts'
import { SchedulerFeed } from './scheduler-feed.ts'
import { SearchFeed } from './search-feed.ts'
import { type StartPoint, startPoint } from './start-point.ts'
import { meetsStop, type StopCriteria } from './stop.ts'
import { Trial } from './trial.ts'
import { endEvent, endState, outcomeOf } from './trial-end.ts'
import { TrialTimeouts } from './trial-timeouts.ts'

/** What one run of the loop needs, already validated. */
export interface RunSettings {
  /** The (first) objective. */
  readonly metric: string
  readonly mode: Mode
  /** Every objective's metric when there are several: each is checked like `metric` (reported, never NaN). */
  readonly metrics?: readonly string[]
  /** Every objective, in order: what `stop.metricThreshold` reads (one threshold each). */
  readonly objectives: readonly Objective[]
  readonly seed: number
  /** No more trials than this are created, whatever the searcher would propose. */
  readonly plannedTrials: number
  readonly searcher: Searcher
  /** Propose trial k only once trials 0..k-lag-1 have ended (see SearchFeed); undefined: as results come. */
  readonly searchLag: number | undefined
  /** Judge reports in an order that does not depend on timing (see SchedulerFeed). */
  readonly orderReports: boolean
  readonly scheduler: Scheduler
  readonly executor: Executor
  readonly checkpoints: CheckpointStore
  readonly hub: TrackerHub
  readonly logger: Logger
  readonly stop: StopCriteria
  readonly maxFailures: number
  /** End the experiment when a trial errors for good. */
  readonly failFast: boolean
  readonly stopGraceMs: number
  readonly signal: AbortSignal | undefined
  /** Wall-clock limit of one run of a trial, s; undefined: none. */
  readonly trialTimeoutS: number | undefined
  readonly metricCheck: MetricCheck
  /** Where the loop records its inputs and decisions (the experiment's journal); none: an experiment without storage. */
  readonly journal?: JournalWriter | undefined
  /** Seconds the experiment ran in earlier sessions (a restore): the time budget counts them. */
  readonly elapsedBeforeS?: number
  /** A restore's option: trials that errored for good get a new round of attempts. */
  readonly retryErrored?: boolean
  /**
   * Whether anyone outside the loop hears of a trial's end as it happens (a tracker, an open
   * `events()` stream). Default: always. When nobody does, a quiet end (completed, stopped or
   * paused) goes to the journal with the rest of its batch instead of in a write of its own.
   */
  readonly endsHeard?: () => boolean
}

/** A running trial's thread; none for a trial a replay knows was running, until the restore starts it again. */
interface Running {
  readonly trial: Trial
  readonly handle: TrialHandle | undefined
}

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
export class ExperimentRun {
  readonly trials: Trial[] = []
  readonly #s: RunSettings
  readonly #feed: SearchFeed
  readonly #judging: SchedulerFeed
  readonly #errors: TrialErrorLog
  readonly #timeouts: TrialTimeouts
  readonly #checks: MetricChecks
  readonly #running = new Map<number, Running>()
  readonly #retry: Trial[] = []
  readonly #paused: Trial[] = []
  readonly #timers: NodeJS.Timeout[] = []
  /** Per trial told to stop or pause: ends its thread if it has not ended within the grace period. */
  readonly #graceTimers = new Map<number, NodeJS.Timeout>()
  readonly #record: RunRecord
  /**
   * Every report is answered 'continue' unless its metric is NaN (it diverged) or the trial was told to end: the
   * scheduler never decides on reports and no stop criterion reads them. Then the metrics whose NaN ends a trial,
   * which the executor may send reports one way for (`TrialRun.oneWay`); else undefined.
   */
  readonly #oneWay: readonly string[] | undefined
  #slots: number
  #exhausted = false
  #interrupted = false
  /** The interrupt leaves running trials resumable (all but the time budget). */
  #resumable = false
  #why = ''
  #fatal: unknown
  #finish: (() => void) | undefined
  /** Replayed: `run()` begins a new session of the experiment. */
  #session = 0
  /** Inputs that arrived after the last session's interrupt: the new session hands them on first. */
  #carried: readonly JsonlEvent[] = []

  constructor(settings: RunSettings) {
    this.#s = settings
    this.#record = new RunRecord(settings.journal, settings.hub, settings.elapsedBeforeS ?? 0)
    this.#slots = settings.executor.slots
    this.#feed = new SearchFeed(settings.searcher, settings.searchLag)
    this.#judging = new SchedulerFeed(settings.orderReports)
    this.#errors = new TrialErrorLog(settings.logger)
    this.#timeouts = new TrialTimeouts(settings.trialTimeoutS)
    this.#checks = new MetricChecks(settings.metrics ?? settings.metric, settings.metricCheck, settings.logger)
    const { stop, scheduler } = settings
    const judged = scheduler.alwaysContinues !== true || stop.maxIterations !== undefined || stop.metricThreshold !== undefined
    this.#oneWay = judged || settings.orderReports ? undefined : (settings.metrics ?? [settings.metric])
  }

  /** What a searcher or scheduler threw, if one did; the run then stopped every trial and ended. */
  get fatal(): unknown {
    return this.#fatal
  }

  /** Why the run ended early and whether it can be resumed; undefined when it ran to its end. */
  get interrupted(): { readonly why: string; readonly resumable: boolean } | undefined {
    return this.#interrupted ? { why: this.#why, resumable: this.#resumable } : undefined
  }

  /** Runs to the end; never rejects (see `fatal`). */
  async run(): Promise<ExperimentSummary> {
    const { signal, stop } = this.#s
    const onAbort = () => this.interrupt('abort', 'the experiment was aborted')
    signal?.addEventListener('abort', onAbort, { once: true })
    const finished = new Promise<void>((resolve) => {
      this.#finish = resolve
    })
    if (this.#session > 0) this.#beginSession()
    if (stop.timeBudgetS !== undefined && !this.#interrupted) {
      const leftMs = Math.max(0, (stop.timeBudgetS - (this.#s.elapsedBeforeS ?? 0)) * 1000)
      this.#timers.push(setTimeout(() => this.interrupt('budget', `the time budget of ${stop.timeBudgetS} s ran out`), leftMs))
    }
    if (signal?.aborted) this.interrupt('abort', 'the experiment was aborted')
    this.#pump()
    await finished
    if (!this.#resumable) this.#judging.cancel()
    this.#guard(() => this.#feed.flush())
    this.#errors.close()
    this.#timeouts.close()
    signal?.removeEventListener('abort', onAbort)
    for (const timer of [...this.#timers, ...this.#graceTimers.values()]) clearTimeout(timer)
    return this.#summary()
  }

  /**
   * Ends the experiment early: no trial starts any more, running ones stop at
   * their next report. A resumable interrupt (every cause but the time
   * budget) leaves them resumable: they end `paused`, and the searcher and
   * the scheduler hear nothing of their ends, so a restore continues them.
   */
  interrupt(cause: InterruptCause, why: string): void {
    if (this.#interrupted) return
    this.#interrupted = true
    this.#resumable = cause !== 'budget'
    this.#why = why
    const event: JsonlEvent = { event: 'interrupt', cause, why, resumable: this.#resumable, t: this.#record.elapsedS() }
    // failFast is the loop's own decision; every other cause comes from outside.
    if (cause === 'failFast') this.#record.output(event)
    else this.#record.input(event)
    this.#record.flush()
    if (!this.#resumable) this.#judging.cancel()
    if (this.#record.replaying) {
      if (!this.#resumable) for (const { trial } of this.#running.values()) if (trial.ending !== 'stop') this.#tellEnding(trial, 'stop')
      return
    }
    const running = this.#running.size
    if (running > 0) this.#s.logger.info(`${why}: stopping ${running} running trial${running === 1 ? '' : 's'} at their next report`)
    const waiting: Trial[] = []
    for (const { trial, handle } of this.#running.values()) {
      // A trial a restore caught, still waiting for its last report's answer (#relaunchWhenAnswered), has no thread to tell: it ends here.
      if (handle === undefined) waiting.push(trial)
      if (this.#resumable) {
        // A trial already told to stop or pause ends as told; the others end resumable.
        if (trial.ending) continue
        trial.suspended = true
      } else if (trial.ending === 'stop') continue
      clearTimeout(this.#graceTimers.get(trial.id))
      this.#tellEnding(trial, 'stop')
      handle?.stop('stop')
    }
    for (const trial of waiting) this.#endAsTold(trial)
    this.#pump()
  }

  /** A restore begins: the loop replays the journal through `check` at the first session's concurrency. */
  beginReplay(check: ReplayCheck, concurrency: number): void {
    this.#record.replayThrough(check)
    this.#slots = concurrency
  }

  /** Replaying: starts what the loop starts when a session begins, before any input (see `run`). */
  fillSlots(): void {
    this.#pump()
  }

  /** The replay is over; `carried` are the inputs the last session got after its interrupt. */
  endReplay(session: number, carried: readonly JsonlEvent[]): void {
    this.#record.replayThrough(undefined)
    this.#session = session
    this.#carried = carried
    this.#slots = this.#s.executor.slots
  }

  /** A replayed `session` line: what the restore that wrote it did first, before the inputs that follow. */
  replaySession(concurrency: number): void {
    this.#slots = concurrency
    if (this.#resumable) this.#interrupted = false
  }

  /** Replays one input of the journal, as the loop first met it. */
  apply(event: JsonlEvent): void {
    switch (event.event) {
      case 'result':
        this.#onReport(this.#runningTrial(event.trial_id), {}, event.result)
        return
      case 'checkpoint':
        this.#runningTrial(event.trial_id)
        this.#s.checkpoints.note({ trial: event.trial_id, seq: event.seq, attempt: event.attempt, iteration: event.iteration })
        return
      case 'trial_end':
        this.#onEnd(this.#runningTrial(event.trial.id), outcomeOf(event), event)
        return
      case 'trial_start':
        this.#launch(this.#runningTrial(event.trial.id), true, event)
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

  #pump(): void {
    try {
      while (!this.#interrupted && this.#running.size < this.#slots) {
        const trial = this.#next()
        if (!trial) break
        this.#launch(trial)
      }
      if (this.#running.size === 0 && this.#interrupted) {
        if (!this.#resumable) this.#stopWaiting('the experiment ended')
      } else if (this.#running.size === 0 && !this.#done()) this.#stopWaiting('nothing runs and the scheduler resumes none')
    } catch (error) {
      this.#fail(error)
    }
    if (this.#running.size === 0 && (this.#interrupted || this.#done())) this.#finish?.()
  }

  #done(): boolean {
    return !this.#canCreate() && this.#retry.length === 0 && this.#paused.length === 0
  }

  /**
   * False once the searcher ran dry or the plan is used up: known early, so a scheduler (PBT) does not wait for trials that will never come.
   * Also false while a `reproducible` run waits for earlier trials to end.
   */
  #canCreate(): boolean {
    return !this.#exhausted && this.trials.length < this.#s.plannedTrials && this.#feed.canPropose(this.trials.length)
  }

  /** The trial to run next: the scheduler's choice if it makes one, else retries, then new trials, then paused ones. */
  #next(): Trial | undefined {
    const { scheduler } = this.#s
    if (!scheduler.choose) return this.#retry.shift() ?? this.#newTrial() ?? this.#paused.shift()
    for (;;) {
      const canCreate = this.#canCreate()
      const choice: RunChoice = scheduler.choose({ pending: this.#retry, paused: this.#paused, canCreate })
      if (choice === 'new') {
        if (!canCreate) return undefined
        const trial = this.#newTrial()
        if (trial) return trial
        continue // the searcher just ran out: ask again, now with canCreate false
      }
      if (choice === undefined) return undefined
      const isTrial = typeof choice === 'object' && choice !== null
      const trial = isTrial ? (take(this.#retry, choice) ?? take(this.#paused, choice)) : undefined
      if (!trial) {
        const got = isTrial ? `trial ${show(choice.id)}, which is neither pending nor paused` : show(choice)
        throw new ConfigError(`scheduler.choose: must return a pending or paused trial, "new" or undefined, got ${got}`, {
          field: 'scheduler',
        })
      }
      return trial
    }
  }

  /**
   * Ends the paused and pending trials as stopped: when the experiment is over
   * (time budget), or when nothing runs and the scheduler picks none of them
   * (rather than wait forever).
   */
  #stopWaiting(why: string): void {
    const waiting = [...this.#retry.splice(0), ...this.#paused.splice(0)]
    this.#exhausted = true
    if (waiting.length === 0) return
    if (!this.#record.replaying) this.#s.logger.info(`${why} of the ${waiting.length} waiting trials: stopping them`)
    for (const trial of waiting) {
      trial.state = 'stopped'
      this.#record.output({ event: 'trial_end', trial: { id: trial.id, state: 'stopped', error: null } })
      this.#complete(trial)
    }
  }

  #newTrial(): Trial | undefined {
    const id = this.trials.length
    if (this.#exhausted || !this.#feed.canPropose(id)) return undefined
    const config = id < this.#s.plannedTrials ? this.#feed.propose(id) : null
    if (config === null) {
      this.#exhausted = true
      return undefined
    }
    const trial = new Trial(id, config, deriveSeed(this.#s.seed, 'trial', id))
    this.trials.push(trial)
    this.#s.scheduler.onTrialAdd(trial)
    return trial
  }

  /**
   * Starts a run of `trial`: new, retried, resumed after a pause (from its
   * checkpoint or a donor's), or, given `relaunch`, restarted by a restore
   * that found it running. Replaying, it starts no thread and takes from the
   * journal (`journaled`, or the line it checks the launch against) which
   * checkpoint the run used.
   */
  #launch(trial: Trial, relaunch = false, journaled?: TrialStartEvent): void {
    const resuming = trial.state === 'paused' || relaunch
    const plan = trial.state === 'paused' ? this.#s.scheduler.beforeResume?.(trial) : undefined
    if (plan?.config) trial.config = plan.config
    const donor = plan?.restoreFrom === undefined ? undefined : this.trials[plan.restoreFrom]
    let start: StartPoint | undefined
    if (this.#record.replaying) {
      const event = journaled ?? (this.#record.output(startEvent(trial, donor, relaunch, undefined)) as TrialStartEvent)
      const from = event.from
      if (from !== undefined)
        start = { ref: { trial: from.trial, seq: from.seq, attempt: 0, iteration: event.iteration ?? 0 }, state: undefined }
    } else {
      start = resuming ? startPoint(this.#s.checkpoints, trial, donor, this.#s.logger) : undefined
      // Built only when a journal keeps it (as every per-trial event): this runs for every trial.
      if (this.#record.writes) this.#record.input(startEvent(trial, donor, relaunch, start))
    }
    const { checkpoints } = this.#s
    if (start !== undefined && start.ref.trial !== trial.id) {
      // A clone carries on from its donor's checkpoint, count and clock, as in Ray Tune; the checkpoint becomes its own.
      if (this.#record.replaying) checkpoints.record(trial.id, trial.attempt, start.ref.iteration)
      else checkpoints.adopt(trial.id, trial.attempt, start.ref, start.state)
      trial.elapsedMs = (donor?.lastResult?.time_total_s ?? 0) * 1000
      trial.rerunUntil = 0
    } else if (resuming) {
      // Its own checkpoint (or none: the start) may be older than its last report: those reports are re-done, not recorded again.
      trial.rerunUntil = trial.reported
      if (relaunch) trial.elapsedMs = (trial.lastResult?.time_total_s ?? 0) * 1000
      // Resumed after its pause: the pause answered its last report, and re-doing that report must not pause it again.
      else trial.lastAnswer = undefined
    }
    if (resuming) trial.iteration = start?.ref.iteration ?? 0
    trial.begin(performance.now())
    this.#record.emit('onTrialStart', trial)
    if (this.#record.replaying) {
      this.#running.set(trial.id, { trial, handle: undefined })
      return
    }
    const handle = this.#s.executor.start(
      { trialId: trial.id, config: trial.config, seed: trial.seed, restore: start?.state, oneWay: this.#oneWay },
      {
        report: (metrics, madeAt) => this.#onReport(trial, metrics, undefined, madeAt),
        checkpoint: (state) => this.#onCheckpoint(trial, state),
        // Only a time limit needs to hear when the trainable starts; unasked, the executor can skip telling it.
        started: this.#s.trialTimeoutS === undefined ? undefined : () => this.#timeouts.started(trial.id),
      },
    )
    this.#running.set(trial.id, { trial, handle })
    this.#timeouts.start(trial.id, () => handle.kill())
    void handle.done.then((outcome) => this.#onEnd(trial, outcome))
  }

  #onCheckpoint(trial: Trial, state: unknown): void {
    // By the convention of ctx.checkpoint, a state comes before the report it goes with: it stands for the next one.
    const ref = this.#s.checkpoints.save(trial.id, trial.attempt, trial.iteration + 1, state)
    this.#record.input({ event: 'checkpoint', trial_id: trial.id, seq: ref.seq, attempt: ref.attempt, iteration: ref.iteration })
  }

  /** `madeAt`: when a report that travelled one way was made (see `TrialListener.report`); undefined: now. */
  #onReport(trial: Trial, metrics: Metrics, journaled?: Result, madeAt?: number): Decision | Promise<Decision> {
    if (journaled === undefined && trial.iteration < trial.rerunUntil) {
      // Re-done from an earlier checkpoint: the journal has this report, which keeps its first values.
      trial.iteration++
      return trial.iteration < trial.rerunUntil ? 'continue' : (trial.lastAnswer ?? 'continue')
    }
    const result = journaled === undefined ? trial.record(metrics, madeAt ?? performance.now()) : this.#adopt(trial, journaled)
    if (journaled === undefined && this.#record.writes) this.#record.input({ event: 'result', trial_id: trial.id, result })
    // Checked even while carrying: a divergence decides how the trial's end is recorded (#endWhileInterrupted).
    const diverged = trial.ending === undefined && this.#checks.result(trial, result) !== undefined
    // After a resumable interrupt, a report is kept for the next session, which judges it.
    if (this.#carrying()) return trial.ending ?? 'stop'
    this.#record.emit('onTrialResult', trial, result)
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
      // Diverged: it ends here, unjudged; #onEnd records it as errored.
      this.#tellEnding(trial, 'stop')
      return 'stop'
    }
    // Judged at once unless the run orders its reports (no closure then: this runs for every report).
    if (!this.#s.orderReports) return this.#judge(trial, result)
    const answer = this.#judging.report(trial.id, result.training_iteration, () => this.#judge(trial, result))
    if (answer instanceof Promise) this.#timeouts.hold(trial.id, answer)
    return answer
  }

  /** A result the journal has: it must be the next report of the trial, as replays of the same code give. */
  #adopt(trial: Trial, result: Result): Result {
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
      if (!this.#interrupted) this.#record.output({ event: 'decision', trial_id: trial.id, iteration: result.training_iteration, decision })
      this.#tellEnding(trial, decision)
    }
    trial.lastAnswer = decision
    return decision
  }

  #decide(trial: Trial, result: Result): Decision {
    if (this.#interrupted) return 'stop'
    try {
      this.#feed.result(trial.id, result)
      const decision: unknown = this.#s.scheduler.onTrialResult(trial, result)
      if (decision !== 'continue' && decision !== 'stop' && decision !== 'pause') {
        throw new ConfigError(`scheduler.onTrialResult: must return "continue", "stop" or "pause", got ${show(decision)}`, {
          field: 'scheduler',
        })
      }
      if (decision !== 'continue') return decision
    } catch (error) {
      this.#fail(error)
      return 'stop'
    }
    return meetsStop(this.#s.stop, result, this.#s.objectives) ? 'stop' : 'continue'
  }

  /** Records what the trial was told; a trial that does not end within the grace period has its thread ended. */
  #tellEnding(trial: Trial, decision: Exclude<Decision, 'continue'>): void {
    trial.ending = decision
    const handle = this.#running.get(trial.id)?.handle
    if (handle === undefined) return
    // A run re-doing recorded reports would only reach the answer at the last of them: tell it now.
    if (trial.iteration < trial.rerunUntil) handle.stop(decision)
    this.#graceTimers.set(
      trial.id,
      setTimeout(() => handle.kill(), this.#s.stopGraceMs),
    )
  }

  #onEnd(trial: Trial, ended: TrialOutcome, journaled?: TrialEndEvent): void {
    // Replayed, the journaled outcome already names the timeout.
    const timedOut = this.#timeouts.end(trial.id)
    const outcome: TrialOutcome = timedOut && ended.kind === 'errored' ? { kind: 'errored', error: timedOut } : ended
    this.#running.delete(trial.id)
    clearTimeout(this.#graceTimers.get(trial.id))
    this.#graceTimers.delete(trial.id)
    if (journaled === undefined && this.#carrying()) {
      this.#endWhileInterrupted(trial, outcome)
      return
    }
    // A report still waiting for its turn belongs to an attempt that is over.
    this.#judging.dropWaiting(trial.id)
    const final = this.#recordFinal(trial, outcome, journaled)
    const diverged = this.#divergence(trial, final)
    const { state, retry } = diverged ? { state: 'errored' as const, retry: false } : this.#endState(trial, outcome, this.#interrupted)
    if (journaled !== undefined && journaled.trial.state !== state) {
      throw new JournalError(`trial ${trial.id} ends ${state} now, the journal has ${journaled.trial.state}`)
    }
    if (!diverged && outcome.kind === 'errored' && (state === 'errored' || retry)) trial.failures++
    if (diverged) trial.error = diverged
    else if (state === 'errored' && 'error' in outcome) trial.error = toTrialError(trial.id, outcome.error)
    if (journaled === undefined) this.#recordEnd(trial, state, outcome, final)
    if (final !== undefined) {
      this.#record.emit('onTrialResult', trial, final)
      this.#guard(() => this.#feed.result(trial.id, final))
    }
    if (outcome.kind === 'unloadable') {
      // No trial can run without the module: end the experiment instead of failing every trial the same way.
      trial.state = 'errored'
      const { name, message } = outcome.error
      this.#fail(problemAt(optionAt('Tuner', 'trainable'), `could not be loaded: ${name}: ${message}`, trial.error))
    } else if (diverged) {
      // Not retried: a seeded rerun of the same config would diverge the same way.
      trial.state = 'errored'
      this.#errors.errored(trial.id, { name: diverged.name, message: `diverged: ${diverged.metric} is NaN (not retried)` })
      if (this.#s.failFast) this.interrupt('failFast', `failFast: trial ${trial.id} diverged`)
    } else if (outcome.kind === 'errored' && (state === 'errored' || retry)) {
      if (retry) {
        this.#errors.retrying(trial.id, trial.failures - trial.forgivenFailures, this.#s.maxFailures + 1, outcome.error)
        this.#judging.restart(trial.id)
        trial.resetForRetry()
        this.#retry.push(trial)
        this.#pump()
        return
      }
      trial.state = 'errored'
      this.#errors.errored(trial.id, outcome.error)
      if (this.#s.failFast) this.interrupt('failFast', `failFast: trial ${trial.id} errored`)
    } else if (state === 'paused') {
      trial.pause(performance.now())
      this.#paused.push(trial)
    } else {
      trial.state = state
    }
    if (trial.state === 'paused') this.#record.emit('onTrialEnd', trial)
    else this.#complete(trial)
    const missing = trial.state === 'completed' ? this.#checks.completed(trial) : undefined
    if (missing) this.#fail(missing)
    this.#pump()
  }

  /** The divergence that ends this run of the trial: a NaN metric in a report, or in the result it returned. */
  #divergence(trial: Trial, final: Result | undefined) {
    if (final !== undefined) this.#checks.result(trial, final)
    return this.#checks.takeDivergence(trial.id)
  }

  /**
   * After a resumable interrupt (live): the interrupt's own stops leave the
   * trial paused, to resume in the next session; an end of the trial's own
   * (it completed, or had been told to stop before) is written to the journal
   * for the next session to hand on, and only shown in this session's results.
   */
  #endWhileInterrupted(trial: Trial, outcome: TrialOutcome): void {
    if ((trial.suspended && outcome.kind !== 'completed') || outcome.kind === 'unloadable') {
      trial.pause(performance.now())
      this.#record.emit('onTrialEnd', trial)
    } else {
      const final = this.#recordFinal(trial, outcome)
      const diverged = this.#divergence(trial, final)
      const { state } = diverged ? { state: 'errored' as const } : this.#endState(trial, outcome, false)
      if (diverged) trial.error = diverged
      else if (state === 'errored' && outcome.kind === 'errored') trial.error = toTrialError(trial.id, outcome.error)
      if (state === 'paused') trial.pause(performance.now())
      else trial.state = state
      this.#recordEnd(trial, state, outcome, final)
    }
    this.#pump()
  }

  #endState(trial: Trial, outcome: TrialOutcome, interrupted: boolean): { state: TrialState; retry: boolean } {
    return endState(trial, outcome, { interrupted, maxFailures: this.#s.maxFailures, stop: this.#s.stop, scheduler: this.#s.scheduler })
  }

  /** The result a completed trainable returned, recorded as its last report. */
  #recordFinal(trial: Trial, outcome: TrialOutcome, journaled?: TrialEndEvent): Result | undefined {
    if (outcome.kind !== 'completed' || outcome.final === undefined) return undefined
    return journaled?.final ? this.#adopt(trial, journaled.final) : trial.record(outcome.final, performance.now())
  }

  /**
   * Writes a trial's end, on disk before any tracker hears of it. With nobody listening, a quiet
   * end waits for its batch's write (which a crash can lose, as it can the batch's reports; the
   * restore runs the trial again, or ends it as its journaled decision told): one write per batch
   * instead of one more per trial, and still nothing anyone was told of is lost. An errored end is
   * written at once, as the log is about to say it.
   */
  #recordEnd(trial: Trial, state: TrialState, outcome: TrialOutcome, final: Result | undefined): void {
    if (this.#record.writes) this.#record.input(endEvent(trial, state, outcome, final, this.#record.elapsedS()))
    const quiet = state !== 'errored' && outcome.kind !== 'errored' && outcome.kind !== 'unloadable'
    if (!quiet || (this.#s.endsHeard?.() ?? true)) this.#record.flush()
  }

  /** A trial ended for good: tell the searcher, the scheduler and the trackers. */
  #complete(trial: Trial): void {
    this.#guard(() => this.#feed.complete(trial.id, trial.lastResult, trial.state))
    const result = trial.lastResult
    this.#judging.end(trial.id, result?.training_iteration ?? 0, () => this.#guard(() => this.#s.scheduler.onTrialComplete(trial, result)))
    this.#record.emit('onTrialEnd', trial)
  }

  /** A restore's `retryErrored`: a trial that errored for good goes back to the queue with a new round of attempts. */
  #retryErrored(trial: Trial): void {
    if (trial.state !== 'errored') throw new JournalError(`trial ${trial.id} is ${trial.state}, not errored: it cannot be retried`)
    trial.forgivenFailures = trial.failures
    trial.resetForRetry()
    this.#retry.push(trial)
  }

  /**
   * The start of a session after a restore: the journal says where it is, then
   * errored trials are retried if asked, the inputs the last session kept
   * after its interrupt are handed on, and every trial the crash or the
   * interrupt caught running ends as it was told, or starts again.
   */
  #beginSession(): void {
    this.#record.input({
      event: 'session',
      session: this.#session + 1,
      pid: process.pid,
      host: hostname(),
      at: new Date().toISOString(),
      concurrency: this.#slots,
      t: this.#record.elapsedS(),
    })
    if (this.#resumable) this.#interrupted = false
    if (this.#s.retryErrored) {
      for (const trial of this.trials) {
        if (trial.state !== 'errored') continue
        this.#record.input({ event: 'retry', trial_id: trial.id })
        this.#retryErrored(trial)
      }
    }
    // Handed on as a replay hands on inputs: they are in the journal already.
    for (const event of this.#carried) this.apply(event)
    this.#carried = []
    const caught = [...this.#running.values()].filter(({ handle }) => handle === undefined).map(({ trial }) => trial)
    for (const trial of caught.sort((a, b) => a.id - b.id)) {
      if (trial.ending) this.#endAsTold(trial)
      else if (trial.lastAnswer instanceof Promise) this.#relaunchWhenAnswered(trial, trial.lastAnswer)
      else this.#launch(trial, true)
    }
  }

  /** A trial the crash or the interrupt caught after it was told to stop or pause: it ends as told, at the report that told it. */
  #endAsTold(trial: Trial): void {
    this.#onEnd(trial, { kind: trial.ending === 'pause' ? 'paused' : 'stopped' })
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
      if (this.#running.get(trial.id)?.handle !== undefined || !this.#running.has(trial.id)) return
      try {
        if (trial.ending) this.#endAsTold(trial)
        else this.#launch(trial, true)
      } catch (error) {
        this.#fail(error)
      }
    })
  }

  /** Live, after a resumable interrupt: inputs are written down for the next session rather than acted on. */
  #carrying(): boolean {
    return this.#interrupted && this.#resumable && !this.#record.replaying
  }

  #trial(id: number): Trial {
    const trial = this.trials[id]
    if (trial === undefined) throw new JournalError(`trial ${id} was never started`)
    return trial
  }

  #runningTrial(id: number): Trial {
    const trial = this.#trial(id)
    if (!this.#running.has(id)) throw new JournalError(`trial ${id} is ${trial.state}, not running`)
    return trial
  }

  #guard(callback: () => void): void {
    try {
      callback()
    } catch (error) {
      this.#fail(error)
    }
  }

  #fail(error: unknown): void {
    this.#fatal ??= error
    // Replaying, the restore stops at once and says what threw (tuner/replay.ts).
    if (this.#record.replaying) return
    this.interrupt(
      'error',
      error instanceof ConfigError ? error.message : `a searcher or scheduler threw (${(error as Error)?.message ?? String(error)})`,
    )
  }

  #summary(): ExperimentSummary {
    const states: Record<TrialState, number> = { pending: 0, running: 0, paused: 0, completed: 0, stopped: 0, errored: 0 }
    for (const trial of this.trials) states[trial.state]++
    return {
      trials: this.trials.length,
      states,
      elapsedS: this.#record.elapsedS(),
      interrupted: this.#interrupted,
    }
  }
}

/** The journal's line for a run's start: `start` is where a resumed run starts from (its or a donor's checkpoint). */
function startEvent(trial: Trial, donor: Trial | undefined, relaunch: boolean, start: StartPoint | undefined): TrialStartEvent {
  const planned: TrialStartEvent = {
    event: 'trial_start',
    trial: { id: trial.id, config: trial.config, seed: trial.seed, attempt: trial.attempt },
    ...(donor === undefined ? {} : { donor: donor.id }),
    ...(relaunch ? { relaunch: true as const } : {}),
  }
  return start === undefined
    ? planned
    : { ...planned, from: { trial: start.ref.trial, seq: start.ref.seq }, iteration: start.ref.iteration }
}

function take(queue: Trial[], wanted: TrialInfo): Trial | undefined {
  const index = queue.findIndex((trial) => trial.id === wanted.id)
  return index === -1 ? undefined : queue.splice(index, 1)[0]
}
