import { describe, expect, it } from 'vitest'
import { uniform } from '../../src/search/space.ts'
import { splitTrials, type TrialRecord } from '../../src/search/tpe/split.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import type { Config, Result } from '../../src/types.ts'

const result = (id: number, loss: number): Result => ({ loss, training_iteration: 1, trial_id: id, time_total_s: 0 })

/**
 * 40 TPE trials on loss (x - 0.8)^2, where every trial with x > 0.6 fails: it reports a NaN loss (and the
 * Tuner ends it errored), or, with `asNaN` false, errors with no result. Returns how many of the trials
 * after the 10 random ones landed in the failing region.
 */
function intoFailures(asNaN: boolean): number {
  const search = new TPESearch({ nStartupTrials: 10 })
  search.setup({ space: { x: uniform(0, 1) }, metric: 'loss', mode: 'min', seed: 3, numSamples: 40 })
  let inside = 0
  for (let id = 0; id < 40; id++) {
    const { x } = search.suggest(id) as Config & { x: number }
    const fails = x > 0.6
    if (fails && id >= 10) inside++
    if (!fails) search.onTrialComplete(id, result(id, (x - 0.8) ** 2), 'completed')
    else search.onTrialComplete(id, asNaN ? result(id, Number.NaN) : undefined, 'errored')
  }
  return inside
}

describe('TPE and diverged trials (a NaN metric)', () => {
  it('learns from them as the worst trials: it goes back where trials diverged less often than where trials just errored', () => {
    const diverged = intoFailures(true)
    const errored = intoFailures(false)
    expect(diverged).toBeLessThan(errored)
    expect(diverged).toBeLessThan(15) // of 30
  })

  it('always puts a diverged trial in the bad set, even when every finished trial fits in the good one', () => {
    const record = (id: number, status: TrialRecord['status'], value = Number.NaN): TrialRecord => ({
      id,
      vector: Float64Array.of(id),
      status,
      value,
      step: 1,
    })
    const split = splitTrials([record(0, 'completed', 2), record(1, 'diverged'), record(2, 'stopped', 1)], 5, false)
    expect(split.below.map((r) => r.id)).toEqual([0, 2])
    expect(split.above.map((r) => r.id)).toEqual([1])
  })
})
