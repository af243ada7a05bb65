import { describe, expect, it } from 'vitest'
import { BestOfLast } from '../../src/tracker/best-of-last.ts'
import type { Result, TrialInfo } from '../../src/types.ts'

const trial = (id: number): TrialInfo => ({
  id,
  config: {},
  state: 'running',
  seed: id,
  lastResult: undefined,
  history: [],
  error: undefined,
})
const result = (id: number, loss: unknown): Result => ({ loss, training_iteration: 1, trial_id: id, time_total_s: 1 })

describe('BestOfLast', () => {
  it('is empty until a trial reports a numeric metric', () => {
    const best = new BestOfLast('loss', 'min')
    best.update(trial(0), result(0, 'n/a'))
    best.update(trial(1), result(1, Number.NaN))
    expect(best.get()).toBeUndefined()
  })

  it('follows the best last value, moving back when the leader gets worse or loses its value', () => {
    const best = new BestOfLast('loss', 'min')
    best.update(trial(0), result(0, 0.5))
    best.update(trial(1), result(1, 0.2))
    best.update(trial(2), result(2, 0.3))
    expect(best.get()?.trial.id).toBe(1)
    best.update(trial(1), result(1, 0.1))
    expect(best.get()).toMatchObject({ value: 0.1, trial: { id: 1 } })
    best.update(trial(1), result(1, 0.9))
    expect(best.get()).toMatchObject({ value: 0.3, trial: { id: 2 } })
    best.update(trial(2), result(2, Number.NaN))
    expect(best.get()).toMatchObject({ value: 0.5, trial: { id: 0 } })
  })

  it('breaks a tie for the lower trial id, as ResultGrid.best() does, whatever the order of arrival', () => {
    const best = new BestOfLast('acc', 'max')
    const acc = (id: number, value: number): Result => ({ acc: value, training_iteration: 1, trial_id: id, time_total_s: 1 })
    best.update(trial(3), acc(3, 0.95))
    best.update(trial(1), acc(1, 0.95))
    best.update(trial(2), acc(2, 0.95))
    expect(best.get()?.trial.id).toBe(1)
    best.update(trial(1), acc(1, 0.5)) // the leader falls back: the scan must also prefer the lower id
    expect(best.get()?.trial.id).toBe(2)
  })

  it('prefers higher values in max mode', () => {
    const best = new BestOfLast('loss', 'max')
    best.update(trial(0), result(0, 0.5))
    best.update(trial(1), result(1, 0.7))
    expect(best.get()?.trial.id).toBe(1)
  })
})

describe('BestOfLast.forget', () => {
  it('drops a retried trial, so its failed attempt no longer leads', () => {
    const best = new BestOfLast('loss', 'min')
    best.update(trial(0), result(0, 0.1))
    best.update(trial(1), result(1, 0.5))
    best.forget(0)
    expect(best.get()?.trial.id).toBe(1)
  })
})
