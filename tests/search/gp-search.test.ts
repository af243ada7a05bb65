import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { AutoSearch } from '../../src/search/auto.ts'
import { encodeUnit, unitSpace } from '../../src/search/gp/encode.ts'
import { GPSearch } from '../../src/search/gp/gp.ts'
import type { GPOptions } from '../../src/search/gp/options.ts'
import { createRandom } from '../../src/search/rng.ts'
import {
  choice,
  flattenSpace,
  grid,
  isDomain,
  lograndint,
  loguniform,
  qloguniform,
  qrandint,
  quniform,
  randint,
  randn,
  type Space,
  uniform,
} from '../../src/search/space.ts'
import { Study } from '../../src/tuner/ask-tell.ts'
import type { Config } from '../../src/types.ts'
import { inDomain } from './in-domain.ts'

const bowl = { x: uniform(-4, 4), y: uniform(-4, 4) } satisfies Space
const bowlLoss = (c: Config) => ((c.x as number) - 1) ** 2 + ((c.y as number) + 2) ** 2
/** A skewed loss: a few good values near the minimum, a long tail of bad ones (Branin's shape). */
const skewed = (c: Config) => Math.exp(bowlLoss(c) / 4)

/** Every leaf of every config lies in its domain. */
function expectInSpace(space: Space, configs: readonly Config[]): void {
  for (const config of configs) {
    for (const { path, value } of flattenSpace(space)) {
      const got = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config)
      if (isDomain(value)) expect(inDomain(value, got), `${path.join('/')}=${String(got)}`).toBe(true)
    }
  }
}

/** A sequential study of `trials` trials on `loss`, returning the configs asked. */
function runStudy(search: GPSearch, space: Space, loss: (c: Config) => number, trials: number, seed = 1): Config[] {
  const study = new Study({ space, metric: 'loss', mode: 'min', search, seed, numSamples: trials })
  const configs: Config[] = []
  for (let i = 0; i < trials; i++) {
    const trial = study.ask()
    if (trial === null) break
    configs.push(trial.config)
    study.tell(trial.trialId, loss(trial.config))
  }
  return configs
}

