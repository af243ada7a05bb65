import { randomInt } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { LOG_LEVEL, LOGGER, type Logger, type LogLevel } from '../logger.ts'
import {
  arrayOf,
  boolean,
  computed,
  custom,
  defineOptions,
  integer,
  invalid,
  METRICS,
  MODES,
  oneOf,
  type Place,
  problemAt,
  type SchemaOf,
  SEED,
  satisfying,
  TIMER_MS,
  TIMER_S,
  text,
  withMethods,
} from '../options/index.ts'
import { FIFOScheduler } from '../scheduler/fifo.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import { RandomSearch } from '../search/random.ts'
import type { Searcher } from '../search/searcher.ts'
import { type Space, validateSpace } from '../search/space.ts'
import type { Tracker } from '../tracker/tracker.ts'
import { TRIAL_OUTPUT_MODES, type TrialOutputMode } from '../tracker/trial-output/trial-output.ts'
import type { Mode } from '../types.ts'
import type { ExecutorFactory } from '../workers/executor.ts'
import { STOP_CRITERIA, type StopCriteria } from './stop.ts'

/**
 * Everything a {@link Tuner} needs. Only `trainable`, `space` and `metric` are required.
 *
 * @example
 * ```ts
 * const options: TunerOptions<typeof space> = {
 *   trainable: new URL('./trainable.ts', import.meta.url),
 *   space, metric: 'loss', mode: 'min', numSamples: 32, seed: 7,
 * }
 * ```
 */ export interface TunerOptions<S extends Space = Space, D = unknown> {
  /**
   * The experiment's name: its folder under `storageDir`; letters, digits, `_`, `-` and `.`.
   * @default `hyperpool_<date>_<time>`
   */
  readonly name?: string
  /** The module whose default export trains one config: a file URL, or a path (relative to the working directory). */
  readonly trainable: URL | string
  /** The search space; trials receive `ConfigOf<typeof space>`. */
  readonly space: S
  /**
   * The metric the trainable reports and `best()`, searchers and schedulers optimise; an array of distinct names for
   * several objectives (`results.paretoFront()`; see docs/multi-objective.md).
   */
  readonly metric: string | readonly string[]
  /**
   * Whether lower (`'min'`) or higher (`'max'`) `metric` is better: one mode for every metric, or an array with one
   * per metric.
   * @default 'min'
   */
  readonly mode?: Mode | readonly Mode[]
  /**
   * Proposes configs.
   * @default `new RandomSearch()`
   */
  readonly search?: Searcher
  /**
   * Stops bad trials early.
   * @default `new FIFOScheduler()`
   */
  readonly scheduler?: Scheduler
  /**
   * Trials to run (for grid search: repeats of the whole grid).
   * @default 10 (1 with GridSearch: the grid once, as Ray Tune's num_samples)
   */
  readonly numSamples?: number
  /**
   * Trials at once, one worker thread each.
   * @default the machine's available cores
   */
  readonly concurrency?: number
  /** Typed arrays, number arrays and matrices, placed once in shared memory; trials read `ctx.data`. */
  readonly data?: D
  /**
   * Where results go beside the experiment's journal; `[]` for none.
   * @default a ConsoleReporter (none when the logger's level is `'silent'`)
   */
  readonly trackers?: readonly Tracker[]
  /**
   * Where experiments live: `<storageDir>/<name>` holds the experiment's journal (`experiment.jsonl`,
   * every event, what `Tuner.restore` continues from), its checkpoints and the trial output. `false`
   * keeps nothing on disk: checkpoints stay in memory and the experiment cannot be restored.
   * @default 'runs'
   */
  readonly storageDir?: string | false
  /**
   * The experiment seed: the same seed gives the same trials.
   * @default drawn at random; read it back from `.seed`
   */
  readonly seed?: number
  /**
   * The same seed and concurrency give the same trials whatever the timing, with any searcher (TPE
   * included): trial k is proposed once trials 0..k-concurrency have ended, and the searcher has been
   * told exactly those; the later ones count as running. Set `concurrency` too: it is part of what
   * repeats, and its default is the machine's core count. With ASHAScheduler or MedianStoppingRule
   * (counting in `training_iteration`) a report is also judged only once the trials before it have
   * made theirs, so early stops repeat too; HyperBand and PBT, which resume paused trials as workers
   * free up, are refused. Threads may wait behind slower trials. A time budget or an abort still
   * ends the run when it happens. When false, every result is used as soon as it arrives.
   * @default false
   *
   * @example
   * ```ts
   * new Tuner({ ...options, search: new TPESearch(), concurrency: 8, seed: 42, reproducible: true })
   * ```
   */
  readonly reproducible?: boolean
  /** Per-trial and experiment stop criteria. */
  readonly stop?: StopCriteria
  /**
   * How many times a failed trial is retried from scratch before it counts as errored.
   * @default 0
   */
  readonly maxFailures?: number
  /**
   * End the experiment as soon as a trial errors for good (after its retries): running trials are
   * stopped, every result kept. For a first run of new training code, where a bug fails every trial
   * alike. When false, errored trials are recorded and the experiment goes on.
   * @default false
   */
  readonly failFast?: boolean
  /**
   * Aborting it ends the experiment cleanly, as a first Ctrl-C does: no trial starts, running ones stop at
   * their next report and end `paused`, finished results are kept, and `Tuner.restore` continues it.
   */
  readonly signal?: AbortSignal
  /**
   * Heap cap per worker thread in MB (at least 16); a trial above it errors ("ran out of its N MB heap")
   * instead of taking the process down. Off-heap memory (typed arrays' buffers) is not counted.
   * @default half the machine's memory (or the container's cgroup limit, if lower) divided by `concurrency`, between 256 and 2048 MB
   */
  readonly maxHeapMb?: number
  /**
   * Wall-clock limit of one run of a trial, in seconds; no limit when absent. A trial still running
   * after it (a busy loop, a promise that never settles) has its thread ended and replaced, and errors
   * with "exceeded N s"; it is retried under `maxFailures`. Counted per run, from when the trainable
   * starts: a paused trial's clock starts again when it resumes, and a retry gets the full limit. Not
   * counted: a fresh thread's start and the module's import (bounded apart, by the limit or 60 s,
   * whichever is longer), the time a report waits for its turn under `reproducible`, and the time a run
   * waits in an executor's queue for a free worker (the Redis executor's).
   *
   * @example
   * ```ts
   * new Tuner({ ...options, trialTimeoutS: 600, maxFailures: 1 })
   * ```
   */
  readonly trialTimeoutS?: number
  /**
   * What happens when a trial completes without ever reporting a number for `metric` (nearly always a
   * misspelt name, e.g. `loss` for `val_loss`): `'error'` ends the experiment at once with a ConfigError
   * naming the keys that were reported; `'warn'` only warns, once the experiment is over. Checked at a
   * trial's end, not at each report, so a trainable that reports the metric only every few reports
   * (validation every 5 epochs) is fine.
   * @default 'error'
   */
  readonly metricCheck?: MetricCheck
  /**
   * Where hyperpool logs.
   * @default a logger to stderr at `logLevel`
   */
  readonly logger?: Logger
  /**
   * Log level of the default logger. `'silent'` also leaves out the default ConsoleReporter: nothing of hyperpool's own is printed (trial output still goes where `trialOutput` says).
   * @default `HYPERPOOL_LOG_LEVEL`, else `'info'`
   */
  readonly logLevel?: LogLevel
  /**
   * How long stopped trials get to reach their next report before their thread is ended, ms.
   * @default 5000
   */
  readonly stopGraceMs?: number
  /**
   * Whether `fit()` handles SIGINT and SIGTERM (Ctrl-C, `kill`): the first ends the experiment cleanly
   * and prints the code that resumes it, a second exits at once. `false` for a host program that
   * handles its signals itself (it can end the experiment through `signal`).
   * @default true
   */
  readonly handleSignals?: boolean
  /**
   * Where what trials print (`console.log`, `process.stdout.write`, stderr) goes: `'file'` (default) to
   * `<storageDir>/<name>/trial_0003/stdout.log` and `stderr.log`, told once on the log when the first
   * trial prints; `'both'` also to the console, each line prefixed `(trial 3)` and printed above the
   * status line; `'console'` only there; `'none'` nowhere. With `storageDir: false` there is no folder:
   * `'file'` and `'both'` print to the console.
   *
   * @example
   * ```ts
   * new Tuner({ ...options, trialOutput: 'both' }) // (trial 3) epoch 1: loss 0.41
   * ```
   * @default 'file'
   */
  readonly trialOutput?: TrialOutputMode
  /**
   * Where trials run: an executor such as `new RedisExecutor({ connection: 'redis://host:6379' })`,
   * which runs them on worker processes on other machines (docs/distributed.md). `concurrency` is then
   * how many trials are queued or running at once.
   * @default the local pool of `concurrency` worker threads
   */
  readonly executor?: ExecutorFactory
}

