import { ReportError, show } from '../errors.ts'
import { isPlainObject } from '../options/index.ts'
import { findUnstorable } from '../storable.ts'
import type { Metrics } from '../types.ts'

/**
 * Refuses metrics the experiment log could not store as they are (see `findUnstorable`) with a
 * {@link ReportError} naming the metric; `label` says where they came from.
 *
 * @example
 * ```ts
 * checkMetrics({ loss: 1n }, 'ctx.report(metrics)') // ReportError: ctx.report(metrics): metrics.loss: must be ..., got 1n (a BigInt; ...)
 * ```
 */
export function checkMetrics(metrics: unknown, label: string): asserts metrics is Metrics {
  if (!isPlainObject(metrics)) {
    throw new ReportError(`${label}: must be a plain object of name -> value, got ${show(metrics)}`, { field: 'metrics' })
  }
  const bad = findUnstorable(metrics, 'metrics')
  if (bad) {
    throw new ReportError(
      `${label}: ${bad.where}: must be a number, string, boolean, null, or an array or plain object of them, got ${bad.got}`,
      {
        field: bad.where,
      },
    )
  }
}
