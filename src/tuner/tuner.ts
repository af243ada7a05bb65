import { join } from 'node:path'
import { ConfigError, show } from '../errors.ts'
import { createLogger, type Logger } from '../logger.ts'
import { TRACKER_WAIT_MS } from '../options/index.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import type { Searcher } from '../search/searcher.ts'
import { type ConfigOf, type Space, spaceToJSON } from '../search/space.ts'
import { ConsoleReporter } from '../tracker/console/console.ts'
import { TrackerHub } from '../tracker/dispatch.ts'
import { JsonlTracker } from '../tracker/jsonl/jsonl.ts'
import type { Tracker } from '../tracker/tracker.ts'
import { TrialOutputLog, type TrialOutputMode } from '../tracker/trial-output/trial-output.ts'
import type { ExperimentInfo, ExperimentSummary, Mode, TrialInfo } from '../types.ts'
import { LocalPool } from '../workers/pool.ts'
import { shareData, sharedBytes } from '../workers/shared-data.ts'
import { CheckpointStore } from './checkpoints.ts'
import { EventFanout, type TunerEvent } from './events.ts'
import { ExperimentRun } from './experiment.ts'
import { AUTOMATIC } from './metric-checks.ts'
import { type MetricCheck, TUNER_OPTIONS, type TunerOptions } from './options.ts'
import { checkReproducible, ordersReports } from './reproducible.ts'
import { ResultGrid } from './results.ts'
import type { StopCriteria } from './stop.ts'

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
  readonly #space: S
  readonly #search: Searcher
  readonly #scheduler: Scheduler
  readonly #trackers: readonly Tracker[] | undefined
  readonly #signal: AbortSignal | undefined
  readonly #maxHeapMb: number | undefined
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
  readonly #trialOutput: TrialOutputMode
  readonly #trialTimeoutS: number | undefined
  readonly #metricCheck: MetricCheck
  readonly #logger: Logger
  readonly #data: unknown
  /** The experiment's folder: the default JSONL store and the checkpoints live here. */
  readonly #storageDir: string
  readonly #events = new EventFanout()
  #fitted = false

  constructor(options: TunerOptions<S, D>) {
    const o = TUNER_OPTIONS.read(options)
    this.#space = o.space as S
    this.#trainable = o.trainable
    this.#metric = o.metric
    this.#mode = o.mode
    this.#search = o.search
    this.#scheduler = o.scheduler
    this.#numSamples = o.numSamples
    this.#concurrency = o.concurrency
    this.#trackers = o.trackers
    this.#maxFailures = o.maxFailures
    this.#failFast = o.failFast
    this.#stopGraceMs = o.stopGraceMs
    this.#trialOutput = o.trialOutput
    this.#maxHeapMb = o.maxHeapMb
    this.#trialTimeoutS = o.trialTimeoutS
    this.#metricCheck = o.metricCheck
    this.#signal = o.signal
    this.#stop = o.stop
    this.#reproducible = checkReproducible(o.reproducible, o.scheduler)
    this.seed = o.seed
    this.name = o.name
    this.#storageDir = join(o.storageDir, this.name)
    this.#logger = o.logger ?? createLogger({ level: o.logLevel })
    if (this.#reproducible && options.concurrency === undefined) {
      this.#logger.warn(
        `reproducible: concurrency is not set, so it is this machine's ${this.#concurrency} cores; a run repeats only at the same concurrency`,
      )
    }
    this.#data = o.data === undefined ? undefined : shareData(o.data)
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
    const searcher = this.#search
    const scheduler = this.#scheduler
    searcher.setup({ space: this.#space, metric: this.#metric, mode: this.#mode, seed: this.seed, numSamples: this.#numSamples })
    const plannedTrials = searcher.size ?? this.#numSamples
    scheduler.setup({ metric: this.#metric, mode: this.#mode, seed: this.seed, plannedTrials })

    // First in line, so its pointer to the trial logs comes before the reporter's closing summary.
    const trialOutput = new TrialOutputLog({ dir: this.#storageDir, mode: this.#trialOutput, logger: this.#logger })
    const hub = new TrackerHub([trialOutput, ...this.#defaultTrackers(), this.#events], this.#logger)
    const experiment: ExperimentInfo = {
      name: this.name,
      metric: this.#metric,
      mode: this.#mode,
      seed: this.seed,
      numSamples: this.#numSamples,
      plannedTrials,
      concurrency: this.#concurrency,
      space: spaceToJSON(this.#space),
      options: {
        stop: { ...this.#stop },
        maxFailures: this.#maxFailures,
        failFast: this.#failFast,
        stopGraceMs: this.#stopGraceMs,
        maxHeapMb: this.#maxHeapMb ?? null,
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
      maxHeapMb: this.#maxHeapMb,
      onStrayError: (error) =>
        this.#logger.warn(`a worker thread failed after its trial had ended (a timer or callback that outlived it?): ${error.message}`),
      onOutput: (output) => trialOutput.write(output),
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
      signal: this.#signal,
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
    await Promise.all([hub.flush(TRACKER_WAIT_MS), checkpoints.flush()])
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
    for (const auto of AUTOMATIC) keys.delete(auto)
    this.#logger.warn(`metric: no trial reported a number for ${show(this.#metric)}; reported keys: ${[...keys].join(', ') || 'none'}`)
  }

  /** The trackers given, or the default ones. */
  #defaultTrackers(): readonly Tracker[] {
    return this.#trackers ?? [new ConsoleReporter(), new JsonlTracker(this.#storageDir)]
  }
}