describe('GPSearch', () => {
  it('converges on a smooth bowl from a Study, well past its quasi-random start', () => {
    const configs = runStudy(new GPSearch({ nStartupTrials: 5 }), bowl, bowlLoss, 25)
    const losses = configs.map(bowlLoss)
    expect(Math.min(...losses.slice(0, 5))).toBeGreaterThan(0.05)
    expect(Math.min(...losses)).toBeLessThan(1e-3)
  })

  it('starts with a Latin hypercube: the first trials cut each range into equal slices, one trial in each', () => {
    // As many slices as start trials, or as the budget when it is smaller.
    for (const [nStartupTrials, numSamples, count] of [
      [8, 20, 8],
      [undefined, 5, 5],
    ] as const) {
      const search = new GPSearch({ nStartupTrials })
      search.setup({ space: bowl, metric: 'loss', mode: 'min', seed: 6, numSamples })
      const configs = Array.from({ length: count }, (_, id) => search.suggest(id) as Config)
      for (const key of ['x', 'y']) {
        const slices = configs.map((c) => Math.floor((((c[key] as number) + 4) / 8) * count)).sort((a, b) => a - b)
        expect(slices).toEqual(Array.from({ length: count }, (_, i) => i))
      }
    }
  })

  it('maximises in mode max', () => {
    const study = new Study({
      space: bowl,
      metric: 'score',
      mode: 'max',
      search: new GPSearch({ nStartupTrials: 5 }),
      seed: 4,
      numSamples: 25,
    })
    let best = Number.NEGATIVE_INFINITY
    for (let i = 0; i < 25; i++) {
      const trial = study.ask()
      if (trial === null) break
      const score = -bowlLoss(trial.config)
      best = Math.max(best, score)
      study.tell(trial.trialId, score)
    }
    expect(best).toBeGreaterThan(-1e-3)
  })

  it('gives the same suggestions, bit for bit, for the same seed and the same told results', () => {
    const a = runStudy(new GPSearch({ nStartupTrials: 4 }), bowl, bowlLoss, 14, 9)
    const b = runStudy(new GPSearch({ nStartupTrials: 4 }), bowl, bowlLoss, 14, 9)
    expect(b).toEqual(a)
    expect(runStudy(new GPSearch({ nStartupTrials: 4 }), bowl, bowlLoss, 14, 10)).not.toEqual(a)
  })

  it('refits the kernel once the trials have grown by refitAfter, and keeps the last fit in between', () => {
    const run = (refitAfter: number) => runStudy(new GPSearch({ nStartupTrials: 4, refitAfter }), bowl, bowlLoss, 16, 3)
    const always = run(0)
    // Under 1/16 of 16 trials is less than one trial: a refit at every suggestion, as with 0.
    expect(run(0.06)).toEqual(always)
    // Growth by half: fits at 4, 6, 9 and 13 finished trials. The first fit is the same; the suggestion after it is not.
    const sparse = run(0.5)
    expect(sparse.slice(0, 5)).toEqual(always.slice(0, 5))
    expect(sparse[5]).not.toEqual(always[5])
    expect(() => new GPSearch({ refitAfter: 2 })).toThrow('GPSearch({ refitAfter }): must be a number in [0, 1], got 2')
  })

  it('models warped values with warpValues: the same start, other suggestions after it, repeatable, still converging', () => {
    const plain = runStudy(new GPSearch({ nStartupTrials: 5, warpValues: false }), bowl, skewed, 30, 4)
    const warped = runStudy(new GPSearch({ nStartupTrials: 5, warpValues: true }), bowl, skewed, 30, 4)
    expect(warped.slice(0, 5)).toEqual(plain.slice(0, 5))
    expect(warped.slice(5)).not.toEqual(plain.slice(5))
    expect(runStudy(new GPSearch({ nStartupTrials: 5, warpValues: true }), bowl, skewed, 30, 4)).toEqual(warped)
    expectInSpace(bowl, warped)
    expect(Math.min(...warped.map(skewed))).toBeLessThan(1.2)
    expect(() => new GPSearch({ warpValues: 'yes' as unknown as GPOptions['warpValues'] })).toThrow(
      'GPSearch({ warpValues }): must be one of true, false, "auto", got "yes"',
    )
  })

  it("warps by default ('auto') exactly when no searched parameter takes few values", () => {
    const run = (space: Space, warpValues?: GPOptions['warpValues']) =>
      runStudy(new GPSearch({ nStartupTrials: 5, warpValues }), space, skewed, 20, 4)
    expect(new GPSearch().options.warpValues).toBe('auto')
    expect(new AutoSearch().options.gp.warpValues).toBe('auto')
    expect(run(bowl)).toEqual(run(bowl, 'auto'))
    expect(run(bowl)).toEqual(run(bowl, true))
    expect(run(bowl)).not.toEqual(run(bowl, false))
    // A parameter of few values (a category, or 2 to 16 integer or quantised values), even one the loss ignores and
    // at any depth, turns it off; a choice of one value does not, nor does a finer integer domain.
    const mixedSpaces: Space[] = [
      { ...bowl, act: choice(['relu', 'tanh']) },
      { ...bowl, act: grid(['relu', 'tanh']) },
      { x: bowl.x, inner: { y: bowl.y, act: choice(['relu', 'tanh']) } },
      { ...bowl, layers: randint(1, 9) },
      { ...bowl, batch: qrandint(16, 256, 16) },
    ]
    for (const mixed of mixedSpaces) {
      const loss = (c: Config) => skewed({ x: c.x, y: c.y ?? (c.inner as Config).y })
      const go = (w?: GPOptions['warpValues']) => runStudy(new GPSearch({ nStartupTrials: 5, warpValues: w }), mixed, loss, 20, 4)
      expect(go()).toEqual(go(false))
      expect(go()).not.toEqual(go(true))
    }
    for (const numeric of [
      { ...bowl, act: choice(['relu']) },
      { ...bowl, epochs: randint(1, 18) },
      { ...bowl, batch: qrandint(0, 256, 16) },
    ] satisfies Space[]) {
      expect(run(numeric)).toEqual(run(numeric, true))
      expect(run(numeric)).not.toEqual(run(numeric, false))
    }
    expect(() => new AutoSearch({ gp: { warpValues: 'yes' as unknown as GPOptions['warpValues'] } })).toThrow(
      'AutoSearch({ gp.warpValues }): must be one of true, false, "auto", got "yes"',
    )
  })

  it("fits the noise above 1e-8 on spaces of few values and 1e-6 elsewhere by default (minNoise 'auto')", () => {
    const run = (space: Space, minNoise?: GPOptions['minNoise']) =>
      runStudy(new GPSearch({ nStartupTrials: 5, minNoise }), space, skewed, 20, 4)
    expect(new GPSearch().options.minNoise).toBe('auto')
    for (const mixed of [
      { ...bowl, act: choice(['relu', 'tanh']) },
      { ...bowl, layers: randint(1, 9) },
    ] satisfies Space[]) {
      expect(run(mixed)).toEqual(run(mixed, 1e-8))
      expect(run(mixed)).not.toEqual(run(mixed, 1e-6))
    }
    expect(run(bowl)).toEqual(run(bowl, 1e-6))
    expect(run(bowl)).not.toEqual(run(bowl, 1e-8))
    for (const bad of [0, 1e-13, -1e-6, 2, Number.NaN, '1e-6', 'Auto'])
      expect(() => new GPSearch({ minNoise: bad as GPOptions['minNoise'] })).toThrow(
        `GPSearch({ minNoise }): must be "auto" or a number in [1e-12, 1], got ${typeof bad === 'string' ? `"${bad}"` : String(bad)}`,
      )
  })

  it("starts with 15 trials from a budget of 50 on spaces without few-valued parameters, else 10 (nStartupTrials 'auto')", () => {
    /** The first `asked` configs of a study with a budget of `budget` trials. */
    const firstOf = (space: Space, budget: number | undefined, nStartupTrials?: GPOptions['nStartupTrials'], asked = 17) => {
      const study = new Study({
        space,
        metric: 'loss',
        mode: 'min',
        search: new GPSearch({ nStartupTrials }),
        seed: 2,
        ...(budget === undefined ? {} : { numSamples: budget }),
      })
      const configs: Config[] = []
      for (let i = 0; i < asked; i++) {
        const trial = study.ask() as NonNullable<ReturnType<Study['ask']>>
        configs.push(trial.config)
        study.tell(trial.trialId, skewed({ x: trial.config.x, y: trial.config.y }))
      }
      return configs
    }
    expect(new GPSearch().options.nStartupTrials).toBe('auto')
    expect(new AutoSearch().options.gp.nStartupTrials).toBe('auto')
    expect(firstOf(bowl, 50)).toEqual(firstOf(bowl, 50, 15))
    expect(firstOf(bowl, 50)).not.toEqual(firstOf(bowl, 50, 10))
    expect(firstOf(bowl, 49)).toEqual(firstOf(bowl, 49, 10))
    // A study without numSamples has an unlimited budget.
    expect(firstOf(bowl, undefined)).toEqual(firstOf(bowl, undefined, 15))
    for (const mixed of [
      { ...bowl, act: choice(['relu', 'tanh']) },
      { ...bowl, layers: randint(1, 9) },
    ] satisfies Space[]) {
      expect(firstOf(mixed, 80)).toEqual(firstOf(mixed, 80, 10))
      expect(firstOf(mixed, 80)).not.toEqual(firstOf(mixed, 80, 15))
    }
    const withConstant = { ...bowl, act: choice(['relu']) } satisfies Space
    expect(firstOf(withConstant, 50)).toEqual(firstOf(withConstant, 50, 15))
    for (const bad of [0, 1.5, -1, 'Auto', null])
      expect(() => new GPSearch({ nStartupTrials: bad as GPOptions['nStartupTrials'] })).toThrow(
        `GPSearch({ nStartupTrials }): must be "auto" or an integer >= 1, got ${typeof bad === 'string' ? `"${bad}"` : String(bad)}`,
      )
  })

  it('spreads out suggestions while trials are running (Kriging believer)', () => {
    const search = new GPSearch({ nStartupTrials: 6 })
    const study = new Study({ space: bowl, metric: 'loss', search, seed: 3 })
    for (let i = 0; i < 6; i++) {
      const trial = study.ask()
      if (trial === null) throw new Error('exhausted')
      study.tell(trial.trialId, bowlLoss(trial.config))
    }
    const pending = Array.from({ length: 5 }, () => study.ask()?.config as Config)
    const unit = unitSpace(bowl)
    const points = pending.map((c) => encodeUnit(unit, c))
    let closest = Number.POSITIVE_INFINITY
    for (let i = 0; i < points.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = points[i] as Float64Array
        const b = points[j] as Float64Array
        closest = Math.min(closest, Math.hypot((a[0] as number) - (b[0] as number), (a[1] as number) - (b[1] as number)))
      }
    }
    // Without fantasies all five would be the same point (the acquisition's maximum does not move).
    expect(closest).toBeGreaterThan(0.05)
  })

  it.each([false, true])('never proposes NaN or out-of-domain values, whatever values it is told (warpValues: %s)', (warpValues) => {
    const space = {
      lr: loguniform(1e-5, 1),
      mom: quniform(0.5, 0.9, 0.1),
      hidden: qloguniform(8, 256, 8),
      layers: randint(1, 5),
      batch: qrandint(16, 64, 16),
      trees: lograndint(1, 100),
      noise: randn(0, 0.1),
      act: choice(['relu', 'tanh', 'gelu']),
      opt: { kind: grid(['sgd', 'adam']), wd: uniform(0, 0.1) },
    } satisfies Space
    const adversaries: Array<[string, (i: number, r: () => number) => number]> = [
      ['constant', () => 3],
      ['huge', (i) => (i % 2 === 0 ? 1e308 : -1e308)],
      ['tiny differences', (i) => 1 + i * Number.EPSILON],
      ['non-finite', (i) => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1][i % 4] as number],
      ['all NaN', () => Number.NaN],
      ['random heavy tails', (_i, r) => Math.tan(Math.PI * (r() - 0.5)) * 1e10],
    ]
    // Four configs in all: most trials duplicate earlier ones, with other values.
    const tiny = { n: randint(0, 2), act: choice(['a', 'b']) } satisfies Space
    for (const s of [space, tiny] as Space[]) {
      for (const [name, value] of adversaries) {
        const random = createRandom(7)
        const search = new GPSearch({ nStartupTrials: 3, nCandidates: 64, nLocalSearch: 3, warpValues })
        const study = new Study({ space: s, metric: 'loss', search, seed: 5 })
        const configs: Config[] = []
        for (let i = 0; i < 14; i++) {
          const trial = study.ask()
          if (trial === null) break
          configs.push(trial.config)
          study.tell(trial.trialId, value(i, random))
        }
        expect(configs.length, name).toBe(14)
        expectInSpace(s, configs)
        expect(JSON.stringify(configs), name).not.toMatch(/null|NaN|Infinity/)
      }
    }
  })

  it('ignores errored trials and trials without the metric, and counts stopped ones', () => {
    const search = new GPSearch({ nStartupTrials: 3 })
    search.setup({ space: bowl, metric: 'loss', mode: 'min', seed: 2, numSamples: 20 })
    const ask = (id: number) => search.suggest(id) as Config
    const result = (id: number, loss: unknown) => ({ loss, training_iteration: 1, trial_id: id, time_total_s: 0 })
    ask(0)
    search.onTrialComplete(0, result(0, 1), 'errored')
    ask(1)
    search.onTrialComplete(1, result(1, 'not a number'), 'completed')
    ask(2)
    search.onTrialComplete(2, undefined, 'completed')
    // Three ended trials, none usable: still the quasi-random start, which depends on the trial id only.
    const fresh = new GPSearch({ nStartupTrials: 3 })
    fresh.setup({ space: bowl, metric: 'loss', mode: 'min', seed: 2, numSamples: 20 })
    expect(ask(3)).toEqual(fresh.suggest(3))
    search.onTrialResult(3, result(3, 0.5))
    search.onTrialComplete(3, undefined, 'stopped')
    for (const id of [4, 5]) {
      ask(id)
      search.onTrialComplete(id, result(id, 1), 'completed')
    }
    // One stopped and two completed trials with values: the model takes over from the start sequence.
    expect(ask(6)).not.toEqual(fresh.suggest(6))
  })

  it('checks its options like every other searcher', () => {
    expect(() => new GPSearch({ nStartupTrial: 3 } as never)).toThrow(
      /GPSearch\(\{ nStartupTrial \}\): unknown option \(did you mean nStartupTrials\?\), got 3/,
    )
    expect(() => new GPSearch({ nCandidates: 0 })).toThrow(ConfigError)
    expect(() => new GPSearch({ nCandidates: 0 })).toThrow('GPSearch({ nCandidates }): must be an integer >= 1, got 0')
    expect(() => new GPSearch({ maxFitTrials: 1.5 })).toThrow('GPSearch({ maxFitTrials }): must be an integer >= 2, got 1.5')
    expect(() => new GPSearch('fast' as never)).toThrow(/GPSearch\(options\): must be an object, got "fast"/)
    expect(() => new GPSearch({ nLocalSearch: -1 })).toThrow(expect.objectContaining({ field: 'nLocalSearch' }))
  })
})

