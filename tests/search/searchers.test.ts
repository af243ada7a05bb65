import { describe, expect, it } from 'vitest'
import { ConfigError, SpaceError } from '../../src/errors.ts'
import { AutoSearch } from '../../src/search/auto.ts'
import { GPSearch } from '../../src/search/gp/gp.ts'
import { GridSearch } from '../../src/search/grid.ts'
import { RandomSearch } from '../../src/search/random.ts'
import type { Searcher, SearcherSetup } from '../../src/search/searcher.ts'
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
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import type { Config } from '../../src/types.ts'
import { inDomain } from './in-domain.ts'

const space = {
  lr: loguniform(1e-4, 1e-1),
  mom: quniform(0.5, 0.9, 0.1),
  hidden: qloguniform(8, 256, 8),
  layers: randint(1, 5),
  batch: qrandint(16, 64, 16),
  trees: lograndint(1, 100),
  noise: randn(0, 0.1),
  act: choice(['relu', 'tanh']),
  opt: { kind: grid(['sgd', 'adam']), wd: uniform(0, 0.1), deep: { warmup: grid([0, 100, 1000]) } },
  epochs: 10,
  sizes: [32, 64],
} satisfies Space

function setupOf(overrides: Partial<SearcherSetup> = {}): SearcherSetup {
  return { space, metric: 'loss', mode: 'min', seed: 42, numSamples: 3, ...overrides }
}

function ready(make: () => Searcher, overrides: Partial<SearcherSetup> = {}): Searcher {
  const searcher = make()
  searcher.setup(setupOf(overrides))
  return searcher
}

/** Suggestions for trial ids 0, 1, 2, ... until the searcher returns null. */
function drain(searcher: Searcher): Config[] {
  const configs: Config[] = []
  for (let id = 0; ; id++) {
    const config = searcher.suggest(id)
    if (config === null) return configs
    configs.push(config)
  }
}

function valueAt(config: Config, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config)
}

describe.each([
  ['GridSearch', (): Searcher => new GridSearch()],
  ['RandomSearch', (): Searcher => new RandomSearch()],
  ['TPESearch', (): Searcher => new TPESearch()],
  ['TPESearch (univariate)', (): Searcher => new TPESearch({ multivariate: false })],
  ['GPSearch', (): Searcher => new GPSearch()],
  ['AutoSearch', (): Searcher => new AutoSearch()],
])('%s (shared searcher suite)', (_name, make) => {
  it('gives identical sequences for the same seed', () => {
    expect(drain(ready(make))).toEqual(drain(ready(make)))
  })

  it('gives different sequences for different seeds', () => {
    expect(drain(ready(make, { seed: 1 }))).not.toEqual(drain(ready(make, { seed: 2 })))
  })

  it('gives trial k the same config whatever the order of suggestions', () => {
    const inOrder = drain(ready(make))
    const reversed = ready(make)
    const byId = new Map<number, Config | null>()
    for (let id = inOrder.length - 1; id >= 0; id--) byId.set(id, reversed.suggest(id))
    for (const [id, config] of inOrder.entries()) expect(byId.get(id)).toEqual(config)
    expect(ready(make).suggest(2)).toEqual(inOrder[2])
  })

  it('returns null once exhausted, and stays exhausted', () => {
    const searcher = ready(make)
    const configs = drain(searcher)
    expect(configs.length).toBeGreaterThanOrEqual(3)
    expect(searcher.suggest(configs.length)).toBeNull()
    expect(searcher.suggest(0)).toBeNull()
  })

  it('gives configs whose every value lies in its domain, constants copied', () => {
    const configs = drain(ready(make, { numSamples: 20 }))
    for (const config of configs) {
      for (const { path, value } of flattenSpace(space)) {
        const got = valueAt(config, path)
        if (isDomain(value)) expect(inDomain(value, got), `${path.join('/')}=${String(got)}`).toBe(true)
        else expect(got).toEqual(value)
      }
      expect(config.sizes).not.toBe(space.sizes)
    }
  })

  it('varies values between trials', () => {
    const lrs = new Set(drain(ready(make)).map((c) => c.lr))
    expect(lrs.size).toBeGreaterThan(1)
  })

  it('restarts from scratch on a new setup', () => {
    const searcher = ready(make)
    const first = drain(searcher)
    searcher.setup(setupOf())
    expect(drain(searcher)).toEqual(first)
  })

  it('throws ConfigError when suggest comes before setup', () => {
    expect(() => make().suggest(0)).toThrow(ConfigError)
    expect(() => make().suggest(0)).toThrow(/call setup\(\) first/)
  })

  it('rejects bad trial ids and setup options', () => {
    expect(() => ready(make).suggest(-1)).toThrow(/suggest\(trialId\): must be an integer >= 0, got -1/)
    expect(() => ready(make).suggest(1.5)).toThrow(ConfigError)
    expect(() => ready(make, { numSamples: 0 })).toThrow(/numSamples: must be an integer >= 1, got 0/)
    expect(() => ready(make, { seed: -1 })).toThrow(/seed: must be an integer/)
    expect(() => ready(make, { space: { a: { $domain: 'uniform', low: 1, high: 0 } } as unknown as Space })).toThrow(SpaceError)
  })

  it('proposes the same first configs whatever results it is told (Grid and Random: every config)', () => {
    const told = ready(make)
    const untold = drain(ready(make))
    for (const [id, config] of untold.entries()) {
      expect(told.suggest(id)).toEqual(config)
      const result = { loss: id % 2 === 0 ? 1e9 : -1e9, training_iteration: 1, trial_id: id, time_total_s: 0 }
      told.onTrialResult(id, result)
      told.onTrialComplete(id, result, 'completed')
    }
    expect(untold.length).toBeGreaterThanOrEqual(3)
  })
})

