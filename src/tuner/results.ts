import { inspect } from 'node:util'
import { ResultError, show } from '../errors.ts'
import { countOf, countStates, formatNumber, stateCounts } from '../format.ts'
import type { InspectCall } from '../inspect-call.ts'
import { isBetter, type Point, paretoFrontIndices, pointOf, type Scope, scoreTrial } from '../objectives/index.ts'
import {
  argumentAt,
  arrayOf,
  boolean,
  check,
  defineOptions,
  didYouMean,
  METRIC,
  METRICS,
  MODE,
  MODES,
  objectivesFrom,
  oneOf,
  type SchemaOf,
  satisfying,
} from '../options/index.ts'
import { setOwn } from '../storable.ts'
import { csvTable } from '../tracker/csv/format.ts'
import { type RowSource, trialRow } from '../tracker/trial-row.ts'
import type { Mode, Objective, TrialInfo } from '../types.ts'
import { AUTOMATIC } from './metric-checks.ts'

export type { Scope }

/** One row per trial, flat: `trial_id`, `state`, `config/<path>` and the last result's fields. */
export type ResultRow = Record<string, string | number | boolean | null>

const SCOPE = oneOf<Scope>(['last', 'all', 'avg']).required()

/**
 * How a {@link ResultGrid} ranks its trials by default.
 *
 * @example
 * ```ts
 * new ResultGrid(trials, { metric: 'loss', mode: 'min' } satisfies ResultGridOptions)
 * ```
 */
export interface ResultGridOptions {
  /** The metric `best()` ranks by when given none; several for a multi-objective experiment (`paretoFront()`). */
  readonly metric: string | readonly string[]
  /** Whether lower (`'min'`) or higher (`'max'`) `metric` is better: one mode for all, or one per metric. */
  readonly mode: Mode | readonly Mode[]
  /**
   * The experiment ended early (a signal, `signal`, failFast, an error, its time budget) or never reached its end.
   *
   * @default false
   */
  readonly interrupted?: boolean
  /**
   * The experiment's search space (as given, or its JSON form): rows and CSV name a conditional
   * config's columns by branch (`config/model[svm]/C`), as the CSV tracker does. Without it, by path.
   */
  readonly space?: unknown
}

/** The options of a {@link ResultGrid}: `metric` and `mode` required. */
export const RESULT_GRID_OPTIONS = defineOptions('ResultGrid', {
  metric: METRICS.required(),
  mode: MODES.required(),
  interrupted: boolean().withDefault(false),
  space: satisfying<unknown>('a search space', (value) => typeof value === 'object' && value !== null),
} satisfies SchemaOf<ResultGridOptions>)

/** The trials a ResultGrid holds: objects with an integer `id`, as TrialInfo has. */
const TRIALS = arrayOf(
  satisfying<TrialInfo>('a trial', (value) => typeof value === 'object' && value !== null && Number.isInteger((value as TrialInfo).id)),
  { rule: 'an array of trials' },
).required()

/**
 * Options of {@link ResultGrid.best}.
 *
 * @example
 * ```ts
 * results.best('loss', 'min', 'last', { allowInfinite: true })
 * ```
 */
export interface BestOptions {
  /**
   * Rank infinite scores as numbers. By default a trial whose score is infinite is skipped: a loss of
   * -Infinity (a log of 0, an overflow) is nearly always a numeric failure, not the best trial.
   *
   * @default false
   */
  readonly allowInfinite?: boolean
}

/** The options of {@link ResultGrid.best}. */
export const BEST_OPTIONS = defineOptions('ResultGrid.best', {
  allowInfinite: boolean().withDefault(false),
} satisfies SchemaOf<BestOptions>)

/**
 * The outcome of an experiment: every trial with its config, state, results
 * and error.
 *
 * @example
 * ```ts
 * const results = await tuner.fit()
 * const best = results.best()               // by the experiment's metric and mode
 * console.log(best.config, best.lastResult)
 * console.table(results.rows())
 * ```
 */
