import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { explore, type Mutations } from '../../src/scheduler/explore.ts'
import { type PBTOptions, PopulationBasedTraining } from '../../src/scheduler/pbt.ts'
import { createRandom } from '../../src/search/rng.ts'
import { choice, loguniform, qrandint, quniform, randint, randn, uniform } from '../../src/search/space.ts'
import type { Config } from '../../src/types.ts'
import { addTrials, type FakeTrial, fakeTrial, ready, report } from './trials.ts'

const move = { resampleProbability: 0, perturbationFactors: [1.2, 0.8] }

/** Every value `explore` gives `key` over 200 seeds. */
function outcomes(config: Config, mutations: Mutations, settings = move, key = Object.keys(mutations)[0] as string): unknown[] {
  const seen = new Set<string>()
  for (let seed = 0; seed < 200; seed++) seen.add(JSON.stringify(explore(config, mutations, settings, createRandom(seed))[key]))
  const values = [...seen].map((text) => JSON.parse(text) as unknown)
  return values.sort((x, y) =>
    typeof x === 'number' && typeof y === 'number' ? x - y : JSON.stringify(x).localeCompare(JSON.stringify(y)),
  )
}

describe('PBT explore', () => {
  it('multiplies numbers by 1.2 or 0.8', () => {
    expect(outcomes({ lr: 5 }, { lr: uniform(0, 10) })).toEqual([4, 6])
    const [low, high] = outcomes({ lr: 0.01 }, { lr: loguniform(1e-4, 1) }) as [number, number]
    expect(low).toBeCloseTo(0.008, 12)
    expect(high).toBeCloseTo(0.012, 12)
    expect(outcomes({ w: -1 }, { w: randn(0, 1) })).toEqual([-1.2, -0.8])
  })

  it('keeps the result inside the domain: clipped, rounded for integers, on the q grid', () => {
    expect(outcomes({ p: 0.95 }, { p: uniform(0, 1) })).toEqual([0.76, 1 - 2 ** -53]) // 1.14 is clipped below 1 (high excluded)
    expect(outcomes({ layers: 9 }, { layers: randint(1, 10) })).toEqual([7, 9]) // 10.8 is clipped to 9 (high excluded)
    expect(outcomes({ layers: 3 }, { layers: randint(1, 10) })).toEqual([2, 4])
    expect(outcomes({ batch: 64 }, { batch: qrandint(16, 128, 16) })).toEqual([48, 80])
    expect(outcomes({ m: 0.5 }, { m: quniform(0, 1, 0.1) })).toEqual([0.4, 0.6])
  })

  it('steps a choice or a list to a neighbouring value, clamped at the ends', () => {
    expect(outcomes({ act: 'b' }, { act: choice(['a', 'b', 'c', 'd']) })).toEqual(['a', 'c'])
    expect(outcomes({ act: 'a' }, { act: choice(['a', 'b', 'c', 'd']) })).toEqual(['a', 'b'])
    expect(outcomes({ batch: 32 }, { batch: [16, 32, 64] })).toEqual([16, 64])
    expect(outcomes({ sizes: [1, 2] }, { sizes: [[1], [1, 2], [1, 2, 3]] })).toEqual([[1, 2, 3], [1]])
  })

  it('resamples with resampleProbability, or when the value cannot be moved', () => {
    const always = { ...move, resampleProbability: 1 }
    const drawn = outcomes({ lr: 0.5 }, { lr: uniform(0.1, 0.2) }, always) as number[]
    expect(drawn.length).toBeGreaterThan(100)
    for (const v of drawn) expect(v >= 0.1 && v <= 0.2).toBe(true)
    expect(outcomes({ act: 'zzz' }, { act: ['a', 'b', 'c'] })).toEqual(['a', 'b', 'c'])
    expect(outcomes({}, { layers: randint(1, 4) })).toEqual([1, 2, 3])
    // A quarter of the time by default.
    const some = outcomes({ lr: 0.5 }, { lr: uniform(0, 1) }, { ...move, resampleProbability: 0.25 }) as number[]
    expect(some).toContain(0.4)
    expect(some).toContain(0.6)
    expect(some.length).toBeGreaterThan(10)
  })

  it('explores nested keys, copies the rest, and leaves the donor config alone', () => {
    const donor = { opt: { lr: 0.5, name: 'sgd' }, epochs: 3, tags: ['x'] }
    const next = explore(donor, { opt: { lr: uniform(0, 1) } }, move, createRandom(1))
    expect([0.4, 0.6]).toContain((next.opt as Config).lr)
    expect(next).toMatchObject({ opt: { name: 'sgd' }, epochs: 3, tags: ['x'] })
    expect(next.tags).not.toBe(donor.tags)
    expect(donor.opt.lr).toBe(0.5)
  })
})

