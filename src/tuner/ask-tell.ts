/**
 * Ask/tell: run your own loop, with any searcher, and no pool. Like
 * Optuna's `study.ask()` / `study.tell()`.
 */
import { show, TrialError } from '../errors.ts'
import { objectiveOptions } from '../objectives/index.ts'
import {
  argumentAt,
  check,
  defineOptions,
  integer,
  invalid,
  isObject,
  METRICS,
  MODES,
  objectivesFrom,
  oneOf,
  problemAt,
  type SchemaOf,
} from '../options/index.ts'
import { checkConfig } from '../search/points-to-evaluate.ts'
import { deriveSeed } from '../search/rng.ts'
import type { Searcher } from '../search/searcher.ts'
import type { ConfigOf, Space } from '../search/space.ts'
import type { Metrics, Mode, Objective, Result, TrialInfo, TrialState } from '../types.ts'
import { checkMetrics } from '../workers/check-metrics.ts'
import { RANDOM_SEED, SEARCHER, SPACE } from './options.ts'
import { plannedSamples } from './planned-samples.ts'
import { ResultGrid } from './results.ts'

/**
 * Options of a {@link Study}. Only `space` and `metric` are required.
 *
 * @example
 * ```ts
 * const options: StudyOptions<typeof space> = { space, metric: 'loss', mode: 'min', search: new TPESearch(), seed: 1 }
 * ```
 */
export interface StudyOptions<S extends Space = Space> {
  readonly space: S
  /** The metric told results carry; searchers optimise it. An array of distinct names for several objectives. */
  readonly metric: string | readonly string[]
  /**
   * Whether lower (`'min'`) or higher (`'max'`) is better: one mode for every metric, or one per metric.
   * @default 'min'
   */
  readonly mode?: Mode | readonly Mode[]
  /**
   * Proposes configs.
   * @default `new RandomSearch()`
   */
  readonly search?: Searcher
  /**
   * The seed every suggestion derives from.
   * @default drawn at random; read it back from `.seed`
   */
  readonly seed?: number
  /**
   * How many trials `ask` hands out before returning null (for GridSearch: repeats of the grid).
   * @default 2147483647 (2^31 - 1: in effect unlimited; 1 with GridSearch: the grid once)
   */
  readonly numSamples?: number
}

/** Every option of a {@link Study}: kinds, ranges and defaults. */
export const STUDY_OPTIONS = defineOptions('Study', {
  space: SPACE.required(),
  metric: METRICS.required(),
  mode: MODES.withDefault('min'),
  search: SEARCHER,
  seed: RANDOM_SEED,
  numSamples: integer({ min: 1 }).withDefault(2 ** 31 - 1),
} satisfies SchemaOf<StudyOptions>)

/** A trial handed out by {@link Study.ask}. */
export interface AskedTrial<C> {
  readonly trialId: number
  readonly config: C
  /** A seed for the trial's own randomness, as a Tuner's trial gets. */
  readonly seed: number
}

/** How a told trial ended. */
export type ToldState = 'completed' | 'stopped' | 'errored'

const TOLD_STATE = oneOf<ToldState>(['completed', 'stopped', 'errored']).withDefault('completed')

interface StudyTrial {
  readonly id: number
  readonly config: Record<string, unknown>
  readonly seed: number
  readonly askedAt: number
  state: TrialState
  readonly history: Result[]
  error: Error | undefined
}

/**
 * An experiment you drive yourself: `ask()` for a config from the searcher,
 * evaluate it however you like, `tell()` the result. Optionally `report()`
 * intermediate results first, as a trainable would; a trial you end early
 * is told `'stopped'` and ranked by how far it got.
 *
 * @example
 * ```ts
 * const study = new Study({ space: { x: uniform(-5, 5) }, metric: 'loss', search: new TPESearch(), seed: 1 })
 * for (let i = 0; i < 50; i++) {
 *   const trial = study.ask()
 *   if (trial === null) break
 *   study.tell(trial.trialId, (trial.config.x - 2) ** 2)
 * }
 * console.log(study.results.best().config)
 * ```
 */
