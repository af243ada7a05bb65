import { defineOptions, integer, invalid, METRIC, number, optionAt, type SchemaOf } from '../options/index.ts'
import { createRandom, deriveSeed } from '../search/rng.ts'
import type { Decision, Objective as ExperimentObjective, Result, TrialInfo } from '../types.ts'
import { nanPercentile, numberIn, type Objective, rankedObjective, readSetup, ready, scoreIn, TIME_ATTR } from './common.ts'
import type { Scheduler, SchedulerSetup } from './scheduler.ts'

/**
 * Options of {@link ASHAScheduler}; the defaults are Ray Tune's.
 *
 * @example
 * ```ts
 * const options: ASHAOptions = { maxT: 100, gracePeriod: 1, reductionFactor: 4 }
 * ```
 */
export interface ASHAOptions {
  /**
   * The result field that measures progress; must grow with every report.
   * @default 'training_iteration'
   */
  timeAttr?: string
  /**
   * A trial is stopped once `timeAttr` reaches this.
   * @default 100
   */
  maxT?: number
  /**
   * The first rung: no trial is stopped before `timeAttr` reaches it; at most `maxT`.
   * @default 1
   */
  gracePeriod?: number
  /**
   * Keep the top `1 / reductionFactor` at each rung; rungs are `gracePeriod * reductionFactor^k`.
   * @default 4
   */
  reductionFactor?: number
  /**
   * How many brackets (bracket `s` starts at `gracePeriod * reductionFactor^s`).
   * @default 1
   */
  brackets?: number
  /**
   * With several objectives, the one this scheduler ranks trials by (one of the experiment's `metric`s, in its own
   * mode): needed then, as it compares trials by one number; the experiment's other objectives still reach the searcher
   * and the results. With one objective, leave it out (or give that metric).
   */
  metric?: string
}

/** Every option of {@link ASHAScheduler}: kinds, ranges and defaults (Ray Tune's). */
export const ASHA_OPTIONS = defineOptions('ASHAScheduler', {
  timeAttr: TIME_ATTR,
  maxT: number({ above: 0 }).withDefault(100),
  gracePeriod: number({ above: 0 }).withDefault(1),
  reductionFactor: number({ above: 1 }).withDefault(4),
  brackets: integer({ min: 1 }).withDefault(1),
  metric: METRIC,
} satisfies SchemaOf<ASHAOptions>)

/** One rung: its milestone and the score (higher is better) each trial had on reaching it. */
interface Rung {
  readonly milestone: number
  readonly recorded: Map<number, number>
}

/**
 * The milestones of bracket `s`: `grace * rf^(k + s)` up to `maxT`. Ray Tune
 * counts them as `int(log(maxT / grace) / log(rf) - s + 1)`, which loses the
 * top rung to rounding when the ratio is an exact power (log(1000)/log(10) =
 * 2.9999999999999996); multiplying with a relative tolerance does not.
 */
export function rungMilestones(grace: number, maxT: number, rf: number, s: number): number[] {
  const milestones: number[] = []
  for (let t = grace * rf ** s; t <= maxT * (1 + 1e-12); t *= rf) milestones.push(t)
  return milestones
}

/**
 * Asynchronous successive halving (ASHA, Li et al. 2018), as Ray Tune's
 * `ASHAScheduler`. Each bracket has rungs at `gracePeriod * reductionFactor^k`
 * (up to `maxT`). When a trial's `timeAttr` first reaches a rung, its metric is
 * compared with every value recorded at that rung so far: it continues only if
 * it is not below the `(1 - 1/reductionFactor)` percentile (in score terms,
 * i.e. it is in the top `1/reductionFactor`); either way its value is
 * recorded. Trials are never paused, so no worker waits for stragglers.
 * A trial is stopped when `timeAttr` reaches `maxT`; having run its full
 * budget, it is recorded `completed` (see `Scheduler.maxT`).
 *
 * Results without a numeric `timeAttr` or metric are ignored (`'continue'`); a NaN
 * metric ranks below every number (see `scoreIn`).
 * With several brackets, a trial joins one at random, weighted by
 * `e^(rungs in bracket)` as in Ray Tune, drawn from the experiment seed.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, metric: 'loss', mode: 'min',
 *   scheduler: new ASHAScheduler({ maxT: 81, gracePeriod: 1, reductionFactor: 3 }) })
 * ```
 */
