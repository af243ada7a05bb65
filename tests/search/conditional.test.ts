/**
 * Conditional spaces: choice and grid over sub-spaces (branches). Sampling,
 * grid enumeration, checks of given configs, flat names, TPE's per-branch
 * estimators, and the searchers that refuse or route them.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  AutoSearch,
  ConfigError,
  type ConfigOf,
  choice,
  flattenConfig,
  GPSearch,
  GridSearch,
  grid,
  lograndint,
  loguniform,
  PopulationBasedTraining,
  qrandint,
  RandomSearch,
  randint,
  type Searcher,
  SpaceError,
  spaceFromJSON,
  TPESearch,
  Tuner,
  uniform,
  validateSpace,
} from '../../src/index.ts'
import { branchNames } from '../../src/search/branches.ts'
import type { Domain } from '../../src/search/domain.ts'
import { flattenSpace } from '../../src/search/flatten.ts'
import { encodeConfig, encodeSpace } from '../../src/search/tpe/encode.ts'
import { dimGroups, fitGroup } from '../../src/search/tpe/groups.ts'
import type { TrialRecord } from '../../src/search/tpe/split.ts'
import { thrown } from '../helpers.ts'

const model = choice([
  { kind: 'svm', C: loguniform(1e-2, 10), kernel: choice([{ type: 'rbf', gamma: loguniform(1e-3, 1) }, { type: 'linear' }]) },
  { kind: 'forest', trees: randint(10, 100) },
  { kind: 'linear' },
])
const space = { model, lr: uniform(0, 1) }
type Config = ConfigOf<typeof space>

const setup = <S extends Searcher>(search: S, numSamples = 50, s: object = space, seed = 3): S => {
  search.setup({ space: s as typeof space, metric: 'loss', mode: 'min', seed, numSamples })
  return search
}

/** A loss where the branch matters: svm best at C = 1 with the rbf kernel at gamma = 0.1, forest and linear worse. */
function loss(config: Config): number {
  const m = config.model
  if (m.kind === 'svm') {
    const kernel = m.kernel.type === 'rbf' ? Math.abs(Math.log10(m.kernel.gamma) + 1) : 0.5
    return Math.abs(Math.log10(m.C)) + kernel
  }
  return m.kind === 'forest' ? 1 + Math.abs(m.trees - 60) / 100 : 2
}

