import { randomUUID } from 'node:crypto'
import { countOf, formatNumber } from '../../format.ts'
import type { Logger } from '../../logger.ts'
import { type MlflowKeyValue, type MlflowMetric, nextBatch } from './batch.ts'
import { createRun } from './create.ts'
import { resolveExperiment } from './experiment.ts'
import { isRefusal, isRunGone, isSessionFatal, type MlflowHttp, MlflowRequestError } from './http.ts'
import { Retrier } from './retry.ts'
import { describeLost, hasItems, type Lost, newRun, noneLost, type RunState, type RunStatus } from './run.ts'

/** Settings of a {@link MlflowSession}. */
export interface MlflowSessionOptions {
  readonly http: MlflowHttp
  /** For messages: the server root. */
  readonly uri: string
  readonly experimentName: string
  readonly maxBufferedItems: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly random: () => number
  readonly logger: Logger
}

/** A param to queue: its MLflow key and value, and the config key it was cleaned from. */
export interface ParamItem extends MlflowKeyValue {
  readonly original: string
}

/** Single-item log-batch calls refused in a row after which the run is given up: no server wording can make a request per item. */
export const MAX_SINGLE_REFUSALS = 3

/**
 * Sends one experiment to MLflow in the background. Hooks only queue work
 * (`addRun`, `addMetrics`, `end`...); a single sender loop makes one request
 * at a time, in dependency order: the experiment (get or create by name),
 * the parent run, then round-robin over the trial runs: create, log-batch
 * until nothing is pending, update with the end status; the parent ends last.
 *
 * A request that fails for a reason that may pass (network error, timeout,
 * 5xx, 408, 429) is retried with exponential backoff and jitter for as long
 * as the experiment runs; what waits meanwhile is bounded by
 * `maxBufferedItems` (items beyond it are counted and dropped). A request the
 * server refuses is not retried: a batch refused for a bad value is split
 * until the bad item is found and dropped alone (a run whose single items are
 * refused {@link MAX_SINGLE_REFUSALS} times in a row is given up); a run the
 * server says is deleted, not active or unknown is given up at once; auth
 * errors, a wrong URI, a deleted experiment, or an experiment that can be
 * neither found nor created stop the session. `flush` gives it a deadline, then
 * counts what was not delivered for {@link MlflowSession.report}.
 */
export class MlflowSession {
  readonly parent: RunState
  readonly #o: MlflowSessionOptions
  readonly #runs = new Map<number, RunState>()
  /** Runs with work left, parent first. */
  readonly #active: RunState[] = []
  #cursor = 0
  #experimentId: string | undefined
  #disabled: MlflowRequestError | undefined
  #buffered = 0
  #loop: Promise<void> | undefined
  readonly #abort = new AbortController()
  /** Prefix of every run key of this session (create.ts). */
  readonly #sessionKey = randomUUID()
  readonly #retrier: Retrier
  readonly #lost: Lost = noneLost()
  #lastError: string | undefined
  /** The first outage and the first recovery are logged (info); later ones only count towards the final report. */
  #troubleNoted = false
  #recoveryNoted = false
  /** Pairs of config keys already warned about for cleaning to the same param key. */
  readonly #clashesWarned = new Set<string>()

  constructor(options: MlflowSessionOptions, parentName: string, parentTags: MlflowKeyValue[], startTime: number) {
    this.#o = options
    this.#retrier = new Retrier({
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      random: options.random,
      signal: this.#abort.signal,
      onFailure: (error) => {
        this.#note(error)
        if (this.#troubleNoted) return
        this.#troubleNoted = true
        options.logger.info(`MLflowTracker: ${error.message}; retrying in the background, the experiment goes on`)
      },
      onRecovery: () => {
        if (this.#recoveryNoted) return
        this.#recoveryNoted = true
        options.logger.info(`MLflowTracker: ${options.uri} answers again; sending what waited`)
      },
    })
    this.parent = newRun(parentName, true, startTime, parentTags, `${this.#sessionKey}/parent`)
    this.#active.push(this.parent)
  }

  /** The run of a trial, if it has one. */
  run(trialId: number): RunState | undefined {
    return this.#runs.get(trialId)
  }

  /** Queues the creation of a trial's run (a child of the parent run). */
  addRun(trialId: number, name: string, startTime: number, tags: MlflowKeyValue[]): RunState {
    const run = newRun(name, false, startTime, tags, `${this.#sessionKey}/trial-${trialId}`)
    this.#runs.set(trialId, run)
    if (this.#disabled) {
      this.#lost.runs++
      run.retired = true
    } else this.#active.push(run)
    this.kick()
    return run
  }

  addMetrics(run: RunState, metrics: readonly MlflowMetric[]): void {
    this.#add(run, 'metrics', metrics)
  }

