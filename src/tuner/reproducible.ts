import { show } from '../errors.ts'
import { optionAt, problemAt } from '../options/index.ts'
import { ASHAScheduler } from '../scheduler/asha.ts'
import { FIFOScheduler } from '../scheduler/fifo.ts'
import { MedianStoppingRule } from '../scheduler/median.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'

/**
 * The Tuner's `reproducible` option (a boolean, already read), checked against the scheduler. With it,
 * reports reach the scheduler in an order that does not depend on timing
 * (scheduler-feed.ts): that is enough for schedulers whose decision at
 * report i looks only at results up to report i of the trials before
 * (FIFO, ASHA and the median rule, counting in `training_iteration`), not
 * for those that pause trials and pick which resumes (HyperBand, PBT).
 *
 * @example
 * ```ts
 * checkReproducible(true, new HyperBandScheduler()) // ConfigError: Tuner({ reproducible }): ... got HyperBandScheduler
 * ```
 */
export function checkReproducible(reproducible: boolean, scheduler: unknown): boolean {
  const problem = reproducible ? orderProblem(scheduler) : undefined
  if (problem !== undefined) throw problemAt(optionAt('Tuner', 'reproducible'), problem)
  return reproducible
}

/**
 * Whether a reproducible run must hand `scheduler` its reports in order: every scheduler but one
 * that never decides on a report (`Scheduler.alwaysContinues`, the rule one-way reports use too).
 *
 * @example
 * ```ts
 * ordersReports(new FIFOScheduler()) // false
 * ordersReports(new ASHAScheduler()) // true
 * ```
 */
export function ordersReports(scheduler: Scheduler): boolean {
  return scheduler.alwaysContinues !== true
}

function orderProblem(scheduler: unknown): string | undefined {
  if (scheduler === undefined || scheduler instanceof FIFOScheduler) return undefined
  if (scheduler instanceof ASHAScheduler || scheduler instanceof MedianStoppingRule) {
    const name = scheduler.constructor.name
    if (scheduler.timeAttr !== 'training_iteration') {
      return `${name} must count in timeAttr 'training_iteration' (reports), got ${show(scheduler.timeAttr)}`
    }
    if (scheduler instanceof MedianStoppingRule && !scheduler.hardStop) {
      return 'MedianStoppingRule with hardStop: false pauses trials and resumes them as workers free up, got hardStop=false'
    }
    return undefined
  }
  const name = (scheduler as object | null)?.constructor?.name ?? show(scheduler)
  return `needs FIFOScheduler, ASHAScheduler or MedianStoppingRule: a scheduler that pauses trials resumes them in the order workers free up, got ${name}`
}
