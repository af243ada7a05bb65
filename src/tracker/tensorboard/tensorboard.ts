import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { ConfigError, show } from '../../errors.ts'
import { rejectUnknownKeys } from '../../known-keys.ts'
import type { Result, TrialInfo } from '../../types.ts'
import { keepEarlier } from '../keep-earlier.ts'
import type { Tracker } from '../tracker.ts'
import { scalarMetrics, TRIAL_FOLDER, trialName } from '../trial-metrics.ts'
import { encodeTbEvent } from './event.ts'
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
  /** The clock for wall times and file names, ms since the epoch. Default `Date.now`. */
  now?: () => number
}

/** What the first record of every event file says about the format. */
export const FILE_VERSION = 'brain.Event:2'

/**
 * Writes TensorBoard event files: one run directory per trial,
 * `dir/trial_0003/events.out.tfevents.<seconds>.<hostname>`, each starting
 * with a `file_version` event, then one `Event` per report holding a scalar
 * (`simple_value`) per numeric metric at step `training_iteration`. Nested
 * metrics are tagged `val/acc`; non-numeric values are skipped; values are
 * stored as 32-bit floats, as TensorBoard scalars are.
 *
 * Each record is written with one synchronous `write` as it arrives (a few
 * dozen bytes), so the files are complete whenever TensorBoard reads them and
 * nothing is left to flush; the file is closed at the trial's end. A retried
 * trial writes into the same file from step 1 again; TensorBoard's reader by
 * default discards the failed attempt's later points when the step goes back.
 * An earlier experiment's trial folders in `dir` move into
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

  constructor(dir: string, options: TensorBoardTrackerOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw new ConfigError(`TensorBoardTracker(options): must be an object, got ${show(options)}`, { field: 'options' })
    rejectUnknownKeys('TensorBoardTracker', options, ['now'])
    if (typeof dir !== 'string' || dir === '')
      throw new ConfigError(`TensorBoardTracker(dir): must be a non-empty path, got ${show(dir)}`, { field: 'dir' })
    if (options.now !== undefined && typeof options.now !== 'function')
      throw new ConfigError(`TensorBoardTracker(options.now): must be a function, got ${show(options.now)}`, { field: 'now' })
    this.dir = dir
    this.now = options.now ?? Date.now
  }

  onExperimentStart(): void {
    keepEarlier(this.dir, (name) => TRIAL_FOLDER.test(name))
  }

  onTrialStart(trial: TrialInfo): void {
    // A retried trial keeps writing to the file it has open; a resumed one reopens its own.
    if (this.files.has(trial.id)) return
    const known = this.paths.get(trial.id)
    if (known !== undefined) {
      this.files.set(trial.id, openSync(known, 'a'))
      return
    }
    const runDir = join(this.dir, trialName(trial.id))
    mkdirSync(runDir, { recursive: true })
    const nowMs = this.now()
    const path = join(runDir, `events.out.tfevents.${Math.floor(nowMs / 1000)}.${hostname()}`)
    const fd = openSync(path, 'a')
    this.files.set(trial.id, fd)
    this.paths.set(trial.id, path)
    this.write(fd, encodeTbEvent({ wallTime: nowMs / 1000, fileVersion: FILE_VERSION }))
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    const scalars = scalarMetrics(result)
    if (scalars.length === 0) return
    if (!this.files.has(trial.id)) this.onTrialStart(trial)
    const fd = this.files.get(trial.id) as number
    this.write(fd, encodeTbEvent({ wallTime: this.now() / 1000, step: result.training_iteration, scalars }))
  }

  onTrialEnd(trial: TrialInfo): void {
    // Paused trials close their file too (HyperBand can leave hundreds waiting); onTrialStart reopens it.
    this.close(trial.id)
  }

  onExperimentEnd(): void {
    for (const id of [...this.files.keys()]) this.close(id)
  }

  private write(fd: number, event: Uint8Array): void {
    const record = frameRecord(event)
    let offset = 0
    while (offset < record.length) offset += writeSync(fd, record, offset)
  }

  private close(id: number): void {
    const fd = this.files.get(id)
    if (fd === undefined) return
    this.files.delete(id)
    closeSync(fd)
  }
}
