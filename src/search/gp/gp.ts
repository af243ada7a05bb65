/**
 * GPSearch: Bayesian optimisation with a Gaussian process, after Optuna 5's
 * GPSampler, behind the Searcher interface.
 */

import { SpaceError } from '../../errors.ts'
import { signOf } from '../../objectives/index.ts'
import { argumentAt, optionAt } from '../../options/index.ts'
import type { Config, Result, TrialState } from '../../types.ts'
import { conditionalPath } from '../branches.ts'
import { PointQueue } from '../points-to-evaluate.ts'
import { createRandom, deriveSeed } from '../rng.ts'
import { sampleConfig } from '../sample.ts'
import type { Searcher, SearcherSetup } from '../searcher.ts'
import { checkSetup, readyQueue, readySetup } from '../setup.ts'
import type { Space } from '../space.ts'
import { checkWarmStart } from '../warm-start.ts'
import { LogEI } from './acquisition.ts'
import { latinHypercube } from './design.ts'
import { decodeUnit, drawnCoordinate, encodeUnit, hasFewValued, type UnitSpace, unitSpace } from './encode.ts'
import { fitKernel, type KernelFit } from './fit.ts'
import { MIN_NOISE } from './likelihood.ts'
import { fitSubset, type Observation, selectRows, trainingData } from './observations.ts'
import { maximizeAcquisition } from './optimize.ts'
import { GP_OPTIONS, type GPOptions, type ResolvedGPOptions } from './options.ts'
import { Posterior } from './posterior.ts'

/** What the searcher knows about one trial it suggested. */
interface GPRecord {
  readonly id: number
  /** Unit coordinates of the suggested config. */
  readonly x: Float64Array
  status: 'running' | 'finished' | 'ignored'
  /** Last reported metric, signed so that lower is better; NaN when none. */
  value: number
}

interface GPState {
  readonly space: Space
  readonly unit: UnitSpace
  readonly metric: string
  /** +1 for 'min', -1 for 'max'. */
  readonly sign: number
  readonly seed: number
  readonly numSamples: number
  suggested: number
  readonly records: Map<number, GPRecord>
  /** The previous fit: the next fit's starting point, and the kernel until then. */
  fitted: KernelFit | undefined
  /** How many trials the previous fit saw. */
  fittedOn: number
  /** The first trials' Latin hypercube, made at the first suggestion. */
  design: Float64Array | undefined
  /** Whether the values are warped before the GP models them (`warpValues`, 'auto' settled by the space). */
  readonly warp: boolean
  /** The smallest noise variance the kernel may fit (`minNoise`, 'auto' settled by the space). */
  readonly minNoise: number
  /** How many trials start the run before the GP (`nStartupTrials`, 'auto' settled by the space and the budget). */
  readonly startup: number
  readonly queue: PointQueue
}

/** L-BFGS budget of the kernel fit (Optuna: scipy's default 15000 iterations, gradient tolerance 1e-2). */
const FIT = { maxIterations: 100, gradientTolerance: 1e-2 }
/**
 * The noise floor of `minNoise: 'auto'` on spaces of few values, whose values are not warped: below Optuna's
 * 1e-6 it won mixed6 and mixedshift on three seed sets and mlp-mixed on two ("The floor as an option"), and,
 * with the warp off, the integer spaces of "Spaces of few values" (docs/search.md).
 */
const FEW_VALUED_MIN_NOISE = 1e-8
/**
 * The start of `nStartupTrials: 'auto'`: Optuna's 10 trials, or 15 with a budget of at least 50 trials on spaces
 * without few-valued parameters, where the longer start left fewer runs in a local optimum and won most functions'
 * medians at 50, 100 and 200 trials; at 30 trials, and on mixed spaces, it lost (docs/search.md, "How many start trials").
 */
const START = { short: 10, long: 15, longFromBudget: 50 }
/** L-BFGS iterations per continuous pass of a local search (Optuna: 200). */
const LOCAL_ITERATIONS = 200

