import { describe, expect, it } from 'vitest'
import { ObjectiveLeaders } from '../../src/tracker/objective-leaders.ts'
import type { Result, TrialInfo } from '../../src/types.ts'

const trial = (id: number) => ({ id, config: {}, state: 'running', history: [] }) as unknown as TrialInfo
const result = (loss: number, ms: number): Result => ({ loss, ms, training_iteration: 1, trial_id: 0, time_total_s: 0 })

describe('ObjectiveLeaders', () => {
  it('keeps the front current as points arrive, change and are forgotten', () => {
    const leaders = new ObjectiveLeaders([
      { metric: 'loss', mode: 'min' },
      { metric: 'ms', mode: 'min' },
    ])
    leaders.update(trial(0), result(1, 1))
    leaders.update(trial(1), result(2, 2))
    expect(leaders.front()).toEqual([0])
    leaders.update(trial(1), result(0.5, 3)) // its last result now trades loss for time
    expect(leaders.front()).toEqual([0, 1])
    leaders.update(trial(2), result(0.1, 0.1))
    expect(leaders.front()).toEqual([2])
    leaders.forget(2)
    expect(leaders.front()).toEqual([0, 1])
    expect(leaders.best(1)?.trial.id).toBe(0)
  })
})
