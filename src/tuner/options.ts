import { existsSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ConfigError, show } from '../errors.ts'
import type { Logger, LogLevel } from '../logger.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import type { Searcher } from '../search/searcher.ts'
import type { Space } from '../search/space.ts'
import type { Tracker } from '../tracker/tracker.ts'
import type { Mode } from '../types.ts'
import type { StopCriteria } from './stop.ts'

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
 */
export interface TunerOptions<S extends Space = Space, D = unknown> {
  /** The experiment's name: its folder under `storageDir`. Default: `hyperpool_<date>_<time>`. */
  readonly name?: string
  /** The module whose default export trains one config: a file URL, or a path (relative to the working directory). */
  readonly trainable: URL | string
  /** The search space; trials receive `ConfigOf<typeof space>`. */
  readonly space: S
  /** The metric the trainable reports and `best()`, searchers and schedulers optimise. */
  readonly metric: string
  /** Whether lower (`'min'`, default) or higher (`'max'`) `metric` is better. */
  readonly mode?: Mode
  /** Proposes configs. Default: `new RandomSearch()`. */
  readonly search?: Searcher
  /** Stops bad trials early. Default: `new FIFOScheduler()`. */
  readonly scheduler?: Scheduler
  /** Trials to run (for grid search: repeats of the whole grid). Default 10. */
  readonly numSamples?: number
  /** Trials at once, one worker thread each. Default: the machine's available cores. */
  readonly concurrency?: number
  /** Typed arrays, number arrays and matrices, placed once in shared memory; trials read `ctx.data`. */
  readonly data?: D
  /** Where results go. Default: a ConsoleReporter and a JsonlTracker in `<storageDir>/<name>`; `[]` for none. */
  readonly trackers?: readonly Tracker[]
  /** Where experiments live: `<storageDir>/<name>` holds the default JsonlTracker's file and the checkpoints. Default `runs`. */
  readonly storageDir?: string
  /** The experiment seed: the same seed gives the same trials. Default: drawn at random and recorded. */
  readonly seed?: number
  /**
   * The same seed and concurrency give the same trials whatever the timing, with any searcher (TPE
   * included): trial k is proposed once trials 0..k-concurrency have ended, and the searcher has been
   * told exactly those; the later ones count as running. Set `concurrency` too: it is part of what
   * repeats, and its default is the machine's core count. With ASHAScheduler or MedianStoppingRule
   * (counting in `training_iteration`) a report is also judged only once the trials before it have
   * made theirs, so early stops repeat too; HyperBand and PBT, which resume paused trials as workers
   * free up, are refused. Threads may wait behind slower trials. A time budget or an abort still
   * ends the run when it happens. Default false: every result is used as soon as it arrives.
   *
   * @example
   * ```ts
   * new Tuner({ ...options, search: new TPESearch(), concurrency: 8, seed: 42, reproducible: true })
   * ```
   */
  readonly reproducible?: boolean
  /** Per-trial and experiment stop criteria. */
  readonly stop?: StopCriteria
  /** How many times a failed trial is retried from scratch before it counts as errored. Default 0. */
  readonly maxFailures?: number
  /**
   * End the experiment as soon as a trial errors for good (after its retries): running trials are
   * stopped, every result kept. For a first run of new training code, where a bug fails every trial
   * alike. Default false: errored trials are recorded and the experiment goes on.
   */
  readonly failFast?: boolean
  /** Aborting it ends the experiment cleanly: running trials are stopped, finished results kept. */
  readonly signal?: AbortSignal
  /**
   * Heap cap per worker thread in MB; a trial above it errors ("ran out of its N MB heap") instead of
   * taking the process down. Off-heap memory (typed arrays' buffers) is not counted.
   *
   * @default half the machine's memory (or the container's cgroup limit, if lower) divided by `concurrency`, between 256 and 2048 MB (see `defaultHeapMb`)
   */
  readonly maxHeapMb?: number
  /**
   * Wall-clock limit of one run of a trial, in seconds: a trial still running after it (a busy loop, a
   * promise that never settles) has its thread ended and replaced, and errors with "exceeded N s"; it is
   * retried under `maxFailures`. Counted per run, from when the trainable starts: a paused trial's
   * clock starts again when it resumes, and a retry gets the full limit. Not counted: a fresh thread's
   * start and the module's import (bounded apart, by the limit or 60 s, whichever is longer), and the
   * time a report waits for its turn under `reproducible`.
   *
   * @default undefined (no limit)
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
   *
   * @default 'error'
   */
  readonly metricCheck?: MetricCheck
  /** Where hyperpool logs; default: stderr at `logLevel`. */
  readonly logger?: Logger
  /** Log level of the default logger; default from `HYPERPOOL_LOG_LEVEL`, else `info`. */
  readonly logLevel?: LogLevel
  /** How long stopped trials get to reach their next report before their thread is ended, ms. Default 5000. */
  readonly stopGraceMs?: number
}

