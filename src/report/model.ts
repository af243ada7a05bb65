/**
 * What the report shows, read from a loaded experiment: its parameters (with
 * the axis each one wants) and one plain view per trial. Everything the
 * charts and the table draw comes from here.
 */
import type { LockHolder } from '../journal/lock.ts'
import type { StoredExperiment } from '../journal/read.ts'
import { experimentObjectives, isBetter, type Objective, paretoFrontIndices, pointOf } from '../objectives/index.ts'
import { flattenConfig, flattenSpace, isDomain, spaceFromJSON } from '../search/space.ts'
import type { ExperimentInfo, ExperimentSummary, TrialState } from '../types.ts'
import { type AxisKind, categoryLabel, categoryScale, extent, linearScale, logScale, type Scale } from './scale.ts'

/**
 * One searched parameter: its flat name (`optimizer/lr`), its axis, and for
 * a categorical one, its categories in the space's order.
 */
export interface ParamInfo {
  readonly name: string
  readonly kind: AxisKind
  readonly categories: readonly string[]
  /** Whether it takes only integers (its ticks are whole numbers). */
  readonly integer: boolean
}

/** One trial as the report shows it. */
export interface TrialView {
  readonly id: number
  readonly state: TrialState
  /** The flat config (`optimizer/lr`), searched parameters only. */
  readonly params: Readonly<Record<string, unknown>>
  /** The metric of its last result, when it is a finite number. */
  readonly value: number | undefined
  /** How many results it reported. */
  readonly iterations: number
  /** (training_iteration, metric) for each result that reported a finite metric. */
  readonly curve: readonly (readonly [number, number])[]
  readonly error: string | undefined
  /** Every objective's value in its last result, in objective order, when all are finite numbers. */
  readonly objectiveValues: readonly number[] | undefined
  /** Each objective's value in its last result when that one is a finite number, in objective order. */
  readonly objectiveCells: readonly (number | undefined)[]
  /** Whether it is on the Pareto front of the objectives (with one objective: tied for the best value). */
  readonly front: boolean
}

/** The experiment as the report shows it. */
export interface ReportModel {
  readonly experiment: ExperimentInfo
  readonly summary: ExperimentSummary | undefined
  readonly params: readonly ParamInfo[]
  /** Every trial, in id order. */
  readonly trials: readonly TrialView[]
  /** The trial with the best value, if any trial has one (by the first objective when there are several). */
  readonly best: TrialView | undefined
  /** Every objective: one, or several for a multi-objective experiment. */
  readonly objectives: readonly Objective[]
  /** The live process running the experiment now, if one holds its lock (its unfinished trials are then 'running'). */
  readonly runningIn: LockHolder | undefined
  /** Read from a Tuner's journal, not a `JsonlTracker`'s log (see `StoredExperiment.journal`). */
  readonly journal: boolean
}

const LOG_DOMAINS: ReadonlySet<string> = new Set(['loguniform', 'qloguniform', 'lograndint'])
const CATEGORY_DOMAINS: ReadonlySet<string> = new Set(['choice', 'grid'])
const INTEGER_DOMAINS: ReadonlySet<string> = new Set(['randint', 'qrandint', 'lograndint'])

/**
 * The report's view of an experiment, as the journal reader gives it.
 *
 * @example
 * ```ts
 * const model = reportModel(await readExperiment('runs/exp1'))
 * model.params.map((p) => `${p.name}: ${p.kind}`) // ['lr: log', 'layers: linear', 'act: category']
 * ```
 */
