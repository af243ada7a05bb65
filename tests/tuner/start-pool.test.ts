import { describe, expect, it } from 'vitest'
import { trialList } from '../../src/tuner/start-pool.ts'

describe('trialList', () => {
  it('names the trials by id, short: one, a few, and many with how many more', () => {
    expect(trialList([3])).toBe('trial 3')
    expect(trialList([3, 7])).toBe('trials 3, 7')
    expect(trialList(Array.from({ length: 15 }, (_, i) => i))).toBe('trials 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 5 more')
    expect(trialList([])).toBe('a trial')
  })
})
