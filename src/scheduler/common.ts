import { ConfigError, show } from '../errors.ts'
import { rejectUnknownKeys } from '../known-keys.ts'
import { validateSeed } from '../search/rng.ts'
import type { Mode, Result } from '../types.ts'
import type { SchedulerSetup } from './scheduler.ts'

/**
 * Checks a scheduler's options object: a plain object (or undefined) whose
 * keys are all known. A misspelt option (`maxt`) would otherwise be ignored silently.
 *
 * @example
 * ```ts
 * const o = readOptions('ASHAScheduler', options, ['maxT', 'gracePeriod'])
 * ```
 */
export function readOptions(owner: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${owner}(options): must be an object, got ${show(options)}`, { field: 'options' })
  }
  rejectUnknownKeys(owner, options, known)
  return options as Record<string, unknown>
}

/** A {@link ConfigError} in the house style: `Owner({ field }): must be <rule>, got <value>`. */
export function optionError(owner: string, field: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(`${owner}({ ${field} }): must be ${rule}, got ${show(value)}`, { field })
}

/**
 * The option `field` as a finite number meeting `holds`, or `fallback` when absent.
 *
 * @example
 * ```ts
 * const rf = numberOption('ASHAScheduler', o, 'reductionFactor', 4, 'a number > 1', (v) => v > 1)
 * ```
 */
export function numberOption(
  owner: string,
  options: Record<string, unknown>,
  field: string,
  fallback: number,
  rule: string,
  holds: (value: number) => boolean,
): number {
  const value = options[field]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || !holds(value)) throw optionError(owner, field, rule, value)
  return value
}

/** The option `field` as a non-empty string, or `fallback` when absent. */
export function stringOption(owner: string, options: Record<string, unknown>, field: string, fallback: string): string {
  const value = options[field]
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value === '') throw optionError(owner, field, 'a non-empty string', value)
  return value
}

/** The option `field` as a boolean, or `fallback` when absent. */
export function booleanOption(owner: string, options: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = options[field]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw optionError(owner, field, 'a boolean', value)
  return value
}

/** The checked setup plus `sign`: +1 in max mode, -1 in min mode, so every scheduler ranks "higher is better". */
export interface Objective extends SchedulerSetup {
  readonly sign: 1 | -1
}

/**
 * Checks what the Tuner passes to `setup`, so a scheduler driven by hand
 * fails with a typed error rather than ranking by `undefined`.
 *
 * @example
 * ```ts
 * this.#objective = readSetup('ASHAScheduler', options)
 * ```
 */
export function readSetup(owner: string, options: SchedulerSetup): Objective {
  const { metric, mode, seed } = options
  if (typeof metric !== 'string' || metric === '') {
    throw new ConfigError(`${owner}.setup({ metric }): must be a non-empty string, got ${show(metric)}`, { field: 'metric' })
  }
  if (mode !== 'min' && mode !== 'max') {
    throw new ConfigError(`${owner}.setup({ mode }): must be "min" or "max", got ${show(mode)}`, { field: 'mode' })
  }
  validateSeed(seed, `${owner}.setup({ seed })`)
  return { metric, mode: mode as Mode, seed, sign: mode === 'max' ? 1 : -1 }
}

/** The setup, or a {@link ConfigError} when a trial arrives before `setup()`. */
export function ready<T>(value: T | undefined, owner: string): T {
  if (value === undefined) throw new ConfigError(`${owner}: call setup() before adding trials`, { field: 'scheduler' })
  return value
}

/**
 * `result[key]` when it is a number (NaN included, as Ray Tune keeps it);
 * undefined when it is missing or not a number, so that result is ignored.
 */
export function numberIn(result: Result | undefined, key: string): number | undefined {
  const value = result?.[key]
  return typeof value === 'number' ? value : undefined
}

/**
 * The score of `result` for a scheduler: `sign * result[metric]`, higher is
 * better; undefined when the metric is missing or not a number (the result
 * is ignored). A NaN metric (a diverged trial) scores -Infinity, below every
 * number, so it ranks worst wherever trials are compared.
 *
 * @example
 * ```ts
 * scoreIn({ loss: Number.NaN, training_iteration: 3, trial_id: 0, time_total_s: 1 }, 'loss', -1) // -Infinity
 * ```
 */
export function scoreIn(result: Result | undefined, metric: string, sign: 1 | -1): number | undefined {
  const value = numberIn(result, metric)
  if (value === undefined) return undefined
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : sign * value
}

/**
 * The `q`-th percentile (0..100) of `values` ignoring NaN, with linear
 * interpolation between the two closest ranks: numpy's `nanpercentile`
 * default, which Ray Tune's ASHA uses for its rung cut-offs. Undefined when
 * no value is a number.
 *
 * @example
 * ```ts
 * nanPercentile([1, 2, 3], 75) // 2.5
 * ```
 */
export function nanPercentile(values: Iterable<number>, q: number): number | undefined {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const position = (q / 100) * (sorted.length - 1)
  const below = Math.floor(position)
  const low = sorted[below] as number
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number
  const f = position - below
  // Equal ends, or no fraction, need no interpolation (and Infinity * 0 would be NaN). Otherwise
  // interpolate from the nearer end, as numpy does, so a diverged (infinite) neighbour cannot make it NaN.
  if (low === high || f === 0) return low
  const value = f >= 0.5 ? high - (high - low) * (1 - f) : low + (high - low) * f
  return Number.isNaN(value) ? (f >= 0.5 ? high : low) : value
}

/**
 * The median of `values` (the mean of the two middle ones for an even count),
 * as numpy's `median`; undefined for none.
 */
export function median(values: readonly number[]): number | undefined {
  return nanPercentile(values, 50)
}
