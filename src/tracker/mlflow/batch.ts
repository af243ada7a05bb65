/**
 * What MLflow accepts, and how hyperpool's values are shaped to fit:
 * key names, value lengths, and `runs/log-batch` requests within its limits.
 */

/** A metric point as `runs/log-batch` takes it; a non-finite value goes as `"NaN"`, `"Infinity"` or `"-Infinity"`. */
export interface MlflowMetric {
  readonly key: string
  readonly value: number | string
  readonly timestamp: number
  readonly step: number
}

/** A param or a tag. */
export interface MlflowKeyValue {
  readonly key: string
  readonly value: string
}

/** Limits of one `runs/log-batch` request, from MLflow's REST API reference. */
export const BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  /** Metrics, params and tags together. */
  items: 1000,
  /** The JSON body, bytes. */
  bytes: 1_000_000,
} as const

/** Longest key (metric, param or tag name) every MLflow store takes. */
export const MAX_KEY_LENGTH = 250
/** Longest tag value every store takes, bytes (recent servers take 8000). */
export const MAX_TAG_VALUE_BYTES = 5000
/** Longest param value every server takes, bytes; MLflow >= 2.x takes 6000. */
export const DEFAULT_PARAM_VALUE_BYTES = 500

/**
 * `text` cut to at most `maxBytes` of UTF-8, never inside a character; a cut
 * value ends with `...` (within the limit).
 *
 * @example
 * ```ts
 * truncateUtf8('abcdef', 5) // 'ab...'
 * ```
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text
  const room = Math.max(0, maxBytes - 3)
  let bytes = 0
  let out = ''
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8')
    if (bytes + size > room) break
    bytes += size
    out += char
  }
  return `${out}...`
}

/**
 * `items` joined by `separator` within `maxBytes` of UTF-8: all of them when
 * they fit, else as many whole items as fit followed by `… and N more`, so a
 * list that is too long ends at an item's end, never inside a name (as
 * `truncateUtf8` would cut it).
 *
 * @example
 * ```ts
 * joinWithin(['trial_0000', 'trial_0001', 'trial_0002'], ',', 40) // 'trial_0000,trial_0001,trial_0002'
 * joinWithin(['trial_0000', 'trial_0001', 'trial_0002'], ',', 30) // 'trial_0000,… and 2 more'
 * ```
 */
export function joinWithin(items: readonly string[], separator: string, maxBytes: number): string {
  const whole = items.join(separator)
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes) return whole
  const separatorBytes = Buffer.byteLength(separator, 'utf8')
  // The marker shrinks as more items fit while the kept part grows, so every count is tried; the longest that fits wins.
  let fits = 0
  let kept = 0
  for (let k = 1; k < items.length; k++) {
    kept += Buffer.byteLength(items[k - 1] as string, 'utf8') + separatorBytes
    if (kept + Buffer.byteLength(moreMarker(items.length - k), 'utf8') <= maxBytes) fits = k
  }
  return [...items.slice(0, fits), moreMarker(items.length - fits)].join(separator)
}

/** What stands for the `n` items a joined list left out. */
function moreMarker(n: number): string {
  return `… and ${n} more`
}

/**
 * A key MLflow accepts: characters other than letters, digits, `_ - . /` and
 * space become `_`; empty, `.` and `..` path segments (which MLflow rejects)
 * become `_`; at most 250 characters, and a key cut to that length is cleaned
 * again (it never ends in `/` or in a `.` or `..` segment).
 *
 * @example
 * ```ts
 * mlflowKey('acc@top-1') // 'acc_top-1'
 * mlflowKey('val//loss') // 'val/_/loss'
 * ```
 */
export function mlflowKey(key: string): string {
  const clean = key
    .replace(/[^A-Za-z0-9_\-. /]/g, '_')
    .split('/')
    .map((segment) => (badSegment(segment) ? '_' : segment))
    .join('/')
  return cutKey(clean, MAX_KEY_LENGTH)
}

