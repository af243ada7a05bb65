import { join } from 'node:path'
import { ConfigError } from '../errors.ts'
import { countOf } from '../format.ts'
import { fingerprintData } from '../journal/fingerprint.ts'
import { createLogger, type Logger } from '../logger.ts'
import { objectiveOptions } from '../objectives/index.ts'
import { objectivesFrom, optionAt, TRACKER_WAIT_MS } from '../options/index.ts'
import { checkMutationsAgainst } from '../scheduler/explore.ts'
import { PopulationBasedTraining } from '../scheduler/pbt.ts'
import { type ConfigOf, type Space, spaceToJSON } from '../search/space.ts'
import { ConsoleReporter } from '../tracker/console/console.ts'
import { TrackerHub } from '../tracker/dispatch.ts'
import type { Tracker } from '../tracker/tracker.ts'
import { consoleOnly, TrialOutputLog } from '../tracker/trial-output/trial-output.ts'
import type { ExperimentInfo, ExperimentSummary, Mode, Objective } from '../types.ts'
import type { LocalPool } from '../workers/pool.ts'
import { shareData, sharedBytes } from '../workers/shared-data.ts'
import { CheckpointStore } from './checkpoints.ts'
import { EventFanout, type TunerEvent } from './events.ts'
import { ExperimentRun } from './experiment.ts'
import { endOnJournalFailure, journalFailure } from './journal-failure.ts'
import { loadExperiment } from './load.ts'
import { warnMetricUnseen } from './metric-checks.ts'
import { type OpenedStore, openStore } from './open-store.ts'
import { TUNER_OPTIONS, type TunerOptions } from './options.ts'
import { plannedSamples } from './planned-samples.ts'
import { searcherName } from './plugins.ts'
import { replayIntoRun } from './replay.ts'
import { checkReproducible, ordersReports } from './reproducible.ts'
import { checkSameData, elapsedBefore, type RestoreOptions, type RestorePlan, restorePlan } from './restore.ts'
import { ResultGrid } from './results.ts'
import { sessionInfo } from './session-info.ts'
import { onStopSignals } from './signals.ts'
import { startLocalPool } from './start-pool.ts'
import { checkThresholds } from './stop.ts'
import { exitNow, interruptOnSignal, type ResumeContext, sayHowToResume } from './stop-notices.ts'
import { claimFolder } from './storage.ts'

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
  readonly #space: S
  /** The first objective: with one, the experiment's metric and mode. */
  readonly #metric: string
  readonly #mode: Mode
  /** Every objective; more than one for a multi-objective experiment. */
  readonly #objectives: readonly Objective[]
  readonly #numSamples: number
  readonly #reproducible: boolean
  readonly #logger: Logger
  readonly #data: unknown
  /** Where experiment folders go; undefined with `storageDir: false`. */
  readonly #storageRoot: string | undefined
  /** The experiment's folder (its journal and checkpoints), once `fit()` or `restore` knows it. */
  #storageDir: string | undefined
  /** Set by `Tuner.restore`: the experiment `fit()` continues. */
  #restore: RestorePlan | undefined
  /** The options as checked, defaults filled in. */
  readonly #options: CheckedOptions
  readonly #events = new EventFanout()
  #fitted = false

  constructor(options: TunerOptions<S, D>) {
    const o = TUNER_OPTIONS.read(options)
    this.#options = o
    this.#space = o.space as S
    this.#objectives = objectivesFrom('Tuner', o.metric, o.mode)
    ;({ metric: this.#metric, mode: this.#mode } = this.#objectives[0] as Objective)
    checkThresholds(o.stop.metricThreshold, this.#objectives)
    // A scheduler that ranks by one objective refuses several now, not when fit() sets it up.
    o.scheduler.checkObjectives?.(this.#objectives)
    this.#numSamples = plannedSamples(o.search, o.numSamples, options.numSamples !== undefined)
    this.#reproducible = checkReproducible(o.reproducible, o.scheduler)
    if (o.scheduler instanceof PopulationBasedTraining) {
      checkMutationsAgainst(o.scheduler.hyperparamMutations, o.space, optionAt('PopulationBasedTraining', 'hyperparamMutations'))
    }
    this.seed = o.seed
    this.#defaultName = options.name === undefined
    this.#name = o.name
    this.#storageRoot = o.storageDir === false ? undefined : o.storageDir
    this.#logger = o.logger ?? createLogger({ level: o.logLevel })
    if (this.#reproducible && options.concurrency === undefined) {
      this.#logger.warn(
        `reproducible: concurrency is not set, so it is this machine's ${o.concurrency} cores; a run repeats only at the same concurrency`,
      )
    }
    this.#data = o.data === undefined ? undefined : shareData(o.data)
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
   * The experiment's folder (`<storageDir>/<name>`, holding its journal),
   * known once `fit()` has started or `Tuner.restore` opened it; undefined
   * before, and always with `storageDir: false`. A default name whose folder
   * was taken has its `-1`, `-2`... here.
   *
   * @example
   * ```ts
   * await tuner.fit()
   * if (tuner.dir !== undefined) await writeReport(tuner.dir)
   * ```
   */
  get dir(): string | undefined {
    return this.#storageDir
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
    const restore = this.#restore
    const searcher = this.#options.search
    const scheduler = this.#options.scheduler
    // The local threads start first, so they boot while this thread sets up and opens the folder: side by side in
    // fresh processes, the threads' start-up is most of the time to the first trial. A set-up that throws or a folder
    // that is refused closes them again before any trial runs.
    const pool =
      this.#options.executor === undefined
        ? startLocalPool({
            trainable: this.#options.trainable,
            concurrency: this.#options.concurrency,
            data: this.#data,
            maxHeapMb: this.#options.maxHeapMb,
            logger: this.#logger,
            // A thread's output comes on a later turn of the event loop: #setUp has made the log by then (it runs
            // in this turn), so this never meets it unassigned.
            onOutput: (output) => trialOutput.write(output),
          })
        : undefined
    let experiment: ExperimentInfo
    let trackers: readonly Tracker[]
    let plannedTrials: number
    let trialOutput: TrialOutputLog
    let opened: OpenedStore
    try {
      ;({ experiment, trackers, plannedTrials, trialOutput } = this.#setUp())
      opened = await openStore(
        { dir: this.#storageDir, trackers, restore, data: this.#data, logger: this.#logger },
        experiment,
        searcher,
        scheduler,
      )
    } catch (error) {
      await pool?.close()
      throw error
    }
    if (opened.finished) {
      opened.store?.close()
      await pool?.close()
      return (await loadExperiment(this.#storageDir as string)).results as ResultGrid<ConfigOf<S>>
    }
    const { store, journal } = opened
    /** Whether the run closed its executor: a throw before it runs (a journal that cannot be replayed) leaves the threads to close here. */
    let closing = false
    try {
      this.#logger.debug(
        `experiment ${this.name}: seed ${this.seed}, ${countOf(this.#options.concurrency, 'thread')}, ${sharedBytes(this.#data)} bytes shared`,
      )
      const checkpoints = new CheckpointStore(store === undefined ? undefined : join(store.dir, 'checkpoints'), this.#logger)
      const executor =
        this.#options.executor === undefined
          ? (pool as LocalPool)
          : await this.#options.executor.open({
              name: this.name,
              trainable: this.#options.trainable,
              slots: this.#options.concurrency,
              maxHeapMb: this.#options.maxHeapMb,
              data: this.#data,
              logger: this.#logger,
              onOutput: (output) => trialOutput.write(output),
            })
      // The trial output log goes first, so the option's trackers start at 1 (warnings name a plain object by its place there).
      const hub = new TrackerHub([trialOutput, ...trackers, this.#events], this.#logger, { optionStart: 1 })
      const run = new ExperimentRun({
        metric: this.#metric,
        mode: this.#mode,
        metrics: this.#objectives.map((x) => x.metric),
        objectives: this.#objectives,
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
        stop: this.#options.stop,
        maxFailures: this.#options.maxFailures,
        failFast: this.#options.failFast,
        stopGraceMs: this.#options.stopGraceMs,
        signal: this.#options.signal,
        trialTimeoutS: this.#options.trialTimeoutS,
        metricCheck: this.#options.metricCheck,
        journal: store?.writer,
        elapsedBeforeS: journal === undefined ? 0 : elapsedBefore(journal),
        retryErrored: restore?.retryErrored ?? false,
        endsHeard: trackers.length > 0 ? undefined : () => this.#events.listening,
      })
      if (store !== undefined) endOnJournalFailure(store, run, this.#logger)
      const session =
        journal === undefined
          ? 1
          : replayIntoRun(run, journal, experiment.concurrency, { store, executor, logger: this.#logger, dir: this.#storageDir })
      const told = sessionInfo(experiment, session, this.#options.concurrency, this.#storageDir)
      hub.emit('onExperimentStart', told)
      let summary: ExperimentSummary
      const stopListening = this.#options.handleSignals
        ? onStopSignals(
            (signal) => interruptOnSignal(run, signal, this.#options.stopGraceMs, this.#logger),
            (signal) => exitNow(store, signal, this.#resumeContext()),
          )
        : () => {}
      try {
        summary = await run.run()
      } finally {
        stopListening()
        closing = true
        await executor.close()
      }
      // A run that failed (metricCheck 'error' included) says why when fit() rejects.
      if (run.fatal === undefined) warnMetricUnseen(run.trials, this.#objectives, this.#logger)
      store?.writer.append({ event: 'experiment_end', summary })
      store?.writer.flush()
      hub.emit('onExperimentEnd', told, summary)
      await Promise.all([hub.flush(TRACKER_WAIT_MS), checkpoints.flush()])
      sayHowToResume(run, summary, plannedTrials, this.#storageDir, this.#resumeContext())
      if (run.fatal !== undefined) throw run.fatal
      const journalFailed = journalFailure(store)
      if (journalFailed !== undefined) throw journalFailed
      return new ResultGrid<ConfigOf<S>>(run.trials, {
        ...objectiveOptions(this.#objectives),
        interrupted: summary.interrupted,
        space: this.#space,
      })
    } finally {
      if (!closing) await pool?.close()
      store?.close()
    }
  }

  /**
   * Sets up the searcher and scheduler, names the experiment's folder, and makes what the run records first:
   * the experiment's description and the trial output log.
   */
  #setUp(): { experiment: ExperimentInfo; trackers: readonly Tracker[]; plannedTrials: number; trialOutput: TrialOutputLog } {
    // Several objectives travel as `objectives` beside the first one's metric and mode, which one-objective code reads.
    const objectives = this.#objectives.length > 1 ? { objectives: this.#objectives } : {}
    this.#options.search.setup({
      space: this.#space,
      metric: this.#metric,
      mode: this.#mode,
      ...objectives,
      seed: this.seed,
      numSamples: this.#numSamples,
    })
    const plannedTrials = this.#options.search.size ?? this.#numSamples
    this.#options.scheduler.setup({ metric: this.#metric, mode: this.#mode, ...objectives, seed: this.seed, plannedTrials })
    const trackers = this.#trackersOrDefault()
    if (this.#restore === undefined && this.#storageRoot !== undefined) {
      if (this.#defaultName) this.#name = claimFolder(this.#storageRoot, this.#name)
      this.#storageDir = join(this.#storageRoot, this.#name)
    }
    const experiment: ExperimentInfo = this.#restore?.experiment ?? {
      name: this.name,
      metric: this.#metric,
      mode: this.#mode,
      ...objectives,
      seed: this.seed,
      numSamples: this.#numSamples,
      plannedTrials,
      concurrency: this.#options.concurrency,
      space: spaceToJSON(this.#space),
      options: {
        stop: { ...this.#options.stop },
        maxFailures: this.#options.maxFailures,
        failFast: this.#options.failFast,
        stopGraceMs: this.#options.stopGraceMs,
        maxHeapMb: this.#options.maxHeapMb ?? null,
        trialTimeoutS: this.#options.trialTimeoutS ?? null,
        metricCheck: this.#options.metricCheck,
        reproducible: this.#reproducible,
        trainable: this.#options.trainable,
      },
      searcher: searcherName(this.#options.search),
      scheduler: this.#options.scheduler.constructor.name,
      startedAt: new Date().toISOString(),
    }
    // First in line, so its pointer to the trial logs comes before the reporter's closing summary.
    const trialOutput = new TrialOutputLog({
      dir: this.#storageDir ?? '',
      // Without a folder (storageDir: false), trial output has only the console to go to.
      mode: this.#storageDir === undefined ? consoleOnly(this.#options.trialOutput) : this.#options.trialOutput,
      logger: this.#logger,
    })
    return { experiment, trackers, plannedTrials, trialOutput }
  }

  /** What the stop notices need to name the code that resumes the experiment. */
  #resumeContext(): ResumeContext {
    return { logger: this.#logger, data: this.#data, executorCode: this.#options.executor?.code }
  }

  /** The trackers given, or the default one; none when the log level is 'silent', which promises a run that prints nothing. */
  #trackersOrDefault(): readonly Tracker[] {
    return this.#options.trackers ?? (this.#logger.level === 'silent' ? [] : [new ConsoleReporter()])
  }
}

/** A Tuner's options once checked: every default in place. */
type CheckedOptions = ReturnType<typeof TUNER_OPTIONS.read>