/**
 * Gaussian-process Bayesian optimisation. The first `nStartupTrials` configs
 * (by default 10, or 15 from 50 trials on spaces without few-valued parameters) form a Latin hypercube, which
 * covers the space more evenly than independent draws; then each suggestion
 *
 * 1. maps every finished trial into [0, 1]^d (log domains in log space,
 *    integer and quantised domains by their steps, `randn` through its CDF,
 *    `choice` and `grid` as categories) and standardises the values
 *    (by default on spaces without few-valued parameters, through a fitted power
 *    transform: `warpValues`);
 * 2. fits a Matérn-5/2 kernel with one lengthscale per parameter (and a
 *    Hamming distance for categories) by maximising the marginal
 *    likelihood with Optuna's priors, starting from the previous fit
 *    (refitted once the trials have grown by `refitAfter`, 5%; the last
 *    fit's kernel serves in between);
 * 3. adds running trials as "Kriging believer" fantasies (observed at the
 *    posterior mean), so parallel suggestions spread out;
 * 4. maximises log expected improvement: `nCandidates` quasi-random
 *    candidates, then `nLocalSearch` local searches (L-BFGS over continuous
 *    parameters, exhaustive or probing searches over discrete ones).
 *
 * Trials stopped early by a scheduler count with their last value; errored
 * trials and trials without the metric are ignored. Suggestion k depends on
 * the seed, k, the budget (through the start) and what the searcher was told before it.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, search: new GPSearch(), numSamples: 60 })
 * ```
 */
export class GPSearch implements Searcher {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedGPOptions
  #state: GPState | undefined

  constructor(options?: GPOptions) {
    this.options = GP_OPTIONS.read(options)
  }

  setup(options: SearcherSetup): void {
    const { space, metric, mode, seed, numSamples } = checkSetup(options, { several: 'refuse', owner: 'GPSearch' })
    const conditional = conditionalPath(space)
    if (conditional !== undefined) {
      // One GP over every branch's parameters would compare values of trials that never set them.
      throw new SpaceError(
        `GPSearch: ${conditional}: needs a space without choices over sub-spaces (GPSearch does not model conditional spaces), got a conditional choice; use TPESearch, or AutoSearch, which picks TPE for it`,
        { field: conditional },
      )
    }
    const queue = new PointQueue(space, this.options.pointsToEvaluate, optionAt('GPSearch', 'pointsToEvaluate'), numSamples)
    const warm = checkWarmStart(space, this.options.warmStart, 'GPSearch')
    const unit = unitSpace(space)
    // Where a parameter moves in a few steps, the valley moves in steps with it: the 'auto' defaults differ there.
    const fewValued = hasFewValued(unit)
    const { warpValues, minNoise, nStartupTrials } = this.options
    const warp = warpValues === 'auto' ? !fewValued : warpValues
    const s: GPState = {
      space,
      unit,
      metric,
      sign: signOf(mode),
      seed,
      numSamples,
      suggested: 0,
      records: new Map(),
      fitted: undefined,
      fittedOn: 0,
      design: undefined,
      warp,
      minNoise: minNoise !== 'auto' ? minNoise : fewValued ? FEW_VALUED_MIN_NOISE : MIN_NOISE,
      startup: nStartupTrials !== 'auto' ? nStartupTrials : !fewValued && numSamples >= START.longFromBudget ? START.long : START.short,
      queue,
    }
    this.#state = s
    // Ids -n..-1: apart from this run's, and before them in the model's id order.
    warm.forEach((trial, index) => {
      const id = index - warm.length
      const record: GPRecord = { id, x: encodeUnit(s.unit, trial.config), status: 'running', value: Number.NaN }
      s.records.set(id, record)
      this.#end(record, trial.lastResult as Result | undefined, trial.state)
    })
  }

