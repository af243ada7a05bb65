import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DataError, show } from '../errors.ts'
import type { JournalHeader } from '../journal/codec.ts'
import { fingerprintDifference } from '../journal/fingerprint.ts'
import { checkUnlocked } from '../journal/lock.ts'
import { type JournalFile, type JournalLine, readJournal } from '../journal/read.ts'
import type { Logger, LogLevel } from '../logger.ts'
import { experimentObjectives, objectiveOptions } from '../objectives/index.ts'
import {
  argumentAt,
  boolean,
  check,
  defineOptions,
  integer,
  isObject,
  optionAt,
  PATH,
  problemAt,
  type SchemaOf,
  TIMER_MS,
  TIMER_S,
} from '../options/index.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import type { Searcher } from '../search/searcher.ts'
import { spaceFromJSON } from '../search/space.ts'
import type { Tracker } from '../tracker/tracker.ts'
import type { TrialOutputMode } from '../tracker/trial-output/trial-output.ts'
import type { ExperimentInfo } from '../types.ts'
import type { ExecutorFactory } from '../workers/executor.ts'
import { TRAINABLE, TUNER_OPTIONS, type TunerOptions } from './options.ts'
import { rebuildPlugin } from './plugins.ts'

/**
 * What `Tuner.restore(dir, options)` may be given. Everything else comes
 * from the journal: the space, the metric, the seed, the searcher and
 * scheduler (rebuilt, unless custom), the stop criteria and the other settings.
 *
 * @example
 * ```ts
 * const tuner = await Tuner.restore('runs/exp1', { data: { X, y }, concurrency: 4 })
 * const results = await tuner.fit()
 * ```
 */
export interface RestoreOptions<D = unknown> {
  /**
   * The trainable module: a file URL, or a path.
   * @default the recorded one, if its file is still there
   */
  readonly trainable?: URL | string
  /** The data the experiment ran with (it is not stored): required when it had data, and checked to be the same. */
  readonly data?: D
  /**
   * Trackers for the rest of the run; `[]` for none.
   * @default a ConsoleReporter
   */
  readonly trackers?: readonly Tracker[]
  /**
   * Trials at once from now on. A reproducible run repeats only at the same one.
   * @default the recorded concurrency
   */
  readonly concurrency?: number
  /** Aborting it ends the run cleanly, resumable again. */
  readonly signal?: AbortSignal
  /**
   * Give trials that errored for good a new round of `maxFailures + 1` attempts.
   * @default false
   */
  readonly retryErrored?: boolean
  /**
   * A custom searcher, constructed as for the first run (same class, same options).
   * @default the recorded built-in searcher, rebuilt from the journal
   */
  readonly search?: Searcher
  /**
   * A custom scheduler, constructed as for the first run (same class, same options).
   * @default the recorded built-in scheduler, rebuilt from the journal
   */
  readonly scheduler?: Scheduler
  /**
   * Where hyperpool logs.
   * @default a logger to stderr at `logLevel`
   */
  readonly logger?: Logger
  /**
   * Log level of the default logger.
   * @default `HYPERPOOL_LOG_LEVEL`, else `'info'`
   */
  readonly logLevel?: LogLevel
  /**
   * How long stopped trials get to reach their next report before their thread is ended, ms.
   * @default the recorded value
   */
  readonly stopGraceMs?: number
  /**
   * Heap cap per worker thread in MB (at least 16).
   * @default the recorded value
   */
  readonly maxHeapMb?: number
  /**
   * Wall-clock limit of one run of a trial, s.
   * @default the recorded value
   */
  readonly trialTimeoutS?: number
  /**
   * Whether `fit()` handles SIGINT and SIGTERM, as the Tuner option.
   * @default true
   */
  readonly handleSignals?: boolean
  /**
   * Where what trials print goes, as the Tuner option.
   * @default 'file'
   */
  readonly trialOutput?: TrialOutputMode
  /**
   * Where trials run from now on, as the Tuner option (a restore may move to other machines).
   * @default the local pool of `concurrency` worker threads
   */
  readonly executor?: ExecutorFactory
}

const TUNER = TUNER_OPTIONS.schema
const RECORDED = 'the recorded value'

