/**
 * pointsToEvaluate, enqueue and warmStart on every built-in searcher, driven
 * by hand (no Tuner): points come first and in order, their missing keys are
 * drawn, bad points are refused naming the point, the field, the rule and the
 * value, and TPE learns from warm-start trials.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { AutoSearch } from '../../src/search/auto.ts'
import { GPSearch } from '../../src/search/gp/gp.ts'
import { GridSearch } from '../../src/search/grid.ts'
import { RandomSearch } from '../../src/search/random.ts'
import type { Searcher } from '../../src/search/searcher.ts'
import { choice, grid, lograndint, loguniform, qrandint, quniform, randint, randn, type Space, uniform } from '../../src/search/space.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import type { WarmStartTrial } from '../../src/search/warm-start.ts'
import { Study } from '../../src/tuner/ask-tell.ts'
import type { Config, Result } from '../../src/types.ts'

const result = (loss: number): Result => ({ loss, training_iteration: 1, trial_id: 0, time_total_s: 0 })

const space = {
  lr: loguniform(1e-4, 1e-1),
  act: choice(['relu', 'tanh']),
  opt: { kind: grid(['sgd', 'adam']), mom: quniform(0.5, 0.9, 0.1) },
  epochs: 10,
} satisfies Space

type Make = (options: { pointsToEvaluate?: Config[] }) => Searcher
const SEARCHERS: Array<[string, Make]> = [
  ['RandomSearch', (o) => new RandomSearch(o)],
  ['GridSearch', (o) => new GridSearch(o)],
  ['TPESearch', (o) => new TPESearch({ nStartupTrials: 2, ...o })],
  ['GPSearch', (o) => new GPSearch({ nStartupTrials: 2, nCandidates: 32, nLocalSearch: 1, ...o })],
  ['AutoSearch', (o) => new AutoSearch({ ...o, gp: { nStartupTrials: 2, nCandidates: 32, nLocalSearch: 1 } })],
]

function ready(searcher: Searcher, numSamples = 6, seed = 5, s: Space = space): Searcher {
  searcher.setup({ space: s, metric: 'loss', mode: 'min', seed, numSamples })
  return searcher
}

/** Suggestions for ids 0, 1, ... with every trial completed at once (loss = lr), until null. */
function run(searcher: Searcher, limit = 100): Config[] {
  const configs: Config[] = []
  for (let id = 0; id < limit; id++) {
    const config = searcher.suggest(id)
    if (config === null) break
    configs.push(config)
    searcher.onTrialComplete(id, result(config.lr as number), 'completed')
  }
  return configs
}

const points = [{ lr: 0.01, act: 'tanh', opt: { kind: 'adam', mom: 0.9 }, epochs: 10 }, { lr: 0.001 }, { opt: { mom: 0.6 } }]

describe.each(SEARCHERS)('%s with pointsToEvaluate', (name, make) => {
  it('suggests the points first, in order, drawing what they leave out as RandomSearch draws that trial', () => {
    const plain = run(ready(new RandomSearch()))
    const given = run(ready(make({ pointsToEvaluate: points })))
    expect(given[0]).toEqual(points[0])
    expect(given[1]).toEqual({ ...plain[1], lr: 0.001 })
    const third = plain[2] as { opt: Record<string, unknown> }
    expect(given[2]).toEqual({ ...third, opt: { ...third.opt, mom: 0.6 } })
    // The same seed gives the same run, points and all.
    expect(run(ready(make({ pointsToEvaluate: points })))).toEqual(given)
  })

  it('refuses a point the space cannot give, naming the point, the field, the rule and the value', () => {
    const bad = make({ pointsToEvaluate: [points[0] as Config, { opt: { mom: 0.55 } }] })
    expect(() => ready(bad)).toThrow(ConfigError)
    expect(() => ready(bad)).toThrow(
      `${name}({ pointsToEvaluate[1].opt.mom }): must be a multiple of 0.1 in [0.5, 0.9] (quniform), got 0.55`,
    )
  })

  it('hands out enqueued configs after the points, before its own proposals', () => {
    const searcher = ready(make({ pointsToEvaluate: [{ lr: 0.05 }] }))
    searcher.enqueue?.({ act: 'relu', lr: 0.002 })
    expect(searcher.suggest(0)).toMatchObject({ lr: 0.05 })
    expect(searcher.suggest(1)).toMatchObject({ act: 'relu', lr: 0.002 })
    expect(() => searcher.enqueue?.({ act: 'gelu' })).toThrow(
      `${name}.enqueue(config.act): must be one of ["relu", "tanh"] (choice), got "gelu"`,
    )
  })
})

