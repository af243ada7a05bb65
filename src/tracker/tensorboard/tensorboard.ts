import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { experimentObjectives } from '../../objectives/index.ts'
import { argumentAt, check, computed, defineOptions, func, PATH, type SchemaOf } from '../../options/index.ts'
import type { ExperimentInfo, Result, TrialInfo } from '../../types.ts'
import { keepEarlier } from '../keep-earlier.ts'
import type { Tracker } from '../tracker.ts'
import { scalarMetrics, TRIAL_FOLDER, trialName } from '../trial-metrics.ts'
import { encodeTbEvent, type PluginSummary } from './event.ts'
import { type HParamColumn, hparamColumns, sessionHParams, sessionStatus } from './hparam-columns.ts'
import { experimentSummary, sessionEndSummary, sessionStartSummary } from './hparams.ts'
import { frameRecord } from './tfrecord.ts'

/**
 * Options of {@link TensorBoardTracker}.
 *
 * @example
 * ```ts
 * const options: TensorBoardTrackerOptions = { now: () => 1_700_000_000_000 }
 * ```
 */
export interface TensorBoardTrackerOptions {
  /**
   * The clock for wall times and file names, ms since the epoch.
   * @default `Date.now`
   */
  now?: () => number
}

/** Every option of {@link TensorBoardTracker}: kinds and defaults. */
export const TENSORBOARD_OPTIONS = defineOptions('TensorBoardTracker', {
  now: func<() => number>().withDefault(computed('`Date.now`', () => Date.now)),
} satisfies SchemaOf<TensorBoardTrackerOptions>)

/** What the first record of every event file says about the format. */
export const FILE_VERSION = 'brain.Event:2'

/** The names TensorBoard gives event files, as the experiment's own file in `dir` has. */
const EVENT_FILE = /^events\.out\.tfevents\./

/** What the HParams summaries need from the experiment while it runs. */
interface HParamsState {
  readonly experiment: ExperimentInfo
  readonly columns: readonly HParamColumn[]
  /** The experiment's metrics (every objective), then every other scalar tag in the order trials first reported it. */
  readonly metrics: Set<string>
}

/**
 * Writes TensorBoard event files: one run directory per trial,
 * `dir/trial_0003/events.out.tfevents.<seconds>.<hostname>`, each starting
 * with a `file_version` event, then one `Event` per report holding a scalar
 * (`simple_value`) per numeric metric at step `training_iteration`. Nested
 * metrics are tagged `val/acc`; non-numeric values are skipped; values are
 * stored as 32-bit floats, as TensorBoard scalars are.
 *
 * For TensorBoard's HParams dashboard, each trial's run is a session, alone
 * in its session group: its file starts with the trial's config (a session
 * start: one hyperparameter per key of the search space, nested keys joined
 * with `/`) and, once the trial has ended for good, its status (a session
 * end: completed and stopped trials are a success, errored ones a failure).
 * At the experiment's end an event file in `dir` itself declares the
 * experiment: each hyperparameter's domain from the search space and, as
 * metrics, the experiment's metric then every other scalar the trials
 * reported. Until then TensorBoard infers the columns from the sessions.
 *
 * Each record is written with one synchronous `write` as it arrives (a few
 * dozen bytes), so the files are complete whenever TensorBoard reads them and
 * nothing is left to flush; the file is closed at the trial's end. A retried
 * trial writes into the same file from step 1 again; TensorBoard's reader by
 * default discards the failed attempt's later points when the step goes back.
 * An earlier experiment's trial folders and event file in `dir` move into
 * `dir/earlier-<time>/` when a new one starts, so its runs stay apart.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, trackers: [new TensorBoardTracker('runs/tb')] })
 * // then: tensorboard --logdir runs/tb
 * ```
 */
export class TensorBoardTracker implements Tracker {
  /** The log directory to give `tensorboard --logdir`. */
  readonly dir: string
  private readonly now: () => number
  /** Open event files by trial id. */
  private readonly files = new Map<number, number>()
  /** Every trial's event file, so a paused trial's can be closed and reopened. */
  private readonly paths = new Map<number, string>()
  /** Set from the experiment's start to its end; without it (hooks called alone) no HParams summaries are written. */
  private hparams: HParamsState | undefined