/** Every option of `Tuner.restore`: the Tuner's kinds, with the defaults a restore takes from the journal. */
export const RESTORE_OPTIONS = defineOptions('Tuner.restore', {
  trainable: TRAINABLE.withDeferredDefault('the recorded one, if its file is still there'),
  data: TUNER.data,
  trackers: TUNER.trackers,
  concurrency: integer({ min: 1 }).withDeferredDefault('the recorded concurrency'),
  signal: TUNER.signal,
  retryErrored: boolean().withDefault(false),
  search: TUNER.search.withDeferredDefault('the recorded built-in searcher, rebuilt from the journal'),
  scheduler: TUNER.scheduler.withDeferredDefault('the recorded built-in scheduler, rebuilt from the journal'),
  logger: TUNER.logger,
  logLevel: TUNER.logLevel,
  stopGraceMs: TIMER_MS.withDeferredDefault(RECORDED),
  maxHeapMb: integer({ min: 16 }).withDeferredDefault(RECORDED),
  trialTimeoutS: TIMER_S.withDeferredDefault(RECORDED),
  handleSignals: TUNER.handleSignals,
  trialOutput: TUNER.trialOutput,
  executor: TUNER.executor,
} satisfies SchemaOf<RestoreOptions>)

const DIR = argumentAt('Tuner.restore', 'dir')

/**
 * A Tuner option that a restore cannot take: the journal holds it, and the
 * replay depends on it (another seed or space would be another experiment).
 * Refused with that reason rather than as an unknown option.
 */
function refuseRecorded(given: unknown): void {
  if (!isObject(given)) return
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(RESTORE_OPTIONS.schema, key) || !Object.hasOwn(TUNER, key)) continue
    throw problemAt(
      optionAt('Tuner.restore', key),
      `${key} comes from the journal and cannot change on restore, got ${show(given[key])}; to run with another ${key}, start a new experiment (a new Tuner with another name)`,
    )
  }
}

/**
 * An experiment a restore continues: its journal header, its settings as
 * recorded, and the restore's own choices the loop needs.
 *
 * @example
 * ```ts
 * const { header, experiment, retryErrored } = plan
 * ```
 */
export interface RestorePlan {
  readonly header: JournalHeader
  readonly experiment: ExperimentInfo
  readonly retryErrored: boolean
}

/**
 * Reads `dir`'s journal and turns it and `options` into the options of the
 * Tuner that continues it, with the searcher and scheduler rebuilt (or the
 * given ones checked). Fails with a typed error naming the problem: no
 * journal, a file written by a tracker, a live Tuner on it, a trainable that
 * is gone, a searcher or scheduler that must be passed.
 *
 * @example
 * ```ts
 * const { options, plan } = await restorePlan('runs/exp1', { data })
 * ```
 */
export async function restorePlan(dir: string, given: unknown): Promise<{ options: TunerOptions; plan: RestorePlan }> {
  check(PATH.required(), dir, DIR)
  refuseRecorded(given)
  const options = RESTORE_OPTIONS.read(given)
  const journal = await readJournal(dir, DIR)
  const { header, experiment } = settingsOf(journal.path, journal.events)
  checkUnlocked(dir, DIR)
  const recorded = experiment.options
  if (recorded === undefined) throw problemAt(DIR, `${journal.path} does not record the experiment's options`)
  if (options.trainable === undefined && !existsSync(fileURLToPath(recorded.trainable))) {
    throw problemAt(
      argumentAt('Tuner.restore', 'options.trainable'),
      `the experiment's trainable ${fileURLToPath(recorded.trainable)} is not there any more; pass it: Tuner.restore(dir, { trainable })`,
    )
  }
  const tunerOptions: TunerOptions = {
    name: experiment.name,
    trainable: options.trainable ?? recorded.trainable,
    space: spaceFromJSON(experiment.space),
    ...objectiveOptions(experimentObjectives(experiment)),
    search: rebuildPlugin<Searcher>(header.search, 'search', options.search),
    scheduler: rebuildPlugin<Scheduler>(header.scheduler, 'scheduler', options.scheduler),
    numSamples: experiment.numSamples,
    concurrency: options.concurrency ?? experiment.concurrency,
    data: options.data,
    seed: experiment.seed,
    reproducible: recorded.reproducible ?? false,
    stop: recorded.stop,
    maxFailures: recorded.maxFailures,
    failFast: recorded.failFast ?? false,
    stopGraceMs: options.stopGraceMs ?? recorded.stopGraceMs,
    handleSignals: options.handleSignals,
    trialOutput: options.trialOutput,
    ...(recorded.metricCheck === undefined ? {} : { metricCheck: recorded.metricCheck }),
    ...pick(
      {
        maxHeapMb: options.maxHeapMb ?? recorded.maxHeapMb ?? undefined,
        trialTimeoutS: options.trialTimeoutS ?? recorded.trialTimeoutS ?? undefined,
      },
      ['maxHeapMb', 'trialTimeoutS'],
    ),
    ...pick(options, ['trackers', 'signal', 'logger', 'logLevel', 'executor']),
  }
  return { options: tunerOptions, plan: { header, experiment, retryErrored: options.retryErrored } }
}

