import { describe, expect, it } from 'vitest'
import { AutoSearch, GPSearch, loadExperiment, uniform } from '../../src/index.ts'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { fixtureTuner } from '../helpers.ts'

describe('GPSearch in the Tuner on the worker pool', () => {
  it('runs every trial, proposes distinct values in the domain and finds the optimum', async () => {
    const tuner = fixtureTuner({
      space: { behaviour: 'final', x: uniform(-4, 4) },
      search: new GPSearch({ nStartupTrials: 4 }),
      numSamples: 16,
      concurrency: 2,
      seed: 3,
    })
    const results = await tuner.fit()
    expect(results.trials).toHaveLength(16)
    expect(results.trials.every((t) => t.state === 'completed')).toBe(true)
    const xs = results.trials.map((t) => t.config.x as number)
    expect(xs.every((x) => x >= -4 && x <= 4)).toBe(true)
    expect(new Set(xs).size).toBe(16)
    expect(Math.abs(results.best().config.x as number)).toBeLessThan(0.05)
  })

  it('proposes the same trials in every reproducible run, and learns from trials ASHA stops', async () => {
    const run = async () => {
      const tuner = fixtureTuner({
        space: { behaviour: 'jitter-curve', x: uniform(-4, 4), epochs: 6 },
        search: new GPSearch({ nStartupTrials: 4 }),
        scheduler: new ASHAScheduler({ maxT: 6, gracePeriod: 1, reductionFactor: 2 }),
        numSamples: 12,
        concurrency: 3,
        reproducible: true,
        seed: 5,
      })
      const results = await tuner.fit()
      return results.trials.map((t) => `${t.config.x} ${t.state} after ${t.history.length}`)
    }
    const runs = [await run(), await run()]
    expect(runs[1]).toEqual(runs[0])
    expect(runs[0]?.some((line) => line.includes('stopped'))).toBe(true)
  })

  it('runs as AutoSearch, which picks GP for this budget and says so in the experiment it records', async () => {
    const search = new AutoSearch({ gp: { nStartupTrials: 3 } })
    const tuner = fixtureTuner({
      space: { behaviour: 'final', x: uniform(-4, 4) },
      search,
      numSamples: 8,
      concurrency: 2,
      seed: 1,
    })
    const results = await tuner.fit()
    expect(search.choice).toBe('gp')
    expect(results.trials).toHaveLength(8)
    // What the console's header, the report and the trackers show.
    expect((await loadExperiment(tuner.dir as string)).experiment.searcher).toBe('AutoSearch (GPSearch)')
  })
})