  constructor(dir: string, options?: TensorBoardTrackerOptions) {
    this.dir = check(PATH.required(), dir, argumentAt('TensorBoardTracker', 'dir'))
    this.now = TENSORBOARD_OPTIONS.read(options).now
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    // A tracker given to a second experiment starts afresh: the earlier one's files move aside; a restored
    // experiment carries on in the same run folders (a new event file each).
    this.closeAll()
    this.paths.clear()
    this.hparams = undefined
    if ((experiment.session ?? 1) === 1) keepEarlier(this.dir, (name) => TRIAL_FOLDER.test(name) || EVENT_FILE.test(name))
    // Throws a SpaceError for a space that is not one: the scalars are still written, without HParams.
    const columns = hparamColumns(experiment.space)
    this.hparams = { experiment, columns, metrics: new Set(experimentObjectives(experiment).map((o) => o.metric)) }
  }

  onTrialStart(trial: TrialInfo): void {
    // A retried trial keeps writing to the file it has open; a resumed one reopens its own.
    if (this.files.has(trial.id)) return
    const known = this.paths.get(trial.id)
    if (known !== undefined) {
      this.files.set(trial.id, openSync(known, 'a'))
      return
    }
    const nowMs = this.now()
    const { fd, path } = this.createEventFile(join(this.dir, trialName(trial.id)), nowMs)
    this.files.set(trial.id, fd)
    this.paths.set(trial.id, path)
    if (this.hparams !== undefined) {
      const hparams = sessionHParams(this.hparams.columns, trial.config, this.hparams.experiment.space)
      this.writePlugin(fd, nowMs, sessionStartSummary({ hparams, startTimeSecs: nowMs / 1000 }))
    }
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    const scalars = scalarMetrics(result)
    if (scalars.length === 0) return
    if (!this.files.has(trial.id)) this.onTrialStart(trial)
    const fd = this.files.get(trial.id) as number
    this.write(fd, encodeTbEvent({ wallTime: this.now() / 1000, step: result.training_iteration, scalars }))
    for (const [tag] of scalars) this.hparams?.metrics.add(tag)
  }

  onTrialEnd(trial: TrialInfo): void {
    const status = sessionStatus(trial.state)
    const path = this.paths.get(trial.id)
    // TensorBoard keeps the first session end it reads, so only a trial that ended for good gets one.
    if (status !== undefined && this.hparams !== undefined && path !== undefined) {
      // A trial paused, then stopped at the experiment's end, has its file closed by now.
      const fd = this.files.get(trial.id) ?? openSync(path, 'a')
      this.files.set(trial.id, fd)
      const nowMs = this.now()
      this.writePlugin(fd, nowMs, sessionEndSummary({ status, endTimeSecs: nowMs / 1000 }))
    }
    // Paused trials close their file too (HyperBand can leave hundreds waiting); onTrialStart reopens it.
    this.close(trial.id)
  }

  onExperimentEnd(): void {
    this.closeAll()
    const state = this.hparams
    if (state === undefined) return
    this.hparams = undefined
    const { experiment, columns, metrics } = state
    const nowMs = this.now()
    const { fd } = this.createEventFile(this.dir, nowMs)
    try {
      const summary = experimentSummary({
        name: experiment.name,
        description: `hyperpool experiment "${experiment.name}": ${experimentObjectives(experiment)
          .map((o) => `${o.metric} (${o.mode})`)
          .join(', ')}, ${experiment.searcher} + ${experiment.scheduler}`,
        timeCreatedSecs: Date.parse(experiment.startedAt) / 1000,
        hparams: columns.map((column) => column.info),
        metrics: [...metrics],
      })
      this.writePlugin(fd, nowMs, summary)
    } finally {
      closeSync(fd)
    }
  }

  /** Opens a new event file in `runDir`, named as TensorBoard names them, and writes its header. */
  private createEventFile(runDir: string, nowMs: number): { fd: number; path: string } {
    mkdirSync(runDir, { recursive: true })
    const path = join(runDir, `events.out.tfevents.${Math.floor(nowMs / 1000)}.${hostname()}`)
    const fd = openSync(path, 'a')
    this.write(fd, encodeTbEvent({ wallTime: nowMs / 1000, fileVersion: FILE_VERSION }))
    return { fd, path }
  }

  private writePlugin(fd: number, nowMs: number, summary: PluginSummary): void {
    this.write(fd, encodeTbEvent({ wallTime: nowMs / 1000, plugins: [summary] }))
  }

  private write(fd: number, event: Uint8Array): void {
    const record = frameRecord(event)
    let offset = 0
    while (offset < record.length) offset += writeSync(fd, record, offset)
  }

  private closeAll(): void {
    for (const id of [...this.files.keys()]) this.close(id)
  }

  private close(id: number): void {
    const fd = this.files.get(id)
    if (fd === undefined) return
    this.files.delete(id)
    closeSync(fd)
  }
}
