import { ConfigError, show, TrialError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { optionAt, problemAt } from '../options/index.ts'
import type { RunChoice, Scheduler } from '../scheduler/scheduler.ts'
import { deriveSeed } from '../search/rng.ts'
import type { Searcher } from '../search/searcher.ts'
import type { TrackerHub } from '../tracker/dispatch.ts'
import type { Decision, ExperimentSummary, Metrics, Mode, Result, TrialInfo, TrialState } from '../types.ts'
import type { Executor, TrialHandle } from '../workers/executor.ts'
import type { SerializedError, TrialOutcome } from '../workers/protocol.ts'
import type { CheckpointStore } from './checkpoints.ts'
import { TrialErrorLog } from './error-log.ts'
import { MetricChecks } from './metric-checks.ts'
import type { MetricCheck } from './options.ts'
import { SchedulerFeed } from './scheduler-feed.ts'
import { SearchFeed } from './search-feed.ts'
import { meetsStop, type StopCriteria } from './stop.ts'
import { Trial } from './trial.ts'
import { TrialTimeouts } from './trial-timeouts.ts'

/** What one run of the loop needs, already validated. */
export interface RunSettings {
  readonly metric: string
  readonly mode: Mode
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
  /** Where checkpoints go: the loop only saves and reads the latest (the Tuner's store also writes them to disk). */
  readonly checkpoints: Pick<CheckpointStore, 'save' | 'latest'>
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
}

/**
 * The loop of one experiment: fill free slots with new (or retried, or
 * resumed) trials, route reports through the scheduler and stop criteria,
 * record ends, until the searcher is exhausted and nothing runs.
 */
export class ExperimentRun {
  readonly trials: Trial[] = []
  readonly #s: RunSettings
  readonly #feed: SearchFeed
  readonly #judging: SchedulerFeed
  readonly #errors: TrialErrorLog
  readonly #timeouts: TrialTimeouts
  readonly #checks: MetricChecks
  readonly #running = new Map<number, { trial: Trial; handle: TrialHandle }>()
  readonly #retry: Trial[] = []
  readonly #paused: Trial[] = []
  readonly #timers: NodeJS.Timeout[] = []
  /** Per trial told to stop or pause: ends its thread if it has not ended within the grace period. */
  readonly #graceTimers = new Map<number, NodeJS.Timeout>()
  readonly #started = performance.now()
  #exhausted = false
  #interrupted = false
  #fatal: unknown
  #finish: (() => void) | undefined

  constructor(settings: RunSettings) {
    this.#s = settings
    this.#feed = new SearchFeed(settings.searcher, settings.searchLag)
    this.#judging = new SchedulerFeed(settings.orderReports)
    this.#errors = new TrialErrorLog(settings.logger)
    this.#timeouts = new TrialTimeouts(settings.trialTimeoutS)
    this.#checks = new MetricChecks(settings.metric, settings.metricCheck, settings.logger)
  }

  /** What a searcher or scheduler threw, if one did; the run then stopped every trial and ended. */
  get fatal(): unknown {
    return this.#fatal
  }

  /** Runs to the end; never rejects (see `fatal`). */
  async run(): Promise<ExperimentSummary> {
    const { signal, stop } = this.#s
    const onAbort = () => this.#interrupt('the experiment was aborted')
    signal?.addEventListener('abort', onAbort, { once: true })
    if (stop.timeBudgetS !== undefined) {
      this.#timers.push(setTimeout(() => this.#interrupt(`the time budget of ${stop.timeBudgetS} s ran out`), stop.timeBudgetS * 1000))
    }
    const finished = new Promise<void>((resolve) => {
      this.#finish = resolve
    })
    if (signal?.aborted) this.#interrupted = true
    this.#pump()
    await finished
    this.#judging.cancel()
    this.#guard(() => this.#feed.flush())
    this.#errors.close()
    this.#timeouts.close()
    signal?.removeEventListener('abort', onAbort)
    for (const timer of [...this.#timers, ...this.#graceTimers.values()]) clearTimeout(timer)
    return this.#summary()
  }

  #pump(): void {
    try {
      while (!this.#interrupted && this.#running.size < this.#s.executor.slots) {
        const trial = this.#next()
        if (!trial) break
        this.#launch(trial)
      }
      if (this.#running.size === 0 && this.#interrupted) this.#stopWaiting('the experiment ended')
      else if (this.#running.size === 0 && !this.#done()) this.#stopWaiting('nothing runs and the scheduler resumes none')
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
   * (abort, time budget), or when nothing runs and the scheduler picks none of
   * them (rather than wait forever).
   */
  #stopWaiting(why: string): void {
    const waiting = [...this.#retry.splice(0), ...this.#paused.splice(0)]
    this.#exhausted = true
    if (waiting.length === 0) return
    this.#s.logger.info(`${why} of the ${waiting.length} waiting trials: stopping them`)
    for (const trial of waiting) {
      trial.state = 'stopped'
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

  #launch(trial: Trial): void {
    const { checkpoints } = this.#s
    let restore: unknown
    if (trial.state === 'paused') {
      const plan = this.#s.scheduler.beforeResume?.(trial)
      if (plan?.config) trial.config = plan.config
      const donor = plan?.restoreFrom === undefined ? undefined : this.trials[plan.restoreFrom]
      if (donor) {
        // As in Ray Tune, a trial that resumes from another's checkpoint carries on from that trial's count and clock.
        trial.iteration = donor.iteration
        trial.elapsedMs = (donor.lastResult?.time_total_s ?? 0) * 1000
      }
      restore = checkpoints.latest(plan?.restoreFrom ?? trial.id)
    }
    trial.begin(performance.now())
    this.#s.hub.emit('onTrialStart', trial)
    const handle = this.#s.executor.start(
      { trialId: trial.id, config: trial.config, seed: trial.seed, restore },
      {
        report: (metrics) => this.#onReport(trial, metrics),
        checkpoint: (state) => checkpoints.save(trial.id, state),
        // Only a time limit needs to hear when the trainable starts; unasked, the executor can skip telling it.
        started: this.#s.trialTimeoutS === undefined ? undefined : () => this.#timeouts.started(trial.id),
      },
    )
    this.#running.set(trial.id, { trial, handle })
    this.#timeouts.start(trial.id, () => handle.kill())
    void handle.done.then((outcome) => this.#onEnd(trial, outcome))
  }

  #onReport(trial: Trial, metrics: Metrics): Decision | Promise<Decision> {
    const result = trial.record(metrics, performance.now())
    this.#s.hub.emit('onTrialResult', trial, result)
    // A report already on its way when the trial was told to end is kept, and answered the same.
    if (trial.ending) return trial.ending
    if (this.#checks.result(trial, result)) {
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

  /** A report's answer: a decision, or the ending the trial was told while its report waited its turn. */
  #judge(trial: Trial, result: Result): Decision {
    if (trial.ending) return trial.ending
    const decision = this.#decide(trial, result)
    if (decision !== 'continue') this.#tellEnding(trial, decision)
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
    return meetsStop(this.#s.stop, result, this.#s.metric, this.#s.mode) ? 'stop' : 'continue'
  }

  /** Records what the trial was told; a trial that does not end within the grace period has its thread ended. */
  #tellEnding(trial: Trial, decision: Exclude<Decision, 'continue'>): void {
    trial.ending = decision
    const handle = this.#running.get(trial.id)?.handle
    this.#graceTimers.set(
      trial.id,
      setTimeout(() => handle?.kill(), this.#s.stopGraceMs),
    )
  }

  #onEnd(trial: Trial, ended: TrialOutcome): void {
    const timedOut = this.#timeouts.end(trial.id)
    const outcome: TrialOutcome = timedOut && ended.kind === 'errored' ? { kind: 'errored', error: timedOut } : ended
    this.#running.delete(trial.id)
    // A report still waiting for its turn belongs to an attempt that is over.
    this.#judging.dropWaiting(trial.id)
    clearTimeout(this.#graceTimers.get(trial.id))
    this.#graceTimers.delete(trial.id)
    // Once told to stop or pause, a thread that dies on the way out (or is ended after the grace period) does not make the trial errored.
    const kind = outcome.kind === 'errored' && trial.ending ? (trial.ending === 'pause' ? 'paused' : 'stopped') : outcome.kind
    if (outcome.kind === 'completed' && outcome.final !== undefined) {
      const result = trial.record(outcome.final, performance.now())
      this.#s.hub.emit('onTrialResult', trial, result)
      this.#guard(() => this.#feed.result(trial.id, result))
      this.#checks.result(trial, result)
    }
    const diverged = this.#checks.takeDivergence(trial.id)
    if (outcome.kind === 'unloadable') {
      // No trial can run without the module: end the experiment instead of failing every trial the same way.
      trial.state = 'errored'
      trial.error = toTrialError(trial.id, outcome.error)
      const { name, message } = outcome.error
      this.#fail(problemAt(optionAt('Tuner', 'trainable'), `could not be loaded: ${name}: ${message}`, trial.error))
    } else if (diverged) {
      // Not retried: a seeded rerun of the same config would diverge the same way.
      trial.state = 'errored'
      trial.error = diverged
      this.#errors.errored(trial.id, { name: diverged.name, message: `diverged: ${diverged.metric} is NaN (not retried)` })
      if (this.#s.failFast) this.#interrupt(`failFast: trial ${trial.id} diverged`)
    } else if (kind === 'errored' && outcome.kind === 'errored') {
      trial.failures++
      if (trial.failures <= this.#s.maxFailures && !this.#interrupted) {
        this.#errors.retrying(trial.id, trial.failures, this.#s.maxFailures + 1, outcome.error)
        this.#judging.restart(trial.id)
        trial.resetForRetry()
        this.#retry.push(trial)
        this.#pump()
        return
      }
      trial.state = 'errored'
      trial.error = toTrialError(trial.id, outcome.error)
      this.#errors.errored(trial.id, outcome.error)
      if (this.#s.failFast) this.#interrupt(`failFast: trial ${trial.id} errored`)
    } else if (kind === 'completed') {
      trial.state = 'completed'
    } else if (kind === 'paused' && !this.#interrupted) {
      trial.pause(performance.now())
      this.#paused.push(trial)
    } else {
      trial.state = this.#ranFullBudget(trial) ? 'completed' : 'stopped'
    }
    if (trial.state === 'paused') this.#s.hub.emit('onTrialEnd', trial)
    else this.#complete(trial)
    const missing = trial.state === 'completed' ? this.#checks.completed(trial) : undefined
    if (missing) this.#fail(missing)
    this.#pump()
  }

  /** Whether a trial told to end had reached its budget: `stop.maxIterations`, or the scheduler's `maxT`. */
  #ranFullBudget(trial: Trial): boolean {
    const last = trial.lastResult
    if (last === undefined) return false
    const { maxIterations } = this.#s.stop
    if (maxIterations !== undefined && last.training_iteration >= maxIterations) return true
    const { maxT, timeAttr } = this.#s.scheduler
    if (typeof maxT !== 'number' || typeof timeAttr !== 'string') return false
    const reached = last[timeAttr]
    return typeof reached === 'number' && reached >= maxT
  }

  /** A trial ended for good: tell the searcher, the scheduler and the trackers. */
  #complete(trial: Trial): void {
    this.#guard(() => this.#feed.complete(trial.id, trial.lastResult, trial.state))
    const result = trial.lastResult
    this.#judging.end(trial.id, result?.training_iteration ?? 0, () => this.#guard(() => this.#s.scheduler.onTrialComplete(trial, result)))
    this.#s.hub.emit('onTrialEnd', trial)
  }

  /** Stops every running trial: at its next report, or by ending its thread after the grace period. */
  #interrupt(why: string): void {
    if (this.#interrupted) return
    this.#interrupted = true
    this.#judging.cancel()
    if (this.#running.size > 0) this.#s.logger.info(`${why}: stopping ${this.#running.size} running trials`)
    for (const { trial, handle } of this.#running.values()) {
      if (trial.ending === 'stop') continue
      clearTimeout(this.#graceTimers.get(trial.id))
      this.#tellEnding(trial, 'stop')
      handle.stop('stop')
    }
    this.#pump()
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
    this.#interrupt(
      error instanceof ConfigError ? error.message : `a searcher or scheduler threw (${(error as Error)?.message ?? String(error)})`,
    )
  }

  #summary(): ExperimentSummary {
    const states: Record<TrialState, number> = { pending: 0, running: 0, paused: 0, completed: 0, stopped: 0, errored: 0 }
    for (const trial of this.trials) states[trial.state]++
    return {
      trials: this.trials.length,
      states,
      elapsedS: (performance.now() - this.#started) / 1000,
      interrupted: this.#interrupted,
    }
  }
}

function take(queue: Trial[], wanted: TrialInfo): Trial | undefined {
  const index = queue.findIndex((trial) => trial.id === wanted.id)
  return index === -1 ? undefined : queue.splice(index, 1)[0]
}

function toTrialError(trialId: number, error: SerializedError): TrialError {
  const cause = Object.assign(new Error(error.message), { name: error.name, stack: error.stack })
  return new TrialError(trialId, `trial ${trialId}: ${error.name}: ${error.message}`, { cause })
}
