import { userInfo } from 'node:os'
import { ConfigError, show } from '../errors.ts'
import { flattenConfig } from '../search/flatten.ts'
import type { Result, TrialInfo } from '../types.ts'
import { BestOfLast } from './best-of-last.ts'
import { createLogger, type Logger } from './logger.ts'
import {
  DEFAULT_PARAM_VALUE_BYTES,
  MAX_TAG_VALUE_BYTES,
  type MlflowKeyValue,
  type MlflowMetric,
  metricValue,
  mlflowKey,
  paramValue,
  truncateUtf8,
  uniqueKey,
} from './mlflow-batch.ts'
import { MlflowHttp } from './mlflow-http.ts'
import type { RunStatus } from './mlflow-run.ts'
import { MlflowSession, type ParamItem } from './mlflow-session.ts'
import type { ExperimentInfo, ExperimentSummary, Tracker } from './tracker.ts'
import { scalarMetrics, trialName } from './trial-metrics.ts'

/**
 * Options of {@link MLflowTracker}. Everything is optional when
 * `MLFLOW_TRACKING_URI` is set.
 *
 * @example
 * ```ts
 * const options: MLflowTrackerOptions = { trackingUri: 'http://127.0.0.1:5000', experimentName: 'iris-forest' }
 * ```
 */
export interface MLflowTrackerOptions {
  /** The tracking server, `http(s)://host:port` (a path prefix is kept; no query or fragment). Default: `MLFLOW_TRACKING_URI`. */
  trackingUri?: string
  /**
   * Bearer token. Default: `MLFLOW_TRACKING_TOKEN`; without one,
   * `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` give basic auth.
   */
  token?: string
  /** The MLflow experiment, found or created by name. Default: `MLFLOW_EXPERIMENT_NAME`, else the hyperpool experiment's name. */
  experimentName?: string
  /** Extra tags on the parent run. */
  tags?: Readonly<Record<string, string>>
  /** Most metrics, params and tags waiting to be sent; beyond it new ones are dropped and counted. Default 100,000. */
  maxBufferedItems?: number
  /** Longest wait at the experiment's end for what is left to send, ms, in [0, 30,000). Default 20,000 (the Tuner waits 30 s for all trackers). */
  flushTimeoutMs?: number
  /** Time limit of one request, ms. Default 10,000. */
  requestTimeoutMs?: number
  /**
   * Backoff between retries: `baseDelayMs * 2^(n-1)`, at most `maxDelayMs`, times a jitter in [0.5, 1);
   * at most 1 s while flushing. Defaults 500 and 30,000 ms (`baseDelayMs` >= 1, `maxDelayMs` >= `baseDelayMs`).
   */
  retry?: { baseDelayMs?: number; maxDelayMs?: number }
  /**
   * Longest param value, UTF-8 bytes; longer values are cut and end in `...`.
   * Default 500, which every MLflow server takes; servers since 2.x take 6000.
   */
  maxParamValueLength?: number
  /** Leave NaN and ±Infinity metric values out instead of sending them as `"NaN"`/`"Infinity"`. Default false. */
  skipNonFinite?: boolean
  /** Where the warning about undelivered data goes. Default: a logger at `HYPERPOOL_LOG_LEVEL`. */
  logger?: Logger
  /** Random numbers in [0, 1) for the backoff jitter. Default `Math.random`. */
  random?: () => number
  /** The fetch to use. Default: Node's global `fetch`. */
  fetch?: typeof fetch
}

/** What each trial state becomes as an MLflow run status. */
const STATUS: Readonly<Record<string, RunStatus>> = { completed: 'FINISHED', stopped: 'KILLED', errored: 'FAILED' }

/** How long the Tuner waits for all trackers at the experiment's end (`flushTimeoutMs` must stay below it). */
const TUNER_TRACKER_WAIT_MS = 30_000

