import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { argumentAt, check, defineOptions, number, PATH, type SchemaOf } from '../../options/index.ts'
import { flattenConfig } from '../../search/flatten.ts'
import type { ExperimentInfo, Result, TrialInfo, TrialState } from '../../types.ts'
import { keepEarlier } from '../keep-earlier.ts'
import type { Tracker } from '../tracker.ts'
import { TRIAL_FOLDER, trialName } from '../trial-metrics.ts'
import { trialRow } from '../trial-row.ts'
import { csvHeader, csvRecord, csvTable } from './format.ts'

/**
 * Options of {@link CsvTracker}.
 *
 * @example
 * ```ts
 * const options: CsvTrackerOptions = { resultsIntervalMs: 0 } // rewrite results.csv at every trial end
 * ```
 */
export interface CsvTrackerOptions {
  /**
   * Least time between two rewrites of `results.csv` at trial ends, ms (`Infinity`: none); it is
   * always written at the experiment's end. 5 s means a crash leaves a recent summary without
   * rewriting the file for every one of many short trials.
   * @default 5000
   */
  resultsIntervalMs?: number
}

/** Every option of {@link CsvTracker}: kinds, ranges and defaults. */
export const CSV_OPTIONS = defineOptions('CsvTracker', {
  resultsIntervalMs: number({ min: 0, infinite: true }).withDefault(5000),
} satisfies SchemaOf<CsvTrackerOptions>)

/** Per-trial state: the rows of `progress.csv` and what `results.csv` needs. */
interface TrialCsv {
  readonly id: number
  config: Record<string, unknown>
  state: TrialState
  error: Error | undefined
  /** Columns of progress.csv in first-seen order. */
  readonly columns: string[]
  readonly known: Set<string>
  /** Flattened reports of the current attempt, kept to rewrite the file when a column appears late. */
  rows: Record<string, unknown>[]
  /** Open progress.csv while the trial runs. */
  fd: number | undefined
  /** Rows were written before a column appeared: the file needs its header rewritten. */
  stale: boolean
}

/**
 * Writes CSV files that spreadsheets, pandas and Ray Tune users know:
 *
 * - `dir/trial_0003/progress.csv`: a row per report (flattened with `/`, as
 *   `val/acc`), written as it arrives;
 * - `dir/results.csv`: a row per trial: `trial_id`, `state`, `error`, the
 *   config as `config/<key>` columns, then the trial's last result.
 *
 * Columns are the union of the keys seen, in first-seen order. A report
 * that brings a new key is written at once with the new column added at the
 * end; the file is then rewritten whole with the full header when the trial
 * ends (or pauses), so finished files always have one header that fits every
 * row. `results.csv` is rewritten (atomically, through a temporary file) at
 * trial ends at most every `resultsIntervalMs`, and always at the end.
 *
 * Writes are synchronous and small (one row), so nothing is left to flush.
 * An earlier experiment's files in `dir` move into `dir/earlier-<time>/`
 * when a new one starts: nothing is overwritten.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, trackers: [new CsvTracker('runs/exp1-csv')] })
 * // runs/exp1-csv/results.csv, runs/exp1-csv/trial_0000/progress.csv, ...
 * ```
 */
export class CsvTracker implements Tracker {
  /** The folder of `results.csv` and the trial folders. */
  readonly dir: string
  private readonly resultsIntervalMs: number
  private readonly trials = new Map<number, TrialCsv>()
  private lastResultsWrite = Number.NEGATIVE_INFINITY
  /** Trial ids in first-start order, the row order of results.csv. */
  private readonly order: number[] = []
  private readonly lastRows = new Map<number, Record<string, unknown>>()
  /** The experiment's space: conditional configs' columns name their branch. */
  private space: unknown

  constructor(dir: string, options?: CsvTrackerOptions) {
    this.dir = check(PATH.required(), dir, argumentAt('CsvTracker', 'dir'))
    this.resultsIntervalMs = CSV_OPTIONS.read(options).resultsIntervalMs
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    for (const id of this.trials.keys()) this.finish(id)
    this.trials.clear()
    this.order.length = 0
    this.lastRows.clear()
    this.lastResultsWrite = Number.NEGATIVE_INFINITY
    this.space = experiment.space
    // A restored experiment carries on in the same files.
    if ((experiment.session ?? 1) === 1) keepEarlier(this.dir, (name) => name === 'results.csv' || TRIAL_FOLDER.test(name))
    mkdirSync(this.dir, { recursive: true })
  }

