import { ConfigError, show } from '../../errors.ts'
import { rejectUnknownKeys } from '../../known-keys.ts'
import { checkLogger, type Logger } from '../../logger.ts'
import { isPlainObject } from '../../search/json.ts'
import { DEFAULT_PARAM_VALUE_BYTES } from './batch.ts'

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

/** Every option name; `satisfies` keeps the list in step with {@link MLflowTrackerOptions}. */
const OPTIONS = Object.keys({
  trackingUri: true,
  token: true,
  experimentName: true,
  tags: true,
  maxBufferedItems: true,
  flushTimeoutMs: true,
  requestTimeoutMs: true,
  retry: true,
  maxParamValueLength: true,
  skipNonFinite: true,
  logger: true,
  random: true,
  fetch: true,
} satisfies Record<keyof MLflowTrackerOptions, true>)

/** How long the Tuner waits for all trackers at the experiment's end (`flushTimeoutMs` must stay below it). */
const TUNER_TRACKER_WAIT_MS = 30_000

/** The options that shape the tracker's behaviour, checked and defaulted. */
export interface ResolvedMLflowOptions {
  readonly trackingUri: string
  readonly maxBufferedItems: number
  readonly flushTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxParamBytes: number
}

/** Checks every option (a ConfigError names the option, the rule and the value) and fills in the defaults. */
export function resolveOptions(options: MLflowTrackerOptions): ResolvedMLflowOptions {
  rejectUnknownKeys('MLflowTracker', options, OPTIONS)
  const uri = trackingUri(options.trackingUri)
  const maxBufferedItems = count(options.maxBufferedItems ?? 100_000, 'maxBufferedItems', 1)
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
  const requestTimeoutMs = count(options.requestTimeoutMs ?? 10_000, 'requestTimeoutMs', 1)
  const retry = options.retry
  if (retry !== undefined && !isPlainObject(retry)) {
    throw new ConfigError(`MLflowTracker(options.retry): must be an object { baseDelayMs?, maxDelayMs? }, got ${show(retry)}`, {
      field: 'retry',
    })
  }
  const baseDelayMs = count(retry?.baseDelayMs ?? 500, 'retry.baseDelayMs', 1)
  const maxDelayMs = retry?.maxDelayMs ?? Math.max(30_000, baseDelayMs)
  if (typeof maxDelayMs !== 'number' || !Number.isFinite(maxDelayMs) || maxDelayMs < baseDelayMs) {
    throw new ConfigError(
      `MLflowTracker(options.retry.maxDelayMs): must be a finite number >= retry.baseDelayMs (${baseDelayMs}), got ${show(maxDelayMs)}`,
      { field: 'retry.maxDelayMs' },
    )
  }
  const maxParamBytes = count(options.maxParamValueLength ?? DEFAULT_PARAM_VALUE_BYTES, 'maxParamValueLength', 16)
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
  if (logger !== undefined) checkLogger(logger, 'logger', 'MLflowTracker(options.logger)')
  for (const field of ['random', 'fetch'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') {
      throw new ConfigError(`MLflowTracker(options.${field}): must be a function, got ${show(options[field])}`, { field })
    }
  }
  return { trackingUri: uri, maxBufferedItems, flushTimeoutMs, requestTimeoutMs, baseDelayMs, maxDelayMs, maxParamBytes }
}

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

function count(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`MLflowTracker(options.${field}): must be a finite number >= ${min}, got ${show(value)}`, { field })
  }
  return value
}
