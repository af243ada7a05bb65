/**
 * What TPESearch knows between calls: the settings in force, a record of
 * every trial it suggested (encoded config, status, signed value), each
 * numeric dimension's records in sorted order, and the estimators it may
 * reuse; and how records are kept as trials are added, report and end.
 */
import type { Result, TrialState } from '../../types.ts'
import type { PointQueue } from '../points-to-evaluate.ts'
import type { Space } from '../space.ts'
import type { Dim, Encoding } from './encode.ts'
import { fitTrials } from './fit.ts'
import type { DimGroup } from './groups.ts'
import { type ParzenEstimator, type ParzenParameters, usesScott } from './parzen.ts'
import type { TrialRecord } from './split.ts'

/** A trial record with its place in the searcher's history. */
export interface TPERecord extends TrialRecord {
  /** Index into TPEState.history. */
  readonly seq: number
}

export interface TPEState {
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
 * Adds a running record for trial `id` (replacing an earlier one of that id), kept in the history and in each
 * numeric dimension's order.
 *
 * @example
 * ```ts
 * addRecord(state, trialId, encodeConfig(state.encoding, config))
 * ```
 */
export function addRecord(s: TPEState, id: number, vector: Float64Array): TPERecord {
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

/**
 * A trial ended, with its last result: how TPE counts it from now on (completed, stopped, diverged or ignored).
 *
 * @example
 * ```ts
 * endRecord(state, record, result, 'completed')
 * ```
 */
export function endRecord(s: TPEState, record: TPERecord, result: Result | undefined, state: TrialState): void {
  if (result !== undefined) observeResult(s, record, result)
  s.finishedVersion++
  s.runningVersion++
  const metrics = s.objectives?.map((x) => x.metric) ?? [s.metric]
  // A NaN metric: the trial diverged (the Tuner ends it errored). It is a bad observation, never a good one.
  if (metrics.some((metric) => Number.isNaN(result?.[metric]))) record.status = 'diverged'
  else if (state === 'completed') record.status = Number.isNaN(record.value) ? 'ignored' : 'completed'
  else if (state === 'stopped') record.status = 'stopped'
  else record.status = 'ignored'
}

/**
 * Reads a result into the record: its signed value and step, and with several objectives its point. A result
 * without the metric leaves the value as it was.
 *
 * @example
 * ```ts
 * observeResult(state, record, { loss: 0.2, training_iteration: 3, trial_id: 7, time_total_s: 1 })
 * ```
 */
export function observeResult(s: TPEState, record: TrialRecord, result: Result): void {
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

/**
 * The Parzen estimator of some of the state's trials (in id order) over every dimension; neighbour bandwidths read
 * each numeric dimension's order off the kept sorted lists instead of sorting.
 *
 * @example
 * ```ts
 * const l = fitKept(state, below, params, state.goodWeights)
 * ```
 */
export function fitKept(
  s: TPEState,
  trials: readonly TPERecord[],
  params: ParzenParameters,
  weights: (n: number) => ArrayLike<number>,
): ParzenEstimator {
  const dims = s.encoding.dims
  // slot[seq] = 1 + the trial's index in `trials`, 0 for trials not in the set.
  const slot = new Int32Array(s.history.length)
  trials.forEach((trial, i) => {
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
  return fitTrials(dims, undefined, trials, params, weights, orders)
}