export class ASHAScheduler implements Scheduler {
  readonly timeAttr: string
  readonly maxT: number
  readonly gracePeriod: number
  readonly reductionFactor: number
  readonly brackets: number
  #objective: Objective | undefined
  /** Per bracket, its rungs from the highest milestone down, so a result finds its rung first. */
  #rungs: Rung[][] = []
  readonly #bracketOf = new Map<number, Rung[]>()

  /** The objective it ranks trials by, when the experiment has several (its `metric` option); undefined: the one metric. */
  readonly metric: string | undefined

  constructor(options?: ASHAOptions) {
    const o = ASHA_OPTIONS.read(options)
    this.metric = o.metric
    if (o.gracePeriod > o.maxT) throw invalid(optionAt('ASHAScheduler', 'gracePeriod'), `a number in (0, maxT=${o.maxT}]`, o.gracePeriod)
    this.timeAttr = o.timeAttr
    this.maxT = o.maxT
    this.gracePeriod = o.gracePeriod
    this.reductionFactor = o.reductionFactor
    this.brackets = o.brackets
  }

  /** Refuses several objectives unless the `metric` option picks one (see `Scheduler.checkObjectives`). */
  checkObjectives(objectives: readonly ExperimentObjective[]): void {
    rankedObjective('ASHAScheduler', objectives, this.metric)
  }

  setup(options: SchedulerSetup): void {
    this.#objective = readSetup('ASHAScheduler', options, this.metric)
    this.#bracketOf.clear()
    this.#rungs = Array.from({ length: this.brackets }, (_, s) =>
      rungMilestones(this.gracePeriod, this.maxT, this.reductionFactor, s)
        .reverse()
        .map((milestone) => ({ milestone, recorded: new Map<number, number>() })),
    )
  }

  onTrialAdd(trial: TrialInfo): void {
    const { seed } = ready(this.#objective, 'ASHAScheduler')
    const sizes = this.#rungs.map((rungs) => rungs.length)
    const top = Math.max(...sizes)
    // Ray's softmax over rung counts; a per-trial stream keeps the draw independent of arrival order.
    const weights = sizes.map((size) => Math.exp(size - top))
    let pick = createRandom(deriveSeed(seed, 'asha', trial.id))() * weights.reduce((a, b) => a + b, 0)
    let index = 0
    while (index < weights.length - 1 && pick >= (weights[index] as number)) pick -= weights[index++] as number
    this.#bracketOf.set(trial.id, this.#rungs[index] as Rung[])
  }

  onTrialResult(trial: TrialInfo, result: Result): Decision {
    const rungs = this.#bracketOf.get(trial.id)
    const seen = this.#read(result)
    if (rungs === undefined || seen === undefined) return 'continue'
    if (seen.time >= this.maxT) return 'stop'
    return this.#atRung(rungs, trial.id, seen.time, seen.score)
  }

  onTrialComplete(trial: TrialInfo, result: Result | undefined): void {
    const rungs = this.#bracketOf.get(trial.id)
    if (rungs === undefined) return
    // A trial that ends on its own still tells later trials what its rungs looked like.
    const seen = this.#read(result)
    if (seen !== undefined) this.#atRung(rungs, trial.id, seen.time, seen.score)
    this.#bracketOf.delete(trial.id)
  }

  /** The cut-off of a rung: the `(1 - 1/rf)` percentile of recorded scores; undefined while empty. */
  cutoff(recorded: Iterable<number>): number | undefined {
    return nanPercentile(recorded, (1 - 1 / this.reductionFactor) * 100)
  }

  #read(result: Result | undefined): { time: number; score: number } | undefined {
    const objective = this.#objective
    const time = numberIn(result, this.timeAttr)
    const score = objective && scoreIn(result, objective.metric, objective.sign)
    if (time === undefined || score === undefined) return undefined
    return { time, score }
  }

  /** Judges the trial at the highest rung it has reached but not yet been recorded at (Ray's `_Bracket.on_result`). */
  #atRung(rungs: readonly Rung[], id: number, time: number, score: number): Decision {
    for (const { milestone, recorded } of rungs) {
      if (time < milestone || recorded.has(id)) continue
      const cutoff = this.cutoff(recorded.values())
      recorded.set(id, score)
      // Strictly below: a tie with the cut-off continues, as in Ray Tune.
      return cutoff !== undefined && score < cutoff ? 'stop' : 'continue'
    }
    return 'continue'
  }
}
