import { JournalError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ExperimentRun } from './experiment.ts'
import type { ExperimentStore } from './storage.ts'

/**
 * Ends the experiment at the journal's first failed write (disk full, folder gone): trials go on being
 * recorded nowhere otherwise. What was written stays, and `Tuner.restore` continues from it.
 *
 * @example
 * ```ts
 * endOnJournalFailure(store, run, logger)
 * ```
 */
export function endOnJournalFailure(store: ExperimentStore, run: ExperimentRun, logger: Logger): void {
  store.writer.onFailure = (error) => {
    logger.error(
      `${store.dir}: ${WRITE_FAILED} (${error.message}): ending the experiment; Tuner.restore continues it from what was written`,
    )
    run.interrupt('journal', `${WRITE_FAILED}: ${error.message}`)
  }
}

/**
 * The error `fit()` rejects with when the journal failed, undefined when it did not.
 *
 * @example
 * ```ts
 * const failed = journalFailure(store)
 * if (failed) throw failed
 * ```
 */
export function journalFailure(store: ExperimentStore | undefined): JournalError | undefined {
  const failure = store?.writer.failure
  if (store === undefined || failure === undefined) return undefined
  return new JournalError(
    `${store.dir}: ${WRITE_FAILED} (${failure.message}); Tuner.restore continues the experiment from what was written`,
    {
      field: 'storageDir',
      cause: failure,
    },
  )
}

const WRITE_FAILED = 'the journal could not be written'
