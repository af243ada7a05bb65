/**
 * TPESearch: the Tree-structured Parzen Estimator of Bergstra et al. (2011),
 * as Optuna's TPESampler implements it, behind the Searcher interface.
 */

import { signOf } from '../../objectives/index.ts'
import { argumentAt, optionAt } from '../../options/index.ts'
import type { Config, Result, TrialState } from '../../types.ts'
import { PointQueue } from '../points-to-evaluate.ts'
import { createRandom, deriveSeed } from '../rng.ts'
import { sampleConfig } from '../sample.ts'
import type { Searcher, SearcherSetup } from '../searcher.ts'
import { checkSetup, readyQueue, readySetup } from '../setup.ts'
import type { Space } from '../space.ts'
import { checkWarmStart } from '../warm-start.ts'
import { mixtureLogPdf, scratchSize } from './density.ts'
import { type Dim, decodeConfig, type Encoding, encodeConfig, encodeSpace } from './encode.ts'
import { type DimGroup, dimGroups, fitGroup } from './groups.ts'
import { defaultGammaMultiObjective, equalWeights, goodByDominance } from './multi-objective.ts'
import { goodCount, observationWeights, type ResolvedTPEOptions, TPE_OPTIONS, type TPEOptions } from './options.ts'
import { buildParzen, type ParzenEstimator, type ParzenParameters, pickKernel, sampleKernel, usesScott } from './parzen.ts'
import { defaultGamma, defaultWeights, splitTrials, type TrialRecord } from './split.ts'

/** A trial record with its place in the searcher's history. */
interface TPERecord extends TrialRecord {
  /** Index into TPEState.history. */
  readonly seq: number
}

interface TPEState {
  readonly space: Space
  readonly encoding: Encoding
  readonly metric: string
  /** +1 for 'min', -1 for 'max': records hold signed values, lower is better. */
  readonly sign: number
  /** With several objectives, each metric and its sign (the good set is chosen by dominance); undefined for one. */
  readonly objectives: readonly { readonly metric: string; readonly sign: number }[] | undefined
  /** gamma and the good set's weights in force: the options', or Optuna's multi-objective defaults for several objectives. */
  readonly gamma: (n: number) => number
  readonly goodWeights: (n: number) => ArrayLike<number>
  /** The `multivariate` in force: the option, or false for several objectives when it was not given. */
  readonly multivariate: boolean
  readonly seed: number
  readonly numSamples: number
  suggested: number
  readonly records: Map<number, TPERecord>
  /** Every record ever suggested, by seq (replaced ones stay, never referenced by `sorted`). */
  readonly history: TPERecord[]
  /** Per numeric dimension, the seqs of the current records sorted by (model coordinate, id); empty for categorical ones. */
  readonly sorted: number[][]
  /** Reused buffer for per-kernel log terms (2 x kernels). */
  scratch: Float64Array
  readonly queue: PointQueue
  /** Bumped whenever the finished trials change (a trial ends, a record is replaced): what l(x) is built from. */
  finishedVersion: number
  /** Bumped whenever the running trials change: with the constant liar, g(x) is built from them too. */
  runningVersion: number
  /** The estimators of the last suggestion and the history versions they were built from: reused until the history changes. */
  good: { readonly key: string; readonly estimator: ParzenEstimator } | undefined
  bad: { readonly key: string; readonly estimator: ParzenEstimator } | undefined
  /** A conditional space's dimension groups (see groups.ts), and each one's estimators, kept as `good` and `bad` are. */
  readonly groups: readonly DimGroup[]
  readonly groupEstimators: Array<{
    readonly goodKey: string
    readonly badKey: string
    readonly l: ParzenEstimator
    readonly g: ParzenEstimator
  }>
}