/**
 * Logs an experiment to an MLflow tracking server through its REST API
 * (`/api/2.0/mlflow/`, Node's fetch, no client package): the MLflow
 * experiment is found or created by name; the tuning experiment is a parent
 * run named after it; each trial is a child run (`mlflow.parentRunId`) named
 * `trial_0003`, with the flattened config as params, every numeric metric of
 * every report at step `training_iteration` with the time it arrived, and
 * its end as the run status: FINISHED (completed), KILLED (stopped) or
 * FAILED (errored, with the error in the tag `hyperpool.error`). A retried
 * trial goes on in its run, with the tag `hyperpool.attempt` telling the
 * attempts apart.
 *
 * Hooks never wait for the network: they queue, and one background sender
 * posts `runs/log-batch` requests within MLflow's limits (1,000 metrics,
 * 100 params, 100 tags, 1 MB). A slow, failing or down server is retried
 * with backoff while the experiment runs, with at most `maxBufferedItems`
 * waiting; `onExperimentEnd` sends the rest, waits at most
 * `flushTimeoutMs`, and warns once with what was not delivered. The
 * experiment never fails because of the server.
 *
 * @example
 * ```ts
 * // MLFLOW_TRACKING_URI=http://127.0.0.1:5000
 * new Tuner({ ...options, trackers: [new MLflowTracker({ experimentName: 'iris' })] })
 * ```
 */
export class MLflowTracker implements Tracker {
  /** The server the tracker sends to. */
  readonly trackingUri: string
  readonly #options: MLflowTrackerOptions
  readonly #http: MlflowHttp
  readonly #logger: Logger
  readonly #maxBufferedItems: number
  readonly #flushTimeoutMs: number
  readonly #baseDelayMs: number
  readonly #maxDelayMs: number
  readonly #maxParamBytes: number
  #session: MlflowSession | undefined
  #best = new BestOfLast('', 'min')
  /** The config last logged per trial, to tag a trial whose config changed when it resumed. */
  readonly #configs = new Map<number, string>()
  /** The attempt last tagged per trial. */
  readonly #attempts = new Map<number, number>()
  /** The MLflow name of each metric key, and the key that owns each name: keys that clean alike get `_2`, `_3`... */
  readonly #metricNames = new Map<string, string>()
  readonly #metricOwners = new Map<string, string>()