  /**
   * Queues params; a key already queued for the run is skipped (params are
   * write-once in MLflow, and one log-batch may not hold a key twice). When
   * two config keys clean to the same key (`lr@1`, `lr_1`), the first keeps it
   * and the clash is warned about once per pair of keys.
   */
  addParams(run: RunState, params: readonly ParamItem[]): void {
    const fresh: MlflowKeyValue[] = []
    for (const { key, value, original } of params) {
      const first = run.paramKeys.get(key)
      if (first === undefined) {
        run.paramKeys.set(key, original)
        fresh.push({ key, value })
      } else if (first !== original) this.#warnClash(key, first, original)
    }
    this.#add(run, 'params', fresh)
  }

  addTags(run: RunState, tags: readonly MlflowKeyValue[]): void {
    this.#add(run, 'tags', tags)
  }

  /** Queues the run's end status, sent once everything queued before it is delivered. */
  end(run: RunState, status: RunStatus, endTime: number): void {
    if (run.end !== undefined) return
    run.end = { status, endTime }
    if (this.#disabled) this.#lost.statuses++
    this.kick()
  }

  /** Starts the sender loop unless it runs. */
  kick(): void {
    if (this.#loop !== undefined || this.#disabled || this.#abort.signal.aborted) return
    this.#loop = this.#drain().finally(() => {
      this.#loop = undefined
      if (this.#pick() !== undefined) this.kick()
    })
  }

  /**
   * Sends what is queued, waiting at most `timeoutMs`; then stops the sender
   * (aborting a request in flight) and counts what is left as not delivered.
   */
  async flush(timeoutMs: number): Promise<void> {
    this.kick()
    this.#retrier.hurry()
    this.#sayWaiting(timeoutMs)
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs)
      // The deadline alone never keeps the process alive (the Tuner's own wait and the request in flight do).
      timer.unref()
    })
    const outcome = await Promise.race([this.#idle().then(() => 'idle' as const), deadline])
    clearTimeout(timer)
    if (outcome === 'late') {
      this.#lastError ??= `gave up after flushTimeoutMs=${timeoutMs}`
      this.#abort.abort()
      await this.#idle()
    }
    for (const run of this.#active) this.#giveUp(run, false)
    this.#active.length = 0
  }

  /**
   * Before a flush that may take up to `timeoutMs`: one info line, when writes wait and the server is not known to
   * answer, so the run does not fall silent for that long after it said it finished. A server that answers gets
   * none: its flush is quick.
   */
  #sayWaiting(timeoutMs: number): void {
    if (this.#disabled || this.#abort.signal.aborted || this.#retrier.answering) return
    const writes = this.#queuedWrites()
    if (writes === 0) return
    const why = this.#lastError === undefined ? 'it has not answered yet' : `last error: ${this.#lastError}`
    this.#o.logger.info(
      `MLflowTracker: waiting up to ${formatNumber(timeoutMs / 1000)} s (flushTimeoutMs) for MLflow at ${this.#o.uri} to take ${countOf(writes, 'queued write')} (${why})`,
    )
  }

  /** What is left to send: metrics, params and tags, runs not yet created, and end statuses. */
  #queuedWrites(): number {
    let writes = this.#buffered
    for (const run of this.#active) writes += (run.runId === undefined ? 1 : 0) + (run.end === undefined ? 0 : 1)
    return writes
  }

  /** The warning to show when something was not delivered, else undefined. */
  report(): string | undefined {
    return describeLost(this.#lost, `${this.#o.uri} (experiment ${JSON.stringify(this.#o.experimentName)})`, this.#lastError)
  }

  async #idle(): Promise<void> {
    while (this.#loop !== undefined) await this.#loop
  }

  #add(run: RunState, kind: 'metrics' | 'params' | 'tags', items: readonly (MlflowMetric | MlflowKeyValue)[]): void {
    if (items.length === 0) return
    const room = this.#disabled || run.retired ? 0 : Math.max(0, this.#o.maxBufferedItems - this.#buffered)
    const taken = Math.min(room, items.length)
    ;(run[kind] as (MlflowMetric | MlflowKeyValue)[]).push(...items.slice(0, taken))
    this.#buffered += taken
    const dropped = items.length - taken
    if (dropped > 0) {
      this.#lost[kind] += dropped
      if (!this.#disabled && !run.retired) {
        if (this.#lost.overflow === 0) {
          this.#o.logger.info(
            `MLflowTracker: ${this.#o.maxBufferedItems} items wait for ${this.#o.uri}; dropping new ones until it catches up`,
          )
        }
        this.#lost.overflow += dropped
      }
    }
    this.kick()
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#abort.signal.aborted && !this.#disabled) {
        if (this.#experimentId === undefined) {
          await this.#resolveExperiment()
          continue
        }
        const run = this.#pick()
        if (run === undefined) return
        if (run.runId === undefined) await this.#create(run)
        else if (hasItems(run)) await this.#logBatch(run)
        else await this.#update(run)
      }
    } catch (error) {
      if (this.#abort.signal.aborted) return
      // A refusal no later request gets past (auth, wrong URI, deleted experiment, parent run refused), or a bug: stop sending.
      this.#disable(
        error instanceof MlflowRequestError
          ? error
          : new MlflowRequestError(`internal error: ${(error as Error)?.message ?? String(error)}`, { retryable: false, cause: error }),
      )
    }
  }

  /** The next run with work, round-robin so that no trial waits behind a chatty one; the parent is created first and ends last. */
  #pick(): RunState | undefined {
    if (this.#disabled || this.#abort.signal.aborted) return undefined
    if (this.#experimentId === undefined) return this.#active[0]
    if (this.parent.runId === undefined && this.#active.includes(this.parent)) return this.parent
    const n = this.#active.length
    for (let i = 0; i < n; i++) {
      const index = (this.#cursor + i) % n
      const run = this.#active[index] as RunState
      if (run.runId === undefined || hasItems(run) || (run.end !== undefined && !(run.isParent && n > 1))) {
        this.#cursor = (index + 1) % n
        return run
      }
    }
    return undefined
  }

  async #resolveExperiment(): Promise<void> {
    const found = { http: this.#o.http, retrier: this.#retrier, signal: this.#abort.signal, note: (error: unknown) => this.#note(error) }
    this.#experimentId = await resolveExperiment(found, this.#o.experimentName)
  }

  async #create(run: RunState): Promise<void> {
    const tags = run.isParent ? run.createTags : [...run.createTags, { key: 'mlflow.parentRunId', value: this.parent.runId as string }]
    const body = { experiment_id: this.#experimentId as string, run_name: run.name, start_time: run.startTime, tags }
    try {
      run.runId = await createRun(this.#o.http, this.#retrier, body, run.key)
    } catch (error) {
      if (!isRefusal(error)) throw error
      if (run.isParent || isSessionFatal(error)) throw error
      this.#note(error)
      this.#giveUp(run, true)
    }
  }

  async #logBatch(run: RunState): Promise<void> {
    const { body, counts } = nextBatch(run.runId as string, run, run.batchCap)
    try {
      await this.#retrier.call((signal) => this.#o.http.post('runs/log-batch', body, signal))
      this.#take(run, counts)
      run.batchCap *= 2 // back toward full batches after a refused one
      run.singleRefusals = 0
    } catch (error) {
      if (!isRefusal(error)) throw error
      if (isSessionFatal(error)) throw error
      this.#note(error)
      const size = counts.metrics + counts.params + counts.tags
      if (error.errorCode === 'INVALID_PARAMETER_VALUE' && !isRunGone(error) && size > 1) {
        // One bad value refuses the whole batch: halve until it travels alone, then drop only it.
        run.batchCap = Math.ceil(size / 2)
        return
      }
      if (error.errorCode === 'INVALID_PARAMETER_VALUE' && !isRunGone(error) && ++run.singleRefusals < MAX_SINGLE_REFUSALS) {
        this.#take(run, counts)
        this.#lost.metrics += counts.metrics
        this.#lost.params += counts.params
        this.#lost.tags += counts.tags
        return
      }
      // The run itself is refused (deleted, not active, unknown), or every item alone is: nothing more can go to it.
      this.#giveUp(run, true)
    }
  }

  async #update(run: RunState): Promise<void> {
    const end = run.end as NonNullable<RunState['end']>
    try {
      await this.#retrier.call((signal) =>
        this.#o.http.post('runs/update', { run_id: run.runId, status: end.status, end_time: end.endTime }, signal),
      )
    } catch (error) {
      if (!isRefusal(error)) throw error
      if (isSessionFatal(error)) throw error
      this.#note(error)
      this.#lost.statuses++
    }
    this.#retire(run)
  }

  #take(run: RunState, counts: { metrics: number; params: number; tags: number }): void {
    run.metrics.splice(0, counts.metrics)
    run.params.splice(0, counts.params)
    run.tags.splice(0, counts.tags)
    this.#buffered -= counts.metrics + counts.params + counts.tags
  }

  /** Counts what is left of a run as not delivered; with `retire`, stops working on it. */
  #giveUp(run: RunState, retire: boolean): void {
    this.#lost.metrics += run.metrics.length
    this.#lost.params += run.params.length
    this.#lost.tags += run.tags.length
    if (run.runId === undefined) this.#lost.runs++
    if (run.end !== undefined || !retire) this.#lost.statuses++
    this.#take(run, { metrics: run.metrics.length, params: run.params.length, tags: run.tags.length })
    if (retire) this.#retire(run)
  }

  #retire(run: RunState): void {
    run.retired = true
    const index = this.#active.indexOf(run)
    if (index < 0) return
    this.#active.splice(index, 1)
    if (index < this.#cursor) this.#cursor--
  }

  #disable(error: MlflowRequestError): void {
    this.#note(error)
    this.#disabled = error
    for (const run of [...this.#active]) this.#giveUp(run, true)
  }

  #note(error: unknown): void {
    this.#lastError = error instanceof Error ? error.message : String(error)
  }

  #warnClash(key: string, first: string, other: string): void {
    const pair = `${first}\u0000${other}`
    if (this.#clashesWarned.has(pair)) return
    this.#clashesWarned.add(pair)
    this.#o.logger.warn(
      `MLflowTracker: config keys ${JSON.stringify(first)} and ${JSON.stringify(other)} both become the MLflow param ${JSON.stringify(key)}; only ${JSON.stringify(first)} is logged`,
    )
  }
}