/**
 * A clean key made distinct from `taken` (keys already used for something
 * else): the key itself when free, else the key with `_2`, `_3`... (cut to
 * stay within 250 characters). Deterministic: the same keys in the same order
 * give the same names.
 *
 * @example
 * ```ts
 * uniqueKey('acc_1', new Set(['acc_1'])) // 'acc_1_2'
 * ```
 */
export function uniqueKey(key: string, taken: ReadonlySet<string>): string {
  if (!taken.has(key)) return key
  for (let n = 2; ; n++) {
    const suffix = `_${n}`
    const candidate = `${cutKey(key, MAX_KEY_LENGTH - suffix.length)}${suffix}`
    if (!taken.has(candidate)) return candidate
  }
}

function badSegment(segment: string | undefined): boolean {
  return segment === '' || segment === '.' || segment === '..'
}

/**
 * A clean key cut to `max` characters. Only the cut segment can turn bad
 * (empty, `.` or `..`: a prefix of `..x`, or nothing after a `/`); it is dropped.
 */
function cutKey(clean: string, max: number): string {
  if (clean.length <= max) return clean
  const segments = clean.slice(0, max).split('/')
  while (segments.length > 1 && badSegment(segments.at(-1))) segments.pop()
  const cut = segments.join('/')
  return badSegment(cut) ? '_' : cut
}

/**
 * A config value as a param value: strings as they are, numbers and booleans
 * as text, the rest as JSON.
 *
 * @example
 * ```ts
 * paramValue(0.1)      // '0.1'
 * paramValue([64, 32]) // '[64,32]'
 * ```
 */
export function paramValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === undefined) return 'undefined'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * A metric value for the JSON body: finite numbers as they are; NaN and
 * ±Infinity as the strings of the proto3 JSON mapping, which the MLflow
 * server parses back into doubles.
 *
 * @example
 * ```ts
 * metricValue(Number.NaN) // 'NaN'
 * ```
 */
export function metricValue(value: number): number | string {
  return Number.isFinite(value) ? value : String(value)
}

/** The pending items of one run, consumed from the front. */
export interface PendingItems {
  metrics: MlflowMetric[]
  params: MlflowKeyValue[]
  tags: MlflowKeyValue[]
}

/**
 * The next `runs/log-batch` body for `runId` from the front of `pending`,
 * within {@link BATCH_LIMITS} and at most `maxItems` items: params and tags first (fewer, and a run's
 * params are best in place before its metrics), then as many metrics as fit.
 * Returns the JSON text and how many of each it holds; the caller removes
 * them once they are delivered or given up.
 *
 * @example
 * ```ts
 * const { body, counts } = nextBatch('run-1', pending)
 * await http.post('runs/log-batch', body, signal)
 * ```
 */
export function nextBatch(
  runId: string,
  pending: Readonly<PendingItems>,
  maxItems = Number.POSITIVE_INFINITY,
): { body: string; counts: { metrics: number; params: number; tags: number } } {
  const cap = Math.max(1, Math.min(maxItems, BATCH_LIMITS.items))
  let params = Math.min(pending.params.length, BATCH_LIMITS.params, cap)
  let tags = Math.min(pending.tags.length, BATCH_LIMITS.tags, cap - params)
  let metrics = Math.min(pending.metrics.length, BATCH_LIMITS.metrics, cap - params - tags)
  for (;;) {
    const body = JSON.stringify({
      run_id: runId,
      metrics: pending.metrics.slice(0, metrics),
      params: pending.params.slice(0, params),
      tags: pending.tags.slice(0, tags),
    })
    // A single item cannot pass 1 MB (keys and values are capped), so halving ends.
    if (Buffer.byteLength(body, 'utf8') <= BATCH_LIMITS.bytes || metrics + params + tags <= 1) {
      return { body, counts: { metrics, params, tags } }
    }
    if (metrics >= params && metrics >= tags) metrics = Math.floor(metrics / 2)
    else if (params >= tags) params = Math.floor(params / 2)
    else tags = Math.floor(tags / 2)
  }
}
