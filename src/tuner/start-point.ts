import type { CheckpointRef } from '../journal/codec.ts'
import type { Logger } from '../logger.ts'
import type { CheckpointStore } from './checkpoints.ts'
import type { Trial } from './trial.ts'

/** A checkpoint a run resumes from, and its state. */
export interface StartPoint {
  readonly ref: CheckpointRef
  readonly state: unknown
}

/**
 * Where a resumed run starts: the newest checkpoint of the donor (if the
 * scheduler named one), else of the trial itself, that stands for a report
 * already recorded and can be read; undefined for the start. A checkpoint
 * that cannot be read gets one warning, saying where the trial resumes instead.
 *
 * @example
 * ```ts
 * const start = startPoint(checkpoints, trial, undefined, logger) // { ref, state } or undefined
 * ```
 */
export function startPoint(checkpoints: CheckpointStore, trial: Trial, donor: Trial | undefined, logger: Logger): StartPoint | undefined {
  const candidates = donor === undefined ? [] : checkpoints.usable(donor.id, donor.attempt, donor.reported)
  candidates.push(...checkpoints.usable(trial.id, trial.attempt, trial.reported))
  let failed: { ref: CheckpointRef; problem: string; unwritten?: boolean } | undefined
  let start: StartPoint | undefined
  for (const ref of candidates) {
    const loaded = checkpoints.load(ref)
    if ('state' in loaded) {
      start = { ref, state: loaded.state }
      break
    }
    failed ??= { ref, ...loaded }
  }
  if (failed !== undefined) {
    const instead =
      start === undefined ? 'it starts over' : `it resumes from ${checkpoints.file(start.ref)} (report ${start.ref.iteration})`
    const file = checkpoints.file(failed.ref)
    // Recorded, then the process died before the file was written: the usual end of a kill, not damage.
    if (failed.unwritten) logger.info(`trial ${trial.id}: checkpoint ${file} was not written before the crash; ${instead}`)
    else logger.warn(`trial ${trial.id}: checkpoint ${file} cannot be used (${failed.problem}); ${instead}`)
  }
  return start
}