describe('GridSearch', () => {
  const gridSpace = { a: grid([1, 2, 3]), nested: { b: grid(['x', 'y']), deeper: { c: grid([true, false]) } }, u: uniform(0, 1) }

  function gridSearch(numSamples: number, s: Space = gridSpace): GridSearch {
    const search = new GridSearch()
    search.setup({ space: s, metric: 'loss', mode: 'min', seed: 7, numSamples })
    return search
  }

  it('runs every grid point exactly numSamples times, nested grids included', () => {
    const search = gridSearch(3)
    expect(search.size).toBe(3 * 2 * 2 * 3)
    const configs = drain(search) as Array<{ a: number; nested: { b: string; deeper: { c: boolean } } }>
    expect(configs).toHaveLength(36)
    const counts = new Map<string, number>()
    for (const c of configs) {
      const key = JSON.stringify([c.a, c.nested.b, c.nested.deeper.c])
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect(counts.size).toBe(12)
    expect([...counts.values()].every((n) => n === 3)).toBe(true)
  })

  it('enumerates like nested loops, the last grid dimension fastest, and repeats the grid', () => {
    const configs = drain(gridSearch(2)) as Array<{ a: number; nested: { b: string; deeper: { c: boolean } } }>
    const points = configs.map((c) => [c.a, c.nested.b, c.nested.deeper.c])
    expect(points.slice(0, 4)).toEqual([
      [1, 'x', true],
      [1, 'x', false],
      [1, 'y', true],
      [1, 'y', false],
    ])
    expect(points[4]).toEqual([2, 'x', true])
    expect(points.slice(12)).toEqual(points.slice(0, 12))
  })

  it('samples the non-grid dimensions afresh for each trial', () => {
    const configs = drain(gridSearch(2)) as Array<{ u: number }>
    expect(new Set(configs.map((c) => c.u)).size).toBe(configs.length)
  })

  it('acts as RandomSearch when the space has no grid dimension', () => {
    const plain = { lr: loguniform(1e-4, 1e-1), n: { k: randint(1, 9) }, c: 1 }
    const grid = gridSearch(5, plain)
    const random = new RandomSearch()
    random.setup({ space: plain, metric: 'loss', mode: 'min', seed: 7, numSamples: 5 })
    expect(grid.size).toBe(5)
    expect(drain(grid)).toEqual(drain(random))
  })

  it('throws ConfigError for size before setup', () => {
    expect(() => new GridSearch().size).toThrow(ConfigError)
  })
})

describe('RandomSearch', () => {
  it('samples grid dimensions like choices and stops after numSamples', () => {
    const search = new RandomSearch()
    search.setup({ space: { g: grid([1, 2, 3, 4]) }, metric: 'loss', mode: 'min', seed: 3, numSamples: 200 })
    const configs = drain(search)
    expect(configs).toHaveLength(200)
    expect(new Set(configs.map((c) => c.g))).toEqual(new Set([1, 2, 3, 4]))
  })
})