  constructor(options: MLflowTrackerOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ConfigError(`MLflowTracker(options): must be an object, got ${show(options)}`, { field: 'options' })
    }
    this.trackingUri = trackingUri(options.trackingUri)
    this.#maxBufferedItems = count(options.maxBufferedItems ?? 100_000, 'maxBufferedItems', 1)
    const flushTimeoutMs = options.flushTimeoutMs ?? 20_000
    if (
      typeof flushTimeoutMs !== 'number' ||
      !Number.isFinite(flushTimeoutMs) ||
      flushTimeoutMs < 0 ||
      flushTimeoutMs >= TUNER_TRACKER_WAIT_MS
    ) {
      throw new ConfigError(
        `MLflowTracker(options.flushTimeoutMs): must be a finite number >= 0 and < ${TUNER_TRACKER_WAIT_MS} (the Tuner waits ${TUNER_TRACKER_WAIT_MS / 1000} s for all trackers at the experiment's end; the tracker must finish and warn before that), got ${show(flushTimeoutMs)}`,
        { field: 'flushTimeoutMs' },
      )
    }
    this.#flushTimeoutMs = flushTimeoutMs
    const requestTimeoutMs = count(options.requestTimeoutMs ?? 10_000, 'requestTimeoutMs', 1)
    const retry = options.retry
    if (retry !== undefined && !isPlainObject(retry)) {
      throw new ConfigError(`MLflowTracker(options.retry): must be an object { baseDelayMs?, maxDelayMs? }, got ${show(retry)}`, {
        field: 'retry',
      })
    }
    this.#baseDelayMs = count(retry?.baseDelayMs ?? 500, 'retry.baseDelayMs', 1)
    const maxDelayMs = retry?.maxDelayMs ?? Math.max(30_000, this.#baseDelayMs)
    if (typeof maxDelayMs !== 'number' || !Number.isFinite(maxDelayMs) || maxDelayMs < this.#baseDelayMs) {
      throw new ConfigError(
        `MLflowTracker(options.retry.maxDelayMs): must be a finite number >= retry.baseDelayMs (${this.#baseDelayMs}), got ${show(maxDelayMs)}`,
        { field: 'retry.maxDelayMs' },
      )
    }
    this.#maxDelayMs = maxDelayMs
    this.#maxParamBytes = count(options.maxParamValueLength ?? DEFAULT_PARAM_VALUE_BYTES, 'maxParamValueLength', 16)
    const { experimentName, tags, token, skipNonFinite, logger } = options
    if (experimentName !== undefined && (typeof experimentName !== 'string' || experimentName.trim() === '')) {
      throw new ConfigError(`MLflowTracker(options.experimentName): must be a non-empty string, got ${show(experimentName)}`, {
        field: 'experimentName',
      })
    }
    if (tags !== undefined) {
      if (!isPlainObject(tags)) {
        throw new ConfigError(`MLflowTracker(options.tags): must be a plain object of string values, got ${show(tags)}`, { field: 'tags' })
      }
      for (const [key, value] of Object.entries(tags)) {
        if (typeof value !== 'string') {
          throw new ConfigError(`MLflowTracker(options.tags[${JSON.stringify(key)}]): must be a string, got ${show(value)}`, {
            field: `tags.${key}`,
          })
        }
      }
    }
    if (token !== undefined && typeof token !== 'string') {
      throw new ConfigError(`MLflowTracker(options.token): must be a string, got ${show(token)}`, { field: 'token' })
    }
    if (skipNonFinite !== undefined && typeof skipNonFinite !== 'boolean') {
      throw new ConfigError(`MLflowTracker(options.skipNonFinite): must be a boolean, got ${show(skipNonFinite)}`, {
        field: 'skipNonFinite',
      })
    }
    if (logger !== undefined) {
      const methods = logger as unknown as Record<string, unknown> | null
      const missing =
        methods === null || typeof methods !== 'object' ? LOGGER_METHODS : LOGGER_METHODS.filter((m) => typeof methods[m] !== 'function')
      if (missing.length > 0) {
        throw new ConfigError(
          `MLflowTracker(options.logger): must be a Logger with debug, info, warn and error functions, got ${show(logger)} (missing ${missing.join(', ')})`,
          { field: 'logger' },
        )
      }
    }
    for (const field of ['random', 'fetch'] as const) {
      if (options[field] !== undefined && typeof options[field] !== 'function') {
        throw new ConfigError(`MLflowTracker(options.${field}): must be a function, got ${show(options[field])}`, { field })
      }
    }
    this.#options = options
    this.#logger = options.logger ?? createLogger()
    this.#http = new MlflowHttp({
      uri: this.trackingUri,
      token: options.token ?? process.env.MLFLOW_TRACKING_TOKEN,
      username: process.env.MLFLOW_TRACKING_USERNAME,
      password: process.env.MLFLOW_TRACKING_PASSWORD,
      requestTimeoutMs,
      fetch: options.fetch ?? fetch,
    })
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    this.#best = new BestOfLast(experiment.metric, experiment.mode)
    this.#configs.clear()
    this.#attempts.clear()
    this.#metricNames.clear()
    this.#metricOwners.clear()
    const experimentName = this.#options.experimentName ?? (process.env.MLFLOW_EXPERIMENT_NAME || experiment.name)
    const tags: MlflowKeyValue[] = [
      tag('mlflow.runName', experiment.name),
      tag('mlflow.user', currentUser()),
      tag('mlflow.source.name', 'hyperpool'),
      tag('hyperpool.space', JSON.stringify(experiment.space) ?? ''),
      tag('hyperpool.started_at', experiment.startedAt),
    ]
    // Your tags replace built-in ones of the same key; of two of yours that clean to one key, the first is kept.
    const yours = new Map<string, string>()
    for (const [key, value] of Object.entries(this.#options.tags ?? {})) {
      const clean = mlflowKey(key)
      const first = yours.get(clean)
      if (first !== undefined) {
        this.#logger.warn(
          `MLflowTracker: tags ${JSON.stringify(first)} and ${JSON.stringify(key)} both become the MLflow tag ${JSON.stringify(clean)}; only ${JSON.stringify(first)} is logged`,
        )
        continue
      }
      yours.set(clean, key)
      const index = tags.findIndex((t) => t.key === clean)
      if (index >= 0) tags.splice(index, 1)
      tags.push(tag(clean, String(value)))
    }
    const session = new MlflowSession(
      {
        http: this.#http,
        uri: this.trackingUri,
        experimentName,
        maxBufferedItems: this.#maxBufferedItems,
        baseDelayMs: this.#baseDelayMs,
        maxDelayMs: this.#maxDelayMs,
        random: this.#options.random ?? Math.random,
        logger: this.#logger,
      },
      experiment.name,
      tags,
      Date.now(),
    )
    this.#session = session
    const settings: Record<string, unknown> = {
      metric: experiment.metric,
      mode: experiment.mode,
      seed: experiment.seed,
      num_samples: experiment.numSamples,
      concurrency: experiment.concurrency,
      searcher: experiment.searcher,
      scheduler: experiment.scheduler,
    }
    session.addParams(session.parent, this.#params(settings))
    session.kick()
  }

  onTrialStart(trial: TrialInfo): void {
    const session = this.#session
    if (session === undefined) return
    const config = JSON.stringify(trial.config) ?? ''
    const attempt = trial.attempt ?? 1
    let run = session.run(trial.id)
    if (run === undefined) {
      run = session.addRun(trial.id, trialName(trial.id), Date.now(), [
        tag('mlflow.runName', trialName(trial.id)),
        tag('mlflow.user', currentUser()),
        tag('hyperpool.trial_id', String(trial.id)),
        tag('hyperpool.seed', String(trial.seed)),
        tag('hyperpool.attempt', String(attempt)),
      ])
      session.addParams(run, this.#params(flattenConfig(trial.config)))
    } else {
      if (this.#configs.get(trial.id) !== config) {
        // Params are write-once in MLflow: a config changed on resume (PBT) goes into a tag.
        session.addTags(run, [tag('hyperpool.config', config)])
      }
      if (this.#attempts.get(trial.id) !== attempt) {
        // A retried trial goes on in its run (MLflow cannot delete the failed attempt's points); the tag says which attempt logs now.
        session.addTags(run, [tag('hyperpool.attempt', String(attempt))])
        this.#best.forget(trial.id)
      }
    }
    this.#configs.set(trial.id, config)
    this.#attempts.set(trial.id, attempt)
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    const session = this.#session
    if (session === undefined) return
    this.#best.update(trial, result)
    if (session.run(trial.id) === undefined) this.onTrialStart(trial)
    const run = session.run(trial.id)
    if (run === undefined) return
    const timestamp = Date.now()
    const step = result.training_iteration
    const metrics: MlflowMetric[] = []
    for (const [key, value] of scalarMetrics(result)) {
      if (this.#options.skipNonFinite === true && !Number.isFinite(value)) continue
      metrics.push({ key: this.#metricKey(key), value: metricValue(value), timestamp, step })
    }
    session.addMetrics(run, metrics)
  }

  onTrialEnd(trial: TrialInfo): void {
    const session = this.#session
    const run = session?.run(trial.id)
    if (session === undefined || run === undefined) return
    // A paused trial resumes in the same run.
    const status = STATUS[trial.state]
    if (status === undefined) return
    if (trial.state === 'errored' && trial.error !== undefined) {
      session.addTags(run, [tag('hyperpool.error', `${trial.error.name}: ${trial.error.message}`)])
    }
    session.end(run, status, Date.now())
  }

  async onExperimentEnd(experiment: ExperimentInfo, summary: ExperimentSummary): Promise<void> {
    const session = this.#session
    if (session === undefined) return
    this.#session = undefined
    const now = Date.now()
    const leader = this.#best.get()
    const tags = [tag('hyperpool.trials', String(summary.trials)), tag('hyperpool.interrupted', String(summary.interrupted))]
    if (leader !== undefined) {
      tags.push(tag('hyperpool.best_trial', trialName(leader.trial.id)))
      session.addMetrics(session.parent, [
        { key: mlflowKey(`best_${experiment.metric}`), value: metricValue(leader.value), timestamp: now, step: 0 },
      ])
    }
    session.addMetrics(
      session.parent,
      Object.entries(summary.states).map(([state, n]) => ({ key: `trials_${state}`, value: n, timestamp: now, step: 0 })),
    )
    session.addTags(session.parent, tags)
    // Trials still open (paused when the experiment ended) are closed as killed.
    for (const id of this.#configs.keys()) {
      const run = session.run(id)
      if (run !== undefined) session.end(run, 'KILLED', now)
    }
    session.end(session.parent, summary.interrupted ? 'KILLED' : 'FINISHED', now)
    await session.flush(this.#flushTimeoutMs)
    const warning = session.report()
    if (warning !== undefined) this.#logger.warn(warning)
  }

  #params(values: Record<string, unknown>): ParamItem[] {
    return Object.entries(values).map(([key, value]) => ({
      key: mlflowKey(key),
      value: truncateUtf8(paramValue(value), this.#maxParamBytes),
      original: key,
    }))
  }

  /** The MLflow name of a metric key: cleaned, and made distinct (`_2`, `_3`...) from a different key that cleans alike; the first keeps the plain name. */
  #metricKey(key: string): string {
    const known = this.#metricNames.get(key)
    if (known !== undefined) return known
    const clean = mlflowKey(key)
    const name = uniqueKey(clean, new Set(this.#metricOwners.keys()))
    this.#metricNames.set(key, name)
    this.#metricOwners.set(name, key)
    if (name !== clean) {
      this.#logger.warn(
        `MLflowTracker: metric keys ${JSON.stringify(this.#metricOwners.get(clean))} and ${JSON.stringify(key)} both become ${JSON.stringify(clean)}; ${JSON.stringify(key)} is logged as ${JSON.stringify(name)}`,
      )
    }
    return name
  }
}

const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const

/** The tracking server's root from the option or `MLFLOW_TRACKING_URI`: an http(s) URL without query or fragment, trailing slashes cut. */
function trackingUri(option: unknown): string {
  const source = option !== undefined ? 'options.trackingUri' : 'MLFLOW_TRACKING_URI'
  const uri = option ?? process.env.MLFLOW_TRACKING_URI
  if (uri === undefined || uri === '') {
    throw new ConfigError(
      'MLflowTracker(options.trackingUri): no tracking server given; pass trackingUri or set MLFLOW_TRACKING_URI, e.g. http://127.0.0.1:5000',
      { field: 'trackingUri' },
    )
  }
  let parsed: URL | undefined
  try {
    parsed = typeof uri === 'string' ? new URL(uri) : undefined
  } catch {
    parsed = undefined
  }
  if (typeof uri !== 'string' || parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError(
      `MLflowTracker(options.trackingUri): must be an http(s) URL of a tracking server, got ${show(uri)} (from ${source})`,
      {
        field: 'trackingUri',
      },
    )
  }
  if (uri.includes('?') || uri.includes('#')) {
    throw new ConfigError(
      `MLflowTracker(options.trackingUri): must be an http(s) URL without query or fragment (the API path is appended to it), got ${show(uri)} (from ${source})`,
      { field: 'trackingUri' },
    )
  }
  return uri.replace(/\/+$/, '')
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function tag(key: string, value: string): MlflowKeyValue {
  return { key, value: truncateUtf8(value, MAX_TAG_VALUE_BYTES) }
}

function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}

function count(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`MLflowTracker(options.${field}): must be a finite number >= ${min}, got ${show(value)}`, { field })
  }
  return value
}