export class ResultGrid<C = Record<string, unknown>> {
  /** Every trial, in id order. */
  readonly trials: readonly (TrialInfo & { readonly config: C })[]
  /** The metric `best()` ranks by; with several objectives, the first (see `objectives`). */
  readonly metric: string
  readonly mode: Mode
  /**
   * Every objective in order: one for a single-objective experiment, several for a multi-objective one.
   *
   * @example
   * ```ts
   * results.objectives.map((o) => `${o.metric} (${o.mode})`) // ['loss (min)', 'latency_ms (min)']
   * ```
   */
  readonly objectives: readonly Objective[]
  /**
   * True when the experiment ended early (Ctrl-C or SIGTERM, `signal`, failFast, its time budget) or, read back by
   * `loadExperiment`, never reached its end: trials left `paused` are what `Tuner.restore` continues. False for a
   * run that finished.
   *
   * @example
   * ```ts
   * const results = await tuner.fit()
   * if (results.interrupted) process.exitCode = 1 // a partial table: resume before trusting best()
   * ```
   */
  readonly interrupted: boolean
  /** The space rows name conditional columns by (see ResultGridOptions.space). */
  readonly #space: unknown

  constructor(trials: readonly TrialInfo[], options: ResultGridOptions) {
    const { metric, mode, interrupted, space } = RESULT_GRID_OPTIONS.read(options)
    this.interrupted = interrupted
    this.#space = space
    this.trials = check(TRIALS, trials, argumentAt('ResultGrid', 'trials')).sort((a, b) => a.id - b.id) as (TrialInfo & { config: C })[]
    this.objectives = objectivesFrom('ResultGrid', metric, mode)
    const [first] = this.objectives as [Objective]
    this.metric = first.metric
    this.mode = first.mode
  }

  /**
   * What `console.log(results)` shows: the trials counted by state, the objectives, the best trial (or the front's
   * size) and whether the run ended early, a few lines whatever the trial count; `results.trials` lists them.
   * Node calls it; left out of the API reference, which would otherwise have to document Node's options for it.
   *
   * @hidden
   */
  [inspect.custom](depth: number, options: InspectCall): string {
    if (depth < 0) return options.stylize('[ResultGrid]', 'special')
    const counted = stateCounts(countStates(this.trials.map((trial) => trial.state)))
    const lines = [
      `trials: ${countOf(this.trials.length, 'trial')}${counted.length > 0 ? ` (${counted.join(', ')})` : ''}, in .trials`,
      `objectives: ${this.objectives.map((o) => `${o.metric} (${o.mode})`).join(', ')}`,
      this.objectives.length > 1
        ? `front: ${countOf(this.paretoFront().length, 'trial')}, in .paretoFront()`
        : `best: ${this.#bestShown()}`,
      `interrupted: ${this.interrupted}`,
    ]
    return `ResultGrid {\n${lines.map((line) => `  ${line}`).join('\n')}\n}`
  }

