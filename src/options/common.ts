/**
 * Kinds and limits that several owners share: one rule for a mode, a seed,
 * a metric name, a path, a timer delay.
 */
import { show } from '../errors.ts'
import type { Mode, Objective } from '../types.ts'
import { custom, integer, type Kind, number, oneOf, text } from './kinds.ts'
import { invalid, optionAt, problemAt } from './place.ts'

/** The longest delay setTimeout honours (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** How long the Tuner waits for all trackers at the experiment's end; a tracker's own flush must end sooner. */
export const TRACKER_WAIT_MS = 30_000

/**
 * Whether lower (`'min'`) or higher (`'max'`) is better.
 *
 * @example
 * ```ts
 * mode: MODE.withDefault('min')
 * ```
 */
export const MODE: Kind<Mode> = oneOf<Mode>(['min', 'max'])

/**
 * An experiment seed: an integer in [0, 2^32).
 *
 * @example
 * ```ts
 * seed: SEED.withDefault(computed('drawn at random', () => randomInt(2 ** 32)))
 * ```
 */
export const SEED: Kind<number> = integer({ min: 0, max: 2 ** 32 - 1, rule: 'an integer in [0, 2^32)' })

/**
 * The name of a reported metric (or of the result field that counts time).
 *
 * @example
 * ```ts
 * metric: METRIC.required()
 * ```
 */
export const METRIC: Kind<string> = text()

/**
 * A file or folder path.
 *
 * @example
 * ```ts
 * const dir = check(PATH.required(), dir, argumentAt('CsvTracker', 'dir'))
 * ```
 */
export const PATH: Kind<string> = text({ rule: 'a non-empty path' })

/**
 * A delay in ms that setTimeout honours: an integer from 0 to {@link MAX_TIMER_MS}.
 *
 * @example
 * ```ts
 * stopGraceMs: TIMER_MS.withDefault(5000)
 * ```
 */
export const TIMER_MS: Kind<number> = integer({
  min: 0,
  max: MAX_TIMER_MS,
  rule: `an integer from 0 to ${MAX_TIMER_MS} ms (about 24.8 days)`,
})

/**
 * A duration in seconds that a timer can wait: more than 0, at most {@link MAX_TIMER_MS} / 1000.
 *
 * @example
 * ```ts
 * trialTimeoutS: TIMER_S
 * ```
 */
export const TIMER_S: Kind<number> = number({
  above: 0,
  max: MAX_TIMER_MS / 1000,
  rule: `a number of seconds in (0, ${MAX_TIMER_MS / 1000}] (the longest timer, about 24.8 days)`,
})

/**
 * What an experiment optimises: one metric name, or an array of distinct ones (multi-objective).
 *
 * @example
 * ```ts
 * metric: METRICS.required()
 * ```
 */
export const METRICS: Kind<string | string[]> = custom('a metric name, or a non-empty array of distinct metric names', (value, at) => {
  if (typeof value === 'string' && value !== '') return value
  if (!Array.isArray(value) || value.length === 0) throw invalid(at, 'a metric name, or a non-empty array of distinct metric names', value)
  const names = value.map((name, i) => METRIC.parse(name, at.item(i)))
  const twice = names.find((name, i) => names.indexOf(name) !== i)
  if (twice !== undefined) throw problemAt(at, `must name each metric once, got ${show(value)} (${show(twice)} twice)`)
  return names
})

/**
 * The direction of each objective: one mode for all, or an array with one per metric.
 *
 * @example
 * ```ts
 * mode: MODES.withDefault('min')
 * ```
 */
export const MODES: Kind<Mode | Mode[]> = custom('"min" or "max", or an array of them', (value, at) => {
  if (typeof value === 'string') return MODE.parse(value, at)
  if (!Array.isArray(value) || value.length === 0) throw invalid(at, '"min" or "max", or a non-empty array of them', value)
  return value.map((mode, i) => MODE.parse(mode, at.item(i)))
})

/**
 * The objectives of `metric` and `mode` as read with {@link METRICS} and {@link MODES}: a mode array must have one
 * mode per metric (a {@link ConfigError} naming `owner`'s `mode` otherwise); a single mode applies to every metric.
 *
 * @example
 * ```ts
 * objectivesFrom('Tuner', ['loss', 'latency_ms'], ['min', 'min']) // [{ metric: 'loss', mode: 'min' }, { metric: 'latency_ms', mode: 'min' }]
 * ```
 */
export function objectivesFrom(owner: string, metric: string | readonly string[], mode: Mode | readonly Mode[]): Objective[] {
  const metrics = typeof metric === 'string' ? [metric] : metric
  if (typeof mode !== 'string' && mode.length !== metrics.length) {
    throw problemAt(
      optionAt(owner, 'mode'),
      `must have one mode per metric (${metrics.length}: ${metrics.join(', ')}), got ${show(mode)} (${mode.length})`,
    )
  }
  return metrics.map((name, i) => ({ metric: name, mode: typeof mode === 'string' ? mode : (mode[i] as Mode) }))
}
