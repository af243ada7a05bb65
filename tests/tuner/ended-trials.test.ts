import { describe, expect, it } from 'vitest'
import { EndedTrials } from '../../src/tuner/ended-trials.ts'

describe('EndedTrials', () => {
  it('moves its frontier past every trial that ended, whatever order they end in, and says which it passed', () => {
    const ended = new EndedTrials()
    const passed: number[] = []
    for (const id of [2, 1, 4]) ended.add(id, (p) => passed.push(p))
    expect(ended.frontier).toBe(0) // trial 0 still runs
    expect([0, 1, 2, 3, 4].map((id) => ended.has(id))).toEqual([false, true, true, false, true])
    ended.add(0, (p) => passed.push(p))
    expect(ended.frontier).toBe(3)
    ended.add(3, (p) => passed.push(p))
    expect(ended.frontier).toBe(5)
    expect(passed).toEqual([0, 1, 2, 3, 4])
    ended.add(1) // already behind the frontier: nothing changes
    expect(ended.frontier).toBe(5)
    expect(ended.has(4)).toBe(true)
  })

  it('moves its frontier with nobody listening too', () => {
    const ended = new EndedTrials()
    for (const id of [1, 0, 2]) ended.add(id)
    expect(ended.frontier).toBe(3)
  })
})
