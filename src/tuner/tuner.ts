import { randomInt } from 'node:crypto'
import { join } from 'node:path'
import { ConfigError, show } from '../errors.ts'
import { rejectUnknownKeys } from '../known-keys.ts'
import { checkLogger, createLogger, type Logger, resolveLogLevel } from '../logger.ts'
import { FIFOScheduler } from '../scheduler/fifo.ts'
import { RandomSearch } from '../search/random.ts'
import { validateSeed } from '../search/rng.ts'
import type { Searcher } from '../search/searcher.ts'
import { type ConfigOf, type Space, spaceToJSON, validateSpace } from '../search/space.ts'
import { ConsoleReporter } from '../tracker/console/console.ts'
import { TrackerHub } from '../tracker/dispatch.ts'
import { JsonlTracker } from '../tracker/jsonl/jsonl.ts'
import type { Tracker } from '../tracker/tracker.ts'
import type { ExperimentInfo, ExperimentSummary, Mode, TrialInfo } from '../types.ts'
import { LocalPool } from '../workers/pool.ts'
import { shareData, sharedBytes } from '../workers/shared-data.ts'
import { CheckpointStore } from './checkpoints.ts'
import { EventFanout, type TunerEvent } from './events.ts'
import { ExperimentRun } from './experiment.ts'
import {
  booleanOption,
  checkPlugin,
  defaultConcurrency,
  defaultName,
  type MetricCheck,
  positiveInteger,
  resolveTrainable,
  TUNER_OPTIONS,
  type TunerOptions,
  timerMs,
  timerSeconds,
  validateMetricCheck,
  validateMode,
  validateName,
} from './options.ts'
import { checkReproducible, ordersReports } from './reproducible.ts'
import { ResultGrid } from './results.ts'
import { type StopCriteria, validateStop } from './stop.ts'

const TRACKER_FLUSH_MS = 30_000

/**
 * Runs an experiment: proposes configs, trains them on a pool of worker
 * threads with the data in shared memory, stops bad ones early, records
 * everything. Options are checked when the Tuner is built, so bad input
 * fails before any trial runs.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({
 *   trainable: new URL('./trainable.ts', import.meta.url),
 *   space: { lr: loguniform(1e-4, 1e-1), layers: randint(1, 5) },
 *   metric: 'loss', mode: 'min', numSamples: 20, seed: 42,
 * })
 * const results = await tuner.fit()
 * console.log(results.best().config)
 * ```
 */
export class Tuner<S extends Space = Space, D = unknown> {
  readonly name: string
  readonly seed: number
  readonly #options: TunerOptions<S, D>
  readonly #trainable: string
  readonly #metric: string
  readonly #mode: Mode
  readonly #numSamples: number
  readonly #concurrency: number
  readonly #reproducible: boolean
  readonly #stop: StopCriteria
  readonly #maxFailures: number
  readonly #failFast: boolean
  readonly #stopGraceMs: number
  readonly #trialTimeoutS: number | undefined
  readonly #metricCheck: MetricCheck
  readonly #logger: Logger
  readonly #data: unknown
  /** The experiment's folder: the default JSONL store and the checkpoints live here. */
  readonly #storageDir: string
  readonly #events = new EventFanout()
  #fitted = false