  suggest(trialId: number): Config | null {
    const s = readySetup(this.#state, 'GPSearch', trialId)
    if (s.suggested >= s.numSamples) return null
    s.suggested++
    const observations: Observation[] = []
    for (const record of s.records.values()) {
      if (record.status === 'finished' && !Number.isNaN(record.value))
        observations.push({ id: record.id, x: record.x, value: record.value })
    }
    const random = createRandom(deriveSeed(s.seed, 'sample', trialId))
    const queued = s.queue.next(random)
    const x =
      queued !== undefined
        ? undefined
        : observations.length >= s.startup && s.unit.D > 0
          ? this.#model(s, trialId, observations)
          : this.#start(s, trialId)
    // Past the design, and should the kernel matrix not factor: RandomSearch's config for this trial.
    const config = queued ?? (x === undefined ? sampleConfig(s.space, random) : decodeUnit(s.unit, x))
    s.records.set(trialId, { id: trialId, x: x ?? encodeUnit(s.unit, config), status: 'running', value: Number.NaN })
    return config
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

  /**
   * Suggests `config` before the GP's own proposals (see {@link Searcher.enqueue}); it counts in `numSamples`.
   *
   * @example
   * ```ts
   * search.enqueue({ lr: 0.01 })
   * ```
   */
  enqueue(config: Config): void {
    readyQueue(this.#state, 'GPSearch').add(config, argumentAt('GPSearch.enqueue', 'config'))
  }

  /** A trial ended: learnt from when it has a value, else ignored. */
  #end(record: GPRecord, result: Result | undefined, state: TrialState): void {
    if (result !== undefined) this.#observe(record, result)
    record.status = (state === 'completed' || state === 'stopped') && !Number.isNaN(record.value) ? 'finished' : 'ignored'
  }

  #observe(record: GPRecord, result: Result): void {
    const s = this.#state as GPState
    const value = result[s.metric]
    if (typeof value === 'number' && !Number.isNaN(value)) record.value = s.sign * value
  }

  /** Row `trialId` of the seed's Latin hypercube of `s.startup` points (fewer if the budget is), if there is one. */
  #start(s: GPState, trialId: number): Float64Array | undefined {
    const { D } = s.unit
    // A budget below the start gets a hypercube of its own size: every slice of each range is then tried.
    const count = Math.min(s.startup, s.numSamples)
    if (trialId >= count || D === 0) return undefined
    s.design ??= latinHypercube(D, count, createRandom(deriveSeed(s.seed, 'gp-design')))
    return Float64Array.from({ length: D }, (_, d) => drawnCoordinate(s.unit, d, s.design?.[trialId * D + d] as number))
  }

  /** The model's suggestion in unit coordinates, or undefined if the kernel matrix cannot be factored. */
  #model(s: GPState, trialId: number, observations: Observation[]): Float64Array | undefined {
    observations.sort((a, b) => a.id - b.id)
    const { D, categorical } = s.unit
    const training = trainingData(observations, D, categorical, s.warp)
    const o = this.options
    // One more trial rarely moves the kernel's optimum (the warm-started fit confirms it in a few steps):
    // refitting once the trials have grown by `refitAfter` keeps most of the fit's time for a fraction of its runs.
    if (s.fitted === undefined || observations.length >= s.fittedOn + Math.max(1, Math.floor(s.fittedOn * o.refitAfter))) {
      const fitRows = selectRows(training, fitSubset(training.y, o.maxFitTrials))
      s.fitted = fitKernel(fitRows.points, fitRows.y, s.fitted, { ...FIT, minNoise: s.minNoise })
      s.fittedOn = observations.length
    }
    const running = [...s.records.values()].filter((r) => r.status === 'running').sort((a, b) => a.id - b.id)
    const modelRows = selectRows(training, fitSubset(training.y, o.maxModelTrials))
    const posterior = Posterior.create(modelRows.points, modelRows.y, s.fitted.params, running.length)
    if (posterior === undefined) return undefined
    let best = training.y[training.best] as number
    for (const record of running) {
      const fantasy = posterior.addFantasy(record.x)
      if (fantasy !== undefined) best = Math.max(best, fantasy)
    }
    const acquisition = new LogEI(posterior, best, D)
    const incumbent = (observations[training.best] as Observation).x
    const random = createRandom(deriveSeed(s.seed, 'gp', trialId))
    const x = maximizeAcquisition(acquisition, s.unit, [incumbent], random, {
      candidates: o.nCandidates,
      localSearches: o.nLocalSearch,
      maxIterations: LOCAL_ITERATIONS,
    })
    return x.every(Number.isFinite) ? x : undefined
  }
}
