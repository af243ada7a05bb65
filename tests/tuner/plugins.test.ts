import { describe, expect, it } from 'vitest'
import * as hyperpool from '../../src/index.ts'
import {
  ASHAScheduler,
  AutoSearch,
  FIFOScheduler,
  GPSearch,
  GridSearch,
  HyperBandScheduler,
  MedianStoppingRule,
  PopulationBasedTraining,
  RandomSearch,
  TPESearch,
} from '../../src/index.ts'
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import type { Searcher } from '../../src/search/searcher.ts'
import { describePlugin, rebuildPlugin } from '../../src/tuner/plugins.ts'

describe('searchers and schedulers in the journal', () => {
  const builtIns: Array<[Searcher | Scheduler, 'search' | 'scheduler']> = [
    [new RandomSearch(), 'search'],
    [new GridSearch(), 'search'],
    [new TPESearch({ nStartupTrials: 3, nEiCandidates: 12 }), 'search'],
    [new GPSearch({ nStartupTrials: 4, nCandidates: 64 }), 'search'],
    [new AutoSearch({ maxGPTrials: 50, gp: { nLocalSearch: 2 }, tpe: { nStartupTrials: 5 } }), 'search'],
    [new FIFOScheduler(), 'scheduler'],
    [new ASHAScheduler({ maxT: 20, gracePeriod: 2, reductionFactor: 3 }), 'scheduler'],
    [new HyperBandScheduler({ maxT: 27, reductionFactor: 3 }), 'scheduler'],
    [new MedianStoppingRule({ gracePeriod: 4, minSamplesRequired: 2, hardStop: false }), 'scheduler'],
    [new PopulationBasedTraining({ hyperparamMutations: { lr: [0.1, 0.01] }, perturbationInterval: 4 }), 'scheduler'],
  ]

  it.each(builtIns)('rebuilds %o from what it records, with the same options', (plugin, field) => {
    const spec = describePlugin(plugin)
    expect(spec.type).toBe(plugin.constructor.name)
    expect(spec.options).not.toBeNull()
    // What the journal holds is JSON: the rebuild must work from the text, not the objects.
    const rebuilt = rebuildPlugin(JSON.parse(JSON.stringify(spec)), field, undefined)
    expect(rebuilt.constructor).toBe(plugin.constructor)
    expect(describePlugin(rebuilt)).toEqual(spec)
  })

  it('knows every searcher and scheduler the package exports', () => {
    const exported = (Object.values(hyperpool) as unknown[]).filter(
      (value): value is { prototype: object; name: string } =>
        typeof value === 'function' &&
        (typeof value.prototype?.suggest === 'function' || typeof value.prototype?.onTrialAdd === 'function'),
    )
    const covered = new Set<unknown>(builtIns.map(([plugin]) => plugin.constructor))
    expect(exported.filter((type) => !covered.has(type)).map((type) => type.name)).toEqual([])
    expect(exported.length).toBeGreaterThanOrEqual(builtIns.length)
  })

  it('asks for what it cannot rebuild (a subclass, functions as options) and checks the class of what it is given', () => {
    class Patient extends FIFOScheduler {}
    const custom = describePlugin(new Patient())
    expect(custom).toEqual({ type: 'Patient', options: null })
    expect(() => rebuildPlugin(custom, 'scheduler', undefined)).toThrow(
      /^Tuner\.restore\(\{ scheduler \}\): the experiment ran with a Patient that cannot be rebuilt from the journal/,
    )
    const gamma = describePlugin(new TPESearch({ gamma: (n: number) => Math.ceil(n / 4) }))
    expect(gamma.options).toBeNull()
    expect(describePlugin(new AutoSearch({ tpe: { gamma: (n: number) => Math.ceil(n / 4) } })).options).toBeNull()
    const given = new Patient()
    expect(rebuildPlugin(custom, 'scheduler', given)).toBe(given)
    expect(() => rebuildPlugin(custom, 'scheduler', new FIFOScheduler())).toThrow(
      /^Tuner\.restore\(\{ scheduler \}\): the experiment ran with a Patient, got .*; pass the same class, with the same options$/,
    )
  })
})
