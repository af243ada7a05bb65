import { describe, expect, it } from 'vitest'
import { ConfigError, GPSearch, RandomSearch, ResultError, ResultGrid, Study, TPESearch, uniform } from '../../src/index.ts'
import type { Result, TrialInfo } from '../../src/types.ts'
import { fixtureTuner, thrown } from '../helpers.ts'

const space = { x: uniform(0, 1) }

/** A finished trial whose last result holds `metrics`. */
function trial(id: number, metrics: Record<string, number>): TrialInfo {
  const result: Result = { ...metrics, training_iteration: 1, trial_id: id, time_total_s: 0 }
  return { id, config: { x: id }, state: 'completed', seed: id, lastResult: result, history: [result], error: undefined }
}

describe('metric and mode with several objectives', () => {
  it.each([
    [{ metric: ['loss', 'loss'] }, /^Study\(\{ metric \}\): must name each metric once, got \["loss", "loss"\] \("loss" twice\)$/],
    [{ metric: [] }, /^Study\(\{ metric \}\): must be a metric name, or a non-empty array of distinct metric names, got \[\]$/],
    [{ metric: ['loss', 3] }, /^Study\(\{ metric\[1\] \}\): must be a non-empty string, got 3$/],
    [
      { metric: ['loss', 'ms'], mode: ['min'] },
      /^Study\(\{ mode \}\): must have one mode per metric \(2: loss, ms\), got \["min"\] \(1\)$/,
    ],
    [{ metric: ['loss', 'ms'], mode: ['min', 'up'] }, /^Study\(\{ mode\[1\] \}\): must be "min" or "max", got "up"$/],
    [{ metric: ['loss', 'ms'], mode: [] }, /^Study\(\{ mode \}\): must be "min" or "max", or a non-empty array of them, got \[\]$/],
  ])('Study refuses %j', (options, message) => {
    expect(
      thrown(() => new Study({ space, ...(options as object), metric: (options as { metric: string[] }).metric }), ConfigError).message,
    ).toMatch(message)
  })

  it('Tuner refuses the same, naming itself, and a metricThreshold it could not read', () => {
    expect(() => fixtureTuner({ space: { behaviour: 'final' }, metric: ['a', 'b'], mode: ['min', 'max', 'min'] })).toThrow(
      /^Tuner\(\{ mode \}\): must have one mode per metric \(2: a, b\), got \["min", "max", "min"\] \(3\)$/,
    )
    expect(() => fixtureTuner({ space: { behaviour: 'final' }, metric: ['a', 'b'], stop: { metricThreshold: 1 } })).toThrow(
      /^Tuner\(\{ stop\.metricThreshold \}\): must be an array of 2 thresholds, one per objective in order \(a, b\): a trial stops once it reaches every one, got 1$/,
    )
  })

  it.each([
    [
      ['a', 'b'],
      [1, 2, 3],
      /^Tuner\(\{ stop\.metricThreshold \}\): must be an array of 2 thresholds, one per objective in order \(a, b\): .*, got \[1, 2, 3\]$/,
    ],
    ['a', [1, 2], /^Tuner\(\{ stop\.metricThreshold \}\): must be a number, as this experiment has one objective \(a\), got \[1, 2\]$/],
    [['a', 'b'], [1, 'x'], /^Tuner\(\{ stop\.metricThreshold\[1\] \}\): must be a finite number, got "x"$/],
    [
      ['a', 'b'],
      [],
      /^Tuner\(\{ stop\.metricThreshold \}\): must be a number, or a non-empty array of numbers \(one per objective\), got \[\]$/,
    ],
  ])('Tuner with metric %j refuses stop.metricThreshold %j', (metric, metricThreshold, message) => {
    const error = thrown(
      () => fixtureTuner({ space: { behaviour: 'final' }, metric, stop: { metricThreshold: metricThreshold as number[] } }),
      ConfigError,
    )
    expect(error.message).toMatch(message)
    expect(error.field).toBe(`stop.metricThreshold${metricThreshold.length === 2 && typeof metricThreshold[1] === 'string' ? '[1]' : ''}`)
  })

  it('stops a trial by stop.metricThreshold once every objective reaches its own threshold, in its own mode', async () => {
    // loss = 1 / epoch reaches 0.25 at epoch 4; draw is uniform in [0, 1), so always <= 1 and >= 0, never <= -1.
    const run = (mode: ('min' | 'max')[], metricThreshold: number[]) =>
      fixtureTuner({
        space: { behaviour: 'curve', x: 0, epochs: 10 },
        metric: ['loss', 'draw'],
        mode,
        numSamples: 1,
        stop: { metricThreshold },
      }).fit()
    for (const [mode, threshold] of [
      [
        ['min', 'min'],
        [0.25, 1],
      ],
      [
        ['min', 'max'],
        [0.25, 0],
      ],
    ] as const) {
      const [trial] = (await run([...mode], [...threshold])).trials
      expect([trial?.state, trial?.history.length]).toEqual(['stopped', 4])
    }
    const [never] = (await run(['min', 'min'], [0.25, -1])).trials
    expect([never?.state, never?.history.length]).toEqual(['completed', 10])
  })

  it('one mode applies to every metric', () => {
    const study = new Study({ space, metric: ['a', 'b'], mode: 'max' })
    expect(study.objectives).toEqual([
      { metric: 'a', mode: 'max' },
      { metric: 'b', mode: 'max' },
    ])
  })
})

