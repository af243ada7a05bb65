import { custom, integer, invalid, nested, number, optionAt, type SchemaOf, TIMER_S } from '../options/index.ts'
import type { Objective, Result } from '../types.ts'

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
  /**
   * Stop a trial once its metric reaches this value (at or below it for `min`, at or above for `max`). With several
   * objectives, one value per objective in their order: the trial stops once it reaches every one of them.
   */
  readonly metricThreshold?: number | readonly number[]
  /** End the experiment after this many seconds: running trials are stopped, finished results kept. */
  readonly timeBudgetS?: number
}

/** The Tuner's `stop` option: its criteria's kinds and ranges. */
export const STOP_CRITERIA = nested({
  maxIterations: integer({ min: 1 }),
  metricThreshold: custom<number | number[]>('a number, or an array of numbers (one per objective)', (value, at) => {
    const one = number()
    if (!Array.isArray(value)) return one.parse(value, at)
    if (value.length === 0) throw invalid(at, 'a number, or a non-empty array of numbers (one per objective)', value)
    return value.map((v, i) => one.parse(v, at.item(i)))
  }),
  timeBudgetS: TIMER_S,
} satisfies SchemaOf<StopCriteria>)

/**
 * True when `result` meets a per-trial criterion. The thresholds are matched to `objectives` in order (the Tuner
 * checks there is one per objective): every objective must reach its own.
 */
export function meetsStop(stop: StopCriteria, result: Result, objectives: readonly Objective[]): boolean {
  if (stop.maxIterations !== undefined && result.training_iteration >= stop.maxIterations) return true
  if (stop.metricThreshold === undefined) return false
  const thresholds = typeof stop.metricThreshold === 'number' ? [stop.metricThreshold] : stop.metricThreshold
  return objectives.every(({ metric, mode }, i) => {
    const value = result[metric]
    const threshold = thresholds[i] as number
    return typeof value === 'number' && (mode === 'min' ? value <= threshold : value >= threshold)
  })
}

/**
 * Refuses thresholds that do not match the objectives: a single number for several objectives (which would it
 * read?), or an array of the wrong length. The message says what to give instead.
 *
 * @example
 * ```ts
 * checkThresholds([0.1, 20], [{ metric: 'loss', mode: 'min' }, { metric: 'ms', mode: 'min' }]) // fine
 * checkThresholds(0.1, [{ metric: 'loss', mode: 'min' }, { metric: 'ms', mode: 'min' }]) // throws a ConfigError
 * ```
 */
export function checkThresholds(threshold: number | readonly number[] | undefined, objectives: readonly Objective[]): void {
  if (threshold === undefined) return
  const count = typeof threshold === 'number' ? 1 : threshold.length
  if (count === objectives.length) return
  const names = objectives.map((x) => x.metric).join(', ')
  const rule =
    objectives.length === 1
      ? `a number, as this experiment has one objective (${names})`
      : `an array of ${objectives.length} thresholds, one per objective in order (${names}): a trial stops once it reaches every one`
  throw invalid(optionAt('Tuner', 'stop.metricThreshold'), rule, threshold)
}