describe('how points count', () => {
  it('count in numSamples for RandomSearch and TPESearch, and more points than numSamples are refused', () => {
    expect(run(ready(new RandomSearch({ pointsToEvaluate: points }), 4))).toHaveLength(4)
    expect(run(ready(new TPESearch({ pointsToEvaluate: points }), 4))).toHaveLength(4)
    expect(() => ready(new TPESearch({ pointsToEvaluate: points }), 2)).toThrow(
      'TPESearch({ pointsToEvaluate }): 3 points, more than numSamples (2) trials would run',
    )
  })

  it('come before the whole grid for GridSearch, and add to its size', () => {
    const searcher = ready(new GridSearch({ pointsToEvaluate: points }), 1)
    expect((searcher as GridSearch).size).toBe(5)
    const configs = run(searcher)
    expect(configs).toHaveLength(5)
    expect(configs.slice(3).map((c) => (c.opt as { kind: string }).kind)).toEqual(['sgd', 'adam'])
  })
})

describe('the check of a config against the space', () => {
  const every = {
    u: uniform(-1, 1),
    r: randint(1, 5),
    q: qrandint(0, 100, 10),
    g: lograndint(1, 1024),
    n: randn(0, 1),
  } satisfies Space
  const cases: Array<[Config, string]> = [
    [{ u: 1.5 }, 'u }): must be a number in [-1, 1] (uniform), got 1.5'],
    [{ r: 5 }, 'r }): must be an integer in [1, 5) (randint), got 5'],
    [{ r: 2.5 }, 'r }): must be an integer in [1, 5) (randint), got 2.5'],
    [{ q: 15 }, 'q }): must be a multiple of 10 in [0, 100] (qrandint), got 15'],
    [{ g: 0 }, 'g }): must be an integer in [1, 1024) (lograndint), got 0'],
    [{ n: 'x' }, 'n }): must be a finite number (randn), got "x"'],
    [{ u: { a: 1 } }, 'u }): must be a number in [-1, 1] (uniform), got {'],
  ]
  it.each(cases)('refuses %o', (point, message) => {
    expect(() => ready(new RandomSearch({ pointsToEvaluate: [point] }), 3, 1, every)).toThrow(
      `RandomSearch({ pointsToEvaluate[0].${message}`,
    )
  })

  it('takes the bounds and values sampling can give', () => {
    const searcher = ready(
      new RandomSearch({
        pointsToEvaluate: [
          { u: -1, r: 4, q: 100, g: 1023, n: 1e6 },
          { u: 1, q: 0 },
        ],
      }),
      3,
      1,
      every,
    )
    expect(searcher.suggest(0)).toEqual({ u: -1, r: 4, q: 100, g: 1023, n: 1e6 })
  })

  it('refuses keys the space does not have, with a guess, and nested values that are not objects', () => {
    expect(() => ready(new RandomSearch({ pointsToEvaluate: [{ opt: { momentum: 0.6 } }] }))).toThrow(
      /^RandomSearch\(\{ pointsToEvaluate\[0\]\.opt\.momentum \}\): not a key of the space.*got 0\.6; the space has: kind, mom$/,
    )
    expect(() => ready(new RandomSearch({ pointsToEvaluate: [{ epochz: 10 }] }))).toThrow(
      'RandomSearch({ pointsToEvaluate[0].epochz }): not a key of the space (did you mean epochs?), got 10',
    )
    expect(() => ready(new RandomSearch({ pointsToEvaluate: [{ opt: 'adam' }] }))).toThrow(
      'RandomSearch({ pointsToEvaluate[0].opt }): must be a plain object, as the space nests one here, got "adam"',
    )
  })
})

describe('Study.enqueue', () => {
  it('asks for enqueued configs first, and the searcher learns from their results', () => {
    const study = new Study({ space: { x: uniform(-5, 5) }, metric: 'loss', search: new TPESearch({ nStartupTrials: 3 }), seed: 2 })
    study.enqueue({ x: 2 })
    study.enqueue({ x: -4 })
    const first = study.ask()
    const second = study.ask()
    expect([first?.config, second?.config]).toEqual([{ x: 2 }, { x: -4 }])
    expect(study.ask()?.config.x).not.toBe(2)
  })

  it('refuses a searcher without enqueue', () => {
    const custom: Searcher = {
      setup() {},
      suggest: () => ({ x: 0 }),
      onTrialResult() {},
      onTrialComplete() {},
    }
    const study = new Study({ space: { x: uniform(-5, 5) }, metric: 'loss', search: custom, seed: 2 })
    expect(() => study.enqueue({ x: 1 })).toThrow(/^Study\.enqueue\(config\): needs a searcher with an enqueue method/)
  })
})

