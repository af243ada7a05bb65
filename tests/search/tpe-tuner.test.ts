import { describe, expect, it } from 'vitest'
import { uniform } from '../../src/index.ts'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { MedianStoppingRule } from '../../src/scheduler/median.ts'
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import { createRandom, deriveSeed } from '../../src/search/rng.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import type { ScriptedContext } from '../fixtures/fake-executor.ts'
import { runLoop } from '../fixtures/loop.ts'
import { fixtureTuner } from '../helpers.ts'

describe('TPESearch in the Tuner on the worker pool', () => {
  it('runs every trial, proposes values in the domain and concentrates near the optimum', async () => {
    const tuner = fixtureTuner({
      space: { behaviour: 'final', x: uniform(-4, 4) },
      search: new TPESearch({ nStartupTrials: 5 }),
      numSamples: 24,
      concurrency: 2,
      // What TPE has seen when it proposes then does not hang on which thread finished first.
      reproducible: true,
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

  it('with `reproducible`, proposes the same trials and stops them at the same points in two runs', async () => {
    const run = async () => {
      const tuner = fixtureTuner({
        // Each report after an unseeded pause: threads finish in an order of their own in each run.
        space: { behaviour: 'jitter-curve', x: uniform(-4, 4), epochs: 4 },
        search: new TPESearch({ nStartupTrials: 4 }),
        scheduler: new ASHAScheduler({ maxT: 4, gracePeriod: 1, reductionFactor: 2 }),
        numSamples: 9,
        concurrency: 3,
        reproducible: true,
        seed: 5,
      })
      const results = await tuner.fit()
      return results.trials.map((t) => `${t.config.x} ${t.state} after ${t.history.length}`)
    }
    expect(await run()).toEqual(await run())
  })
})

/** How long trial `id` takes per report in the run numbered `order`: a different finishing order in every run. */
const stepsOf = (order: number, id: number) => 1 + Math.floor(createRandom(deriveSeed(order, 'jitter', id))() * 20)

/** `reports` reports of `loss: x² + 1/epoch`, each after the trial's own number of steps. */
function jitter(order: number, reports: number) {
  return async (config: { x: number }, ctx: ScriptedContext) => {
    for (let epoch = 1; epoch <= reports; epoch++) {
      await ctx.sleep(stepsOf(order, ctx.trialId))
      await ctx.report({ loss: config.x ** 2 + 1 / epoch })
    }
  }
}

describe('TPESearch through the experiment loop, trials ending in scripted orders', () => {
  const space = { x: uniform(-4, 4) }

  /** Three runs, each with its own finishing order: what TPE proposed, and in which order trials ended. */
  async function runs(reproducible: boolean, reports: number, scheduler?: () => Scheduler) {
    const outcomes: Array<{ trials: string[]; ends: string }> = []
    for (const order of [0, 1, 2]) {
      const run = await runLoop({
        trainable: jitter(order, reports),
        search: new TPESearch({ nStartupTrials: 3 }),
        space,
        scheduler: scheduler?.(),
        numSamples: 16,
        slots: 3,
        reproducible,
        seed: 11,
      })
      const ends = run.executor.events.filter((e) => / end /.test(e)).map((e) => e.split(' ')[2])
      outcomes.push({ trials: run.trials.map((t) => `${t.config.x} ${t.state} after ${t.history.length}`), ends: ends.join(',') })
    }
    return outcomes
  }

  it('proposes the same trials in every run with `reproducible`, though trials end in another order each time', async () => {
    const [a, b, c] = await runs(true, 1)
    expect(new Set([a?.ends, b?.ends, c?.ends]).size).toBe(3)
    expect(b?.trials).toEqual(a?.trials)
    expect(c?.trials).toEqual(a?.trials)
    expect(new Set(a?.trials).size).toBe(16)
    // Without it, the same orders give other proposals: the orders are what `reproducible` takes out.
    const [d, e, f] = await runs(false, 1)
    expect(new Set([d?.trials.join(), e?.trials.join(), f?.trials.join()]).size).toBeGreaterThan(1)
  })

  it.each([
    ['ASHA', () => new ASHAScheduler({ maxT: 8, gracePeriod: 1, reductionFactor: 2 })],
    ['the median rule', () => new MedianStoppingRule({ gracePeriod: 2, minSamplesRequired: 2 })],
  ])('with %s too: the same trials, stopped at the same points, in every reproducible run', async (_name, scheduler) => {
    const [a, b, c] = await runs(true, 8, scheduler)
    expect(new Set([a?.ends, b?.ends, c?.ends]).size).toBe(3)
    expect(b?.trials).toEqual(a?.trials)
    expect(c?.trials).toEqual(a?.trials)
    const lengths = new Set(a?.trials.map((line) => line.split(' after ')[1]))
    expect(lengths.size).toBeGreaterThan(1) // the scheduler did stop some trials early
    const [d, e, f] = await runs(false, 8, scheduler)
    expect(new Set([d?.trials.join(), e?.trials.join(), f?.trials.join()]).size).toBeGreaterThan(1)
  })
})
