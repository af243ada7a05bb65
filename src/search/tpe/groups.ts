/**
 * TPE over a conditional space, as Hyperopt's tree-structured estimator and
 * Optuna's `group` option do: the dimensions are grouped by the branch they
 * live in (the root group holds those outside every branch), one good/bad
 * split is made over all trials, and each group's Parzen estimators are
 * fitted only to the trials that took its branch. A suggestion samples the
 * root group, then each group whose branch the suggestion took, in the
 * order the space declares them, so a parameter is drawn only where it is
 * active and learnt only from where it was.
 */
import type { Dim, Parent } from './encode.ts'
import { fitTrials } from './fit.ts'
import type { ParzenEstimator, ParzenParameters } from './parzen.ts'
import type { TrialRecord } from './split.ts'

/** Dimensions active under the same branch (none for the root group), by index into the encoding's dims. */
export interface DimGroup {
  readonly parent: Parent | undefined
  readonly dims: readonly number[]
}

/**
 * The groups of a space's dimensions, in order of their first dimension: a
 * branch's group comes after the group holding its choice, so sampling in
 * this order always knows which branches were taken.
 *
 * @example
 * ```ts
 * dimGroups(encodeSpace({ model: choice([{ C: uniform(0, 1) }, { trees: randint(1, 9) }]), lr: uniform(0, 1) }).dims)
 * // [{ parent: undefined, dims: [0, 3] }, { parent: { dim: 0, branch: 0 }, dims: [1] }, { parent: { dim: 0, branch: 1 }, dims: [2] }]
 * ```
 */
export function dimGroups(dims: readonly Dim[]): DimGroup[] {
  const groups = new Map<string, { parent: Parent | undefined; dims: number[] }>()
  dims.forEach((dim, d) => {
    const key = dim.parent === undefined ? '' : `${dim.parent.dim}:${dim.parent.branch}`
    const group = groups.get(key) ?? { parent: dim.parent, dims: [] }
    group.dims.push(d)
    groups.set(key, group)
  })
  return [...groups.values()]
}

/**
 * Whether a trial's encoded config took the group's branch. Dimensions
 * outside the branch a config took are NaN, so the parent dimension holding
 * the branch's index means every enclosing branch was taken too.
 *
 * @example
 * ```ts
 * isActive({ parent: { dim: 0, branch: 1 }, dims: [2] }, Float64Array.of(1, Number.NaN, 40)) // true
 * ```
 */
export function isActive(group: DimGroup, vector: Float64Array): boolean {
  return group.parent === undefined || vector[group.parent.dim] === group.parent.branch
}

/**
 * The Parzen estimator of one group over the trials (in id order) that took
 * its branch, the others left out: they say nothing about its parameters.
 *
 * @example
 * ```ts
 * const l = fitGroup(dims, group, below, params, weights)
 * ```
 */
export function fitGroup(
  dims: readonly Dim[],
  group: DimGroup,
  trials: readonly TrialRecord[],
  params: ParzenParameters,
  weights: (n: number) => ArrayLike<number>,
): ParzenEstimator {
  const active = trials.filter((trial) => isActive(group, trial.vector))
  return fitTrials(dims, group.dims, active, params, weights)
}