export function reportModel(stored: StoredExperiment, runningIn?: LockHolder): ReportModel {
  const { experiment, summary } = stored
  const sorted = [...stored.trials].sort((a, b) => a.id - b.id)
  const flat = sorted.map((trial) => flattenConfig(trial.config, experiment.space))
  const params = paramsOf(experiment.space, flat)
  const metric = experiment.metric
  const objectives = experimentObjectives(experiment)
  const points = sorted.map((trial) => pointOf(trial.lastResult, objectives))
  const scored = points.flatMap((point, i) => (point === undefined ? [] : [i]))
  const onFront = new Set(paretoFrontIndices(scored.map((i) => points[i] as number[])).map((k) => scored[k] as number))
  const trials = sorted.map((trial, i): TrialView => {
    const config = flat[i] as Record<string, unknown>
    const curve: [number, number][] = []
    trial.history.forEach((result, step) => {
      const y = result[metric]
      const x = typeof result.training_iteration === 'number' ? result.training_iteration : step + 1
      if (typeof y === 'number' && Number.isFinite(y)) curve.push([x, y])
    })
    const last = trial.lastResult?.[metric]
    return {
      id: trial.id,
      state: trial.state,
      params: Object.fromEntries(params.map((p) => [p.name, config[p.name]])),
      value: typeof last === 'number' && Number.isFinite(last) ? last : undefined,
      iterations: trial.history.length,
      curve,
      error: trial.error === undefined ? undefined : `${trial.error.name}: ${trial.error.message}`,
      objectiveValues: points[i] === undefined ? undefined : objectives.map((o) => trial.lastResult?.[o.metric] as number),
      objectiveCells: objectives.map((o) => {
        const value = trial.lastResult?.[o.metric]
        return typeof value === 'number' && Number.isFinite(value) ? value : undefined
      }),
      front: onFront.has(i),
    }
  })
  let best: TrialView | undefined
  for (const trial of trials)
    if (trial.value !== undefined && (best === undefined || isBetter(trial.value, best.value as number, experiment.mode))) best = trial
  return { experiment, summary, params, trials, best, objectives, runningIn, journal: stored.journal }
}

/**
 * The searched parameters: the space's domains in its order (constants left
 * out), then any other key the configs vary on (a space this version cannot
 * read, a scheduler that mutates configs), its axis guessed from its values.
 */
function paramsOf(spaceJson: unknown, configs: readonly Record<string, unknown>[]): ParamInfo[] {
  const params: ParamInfo[] = []
  const seen = new Set<string>()
  for (const { path, value } of spaceLeaves(spaceJson)) {
    const name = path.join('/')
    seen.add(name)
    if (!isDomain(value)) continue
    const observed = configs.map((c) => c[name])
    if (CATEGORY_DOMAINS.has(value.$domain)) {
      const declared = (value as { values: readonly unknown[] }).values.map(categoryLabel)
      const categories = unique([...declared, ...observed.filter((v) => v !== undefined).map(categoryLabel)])
      params.push({ name, kind: 'category', categories, integer: false })
    } else params.push(guessed(name, observed, LOG_DOMAINS.has(value.$domain) ? 'log' : 'linear', INTEGER_DOMAINS.has(value.$domain)))
  }
  const names = unique(configs.flatMap((c) => Object.keys(c))).filter((name) => !seen.has(name))
  for (const name of names) {
    const observed = configs.map((c) => c[name])
    if (new Set(observed.map((v) => JSON.stringify(v))).size > 1) params.push(guessed(name, observed, 'linear', false))
  }
  return params
}

/** The space's leaves, or none when this version cannot read it (a newer format): the configs still tell the parameters. */
function spaceLeaves(spaceJson: unknown): ReturnType<typeof flattenSpace> {
  try {
    return flattenSpace(spaceFromJSON(spaceJson))
  } catch {
    return []
  }
}

/** A numeric axis when every value is a number (log only if all are positive), else categorical. */
function guessed(name: string, observed: readonly unknown[], numeric: 'linear' | 'log', integer: boolean): ParamInfo {
  const present = observed.filter((v) => v !== undefined)
  if (present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const positive = present.every((v) => (v as number) > 0)
    const whole = integer || (present.length > 0 && present.every((v) => Number.isInteger(v)))
    return { name, kind: numeric === 'log' && positive ? 'log' : 'linear', categories: [], integer: whole }
  }
  return { name, kind: 'category', categories: unique(present.map(categoryLabel)), integer: false }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}

/**
 * The scale of a parameter's axis over the values the trials took, mapped to `range`.
 *
 * @example
 * ```ts
 * const x = paramScale(model.params[0], model.trials, [40, 600])
 * ```
 */
export function paramScale(param: ParamInfo, trials: readonly TrialView[], range: readonly [number, number]): Scale {
  if (param.kind === 'category') return categoryScale(param.categories, range)
  const values = trials.map((t) => t.params[param.name])
  if (param.kind === 'log') return logScale(extent(values, true) ?? [1, 10], range, param.integer)
  return linearScale(extent(values) ?? [0, 1], range, 5, param.integer)
}
