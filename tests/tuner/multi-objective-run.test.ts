/**
 * A multi-objective experiment through the pool, its journal and back: the objectives are recorded, loaded, and a
 * restore from a journal cut midway ends in the same trials, front included.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ASHAScheduler,
  ConfigError,
  HyperBandScheduler,
  loadExperiment,
  MedianStoppingRule,
  type ResultGrid,
  type Scheduler,
  TPESearch,
  Tuner,
  uniform,
} from '../../src/index.ts'
import { BEHAVIOURS, memoryLogger, temporaryDir } from '../helpers.ts'

/** The fixture's 'curve' trials report loss (down with x², min) and draw (a seeded random number, max). */
function experiment(storageDir: string): Tuner {
  return new Tuner({
    trainable: BEHAVIOURS,
    // Two parameters: univariate and multivariate TPE (the default with several objectives and with one) then differ,
    // so a restore that rebuilt the wrong one would diverge; ASHA ranks by its own metric, which the journal must keep.
    space: { behaviour: 'curve', x: uniform(-1, 1), y: uniform(-1, 1), epochs: 2 },
    metric: ['loss', 'draw'],
    mode: ['min', 'max'],
    search: new TPESearch({ nStartupTrials: 4 }),
    scheduler: new ASHAScheduler({ maxT: 2, metric: 'loss' }),
    numSamples: 12,
    concurrency: 2,
    reproducible: true,
    seed: 11,
    storageDir,
    name: 'mo',
    trackers: [],
    logger: memoryLogger(),
  })
}

const tableOf = (results: ResultGrid) =>
  results.trials.map((t) => ({ id: t.id, config: t.config, state: t.state, last: t.lastResult?.loss }))
const frontOf = (results: ResultGrid) => results.paretoFront().map((t) => t.id)

describe('a multi-objective experiment', () => {
  it('runs, records its objectives in the journal, loads and restores with them', async () => {
    const storageDir = temporaryDir()
    const results = await experiment(storageDir).fit()
    expect(results.objectives).toEqual([
      { metric: 'loss', mode: 'min' },
      { metric: 'draw', mode: 'max' },
    ])
    const front = frontOf(results)
    expect(front.length).toBeGreaterThan(0)
    expect(() => results.best()).toThrow(/has 2 objectives/)
    const dir = join(storageDir, 'mo')
    const loaded = await loadExperiment(dir)
    expect(loaded.experiment.objectives).toEqual(results.objectives)
    expect(frontOf(loaded.results)).toEqual(front)

    // A crash after half the journal: the restore replays it through the same TPE and ends as the run did.
    const lines = readFileSync(join(dir, 'experiment.jsonl'), 'utf8').trimEnd().split('\n')
    const copy = join(temporaryDir('hyperpool-crash-'), 'mo')
    cpSync(dir, copy, { recursive: true })
    writeFileSync(join(copy, 'experiment.jsonl'), `${lines.slice(0, lines.length >> 1).join('\n')}\n`)
    const restored = await (await Tuner.restore(copy, { logger: memoryLogger() })).fit()
    expect(restored.objectives).toEqual(results.objectives)
    expect(tableOf(restored)).toEqual(tableOf(results))
    expect(frontOf(restored)).toEqual(front)
  })

  it('refuses a ranking scheduler that does not pick an objective when the Tuner is built, not at fit()', () => {
    const build = (scheduler: Scheduler) => () =>
      new Tuner({
        trainable: BEHAVIOURS,
        space: { behaviour: 'curve' },
        metric: ['loss', 'draw'],
        mode: ['min', 'max'],
        scheduler,
        trackers: [],
        storageDir: temporaryDir(),
        logger: memoryLogger(),
      })
    expect(build(new ASHAScheduler())).toThrow(ConfigError)
    expect(build(new ASHAScheduler())).toThrow(
      'ASHAScheduler({ metric }): must name the objective to rank trials by, as this experiment has 2 (loss, draw), got undefined',
    )
    expect(build(new MedianStoppingRule({ metric: 'acc' }))).toThrow(
      `MedianStoppingRule({ metric }): must be one of the experiment's objectives (loss, draw), got "acc"`,
    )
    expect(build(new HyperBandScheduler({ metric: 'draw' }))).not.toThrow()
  })
})