describe('AutoSearch', () => {
  const setup = (space: Space, numSamples: number) => ({ space, metric: 'loss', mode: 'min' as const, seed: 1, numSamples })

  it('picks GP for a small budget over numeric parameters, TPE beyond it or for mostly categorical spaces', () => {
    const cases: Array<[Space, number, 'gp' | 'tpe']> = [
      [bowl, 100, 'gp'],
      [bowl, 500, 'gp'],
      [bowl, 501, 'tpe'],
      [{ x: uniform(0, 1), act: choice(['a', 'b']) }, 100, 'gp'],
      [{ x: uniform(0, 1), act: choice(['a', 'b']), opt: grid(['x', 'y']) }, 100, 'tpe'],
      // A choice of one value is a constant: one category of two searched parameters.
      [{ x: uniform(0, 1), act: choice(['a', 'b']), only: choice(['z']) }, 100, 'gp'],
    ]
    for (const [space, numSamples, expected] of cases) {
      const search = new AutoSearch()
      search.setup(setup(space, numSamples))
      expect(search.choice, JSON.stringify({ space, numSamples })).toBe(expected)
    }
    const tuned = new AutoSearch({ maxGPTrials: 50, maxCategoricalShare: 1 })
    tuned.setup(setup({ act: choice(['a', 'b']) }, 50))
    expect(tuned.choice).toBe('gp')
  })

  it('suggests exactly what the chosen searcher would', () => {
    const auto = new AutoSearch({ gp: { nStartupTrials: 3 } })
    const gp = new GPSearch({ nStartupTrials: 3 })
    for (const search of [auto, gp]) search.setup(setup(bowl, 20))
    for (let id = 0; id < 6; id++) {
      const a = auto.suggest(id) as Config
      expect(gp.suggest(id)).toEqual(a)
      const result = { loss: bowlLoss(a), training_iteration: 1, trial_id: id, time_total_s: 0 }
      auto.onTrialComplete(id, result, 'completed')
      gp.onTrialComplete(id, result, 'completed')
    }
  })

  it('checks its options and the inner searchers options at construction', () => {
    expect(() => new AutoSearch({ maxGPTrial: 3 } as never)).toThrow(/unknown option \(did you mean maxGPTrials\?\)/)
    expect(() => new AutoSearch({ maxCategoricalShare: 2 })).toThrow(
      'AutoSearch({ maxCategoricalShare }): must be a number in [0, 1], got 2',
    )
    expect(() => new AutoSearch({ gp: { nCandidates: 0 } })).toThrow('AutoSearch({ gp.nCandidates }): must be an integer >= 1, got 0')
    expect(() => new AutoSearch({ tpe: { nEiCandidates: 0 } })).toThrow('AutoSearch({ tpe.nEiCandidates }): must be an integer >= 1, got 0')
    expect(() => new AutoSearch().suggest(0)).toThrow(/call setup\(\) first/)
  })
})