export class Study<S extends Space = Space> {
  /** The metric told numbers are; with several objectives, the first (see `objectives`). */
  readonly metric: string
  readonly mode: Mode
  /**
   * Every objective, in order: one, or several for a multi-objective study (told as an object or an array of numbers).
   *
   * @example
   * ```ts
   * new Study({ space, metric: ['loss', 'latency_ms'], mode: ['min', 'min'] }).objectives.length // 2
   * ```
   */
  readonly objectives: readonly Objective[]
  readonly seed: number
  readonly numSamples: number
  readonly search: Searcher
  readonly #space: Space
  readonly #trials = new Map<number, StudyTrial>()
  #nextId = 0
  #exhausted = false

  constructor(options: StudyOptions<S>) {
    const o = STUDY_OPTIONS.read(options)
    this.objectives = objectivesFrom('Study', o.metric, o.mode)
    ;({ metric: this.metric, mode: this.mode } = this.objectives[0] as Objective)
    this.seed = o.seed
    this.numSamples = plannedSamples(o.search, o.numSamples, options.numSamples !== undefined)
    this.search = o.search
    this.#space = o.space
    const objectives = this.objectives.length > 1 ? { objectives: this.objectives } : {}
    this.search.setup({ space: o.space, metric: this.metric, mode: this.mode, ...objectives, seed: this.seed, numSamples: this.numSamples })
  }