describe('choice and grid over sub-spaces', () => {
  it('are accepted at any depth and survive JSON', () => {
    expect(() => validateSpace(space)).not.toThrow()
    expect(spaceFromJSON(JSON.stringify(space))).toEqual(space)
  })

  it('check each branch as a space, naming where the fault is', () => {
    const bad = { model: choice([{ kind: 'a', 'x/y': uniform(0, 1) }]) }
    expect(thrown(() => validateSpace(bad), SpaceError).message).toMatch(
      /^space\.model\.values\[0\]\.x\/y: needs a key that is non-empty, has no "\/"/,
    )
    const parsed = { m: { $domain: 'grid', values: [{ k: { $domain: 'uniform', low: 2, high: 1 } }] } }
    expect(thrown(() => validateSpace(parsed), SpaceError).message).toBe('space.m.values[0].k: uniform needs low < high, got low=2, high=1')
  })

  it('name the path of a misspelt $domain inside a branch and guess the kind, as at the top level', () => {
    const misspelt = { $domain: 'unifrom', low: 0, high: 1 } as unknown as Domain
    const kinds = 'uniform, loguniform, quniform, qloguniform, randint, qrandint, lograndint, choice, grid, randn'
    const nested = thrown(() => validateSpace({ model: choice([{ kind: 'svm', C: misspelt }, { kind: 'rf' }]) }), SpaceError)
    expect(nested.message).toBe(`space.model.values[0].C: unknown $domain, needs one of ${kinds}, got "unifrom" (did you mean uniform?)`)
    expect(nested.field).toBe('space.model.values[0].C')
    expect(thrown(() => validateSpace({ C: misspelt }), SpaceError).message).toBe(
      `space.C: unknown $domain, needs one of ${kinds}, got "unifrom" (did you mean uniform?)`,
    )
  })

  it('refuse two branches a config could fit alike, naming the parameter by its path and saying to tag them; accept branches a key tells apart', () => {
    // { C: 0.5 } (gamma left to draw) fits both: it would be read as the first.
    const untagged = choice([{ C: uniform(0, 1) }, { C: uniform(0, 10), gamma: uniform(0, 1) }])
    const error = thrown(() => validateSpace({ opt: { model: untagged } }), SpaceError)
    expect(error.message).toBe(
      'space.opt.model: choice needs branches a config can be read back into: values[0] and values[1] share C and none of them ' +
        'tells the two apart (a different constant in each, or ranges that do not meet), so a config of values[1] could be read ' +
        'as values[0]; give each branch a tag, e.g. kind: \'a\' in one and kind: \'b\' in the other, got keys ["C"] and ["C", "gamma"]',
    )
    expect(error.field).toBe('space.opt.model')
    // The Tuner checks its space the same way, so the path is what its user reads.
    const tuner = () =>
      new Tuner({ trainable: new URL('../fixtures/behaviours.ts', import.meta.url), space: { model: untagged }, metric: 'loss' })
    expect(thrown(tuner, SpaceError).message).toMatch(/^space\.model: choice needs branches /)
    // Nested in a branch of another choice, the inner one is named through it.
    const nested = { outer: choice([{ kind: 'a', inner: untagged }, 'off']) }
    expect(thrown(() => validateSpace(nested), SpaceError).field).toBe('space.outer.values[0].inner')
    const parsed = { m: { $domain: 'grid', values: ['off', { x: 1, y: { $domain: 'uniform', low: 0, high: 1 } }, { x: 1 }] } }
    expect(thrown(() => validateSpace(parsed), SpaceError).message).toMatch(
      /^space\.m: grid needs branches .*values\[1\] and values\[2\] share x /,
    )
    const fits =
      (...values: Parameters<typeof choice>[0]) =>
      () =>
        validateSpace({ model: choice(values) })
    // Told apart: the fix the message gives (a tag), keys in common none, a different constant, ranges that do not meet.
    expect(fits({ kind: 'a', C: uniform(0, 1) }, { kind: 'b', C: uniform(0, 10), gamma: uniform(0, 1) })).not.toThrow()
    expect(fits({ C: uniform(0, 1) }, { trees: randint(1, 9) }, 'off')).not.toThrow()
    expect(fits({ layers: 2, C: uniform(0, 1) }, { layers: 3, C: uniform(0, 1) })).not.toThrow()
    expect(fits({ C: uniform(0, 1) }, { C: uniform(2, 3) }, { C: 5 })).not.toThrow()
    expect(fits({ C: uniform(0, 1) }, { C: 0.5, gamma: uniform(0, 1) })).toThrow(SpaceError)
    // randint and lograndint leave out their high end, so these ranges do not meet; qrandint's high is drawn, so they do.
    expect(fits({ n: randint(0, 5) }, { n: randint(5, 10) })).not.toThrow()
    expect(fits({ n: lograndint(1, 8) }, { n: 8 })).not.toThrow()
    expect(fits({ n: qrandint(0, 5) }, { n: randint(5, 10) })).toThrow(SpaceError)
  })

  it('type a config as the union of the branches, discriminated by a literal tag', () => {
    expectTypeOf<Config['model']>().toEqualTypeOf<
      | { kind: 'svm'; C: number; kernel: { type: 'rbf'; gamma: number } | { type: 'linear' } }
      | { kind: 'forest'; trees: number }
      | { kind: 'linear' }
    >()
    const narrow = (m: Config['model']) => (m.kind === 'forest' ? m.trees : 0)
    expectTypeOf(narrow).returns.toEqualTypeOf<number>()
    const g = grid([{ x: grid([1, 2]) }, 'none'])
    expectTypeOf<ConfigOf<{ g: typeof g }>['g']>().toEqualTypeOf<{ x: 1 | 2 } | 'none'>()
  })
})

