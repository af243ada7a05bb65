/**
 * One TPE suggestion from the state: the good/bad split (by value, or by
 * dominance with several objectives), the estimators fitted to each side
 * (reused while their inputs are unchanged), and the proposal; a conditional
 * space is sampled group by group (groups.ts).
 */
import { createRandom, deriveSeed } from '../rng.ts'
import { fitGroup } from './groups.ts'
import { goodByDominance } from './multi-objective.ts'
import { goodCount, type ResolvedTPEOptions } from './options.ts'
import type { ParzenEstimator, ParzenParameters } from './parzen.ts'
import { propose } from './propose.ts'
import { splitTrials } from './split.ts'
import { fitKept, type TPERecord, type TPEState } from './state.ts'

/**
 * One TPE suggestion, encoded: split the trials into good and bad, fit l(x) and g(x) (or reuse them while what they
 * are built from is unchanged), and propose from them; a conditional space group by group.
 *
 * @example
 * ```ts
 * const vector = sampleTPE(state, search.options, trialId, finished)
 * ```
 */
export function sampleTPE(s: TPEState, o: ResolvedTPEOptions, trialId: number, finished: number): Float64Array {
  // l(x) depends only on the finished trials; g(x) also on the running ones when they count as bad. Both are
  // built once per change of what they depend on, so asks between tells (a batch, a refilled pool) reuse them.
  const goodKey = String(s.finishedVersion)
  const badKey = o.constantLiar ? `${s.finishedVersion}|${s.runningVersion}` : goodKey
  const params: ParzenParameters = {
    priorWeight: o.priorWeight,
    considerMagicClip: o.considerMagicClip,
    considerEndpoints: o.considerEndpoints,
    multivariate: s.multivariate,
    multivariateBandwidth: o.multivariateBandwidth,
    bandwidthFactor: o.bandwidthFactor,
    magicClipCount: o.magicClipCount,
    finished,
  }
  const pickGood = s.objectives === undefined ? undefined : byDominance
  const split = () => splitTrials(s.records.values(), goodCount(s.gamma, finished), o.constantLiar, pickGood)
  const random = createRandom(deriveSeed(s.seed, 'tpe', trialId))
  if (s.encoding.conditional) return sampleGroups(s, o, goodKey, badKey, split, params, random)
  if (s.good?.key !== goodKey || s.bad?.key !== badKey) {
    const { below, above } = split()
    if (s.good?.key !== goodKey) s.good = { key: goodKey, estimator: fitKept(s, below, params, s.goodWeights) }
    if (s.bad?.key !== badKey) s.bad = { key: badKey, estimator: fitKept(s, above, params, o.weights) }
  }
  const l = (s.good as { estimator: ParzenEstimator }).estimator
  const g = (s.bad as { estimator: ParzenEstimator }).estimator
  return propose(s, o.nEiCandidates, l, g, random)
}

/**
 * A conditional space's suggestion: the groups in order, each sampled from its own estimators when the
 * suggestion took its branch, the rest left NaN (inactive).
 */
function sampleGroups(
  s: TPEState,
  o: ResolvedTPEOptions,
  goodKey: string,
  badKey: string,
  split: () => { below: TPERecord[]; above: TPERecord[] },
  params: ParzenParameters,
  random: () => number,
): Float64Array {
  const dims = s.encoding.dims
  const vector = new Float64Array(dims.length).fill(Number.NaN)
  let trials: { below: TPERecord[]; above: TPERecord[] } | undefined
  s.groups.forEach((group, index) => {
    if (group.parent !== undefined && vector[group.parent.dim] !== group.parent.branch) return
    let cached = s.groupEstimators[index]
    if (cached?.goodKey !== goodKey || cached.badKey !== badKey) {
      trials ??= split()
      const l = cached?.goodKey === goodKey ? cached.l : fitGroup(dims, group, trials.below, params, s.goodWeights)
      const g = cached?.badKey === badKey ? cached.g : fitGroup(dims, group, trials.above, params, o.weights)
      cached = { goodKey, badKey, l, g }
      s.groupEstimators[index] = cached
    }
    const chosen = propose(s, o.nEiCandidates, cached.l, cached.g, random)
    group.dims.forEach((d, j) => {
      vector[d] = chosen[j] as number
    })
  })
  return vector
}

/** The good `n` of the completed trials by non-domination rank and hypervolume (each has a point when completed). */
function byDominance(completed: readonly TPERecord[], n: number): TPERecord[] {
  return goodByDominance(
    completed.map((r) => r.point ?? []),
    n,
  ).map((i) => completed[i] as TPERecord)
}
