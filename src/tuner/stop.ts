import { ConfigError, show } from '../errors.ts'
import type { Mode, Result } from '../types.ts'
import { timerSeconds } from './options.ts'

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

/** Checks the criteria's fields, naming the bad one. */
export function validateStop(stop: unknown): StopCriteria {
  if (stop === undefined) return {}
  if (stop === null || typeof stop !== 'object' || Array.isArray(stop)) {
    throw new ConfigError(`stop: must be an object { maxIterations?, metricThreshold?, timeBudgetS? }, got ${show(stop)}`, {
      field: 'stop',
    })
  }
  const known = new Set(['maxIterations', 'metricThreshold', 'timeBudgetS'])
  for (const key of Object.keys(stop)) {
    if (!known.has(key))
      throw new ConfigError(`stop.${key}: unknown criterion; known are ${[...known].join(', ')}`, { field: `stop.${key}` })
  }
  const { maxIterations, metricThreshold, timeBudgetS } = stop as Record<string, unknown>
  if (maxIterations !== undefined && !(Number.isInteger(maxIterations) && (maxIterations as number) >= 1)) {
    throw new ConfigError(`stop.maxIterations: must be an integer >= 1, got ${show(maxIterations)}`, { field: 'stop.maxIterations' })
  }
  if (metricThreshold !== undefined && !Number.isFinite(metricThreshold)) {
    throw new ConfigError(`stop.metricThreshold: must be a finite number, got ${show(metricThreshold)}`, { field: 'stop.metricThreshold' })
  }
  if (timeBudgetS !== undefined) timerSeconds(timeBudgetS, 'stop.timeBudgetS')
  return stop as StopCriteria
}

/** True when `result` meets a per-trial criterion. */
export function meetsStop(stop: StopCriteria, result: Result, metric: string, mode: Mode): boolean {
  if (stop.maxIterations !== undefined && result.training_iteration >= stop.maxIterations) return true
  if (stop.metricThreshold === undefined) return false
  const value = result[metric]
  if (typeof value !== 'number') return false
  return mode === 'min' ? value <= stop.metricThreshold : value >= stop.metricThreshold
}
