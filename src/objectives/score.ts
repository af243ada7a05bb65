/**
 * A trial's score by one metric: the one rule `ResultGrid.best()`, the
 * console's running best, the CLI summary and the report rank trials by.
 */
import type { Mode, Result } from '../types.ts'
import { isBetter } from './objective.ts'

/** How a trial is scored: its last result, its best result, or the average over its results. */
export type Scope = 'last' | 'all' | 'avg'

/**
 * Whether `value` counts as a score: a number that is finite, or with `allowInfinite` any number but NaN.
 *
 * @example
 * ```ts
 * countsAsScore(Number.POSITIVE_INFINITY, false) // false
 * ```
 */
export function countsAsScore(value: unknown, allowInfinite = false): value is number {
  return typeof value === 'number' && (allowInfinite ? !Number.isNaN(value) : Number.isFinite(value))
}

/**
 * A trial's score from the values of `metric` in its results that count (see {@link countsAsScore}); NaN when none
 * does. Scope `'last'` reads the last result alone, `'all'` takes the best value, `'avg'` the mean.
 *
 * @example
 * ```ts
 * scoreTrial(trial.history, 'loss', 'min', 'all') // the lowest loss it reported
 * ```
 */
export function scoreTrial(history: readonly Result[], metric: string, mode: Mode, scope: Scope = 'last', allowInfinite = false): number {
  if (scope === 'last') {
    const last = history.at(-1)?.[metric]
    return countsAsScore(last, allowInfinite) ? last : Number.NaN
  }
  const values: number[] = []
  for (const result of history) {
    const value = result[metric]
    if (countsAsScore(value, allowInfinite)) values.push(value)
  }
  if (values.length === 0) return Number.NaN
  if (scope === 'avg') return values.reduce((a, b) => a + b, 0) / values.length
  // A loop, not Math.min(...values): a long history would overflow the argument stack.
  let best = values[0] as number
  for (const value of values) if (isBetter(value, best, mode)) best = value
  return best
}

/**
 * Orders two scored trials best first: the better score, then on a tie the lower trial id.
 *
 * @example
 * ```ts
 * scored.sort((a, b) => compareScored(a, b, 'min'))
 * ```
 */
export function compareScored(
  a: { readonly id: number; readonly score: number },
  b: { readonly id: number; readonly score: number },
  mode: Mode,
): number {
  if (a.score === b.score) return a.id - b.id
  return isBetter(a.score, b.score, mode) ? -1 : 1
}
