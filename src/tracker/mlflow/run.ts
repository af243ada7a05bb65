/** What the MLflow session keeps per run, and its account of what was not delivered. */

import { countOf } from '../../format.ts'
import type { MlflowKeyValue, PendingItems } from './batch.ts'

/** How an MLflow run ends. */
export type RunStatus = 'FINISHED' | 'KILLED' | 'FAILED'

/** One MLflow run (the experiment's parent run or a trial's) and what is still to send for it. */
export interface RunState extends PendingItems {
  /** For messages: `parent run` or the trial's run name. */
  readonly name: string
  readonly isParent: boolean
  readonly startTime: number
  /** hyperpool's own key for the run, tagged on it so a retried create finds it (see create.ts). */
  readonly key: string
  /** Tags sent with `runs/create`. */
  readonly createTags: MlflowKeyValue[]
  runId: string | undefined
  /** Param keys already queued, each with the config key it was cleaned from: MLflow params are write-once, so a key goes once per run. */
  readonly paramKeys: Map<string, string>
  end: { readonly status: RunStatus; readonly endTime: number } | undefined
  /** Most items per log-batch; lowered while a batch is refused for a bad value, to find and drop only that item. */
  batchCap: number
  /** Single-item log-batch calls refused in a row; past a few, the run is given up rather than refused item by item. */
  singleRefusals: number
  /** Done (status sent) or given up: nothing more is queued for it. */
  retired: boolean
}

/**
 * A run with nothing sent yet.
 *
 * @example
 * ```ts
 * const run = newRun('trial_0003', false, Date.now(), [{ key: 'hyperpool.trial_id', value: '3' }], `${sessionKey}/trial-3`)
 * ```
 */
export function newRun(name: string, isParent: boolean, startTime: number, createTags: MlflowKeyValue[], key: string): RunState {
  return {
    name,
    isParent,
    startTime,
    key,
    createTags,
    runId: undefined,
    metrics: [],
    params: [],
    tags: [],
    paramKeys: new Map(),
    end: undefined,
    batchCap: Number.POSITIVE_INFINITY,
    singleRefusals: 0,
    retired: false,
  }
}

/** Whether anything waits to be sent for the run. */
export function hasItems(run: PendingItems): boolean {
  return run.metrics.length > 0 || run.params.length > 0 || run.tags.length > 0
}

/** Items and requests that never reached the server, by kind. */
export interface Lost {
  metrics: number
  params: number
  tags: number
  runs: number
  statuses: number
  /** Of the items above, those refused because the buffer was full. */
  overflow: number
}

/** Nothing lost yet. */
export function noneLost(): Lost {
  return { metrics: 0, params: 0, tags: 0, runs: 0, statuses: 0, overflow: 0 }
}

/** The warning about what never reached `where`, or undefined when everything did. */
export function describeLost(lost: Lost, where: string, lastError: string | undefined): string | undefined {
  const parts = (
    [
      [lost.metrics, 'metric'],
      [lost.params, 'param'],
      [lost.tags, 'tag'],
      [lost.runs, 'run'],
      [lost.statuses, 'run status', 'run statuses'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, noun, plural]) => countOf(n, noun, plural))
  if (parts.length === 0) return undefined
  const overflow = lost.overflow > 0 ? `; ${lost.overflow} items were dropped because the buffer was full (maxBufferedItems)` : ''
  return `MLflowTracker: not delivered to ${where}: ${parts.join(', ')}${overflow}; last error: ${lastError ?? 'none'}`
}
