import { ConfigError, TrialError } from '../errors.ts'
import type { RunChoice, Scheduler } from '../scheduler/scheduler.ts'
import { deriveSeed } from '../search/rng.ts'
import type { Searcher } from '../search/searcher.ts'
import type { TrackerHub } from '../tracker/dispatch.ts'
import type { Logger } from '../tracker/logger.ts'
import type { ExperimentSummary } from '../tracker/tracker.ts'
import type { Decision, Metrics, Mode, TrialInfo, TrialState } from '../types.ts'
import type { Executor, TrialHandle } from '../workers/executor.ts'
import type { SerializedError, TrialOutcome } from '../workers/protocol.ts'
import type { CheckpointStore } from './checkpoints.ts'
import { meetsStop, type StopCriteria } from './stop.ts'
import { Trial } from './trial.ts'

/** What one run of the loop needs, already validated. */
export interface RunSettings {
  readonly metric: string
  readonly mode: Mode
  readonly seed: number
  /** No more trials than this are created, whatever the searcher would propose. */
  readonly plannedTrials: number
  readonly searcher: Searcher
  readonly scheduler: Scheduler
  readonly executor: Executor
  readonly checkpoints: CheckpointStore
  readonly hub: TrackerHub
  readonly logger: Logger
  readonly stop: StopCriteria
  readonly maxFailures: number
  readonly stopGraceMs: number
  readonly signal: AbortSignal | undefined
}

/**
 * The loop of one experiment: fill free slots with new (or retried, or
 * resumed) trials, route reports through the scheduler and stop criteria,
 * record ends, until the searcher is exhausted and nothing runs.
 */
export class ExperimentRun {
  readonly trials: Trial[] = []
  readonly #s: RunSettings
  readonly #running = new Map<number, { trial: Trial; handle: TrialHandle }>()
  readonly #retry: Trial[] = []
  readonly #paused: Trial[] = []
  readonly #timers: NodeJS.Timeout[] = []
  readonly #started = performance.now()
  #exhausted = false
  #interrupted = false
  #fatal: unknown
  #finish: (() => void) | undefined

  constructor(settings: RunSettings) {
    this.#s = settings
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
    signal?.removeEventListener('abort', onAbort)
    for (const timer of this.#timers) clearTimeout(timer)
    return this.#summary()
  }

  #pump(): void {
    try {
      while (!this.#interrupted && this.#running.size < this.#s.executor.slots) {
        const trial = this.#next()
        if (!trial) break
        this.#launch(trial)
      }
      if (this.#running.size === 0 && !this.#interrupted && !this.#done()) this.#stopStranded()
    } catch (error) {
      this.#fail(error)
    }
    if (this.#running.size === 0 && (this.#interrupted || this.#done())) this.#finish?.()
  }

  #done(): boolean {
    return !this.#canCreate() && this.#retry.length === 0 && this.#paused.length === 0
  }

  /** False once the searcher ran dry or the plan is used up: known early, so a scheduler (PBT) does not wait for trials that will never come. */
  #canCreate(): boolean {
    return !this.#exhausted && this.trials.length < this.#s.plannedTrials
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
      const trial = take(this.#retry, choice) ?? take(this.#paused, choice)
      if (!trial) throw new Error(`scheduler.choose returned trial ${choice.id}, which is neither pending nor paused`)
      return trial
    }
  }

  /** Nothing runs and the scheduler picks nothing: end the waiting trials rather than wait forever. */
  #stopStranded(): void {
    const waiting = [...this.#retry.splice(0), ...this.#paused.splice(0)]
    this.#exhausted = true
    this.#s.logger.info(`nothing runs and the scheduler resumes none of the ${waiting.length} waiting trials: stopping them`)
    for (const trial of waiting) {
      trial.state = 'stopped'
      this.#complete(trial)
    }
  }

