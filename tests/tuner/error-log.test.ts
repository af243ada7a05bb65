import { describe, expect, it } from 'vitest'
import { TrialErrorLog } from '../../src/tuner/error-log.ts'
import { memoryLogger } from '../helpers.ts'

describe('TrialErrorLog', () => {
  it('warns of each distinct error once, with its first cause, and counts the repeats at the close', () => {
    const logger = memoryLogger()
    const log = new TrialErrorLog(logger)
    const fitFailed = { name: 'Error', message: 'fit failed', cause: { name: 'TypeError', message: 'bad shape' } }
    log.errored(3, fitFailed)
    log.errored(4, fitFailed)
    log.errored(5, fitFailed)
    log.retrying(6, 1, 2, { name: 'RangeError', message: 'boom' })
    log.retrying(7, 1, 2, { name: 'RangeError', message: 'boom' })
    log.close()
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      'warn: trial 3 errored: Error: fit failed (cause: TypeError: bad shape)',
      'warn: trial 6 failed (attempt 1 of 2), retrying: RangeError: boom',
      'warn: 1 more failed attempt the same way: RangeError: boom',
      'warn: 2 more trials errored the same way: Error: fit failed',
    ])
  })
})
