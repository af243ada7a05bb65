import { existsSync, openSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JournalError } from '../../src/errors.ts'
import { JournalWriter } from '../../src/journal/writer.ts'
import type { ExperimentRun } from '../../src/tuner/experiment.ts'
import { endOnJournalFailure, journalFailure } from '../../src/tuner/journal-failure.ts'
import type { ExperimentStore } from '../../src/tuner/storage.ts'
import { memoryLogger } from '../helpers.ts'

describe('a journal that cannot be written', () => {
  // Writing to /dev/full fails with ENOSPC, as a full disk does.
  it.runIf(existsSync('/dev/full'))(
    'interrupts the run at the first failed write, says so once, and makes the error fit() rejects with, naming the folder and the cause',
    () => {
      const store: ExperimentStore = { dir: '/runs/exp', writer: new JournalWriter(openSync('/dev/full', 'w')), close() {} }
      try {
        const interrupts: string[] = []
        const run = { interrupt: (cause: string, why: string) => interrupts.push(`${cause}: ${why}`) } as unknown as ExperimentRun
        const logger = memoryLogger()
        endOnJournalFailure(store, run, logger)
        expect(journalFailure(store)).toBeUndefined()
        store.writer.append({ event: 'retry', trial_id: 1 })
        store.writer.flush()
        store.writer.append({ event: 'retry', trial_id: 2 })
        store.writer.flush()
        expect(interrupts).toEqual([expect.stringMatching(/^journal: the journal could not be written: ENOSPC/)])
        expect(logger.lines).toEqual([
          expect.stringMatching(
            /^error: \/runs\/exp: the journal could not be written \(ENOSPC.*\): ending the experiment; Tuner.restore continues it from what was written$/,
          ),
        ])
        const error = journalFailure(store)
        expect(error).toBeInstanceOf(JournalError)
        expect(error?.message).toMatch(
          /^\/runs\/exp: the journal could not be written \(ENOSPC.*\); Tuner.restore continues the experiment from what was written$/,
        )
        expect(error?.field).toBe('storageDir')
        expect(error?.cause).toBe(store.writer.failure)
      } finally {
        store.writer.close()
      }
    },
  )

  it('is no failure without a folder (storageDir: false)', () => {
    expect(journalFailure(undefined)).toBeUndefined()
  })
})