/** A PBT in max mode on `acc`, with trials 0..n-1 whose config lr is (id + 1) / 10. */
function population(n: number, options: Partial<PBTOptions> = {}, seed = 7) {
  const pbt = new PopulationBasedTraining({ perturbationInterval: 2, hyperparamMutations: { lr: uniform(0, 1) }, ...options })
  ready(pbt, 'max', seed, 'acc')
  const trials = addTrials(pbt, n, (id) => ({ lr: (id + 1) / 10 }))
  const at = (t: FakeTrial, time: number, acc: number) => pbt.onTrialResult(t, report(t, time, { acc }))
  return { pbt, trials, at }
}

describe('PopulationBasedTraining exploit', () => {
  it('pauses a bottom-quantile trial at a perturbation point and resumes it from a top trial', () => {
    const { pbt, trials, at } = population(4, { resampleProbability: 0 })
    const [t0, t1, t2, t3] = trials as [FakeTrial, FakeTrial, FakeTrial, FakeTrial]
    for (const t of trials) expect(at(t, 1, 0.5)).toBe('continue') // before the first perturbation point
    expect(at(t0, 2, 0.9)).toBe('continue') // alone: no ranking yet
    expect(at(t1, 2, 0.95)).toBe('continue') // [0, 1]: 1 is on top
    expect(at(t2, 2, 0.8)).toBe('pause') // [2, 0, 1]: 2 is the bottom quarter, 1 the top
    expect(at(t3, 2, 0.85)).toBe('continue') // [2, 3, 0, 1]: the bottom is still 2
    const plan = pbt.beforeResume?.(t2)
    expect(plan?.restoreFrom).toBe(1)
    // The donor's lr (0.2) moved by 0.8 or 1.2.
    expect([0.16, 0.24].some((lr) => Math.abs((plan?.config?.lr as number) - lr) < 1e-12)).toBe(true)
    // The plan is handed over once.
    expect(pbt.beforeResume?.(t2)).toBeUndefined()
    expect(pbt.beforeResume?.(t3)).toBeUndefined()
  })

  it('resumes exploited trials first', () => {
    const { pbt, trials, at } = population(3)
    const [t0, t1] = trials as [FakeTrial, FakeTrial]
    at(t0, 2, 0.9)
    expect(at(t1, 2, 0.1)).toBe('pause')
    t1.state = 'paused'
    const other = fakeTrial(2, {}, 'paused')
    const pending = fakeTrial(9, {}, 'pending')
    expect(pbt.choose?.({ pending: [pending], paused: [other, t1], canCreate: true })).toBe(t1)
    pbt.beforeResume?.(t1)
    expect(pbt.choose?.({ pending: [pending], paused: [other], canCreate: true })).toBe(pending)
    expect(pbt.choose?.({ pending: [], paused: [other], canCreate: true })).toBe('new')
    expect(pbt.choose?.({ pending: [], paused: [other], canCreate: false })).toBe(other)
    expect(pbt.choose?.({ pending: [], paused: [], canCreate: false })).toBeUndefined()
  })

  it('takes the donor at random from the top quantile, deterministically from the seed', () => {
    const donors = new Set<number>()
    const configs: string[] = []
    for (let seed = 0; seed < 30; seed++) {
      const { pbt, trials, at } = population(8, {}, seed)
      // Scores 0.1 .. 0.8 in id order: top quantile (2 of 8) = trials 6 and 7; trial 0 reports last.
      for (const t of trials.slice(1)) at(t, 2, (t.id + 1) / 10)
      expect(at(trials[0] as FakeTrial, 2, 0.01)).toBe('pause')
      const plan = pbt.beforeResume?.(trials[0] as FakeTrial)
      donors.add(plan?.restoreFrom as number)
      configs.push(JSON.stringify(plan))
      // Same seed, same stream: same plan.
      const again = population(8, {}, seed)
      for (const t of again.trials.slice(1)) again.at(t, 2, (t.id + 1) / 10)
      again.at(again.trials[0] as FakeTrial, 2, 0.01)
      expect(JSON.stringify(again.pbt.beforeResume?.(again.trials[0] as FakeTrial))).toBe(configs.at(-1))
    }
    expect([...donors].sort()).toEqual([6, 7])
    expect(new Set(configs).size).toBeGreaterThan(2)
    for (const text of configs) {
      const lr = (JSON.parse(text) as { config: { lr: number } }).config.lr
      expect(lr >= 0 && lr <= 1).toBe(true)
    }
  })

  it('perturbs every perturbationInterval, after the burn-in, from the donor’s clock', () => {
    const { trials, at } = population(2, { perturbationInterval: 3, burnInPeriod: 4 })
    const [a, b] = trials as [FakeTrial, FakeTrial]
    // Before the burn-in nothing is recorded, so no ranking.
    expect(at(a, 3, 0.9)).toBe('continue')
    expect(at(b, 3, 0.1)).toBe('continue')
    expect(at(a, 4, 0.9)).toBe('continue')
    expect(at(b, 4, 0.1)).toBe('pause') // [b, a]: b exploits a
    // b took a's clock (perturbed at 4): the next point is 7, not 4 + 3 from b's own.
    expect(at(b, 6, 0.1)).toBe('continue')
    expect(at(a, 7, 0.95)).toBe('continue')
    expect(at(b, 7, 0.05)).toBe('pause')
  })

  it('never clones a trial back in time: a donor behind it is passed over', () => {
    const { pbt, trials, at } = population(2, { perturbationInterval: 10 })
    const [a, b] = trials as [FakeTrial, FakeTrial]
    expect(at(a, 10, 0.9)).toBe('continue') // a on top, at 10
    // b reaches 20 first and is the worse: its only donor, a, was last seen at 10, behind it.
    expect(at(b, 20, 0.1)).toBe('continue')
    expect(pbt.beforeResume?.(b)).toBeUndefined()
    // Once a is as far along, b (still the worse) clones it.
    expect(at(a, 20, 0.9)).toBe('continue')
    expect(at(a, 30, 0.9)).toBe('continue')
    expect(at(b, 30, 0.1)).toBe('pause')
    expect(pbt.beforeResume?.(b)?.restoreFrom).toBe(a.id)
  })

  it('leaves out trials that ended, and never exploits with quantileFraction 0', () => {
    const { pbt, trials, at } = population(3)
    const [a, b, c] = trials as [FakeTrial, FakeTrial, FakeTrial]
    at(a, 2, 0.99)
    pbt.onTrialComplete(a, a.lastResult)
    at(b, 2, 0.5)
    expect(at(c, 2, 0.1)).toBe('pause')
    expect(pbt.beforeResume?.(c)?.restoreFrom).toBe(b.id)
    const none = population(4, { quantileFraction: 0 })
    for (const t of none.trials) expect(none.at(t, 2, t.id)).toBe('continue')
  })

  it('yields a worker at a perturbation point while other trials wait for one', () => {
    const { pbt, trials, at } = population(3)
    const [a, b, c] = trials as [FakeTrial, FakeTrial, FakeTrial]
    c.state = 'pending'
    expect(at(a, 2, 0.9)).toBe('pause')
    c.state = 'running'
    expect(at(b, 2, 0.95)).toBe('continue')
    // The Tuner said it can still create trials: they need a turn too.
    pbt.choose?.({ pending: [], paused: [], canCreate: true })
    expect(at(b, 4, 0.95)).toBe('pause')
  })

  it('rejects bad options, naming the field', () => {
    expect(() => new PopulationBasedTraining(undefined as unknown as PBTOptions)).toThrow(ConfigError)
    expect(() => new PopulationBasedTraining({} as PBTOptions)).toThrow(
      /PopulationBasedTraining\(\{ hyperparamMutations \}\): must be a non-empty object/,
    )
    expect(() => new PopulationBasedTraining({ hyperparamMutations: { lr: 3 } as unknown as Mutations })).toThrow(
      'PopulationBasedTraining({ hyperparamMutations.lr }): must be a domain, an array of values or a nested object, got 3',
    )
    expect(
      () => new PopulationBasedTraining({ hyperparamMutations: { opt: { lr: { $domain: 'uniform', low: 2, high: 1 } } } as Mutations }),
    ).toThrow('PopulationBasedTraining({ hyperparamMutations.opt.lr }): uniform needs low < high, got low=2, high=1')
    expect(() => new PopulationBasedTraining({ hyperparamMutations: { b: [] } })).toThrow(ConfigError)
    const base = { hyperparamMutations: { b: [1, 2] } }
    expect(() => new PopulationBasedTraining({ ...base, quantileFraction: 0.6 })).toThrow(
      'PopulationBasedTraining({ quantileFraction }): must be a number in [0, 0.5], got 0.6',
    )
    expect(() => new PopulationBasedTraining({ ...base, perturbationInterval: 0 })).toThrow(ConfigError)
    expect(() => new PopulationBasedTraining({ ...base, resampleProbability: 2 })).toThrow(ConfigError)
    expect(() => new PopulationBasedTraining({ ...base, perturbationFactors: [] })).toThrow(ConfigError)
  })
})

describe('PBT yielding a worker', () => {
  it('does not pause a top trial for trials that will never be created', () => {
    const pbt = new PopulationBasedTraining({ perturbationInterval: 2, hyperparamMutations: { lr: uniform(0, 1) } })
    pbt.setup({ metric: 'loss', mode: 'min', seed: 1, plannedTrials: 4 })
    // The Tuner asked with canCreate true just before it made the last planned trial, then never again: all four run.
    pbt.choose({ pending: [], paused: [], canCreate: true })
    const trials = [0, 1, 2, 3].map((id) => fakeTrial(id, { lr: 0.5 }))
    for (const trial of trials) pbt.onTrialAdd(trial)
    for (const [i, trial] of trials.entries()) expect(pbt.onTrialResult(trial, report(trial, 1, { loss: i }))).toBe('continue')
    // At its perturbation point the best trial is in the top quantile: nothing waits, so it keeps its worker.
    expect(pbt.onTrialResult(trials[0] as FakeTrial, report(trials[0] as FakeTrial, 2, { loss: 0 }))).toBe('continue')
  })
})
