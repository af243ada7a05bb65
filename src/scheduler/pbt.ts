import { arrayOf, custom, defineOptions, METRIC, number, type SchemaOf } from '../options/index.ts'
import { copyJson } from '../search/json.ts'
import { createRandom, deriveSeed } from '../search/rng.ts'
import type { Config, Decision, Objective as ExperimentObjective, Result, TrialInfo } from '../types.ts'
import { numberIn, type Objective, rankedObjective, readSetup, ready, scoreIn, TIME_ATTR } from './common.ts'
import { checkMutations, explore, MUTATIONS_RULE, type Mutations } from './explore.ts'
import type { ResumePlan, RunCandidates, RunChoice, Scheduler, SchedulerSetup } from './scheduler.ts'

/**
 * Options of {@link PopulationBasedTraining}.
 *
 * @example
 * ```ts
 * const options: PBTOptions = { perturbationInterval: 5, hyperparamMutations: { lr: loguniform(1e-4, 1e-1) } }
 * ```
 */
export interface PBTOptions {
  /** Which config keys to mutate and how (see {@link Mutations}). Required. */
  hyperparamMutations: Mutations
  /**
   * The result field that measures progress; must grow with every report and carry on across a pause.
   * @default 'training_iteration'
   */
  timeAttr?: string
  /**
   * A trial is considered for exploit and explore every this many `timeAttr` units.
   * @default 10
   */
  perturbationInterval?: number
  /**
   * No trial is perturbed before `timeAttr` reaches this.
   * @default 0
   */
  burnInPeriod?: number
  /**
   * The bottom fraction copies from the top fraction; in [0, 0.5].
   * @default 0.25
   */
  quantileFraction?: number
  /**
   * The chance that a mutated key is drawn afresh rather than moved.
   * @default 0.25
   */
  resampleProbability?: number
  /**
   * What numeric values are multiplied by when moved, one picked at random.
   * @default [1.2, 0.8]
   */
  perturbationFactors?: readonly number[]
  /**
   * With several objectives, the one this scheduler ranks trials by (one of the experiment's `metric`s, in its own
   * mode): needed then, as it compares trials by one number; the experiment's other objectives still reach the searcher
   * and the results. With one objective, leave it out (or give that metric).
   */
  metric?: string
}

/** Every option of {@link PopulationBasedTraining}: kinds, ranges and defaults (Ray Tune's). */
export const PBT_OPTIONS = defineOptions('PopulationBasedTraining', {
  hyperparamMutations: custom<Mutations>(MUTATIONS_RULE, (value, at) => {
    checkMutations(value, at)
    return copyJson(value)
  }).required(),
  timeAttr: TIME_ATTR,
  perturbationInterval: number({ above: 0 }).withDefault(10),
  burnInPeriod: number({ min: 0 }).withDefault(0),
  quantileFraction: number({ min: 0, max: 0.5 }).withDefault(0.25),
  resampleProbability: number({ min: 0, max: 1 }).withDefault(0.25),
  perturbationFactors: arrayOf(number({ above: 0 }), { rule: 'a non-empty array of numbers > 0', nonEmpty: true }).withDefault([1.2, 0.8]),
  metric: METRIC,
} satisfies SchemaOf<PBTOptions>)

interface Member {
  readonly trial: TrialInfo
  /** Score (higher is better) at the last perturbation point; undefined before the first. */
  lastScore: number | undefined
  lastPerturbationTime: number
  lastTrainTime: number
  exploits: number
  finished: boolean
  /** Set when it was paused to exploit a donor; handed to the Tuner by `beforeResume`. */
  plan: ResumePlan | undefined
}

/**
 * Population Based Training (Jaderberg et al. 2017), asynchronous, as Ray
 * Tune's `PopulationBasedTraining`. Every `perturbationInterval` of a trial's
 * `timeAttr`, its score is recorded and the population (trials that have a
 * score and have not ended) is ranked. A trial in the bottom
 * `quantileFraction` is paused to exploit a random trial of the top fraction:
 * `beforeResume` hands the Tuner the donor's config, explored (resampled
 * with `resampleProbability`, else numbers times 1.2 or 0.8 kept inside their
 * domain, lists and choices one step to a neighbour), and the donor's id,
 * whose latest checkpoint the trial restores. Exploited trials are resumed
 * first. When more trials exist than workers, a trial at a perturbation point
 * also pauses so the others get their turn (least trained first).
 *
 * The trainable must save checkpoints, and the Tuner should carry the donor's
 * `timeAttr` over with its checkpoint, as Ray Tune does. All randomness comes
 * from the experiment seed: the same results give the same decisions.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, metric: 'accuracy', mode: 'max', numSamples: 8, concurrency: 8,
 *   scheduler: new PopulationBasedTraining({
 *     perturbationInterval: 5,
 *     hyperparamMutations: { lr: loguniform(1e-4, 1e-1), batch: [16, 32, 64, 128] },
 *   }) })
 * ```
 */
export class PopulationBasedTraining implements Scheduler {
  readonly hyperparamMutations: Mutations
  readonly timeAttr: string
  readonly perturbationInterval: number
  readonly burnInPeriod: number
  readonly quantileFraction: number
  readonly resampleProbability: number
  readonly perturbationFactors: readonly number[]
  #objective: Objective | undefined
  /** Known trials in the order they were added (the ranking's tie order). */
  readonly #members = new Map<number, Member>()
  /** Whether the Tuner last said it could still create trials: then trials wait for a turn. */
  #moreToCome = false
  /** Trials the experiment will create in all: once they all exist, none is waiting to be created. */
  #planned: number | undefined

  /** The objective it ranks trials by, when the experiment has several (its `metric` option); undefined: the one metric. */
  readonly metric: string | undefined