describe('sampling a conditional space', () => {
  it('draws one branch per trial, only its own parameters, each inside its domain, the same for a seed', () => {
    const configs = Array.from({ length: 200 }, (_, i) => setup(new RandomSearch(), 200).suggest(i) as Config)
    const kinds = new Set(configs.map((c) => c.model.kind))
    expect(kinds).toEqual(new Set(['svm', 'forest', 'linear']))
    for (const { model: m } of configs) {
      if (m.kind === 'svm') {
        expect(Object.keys(m).sort()).toEqual(['C', 'kernel', 'kind'])
        expect(m.C).toBeGreaterThanOrEqual(1e-2)
        expect(m.C).toBeLessThanOrEqual(10)
        if (m.kernel.type === 'linear') expect(m.kernel).toEqual({ type: 'linear' })
      } else if (m.kind === 'forest') {
        expect(Object.keys(m).sort()).toEqual(['kind', 'trees'])
        expect(Number.isInteger(m.trees) && m.trees >= 10 && m.trees < 100).toBe(true)
      } else expect(m).toEqual({ kind: 'linear' })
    }
    const again = setup(new RandomSearch(), 200)
    expect(configs.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => again.suggest(i)))
  })

  it('grid search runs every branch times its own grid points, drawing the other domains', () => {
    const s = { m: grid([{ kind: 'a', x: grid([1, 2]), y: uniform(0, 1) }, { kind: 'b' }, 'none']), z: grid([true, false]) }
    const search = setup(new GridSearch(), 1, s)
    expect(search.size).toBe(8)
    const configs = Array.from({ length: 8 }, (_, i) => search.suggest(i) as { m: unknown; z: boolean })
    expect(search.suggest(8)).toBeNull()
    expect(configs.map((c) => [c.m, c.z])).toEqual([
      [{ kind: 'a', x: 1, y: expect.any(Number) }, true],
      [{ kind: 'a', x: 1, y: expect.any(Number) }, false],
      [{ kind: 'a', x: 2, y: expect.any(Number) }, true],
      [{ kind: 'a', x: 2, y: expect.any(Number) }, false],
      [{ kind: 'b' }, true],
      [{ kind: 'b' }, false],
      ['none', true],
      ['none', false],
    ])
  })

  it('grid search draws a choice over sub-spaces, grids inside the branch drawn like choices', () => {
    const s = { m: choice([{ x: grid([1, 2, 3]) }, { y: grid(['a', 'b']) }]), z: grid([0, 1]) }
    const search = setup(new GridSearch(), 3, s)
    expect(search.size).toBe(6)
    const configs = Array.from({ length: 6 }, (_, i) => search.suggest(i) as { m: { x?: number; y?: string }; z: number })
    expect(configs.map((c) => c.z)).toEqual([0, 1, 0, 1, 0, 1])
    for (const { m } of configs) expect([1, 2, 3, 'a', 'b']).toContain(m.x ?? m.y)
  })
})

describe('configs given for a conditional space', () => {
  it('a point picks its branch; keys it leaves out are drawn from that branch', () => {
    const search = setup(new RandomSearch({ pointsToEvaluate: [{ model: { kind: 'forest' } }, { model: { kind: 'svm', C: 2 } }] }), 10)
    const first = search.suggest(0) as Config
    expect(first.model).toEqual({ kind: 'forest', trees: expect.any(Number) })
    const second = search.suggest(1) as Config
    expect(second.model).toMatchObject({ kind: 'svm', C: 2, kernel: expect.objectContaining({ type: expect.any(String) }) })
  })

  it('a point that fits no branch is refused, naming the field, the rule and the value', () => {
    const point = (p: object) => () => setup(new TPESearch({ pointsToEvaluate: [p as never] }), 10)
    expect(thrown(point({ model: { kind: 'svm', C: 50 } }), ConfigError).message).toBe(
      'TPESearch({ pointsToEvaluate[0].model.C }): must be a number in [0.01, 10] (loguniform), got 50',
    )
    expect(thrown(point({ model: { kind: 'tree' } }), ConfigError).message).toBe(
      'TPESearch({ pointsToEvaluate[0].model }): must be a config of one of the branches svm, forest, linear (choice over sub-spaces), got {"kind":"tree"}',
    )
  })

  it('warm-start trials must be whole configs of a branch', () => {
    const warm = (config: object) => () =>
      setup(new TPESearch({ warmStart: [{ config: config as never, state: 'completed', lastResult: { loss: 1 } }] }), 10)
    expect(warm({ model: { kind: 'forest', trees: 20 }, lr: 0.5 })).not.toThrow()
    expect(thrown(warm({ model: { kind: 'forest' }, lr: 0.5 }), ConfigError).message).toBe(
      'TPESearch({ warmStart[0].config.model.trees }): must be a value: every key of the space is needed here, got undefined',
    )
  })
})

