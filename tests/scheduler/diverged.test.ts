import { describe, expect, it } from 'vitest'
import { ASHAScheduler } from '../../src/scheduler/asha.ts'
import { scoreIn } from '../../src/scheduler/common.ts'
import { HyperBandScheduler } from '../../src/scheduler/hyperband.ts'
import { MedianStoppingRule } from '../../src/scheduler/median.ts'
import { PopulationBasedTraining } from '../../src/scheduler/pbt.ts'
import { uniform } from '../../src/search/space.ts'
import { addTrials, type FakeTrial, ready, report } from './trials.ts'

/** A trial whose metric became NaN ranks below every trial with a number, in every scheduler that ranks. */
describe('a NaN metric (a diverged trial) ranks worst', () => {
  it('scores -Infinity in either mode', () => {
    const nan = { loss: Number.NaN, training_iteration: 1, trial_id: 0, time_total_s: 0 }
    expect(scoreIn(nan, 'loss', -1)).toBe(Number.NEGATIVE_INFINITY)
    expect(scoreIn(nan, 'loss', 1)).toBe(Number.NEGATIVE_INFINITY)
    expect(scoreIn({ ...nan, loss: 2 }, 'loss', -1)).toBe(-2)
    expect(scoreIn({ ...nan, loss: 'x' }, 'loss', -1)).toBeUndefined()
  })

  it('ASHA: stops the NaN trial at its rung, and counts it below the others there', () => {
    const asha = ready(new ASHAScheduler({ maxT: 9, gracePeriod: 1, reductionFactor: 2 }))
    const [good, diverged, worse] = addTrials(asha, 3) as [FakeTrial, FakeTrial, FakeTrial]
    expect(asha.onTrialResult(good, report(good, 1, { loss: 1 }))).toBe('continue')
    expect(asha.onTrialResult(diverged, report(diverged, 1, { loss: Number.NaN }))).toBe('stop')
    // The rung holds [1, NaN]: a loss of 5 beats the diverged trial, so it is in the top half and continues.
    expect(asha.onTrialResult(worse, report(worse, 1, { loss: 5 }))).toBe('continue')
    // Told through onTrialComplete (as the Tuner ends a diverged trial), it counts the same way.
    const asha2 = ready(new ASHAScheduler({ maxT: 9, gracePeriod: 1, reductionFactor: 2 }))
    const [a, b, c] = addTrials(asha2, 3) as [FakeTrial, FakeTrial, FakeTrial]
    asha2.onTrialResult(a, report(a, 1, { loss: 1 }))
    asha2.onTrialComplete(b, report(b, 1, { loss: Number.NaN }))
    expect(asha2.onTrialResult(c, report(c, 1, { loss: 5 }))).toBe('continue')
  })

  it('median rule: stops the NaN trial, and its running average pulls the median down', () => {
    const rule = ready(new MedianStoppingRule({ gracePeriod: 1, minSamplesRequired: 3 }))
    const trials = addTrials(rule, 5) as FakeTrial[]
    for (const [i, loss] of [1, 2, 3].entries()) rule.onTrialResult(trials[i] as FakeTrial, report(trials[i] as FakeTrial, 1, { loss }))
    const diverged = trials[3] as FakeTrial
    expect(rule.onTrialResult(diverged, report(diverged, 1, { loss: Number.NaN }))).toBe('stop')
    // Others' averages now 1, 2, 3 and the diverged one's worst: median between 3 and 2 in score terms, so a loss of 2.5 continues.
    const fifth = trials[4] as FakeTrial
    expect(rule.onTrialResult(fifth, report(fifth, 1, { loss: 2.5 }))).toBe('continue')
  })

  it('HyperBand: halves the NaN trial out first', () => {
    const hb = ready(new HyperBandScheduler({ maxT: 3, reductionFactor: 3 }))
    // maxT 3, eta 3: bracket 0 runs 2 trials straight to 3; bracket 1 runs 3 trials to milestone 1 and keeps 1.
    const trials = addTrials(hb, 5) as FakeTrial[]
    for (const t of trials.slice(0, 2)) hb.onTrialComplete(t, undefined)
    const [x, y, z] = trials.slice(2) as [FakeTrial, FakeTrial, FakeTrial]
    expect(hb.onTrialResult(x, report(x, 1, { loss: Number.NaN }))).toBe('pause')
    x.state = 'paused'
    expect(hb.onTrialResult(y, report(y, 1, { loss: 9 }))).toBe('pause')
    y.state = 'paused'
    // The last arrival triggers the halving: 9 beats NaN, and so does 5, which carries on.
    expect(hb.onTrialResult(z, report(z, 1, { loss: 5 }))).toBe('continue')
    expect(hb.choose?.({ pending: [], paused: [x, y], canCreate: false })).toBeUndefined()
  })

  it('PBT: puts the NaN trial in the bottom quantile, to copy a top trial', () => {
    const pbt = new PopulationBasedTraining({ perturbationInterval: 1, hyperparamMutations: { lr: uniform(0, 1) }, resampleProbability: 0 })
    ready(pbt, 'min', 7, 'loss')
    const [t0, t1, t2, t3] = addTrials(pbt, 4, (id) => ({ lr: (id + 1) / 10 })) as [FakeTrial, FakeTrial, FakeTrial, FakeTrial]
    expect(pbt.onTrialResult(t0, report(t0, 1, { loss: 3 }))).toBe('continue')
    expect(pbt.onTrialResult(t1, report(t1, 1, { loss: 1 }))).toBe('continue')
    expect(pbt.onTrialResult(t2, report(t2, 1, { loss: 2 }))).toBe('continue') // the bottom of [0, 2, 1] is 0
    expect(pbt.onTrialResult(t3, report(t3, 1, { loss: Number.NaN }))).toBe('pause')
    expect(pbt.beforeResume?.(t3)?.restoreFrom).toBe(1)
  })
})
