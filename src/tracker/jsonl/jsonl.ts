import { once } from 'node:events'
import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { show, TrackerError } from '../../errors.ts'
import { EXPERIMENT_FILE, encodeEvent, type JsonlEvent, storedError } from '../../journal/codec.ts'
import { argumentAt, check, PATH } from '../../options/index.ts'
import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo } from '../../types.ts'
import { fileStamp, unusedPath } from '../keep-earlier.ts'
import type { Tracker } from '../tracker.ts'

/**
 * The embedded default store: every event of an experiment as one JSON line
 * in `dir/experiment.jsonl`, written as it happens (format: see
 * `journal/codec.ts`). A previous `experiment.jsonl` in `dir` is renamed to
 * `experiment.<time it was last written>.jsonl`, never overwritten. Read it
 * back with {@link loadExperiment}.
 *
 * Per-event hooks only append to a write stream (no fs call, no promise);
 * they may be called without awaiting `onExperimentStart`;
 * `onExperimentEnd` resolves once every line is on disk. A write error is
 * thrown from the next hook and from `onExperimentEnd`.
 *
 * @example
 * ```ts
 * const tuner = new Tuner({ ...options, trackers: [new JsonlTracker('runs/exp1')] })
 * await tuner.fit()
 * const { results } = await loadExperiment('runs/exp1')
 * ```
 */
export class JsonlTracker implements Tracker {
  /** The directory holding `experiment.jsonl`. */
  readonly dir: string
  private stream: WriteStream | undefined
  private failure: Error | undefined

  constructor(dir: string) {
    this.dir = check(PATH.required(), dir, argumentAt('JsonlTracker', 'dir'))
  }

  /**
   * Prepares the file synchronously (directory, renaming an old log, opening
   * the stream) so the hooks that follow can write at once even when the
   * caller does not wait for this one; that one-time sync fs work is cheap.
   * The promise settles when the file is open, rejecting if it cannot be.
   */
  onExperimentStart(experiment: ExperimentInfo): Promise<void> {
    const path = join(this.dir, EXPERIMENT_FILE)
    try {
      mkdirSync(this.dir, { recursive: true })
      keepPrevious(path, this.dir)
    } catch (error) {
      throw this.failed(error)
    }
    const stream = createWriteStream(path, { flags: 'a' })
    this.failure = undefined
    // Without a listener a write error would crash the process; keep it for the next hook instead.
    stream.on('error', (error) => {
      this.failure ??= error
    })
    this.stream = stream
    this.write({ event: 'experiment_start', experiment })
    return once(stream, 'open').then(
      () => undefined,
      (error: unknown) => {
        throw this.failed(error)
      },
    )
  }

  onTrialStart(trial: TrialInfo): void {
    this.write({ event: 'trial_start', trial: { id: trial.id, config: trial.config, seed: trial.seed, attempt: trial.attempt ?? 1 } })
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    this.write({ event: 'result', trial_id: trial.id, result })
  }

  onTrialEnd(trial: TrialInfo): void {
    this.write({ event: 'trial_end', trial: { id: trial.id, state: trial.state, error: storedError(trial.error) } })
  }

  async onExperimentEnd(_experiment: ExperimentInfo, summary: ExperimentSummary): Promise<void> {
    const stream = this.open()
    this.stream = undefined
    stream.end(`${encodeEvent({ event: 'experiment_end', summary })}\n`)
    await finished(stream).catch((error: unknown) => {
      throw this.failed(error)
    })
  }

  /**
   * Appends one line. The stream buffers it; there is no backpressure because
   * even 10,000 events/s is a few MB/s, far below what a disk takes.
   */
  private write(event: JsonlEvent): void {
    this.open().write(`${encodeEvent(event)}\n`)
  }

  private open(): WriteStream {
    if (this.failure) throw this.failed(this.failure)
    if (this.stream === undefined) {
      throw new TrackerError(`JsonlTracker(${show(this.dir)}): no experiment is open; call onExperimentStart first`, { field: 'dir' })
    }
    return this.stream
  }

  /** A file system error (no space, no permission, a file where the folder goes) as this tracker's error. */
  private failed(error: unknown): TrackerError {
    const message = error instanceof Error ? error.message : String(error)
    return new TrackerError(`JsonlTracker(${show(this.dir)}): writing the log failed: ${message}`, { field: 'dir', cause: error })
  }
}

/** Renames an existing log to `experiment.<mtime>.jsonl`, adding `-1`, `-2`... rather than overwrite another. */
function keepPrevious(path: string, dir: string): void {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (stats === undefined) return
  renameSync(path, unusedPath(dir, `experiment.${fileStamp(stats.mtime)}`, '.jsonl'))
}
