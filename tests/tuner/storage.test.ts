import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ConsoleReporter, JsonlTracker, loadExperiment, Tuner, uniform } from '../../src/index.ts'
import { BEHAVIOURS, memoryLogger } from '../helpers.ts'

describe('what an experiment leaves on disk', () => {
  it('writes runs/<name>/experiment.jsonl by default, and it reads back into the same results', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-runs-'))
    const tuner = new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'curve', x: uniform(-2, 2), epochs: 3 },
      metric: 'loss',
      numSamples: 5,
      concurrency: 2,
      storageDir,
      logger: memoryLogger(),
      seed: 11,
    })
    const results = await tuner.fit()
    expect(readdirSync(storageDir)).toEqual([tuner.name])
    const stored = await loadExperiment(join(storageDir, tuner.name))
    expect(stored.experiment.seed).toBe(11)
    expect(stored.experiment.options).toMatchObject({ stop: {}, maxFailures: 0, stopGraceMs: 5000, maxHeapMb: null, reproducible: false })
    expect(stored.experiment.options?.trainable).toMatch(/^file:.*behaviours\.ts$/)
    expect(stored.experiment.space).toEqual({ behaviour: 'curve', x: { $domain: 'uniform', low: -2, high: 2 }, epochs: 3 })
    expect(stored.summary?.states.completed).toBe(5)
    expect(stored.results.trials.map((t) => [t.id, t.config, t.state, t.history])).toEqual(
      results.trials.map((t) => [t.id, t.config, t.state, t.history]),
    )
    expect(stored.results.best().id).toBe(results.best().id)
  })

  it('runs several trackers side by side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-two-'))
    const stream = Object.assign(new PassThrough(), { isTTY: false })
    let printed = ''
    stream.on('data', (chunk: Buffer) => {
      printed += chunk
    })
    await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'final', x: uniform(0, 1) },
      metric: 'loss',
      numSamples: 3,
      trackers: [new JsonlTracker(dir), new ConsoleReporter({ stream, intervalMs: 0 })],
      storageDir: false,
      logger: memoryLogger(),
      seed: 2,
    }).fit()
    expect((await loadExperiment(dir)).results.trials).toHaveLength(3)
    expect(printed).toMatch(/3 trials \(3 completed\)/)
  })
})
