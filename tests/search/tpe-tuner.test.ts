import { describe, expect, it } from 'vitest'
import { uniform } from '../../src/index.ts'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { MedianStoppingRule } from '../../src/scheduler/median.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import { fixtureTuner } from '../helpers.ts'

describe('TPESearch in the Tuner on the worker pool', () => {
  it('runs every trial, proposes values in the domain and concentrates near the optimum', async () => {
    const tuner = fixtureTuner({
      space: { behaviour: 'final', x: uniform(-4, 4) },
      search: new TPESearch({ nStartupTrials: 5 }),
      numSamples: 24,
      concurrency: 2,
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

  it('proposes the same trials in every run with `reproducible`, though threads finish in a random order', async () => {
    const run = async () => {
      const tuner = fixtureTuner({
        space: { behaviour: 'jitter', x: uniform(-4, 4) },
        search: new TPESearch({ nStartupTrials: 3 }),
        numSamples: 16,
        concurrency: 3,
        reproducible: true,
        seed: 11,
      })
      const done = tuner.fit()
      const ends: number[] = []
      for await (const event of tuner.events()) if (event.type === 'trial_end') ends.push(event.trial.id)
      const results = await done
      return { xs: results.trials.map((t) => t.config.x), ends: ends.join(',') }
    }
    const runs = [await run(), await run(), await run()]
    expect(runs[1]?.xs).toEqual(runs[0]?.xs)
    expect(runs[2]?.xs).toEqual(runs[0]?.xs)
    expect(new Set(runs[0]?.xs).size).toBe(16)
    // The threads did finish in different orders: the trials are the same in spite of it.
    expect(new Set(runs.map((r) => r.ends)).size).toBeGreaterThan(1)
  })

  it.each([
    ['ASHA', () => new ASHAScheduler({ maxT: 8, gracePeriod: 1, reductionFactor: 2 })],
    ['the median rule', () => new MedianStoppingRule({ gracePeriod: 2, minSamplesRequired: 2 })],
  ])('with %s too: the same trials, stopped at the same points, in every reproducible run', async (_name, makeScheduler) => {
    const run = async () => {
      const tuner = fixtureTuner({
        space: { behaviour: 'jitter-curve', x: uniform(-4, 4), epochs: 8 },
        search: new TPESearch({ nStartupTrials: 4 }),
        scheduler: makeScheduler(),
        numSamples: 16,
        concurrency: 3,
        reproducible: true,
        seed: 5,
      })
      const results = await tuner.fit()
      return results.trials.map((t) => `${t.config.x} ${t.state} after ${t.history.length}`)
    }
    const runs = [await run(), await run(), await run()]
    expect(runs[1]).toEqual(runs[0])
    expect(runs[2]).toEqual(runs[0])
    const lengths = new Set(runs[0]?.map((line) => line.split(' after ')[1]))
    expect(lengths.size).toBeGreaterThan(1) // the scheduler did stop some trials early
  })
})