/**
 * The exact code that continues the experiment in `dir`: an absolute path (the
 * script that runs it may start elsewhere), the data it needs again named by
 * its keys (it is not stored), the executor it ran on if not the local pool
 * (`ExecutorFactory.code`), and the `.fit()` that runs it.
 *
 * @example
 * ```ts
 * resumeCode('runs/exp1', { 'data.X': 'Float64Array[600] ...', 'data.y': '...' })
 * // 'await (await Tuner.restore("/home/me/runs/exp1", { data: { X, y } })).fit()'
 * ```
 */
export function resumeCode(dir: string, data: JournalHeader['data'], executor?: string): string {
  const parts = [...(data === null ? [] : [`data: ${dataShape(data)}`]), ...(executor === undefined ? [] : [`executor: ${executor}`])]
  const options = parts.length === 0 ? '' : `, { ${parts.join(', ')} }`
  return `await (await Tuner.restore(${JSON.stringify(resolve(dir))}${options})).fit()`
}

/** `{ X, y }` for data recorded under data.X and data.y; `data` itself when it was not an object of named parts. */
function dataShape(data: Readonly<Record<string, string>>): string {
  const keys = new Set<string>()
  for (const path of Object.keys(data)) {
    const key = /^data\.([A-Za-z_$][\w$]*)(?:[.[]|$)/.exec(path)?.[1]
    if (key === undefined) return 'data'
    keys.add(key)
  }
  return keys.size === 0 ? 'data' : `{ ${[...keys].join(', ')} }`
}

/**
 * Throws a {@link DataError} when the data a restore was given is not the
 * data the experiment ran with, naming the first difference.
 *
 * @example
 * ```ts
 * checkSameData(header.data, fingerprintData(shared))
 * ```
 */
export function checkSameData(recorded: JournalHeader['data'], now: JournalHeader['data']): void {
  const difference = fingerprintDifference(recorded, now)
  if (difference === undefined) return
  // The advice ends the message: `hyperpool resume` swaps it for its own (--module), so keep it last and worded so.
  throw new DataError(
    `${difference}; a restore needs the data the experiment ran with (it is not stored): pass it as Tuner.restore(dir, { data })`,
    { field: difference.slice(0, difference.indexOf(':')) },
  )
}

/** The header and the first session's settings, or an error saying why the file cannot be continued. */
function settingsOf(path: string, events: readonly JournalLine[]): { header: JournalHeader; experiment: ExperimentInfo } {
  const [first, second] = events
  if (first?.event.event !== 'journal') {
    throw problemAt(
      DIR,
      `${path} is not an experiment's journal (it has no "journal" header: a JsonlTracker's file, or one from before hyperpool could resume); loadExperiment(dir) reads it`,
    )
  }
  if (second?.event.event !== 'experiment_start') {
    throw problemAt(DIR, `${path} line ${second?.line ?? 2}: expected "experiment_start" after the header`)
  }
  return { header: first.event, experiment: second.event.experiment }
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {}
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key]
  return picked
}

/**
 * Whether a restored experiment has nothing left to do: its last session ran
 * to its end or was ended for good (the time budget), and `retryErrored`, if
 * asked, finds no errored trial.
 *
 * @example
 * ```ts
 * if (isFinished(journal, plan.retryErrored)) return (await loadExperiment(dir)).results
 * ```
 */
export function isFinished(journal: JournalFile, retryErrored: boolean): boolean {
  let ended = false
  let resumable = false
  for (const { event } of journal.events) {
    if (event.event === 'session') ended = resumable = false
    else if (event.event === 'interrupt') resumable = event.resumable
    else if (event.event === 'experiment_end') ended = true
  }
  const errored = journal.events.some(({ event }) => event.event === 'trial_end' && event.trial.state === 'errored')
  return ended && !resumable && !(retryErrored && errored)
}

/**
 * The experiment's time over its earlier sessions, in seconds, from the times its events carry.
 *
 * @example
 * ```ts
 * const before = elapsedBefore(journal) // the time budget of the restored run is what is left
 * ```
 */
export function elapsedBefore(journal: JournalFile): number {
  let seconds = 0
  for (const { event } of journal.events) {
    const t = event.event === 'experiment_end' ? event.summary.elapsedS : 't' in event ? event.t : undefined
    if (typeof t === 'number' && t > seconds) seconds = t
  }
  return seconds
}