/**
 * Tree-structured Parzen Estimator search. After `nStartupTrials` random
 * trials (the same configs RandomSearch gives), each suggestion splits the
 * finished trials into a good set (the best `gamma(n)`) and a bad one, fits a
 * Parzen estimator l(x) to the good and g(x) to the bad, draws
 * `nEiCandidates` candidates from l and returns the one maximising
 * log l(x) - log g(x).
 *
 * - Running trials count as bad ones ("constant liar"), so parallel trials spread out.
 * - Trials stopped early by a scheduler rank below completed ones, by how far they got.
 * - Trials whose metric became NaN (diverged) rank below every other: always in the bad set.
 * - Other errored trials are ignored.
 * - Grid dimensions are modelled like choices; nested spaces work.
 * - In a conditional space (a choice over sub-spaces), a branch's parameters
 *   are drawn only when the suggestion takes the branch, and learnt only from
 *   the trials that took it (groups.ts).
 * - With several objectives (`metric: ['loss', 'latency_ms']`) it is multi-objective TPE as Optuna's: the good set
 *   is the best non-domination ranks, the rank that does not fit whole cut by greedy hypervolume contribution, with
 *   gamma(n) = ceil(0.1 n), equal weights in the good set and univariate sampling unless those options are given.
 * - `pointsToEvaluate` and enqueued configs are suggested first; `warmStart`
 *   trials of an earlier run are learnt from as if they had run, before this
 *   run's (older, so the weights fade them first).
 * - Suggestion k is a function of the seed, k and what the searcher has been
 *   told before it (results and which trials are still running).
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, search: new TPESearch({ nStartupTrials: 10 }), numSamples: 100 })
 * ```
 */
export class TPESearch implements Searcher {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedTPEOptions
  #state: TPEState | undefined

  constructor(options?: TPEOptions) {
    this.options = TPE_OPTIONS.read(options)
  }

  setup(options: SearcherSetup): void {
    const { space, metric, mode, objectives, seed, numSamples } = checkSetup(options)
    const several = objectives !== undefined && objectives.length > 1
    const o = this.options
    const encoding = encodeSpace(space)
    const queue = new PointQueue(space, this.options.pointsToEvaluate, optionAt('TPESearch', 'pointsToEvaluate'), numSamples)
    const warm = checkWarmStart(space, this.options.warmStart, 'TPESearch')
    const s: TPEState = {
      space,
      encoding,
      metric,
      sign: signOf(mode),
      objectives: several ? objectives.map((x) => ({ metric: x.metric, sign: signOf(x.mode) })) : undefined,
      // Optuna's defaults change with several objectives; a gamma or weights of the user's own stay as given.
      gamma: several && o.gamma === defaultGamma ? defaultGammaMultiObjective : o.gamma,
      goodWeights: several && o.weights === defaultWeights ? equalWeights : o.weights,
      multivariate: o.multivariate ?? !several,
      seed,
      numSamples,
      suggested: 0,
      records: new Map(),
      history: [],
      sorted: encoding.dims.map(() => []),
      scratch: new Float64Array(0),
      queue,
      finishedVersion: 0,
      runningVersion: 0,
      good: undefined,
      bad: undefined,
      groups: encoding.conditional ? dimGroups(encoding.dims) : [],
      groupEstimators: [],
    }
    this.#state = s
    // Ids -n..-1: apart from this run's, and older than all of them.
    warm.forEach((trial, index) => {
      const record = this.#add(s, index - warm.length, encodeConfig(encoding, trial.config))
      this.#end(record, trial.lastResult as Result | undefined, trial.state)
    })
  }