  #newTrial(): Trial | undefined {
    if (this.#exhausted) return undefined
    const id = this.trials.length
    const config = id < this.#s.plannedTrials ? this.#s.searcher.suggest(id) : null
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
      // As in Ray Tune, a trial that resumes from another's checkpoint carries on from that trial's iteration.
      if (donor) trial.iteration = donor.iteration
      restore = checkpoints.latest(plan?.restoreFrom ?? trial.id)
    }
    trial.state = 'running'
    trial.startedAt = performance.now()
    this.#s.hub.emit('onTrialStart', trial)
    const handle = this.#s.executor.start(
      { trialId: trial.id, config: trial.config, seed: trial.seed, restore },
      { report: (metrics) => this.#onReport(trial, metrics), checkpoint: (state) => checkpoints.save(trial.id, state) },
    )
    this.#running.set(trial.id, { trial, handle })
    void handle.done.then((outcome) => this.#onEnd(trial, outcome))
  }

  #onReport(trial: Trial, metrics: Metrics): Decision {
    const result = trial.record(metrics, performance.now())
    this.#s.hub.emit('onTrialResult', trial, result)
    if (this.#interrupted) return 'stop'
    try {
      this.#s.searcher.onTrialResult(trial.id, result)
      const decision = this.#s.scheduler.onTrialResult(trial, result)
      if (decision !== 'continue') {
        trial.stopReason = 'scheduler'
        return decision
      }
    } catch (error) {
      this.#fail(error)
      return 'stop'
    }
    if (meetsStop(this.#s.stop, result, this.#s.metric, this.#s.mode)) {
      trial.stopReason = 'criteria'
      return 'stop'
    }
    return 'continue'
  }

  #onEnd(trial: Trial, outcome: TrialOutcome): void {
    this.#running.delete(trial.id)
    if (outcome.kind === 'unloadable') {
      // No trial can run without the module: end the experiment instead of failing every trial the same way.
      trial.state = 'errored'
      trial.error = toTrialError(trial.id, outcome.error)
      const { name, message } = outcome.error
      this.#fail(new ConfigError(`trainable: could not be loaded: ${name}: ${message}`, { field: 'trainable', cause: trial.error }))
    } else if (outcome.kind === 'errored' && trial.stopReason === 'experiment') {
      // Killed after the stop grace period: it was stopped, not broken.
      trial.state = 'stopped'
    } else if (outcome.kind === 'errored') {
      trial.failures++
      const error = toTrialError(trial.id, outcome.error)
      if (trial.failures <= this.#s.maxFailures && !this.#interrupted) {
        this.#s.logger.warn(
          `trial ${trial.id} failed (attempt ${trial.failures} of ${this.#s.maxFailures + 1}), retrying: ${error.message}`,
        )
        trial.resetForRetry()
        this.#retry.push(trial)
        this.#pump()
        return
      }
      trial.state = 'errored'
      trial.error = error
      this.#s.logger.warn(`trial ${trial.id} errored: ${error.message}`)
    } else if (outcome.kind === 'completed') {
      if (outcome.final !== undefined) {
        const result = trial.record(outcome.final, performance.now())
        this.#s.hub.emit('onTrialResult', trial, result)
        this.#guard(() => this.#s.searcher.onTrialResult(trial.id, result))
      }
      trial.state = 'completed'
    } else if (outcome.kind === 'paused' && !this.#interrupted) {
      trial.state = 'paused'
      this.#paused.push(trial)
    } else {
      trial.state = 'stopped'
    }
    if (trial.state === 'paused') this.#s.hub.emit('onTrialEnd', trial)
    else this.#complete(trial)
    this.#pump()
  }

  /** A trial ended for good: tell the searcher, the scheduler and the trackers. */
  #complete(trial: Trial): void {
    this.#guard(() => {
      this.#s.searcher.onTrialComplete(trial.id, trial.lastResult, trial.state)
      this.#s.scheduler.onTrialComplete(trial, trial.lastResult)
    })
    this.#s.hub.emit('onTrialEnd', trial)
  }

  /** Stops every running trial: at its next report, or by ending its thread after the grace period. */
  #interrupt(why: string): void {
    if (this.#interrupted) return
    this.#interrupted = true
    if (this.#running.size > 0) this.#s.logger.info(`${why}: stopping ${this.#running.size} running trials`)
    for (const { trial, handle } of this.#running.values()) {
      trial.stopReason = 'experiment'
      handle.stop('stop')
    }
    const kill = setTimeout(() => {
      for (const { handle } of this.#running.values()) handle.kill()
    }, this.#s.stopGraceMs)
    this.#timers.push(kill)
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
