import { describe, expect, it } from 'vitest'
import {
  ConfigError,
  GridSearch,
  grid,
  RandomSearch,
  type Result,
  ResultGrid,
  type Searcher,
  type SearcherSetup,
  uniform,
} from '../../src/index.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import { Study } from '../../src/tuner/ask-tell.ts'
import type { Config, TrialState } from '../../src/types.ts'

/** Records what a searcher is told, around RandomSearch. */
class Spy implements Searcher {
  readonly inner = new RandomSearch()
  readonly calls: string[] = []
  setup(options: SearcherSetup): void {
    this.inner.setup(options)
  }
  suggest(trialId: number): Config | null {
    return this.inner.suggest(trialId)
  }
  onTrialResult(trialId: number, result: Result): void {
    this.calls.push(`result ${trialId} #${result.training_iteration} loss=${String(result.loss)}`)
  }
  onTrialComplete(trialId: number, result: Result | undefined, state: TrialState): void {
    this.calls.push(`complete ${trialId} ${state} last=${String(result?.loss)}`)
  }
}

const space = { x: uniform(-3, 3), tag: 'a' }

describe('Study (ask/tell)', () => {
  it('asks configs from the searcher and builds results from what it is told', () => {
    const spy = new Spy()
    const study = new Study({ space, metric: 'loss', search: spy, seed: 4 })
    const a = study.ask()
    const b = study.ask()
    if (a === null || b === null) throw new Error('expected trials')
    expect([a.trialId, b.trialId]).toEqual([0, 1])
    expect(a.config.tag).toBe('a')
    expect(study.running).toEqual([0, 1])
    study.report(a.trialId, { loss: 5 })
    study.tell(a.trialId, 2)
    study.tell(b.trialId, { loss: 1, acc: 0.9 }, 'stopped')
    expect(spy.calls).toEqual([
      'result 0 #1 loss=5',
      'result 0 #2 loss=2',
      'complete 0 completed last=2',
      'result 1 #1 loss=1',
      'complete 1 stopped last=1',
    ])
    const results = study.results
    expect(results).toBeInstanceOf(ResultGrid)
    expect(results.trials.map((t) => [t.id, t.state, t.history.length])).toEqual([
      [0, 'completed', 2],
      [1, 'stopped', 1],
    ])
    const last = results.trials[0]?.lastResult
    expect(last).toMatchObject({ loss: 2, training_iteration: 2, trial_id: 0 })
    expect(typeof last?.time_total_s).toBe('number')
    expect(results.best().id).toBe(1)
    expect(study.running).toEqual([])
  })

  it('gives the same configs as the searcher alone, by default RandomSearch with the seed', () => {
    const study = new Study({ space, metric: 'loss', seed: 11, numSamples: 3 })
    const random = new RandomSearch()
    random.setup({ space, metric: 'loss', mode: 'min', seed: 11, numSamples: 3 })
    for (let id = 0; id < 3; id++) expect(study.ask()?.config).toEqual(random.suggest(id))
    expect(study.ask()).toBeNull()
    expect(study.ask()).toBeNull()
  })

  it.each([
    [undefined, [1, 2, 3]],
    [2, [1, 2, 3, 1, 2, 3]],
  ])('ends when the searcher is exhausted: a grid, with numSamples %s, runs %j', (numSamples, expected) => {
    const study = new Study({ space: { g: grid([1, 2, 3]) }, metric: 'loss', search: new GridSearch(), numSamples })
    expect(study.numSamples).toBe(numSamples ?? 1)
    const seen: unknown[] = []
    for (let trial = study.ask(); trial !== null; trial = study.ask()) {
      seen.push(trial.config.g)
      study.tell(trial.trialId, 0)
    }
    expect(seen).toEqual(expected)
  })

  it('rejects telling an unknown or already-told trial, bad states and bad metrics', () => {
    const study = new Study({ space, metric: 'loss', seed: 1 })
    const trial = study.ask()
    if (trial === null) throw new Error('expected a trial')
    expect(() => study.tell(7, 1)).toThrow(/^Study\.tell\(trialId\): must be the id of a trial that was asked for, got 7$/)
    expect(() => study.tell(trial.trialId, 1, 'paused' as 'completed')).toThrow(
      /^Study\.tell\(state\): must be one of "completed", "stopped", "errored", got "paused"$/,
    )
    expect(() => study.tell(trial.trialId)).toThrow(/a completed trial needs a result/)
    expect(() => study.tell(trial.trialId, 'x' as unknown as number)).toThrow(
      /^Study\.tell\(metrics\): must be a number or an object of metrics, got "x"$/,
    )
    study.tell(trial.trialId, 1)
    expect(() => study.tell(trial.trialId, 1)).toThrow(/trial 0 was already told \(completed\)/)
    expect(() => study.report(trial.trialId, 1)).toThrow(ConfigError)
  })

  it('records errored trials with an error and no result', () => {
    const study = new Study({ space, metric: 'loss', seed: 1 })
    const trial = study.ask()
    if (trial === null) throw new Error('expected a trial')
    study.tell(trial.trialId, undefined, 'errored')
    expect(study.results.errors.map((t) => t.id)).toEqual([0])
    expect(study.results.errors[0]?.error?.message).toMatch(/told errored/)
  })

  it('validates its options', () => {
    expect(() => new Study({ space, metric: '' })).toThrow(
      /^Study\(\{ metric \}\): must be a metric name, or a non-empty array of distinct metric names, got ""$/,
    )
    expect(() => new Study({ space, metric: 'loss', mode: 'up' as 'min' })).toThrow(
      /^Study\(\{ mode \}\): must be "min" or "max", got "up"$/,
    )
    expect(() => new Study({ space, metric: 'loss', numSamples: 0 })).toThrow(/^Study\(\{ numSamples \}\): must be an integer >= 1, got 0$/)
    expect(() => new Study({ space, metric: 'loss', seed: -1 })).toThrow(
      /^Study\(\{ seed \}\): must be an integer in \[0, 2\^32\), got -1$/,
    )
  })

  it('drives TPE to the optimum, reproducibly', () => {
    const run = () => {
      const study = new Study({ space: { x: uniform(-5, 5) }, metric: 'loss', search: new TPESearch(), seed: 8, numSamples: 50 })
      for (let trial = study.ask(); trial !== null; trial = study.ask()) study.tell(trial.trialId, (trial.config.x - 2) ** 2)
      return study.results
    }
    const results = run()
    expect(results.trials).toHaveLength(50)
    expect(Math.abs((results.best().config.x as number) - 2)).toBeLessThan(0.3)
    expect(run().trials.map((t) => t.config)).toEqual(results.trials.map((t) => t.config))
  })
})

describe('Study input checks', () => {
  it('rejects a search without the Searcher methods, and a completed trial told without the metric', () => {
    expect(() => new Study({ space: { x: uniform(0, 1) }, metric: 'loss', search: {} as never })).toThrow(
      /^Study\(\{ search \}\): must be a Searcher with setup, suggest, onTrialResult and onTrialComplete methods, got \{\} \(missing setup, suggest, onTrialResult, onTrialComplete\)$/,
    )
    const study = new Study({ space: { x: uniform(0, 1) }, metric: 'loss', seed: 1 })
    const trial = study.ask()
    expect(() => study.tell(trial?.trialId ?? -1, { acc: 1 })).toThrow(/needs a number for "loss", got keys acc$/)
    // Nothing was recorded: the same trial can still be told properly.
    study.tell(trial?.trialId ?? -1, 0.5)
    expect(study.results.trials[0]?.history.map((r) => r.loss)).toEqual([0.5])
  })
})
