import { type ConfigError, DivergedError, show } from '../errors.ts'
import { className } from '../format.ts'
import type { Logger } from '../logger.ts'
import { nearName, optionAt, problemAt } from '../options/index.ts'
import type { Objective, Result, TrialInfo } from '../types.ts'
import type { MetricCheck } from './options.ts'

/** Fields every result carries: never what a user meant by `metric`. */
export const AUTOMATIC = new Set(['training_iteration', 'trial_id', 'time_total_s'])

/**
 * The two checks on what trials report for the experiment's metric:
 *
 * - a NaN metric means the trial diverged: it ends as errored with a
 *   {@link DivergedError}, and is not retried (a seeded rerun diverges again);
 * - a trial that completes without ever reporting a number for the metric
 *   (a misspelt name, nearly always) ends the experiment with a ConfigError
 *   naming the keys it did report (`metricCheck: 'error'`), or is left to the
 *   warning at the end (`'warn'`). Checked at the trial's end, so metrics
 *   reported only every few reports are fine; the first result without the
 *   metric gets an info line at once, so a long trial does not keep it secret.
 *
 * And one on the scheduler's clock: a scheduler that counts a trial's progress in a reported key
 * (`timeAttr: 'epoch'`) ignores every result without a number for it, so a trainable that never
 * reports it is never stopped; the first result without it gets one warning, with what was reported.
 *
 * @example
 * ```ts
 * const checks = new MetricChecks('loss', 'error', logger)
 * checks.result(trial, result)           // records a divergence, if the result has a NaN loss
 * const error = checks.completed(trial)  // a ConfigError when the trial never reported a number for loss
 * ```
 */
export class MetricChecks {
  /** Every objective's metric (one for most experiments): each must be reported, none may be NaN. */
  readonly #metrics: readonly string[]
  readonly #check: MetricCheck
  readonly #logger: Logger
  readonly #diverged = new Map<number, DivergedError>()
  /** The metrics some result has had a number for, and whether a missing one was told of: each is worth saying only once. */
  readonly #seen = new Set<string>()
  #toldMissing = false
  /** The scheduler's `timeAttr` when results must carry it (not one of the fields every result has), and its owner's name. */
  readonly #clock: { readonly key: string; readonly scheduler: string } | undefined
  /** Some result had a number for the clock, or a missing one was told of: either way, nothing more to say. */
  #clockSettled = false

  /** `scheduler`: its `timeAttr` is checked too, when it has one. */
  constructor(metric: string | readonly string[], check: MetricCheck, logger: Logger, scheduler?: { readonly timeAttr?: string }) {
    this.#metrics = typeof metric === 'string' ? [metric] : metric
    this.#check = check
    this.#logger = logger
    const key = scheduler?.timeAttr
    this.#clock =
      key === undefined || AUTOMATIC.has(key) ? undefined : { key, scheduler: (scheduler && className(scheduler)) ?? 'the scheduler' }
  }