  onTrialStart(trial: TrialInfo): void {
    let entry = this.trials.get(trial.id)
    if (entry === undefined) {
      entry = {
        id: trial.id,
        config: {},
        state: 'running',
        error: undefined,
        columns: [],
        known: new Set(),
        rows: [],
        fd: undefined,
        stale: false,
      }
      this.trials.set(trial.id, entry)
      this.order.push(trial.id)
    }
    entry.config = trial.config
    entry.state = trial.state
    entry.error = undefined
    if (trial.history.length === 0) {
      // A new trial, or a failed attempt retried from scratch: its rows start over.
      entry.rows = []
      entry.columns.length = 0
      entry.known.clear()
      entry.stale = false
      this.lastRows.delete(trial.id)
      this.closeFile(entry)
      mkdirSync(join(this.dir, trialName(trial.id)), { recursive: true })
      entry.fd = openSync(this.progressPath(trial.id), 'w')
    } else if (entry.fd === undefined) {
      // Resumed after a pause: append to what is there.
      entry.fd = openSync(this.progressPath(trial.id), 'a')
    }
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    let entry = this.trials.get(trial.id)
    if (entry?.fd === undefined) {
      this.onTrialStart(trial)
      entry = this.trials.get(trial.id) as TrialCsv
    }
    const row = flattenConfig(result)
    let added = false
    for (const key of Object.keys(row)) {
      if (entry.known.has(key)) continue
      entry.known.add(key)
      entry.columns.push(key)
      added = true
    }
    const fd = entry.fd as number
    if (entry.rows.length === 0) writeAll(fd, csvHeader(entry.columns))
    else if (added) entry.stale = true
    entry.rows.push(row)
    this.lastRows.set(trial.id, row)
    writeAll(fd, csvRecord(entry.columns, row))
  }

  onTrialEnd(trial: TrialInfo): void {
    const entry = this.trials.get(trial.id)
    if (entry === undefined) return
    entry.state = trial.state
    entry.error = trial.error
    if (trial.state === 'paused') {
      this.closeFile(entry)
      return
    }
    this.finish(trial.id)
    const now = Date.now()
    if (now - this.lastResultsWrite >= this.resultsIntervalMs) {
      this.lastResultsWrite = now
      this.writeResults()
    }
  }

  onExperimentEnd(): void {
    for (const id of this.trials.keys()) this.finish(id)
    this.writeResults()
  }

  /** Closes the trial's progress.csv, rewriting it with the full header if a column came late; its rows are let go. */
  private finish(id: number): void {
    const entry = this.trials.get(id)
    if (entry === undefined) return
    this.closeFile(entry)
    entry.rows = []
  }

  private closeFile(entry: TrialCsv): void {
    if (entry.stale) {
      const text = csvHeader(entry.columns) + entry.rows.map((row) => csvRecord(entry.columns, row)).join('')
      if (entry.fd !== undefined) {
        closeSync(entry.fd)
        entry.fd = undefined
      }
      writeFileSync(this.progressPath(entry.id), text)
      entry.stale = false
    }
    if (entry.fd !== undefined) {
      closeSync(entry.fd)
      entry.fd = undefined
    }
  }

  private progressPath(id: number): string {
    return join(this.dir, trialName(id), 'progress.csv')
  }

  /** Rewrites results.csv: one row per trial, columns the union over all trials. */
  private writeResults(): void {
    const rows = this.order.map((id) => {
      const { config, state, error } = this.trials.get(id) as TrialCsv
      return trialRow({ id, state, config, lastResult: this.lastRows.get(id), error, space: this.space })
    })
    const path = join(this.dir, 'results.csv')
    const temporary = `${path}.${process.pid}.tmp`
    mkdirSync(this.dir, { recursive: true })
    writeFileSync(temporary, csvTable(rows))
    renameSync(temporary, path)
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  let offset = 0
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset)
}
