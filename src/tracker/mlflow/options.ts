import type { Logger } from '../../logger.ts'
import { createLogger, LOGGER } from '../../logger.ts'
import {
  boolean,
  check,
  computed,
  custom,
  defineOptions,
  func,
  invalid,
  nested,
  number,
  optionAt,
  Place,
  problemAt,
  recordOf,
  type SchemaOf,
  TRACKER_WAIT_MS,
  text,
} from '../../options/index.ts'
import { DEFAULT_PARAM_VALUE_BYTES } from './batch.ts'

/**
 * Backoff between retries: `baseDelayMs * 2^(n-1)`, at most `maxDelayMs`,
 * times a jitter in [0.5, 1); at most 1 s while flushing.
 *
 * @example
 * ```ts
 * const retry: MLflowRetryOptions = { baseDelayMs: 200, maxDelayMs: 5000 }
 * ```
 */
export interface MLflowRetryOptions {
  /**
   * The first wait, ms, at least 1.
   * @default 500
   */
  baseDelayMs?: number
  /**
   * The longest wait, ms, at least `baseDelayMs`.
   * @default 30000, or `baseDelayMs` when larger
   */
  maxDelayMs?: number
}

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
  /**
   * The tracking server, `http(s)://host:port` (a path prefix is kept; no query or fragment).
   * @default `MLFLOW_TRACKING_URI`
   */
  trackingUri?: string
  /**
   * Bearer token; without one, `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` give basic auth.
   * @default `MLFLOW_TRACKING_TOKEN`
   */
  token?: string
  /**
   * The MLflow experiment, found or created by name.
   * @default `MLFLOW_EXPERIMENT_NAME`, else the hyperpool experiment's name
   */
  experimentName?: string
  /** Extra tags on the parent run. */
  tags?: Readonly<Record<string, string>>
  /**
   * Most metrics, params and tags waiting to be sent; beyond it new ones are dropped and counted.
   * @default 100000
   */
  maxBufferedItems?: number
  /**
   * Longest wait at the experiment's end for what is left to send, ms, in [0, 30,000): the Tuner waits 30 s for all trackers.
   * @default 20000
   */
  flushTimeoutMs?: number
  /**
   * Time limit of one request, ms.
   * @default 10000
   */
  requestTimeoutMs?: number
  /** Backoff between retries (see {@link MLflowRetryOptions}). */
  retry?: MLflowRetryOptions
  /**
   * Longest param value, UTF-8 bytes; longer values are cut and end in `...`. 500 is what every
   * MLflow server takes; servers since 2.x take 6000.
   * @default 500
   */
  maxParamValueLength?: number
  /**
   * Leave NaN and ±Infinity metric values out instead of sending them as `"NaN"`/`"Infinity"`.
   * @default false
   */
  skipNonFinite?: boolean
  /**
   * Where the warning about undelivered data goes.
   * @default a logger at `HYPERPOOL_LOG_LEVEL`
   */
  logger?: Logger
  /**
   * Random numbers in [0, 1) for the backoff jitter.
   * @default `Math.random`
   */
  random?: () => number
  /**
   * The fetch to use.
   * @default Node's global `fetch`
   */
  fetch?: typeof fetch
}

/** An http(s) URL a REST path can be appended to. */
const TRACKING_URI = custom<string>('an http(s) URL without query or fragment (the API path is appended to it)', (value, at) => {
  let parsed: URL | undefined
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    parsed = undefined
  }
  const http = parsed !== undefined && (parsed.protocol === 'http:' || parsed.protocol === 'https:')
  if (typeof value !== 'string' || !http || value.includes('?') || value.includes('#')) {
    throw invalid(at, 'an http(s) URL without query or fragment (the API path is appended to it)', value)
  }
  return value.replace(/\/+$/, '')
})

