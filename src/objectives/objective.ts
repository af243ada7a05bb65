/**
 * Objectives: what an experiment optimises, one metric and its direction
 * each, and a result's values as a point where lower is better on every axis.
 */
import type { ExperimentInfo, Mode, Objective } from '../types.ts'

export type { Objective }

/**
 * The factor that makes a value of `mode` lower-is-better: 1 for `'min'`, -1 for `'max'`.
 *
 * @example
 * ```ts
 * signOf('max') * 0.9 // -0.9
 * ```
 */
export function signOf(mode: Mode): 1 | -1 {
  return mode === 'max' ? -1 : 1
}

/**
 * `value` signed so that lower is better (see {@link signOf}): as it is for `'min'`, negated for `'max'`.
 *
 * @example
 * ```ts
 * minimised(0.9, 'max') // -0.9
 * ```
 */
export function minimised(value: number, mode: Mode): number {
  return signOf(mode) * value
}

/**
 * Whether `a` beats `b` under `mode`.
 *
 * @example
 * ```ts
 * isBetter(0.1, 0.2, 'min') // true
 * ```
 */
export function isBetter(a: number, b: number, mode: Mode): boolean {
  return mode === 'min' ? a < b : a > b
}

/**
 * A result's objective values as a point to minimise (see {@link minimised}), or undefined when one of them is
 * missing or not a finite number (with `allowInfinite`, infinities count; NaN never does).
 *
 * @example
 * ```ts
 * pointOf({ loss: 0.2, acc: 0.9 }, [{ metric: 'loss', mode: 'min' }, { metric: 'acc', mode: 'max' }]) // [0.2, -0.9]
 * ```
 */
export function pointOf(
  result: Readonly<Record<string, unknown>> | undefined,
  objectives: readonly Objective[],
  allowInfinite = false,
): number[] | undefined {
  if (result === undefined) return undefined
  const point: number[] = []
  for (const { metric, mode } of objectives) {
    const value = result[metric]
    if (typeof value !== 'number' || (allowInfinite ? Number.isNaN(value) : !Number.isFinite(value))) return undefined
    point.push(minimised(value, mode))
  }
  return point
}

/** Objective values to minimise, one per objective, in the experiment's order. */
export type Point = readonly number[]

/**
 * An experiment's objectives: its `objectives` when it has several, else its one metric and mode.
 *
 * @example
 * ```ts
 * experimentObjectives(experiment).map((o) => o.metric) // ['loss', 'latency_ms']
 * ```
 */
export function experimentObjectives(experiment: Pick<ExperimentInfo, 'metric' | 'mode' | 'objectives'>): readonly Objective[] {
  return experiment.objectives !== undefined && experiment.objectives.length > 0
    ? experiment.objectives
    : [{ metric: experiment.metric, mode: experiment.mode }]
}

/**
 * The `metric` and `mode` options that say `objectives`: one name and mode for one objective, arrays for several.
 *
 * @example
 * ```ts
 * new ResultGrid(trials, objectiveOptions(objectives))
 * ```
 */
export function objectiveOptions(objectives: readonly Objective[]): { metric: string | string[]; mode: Mode | Mode[] } {
  const [first] = objectives
  if (objectives.length === 1 && first !== undefined) return { metric: first.metric, mode: first.mode }
  return { metric: objectives.map((o) => o.metric), mode: objectives.map((o) => o.mode) }
}