  /** Looks at one recorded result; returns the divergence when one of its metrics is NaN (the trial must end). */
  result(trial: TrialInfo, result: Result): DivergedError | undefined {
    let divergence: DivergedError | undefined
    for (const metric of this.#metrics) {
      const value = result[metric]
      if (typeof value === 'number') {
        this.#seen.add(metric)
        if (Number.isNaN(value) && divergence === undefined) divergence = new DivergedError(trial.id, metric, result.training_iteration)
      } else if (!this.#seen.has(metric) && !this.#toldMissing) {
        this.#toldMissing = true
        this.#logger.info(
          `trial ${trial.id}'s first result has no number for ${show(metric)} (${keysOf([result], metric)}); ` +
            `fine if it reports one later, but a trial that completes without one ${this.#check === 'error' ? 'ends the experiment' : 'is warned of'} (metricCheck)`,
        )
      }
    }
    if (divergence !== undefined && !this.#diverged.has(trial.id)) this.#diverged.set(trial.id, divergence)
    if (this.#clock !== undefined && !this.#clockSettled) this.#checkClock(trial, result, this.#clock)
    return divergence
  }

  #checkClock(trial: TrialInfo, result: Result, { key, scheduler }: { readonly key: string; readonly scheduler: string }): void {
    this.#clockSettled = true
    if (typeof result[key] === 'number') return
    this.#logger.warn(
      `trial ${trial.id}'s first result has no number for ${show(key)}, ${scheduler}'s timeAttr (${keysOf([result], key)}): ` +
        `${scheduler} ignores results without it, so it stops no trial until they carry it. Report ${show(key)} with every result, ` +
        `or leave timeAttr out to count reports (training_iteration)`,
    )
  }

  /** The divergence that ends trial `id`'s attempt, if its metric became NaN; forgets it (a trial diverges once). */
  takeDivergence(id: number): DivergedError | undefined {
    const error = this.#diverged.get(id)
    this.#diverged.delete(id)
    return error
  }

  /** A trial completed: with `metricCheck: 'error'`, the ConfigError to end the experiment with if it never reported the metric. */
  completed(trial: TrialInfo): ConfigError | undefined {
    if (this.#check !== 'error') return undefined
    const metric = this.#metrics.find((name) => !this.#seen.has(name) && !trial.history.some((result) => typeof result[name] === 'number'))
    if (metric === undefined) return undefined
    return problemAt(
      optionAt('Tuner', 'metric'),
      `trial ${trial.id} completed without reporting a number for ${show(metric)}; ${keysOf(trial.history, metric)}. ` +
        `Fix metric (or what the trainable reports); metricCheck: 'warn' lets the experiment go on`,
    )
  }
}

/** What a trial reported instead of the metric, with a guess at what was meant. */
function keysOf(history: readonly Result[], metric: string): string {
  const keys = new Set<string>()
  let found: unknown
  for (const result of history) {
    for (const key of Object.keys(result)) if (!AUTOMATIC.has(key)) keys.add(key)
    if (result[metric] !== undefined) found = result[metric]
  }
  if (keys.size === 0) return 'it reported no metrics at all'
  const list = [...keys]
  const wrongType = found === undefined ? '' : `, and ${show(metric)} was ${show(found)}, not a number`
  return `it reported ${list.join(', ')}${wrongType}${guess(metric, list)}`
}

/**
 * A reported key the metric may have been meant as, or the other way round: a near spelling (`los`), else one
 * that contains the metric or is contained in it (`val_loss` for `loss`). Neutral on which of the two is the typo.
 */
function guess(metric: string, reported: readonly string[]): string {
  const keys = reported.filter((key) => key !== metric)
  const near = nearName(metric, keys)
  if (near !== undefined) return `; ${show(near)} is a near spelling of ${show(metric)}`
  const lower = metric.toLowerCase()
  const related = keys.find((key) => key.toLowerCase().includes(lower) || lower.includes(key.toLowerCase()))
  if (related === undefined) return ''
  return related.toLowerCase().includes(lower)
    ? `; ${show(related)} contains ${show(metric)}`
    : `; ${show(metric)} contains ${show(related)}`
}

/**
 * A metric no trial ever reported is almost always a typo: warns with the keys that were reported instead.
 *
 * @example
 * ```ts
 * warnMetricUnseen(run.trials, [{ metric: 'loss', mode: 'min' }], logger)
 * ```
 */
export function warnMetricUnseen(trials: readonly TrialInfo[], objectives: readonly Objective[], logger: Logger): void {
  const keys = new Set<string>()
  for (const trial of trials) {
    for (const result of trial.history) {
      if (objectives.every((x) => typeof result[x.metric] === 'number')) return
      for (const key of Object.keys(result)) keys.add(key)
    }
  }
  if (keys.size === 0) return
  for (const auto of AUTOMATIC) keys.delete(auto)
  logger.warn(`metric: no trial reported a number for ${show(objectives[0]?.metric)}; reported keys: ${[...keys].join(', ') || 'none'}`)
}