  /**
   * The next trial, or null once the searcher has nothing more to propose.
   *
   * @example
   * ```ts
   * const trial = study.ask()
   * if (trial) study.tell(trial.trialId, evaluate(trial.config))
   * ```
   */
  ask(): AskedTrial<ConfigOf<S>> | null {
    if (this.#exhausted) return null
    const id = this.#nextId
    const config = this.search.suggest(id)
    if (config === null) {
      this.#exhausted = true
      return null
    }
    this.#nextId++
    const trial: StudyTrial = {
      id,
      config,
      seed: deriveSeed(this.seed, 'trial', id),
      askedAt: performance.now(),
      state: 'running',
      history: [],
      error: undefined,
    }
    this.#trials.set(id, trial)
    return { trialId: id, config: config as ConfigOf<S>, seed: trial.seed }
  }

  /**
   * Queues `config` to be asked for before the searcher's own proposals,
   * after configs queued earlier (as Optuna's `enqueue_trial`). It is checked
   * against the space now: keys it leaves out are drawn when it is asked
   * for; a key or value the space cannot give is a {@link ConfigError}
   * (`Study.enqueue(config.lr): must be a number in [0.0001, 0.1] (loguniform), got 5`).
   * The searcher learns from its result as from any trial's; for RandomSearch
   * and TPESearch it counts in `numSamples`. Needs a searcher with an
   * `enqueue` method, as every built-in one has.
   *
   * @example
   * ```ts
   * study.enqueue({ lr: 0.01, layers: 2 })
   * const trial = study.ask() // trial.config.lr === 0.01
   * ```
   */
  enqueue(config: Partial<ConfigOf<S>>): void {
    const at = argumentAt('Study.enqueue', 'config')
    if (typeof this.search.enqueue !== 'function') {
      throw problemAt(at, `needs a searcher with an enqueue method, got ${show(this.search)}; the built-in searchers have one`)
    }
    checkConfig(this.#space, config, at, false)
    this.search.enqueue(config)
  }

  /**
   * Records an intermediate result of a running trial (a number is the
   * metric's value) and passes it to the searcher; returns the recorded result.
   *
   * @example
   * ```ts
   * for (let epoch = 1; epoch <= 10; epoch++) study.report(trial.trialId, { loss: trainEpoch() })
   * ```
   */
  report(trialId: number, metrics: number | readonly number[] | Metrics): Result {
    const trial = this.#running(trialId, 'report')
    const result = this.#record(trial, metrics, 'report')
    this.search.onTrialResult(trialId, result)
    return result
  }

  /**
   * Ends a trial: records its final result (a number is the metric's value),
   * if given, and tells the searcher how it ended. `'completed'` needs a
   * result, now or reported before; `'stopped'` means you ended it early;
   * `'errored'` trials are ignored by model-based searchers. Telling an
   * unknown or already-told trial throws a {@link ConfigError}.
   *
   * @example
   * ```ts
   * study.tell(trial.trialId, 0.25)
   * study.tell(other.trialId, undefined, 'errored')
   * ```
   */
  tell(trialId: number, metrics?: number | readonly number[] | Metrics, state?: ToldState): void {
    const trial = this.#running(trialId, 'tell')
    const told = check(TOLD_STATE, state, argumentAt('Study.tell', 'state'))
    const at = argumentAt('Study.tell', 'metrics')
    if (metrics === undefined && told === 'completed' && trial.history.length === 0) {
      throw problemAt(at, `trial ${trialId}: a completed trial needs a result (a number or metrics), got undefined`)
    }
    // A completed trial without the metric is almost always a typo in the metric's name; the searcher could not rank it.
    const missing = isObject(metrics) ? this.objectives.find((o) => typeof metrics[o.metric] !== 'number') : undefined
    if (told === 'completed' && isObject(metrics) && missing !== undefined) {
      throw problemAt(
        at,
        `trial ${trialId}: a completed trial needs a number for ${show(missing.metric)}, got keys ${Object.keys(metrics).join(', ') || 'none'}`,
      )
    }
    if (metrics !== undefined) {
      const result = this.#record(trial, metrics, 'tell')
      this.search.onTrialResult(trialId, result)
    }
    trial.state = told
    if (told === 'errored') trial.error = new TrialError(trialId, `trial ${trialId}: told errored`)
    this.search.onTrialComplete(trialId, trial.history.at(-1), told)
  }

  /**
   * The told trials (completed, stopped and errored), as a Tuner's results.
   *
   * @example
   * ```ts
   * study.results.best().config
   * ```
   */
  get results(): ResultGrid<ConfigOf<S>> {
    const told: TrialInfo[] = []
    for (const trial of this.#trials.values()) {
      if (trial.state === 'running') continue
      told.push(
        Object.freeze({
          id: trial.id,
          config: trial.config,
          seed: trial.seed,
          state: trial.state,
          lastResult: trial.history.at(-1),
          history: trial.history.slice(),
          error: trial.error,
        }),
      )
    }
    return new ResultGrid<ConfigOf<S>>(told, { ...objectiveOptions(this.objectives), space: this.#space })
  }

  /** Ids of trials asked for and not yet told, in order. */
  get running(): number[] {
    return [...this.#trials.values()].filter((t) => t.state === 'running').map((t) => t.id)
  }

  #running(trialId: number, method: string): StudyTrial {
    const at = argumentAt(`Study.${method}`, 'trialId')
    const trial = this.#trials.get(trialId)
    if (trial === undefined) throw invalid(at, 'the id of a trial that was asked for', trialId)
    if (trial.state !== 'running') throw problemAt(at, `trial ${trialId} was already told (${trial.state})`)
    return trial
  }

  #record(trial: StudyTrial, metrics: number | readonly number[] | Metrics, method: string): Result {
    const at = argumentAt(`Study.${method}`, 'metrics')
    const several = this.objectives.length > 1
    const rule = several
      ? `an object of metrics, or an array of ${this.objectives.length} numbers (${this.objectives.map((o) => o.metric).join(', ')})`
      : 'a number or an object of metrics'
    let values: Metrics
    if (typeof metrics === 'number' && !several) values = { [this.metric]: metrics }
    else if (
      several &&
      Array.isArray(metrics) &&
      metrics.length === this.objectives.length &&
      metrics.every((v) => typeof v === 'number')
    ) {
      values = Object.fromEntries(this.objectives.map((o, i) => [o.metric, metrics[i]]))
    } else if (isObject(metrics)) values = metrics
    else throw invalid(at, rule, metrics)
    // The same values a trainable may report: what a log stores as it is.
    checkMetrics(values, at.label)
    const result: Result = {
      ...values,
      training_iteration: trial.history.length + 1,
      trial_id: trial.id,
      time_total_s: (performance.now() - trial.askedAt) / 1000,
    }
    trial.history.push(result)
    return result
  }
}
