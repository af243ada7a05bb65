import { defineOptions, METRIC, number, type SchemaOf } from '../options/index.ts'
import type { Decision, Objective as ExperimentObjective, Result, TrialInfo } from '../types.ts'
import { numberIn, type Objective, rankedObjective, readSetup, ready, scoreIn, TIME_ATTR } from './common.ts'
import type { RunCandidates, RunChoice, Scheduler, SchedulerSetup } from './scheduler.ts'

/**
 * Options of {@link HyperBandScheduler}; the defaults are Ray Tune's.
 *
 * @example
 * ```ts
 * const options: HyperBandOptions = { maxT: 81, reductionFactor: 3 }
 * ```
 */
export interface HyperBandOptions {
  /**
   * The result field that measures progress; must grow with every report and carry on across a pause.
   * @default 'training_iteration'
   */
  timeAttr?: string
  /**
   * The most `timeAttr` any trial gets (the paper's R).
   * @default 81
   */
  maxT?: number
  /**
   * The paper's eta: each halving keeps `1/eta` of a bracket and gives it `eta` times the budget.
   * @default 3
   */
  reductionFactor?: number
  /**
   * With several objectives, the one this scheduler ranks trials by (one of the experiment's `metric`s, in its own
   * mode): needed then, as it compares trials by one number; the experiment's other objectives still reach the searcher
   * and the results. With one objective, leave it out (or give that metric).
   */
  metric?: string
}

/** Every option of {@link HyperBandScheduler}: kinds, ranges and defaults (Ray Tune's). */
export const HYPERBAND_OPTIONS = defineOptions('HyperBandScheduler', {
  timeAttr: TIME_ATTR,
  maxT: number({ min: 1 }).withDefault(81),
  reductionFactor: number({ above: 1 }).withDefault(3),
  metric: METRIC,
} satisfies SchemaOf<HyperBandOptions>)
/** Absorbs float noise in `maxT / eta^k` (81 / 3^4 must be 1, not 0.9999999999999999). */
const EPSILON = 1e-9

/** A trial of a bracket as the bracket last saw it. */
interface Member {
  time: number
  score: number | undefined
}

/** One bracket: `n0` trials that start with budget `milestones[0]`, halved `s` times. */
export interface BracketPlan {
  readonly s: number
  /** Trials the bracket takes (Ray: `ceil(sMax1 / (s + 1) * eta^s)`). */
  readonly size: number
  /** Cumulative `timeAttr` at each stage: `floor(maxT * eta^(i - s))`, the last one `maxT`. */
  readonly milestones: readonly number[]
}

interface Bracket extends BracketPlan {
  /** Members still in play, in the order they joined. */
  readonly live: Map<number, Member>
  /** How many trials joined: once `size`, or once the searcher runs dry, it takes no more. */
  joined: number
  closed: boolean
  /** Index into `milestones` of the current stage. */
  stage: number
  /** How many trials the next halving keeps (Ray: `ceil(previous / eta)`). */
  keep: number
}

/**
 * The brackets of one HyperBand band for `maxT` and `eta`, in the order
 * trials fill them (Ray Tune's: the bracket without halving first, the most
 * aggressive last). Brackets whose first budget rounds to 0 are left out.
 *
 * @example
 * ```ts
 * bandPlan(81, 3).map((b) => [b.size, b.milestones[0]]) // [[5, 81], [8, 27], [15, 9], [34, 3], [81, 1]]
 * ```
 */
export function bandPlan(maxT: number, eta: number): BracketPlan[] {
  const sMax1 = Math.round(Math.log(maxT) / Math.log(eta)) + 1
  const plans: BracketPlan[] = []
  for (let s = 0; s < sMax1; s++) {
    const milestones = Array.from({ length: s + 1 }, (_, i) => (i === s ? maxT : Math.floor(maxT / eta ** (s - i) + EPSILON)))
    if ((milestones[0] as number) <= 0) continue
    plans.push({ s, size: Math.ceil((sMax1 * eta ** s) / (s + 1) - EPSILON), milestones })
  }
  return plans
}

/**
 * Synchronous HyperBand (Li et al. 2017), after Ray Tune's
 * `HyperBandScheduler`. New trials fill brackets one after another; a trial
 * pauses when its `timeAttr` reaches its bracket's current milestone. Once
 * the bracket is full (or the searcher has run dry) and every trial still in
 * it has reached the milestone, the best `ceil(n / eta)` are promoted (they
 * resume up to the next milestone, `eta` times further) and the rest are
 * stopped. At the last milestone, `maxT`, a trial is stopped: it is done,
 * and recorded `completed` (see `Scheduler.maxT`).
 *
 * It needs pause and resume: implement checkpoints in the trainable, so a
 * resumed trial carries on from where it paused. `choose` resumes promoted
 * trials first (oldest bracket first), then runs pending ones, then asks for
 * new trials. Results without a numeric `timeAttr` or metric are ignored.
 *
 * Losers that are paused when their bracket halves cannot be stopped by a
 * decision (they send no result); they are never chosen again, and the Tuner
 * stops them once nothing else is left to run.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, metric: 'accuracy', mode: 'max', numSamples: 143,
 *   scheduler: new HyperBandScheduler({ maxT: 81, reductionFactor: 3 }) })
 * ```
 */
export class HyperBandScheduler implements Scheduler {
  readonly timeAttr: string
  readonly maxT: number
  readonly reductionFactor: number
  /** The brackets of one band, in fill order. */
  readonly plan: readonly BracketPlan[]
  #objective: Objective | undefined
  #brackets: Bracket[] = []
  /** Index into `plan` of the next bracket to open. */
  #next = 0
  readonly #bracketOf = new Map<number, Bracket>()