describe('ResultGrid with several objectives', () => {
  const grid = new ResultGrid(
    [
      trial(0, { loss: 1, ms: 5 }),
      trial(1, { loss: 2, ms: 2 }),
      trial(2, { loss: 3, ms: 3 }), // dominated by trial 1
      trial(3, { loss: 0.5, ms: 9 }),
      trial(4, { loss: 0.1 }), // no ms: not on the front
    ],
    { metric: ['loss', 'ms'], mode: ['min', 'min'] },
  )

  it('paretoFront() gives the trials no other beats on every objective, in id order', () => {
    expect(grid.paretoFront().map((t) => t.id)).toEqual([0, 1, 3])
  })

  it('paretoFront() follows each objective mode', () => {
    const maxMs = new ResultGrid(grid.trials, { metric: ['loss', 'ms'], mode: ['min', 'max'] })
    // Trial 3 has the lowest loss and the highest ms: it dominates every other.
    expect(maxMs.paretoFront().map((t) => t.id)).toEqual([3])
  })

  it('best() refuses to pick one, and says what to do instead', () => {
    const error = thrown(() => grid.best(), ResultError)
    expect(error.message).toBe(
      'best(): this experiment has 2 objectives, loss (min), ms (min), and no single best trial; paretoFront() gives the trials no other beats on all of them, best("loss") the best by one',
    )
    expect(error.field).toBe('metric')
  })

  it('best(metric) ranks by that objective in its own mode', () => {
    expect(grid.best('ms').id).toBe(1)
    expect(grid.best('loss').id).toBe(4)
    expect(new ResultGrid(grid.trials, { metric: ['loss', 'ms'], mode: ['min', 'max'] }).best('ms').id).toBe(3)
  })

  it('with one objective the front is the trials tied for the best', () => {
    const one = new ResultGrid([trial(0, { loss: 1 }), trial(1, { loss: 0.5 }), trial(2, { loss: 0.5 })], { metric: 'loss', mode: 'min' })
    expect(one.paretoFront().map((t) => t.id)).toEqual([1, 2])
    expect(one.objectives).toEqual([{ metric: 'loss', mode: 'min' }])
  })
})

describe('Study with several objectives', () => {
  it('takes results as an object or an array of numbers in objective order, and refuses a lone number', () => {
    const study = new Study({ space, metric: ['loss', 'ms'], mode: ['min', 'min'], search: new TPESearch(), seed: 1 })
    const a = study.ask()
    const b = study.ask()
    if (a === null || b === null) throw new Error('no trial')
    expect(thrown(() => study.tell(a.trialId, 0.5), ConfigError).message).toBe(
      'Study.tell(metrics): must be an object of metrics, or an array of 2 numbers (loss, ms), got 0.5',
    )
    expect(thrown(() => study.tell(a.trialId, { loss: 0.5 }), ConfigError).message).toMatch(/needs a number for "ms", got keys loss$/)
    study.tell(a.trialId, [0.5, 3])
    study.tell(b.trialId, { loss: 0.4, ms: 4 })
    expect(study.results.trials.map((t) => [t.lastResult?.loss, t.lastResult?.ms])).toEqual([
      [0.5, 3],
      [0.4, 4],
    ])
    expect(study.results.paretoFront().map((t) => t.id)).toEqual([0, 1])
  })

  it('GPSearch refuses several objectives; RandomSearch takes them as they are', () => {
    const error = thrown(() => new Study({ space, metric: ['loss', 'ms'], search: new GPSearch() }), ConfigError)
    expect(error.message).toBe(
      'GPSearch: optimises one objective, and this experiment has 2 (loss, ms); use TPESearch (multi-objective TPE) or RandomSearch, or tune one metric',
    )
    const random = new Study({ space, metric: ['loss', 'ms'], search: new RandomSearch(), seed: 3 })
    const single = new Study({ space, metric: 'loss', search: new RandomSearch(), seed: 3 })
    expect(random.ask()?.config).toEqual(single.ask()?.config)
  })
})
