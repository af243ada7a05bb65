import { describe, expect, it } from 'vitest'
import { Tuner, uniform } from '../../src/index.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import { BEHAVIOURS, memoryLogger } from '../helpers.ts'

describe('TPESearch in the Tuner on the worker pool', () => {
  it('runs every trial, proposes values in the domain and concentrates near the optimum', async () => {
    const tuner = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final', x: uniform(-4, 4) },
      metric: 'loss',
      mode: 'min',
      search: new TPESearch({ nStartupTrials: 5 }),
      numSamples: 24,
      concurrency: 2,
      trackers: [],
      logger: memoryLogger(),
      seed: 3,
    })
    const results = await tuner.fit()
    expect(results.trials).toHaveLength(24)
    expect(results.trials.every((t) => t.state === 'completed')).toBe(true)
    const xs = results.trials.map((t) => t.config.x as number)
    expect(xs.every((x) => x >= -4 && x <= 4)).toBe(true)
    expect(new Set(xs).size).toBe(24)
    expect(Math.abs(results.best().config.x as number)).toBeLessThan(1)
    expect(results.best().lastResult?.loss).toBe((results.best().config.x as number) ** 2)
  })
})