/**
 * What a trial that completes without its metric does to the experiment (see `TunerOptions.metricCheck`).
 *
 * @example
 * ```ts
 * const check: MetricCheck = 'warn' // every trial runs; one warning at the end
 * ```
 */
export type MetricCheck = 'error' | 'warn'

/**
 * A search space option, checked as {@link validateSpace} does (a SpaceError names the path).
 *
 * @example
 * ```ts
 * space: SPACE.required()
 * ```
 */
export const SPACE = custom<Space>('a search space', (value) => {
  validateSpace(value)
  return value
})

/**
 * A searcher option: anything with the Searcher's methods; `new RandomSearch()` when absent.
 *
 * @example
 * ```ts
 * search: SEARCHER
 * ```
 */
export const SEARCHER = withMethods<Searcher>('a Searcher', ['setup', 'suggest', 'onTrialResult', 'onTrialComplete']).withDefault(
  computed('`new RandomSearch()`', () => new RandomSearch()),
)

/**
 * An experiment seed option, drawn at random when absent.
 *
 * @example
 * ```ts
 * seed: RANDOM_SEED
 * ```
 */
export const RANDOM_SEED = SEED.withDefault(computed('drawn at random; read it back from `.seed`', () => randomInt(2 ** 32)))

/** Where experiments live: a path, or `false` for nowhere. */
const STORAGE_DIR = custom<string | false>('a non-empty path or false', (value, at) => {
  if (value === false || (typeof value === 'string' && value !== '')) return value
  throw invalid(at, 'a non-empty path or false', value)
})

