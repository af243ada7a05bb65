import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.ts'
import { type MedianStoppingOptions, MedianStoppingRule } from '../../src/scheduler/median.ts'
import type { Mode } from '../../src/types.ts'
import { addTrials, type FakeTrial, ready, report } from './trials.ts'

/** A rule with trials a, b, c, d added; `series` reports a trial's losses at times 1, 2, ... */
function setupRule(options: MedianStoppingOptions = {}, mode: Mode = 'min') {
  const rule = ready(new MedianStoppingRule({ gracePeriod: 2, minSamplesRequired: 2, ...options }), mode)
  const [a, b, c, d] = addTrials(rule, 4) as [FakeTrial, FakeTrial, FakeTrial, FakeTrial]
  const series = (t: FakeTrial, losses: number[]) => losses.map((loss, i) => rule.onTrialResult(t, report(t, i + 1, { loss })))
  return { rule, a, b, c, d, series }
}

describe('MedianStoppingRule', () => {
  it('stops a trial whose best is worse than the median of the others’ running averages', () => {
    const { a, b, c, series } = setupRule()
    series(a, [1, 1, 1, 1])
    series(b, [2, 2, 2, 2])
    // At t=2 the others' averages over [2, 2] are 1 and 2: median 1.5.
    expect(series(c, [100, 100])).toEqual(['continue', 'stop'])
  })

  it('forgets a retried trial’s failed attempt: its points start again from the first report', () => {
    const { a, b, c, series } = setupRule()
    series(a, [1, 1, 1])
    series(b, [100, 100, 100]) // failed after three reports...
    series(b, [0.1, 0.1]) // ...and retried: its running average at t=2 is now 0.1
    // At t=2 the others' averages are 1 (a) and 0.1 (b): median 0.55, and c's best 0.6 is worse.
    expect(series(c, [0.6, 0.6])).toEqual(['continue', 'stop'])
  })

  it('keeps a trial resumed from a checkpoint its points before that, and judges it by the best of those kept', () => {
    const { a, b, c, rule, series } = setupRule()
    series(a, [1, 1, 1, 1])
    series(b, [2, 2, 2, 2])
    // The first attempt's 0.01 at t=2 keeps it going, though the median of the others is 1.5...
    expect(series(c, [5, 0.01, 5])).toEqual(['continue', 'continue', 'continue'])
    // ...until it resumes from its checkpoint of t=1: the 0.01 was never made, and its best left is 5.
    expect(rule.onTrialResult(c, report(c, 2, { loss: 5 }))).toBe('stop')
  })

  it('judges nobody during the grace period', () => {
    const { a, b, c, series } = setupRule({ gracePeriod: 3 })
    series(a, [1, 1, 1])
    series(b, [1, 1, 1])
    expect(series(c, [100, 100, 100])).toEqual(['continue', 'continue', 'stop'])
  })

  it('needs minSamplesRequired other trials that have reached the same time', () => {
    const { rule, a, b, c, series } = setupRule({ minSamplesRequired: 2 })
    series(a, [1, 1, 1, 1])
    series(b, [1]) // has not reached t=2: does not count there
    expect(series(c, [100, 100])).toEqual(['continue', 'continue'])
    for (const t of [2, 3, 4]) rule.onTrialResult(b, report(b, t, { loss: 1 }))
    // b went on to t=4: now it counts at t=3.
    expect(rule.onTrialResult(c, report(c, 3, { loss: 100 }))).toBe('stop')
  })

  it('compares the trial’s best result, from any time, and stops only when strictly worse', () => {
    const early = setupRule()
    early.series(early.a, [1, 1])
    early.series(early.b, [2, 2])
    expect(early.series(early.c, [0.5, 100])).toEqual(['continue', 'continue']) // best 0.5 <= median 1.5
    const tie = setupRule()
    tie.series(tie.a, [1, 1])
    tie.series(tie.b, [2, 2])
    expect(tie.series(tie.c, [9, 1.5])).toEqual(['continue', 'continue']) // best 1.5 = median: not worse
  })

  it('averages the others over [gracePeriod, t] only', () => {
    const { a, b, c, series } = setupRule()
    series(a, [1000, 1, 1]) // the t=1 spike is before the grace period: a's average at t=2 is 1, not 500.5
    series(b, [1000, 1, 1])
    expect(series(c, [5, 5])).toEqual(['continue', 'stop'])
    // At t=3 the averages are over t in [2, 3]: (3 + 1) / 2 = 2, not (10 + 3 + 1) / 3.
    const other = setupRule()
    other.series(other.a, [10, 3, 1])
    other.series(other.b, [10, 3, 1])
    expect(other.series(other.c, [9, 2.5, 2.5])).toEqual(['continue', 'continue', 'stop'])
  })

  it('keeps counting trials that have ended', () => {
    const { rule, a, b, c, series } = setupRule()
    series(a, [1, 1])
    series(b, [1, 1])
    rule.onTrialComplete(a, a.lastResult)
    rule.onTrialComplete(b, b.lastResult)
    expect(series(c, [3, 3])).toEqual(['continue', 'stop'])
  })

  it('works the other way round in max mode', () => {
    const { a, b, c, d, series } = setupRule({}, 'max')
    series(a, [1, 1])
    series(b, [2, 2])
    expect(series(c, [0.1, 1.4])).toEqual(['continue', 'stop']) // best 1.4 < median 1.5
    expect(series(d, [0.1, 1.6])).toEqual(['continue', 'continue'])
  })

  it('pauses instead of stopping with hardStop false, and then lets the trial run', () => {
    const { a, b, c, series } = setupRule({ hardStop: false })
    series(a, [1, 1, 1])
    series(b, [1, 1, 1])
    expect(series(c, [9, 9, 9])).toEqual(['continue', 'pause', 'continue'])
  })

  it('ignores missing metrics, and stops a NaN metric (a diverged trial ranks worst) once past the grace period', () => {
    const { rule, a, b, c, series } = setupRule()
    series(a, [1, 1])
    series(b, [1, 1])
    expect(series(c, [Number.NaN, Number.NaN])).toEqual(['continue', 'stop'])
    expect(rule.onTrialResult(c, report(c, 3, { accuracy: 0 }))).toBe('continue')
  })

  it('rejects bad options', () => {
    expect(() => new MedianStoppingRule({ minSamplesRequired: 0 })).toThrow(
      'MedianStoppingRule({ minSamplesRequired }): must be an integer >= 1, got 0',
    )
    expect(() => new MedianStoppingRule({ gracePeriod: -1 })).toThrow(ConfigError)
    expect(() => new MedianStoppingRule({ hardStop: 'no' as unknown as boolean })).toThrow(
      'MedianStoppingRule({ hardStop }): must be a boolean, got "no"',
    )
  })
})

describe('percentiles with diverged trials', () => {
  it('interpolate from the finite end, as numpy does, so an infinite neighbour cannot make a cut-off NaN', async () => {
    const { nanPercentile } = await import('../../src/scheduler/common.ts')
    expect(nanPercentile([0.5, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], 50)).toBe(Number.POSITIVE_INFINITY)
    expect(nanPercentile([1, 2, Number.POSITIVE_INFINITY], 50)).toBe(2)
    expect(nanPercentile([0.1, 0.5, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], 50)).not.toBeNaN()
    expect(nanPercentile([Number.NEGATIVE_INFINITY, 1], 25)).toBe(Number.NEGATIVE_INFINITY)
  })
})
