/**
 * Kinds and limits that several owners share: one rule for a mode, a seed,
 * a metric name, a path, a timer delay.
 */
import type { Mode } from '../types.ts'
import { integer, type Kind, number, oneOf, text } from './kinds.ts'

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