describe('flat names of a conditional space', () => {
  it('name the branch by its tag, with the branches not taken absent', () => {
    expect(branchNames(model)).toEqual({ tag: 'kind', labels: ['svm', 'forest', 'linear'] })
    expect(flattenSpace(space).map((leaf) => leaf.path.join('/'))).toEqual([
      'model',
      'model[svm]/C',
      'model[svm]/kernel',
      'model[svm]/kernel[rbf]/gamma',
      'model[forest]/trees',
      'lr',
    ])
    const config = { model: { kind: 'svm', C: 2, kernel: { type: 'rbf', gamma: 0.1 } }, lr: 0.5 }
    expect(flattenConfig(config, space)).toEqual({
      model: 'svm',
      'model[svm]/C': 2,
      'model[svm]/kernel': 'rbf',
      'model[svm]/kernel[rbf]/gamma': 0.1,
      lr: 0.5,
    })
    expect(flattenConfig({ model: { kind: 'linear' }, lr: 0.5 }, JSON.parse(JSON.stringify(space)))).toEqual({ model: 'linear', lr: 0.5 })
    // Without the space, as before: nested keys.
    expect(flattenConfig({ model: { kind: 'forest', trees: 3 } })).toEqual({ 'model/kind': 'forest', 'model/trees': 3 })
  })

  it('fall back to indices when branches have no usable distinct tag', () => {
    const untagged = choice([{ a: uniform(0, 1) }, { a: uniform(2, 3) }, 'off'])
    expect(branchNames(untagged)).toEqual({ tag: undefined, labels: ['0', '1', '2'] })
    expect(flattenConfig({ m: { a: 2.5 } }, { m: untagged })).toEqual({ m: '1', 'm[1]/a': 2.5 })
    expect(branchNames(choice([{ k: 'a/b', x: uniform(0, 1) }, { k: 'c' }])).labels).toEqual(['0', '1'])
    expect(branchNames(choice([{ k: 'on', x: uniform(0, 1) }, 'off'])).labels).toEqual(['on', 'off'])
  })
})

describe('TPE on a conditional space', () => {
  const encoding = encodeSpace(space)

  it('encodes inactive parameters as NaN and groups dimensions by branch', () => {
    const vector = encodeConfig(encoding, { model: { kind: 'forest', trees: 42 }, lr: 0.5 })
    // model, model[svm]/C, model[svm]/kernel, model[svm]/kernel[rbf]/gamma, model[forest]/trees, lr
    expect(Array.from(vector)).toEqual([1, Number.NaN, Number.NaN, Number.NaN, 42, 0.5])
    expect(dimGroups(encoding.dims)).toEqual([
      { parent: undefined, dims: [0, 5] },
      { parent: { dim: 0, branch: 0 }, dims: [1, 2] },
      { parent: { dim: 2, branch: 0 }, dims: [3] },
      { parent: { dim: 0, branch: 1 }, dims: [4] },
    ])
  })

  it("fits a branch's estimator only on the trials that took the branch", () => {
    const configs: Config[] = [
      { model: { kind: 'forest', trees: 20 }, lr: 0.1 },
      { model: { kind: 'svm', C: 1, kernel: { type: 'linear' } }, lr: 0.2 },
      { model: { kind: 'forest', trees: 80 }, lr: 0.3 },
      { model: { kind: 'linear' }, lr: 0.4 },
    ]
    const trials: TrialRecord[] = configs.map((config, id) => ({
      id,
      vector: encodeConfig(encoding, config),
      status: 'completed',
      value: id,
      step: 1,
    }))
    const params = {
      priorWeight: 1,
      considerMagicClip: true,
      considerEndpoints: false,
      multivariate: true,
      multivariateBandwidth: 'neighbours' as const,
      bandwidthFactor: 0.1,
      magicClipCount: 'estimator' as const,
      finished: 4,
    }
    const forest = dimGroups(encoding.dims)[3]
    const estimator = fitGroup(encoding.dims, forest as never, trials, params, (n) => new Float64Array(n).fill(1))
    // Two forest trials and the prior: the svm and linear trials say nothing about trees.
    expect(estimator.kernels).toBe(3)
    const trees = estimator.perDim[0] as { mus: Float64Array }
    expect(Array.from(trees.mus.subarray(0, 2))).toEqual([20, 80])
  })

  it('finds the best branch and its optimum, and repeats itself for a seed', () => {
    const run = (seed: number) => {
      const search = setup(new TPESearch({ nStartupTrials: 10 }), 80, space, seed)
      const losses: number[] = []
      const configs: unknown[] = []
      for (let i = 0; i < 80; i++) {
        const config = search.suggest(i) as Config
        configs.push(config)
        losses.push(loss(config))
        search.onTrialComplete(i, { loss: loss(config), training_iteration: 1, trial_id: i, time_total_s: 0 }, 'completed')
      }
      return { configs, losses }
    }
    const first = run(5)
    expect(run(5)).toEqual(first)
    const late = first.configs.slice(40) as Config[]
    expect(late.filter((c) => c.model.kind === 'svm').length).toBeGreaterThan(30)
    expect(Math.min(...first.losses)).toBeLessThan(0.15)
  })
})

