import { integer, nested, number, type SchemaOf, TIMER_S } from '../options/index.ts'
import type { Mode, Result } from '../types.ts'

/**
 * When to stop trials, or the whole experiment, whatever the scheduler says.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, stop: { maxIterations: 50, metricThreshold: 0.01, timeBudgetS: 600 } })
 * ```
 */
export interface StopCriteria {
  /** Stop a trial once it has reported this many results. */
  readonly maxIterations?: number
  /** Stop a trial once its metric reaches this value (at or below it for `min`, at or above for `max`). */
  readonly metricThreshold?: number
  /** End the experiment after this many seconds: running trials are stopped, finished results kept. */
  readonly timeBudgetS?: number
}

/** The Tuner's `stop` option: its criteria's kinds and ranges. */
export const STOP_CRITERIA = nested({
  maxIterations: integer({ min: 1 }),
  metricThreshold: number(),
  timeBudgetS: TIMER_S,
} satisfies SchemaOf<StopCriteria>)

/** True when `result` meets a per-trial criterion. */
export function meetsStop(stop: StopCriteria, result: Result, metric: string, mode: Mode): boolean {
  if (stop.maxIterations !== undefined && result.training_iteration >= stop.maxIterations) return true
  if (stop.metricThreshold === undefined) return false
  const value = result[metric]
  if (typeof value !== 'number') return false
  return mode === 'min' ? value <= stop.metricThreshold : value >= stop.metricThreshold
}