describe('TPESearch with warmStart', () => {
  const quadratic = { x: uniform(-5, 5), y: uniform(-5, 5) } satisfies Space
  const loss = (c: Config) => ((c.x as number) - 2) ** 2 + ((c.y as number) + 1) ** 2

  /** Trials of an earlier run: `n` random configs and their losses, as loadExperiment would give them. */
  function earlier(n: number): WarmStartTrial[] {
    const study = new Study({ space: quadratic, metric: 'loss', seed: 11, numSamples: n })
    for (let i = 0; i < n; i++) {
      const trial = study.ask()
      if (trial === null) break
      study.tell(trial.trialId, loss(trial.config))
    }
    return [...study.results.trials]
  }

  /** Mean loss of the first `n` suggestions of a TPE run, results told as they come. */
  function meanLoss(search: Searcher, n: number, seed: number): number {
    search.setup({ space: quadratic, metric: 'loss', mode: 'min', seed, numSamples: n })
    let sum = 0
    for (let id = 0; id < n; id++) {
      const config = search.suggest(id) as Config
      sum += loss(config)
      search.onTrialComplete(id, result(loss(config)), 'completed')
    }
    return sum / n
  }

  it('models from its first suggestion, near the earlier run’s best, where a cold start draws at random', () => {
    const trials = earlier(50)
    let warmBetter = 0
    for (let seed = 0; seed < 10; seed++) {
      const warm = meanLoss(new TPESearch({ warmStart: trials }), 10, seed)
      const cold = meanLoss(new TPESearch(), 10, seed)
      if (warm < cold) warmBetter++
    }
    expect(warmBetter).toBeGreaterThanOrEqual(9)
  })

  it('GPSearch too: warm-started, its first suggestions beat a cold start’s', () => {
    const trials = earlier(30)
    let warmBetter = 0
    for (let seed = 0; seed < 4; seed++) {
      const gp = { nCandidates: 64, nLocalSearch: 2 }
      if (meanLoss(new GPSearch({ ...gp, warmStart: trials }), 6, seed) < meanLoss(new GPSearch(gp), 6, seed)) warmBetter++
    }
    expect(warmBetter).toBe(4)
  })

  it('learns from stopped and diverged trials, ignores errored ones, and reads the metric with this run’s mode', () => {
    const trials: WarmStartTrial[] = [
      ...earlier(20),
      { config: { x: 4, y: 4 }, state: 'errored', lastResult: { loss: 0 } },
      { config: { x: -4, y: -4 }, state: 'errored', lastResult: { loss: Number.NaN } },
      { config: { x: 0, y: 0 }, state: 'stopped', lastResult: { loss: 5, training_iteration: 2 } },
    ]
    // With all 23 known as finished but the errored one, TPE skips its random start: no suggestion equals RandomSearch's.
    const warm = new TPESearch({ warmStart: trials, nStartupTrials: 22 })
    const random = new RandomSearch()
    for (const s of [warm, random]) s.setup({ space: quadratic, metric: 'loss', mode: 'min', seed: 3, numSamples: 5 })
    expect(warm.suggest(0)).not.toEqual(random.suggest(0))
    const tooFew = new TPESearch({ warmStart: trials, nStartupTrials: 23 })
    const random2 = new RandomSearch()
    for (const s of [tooFew, random2]) s.setup({ space: quadratic, metric: 'loss', mode: 'min', seed: 3, numSamples: 5 })
    expect(tooFew.suggest(0)).toEqual(random2.suggest(0))
  })

  it('keeps warm-start trials as plain copies, so the journal can record them', () => {
    const [trial] = earlier(1)
    const search = new TPESearch({ warmStart: [trial as WarmStartTrial] })
    expect(search.options.warmStart).toEqual([{ config: trial?.config, state: 'completed', lastResult: trial?.lastResult }])
    expect(Object.keys(search.options.warmStart[0] ?? {})).toEqual(['config', 'state', 'lastResult'])
  })
})