  constructor(options: PBTOptions) {
    const o = PBT_OPTIONS.read(options)
    this.metric = o.metric
    this.hyperparamMutations = o.hyperparamMutations
    this.timeAttr = o.timeAttr
    this.perturbationInterval = o.perturbationInterval
    this.burnInPeriod = o.burnInPeriod
    this.quantileFraction = o.quantileFraction
    this.resampleProbability = o.resampleProbability
    this.perturbationFactors = [...o.perturbationFactors]
  }

  /** Refuses several objectives unless the `metric` option picks one (see `Scheduler.checkObjectives`). */
  checkObjectives(objectives: readonly ExperimentObjective[]): void {
    rankedObjective('PopulationBasedTraining', objectives, this.metric)
  }

  setup(options: SchedulerSetup): void {
    this.#objective = readSetup('PopulationBasedTraining', options, this.metric)
    this.#members.clear()
    this.#moreToCome = false
    this.#planned = options.plannedTrials
  }

  onTrialAdd(trial: TrialInfo): void {
    ready(this.#objective, 'PopulationBasedTraining')
    if (this.#members.has(trial.id)) return
    this.#members.set(trial.id, {
      trial,
      lastScore: undefined,
      lastPerturbationTime: 0,
      lastTrainTime: 0,
      exploits: 0,
      finished: false,
      plan: undefined,
    })
  }

  onTrialResult(trial: TrialInfo, result: Result): Decision {
    const member = this.#members.get(trial.id)
    const objective = this.#objective
    if (member === undefined || objective === undefined || member.finished) return 'continue'
    const time = numberIn(result, this.timeAttr)
    const score = scoreIn(result, objective.metric, objective.sign)
    if (time === undefined || score === undefined) return 'continue'
    if (time < this.burnInPeriod || time - member.lastPerturbationTime < this.perturbationInterval) return 'continue'

    member.lastScore = score
    member.lastTrainTime = time
    member.lastPerturbationTime = time
    const { lower, upper } = this.#quantiles()
    // Only donors at least as far along: a clone that went back in time could be sent back again at every
    // perturbation, and the last few live trials could take turns cloning each other for ever.
    const donors = upper.filter((d) => d.lastTrainTime >= time)
    if (lower.includes(member) && donors.length > 0) {
      const random = createRandom(deriveSeed(objective.seed, 'pbt', trial.id, member.exploits++))
      const donor = donors[Math.floor(random() * donors.length)] as Member
      const settings = { resampleProbability: this.resampleProbability, perturbationFactors: this.perturbationFactors }
      member.plan = { config: explore(donor.trial.config, this.hyperparamMutations, settings, random), restoreFrom: donor.trial.id }
      // It now continues from the donor's checkpoint, so it takes on the donor's clock (as Ray Tune does).
      member.lastPerturbationTime = donor.lastPerturbationTime
      member.lastTrainTime = donor.lastTrainTime
      return 'pause'
    }
    return this.#othersWaiting(member) ? 'pause' : 'continue'
  }

  onTrialComplete(trial: TrialInfo, _result: Result | undefined): void {
    const member = this.#members.get(trial.id)
    if (member === undefined) return
    member.finished = true
    member.plan = undefined
  }

  choose({ pending, paused, canCreate }: RunCandidates): RunChoice {
    this.#moreToCome = canCreate
    // Exploited trials first: their donor's checkpoint is fresh and their slot in the population is idle.
    const exploited = paused.filter((t) => this.#members.get(t.id)?.plan !== undefined)
    if (exploited.length > 0) return this.#leastTrained(exploited)
    if (pending.length > 0) return pending[0]
    if (canCreate) return 'new'
    return paused.length > 0 ? this.#leastTrained(paused) : undefined
  }

  beforeResume(trial: TrialInfo): ResumePlan | undefined {
    const member = this.#members.get(trial.id)
    const plan = member?.plan
    if (member === undefined || plan === undefined) return undefined
    member.plan = undefined
    return { config: copyJson(plan.config as Config), restoreFrom: plan.restoreFrom as number }
  }

  /** The bottom and top `quantileFraction` of live trials that have a score (Ray's `_quantiles`). */
  #quantiles(): { lower: Member[]; upper: Member[] } {
    const ranked = [...this.#members.values()]
      .filter((m) => m.lastScore !== undefined && !m.finished)
      .sort((a, b) => ascending(a.lastScore as number, b.lastScore as number))
    if (ranked.length <= 1) return { lower: [], upper: [] }
    const count = Math.min(Math.ceil(ranked.length * this.quantileFraction), Math.floor(ranked.length / 2))
    if (count === 0) return { lower: [], upper: [] }
    return { lower: ranked.slice(0, count), upper: ranked.slice(-count) }
  }

  /** Whether another trial is waiting for a worker, so this one should yield at its perturbation point. */
  #othersWaiting(member: Member): boolean {
    // The Tuner's last word may predate its last trial: with every planned trial created, nothing new waits.
    if (this.#moreToCome && (this.#planned === undefined || this.#members.size < this.#planned)) return true
    for (const other of this.#members.values()) {
      if (other !== member && !other.finished && (other.trial.state === 'pending' || other.trial.state === 'paused')) return true
    }
    return false
  }

  #leastTrained(trials: readonly TrialInfo[]): TrialInfo {
    const trainTime = (t: TrialInfo) => this.#members.get(t.id)?.lastTrainTime ?? Number.POSITIVE_INFINITY
    return trials.reduce((best, t) => (trainTime(t) < trainTime(best) ? t : best))
  }
}

/** Sort order for scores; unlike `a - b` it stays consistent for infinities. */
function ascending(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}
