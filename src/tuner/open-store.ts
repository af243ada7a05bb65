import { resolve } from 'node:path'
import { JOURNAL_VERSION, type JournalHeader } from '../journal/codec.ts'
import { fingerprintData } from '../journal/fingerprint.ts'
import type { JournalFile } from '../journal/read.ts'
import type { Logger } from '../logger.ts'
import { argumentAt, optionAt, problemAt } from '../options/index.ts'
import type { Searcher } from '../search/searcher.ts'
import { JsonlTracker } from '../tracker/jsonl/jsonl.ts'
import type { Tracker } from '../tracker/tracker.ts'
import type { ExperimentInfo } from '../types.ts'
import { describePlugin } from './plugins.ts'
import { isFinished, type RestorePlan } from './restore.ts'
import { createStore, type ExperimentStore, reopenStore } from './storage.ts'

/** The experiment's folder as `fit()` opened it: its store and journal (none without storage), and whether a restored experiment had finished. */
export interface OpenedStore {
  readonly store?: ExperimentStore
  readonly journal?: JournalFile
  readonly finished: boolean
}

/** What `openStore` needs to know of the Tuner. */
export interface StoreRequest {
  /** The experiment's folder; undefined with `storageDir: false`. */
  readonly dir: string | undefined
  readonly trackers: readonly Tracker[]
  /** Set by `Tuner.restore`: the experiment to continue. */
  readonly restore: RestorePlan | undefined
  readonly data: unknown
  readonly logger: Logger
}

/**
 * Opens the experiment's folder: a new journal, or (restoring) the
 * existing one, read again under the lock. `finished` when a restored
 * experiment has nothing left to do.
 *
 * @example
 * ```ts
 * const { store, journal, finished } = await openStore({ dir, trackers, restore, data, logger }, experiment, searcher, scheduler)
 * ```
 */
export async function openStore(at: StoreRequest, experiment: ExperimentInfo, searcher: Searcher, scheduler: object): Promise<OpenedStore> {
  const { dir, logger } = at
  if (dir === undefined) return { finished: false }
  const clash = at.trackers.findIndex((t) => t instanceof JsonlTracker && resolve(t.dir) === resolve(dir))
  if (clash !== -1) {
    throw problemAt(
      optionAt('Tuner', `trackers[${clash}]`),
      `a JsonlTracker in ${dir} would write over the experiment's own journal there, which records every event already; drop it or give it another folder`,
    )
  }
  if (at.restore === undefined) {
    const header: JournalHeader = {
      event: 'journal',
      version: JOURNAL_VERSION,
      search: describePlugin(searcher),
      scheduler: describePlugin(scheduler),
      data: fingerprintData(at.data),
    }
    return { store: createStore(dir, [header, { event: 'experiment_start', experiment }], logger), finished: false }
  }
  const { store, journal } = await reopenStore(dir, logger, argumentAt('Tuner.restore', 'dir'))
  const finished = isFinished(journal, at.restore.retryErrored)
  if (finished) logger.info(`${dir}: the experiment has finished, nothing to resume; returning its results`)
  return { store, journal, finished }
}
