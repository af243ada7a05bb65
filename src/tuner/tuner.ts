import { randomInt } from 'node:crypto'
import { join, resolve } from 'node:path'
import { ConfigError, JournalError, show } from '../errors.ts'
import { JOURNAL_VERSION, type JournalHeader } from '../journal/codec.ts'
import { fingerprintData } from '../journal/fingerprint.ts'
import type { JournalFile } from '../journal/read.ts'
import { rejectUnknownKeys } from '../known-keys.ts'
import { createLogger, type Logger, resolveLogLevel } from '../logger.ts'
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
import type { Executor } from '../workers/executor.ts'
import { LocalPool } from '../workers/pool.ts'
import { shareData, sharedBytes } from '../workers/shared-data.ts'
import { CheckpointStore } from './checkpoints.ts'
import { EventFanout, type TunerEvent } from './events.ts'
import { ExperimentRun } from './experiment.ts'
import { loadExperiment } from './load.ts'
import {
  booleanOption,
  checkPlugin,
  defaultConcurrency,
  defaultName,
  positiveInteger,
  resolveTrainable,
  TUNER_OPTIONS,
  type TunerOptions,
  timerMs,
  validateMode,
  validateName,
} from './options.ts'
import { describePlugin } from './plugins.ts'
import { replayJournal } from './replay.ts'
import { checkReproducible, ordersReports } from './reproducible.ts'
import { checkSameData, elapsedBefore, isFinished, type RestoreOptions, type RestorePlan, restorePlan } from './restore.ts'
import { ResultGrid } from './results.ts'
import { onStopSignals } from './signals.ts'
import { type StopCriteria, validateStop } from './stop.ts'
import { claimFolder, createStore, type ExperimentStore, reopenStore } from './storage.ts'

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
  readonly seed: number
  #name: string
  /** The name was defaulted: `fit()` may add `-1`, `-2`... so two experiments started in the same second get folders of their own. */
  readonly #defaultName: boolean
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
  readonly #logger: Logger
  readonly #data: unknown
  readonly #handleSignals: boolean
  /** Where experiment folders go; undefined with `storageDir: false`. */
  readonly #storageRoot: string | undefined
  /** The experiment's folder (its journal and checkpoints), once `fit()` or `restore` knows it. */
  #storageDir: string | undefined
  /** Set by `Tuner.restore`: the experiment `fit()` continues. */
  #restore: RestorePlan | undefined
  readonly #events = new EventFanout()
  #fitted = false

  constructor(options: TunerOptions<S, D>) {
    if (options === null || typeof options !== 'object') {
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
    this.#stop = validateStop(options.stop)
    this.#reproducible = checkReproducible(options.reproducible, options.scheduler)
    this.seed = options.seed === undefined ? randomInt(2 ** 32) : validateSeed(options.seed)
    this.#defaultName = options.name === undefined
    this.#name = options.name === undefined ? defaultName(new Date()) : validateName(options.name)
    checkPlugin(options.search, 'search', ['setup', 'suggest', 'onTrialResult', 'onTrialComplete'])
    checkPlugin(options.scheduler, 'scheduler', ['setup', 'onTrialAdd', 'onTrialResult', 'onTrialComplete'])
    validateTrackers(options.trackers)
    const storageDir: unknown = options.storageDir
    if (storageDir !== undefined && storageDir !== false && (typeof storageDir !== 'string' || storageDir.length === 0)) {
      throw new ConfigError(`storageDir: must be a non-empty path or false, got ${show(storageDir)}`, { field: 'storageDir' })
    }
    this.#storageRoot = storageDir === false ? undefined : ((storageDir as string | undefined) ?? 'runs')
    this.#handleSignals = options.handleSignals === undefined || booleanOption(options.handleSignals, 'handleSignals')
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new ConfigError(`signal: must be an AbortSignal, got ${show(options.signal)}`, { field: 'signal' })
    }
    const level = options.logLevel === undefined ? undefined : resolveLogLevel(options.logLevel, 'logLevel')
    this.#logger = options.logger ?? createLogger(level === undefined ? {} : { level })
    if (this.#reproducible && options.concurrency === undefined) {
      this.#logger.warn(
        `reproducible: concurrency is not set, so it is this machine's ${this.#concurrency} cores; a run repeats only at the same concurrency`,
      )
    }
    this.#data = options.data === undefined ? undefined : shareData(options.data)
  }

  /**
   * A Tuner that continues the experiment in `dir` (`<storageDir>/<name>`)
   * from its journal: `fit()` replays the journal through the same searcher
   * and scheduler, so they end in the state they had, keeps every finished
   * trial, restarts the trials that were running from their last checkpoint
   * (or their start) and runs the rest. A seeded `reproducible` run resumed
   * at the same concurrency ends as it would have without the interruption.
   * The data is not stored: pass it again. Custom searchers and schedulers
   * are passed again too. See docs/resume.md.
   *
   * @example
   * ```ts
   * const tuner = await Tuner.restore('runs/exp1', { data: { X, y } })
   * const results = await tuner.fit()
   * ```
   */
  static async restore<D = unknown>(dir: string, options?: RestoreOptions<D>): Promise<Tuner<Space, D>> {
    const { options: tunerOptions, plan } = await restorePlan(dir, options)
    const tuner = new Tuner<Space, D>(tunerOptions as TunerOptions<Space, D>)
    checkSameData(plan.header.data, fingerprintData(tuner.#data))
    tuner.#storageDir = dir
    tuner.#restore = plan
    return tuner
  }

  /**
   * The experiment's name: its folder under `storageDir`. A default name
   * (`hyperpool_<date>_<time>`) whose folder is taken gets `-1`, `-2`...
   * when `fit()` starts.
   *
   * @example
   * ```ts
   * await tuner.fit()
   * console.log(`resume with Tuner.restore('runs/${tuner.name}')`)
   * ```
   */
  get name(): string {
    return this.#name
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
    const restore = this.#restore
    const searcher: Searcher = options.search ?? new RandomSearch()
    const scheduler = options.scheduler ?? new FIFOScheduler()
    searcher.setup({ space: options.space, metric: this.#metric, mode: this.#mode, seed: this.seed, numSamples: this.#numSamples })
    const plannedTrials = searcher.size ?? this.#numSamples
    scheduler.setup({ metric: this.#metric, mode: this.#mode, seed: this.seed, plannedTrials })
    const trackers = this.#trackers()
    if (restore === undefined && this.#storageRoot !== undefined) {
      if (this.#defaultName) this.#name = claimFolder(this.#storageRoot, this.#name)
      this.#storageDir = join(this.#storageRoot, this.#name)
    }
    const experiment: ExperimentInfo = restore?.experiment ?? {
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
        reproducible: this.#reproducible,
        trainable: this.#trainable,
      },
      searcher: searcher.constructor.name,
      scheduler: scheduler.constructor.name,
      startedAt: new Date().toISOString(),
    }
    // Everything that can refuse the folder does so here, before any thread starts.
    const opened = await this.#openStore(experiment, searcher, scheduler)
    if (opened.finished) {
      opened.store?.close()
      return (await loadExperiment(this.#storageDir as string)).results as ResultGrid<ConfigOf<S>>
    }
    const { store, journal } = opened
    try {
      this.#logger.debug(
        `experiment ${this.name}: seed ${this.seed}, ${this.#concurrency} threads, ${sharedBytes(this.#data)} bytes shared`,
      )
      const checkpoints = new CheckpointStore(store === undefined ? undefined : join(store.dir, 'checkpoints'), this.#logger)
      const executor = new LocalPool({
        trainable: this.#trainable,
        concurrency: this.#concurrency,
        data: this.#data,
        maxHeapMb: options.maxHeapMb,
        onStrayError: (error) =>
          this.#logger.warn(`a worker thread failed after its trial had ended (a timer or callback that outlived it?): ${error.message}`),
      })
      const hub = new TrackerHub([...trackers, this.#events], this.#logger)
      const run = new ExperimentRun({
        metric: this.#metric,
        mode: this.#mode,
        seed: this.seed,
        plannedTrials,
        searcher,
        searchLag: this.#reproducible ? experiment.concurrency - 1 : undefined,
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
        journal: store?.writer,
        elapsedBeforeS: journal === undefined ? 0 : elapsedBefore(journal),
        retryErrored: restore?.retryErrored ?? false,
      })
      if (store !== undefined) {
        store.writer.onFailure = (error) => {
          this.#logger.error(
            `${store.dir}: the journal could not be written (${error.message}): ending the experiment; Tuner.restore continues it from what was written`,
          )
          run.interrupt('journal', `the journal could not be written: ${error.message}`)
        }
      }
      const session = journal === undefined ? 1 : this.#replay(run, journal, experiment, store, executor)
      hub.emit('onExperimentStart', session === 1 ? experiment : { ...experiment, session })
      let summary: ExperimentSummary
      const stopListening = this.#handleSignals ? onStopSignals((signal) => this.#onSignal(run, signal)) : () => {}
      try {
        summary = await run.run()
      } finally {
        stopListening()
        await executor.close()
      }
      this.#checkMetricSeen(run.trials)
      store?.writer.append({ event: 'experiment_end', summary })
      store?.writer.flush()
      hub.emit('onExperimentEnd', experiment, summary)
      await Promise.all([hub.flush(TRACKER_FLUSH_MS), checkpoints.flush()])
      this.#sayHowToResume(run, summary)
      if (run.fatal !== undefined) throw run.fatal
      if (store?.writer.failure) {
        const { message } = store.writer.failure
        throw new JournalError(
          `${store.dir}: the journal could not be written (${message}); Tuner.restore continues the experiment from what was written`,
          {
            field: 'storageDir',
            cause: store.writer.failure,
          },
        )
      }
      return new ResultGrid<ConfigOf<S>>(run.trials, { metric: this.#metric, mode: this.#mode })
    } finally {
      store?.close()
    }
  }

  /**
   * Opens the experiment's folder: a new journal, or (restoring) the
   * existing one, read again under the lock. `finished` when a restored
   * experiment has nothing left to do.
   */
  async #openStore(
    experiment: ExperimentInfo,
    searcher: Searcher,
    scheduler: object,
  ): Promise<{ store?: ExperimentStore; journal?: JournalFile; finished: boolean }> {
    const dir = this.#storageDir
    if (dir === undefined) return { finished: false }
    const clash = this.#trackers().findIndex((t) => t instanceof JsonlTracker && resolve(t.dir) === resolve(dir))
    if (clash !== -1) {
      throw new ConfigError(
        `trackers[${clash}]: a JsonlTracker in ${dir} would write over the experiment's own journal there, which records every event already; drop it or give it another folder`,
        { field: `trackers[${clash}]` },
      )
    }
    if (this.#restore === undefined) {
      const header: JournalHeader = {
        event: 'journal',
        version: JOURNAL_VERSION,
        search: describePlugin(searcher),
        scheduler: describePlugin(scheduler),
        data: fingerprintData(this.#data),
      }
      return { store: createStore(dir, [header, { event: 'experiment_start', experiment }], this.#logger), finished: false }
    }
    const { store, journal } = await reopenStore(dir, this.#logger)
    const finished = isFinished(journal, this.#restore.retryErrored)
    if (finished) this.#logger.info(`${dir}: the experiment has finished, nothing to resume; returning its results`)
    return { store, journal, finished }
  }

  /** Replays the journal into `run`; returns the number of the session about to begin. */
  #replay(
    run: ExperimentRun,
    journal: JournalFile,
    experiment: ExperimentInfo,
    store: ExperimentStore | undefined,
    executor: Executor,
  ): number {
    try {
      const { unwritten, sessions } = replayJournal(run, journal, experiment.concurrency)
      for (const event of unwritten) store?.writer.append(event)
      this.#logger.info(
        `${this.#storageDir}: restored ${run.trials.length} trials from ${journal.events.length} journal events (session ${sessions + 1})`,
      )
      return sessions + 1
    } catch (error) {
      void executor.close()
      throw error
    }
  }

  #onSignal(run: ExperimentRun, signal: string): void {
    this.#logger.warn(
      `${signal}: ending the experiment: running trials stop at their next report (within ${this.#stopGraceMs} ms); ${signal === 'SIGINT' ? 'press Ctrl-C' : 'send it'} again to exit at once`,
    )
    run.interrupt('signal', signal)
  }

  /** After an interrupt, the one line that says what happened and what to run to continue. */
  #sayHowToResume(run: ExperimentRun, summary: ExperimentSummary): void {
    const interrupted = run.interrupted
    if (interrupted === undefined || !interrupted.resumable || run.fatal !== undefined) return
    const { completed, stopped, errored } = summary.states
    const done = `${completed + stopped + errored} of ${run.trials.length} trials started have finished`
    if (this.#storageDir === undefined) {
      this.#logger.warn(
        `the experiment ended early (${interrupted.why}); ${done}. It kept nothing on disk (storageDir: false), so it cannot be resumed`,
      )
      return
    }
    this.#logger.warn(
      `the experiment ended early (${interrupted.why}); ${done}, the rest can be resumed. Continue it with: await Tuner.restore(${JSON.stringify(this.#storageDir)})`,
    )
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
    return this.#options.trackers ?? [new ConsoleReporter()]
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