  /** The objective it ranks trials by, when the experiment has several (its `metric` option); undefined: the one metric. */
  readonly metric: string | undefined

  constructor(options?: HyperBandOptions) {
    const o = HYPERBAND_OPTIONS.read(options)
    this.metric = o.metric
    this.timeAttr = o.timeAttr
    this.maxT = o.maxT
    this.reductionFactor = o.reductionFactor
    this.plan = bandPlan(this.maxT, this.reductionFactor)
  }

  /** Refuses several objectives unless the `metric` option picks one (see `Scheduler.checkObjectives`). */
  checkObjectives(objectives: readonly ExperimentObjective[]): void {
    rankedObjective('HyperBandScheduler', objectives, this.metric)
  }

  setup(options: SchedulerSetup): void {
    this.#objective = readSetup('HyperBandScheduler', options, this.metric)
    this.#brackets = []
    this.#next = 0
    this.#bracketOf.clear()
  }

  onTrialAdd(trial: TrialInfo): void {
    ready(this.#objective, 'HyperBandScheduler')
    if (this.#bracketOf.has(trial.id)) return
    let bracket = this.#brackets.at(-1)
    if (bracket === undefined || bracket.closed) {
      const plan = this.plan[this.#next % this.plan.length] as BracketPlan
      this.#next++
      bracket = { ...plan, live: new Map(), joined: 0, closed: false, stage: 0, keep: plan.size }
      this.#brackets.push(bracket)
    }
    bracket.live.set(trial.id, { time: 0, score: undefined })
    bracket.joined++
    if (bracket.joined >= bracket.size) bracket.closed = true
    this.#bracketOf.set(trial.id, bracket)
  }

  onTrialResult(trial: TrialInfo, result: Result): Decision {
    const bracket = this.#bracketOf.get(trial.id)
    const objective = this.#objective
    if (bracket === undefined || objective === undefined) return 'continue'
    const member = bracket.live.get(trial.id)
    // Halved out earlier (it should not be running): say so again.
    if (member === undefined) return 'stop'
    const time = numberIn(result, this.timeAttr)
    const score = scoreIn(result, objective.metric, objective.sign)
    if (time === undefined || score === undefined) return 'continue'
    member.time = time
    member.score = score
    if (time < milestoneOf(bracket)) return 'continue'
    if (time >= this.maxT || bracket.stage === bracket.milestones.length - 1) {
      // Its full budget is spent; nothing is left to decide about it.
      bracket.live.delete(trial.id)
      this.#settle(bracket)
      return 'stop'
    }
    this.#settle(bracket)
    if (!bracket.live.has(trial.id)) return 'stop'
    return time < milestoneOf(bracket) ? 'continue' : 'pause'
  }

  onTrialComplete(trial: TrialInfo, _result: Result | undefined): void {
    const bracket = this.#bracketOf.get(trial.id)
    if (bracket === undefined) return
    this.#bracketOf.delete(trial.id)
    // One trial fewer to wait for may be what lets the bracket halve.
    if (bracket.live.delete(trial.id)) this.#settle(bracket)
  }

  choose({ pending, paused, canCreate }: RunCandidates): RunChoice {
    if (!canCreate) {
      // No trial will join any more: halve brackets with what they have, or they would wait forever.
      for (const bracket of this.#brackets) {
        bracket.closed = true
        this.#settle(bracket)
      }
    }
    const pendingIds = new Map(pending.map((t) => [t.id, t]))
    const pausedIds = new Map(paused.map((t) => [t.id, t]))
    // Oldest bracket first: finishing it sooner frees its losers and gives the best configs their budget sooner.
    for (const bracket of this.#brackets) {
      const milestone = milestoneOf(bracket)
      for (const [id, member] of bracket.live) {
        const waiting = pendingIds.get(id)
        if (waiting !== undefined) return waiting
        const resumable = pausedIds.get(id)
        if (resumable !== undefined && member.time < milestone) return resumable
      }
    }
    if (canCreate) return 'new'
    // Trials it never heard of run first come, first served; its own paused losers never do.
    return pending.find((t) => !this.#bracketOf.has(t.id)) ?? paused.find((t) => !this.#bracketOf.has(t.id))
  }

  /** Halves the bracket for as long as it is closed and every live trial has reached the milestone. */
  #settle(bracket: Bracket): void {
    while (bracket.closed && bracket.stage < bracket.milestones.length - 1 && bracket.live.size > 0) {
      const milestone = milestoneOf(bracket)
      if ([...bracket.live.values()].some((m) => m.time < milestone)) return
      // A bracket closed early (the searcher ran dry) halves what joined it, not what its plan foresaw.
      bracket.keep = Math.ceil(Math.min(bracket.keep, bracket.joined) / this.reductionFactor)
      bracket.stage++
      // Best first; a trial with no score yet ranks last; ties keep joining order (Array.sort is stable).
      const ranked = [...bracket.live].sort(([, a], [, b]) => better(a, b))
      for (const [id] of ranked.slice(bracket.keep)) bracket.live.delete(id)
    }
  }
}

/** Sort order, best first; no score ranks below every number (a NaN metric's -Infinity included), and ties keep their order. */
function better(a: Member, b: Member): number {
  const x = a.score
  const y = b.score
  if (x === y) return 0
  if (x === undefined) return 1
  if (y === undefined) return -1
  return x > y ? -1 : x < y ? 1 : 0
}

function milestoneOf(bracket: Bracket): number {
  return bracket.milestones[bracket.stage] as number
}
