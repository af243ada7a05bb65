/**
 * TPESearch: the Tree-structured Parzen Estimator of Bergstra et al. (2011),
 * as Optuna's TPESampler implements it, behind the Searcher interface. The
 * class wires the parts: state.ts keeps the trial records, sample-tpe.ts
 * makes a suggestion from them (split.ts, fit.ts, groups.ts, propose.ts).
 */
import { signOf } from '../../objectives/index.ts'
import { argumentAt, optionAt } from '../../options/index.ts'
import type { Config, Result, TrialState } from '../../types.ts'
import { PointQueue } from '../points-to-evaluate.ts'
import { createRandom, deriveSeed } from '../rng.ts'
import { sampleConfig } from '../sample.ts'
import type { Searcher, SearcherSetup } from '../searcher.ts'
import { checkSetup, readyQueue, readySetup } from '../setup.ts'
import { checkWarmStart } from '../warm-start.ts'
import { decodeConfig, encodeConfig, encodeSpace } from './encode.ts'
import { dimGroups } from './groups.ts'
import { defaultGammaMultiObjective, equalWeights } from './multi-objective.ts'
import { type ResolvedTPEOptions, TPE_OPTIONS, type TPEOptions } from './options.ts'
import { sampleTPE } from './sample-tpe.ts'
import { defaultGamma, defaultWeights } from './split.ts'
import { addRecord, endRecord, observeResult, type TPEState } from './state.ts'

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
      const record = addRecord(s, index - warm.length, encodeConfig(encoding, trial.config))
      endRecord(s, record, trial.lastResult as Result | undefined, trial.state)
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
      vector = sampleTPE(s, this.options, trialId, finished)
      config = decodeConfig(s.encoding, vector)
    }
    addRecord(s, trialId, vector)
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
    if (record?.status === 'running') observeResult(this.#state as TPEState, record, result)
  }

  onTrialComplete(trialId: number, result: Result | undefined, state: TrialState): void {
    const record = this.#state?.records.get(trialId)
    if (record?.status !== 'running') return
    endRecord(this.#state as TPEState, record, result, state)
  }
}
