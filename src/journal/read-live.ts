import { type LockHolder, liveLock } from './lock.ts'
import { readExperiment, type StoredExperiment } from './read.ts'

/** An experiment's journal as it stands, and the live process that runs it now, if one does. */
export interface LiveRead {
  readonly stored: StoredExperiment
  /** Its `.lock` names a live process (or one on another host, not checked from here); undefined otherwise. */
  readonly runningIn: LockHolder | undefined
}

/**
 * Reads `dir`'s journal, its trials without an end `'running'` while a live process holds the
 * experiment's lock and `'paused'` otherwise (what a restore would continue): what `loadExperiment`
 * and the report read, so both say the same of a running experiment.
 *
 * @example
 * ```ts
 * const { stored, runningIn } = await readLiveExperiment('runs/exp1')
 * if (runningIn) console.log(`running in pid ${runningIn.pid}: ${stored.trials.length} trials so far`)
 * ```
 */
export async function readLiveExperiment(dir: string): Promise<LiveRead> {
  // The lock before the journal: a journal read after the lock was seen live was written by that live run.
  // A dir that is not a string has no lock to look at: the read refuses it, naming the argument.
  const holder = typeof dir === 'string' ? liveLock(dir) : undefined
  const stored = await readExperiment(dir, { running: holder !== undefined })
  if (holder === undefined || stored.summary === undefined) return { stored, runningIn: holder }
  // The run ended between the two reads: its end is the last word, and its open trials read as it left them.
  return { stored: await readExperiment(dir), runningIn: undefined }
}