describe('searchers that do not model conditional spaces', () => {
  it('GPSearch refuses one, naming the choice; AutoSearch picks TPE for it', () => {
    expect(thrown(() => setup(new GPSearch(), 20), SpaceError).message).toMatch(
      /^GPSearch: space\.model: needs a space without choices over sub-spaces .*use TPESearch, or AutoSearch/,
    )
    const auto = setup(new AutoSearch(), 20)
    expect(auto.choice).toBe('tpe')
    expect(setup(new AutoSearch(), 20, { lr: uniform(0, 1) }).choice).toBe('gp')
  })

  it('PBT refuses to explore a choice over sub-spaces, or the parameters inside one', () => {
    expect(thrown(() => new PopulationBasedTraining({ hyperparamMutations: { model } }), ConfigError).message).toMatch(
      /hyperparamMutations\.model }\): must be a domain without sub-spaces \(PBT does not explore conditional branches\)/,
    )
    // Inside a branch: a step there could put one branch's parameter into another branch's config.
    const tuner = () =>
      new Tuner({
        trainable: new URL('../fixtures/behaviours.ts', import.meta.url),
        space: { model, lr: uniform(0, 1) },
        metric: 'loss',
        scheduler: new PopulationBasedTraining({ hyperparamMutations: { lr: uniform(0, 1), model: { C: loguniform(1e-2, 10) } } }),
      })
    expect(thrown(tuner, ConfigError).message).toMatch(
      /^PopulationBasedTraining\(\{ hyperparamMutations\.model }\): must stay outside conditional choices .*, got \{"C":/,
    )
  })

  it('PBT refuses a mutation of a key the space lacks, with a guess: it would reach only the configs it perturbs', () => {
    const tuner = (hyperparamMutations: Record<string, unknown>) =>
      new Tuner({
        trainable: new URL('../fixtures/behaviours.ts', import.meta.url),
        space: { lr: loguniform(1e-4, 1), opt: { momentum: uniform(0, 1) } },
        metric: 'loss',
        scheduler: new PopulationBasedTraining({ hyperparamMutations: hyperparamMutations as never }),
      })
    expect(thrown(() => tuner({ lrr: loguniform(1e-4, 1) }), ConfigError).message).toBe(
      'PopulationBasedTraining({ hyperparamMutations.lrr }): not a key of the space (did you mean lr?), got {"$domain":"loguniform","low":0.0001,"high":1}; the space has: lr, opt',
    )
    expect(thrown(() => tuner({ opt: { momentun: uniform(0, 1) } }), ConfigError).message).toMatch(
      /^PopulationBasedTraining\(\{ hyperparamMutations\.opt\.momentun }\): not a key of the space \(did you mean momentum\?\)/,
    )
    // A choice of constant objects is a domain, not nested keys: mutations inside it are not the space's to refuse.
    const constants = new Tuner({
      trainable: new URL('../fixtures/behaviours.ts', import.meta.url),
      space: { lr: loguniform(1e-4, 1), opt: choice([{ momentum: 0.9 }, { momentum: 0.99 }]) },
      metric: 'loss',
      scheduler: new PopulationBasedTraining({ hyperparamMutations: { opt: { momentum: [0.9, 0.95, 0.99] } } }),
    })
    expect(constants).toBeInstanceOf(Tuner)
  })

  it('refuses space keys that would make flat names collide', () => {
    const space = { model, 'model[svm]': { C: 3 } }
    expect(thrown(() => validateSpace(space), SpaceError).message).toContain(
      'needs a key that is non-empty, has no "/", "[" or "]" (they make flat names) and is not __proto__, got "model[svm]"',
    )
  })
})