/**
 * A trainable option: a file URL or a path to a module, read as a file URL string (checking that the file exists).
 *
 * @example
 * ```ts
 * trainable: TRAINABLE.required()
 * ```
 */
export const TRAINABLE = custom<string>('a file URL or a path to a module', resolveTrainable)

/** Every option of a {@link Tuner}: kinds, ranges and defaults; `satisfies` keeps it in step with {@link TunerOptions}. */
export const TUNER_OPTIONS = defineOptions('Tuner', {
  name: text({ test: isName, rule: "a name of letters, digits, '_', '-' or '.'" }).withDefault(
    computed('`hyperpool_<date>_<time>`', () => defaultName(new Date())),
  ),
  trainable: TRAINABLE.required(),
  space: SPACE.required(),
  metric: METRICS.required(),
  mode: MODES.withDefault('min'),
  search: SEARCHER,
  scheduler: withMethods<Scheduler>('a Scheduler', ['setup', 'onTrialAdd', 'onTrialResult', 'onTrialComplete']).withDefault(
    computed('`new FIFOScheduler()`', () => new FIFOScheduler()),
  ),
  numSamples: integer({ min: 1 }).withDefault(10),
  concurrency: integer({ min: 1 }).withDefault(computed("the machine's available cores", availableParallelism)),
  data: satisfying<unknown>('typed arrays, number arrays, matrices and plain objects of them', () => true),
  trackers: arrayOf(
    satisfying<Tracker>('an object with tracker hooks', (value) => typeof value === 'object' && value !== null),
    { rule: 'an array of trackers' },
  ).withDeferredDefault('a ConsoleReporter'),
  storageDir: STORAGE_DIR.withDefault('runs'),
  seed: RANDOM_SEED,
  reproducible: boolean().withDefault(false),
  stop: STOP_CRITERIA,
  maxFailures: integer({ min: 0 }).withDefault(0),
  failFast: boolean().withDefault(false),
  signal: satisfying<AbortSignal>('an AbortSignal', (value) => value instanceof AbortSignal),
  maxHeapMb: integer({ min: 16 }).withDeferredDefault(
    "half the machine's memory (or the container's cgroup limit, if lower) divided by `concurrency`, between 256 and 2048 MB",
  ),
  trialTimeoutS: TIMER_S,
  metricCheck: oneOf<MetricCheck>(['error', 'warn']).withDefault('error'),
  logger: LOGGER.withDeferredDefault('a logger to stderr at `logLevel`'),
  logLevel: LOG_LEVEL.withDeferredDefault("`HYPERPOOL_LOG_LEVEL`, else `'info'`"),
  stopGraceMs: TIMER_MS.withDefault(5000),
  handleSignals: boolean().withDefault(true),
  trialOutput: oneOf(TRIAL_OUTPUT_MODES).withDefault('file'),
  executor: withMethods<ExecutorFactory>('an executor such as new RedisExecutor(...)', ['open']).withDeferredDefault(
    'the local pool of `concurrency` worker threads',
  ),
} satisfies SchemaOf<TunerOptions>)

/** The trainable as a file URL string, checking that the file exists. */
function resolveTrainable(trainable: unknown, at: Place): string {
  let url: URL
  if (trainable instanceof URL) url = trainable
  else if (typeof trainable === 'string' && trainable.startsWith('file:')) url = new URL(trainable)
  else if (typeof trainable === 'string' && trainable.length > 0) {
    url = pathToFileURL(isAbsolute(trainable) ? trainable : resolve(trainable))
  } else {
    throw invalid(at, 'a file URL or a path to a module', trainable)
  }
  if (url.protocol !== 'file:') throw invalid(at, 'a file: URL', url.href)
  const path = fileURLToPath(url)
  if (!existsSync(path)) throw problemAt(at, `no such file ${path}`)
  if (!statSync(path).isFile()) throw problemAt(at, `must be a module file, got ${path}, which is not a file`)
  return url.href
}

/** The default experiment name, from the start time: `hyperpool_2026-11-27_14-03-09`. */
function defaultName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
  return `hyperpool_${date}_${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`
}

/** A folder name that stays inside `storageDir`. */
function isName(name: string): boolean {
  return /^[\w.-]+$/.test(name) && name !== '.' && name !== '..'
}
