import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { FIFOScheduler } from '../../src/scheduler/fifo.ts'
import { HyperBandScheduler } from '../../src/scheduler/hyperband.ts'
import { MedianStoppingRule } from '../../src/scheduler/median.ts'
import { PopulationBasedTraining } from '../../src/scheduler/pbt.ts'
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import { choice, loguniform } from '../../src/search/space.ts'
import type { Config, Mode } from '../../src/types.ts'
import { addTrials, fakeTrial, ready, report, type SimulationOptions, simulate } from './fakes.ts'

const schedulers: Array<[string, () => Scheduler]> = [
  ['FIFOScheduler', () => new FIFOScheduler()],
  ['ASHAScheduler', () => new ASHAScheduler({ maxT: 16, gracePeriod: 1, reductionFactor: 2 })],
  ['ASHAScheduler (3 brackets)', () => new ASHAScheduler({ maxT: 27, reductionFactor: 3, brackets: 3 })],
  ['HyperBandScheduler', () => new HyperBandScheduler({ maxT: 9, reductionFactor: 3 })],
  ['MedianStoppingRule', () => new MedianStoppingRule({ gracePeriod: 2, minSamplesRequired: 2 })],
  [
    'PopulationBasedTraining',
    () =>
      new PopulationBasedTraining({
        perturbationInterval: 3,
        hyperparamMutations: { lr: loguniform(1e-4, 1), act: choice(['relu', 'tanh', 'gelu']) },
      }),
  ],
]

const acts = ['relu', 'tanh', 'gelu']
/** Some configs are better than others, and it shows early and stays so: what schedulers are built for. */
const stream: SimulationOptions = {
  numSamples: 12,
  concurrency: 3,
  maxIter: 12,
  config: (id) => ({ lr: 10 ** -((id * 7) % 5) / 2, act: acts[id % 3] as string }),
  loss: (config: Config, iteration: number, id: number) =>
    Math.abs(Math.log10(config.lr as number) + 2) + (config.act === 'tanh' ? 0.3 : 0) + 1 / iteration + ((id * 13) % 7) / 100,
}

describe.each(schedulers)('%s (shared scheduler suite)', (_name, make) => {
  it.each<Mode>(['min', 'max'])('every decision is continue, stop or pause, and the run ends (%s)', (mode) => {
    const run = simulate(make(), stream, mode)
    expect(run.decisions.length).toBeGreaterThan(0)
    for (const decision of run.decisions) expect(['continue', 'stop', 'pause']).toContain(decision)
    expect(run.steps).toBeLessThan(10_000)
    expect(run.trials).toHaveLength(stream.numSamples)
    for (const trial of run.trials) expect(['completed', 'stopped']).toContain(trial.state)
  })

  it('is deterministic: the same stream gives the same decisions and choices', () => {
    const first = simulate(make(), stream)
    const second = simulate(make(), stream)
    expect(second.log).toEqual(first.log)
    // And one instance set up again forgets the previous run.
    const reused = make()
    simulate(reused, stream, 'max', 3)
    expect(simulate(reused, stream).log).toEqual(first.log)
  })

  it('gives no decision for unknown trials: continue, and nothing recorded', () => {
    const scheduler = ready(make())
    const stranger = fakeTrial(42, { lr: 0.1, act: 'relu' })
    for (let i = 1; i <= 20; i++) expect(scheduler.onTrialResult(stranger, report(stranger, i, { loss: i }))).toBe('continue')
    expect(() => scheduler.onTrialComplete(stranger, stranger.lastResult)).not.toThrow()
    expect(scheduler.beforeResume?.(stranger)).toBeUndefined()
    // Interleaving a stranger's reports and ends changes nothing for the known trials.
    expect(simulate(make(), { ...stream, strangers: true }).log).toEqual(simulate(make(), stream).log)
  })

  it('ignores results without the metric (continue) and still ends', () => {
    const scheduler = ready(make())
    const [trial] = addTrials(scheduler, 1) as [ReturnType<typeof fakeTrial>]
    expect(scheduler.onTrialResult(trial, report(trial, 1, { accuracy: 0.5 }))).toBe('continue')
    expect(scheduler.onTrialResult(trial, report(trial, 2, { loss: 'n/a' }))).toBe('continue')
    const run = simulate(make(), { ...stream, dropMetricEvery: 4 })
    for (const trial of run.trials) expect(['completed', 'stopped']).toContain(trial.state)
  })
})

describe.each(schedulers.filter(([name]) => name !== 'FIFOScheduler'))('%s options', (_name, make) => {
  it('throws a ConfigError naming an unknown option', () => {
    const Scheduler = make().constructor as new (options: unknown) => Scheduler
    const base = Scheduler === PopulationBasedTraining ? { hyperparamMutations: { lr: [1, 2] } } : {}
    expect(() => new Scheduler({ ...base, maxt: 5 })).toThrow(ConfigError)
    const guess = Scheduler === ASHAScheduler || Scheduler === HyperBandScheduler ? ' \\(did you mean maxT\\?\\)' : ''
    expect(() => new Scheduler({ ...base, maxt: 5 })).toThrow(new RegExp(`\\{ maxt \\}\\): unknown option${guess}, got 5; known: `))
  })

  it('rejects a bad setup with a ConfigError', () => {
    expect(() => make().setup({ metric: 'loss', mode: 'up' as Mode, seed: 1 })).toThrow(ConfigError)
    expect(() => make().setup({ metric: '', mode: 'min', seed: 1 })).toThrow(ConfigError)
    expect(() => make().setup({ metric: 'loss', mode: 'min', seed: -1 })).toThrow(ConfigError)
  })

  it('acts on the scripted stream: some trials are stopped or paused', () => {
    const { decisions } = simulate(make(), stream)
    expect(decisions.some((d) => d !== 'continue')).toBe(true)
  })

  it('throws a ConfigError when a trial is added before setup', () => {
    expect(() => make().onTrialAdd(fakeTrial(0))).toThrow(ConfigError)
  })
})