  #bestShown(): string {
    const scored = this.trials.some((t) => !Number.isNaN(scoreTrial(t.history, this.metric, this.mode, 'last', false)))
    if (!scored) return `none (no trial reported a number for ${show(this.metric)})`
    const best = this.best()
    return `trial ${best.id}, ${this.metric}=${formatNumber(best.lastResult?.[this.metric] as number)}, in .best()`
  }

  /** Trials that ended in error, with `error` set. */
  get errors(): readonly (TrialInfo & { readonly config: C })[] {
    return this.trials.filter((t) => t.state === 'errored')
  }

  /**
   * The best trial by `metric` and `mode` (default: the experiment's), scoring
   * each trial by its last result, its best result (`'all'`) or its mean (`'avg'`).
   * Only finite values count (NaN never does; infinities with `allowInfinite`):
   * with scope `'last'` a trial whose last value is not finite is skipped.
   * Every trial counts by what it reported, whatever state it ended in: one
   * that reported and then errored keeps its reports.
   * Throws a {@link ResultError} when no trial has a score.
   *
   * With several objectives there is no single best trial: `best()` without a metric throws a
   * {@link ResultError} that says so and points to {@link ResultGrid.paretoFront}; `best('loss')` ranks by one of
   * them, in its own mode unless `mode` is given.
   *
   * @example
   * ```ts
   * results.best('accuracy', 'max', 'all').config
   * ```
   */
  best(metric?: string, mode?: Mode, scope: Scope = 'last', options?: BestOptions): TrialInfo & { readonly config: C } {
    if (metric === undefined && this.objectives.length > 1) {
      const named = this.objectives.map((o) => `${o.metric} (${o.mode})`).join(', ')
      throw new ResultError(
        `best(): this experiment has ${this.objectives.length} objectives, ${named}, and no single best trial; ` +
          `paretoFront() gives the trials no other beats on all of them, best(${show(this.metric)}) the best by one`,
        { field: 'metric' },
      )
    }
    metric = check(METRIC.withDefault(this.metric), metric, argumentAt('ResultGrid.best', 'metric'))
    const own = this.objectives.find((o) => o.metric === metric)?.mode ?? this.mode
    mode = check(MODE.withDefault(own), mode, argumentAt('ResultGrid.best', 'mode'))
    check(SCOPE, scope, argumentAt('ResultGrid.best', 'scope'))
    const { allowInfinite } = BEST_OPTIONS.read(options)
    let bestTrial: (TrialInfo & { config: C }) | undefined
    let bestScore = Number.NaN
    for (const trial of this.trials) {
      const score = scoreTrial(trial.history, metric, mode, scope, allowInfinite)
      if (Number.isNaN(score)) continue
      if (bestTrial === undefined || isBetter(score, bestScore, mode)) {
        bestTrial = trial
        bestScore = score
      }
    }
    if (bestTrial === undefined) {
      const infinite = allowInfinite ? 0 : this.trials.filter((t) => !Number.isNaN(scoreTrial(t.history, metric, mode, scope, true))).length
      const skipped =
        infinite === 0 ? '' : `; ${infinite} only infinite, which count with best(metric, mode, scope, { allowInfinite: true })`
      // A misspelt metric ('los') is the usual reason: guess from what the trials did report, as the Tuner's options do
      // (not the metric itself, which a trial may have reported only as NaN or an infinity).
      const guess = didYouMean(
        metric,
        reportedMetrics(this.trials).filter((name) => name !== metric),
      )
      throw new ResultError(
        `best(${show(metric)}): no trial reported a numeric ${show(metric)} (of ${countOf(this.trials.length, 'trial')}${skipped})${guess}`,
        { field: 'metric' },
      )
    }
    return bestTrial
  }

  /**
   * The Pareto front: the trials whose last result has every objective as a finite number (infinities count with
   * `allowInfinite`) and that no other such trial dominates (beats on one objective and is no worse on any), in id
   * order. With one objective, the trials tied for the best last value.
   *
   * @example
   * ```ts
   * for (const trial of results.paretoFront()) console.log(trial.lastResult?.loss, trial.lastResult?.latency_ms)
   * ```
   */
  paretoFront(options?: BestOptions): (TrialInfo & { readonly config: C })[] {
    const { allowInfinite } = BEST_OPTIONS.read(options)
    const scored: { trial: TrialInfo & { readonly config: C }; point: Point }[] = []
    for (const trial of this.trials) {
      const point = pointOf(trial.lastResult, this.objectives, allowInfinite)
      if (point !== undefined) scored.push({ trial, point })
    }
    return paretoFrontIndices(scored.map((s) => s.point)).map((i) => (scored[i] as (typeof scored)[number]).trial)
  }

  /**
   * One flat row per trial, ready for `console.table`: `trial_id`, `state`,
   * `error`, the config as `config/<path>`, then the last result's fields
   * (nested ones as `val/acc`; a metric named `state` or `error` as
   * `result/state`). The same rows as `CsvTracker`'s `results.csv`.
   *
   * @example
   * ```ts
   * console.table(results.rows())
   * ```
   */
  rows(): ResultRow[] {
    return this.trials.map((trial) => {
      const row: ResultRow = {}
      for (const [key, value] of Object.entries(trialRow(this.#rowSource(trial)))) setOwn(row, key, cell(value))
      return row
    })
  }

  /**
   * The rows as CSV text (RFC 4180, CRLF line ends), written exactly as
   * `CsvTracker` writes `results.csv`.
   *
   * @example
   * ```ts
   * await writeFile('results.csv', results.toCSV())
   * ```
   */
  toCSV(): string {
    return csvTable(this.trials.map((trial) => trialRow(this.#rowSource(trial))))
  }

  #rowSource(trial: TrialInfo): RowSource {
    return { id: trial.id, state: trial.state, config: trial.config, lastResult: trial.lastResult, error: trial.error, space: this.#space }
  }
}

/** The metrics the trials reported as numbers, each once: what a misspelt metric name is compared with. */
function reportedMetrics(trials: readonly TrialInfo[]): string[] {
  const names = new Set<string>()
  for (const trial of trials) {
    for (const result of trial.history) {
      for (const [key, value] of Object.entries(result)) if (typeof value === 'number' && !AUTOMATIC.has(key)) names.add(key)
    }
  }
  return [...names]
}

/** A value as a table cell: scalars as they are, anything else as JSON. */
function cell(value: unknown): string | number | boolean | null {
  if (value === undefined) return null
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value) ?? null
}
