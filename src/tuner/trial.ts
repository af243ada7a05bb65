import { inspect } from 'node:util'
import type { InspectCall } from '../inspect-call.ts'
import type { Config, Decision, Result, TrialInfo, TrialState } from '../types.ts'

/**
 * A trial as the Tuner tracks it. Everything outside the Tuner gets it as a
 * read-only {@link TrialInfo}.
 */
export class Trial implements TrialInfo {
  readonly id: number
  /** Changes only when a scheduler (PBT) gives the trial a new config on resume. */
  config: Config
  readonly seed: number
  state: TrialState = 'pending'
  history: Result[] = []
  error: Error | undefined = undefined
  /** The `training_iteration` of the last result; a trial that takes another's checkpoint takes its count too. */
  iteration = 0
  /** Failed attempts so far (a retried trial starts over). */
  failures = 0
  /** Failures before a restore's `retryErrored` gave the trial a new round of attempts: they no longer count against `maxFailures`. */
  forgivenFailures = 0
  /** The stop or pause this run was told, if any: what it ends as, whatever its thread does on the way out. */
  ending: Exclude<Decision, 'continue'> | undefined = undefined
  /** Told to stop by an interrupt that leaves it resumable: its run ends, the trial does not. */
  suspended = false
  /**
   * Reports up to this count are already recorded: the run re-does them from an earlier checkpoint
   * (a restore, or a resume from an older checkpoint than the pause), and they are not recorded twice.
   */
  rerunUntil = 0
  /** The answer to the last recorded report, which a re-run reaching that report gets too. */
  lastAnswer: Decision | Promise<Decision> | undefined = undefined
  /** When the current run started (performance.now(), ms). */
  startedAt = 0
  /** Running time before the current run (earlier runs of this attempt, or a donor's under PBT), ms. */
  elapsedMs = 0

  constructor(id: number, config: Config, seed: number) {
    this.id = id
    this.config = config
    this.seed = seed
  }

  get lastResult(): Result | undefined {
    return this.history.at(-1)
  }

  /**
   * What `console.log` shows of a trial handed out as a {@link TrialInfo} (`results.trials`, `results.errors`): its
   * TrialInfo fields, not the Tuner's bookkeeping (failures, rerun counts, clocks), which are no part of the API.
   */
  [inspect.custom](depth: number, options: InspectCall): string {
    if (depth < 0) return options.stylize('[Trial]', 'special')
    // The fields trackers get, spread so the history's getter gives its array.
    const shown = { ...this.snapshot() }
    return `Trial ${inspect(shown, { ...options, depth: options.depth === null ? null : depth })}`
  }

  /** 1 for the first run; a retry's run is the next (the failure that ends a trial for good starts none). */
  get attempt(): number {
    return this.#attempt
  }

  #attempt = 1
  /** The current run recorded a result: its clock is fixed (see `began`). */
  #recordedInRun = false

  /** How many reports of this run's course are recorded, counting those a re-run has not yet reached again. */
  get reported(): number {
    return Math.max(this.iteration, this.rerunUntil)
  }

  /** Starts a run (first, resumed or retried): the clock runs, no ending told yet. */
  begin(now: number): void {
    this.state = 'running'
    this.startedAt = now
    this.#recordedInRun = false
    this.ending = undefined
    this.suspended = false
  }

  /**
   * The run's trainable was called at `at` (performance.now(), ms), later than the run began when its thread
   * was still starting or importing the module: the run's clock counts from there. Once the run recorded a
   * result its clock stays as it is, so `time_total_s` never goes back.
   */
  began(at: number): void {
    // Never later than now: a clock that stepped between threads (or a custom executor's wrong one) must not make time negative.
    if (!this.#recordedInRun && at > this.startedAt) this.startedAt = Math.min(at, performance.now())
  }

  /** A paused run keeps its time, so `time_total_s` carries on when the trial resumes. */
  pause(now: number): void {
    this.state = 'paused'
    this.elapsedMs += now - this.startedAt
  }

  /** Records a reported result, numbering it, and returns it. */
  record(metrics: Record<string, unknown>, now: number): Result {
    const result = copyMetrics(metrics) as Result
    result.training_iteration = ++this.iteration
    result.trial_id = this.id
    result.time_total_s = (this.elapsedMs + now - this.startedAt) / 1000
    this.#recordedInRun = true
    this.history.push(result)
    return result
  }

  /** Records a result as the journal has it (a restore replaying it), and returns it. */
  adopt(result: Result): Result {
    this.iteration = result.training_iteration
    this.history.push(result)
    return result
  }

  /** Starts a fresh attempt after a failure: the failed attempt's results are dropped. */
  resetForRetry(): void {
    this.#attempt = this.failures + 1
    this.state = 'pending'
    this.history = []
    this.iteration = 0
    this.rerunUntil = 0
    this.lastAnswer = undefined
    this.elapsedMs = 0
    this.error = undefined
  }

  /** A frozen copy, for consumers that look at it later (event streams). */
  snapshot(): TrialInfo {
    // The history only grows (a retry replaces the array), so its length now is enough to give it back
    // as it was: copying it per event would cost the square of the reports while a tracker lags.
    const history = this.history
    const length = history.length
    return Object.freeze({
      id: this.id,
      config: this.config,
      seed: this.seed,
      state: this.state,
      lastResult: this.lastResult,
      get history(): readonly Result[] {
        return history.slice(0, length)
      },
      error: this.error,
      attempt: this.attempt,
    })
  }
}

/**
 * A copy of a report's metrics, as `{ ...metrics }` makes it: own enumerable keys, in order, a
 * `__proto__` key as a plain key. Spreading a structured-cloned object and then adding keys cost
 * three times as much (V8 left it in dictionary mode), and it runs for every report.
 */
function copyMetrics(metrics: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(metrics)) {
    if (key === '__proto__') Object.defineProperty(copy, key, { value: metrics[key], enumerable: true, writable: true, configurable: true })
    else copy[key] = metrics[key]
  }
  return copy
}
