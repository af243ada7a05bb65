/**
 * Ask/tell: run your own loop, with any searcher, and no pool. Like
 * Optuna's `study.ask()` / `study.tell()`.
 */
import { randomInt } from 'node:crypto'
import { ConfigError, show, TrialError } from '../errors.ts'
import { rejectUnknownKeys } from '../known-keys.ts'
import { RandomSearch } from '../search/random.ts'
import { deriveSeed, validateSeed } from '../search/rng.ts'
import type { Searcher } from '../search/searcher.ts'
import { type ConfigOf, type Space, validateSpace } from '../search/space.ts'
import type { Metrics, Mode, Result, TrialInfo, TrialState } from '../types.ts'
import { checkMetrics } from '../workers/context.ts'
import { checkPlugin, positiveInteger, validateMode } from './options.ts'
import { ResultGrid } from './results.ts'

/** The default of `numSamples`: in effect unlimited, yet small enough for GridSearch to multiply. */
const MANY = 2 ** 31 - 1

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
  /** The metric told results carry; searchers optimise it. */
  readonly metric: string
  /** `'min'` (default) or `'max'`. */
  readonly mode?: Mode
  /** Proposes configs. Default: `new RandomSearch()`. */
  readonly search?: Searcher
  /** The seed every suggestion derives from. Default: drawn at random (see `study.seed`). */
  readonly seed?: number
  /** How many trials `ask` hands out before returning null (for GridSearch: repeats of the grid). Default: unlimited (2^31 - 1). */
  readonly numSamples?: number
}

const STUDY_OPTIONS = Object.keys({
  space: true,
  metric: true,
  mode: true,
  search: true,
  seed: true,
  numSamples: true,
} satisfies Record<keyof StudyOptions, true>)

/** A trial handed out by {@link Study.ask}. */
export interface AskedTrial<C> {
  readonly trialId: number
  readonly config: C
  /** A seed for the trial's own randomness, as a Tuner's trial gets. */
  readonly seed: number
}

/** How a told trial ended. */
export type ToldState = 'completed' | 'stopped' | 'errored'

const TOLD_STATES: readonly ToldState[] = ['completed', 'stopped', 'errored']

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
  readonly metric: string
  readonly mode: Mode
  readonly seed: number
  readonly numSamples: number
  readonly search: Searcher
  readonly #trials = new Map<number, StudyTrial>()
  #nextId = 0
  #exhausted = false

  constructor(options: StudyOptions<S>) {
    if (options === null || typeof options !== 'object') {
      throw new ConfigError(`Study(options): must be an object, got ${show(options)}`, { field: 'options' })
    }
    rejectUnknownKeys('Study', options, STUDY_OPTIONS)
    validateSpace(options.space)
    if (typeof options.metric !== 'string' || options.metric.length === 0) {
      throw new ConfigError(`metric: must be a non-empty string, got ${show(options.metric)}`, { field: 'metric' })
    }
    this.metric = options.metric
    this.mode = validateMode(options.mode ?? 'min')
    this.seed = validateSeed(options.seed ?? randomInt(2 ** 32))
    this.numSamples = positiveInteger(options.numSamples ?? MANY, 'numSamples')
    checkPlugin(options.search, 'search', ['setup', 'suggest', 'onTrialResult', 'onTrialComplete'])
    this.search = options.search ?? new RandomSearch()
    this.search.setup({ space: options.space, metric: this.metric, mode: this.mode, seed: this.seed, numSamples: this.numSamples })
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
   * Records an intermediate result of a running trial (a number is the
   * metric's value) and passes it to the searcher; returns the recorded result.
   *
   * @example
   * ```ts
   * for (let epoch = 1; epoch <= 10; epoch++) study.report(trial.trialId, { loss: trainEpoch() })
   * ```
   */
  report(trialId: number, metrics: number | Metrics): Result {
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
  tell(trialId: number, metrics?: number | Metrics, state: ToldState = 'completed'): void {
    const trial = this.#running(trialId, 'tell')
    if (!TOLD_STATES.includes(state)) {
      throw new ConfigError(`tell(state): must be one of ${TOLD_STATES.join(', ')}, got ${show(state)}`, { field: 'state' })
    }
    if (metrics === undefined && state === 'completed' && trial.history.length === 0) {
      throw new ConfigError(`tell(trialId=${trialId}): a completed trial needs a result (a number or metrics), got none`, {
        field: 'metrics',
      })
    }
    // A completed trial without the metric is almost always a typo in the metric's name; the searcher could not rank it.
    const final: Record<string, unknown> | undefined =
      typeof metrics === 'number' ? { [this.metric]: metrics } : (metrics ?? trial.history.at(-1))
    if (state === 'completed' && metrics !== undefined && typeof final?.[this.metric] !== 'number') {
      throw new ConfigError(
        `tell(trialId=${trialId}): a completed trial needs a number for ${show(this.metric)}, got keys ${Object.keys(final ?? {}).join(', ') || 'none'}`,
        { field: 'metrics' },
      )
    }
    if (metrics !== undefined) {
      const result = this.#record(trial, metrics, 'tell')
      this.search.onTrialResult(trialId, result)
    }
    trial.state = state
    if (state === 'errored') trial.error = new TrialError(trialId, `trial ${trialId}: told errored`)
    this.search.onTrialComplete(trialId, trial.history.at(-1), state)
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
    return new ResultGrid<ConfigOf<S>>(told, { metric: this.metric, mode: this.mode })
  }

  /** Ids of trials asked for and not yet told, in order. */
  get running(): number[] {
    return [...this.#trials.values()].filter((t) => t.state === 'running').map((t) => t.id)
  }

  #running(trialId: number, method: string): StudyTrial {
    const trial = this.#trials.get(trialId)
    if (trial === undefined) {
      throw new ConfigError(`${method}(trialId): no trial ${show(trialId)} was asked for`, { field: 'trialId' })
    }
    if (trial.state !== 'running') {
      throw new ConfigError(`${method}(trialId): trial ${trialId} was already told (${trial.state})`, { field: 'trialId' })
    }
    return trial
  }

  #record(trial: StudyTrial, metrics: number | Metrics, method: string): Result {
    let values: Metrics
    if (typeof metrics === 'number') values = { [this.metric]: metrics }
    else if (metrics !== null && typeof metrics === 'object' && !Array.isArray(metrics)) values = metrics
    else throw new ConfigError(`${method}(metrics): must be a number or an object of metrics, got ${show(metrics)}`, { field: 'metrics' })
    // The same values a trainable may report: what a log stores as it is.
    checkMetrics(values, `${method}(metrics)`)
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