/** Every option of {@link MLflowTracker}: kinds, ranges and defaults. */
export const MLFLOW_OPTIONS = defineOptions('MLflowTracker', {
  trackingUri: TRACKING_URI.withDeferredDefault('`MLFLOW_TRACKING_URI`'),
  token: text({ empty: true }).withDeferredDefault('`MLFLOW_TRACKING_TOKEN`'),
  experimentName: text({ test: (name) => name.trim() !== '' }).withDeferredDefault(
    "`MLFLOW_EXPERIMENT_NAME`, else the hyperpool experiment's name",
  ),
  tags: recordOf(text({ empty: true }), 'a plain object of string values'),
  maxBufferedItems: number({ min: 1 }).withDefault(100_000),
  flushTimeoutMs: number({
    min: 0,
    below: TRACKER_WAIT_MS,
    rule: `a number in [0, ${TRACKER_WAIT_MS}) (the Tuner waits ${TRACKER_WAIT_MS / 1000} s for all trackers at the experiment's end; the tracker must finish and warn before that)`,
  }).withDefault(20_000),
  requestTimeoutMs: number({ min: 1 }).withDefault(10_000),
  retry: nested({
    baseDelayMs: number({ min: 1 }).withDefault(500),
    maxDelayMs: number({ min: 1 }).withDeferredDefault('30000, or `baseDelayMs` when larger'),
  } satisfies SchemaOf<MLflowRetryOptions>),
  maxParamValueLength: number({ min: 16 }).withDefault(DEFAULT_PARAM_VALUE_BYTES),
  skipNonFinite: boolean().withDefault(false),
  logger: LOGGER.withDefault(computed('a logger at `HYPERPOOL_LOG_LEVEL`', () => createLogger())),
  random: func<() => number>().withDefault(computed('`Math.random`', () => Math.random)),
  fetch: func<typeof fetch>().withDefault(computed("Node's global `fetch`", () => fetch)),
} satisfies SchemaOf<MLflowTrackerOptions>)

/** The options in force: every one checked, the environment and the defaults filled in. */
export interface ResolvedMLflowOptions {
  readonly trackingUri: string
  readonly token: string | undefined
  readonly experimentName: string | undefined
  readonly tags: Readonly<Record<string, string>>
  readonly maxBufferedItems: number
  readonly flushTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxParamBytes: number
  readonly skipNonFinite: boolean
  readonly logger: Logger
  readonly random: () => number
  readonly fetch: typeof fetch
}

/**
 * Checks every option (a ConfigError names the option, the rule and the value) and fills in the
 * defaults, the tracking server and the token from the environment when not given.
 *
 * @example
 * ```ts
 * resolveOptions({ trackingUri: 'http://127.0.0.1:5000/' }).trackingUri // 'http://127.0.0.1:5000'
 * ```
 */
export function resolveOptions(options: unknown): ResolvedMLflowOptions {
  const o = MLFLOW_OPTIONS.read(options)
  const { baseDelayMs } = o.retry
  const maxDelayMs = o.retry.maxDelayMs ?? Math.max(30_000, baseDelayMs)
  if (maxDelayMs < baseDelayMs) {
    throw invalid(optionAt('MLflowTracker', 'retry.maxDelayMs'), `a finite number >= retry.baseDelayMs (${baseDelayMs})`, maxDelayMs)
  }
  return {
    trackingUri: o.trackingUri ?? trackingUriFromEnvironment(),
    token: o.token ?? process.env.MLFLOW_TRACKING_TOKEN,
    experimentName: o.experimentName,
    tags: o.tags ?? {},
    maxBufferedItems: o.maxBufferedItems,
    flushTimeoutMs: o.flushTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs,
    baseDelayMs,
    maxDelayMs,
    maxParamBytes: o.maxParamValueLength,
    skipNonFinite: o.skipNonFinite,
    logger: o.logger,
    random: o.random,
    fetch: o.fetch,
  }
}

/** The tracking server from `MLFLOW_TRACKING_URI`, checked like the option; an error says how to give one. */
function trackingUriFromEnvironment(): string {
  const uri = process.env.MLFLOW_TRACKING_URI
  if (uri === undefined || uri === '') {
    throw problemAt(
      optionAt('MLflowTracker', 'trackingUri'),
      'no tracking server given; pass trackingUri or set MLFLOW_TRACKING_URI, e.g. http://127.0.0.1:5000',
    )
  }
  return check(TRACKING_URI.required(), uri, new Place('', 'MLFLOW_TRACKING_URI'))
}
