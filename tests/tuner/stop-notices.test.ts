import { describe, expect, it } from 'vitest'
import { finishedOfStarted } from '../../src/tuner/stop-notices.ts'

describe('finishedOfStarted', () => {
  it('words how many of the trials started have finished naturally for none, one, some and all', () => {
    expect(finishedOfStarted(0, 0)).toBe('no trial had started')
    expect(finishedOfStarted(0, 1)).toBe('the one trial started has not finished')
    expect(finishedOfStarted(1, 1)).toBe('the one trial started has finished')
    expect(finishedOfStarted(0, 2)).toBe('none of the 2 trials started has finished')
    expect(finishedOfStarted(1, 3)).toBe('1 of 3 trials started has finished')
    expect(finishedOfStarted(14, 16)).toBe('14 of 16 trials started have finished')
    expect(finishedOfStarted(3, 3)).toBe('all 3 trials started have finished')
  })
})
