import { flattenConfig } from '../search/flatten.ts'
import { setOwn } from '../storable.ts'
import type { Config, Result, TrialState } from '../types.ts'

/** The columns every trial row starts with, before its config and its metrics. */
export const LEAD_COLUMNS = ['trial_id', 'state', 'error'] as const

/** What a trial row is built from. */
export interface RowSource {
  readonly id: number
  readonly state: TrialState
  readonly config: Config
  readonly lastResult: Readonly<Record<string, unknown>> | Result | undefined
  /** The trial's error, if it errored: its row shows `name: message`. */
  readonly error: Error | undefined
  /** The experiment's space, so a conditional config's columns name their branch (`config/model[svm]/C`). */
  readonly space?: unknown
}

/**
 * One flat row per trial, the one shape of `results.csv` and of
 * `ResultGrid.rows()`: `trial_id`, `state`, `error`, the config as
 * `config/<path>`, then the last result's fields (nested ones flattened with
 * `/`, as `val/acc`). A metric named like a lead
 * column (`state`, `error`) goes under `result/<name>`, so it never hides the
 * trial's own fields. Keys are defined, not assigned, so `__proto__` stays a
 * column.
 *
 * @example
 * ```ts
 * trialRow({ id: 2, state: 'completed', config: { opt: { lr: 0.1 } }, lastResult: { loss: 0.3, state: 'x' }, error: undefined })
 * // { trial_id: 2, state: 'completed', error: undefined, 'config/opt/lr': 0.1, loss: 0.3, 'result/state': 'x' }
 * ```
 */
export function trialRow(trial: RowSource): Record<string, unknown> {
  const error = trial.error === undefined ? undefined : `${trial.error.name}: ${trial.error.message}`
  const row: Record<string, unknown> = { trial_id: trial.id, state: trial.state, error }
  for (const [key, value] of Object.entries(flattenConfig(trial.config, trial.space))) setOwn(row, `config/${key}`, value)
  for (const [key, value] of Object.entries(flattenConfig(trial.lastResult ?? {}))) {
    if (key === 'trial_id') continue
    setOwn(row, (LEAD_COLUMNS as readonly string[]).includes(key) ? `result/${key}` : key, value)
  }
  return row
}

/**
 * The columns of a table of trial rows: the lead columns, then every
 * `config/` column, then the rest, each group in first-seen order.
 *
 * @example
 * ```ts
 * rowColumns([{ trial_id: 0, state: 'completed', error: undefined, loss: 1, 'config/lr': 0.1 }])
 * // ['trial_id', 'state', 'error', 'config/lr', 'loss']
 * ```
 */
export function rowColumns(rows: readonly Record<string, unknown>[]): string[] {
  const config = new Set<string>()
  const rest = new Set<string>()
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if ((LEAD_COLUMNS as readonly string[]).includes(key)) continue
      if (key.startsWith('config/')) config.add(key)
      else rest.add(key)
    }
  }
  return [...LEAD_COLUMNS, ...config, ...rest]
}