/** Every option name a Tuner knows; `satisfies` keeps the list in step with {@link TunerOptions}. */
export const TUNER_OPTIONS = Object.keys({
  name: true,
  trainable: true,
  space: true,
  metric: true,
  mode: true,
  search: true,
  scheduler: true,
  numSamples: true,
  concurrency: true,
  data: true,
  trackers: true,
  storageDir: true,
  seed: true,
  reproducible: true,
  stop: true,
  maxFailures: true,
  failFast: true,
  signal: true,
  maxHeapMb: true,
  trialTimeoutS: true,
  metricCheck: true,
  logger: true,
  logLevel: true,
  stopGraceMs: true,
} satisfies Record<keyof TunerOptions, true>)

/** An optional flag: a boolean, false when absent. */
export function booleanOption(value: unknown, field: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new ConfigError(`${field}: must be a boolean, got ${show(value)}`, { field })
  return value
}

export function positiveInteger(value: unknown, field: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(`${field}: must be an integer >= ${min}, got ${show(value)}`, { field })
  }
  return value
}

/** The longest delay setTimeout honours (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** A duration in seconds that a timer can wait: a finite number > 0, at most {@link MAX_TIMER_MS} / 1000. */
export function timerSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${field}: must be a finite number > 0, got ${show(value)}`, { field })
  }
  if (value * 1000 > MAX_TIMER_MS) {
    throw new ConfigError(`${field}: must be at most ${MAX_TIMER_MS / 1000} s (about 24.8 days), got ${value}`, { field })
  }
  return value
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

/** The `metricCheck` option, checked. */
export function validateMetricCheck(value: unknown): MetricCheck {
  if (value !== 'error' && value !== 'warn') {
    throw new ConfigError(`metricCheck: must be "error" or "warn", got ${show(value)}`, { field: 'metricCheck' })
  }
  return value
}

/** A delay in ms: an integer from 0 to {@link MAX_TIMER_MS}. */
export function timerMs(value: unknown, field: string): number {
  const ms = positiveInteger(value, field, 0)
  if (ms > MAX_TIMER_MS) throw new ConfigError(`${field}: must be at most ${MAX_TIMER_MS} ms (about 24.8 days), got ${ms}`, { field })
  return ms
}

export function validateMode(mode: unknown): Mode {
  if (mode !== 'min' && mode !== 'max') throw new ConfigError(`mode: must be "min" or "max", got ${show(mode)}`, { field: 'mode' })
  return mode
}

export function defaultConcurrency(): number {
  return availableParallelism()
}

/** Resolves the trainable to a file URL string, checking that the file exists. */
export function resolveTrainable(trainable: unknown): string {
  let url: URL
  if (trainable instanceof URL) url = trainable
  else if (typeof trainable === 'string' && trainable.startsWith('file:')) url = new URL(trainable)
  else if (typeof trainable === 'string' && trainable.length > 0) {
    url = pathToFileURL(isAbsolute(trainable) ? trainable : resolve(trainable))
  } else {
    throw new ConfigError(`trainable: must be a file URL or a path to a module, got ${show(trainable)}`, { field: 'trainable' })
  }
  if (url.protocol !== 'file:') throw new ConfigError(`trainable: must be a file: URL, got ${url.href}`, { field: 'trainable' })
  const path = fileURLToPath(url)
  if (!existsSync(path)) throw new ConfigError(`trainable: no such file ${path}`, { field: 'trainable' })
  if (!statSync(path).isFile())
    throw new ConfigError(`trainable: must be a module file, got ${path}, which is not a file`, { field: 'trainable' })
  return url.href
}

/** The default experiment name, from the start time: `hyperpool_2026-11-27_14-03-09`. */
export function defaultName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
  return `hyperpool_${date}_${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`
}

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || name === '.' || name === '..') {
    throw new ConfigError(`name: must be letters, digits, '_', '-' or '.', got ${show(name)}`, { field: 'name' })
  }
  return name
}

/** Checks that a plugin (searcher, scheduler) has every method the Tuner calls, naming the missing ones. */
export function checkPlugin(plugin: unknown, field: string, methods: readonly string[]): void {
  if (plugin === undefined) return
  const missing = methods.filter((m) => typeof (plugin as Record<string, unknown> | null)?.[m] !== 'function')
  if (missing.length > 0) {
    throw new ConfigError(`${field}: must implement ${methods.join(', ')}; missing ${missing.join(', ')} on ${show(plugin)}`, { field })
  }
}