  constructor(options: TunerOptions<S, D>) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ConfigError(`Tuner(options): must be an object, got ${show(options)}`, { field: 'options' })
    }
    rejectUnknownKeys('Tuner', options, TUNER_OPTIONS)
    this.#options = options
    this.#trainable = resolveTrainable(options.trainable)
    validateSpace(options.space)
    if (typeof options.metric !== 'string' || options.metric.length === 0) {
      throw new ConfigError(`metric: must be a non-empty string, got ${show(options.metric)}`, { field: 'metric' })
    }
    this.#metric = options.metric
    this.#mode = validateMode(options.mode ?? 'min')
    this.#numSamples = positiveInteger(options.numSamples ?? 10, 'numSamples')
    this.#concurrency = positiveInteger(options.concurrency ?? defaultConcurrency(), 'concurrency')
    this.#maxFailures = positiveInteger(options.maxFailures ?? 0, 'maxFailures', 0)
    this.#failFast = booleanOption(options.failFast, 'failFast')
    this.#stopGraceMs = timerMs(options.stopGraceMs ?? 5000, 'stopGraceMs')
    if (options.maxHeapMb !== undefined) positiveInteger(options.maxHeapMb, 'maxHeapMb', 16)
    this.#trialTimeoutS = options.trialTimeoutS === undefined ? undefined : timerSeconds(options.trialTimeoutS, 'trialTimeoutS')
    this.#metricCheck = validateMetricCheck(options.metricCheck ?? 'error')
    this.#stop = validateStop(options.stop)
    this.#reproducible = checkReproducible(options.reproducible, options.scheduler)
    this.seed = options.seed === undefined ? randomInt(2 ** 32) : validateSeed(options.seed)
    this.name = options.name === undefined ? defaultName(new Date()) : validateName(options.name)
    checkPlugin(options.search, 'search', ['setup', 'suggest', 'onTrialResult', 'onTrialComplete'])
    checkPlugin(options.scheduler, 'scheduler', ['setup', 'onTrialAdd', 'onTrialResult', 'onTrialComplete'])
    validateTrackers(options.trackers)
    if (options.storageDir !== undefined && (typeof options.storageDir !== 'string' || options.storageDir.length === 0)) {
      throw new ConfigError(`storageDir: must be a non-empty path, got ${show(options.storageDir)}`, { field: 'storageDir' })
    }
    this.#storageDir = join(options.storageDir ?? 'runs', this.name)
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new ConfigError(`signal: must be an AbortSignal, got ${show(options.signal)}`, { field: 'signal' })
    }
    const level = options.logLevel === undefined ? undefined : resolveLogLevel(options.logLevel, 'logLevel')
    if (options.logger !== undefined) checkLogger(options.logger, 'logger')
    this.#logger = options.logger ?? createLogger(level === undefined ? {} : { level })
    if (this.#reproducible && options.concurrency === undefined) {
      this.#logger.warn(
        `reproducible: concurrency is not set, so it is this machine's ${this.#concurrency} cores; a run repeats only at the same concurrency`,
      )
    }
    this.#data = options.data === undefined ? undefined : shareData(options.data)
  }

  /**
   * The experiment's events as an async iterable, from the moment of the
   * call until the experiment ends. Called before `fit()`, or in the same
   * tick as it, it sees them all; called after the end, it yields nothing.
   *
   * @example
   * ```ts
   * const done = tuner.fit()
   * for await (const event of tuner.events()) if (event.type === 'result') console.log(event.result)
   * await done
   * ```
   */
  events(): AsyncIterable<TunerEvent> {
    return this.#events.open()
  }

  /**
   * Runs the experiment to its end (or its `signal`, or its time budget) and
   * returns every trial. Trial failures never reject: they are in
   * `results.errors`. A Tuner runs once.
   */
  async fit(): Promise<ResultGrid<ConfigOf<S>>> {
    if (this.#fitted) throw new ConfigError('fit(): this Tuner has already run; create a new one for a new experiment', { field: 'fit' })
    this.#fitted = true
    // Start on the next tick, so `events()` called right after `fit()` still sees every event.
    await Promise.resolve()
    try {
      return await this.#fit()
    } finally {
      this.#events.close()
    }
  }

  async #fit(): Promise<ResultGrid<ConfigOf<S>>> {
    const options = this.#options
    const searcher: Searcher = options.search ?? new RandomSearch()
    const scheduler = options.scheduler ?? new FIFOScheduler()
    searcher.setup({ space: options.space, metric: this.#metric, mode: this.#mode, seed: this.seed, numSamples: this.#numSamples })
    const plannedTrials = searcher.size ?? this.#numSamples
    scheduler.setup({ metric: this.#metric, mode: this.#mode, seed: this.seed, plannedTrials })

    const hub = new TrackerHub([...this.#trackers(), this.#events], this.#logger)
    const experiment: ExperimentInfo = {
      name: this.name,
      metric: this.#metric,
      mode: this.#mode,
      seed: this.seed,
      numSamples: this.#numSamples,
      plannedTrials,
      concurrency: this.#concurrency,
      space: spaceToJSON(options.space),
      options: {
        stop: { ...this.#stop },
        maxFailures: this.#maxFailures,
        failFast: this.#failFast,
        stopGraceMs: this.#stopGraceMs,
        maxHeapMb: options.maxHeapMb ?? null,
        trialTimeoutS: this.#trialTimeoutS ?? null,
        metricCheck: this.#metricCheck,
        reproducible: this.#reproducible,
        trainable: this.#trainable,
      },
      searcher: searcher.constructor.name,
      scheduler: scheduler.constructor.name,
      startedAt: new Date().toISOString(),
    }
    this.#logger.debug(`experiment ${this.name}: seed ${this.seed}, ${this.#concurrency} threads, ${sharedBytes(this.#data)} bytes shared`)
    const checkpoints = new CheckpointStore(join(this.#storageDir, 'checkpoints'), this.#logger)
    hub.emit('onExperimentStart', experiment)
    const executor = new LocalPool({
      trainable: this.#trainable,
      concurrency: this.#concurrency,
      data: this.#data,
      maxHeapMb: options.maxHeapMb,
      onStrayError: (error) =>
        this.#logger.warn(`a worker thread failed after its trial had ended (a timer or callback that outlived it?): ${error.message}`),
    })
    const run = new ExperimentRun({
      metric: this.#metric,
      mode: this.#mode,
      seed: this.seed,
      plannedTrials,
      searcher,
      searchLag: this.#reproducible ? this.#concurrency - 1 : undefined,
      orderReports: this.#reproducible && ordersReports(scheduler),
      scheduler,
      executor,
      checkpoints,
      hub,
      logger: this.#logger,
      stop: this.#stop,
      maxFailures: this.#maxFailures,
      failFast: this.#failFast,
      stopGraceMs: this.#stopGraceMs,
      signal: options.signal,
      trialTimeoutS: this.#trialTimeoutS,
      metricCheck: this.#metricCheck,
    })
    let summary: ExperimentSummary
    try {
      summary = await run.run()
    } finally {
      await executor.close()
    }
    // A run that failed (metricCheck 'error' included) says why when fit() rejects.
    if (run.fatal === undefined) this.#checkMetricSeen(run.trials)
    hub.emit('onExperimentEnd', experiment, summary)
    await Promise.all([hub.flush(TRACKER_FLUSH_MS), checkpoints.flush()])
    if (run.fatal !== undefined) throw run.fatal
    return new ResultGrid<ConfigOf<S>>(run.trials, { metric: this.#metric, mode: this.#mode })
  }

  /** A metric no trial ever reported is almost always a typo: say which keys were reported instead. */
  #checkMetricSeen(trials: readonly TrialInfo[]): void {
    const keys = new Set<string>()
    for (const trial of trials) {
      for (const result of trial.history) {
        if (typeof result[this.#metric] === 'number') return
        for (const key of Object.keys(result)) keys.add(key)
      }
    }
    if (keys.size === 0) return
    for (const auto of ['training_iteration', 'trial_id', 'time_total_s']) keys.delete(auto)
    this.#logger.warn(`metric: no trial reported a number for ${show(this.#metric)}; reported keys: ${[...keys].join(', ') || 'none'}`)
  }

  #trackers(): readonly Tracker[] {
    if (this.#options.trackers !== undefined) return this.#options.trackers
    return [new ConsoleReporter(), new JsonlTracker(this.#storageDir)]
  }
}

function validateTrackers(trackers: unknown): void {
  if (trackers === undefined) return
  if (!Array.isArray(trackers))
    throw new ConfigError(`trackers: must be an array of trackers, got ${show(trackers)}`, { field: 'trackers' })
  trackers.forEach((tracker: unknown, i) => {
    if (tracker === null || typeof tracker !== 'object') {
      throw new ConfigError(`trackers[${i}]: must be an object with tracker hooks, got ${show(tracker)}`, { field: `trackers[${i}]` })
    }
  })
}
