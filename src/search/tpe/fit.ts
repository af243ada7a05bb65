/**
 * Fitting a Parzen estimator to a set of trials: their encoded vectors stacked
 * row by row (over every dimension, or a conditional group's), their weights
 * checked, and the estimator built. The whole-space fit and each conditional
 * group's fit (groups.ts) both go through {@link fitTrials}.
 */
import type { Dim } from './encode.ts'
import { observationWeights } from './options.ts'
import { buildParzen, type ParzenEstimator, type ParzenParameters } from './parzen.ts'
import type { TrialRecord } from './split.ts'

/**
 * The Parzen estimator of `trials` (in id order) over the dimensions `columns` of their vectors (all of them when
 * undefined), weighted by `weights(trials.length)`. `orders`, when given, holds each numeric column's observations
 * in (coordinate, index) order, so neighbour bandwidths need no sort.
 *
 * @example
 * ```ts
 * const l = fitTrials(encoding.dims, undefined, below, params, defaultWeights)
 * const lGroup = fitTrials(encoding.dims, group.dims, activeBelow, params, defaultWeights)
 * ```
 */
export function fitTrials(
  dims: readonly Dim[],
  columns: readonly number[] | undefined,
  trials: readonly TrialRecord[],
  params: ParzenParameters,
  weights: (n: number) => ArrayLike<number>,
  orders?: ReadonlyArray<Int32Array | undefined>,
): ParzenEstimator {
  const D = columns?.length ?? dims.length
  const observations = new Float64Array(trials.length * D)
  trials.forEach((trial, i) => {
    if (columns === undefined) observations.set(trial.vector, i * D)
    else
      columns.forEach((d, j) => {
        observations[i * D + j] = trial.vector[d] as number
      })
  })
  const fitted = columns === undefined ? dims : columns.map((d) => dims[d] as Dim)
  return buildParzen(fitted, observations, trials.length, observationWeights(weights, trials.length), params, orders)
}
