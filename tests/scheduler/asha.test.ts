import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { ASHAScheduler, rungMilestones } from '../../src/scheduler/asha.ts'
import { nanPercentile } from '../../src/scheduler/common.ts'
import { addTrials, type FakeTrial, ready, report } from './trials.ts'

/** Every expected cut-off below was computed with numpy.nanpercentile(values, (1 - 1/rf) * 100), as Ray Tune does. */
describe('ASHAScheduler rungs and cut-offs', () => {
  it('puts rungs at grace * rf^k up to maxT, per bracket', () => {
    expect(rungMilestones(1, 16, 4, 0)).toEqual([1, 4, 16])
    expect(rungMilestones(1, 100, 4, 0)).toEqual([1, 4, 16, 64])
    expect(rungMilestones(1, 16, 4, 1)).toEqual([4, 16])
    expect(rungMilestones(1, 16, 4, 3)).toEqual([])
    expect(rungMilestones(2, 81, 3, 0)).toEqual([2, 6, 18, 54])
    // Ray's int(log(1000)/log(10) + 1) gives 3 rungs through float error; the top rung 1000 is kept here.
    expect(rungMilestones(1, 1000, 10, 0)).toEqual([1, 10, 100, 1000])
  })

  it('computes the cut-off as numpy.nanpercentile with linear interpolation', () => {
    const asha = new ASHAScheduler({ reductionFactor: 4 })
    expect(asha.cutoff([])).toBeUndefined()
    expect(asha.cutoff([1])).toBe(1)
    expect(asha.cutoff([1, 2])).toBe(1.75)
    expect(asha.cutoff([1, 2, 3])).toBe(2.5)
    expect(asha.cutoff([1, 2, 3, 1.5])).toBe(2.25)
    expect(asha.cutoff([1, 2, 3, 4, 5, 6, 7, 8])).toBe(6.25)
    expect(asha.cutoff([0.9, 0.8, 0.7, 0.95, 0.85, 0.6, 0.99, 0.5])).toBeCloseTo(0.9125, 12)
    expect(asha.cutoff([1, Number.NaN, 3])).toBe(2.5)
    expect(new ASHAScheduler({ reductionFactor: 2 }).cutoff([2, 4, 1])).toBe(2)
    expect(nanPercentile([Number.NaN], 50)).toBeUndefined()
    expect(nanPercentile([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], 75)).toBe(Number.POSITIVE_INFINITY)
  })

  it('keeps only the top 1/rf at the first rung (max mode, rf=4, grace=1, maxT=16)', () => {
    const asha = ready(new ASHAScheduler({ maxT: 16, gracePeriod: 1, reductionFactor: 4 }), 'max', 1, 'acc')
    const trials = addTrials(asha, 6)
    const at1 = (t: FakeTrial, acc: number) => asha.onTrialResult(t, report(t, 1, { acc }))
    const [t0, t1, t2, t3, t4, t5] = trials as [FakeTrial, FakeTrial, FakeTrial, FakeTrial, FakeTrial, FakeTrial]
    expect(at1(t0, 1)).toBe('continue') // nothing recorded yet
    expect(at1(t1, 2)).toBe('continue') // cut-off 1
    expect(at1(t2, 3)).toBe('continue') // cut-off 1.75
    expect(at1(t3, 1.5)).toBe('stop') // cut-off 2.5
    expect(at1(t4, 2.5)).toBe('continue') // cut-off 2.25 (the stopped 1.5 counts)
    expect(at1(t5, 2.2)).toBe('stop') // cut-off 2.5
    // Between rungs nothing is judged, however bad.
    for (const it of [2, 3]) expect(asha.onTrialResult(t0, report(t0, it, { acc: -100 }))).toBe('continue')
  })

  it('flips the ranking in min mode: the cut-off is the 1/rf percentile of the losses', () => {
    const asha = ready(new ASHAScheduler({ maxT: 16, reductionFactor: 4 }), 'min')
    const [a, b, c, d, e] = addTrials(asha, 5) as [FakeTrial, FakeTrial, FakeTrial, FakeTrial, FakeTrial]
    for (const [t, loss] of [
      [a, 1],
      [b, 2],
      [c, 3],
    ] as const)
      asha.onTrialResult(t, report(t, 1, { loss }))
    // Scores are -loss: cut-off nanpercentile([-1, -2, -3], 75) = -1.5, so a loss above 1.5 stops; a tie continues.
    expect(asha.onTrialResult(e, report(e, 1, { loss: 1.5 }))).toBe('continue')
    // Now nanpercentile([-1, -2, -3, -1.5], 75) = -1.375.
    expect(asha.onTrialResult(d, report(d, 1, { loss: 1.4 }))).toBe('stop')
  })

  it('judges each rung separately, and stops every trial at maxT', () => {
    const asha = ready(new ASHAScheduler({ maxT: 16, reductionFactor: 4 }), 'max', 1, 'acc')
    const trials = addTrials(asha, 3)
    const [a, b, c] = trials as [FakeTrial, FakeTrial, FakeTrial]
    for (const t of trials) asha.onTrialResult(t, report(t, 1, { acc: 1 }))
    // Rung 4: a=0.9 (first, continue), b=0.5 (cut-off 0.9: stop), c=0.95 (cut-off 0.8: continue).
    expect(asha.onTrialResult(a, report(a, 4, { acc: 0.9 }))).toBe('continue')
    expect(asha.onTrialResult(b, report(b, 4, { acc: 0.5 }))).toBe('stop')
    expect(asha.onTrialResult(c, report(c, 4, { acc: 0.95 }))).toBe('continue')
    // A trial is recorded once per rung: a later result at the same rung is not judged again.
    expect(asha.onTrialResult(a, report(a, 5, { acc: 0 }))).toBe('continue')
    expect(asha.onTrialResult(c, report(c, 16, { acc: 0.99 }))).toBe('stop')
  })

  it('reproduces the example of Ray Tune’s _Bracket docstring (grace 1, maxT 10, rf 2)', () => {
    const asha = new ASHAScheduler({ maxT: 10, gracePeriod: 1, reductionFactor: 2 })
    ready(asha, 'max', 1, 'r')
    const [t1, t2, t3] = addTrials(asha, 3) as [FakeTrial, FakeTrial, FakeTrial]
    expect(asha.onTrialResult(t1, report(t1, 1, { r: 2 }))).toBe('continue')
    expect(asha.onTrialResult(t2, report(t2, 1, { r: 4 }))).toBe('continue')
    expect(asha.cutoff([2, 4])).toBe(3)
    expect(asha.onTrialResult(t3, report(t3, 1, { r: 1 }))).toBe('stop')
    expect(asha.cutoff([2, 4, 1])).toBe(2)
  })

  it('records a trial that ends on its own, so later trials are compared with it', () => {
    const asha = ready(new ASHAScheduler({ maxT: 16, reductionFactor: 4 }), 'max', 1, 'acc')
    const [a, b] = addTrials(asha, 2) as [FakeTrial, FakeTrial]
    // a ends at iteration 1 with its only result given at the end.
    asha.onTrialComplete(a, report(a, 1, { acc: 0.9 }))
    expect(asha.onTrialResult(b, report(b, 1, { acc: 0.5 }))).toBe('stop')
    // After its end, a is unknown: no decision.
    expect(asha.onTrialResult(a, report(a, 4, { acc: 0 }))).toBe('continue')
  })

  it('ignores results without a numeric time or metric, recording nothing', () => {
    const asha = ready(new ASHAScheduler({ maxT: 16, reductionFactor: 4 }), 'max', 1, 'acc')
    const [a, b] = addTrials(asha, 2) as [FakeTrial, FakeTrial]
    expect(asha.onTrialResult(a, report(a, 1, { acc: 'high' }))).toBe('continue')
    expect(asha.onTrialResult(b, report(b, 1, { acc: 0.1 }))).toBe('continue') // nothing was recorded for a
    const custom = ready(new ASHAScheduler({ timeAttr: 'epoch', maxT: 16 }), 'max', 1, 'acc')
    const [c] = addTrials(custom, 1) as [FakeTrial]
    expect(custom.onTrialResult(c, report(c, 99, { acc: 1 }))).toBe('continue') // no `epoch`: not at maxT
    expect(custom.onTrialResult(c, report(c, 1, { acc: 1, epoch: 16 }))).toBe('stop')
  })

  it('spreads trials over brackets from the seed, whatever the order they arrive in', () => {
    // maxT 64, rf 4, 3 brackets: rungs [1,4,16,64], [4,16,64], [16,64]; weights e^0, e^-1, e^-2.
    // At time 1 only bracket 0 has a rung: there each newcomer, worse than all before it, stops but the first.
    const continued = (order: number[]) => {
      const asha = ready(new ASHAScheduler({ maxT: 64, reductionFactor: 4, brackets: 3 }), 'max', 5, 'acc')
      const trials = addTrials(asha, 40)
      return order.filter((id, position) => {
        const t = trials[id] as FakeTrial
        return asha.onTrialResult(t, report(t, 1, { acc: -position })) === 'continue'
      }).length
    }
    const forward = Array.from({ length: 40 }, (_, i) => i)
    const count = continued(forward)
    expect(continued([...forward].reverse())).toBe(count)
    // About a third of 40 trials land outside bracket 0 (1 - 1 / (1 + e^-1 + e^-2) = 0.34).
    expect(count).toBeGreaterThan(5)
    expect(count).toBeLessThan(30)
  })

  it('rejects bad options with the field, the rule and the value', () => {
    expect(() => new ASHAScheduler({ reductionFactor: 1 })).toThrow(
      'ASHAScheduler({ reductionFactor }): must be a finite number > 1, got 1',
    )
    expect(() => new ASHAScheduler({ maxT: 0 })).toThrow(ConfigError)
    expect(() => new ASHAScheduler({ maxT: 10, gracePeriod: 20 })).toThrow(
      'ASHAScheduler({ gracePeriod }): must be a number in (0, maxT=10], got 20',
    )
    expect(() => new ASHAScheduler({ brackets: 1.5 })).toThrow('ASHAScheduler({ brackets }): must be an integer >= 1, got 1.5')
    expect(() => new ASHAScheduler({ timeAttr: '' })).toThrow(ConfigError)
    const notANumber = () => new ASHAScheduler({ reductionFactor: Number.NaN })
    expect(notANumber).toThrow(ConfigError)
    expect(notANumber).toThrow(expect.objectContaining({ field: 'reductionFactor' }))
  })
})
