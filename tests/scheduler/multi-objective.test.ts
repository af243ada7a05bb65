import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { FIFOScheduler } from '../../src/scheduler/fifo.ts'
import { HyperBandScheduler } from '../../src/scheduler/hyperband.ts'
import { MedianStoppingRule } from '../../src/scheduler/median.ts'
import { PopulationBasedTraining } from '../../src/scheduler/pbt.ts'
import type { Scheduler, SchedulerSetup } from '../../src/scheduler/scheduler.ts'
import { thrown } from '../helpers.ts'
import { addTrials, type FakeTrial, report } from './trials.ts'

/** What the Tuner tells a scheduler of an experiment with two objectives: loss down, accuracy up. */
const SETUP: SchedulerSetup = {
  metric: 'loss',
  mode: 'min',
  objectives: [
    { metric: 'loss', mode: 'min' },
    { metric: 'acc', mode: 'max' },
  ],
  seed: 3,
}

const ranking: ReadonlyArray<readonly [string, (metric?: string) => Scheduler]> = [
  ['ASHAScheduler', (metric) => new ASHAScheduler({ maxT: 16, ...(metric === undefined ? {} : { metric }) })],
  ['HyperBandScheduler', (metric) => new HyperBandScheduler({ maxT: 9, ...(metric === undefined ? {} : { metric }) })],
  ['MedianStoppingRule', (metric) => new MedianStoppingRule(metric === undefined ? {} : { metric })],
  [
    'PopulationBasedTraining',
    (metric) => new PopulationBasedTraining({ hyperparamMutations: { lr: [0.1, 0.01] }, ...(metric === undefined ? {} : { metric }) }),
  ],
]

describe('schedulers with several objectives', () => {
  for (const [name, make] of ranking) {
    it(`${name} refuses them unless its metric picks one`, () => {
      expect(thrown(() => make().setup(SETUP), ConfigError).message).toBe(
        `${name}({ metric }): must name the objective to rank trials by, as this experiment has 2 (loss, acc), got undefined`,
      )
      expect(thrown(() => make('latency').setup(SETUP), ConfigError).message).toBe(
        `${name}({ metric }): must be one of the experiment's objectives (loss, acc), got "latency"`,
      )
      expect(() => make('acc').setup(SETUP)).not.toThrow()
    })

    it(`${name} takes one objective as before, and its metric must be that one`, () => {
      expect(() => make().setup({ metric: 'loss', mode: 'min', seed: 1 })).not.toThrow()
      expect(() => make('loss').setup({ metric: 'loss', mode: 'min', seed: 1 })).not.toThrow()
      expect(() => make('acc').setup({ metric: 'loss', mode: 'min', seed: 1 })).toThrow(
        /must be one of the experiment's objectives \(loss\)/,
      )
    })

    it(`${name} guesses the objective a misspelt metric meant, as the Tuner's options do`, () => {
      expect(thrown(() => make('los').setup({ metric: 'loss', mode: 'min', seed: 1 }), ConfigError).message).toBe(
        `${name}({ metric }): must be one of the experiment's objectives (loss), got "los" (did you mean loss?)`,
      )
      expect(thrown(() => make('Acc').checkObjectives?.(SETUP.objectives ?? []), ConfigError).message).toBe(
        `${name}({ metric }): must be one of the experiment's objectives (loss, acc), got "Acc" (did you mean acc?)`,
      )
    })
  }

  it('FIFOScheduler runs every trial to its end whatever the objectives', () => {
    expect(() => new FIFOScheduler().setup(SETUP)).not.toThrow()
  })

  it('ASHA ranks by the picked objective in its own mode', () => {
    const asha = new ASHAScheduler({ maxT: 16, gracePeriod: 1, reductionFactor: 2, metric: 'acc' })
    asha.setup(SETUP)
    const [a, b] = addTrials(asha, 2) as [FakeTrial, FakeTrial]
    // Trial b has the lower loss but the lower accuracy: by acc (max) it is the one below the cut-off.
    expect(asha.onTrialResult(a, report(a, 1, { loss: 5, acc: 0.9 }))).toBe('continue')
    expect(asha.onTrialResult(b, report(b, 1, { loss: 1, acc: 0.1 }))).toBe('stop')
  })
})