  suggest(trialId: number): Config | null {
    const s = readySetup(this.#state, 'TPESearch', trialId)
    if (s.suggested >= s.numSamples) return null
    s.suggested++
    let finished = 0
    for (const record of s.records.values())
      if (record.status === 'completed' || record.status === 'stopped' || record.status === 'diverged') finished++
    const dims = s.encoding.dims
    const random = createRandom(deriveSeed(s.seed, 'sample', trialId))
    let config = s.queue.next(random)
    let vector: Float64Array
    if (config !== undefined) vector = encodeConfig(s.encoding, config)
    else if (finished < this.options.nStartupTrials || dims.length === 0) {
      config = sampleConfig(s.space, random)
      vector = encodeConfig(s.encoding, config)
    } else {
      vector = this.#sample(s, trialId, finished)
      config = decodeConfig(s.encoding, vector)
    }
    this.#add(s, trialId, vector)
    return config
  }

  /**
   * Suggests `config` before TPE's own proposals (see {@link Searcher.enqueue}); it counts in `numSamples`.
   *
   * @example
   * ```ts
   * search.enqueue({ lr: 0.01 })
   * ```
   */
  enqueue(config: Config): void {
    readyQueue(this.#state, 'TPESearch').add(config, argumentAt('TPESearch.enqueue', 'config'))
  }

  onTrialResult(trialId: number, result: Result): void {
    const record = this.#state?.records.get(trialId)
    if (record?.status === 'running') this.#observe(record, result)
  }

  onTrialComplete(trialId: number, result: Result | undefined, state: TrialState): void {
    const record = this.#state?.records.get(trialId)
    if (record?.status !== 'running') return
    this.#end(record, result, state)
  }

  /** A running record for trial `id`, kept in the history and in each numeric dimension's order. */
  #add(s: TPEState, id: number, vector: Float64Array): TPERecord {
    const record: TPERecord = { id, vector, status: 'running', value: Number.NaN, step: 0, seq: s.history.length }
    const replaced = s.records.get(id)
    s.records.set(id, record)
    s.runningVersion++
    if (replaced !== undefined && replaced.status !== 'running') s.finishedVersion++
    s.history.push(record)
    // Conditional spaces fit each group on its own (groups.ts), which needs no kept order.
    if (s.encoding.conditional) return record
    s.encoding.dims.forEach((dim, d) => {
      if (dim.kind === 'categorical') return
      const list = s.sorted[d] as number[]
      if (replaced !== undefined) list.splice(list.indexOf(replaced.seq), 1)
      list.splice(sortedPlace(s, d, list, record), 0, record.seq)
    })
    return record
  }

  /** A trial ended: how TPE counts it from now on. */
  #end(record: TPERecord, result: Result | undefined, state: TrialState): void {
    if (result !== undefined) this.#observe(record, result)
    const s = this.#state as TPEState
    s.finishedVersion++
    s.runningVersion++
    const metrics = s.objectives?.map((x) => x.metric) ?? [s.metric]
    // A NaN metric: the trial diverged (the Tuner ends it errored). It is a bad observation, never a good one.
    if (metrics.some((metric) => Number.isNaN(result?.[metric]))) record.status = 'diverged'
    else if (state === 'completed') record.status = Number.isNaN(record.value) ? 'ignored' : 'completed'
    else if (state === 'stopped') record.status = 'stopped'
    else record.status = 'ignored'
  }

  #observe(record: TrialRecord, result: Result): void {
    const s = this.#state as TPEState
    if (s.objectives !== undefined) {
      const point = s.objectives.map((x) => {
        const value = result[x.metric]
        return typeof value === 'number' ? x.sign * value : Number.NaN
      })
      if (point.some(Number.isNaN)) return
      record.point = point
    }
    const value = result[s.metric]
    if (typeof value !== 'number') return
    record.value = s.sign * value
    record.step = typeof result.training_iteration === 'number' ? result.training_iteration : record.step + 1
  }

  /** One TPE suggestion, encoded. */
  #sample(s: TPEState, trialId: number, finished: number): Float64Array {
    const o = this.options
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
    if (s.encoding.conditional) return this.#sampleGroups(s, goodKey, badKey, split, params, random)
    if (s.good?.key !== goodKey || s.bad?.key !== badKey) {
      const { below, above } = split()
      if (s.good?.key !== goodKey) s.good = { key: goodKey, estimator: fit(s, below, params, s.goodWeights) }
      if (s.bad?.key !== badKey) s.bad = { key: badKey, estimator: fit(s, above, params, o.weights) }
    }
    const l = (s.good as { estimator: ParzenEstimator }).estimator
    const g = (s.bad as { estimator: ParzenEstimator }).estimator
    return this.#propose(s, l, g, random)
  }

  /**
   * A conditional space's suggestion: the groups in order, each sampled from its own estimators when the
   * suggestion took its branch, the rest left NaN (inactive).
   */
  #sampleGroups(
    s: TPEState,
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
        const g = cached?.badKey === badKey ? cached.g : fitGroup(dims, group, trials.above, params, this.options.weights)
        cached = { goodKey, badKey, l, g }
        s.groupEstimators[index] = cached
      }
      const chosen = this.#propose(s, cached.l, cached.g, random)
      group.dims.forEach((d, j) => {
        vector[d] = chosen[j] as number
      })
    })
    return vector
  }

  /** The best of `nEiCandidates` draws from l by log l(x) - log g(x), over the estimators' own dimensions. */
  #propose(s: TPEState, l: ParzenEstimator, g: ParzenEstimator, random: () => number): Float64Array {
    const o = this.options
    const D = l.dims.length
    const nC = o.nEiCandidates
    const xs = new Float64Array(nC * D)
    const logL = new Float64Array(nC)
    const logG = new Float64Array(nC)
    const need = scratchSize(Math.max(l.kernels, g.kernels), nC)
    if (s.scratch.length < need) s.scratch = new Float64Array(need)
    if (s.multivariate) {
      for (let c = 0; c < nC; c++) {
        const k = pickKernel(l, random())
        for (let d = 0; d < D; d++) xs[c * D + d] = sampleKernel(l, d, k, random)
      }
      const all = l.dims.map((_, d) => d)
      mixtureLogPdf(l, xs, D, nC, all, logL, s.scratch)
      mixtureLogPdf(g, xs, D, nC, all, logG, s.scratch)
      const best = argmaxDifference(logL, logG)
      return xs.slice(best * D, best * D + D)
    }
    const vector = new Float64Array(D)
    for (let d = 0; d < D; d++) {
      for (let c = 0; c < nC; c++) xs[c * D + d] = sampleKernel(l, d, pickKernel(l, random()), random)
      mixtureLogPdf(l, xs, D, nC, [d], logL, s.scratch)
      mixtureLogPdf(g, xs, D, nC, [d], logG, s.scratch)
      vector[d] = xs[argmaxDifference(logL, logG) * D + d] as number
    }
    return vector
  }
}

