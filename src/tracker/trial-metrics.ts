import { flattenConfig } from '../search/flatten.ts'
import type { Result } from '../types.ts'

/**
 * The name of a trial's run and folder in every tracker: `trial_` and the id
 * padded to four digits, so folders and run lists sort in trial order.
 *
 * @example
 * ```ts
 * trialName(3)     // 'trial_0003'
 * trialName(12345) // 'trial_12345'
 * ```
 */
export function trialName(id: number): string {
  return `trial_${String(id).padStart(4, '0')}`
}

/** The folder names {@link trialName} gives: what a tracker counts as its own in a folder. */
export const TRIAL_FOLDER = /^trial_\d{4,}$/

/** Fields of a result that are bookkeeping rather than metrics: the step and the trial id. */
const NOT_SCALARS: ReadonlySet<string> = new Set(['training_iteration', 'trial_id'])

/**
 * The numeric metrics of a result as `[key, value]` pairs, nested objects
 * flattened with `/` (as {@link flattenConfig} does), in report order.
 * `training_iteration` (the step) and `trial_id` are left out; values that
 * are not numbers (strings, booleans, arrays, null) are skipped. NaN and
 * ±Infinity are kept: each tracker decides how to write them.
 *
 * @example
 * ```ts
 * scalarMetrics({ loss: 0.3, val: { acc: 0.9 }, note: 'x', training_iteration: 2, trial_id: 0, time_total_s: 1 })
 * // [['loss', 0.3], ['val/acc', 0.9], ['time_total_s', 1]]
 * ```
 */
export function scalarMetrics(result: Result): Array<[string, number]> {
  const out: Array<[string, number]> = []
  for (const [key, value] of Object.entries(flattenConfig(result))) {
    if (typeof value === 'number' && !NOT_SCALARS.has(key)) out.push([key, value])
  }
  return out
}