/** The good `n` of the completed trials by non-domination rank and hypervolume (each has a point when completed). */
function byDominance(completed: readonly TPERecord[], n: number): TPERecord[] {
  return goodByDominance(
    completed.map((r) => r.point ?? []),
    n,
  ).map((i) => completed[i] as TPERecord)
}

/** A dimension's model coordinate of an encoded value (log k for log-scale integers), the order bandwidths use. */
function coordinate(s: TPEState, d: number, x: number): number {
  const dim = s.encoding.dims[d] as Dim
  return dim.kind === 'discrete' && dim.log ? Math.log(x) : x
}

/** Where `record` goes in the (coordinate, id) order of dimension d. */
function sortedPlace(s: TPEState, d: number, list: readonly number[], record: TPERecord): number {
  const x = coordinate(s, d, record.vector[d] as number)
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const other = s.history[list[mid] as number] as TPERecord
    const y = coordinate(s, d, other.vector[d] as number)
    if (y < x || (y === x && other.id < record.id)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The Parzen estimator of a set of trials (in id order), their vectors stacked row by row. */
function fit(
  s: TPEState,
  trials: readonly TPERecord[],
  params: ParzenParameters,
  weights: (n: number) => ArrayLike<number>,
): ParzenEstimator {
  const dims = s.encoding.dims
  const D = dims.length
  const observations = new Float64Array(trials.length * D)
  // slot[seq] = 1 + the trial's index in `trials`, 0 for trials not in the set.
  const slot = new Int32Array(s.history.length)
  trials.forEach((trial, i) => {
    observations.set(trial.vector, i * D)
    slot[trial.seq] = i + 1
  })
  let orders: Array<Int32Array | undefined> | undefined
  if (!usesScott(params)) {
    // Neighbour bandwidths need each numeric dimension's observations in (coordinate, index) order: read off the kept sorted lists.
    orders = dims.map((dim, d) => {
      if (dim.kind === 'categorical') return undefined
      const order = new Int32Array(trials.length)
      let j = 0
      for (const seq of s.sorted[d] as number[]) {
        const at = slot[seq] as number
        if (at > 0) order[j++] = at - 1
      }
      return order
    })
  }
  return buildParzen(dims, observations, trials.length, observationWeights(weights, trials.length), params, orders)
}

/** The first index of the largest a[i] - b[i]. */
function argmaxDifference(a: Float64Array, b: Float64Array): number {
  let best = 0
  let bestScore = Number.NEGATIVE_INFINITY
  for (let i = 0; i < a.length; i++) {
    const score = (a[i] as number) - (b[i] as number)
    if (score > bestScore) {
      best = i
      bestScore = score
    }
  }
  return best
}
