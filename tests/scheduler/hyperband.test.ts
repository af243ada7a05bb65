import { describe, expect, it } from 'vitest'
import { bandPlan, HyperBandScheduler } from '../../src/scheduler/hyperband.ts'
import type { Scheduler } from '../../src/scheduler/scheduler.ts'
import type { TrialInfo } from '../../src/types.ts'
import type { ScriptedContext } from '../fixtures/fake-executor.ts'
import { runLoop } from '../fixtures/loop.ts'
import { type FakeTrial, fakeTrial, ready, report } from './trials.ts'

/** Runs to `epochs`, from the epoch its checkpoint holds, reporting `loss(epoch, trial)`. */
function resumable(epochs: number, loss: (epoch: number, id: number) => number) {
  return async (_config: unknown, ctx: ScriptedContext) => {
    for (let epoch = (ctx.restore<number>() ?? 0) + 1; epoch <= epochs; epoch++) {
      ctx.checkpoint(epoch)
      await ctx.report({ loss: loss(epoch, ctx.trialId), epoch })
    }
  }
}

const plan = (maxT: number, eta: number) => bandPlan(maxT, eta).map((b) => [b.size, b.milestones])

/** Adds trials `from..to-1` in order. */
function add(scheduler: Scheduler, from: number, to: number): FakeTrial[] {
  const trials: FakeTrial[] = []
  for (let id = from; id < to; id++) {
    const trial = fakeTrial(id)
    scheduler.onTrialAdd(trial)
    trials.push(trial)
  }
  return trials
}

/** The trials `choose` resumes one after another, as if each were started at once, until it picks none or asks for a new one. */
function drain(scheduler: Scheduler, paused: FakeTrial[], canCreate: boolean): Array<number | 'new'> {
  const waiting = [...paused]
  const picks: Array<number | 'new'> = []
  for (;;) {
    const pick = scheduler.choose?.({ pending: [], paused: waiting, canCreate })
    if (pick === undefined) return picks
    if (pick === 'new') return [...picks, 'new']
    picks.push(pick.id)
    waiting.splice(
      waiting.findIndex((t: TrialInfo) => t.id === pick.id),
      1,
    )
  }
}

describe('HyperBandScheduler brackets', () => {
  it('sizes brackets and milestones as Ray Tune and the paper do (maxT 81, eta 3)', () => {
    expect(plan(81, 3)).toEqual([
      [5, [81]],
      [8, [27, 81]],
      [15, [9, 27, 81]],
      [34, [3, 9, 27, 81]],
      [81, [1, 3, 9, 27, 81]],
    ])
    // The last stage always reaches maxT, also when maxT is not a power of eta.
    expect(plan(100, 3)).toEqual([
      [5, [100]],
      [8, [33, 100]],
      [15, [11, 33, 100]],
      [34, [3, 11, 33, 100]],
      [81, [1, 3, 11, 33, 100]],
    ])
    expect(plan(9, 3)).toEqual([
      [3, [9]],
      [5, [3, 9]],
      [9, [1, 3, 9]],
    ])
    // A bracket whose first budget rounds to 0 is skipped.
    expect(plan(2, 3)).toEqual([[2, [2]]])
  })

  it('pauses at the milestone, then keeps the top 1/eta and stops the rest', () => {
    const hb = ready(new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }))
    for (const t of add(hb, 0, 3)) hb.onTrialComplete(t, undefined) // bracket 0: 3 trials straight to 9
    const trials = add(hb, 3, 8) // bracket 1: 5 trials, milestones 3 then 9, keeps ceil(5/3) = 2
    const losses = [0.5, 0.1, 0.9, 0.3, 0.7]
    for (const [i, t] of trials.entries()) {
      for (const it of [1, 2]) expect(hb.onTrialResult(t, report(t, it, { loss: 1 }))).toBe('continue')
      const decision = hb.onTrialResult(t, report(t, 3, { loss: losses[i] }))
      if (i < 4) {
        expect(decision).toBe('pause')
        t.state = 'paused'
      } else expect(decision).toBe('stop') // the last arrival triggers the halving, and lost
    }
    const paused = trials.slice(0, 4)
    // Trials 4 (0.1) and 6 (0.3) are promoted; 3 and 5 are never resumed.
    expect(drain(hb, paused, true)).toEqual([4, 6, 'new'])
    expect(drain(hb, paused, false)).toEqual([4, 6])
    const [, t4, , t6] = paused as [FakeTrial, FakeTrial, FakeTrial, FakeTrial]
    expect(hb.onTrialResult(t4, report(t4, 4, { loss: 0.1 }))).toBe('continue')
    expect(hb.onTrialResult(t4, report(t4, 9, { loss: 0.05 }))).toBe('stop') // full budget spent
    expect(hb.onTrialResult(t6, report(t6, 9, { loss: 0.2 }))).toBe('stop')
  })

  it('lets the trial that triggers the halving carry on when it wins (max mode)', () => {
    const hb = ready(new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }), 'max', 1, 'acc')
    for (const t of add(hb, 0, 3)) hb.onTrialComplete(t, undefined)
    const trials = add(hb, 3, 8)
    const accs = [0.5, 0.1, 0.9, 0.3, 0.95]
    const decisions = trials.map((t, i) => hb.onTrialResult(t, report(t, 3, { acc: accs[i] })))
    expect(decisions).toEqual(['pause', 'pause', 'pause', 'pause', 'continue'])
    expect(drain(hb, trials.slice(0, 4), false)).toEqual([5])
  })

  it('waits for the bracket to fill before halving, unless the searcher is exhausted', () => {
    const hb = ready(new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }))
    for (const t of add(hb, 0, 8)) hb.onTrialComplete(t, undefined) // brackets 0 and 1
    const trials = add(hb, 8, 12) // 4 of bracket 2's 9 trials; milestones 1, 3, 9
    for (const [i, t] of trials.entries()) {
      expect(hb.onTrialResult(t, report(t, 1, { loss: [0.4, 0.2, 0.8, 0.1][i] }))).toBe('pause')
      t.state = 'paused'
    }
    // Room left: ask for a new trial rather than halve 4 of 9.
    expect(drain(hb, trials, true)).toEqual(['new'])
    // No more trials: halve the 4 that joined (keep ceil(4/3) = 2, not ceil(9/3) of the plan), never deadlock.
    expect(drain(hb, trials, false)).toEqual([9, 11])
  })

  it('halves when a trial it waits for ends early', () => {
    const hb = ready(new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }))
    for (const t of add(hb, 0, 3)) hb.onTrialComplete(t, undefined)
    const trials = add(hb, 3, 8)
    for (const t of trials.slice(0, 4)) {
      expect(hb.onTrialResult(t, report(t, 3, { loss: t.id }))).toBe('pause')
      t.state = 'paused'
    }
    expect(drain(hb, trials.slice(0, 4), true)).toEqual(['new'])
    hb.onTrialComplete(trials[4] as FakeTrial, undefined) // errored at iteration 1
    expect(drain(hb, trials.slice(0, 4), true)).toEqual([3, 4, 'new'])
  })

  it('runs pending trials of a bracket before asking for new ones, and unknown ones last', () => {
    const hb = ready(new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }))
    const [a] = add(hb, 0, 1) as [FakeTrial]
    a.state = 'pending'
    const stranger = fakeTrial(50, {}, 'pending')
    expect(hb.choose?.({ pending: [stranger, a], paused: [], canCreate: true })).toBe(a)
    expect(hb.choose?.({ pending: [stranger], paused: [], canCreate: true })).toBe('new')
    expect(hb.choose?.({ pending: [stranger], paused: [], canCreate: false })).toBe(stranger)
  })

  it('spends the budget HyperBand prescribes (maxT 9, eta 3, 17 trials, 2 workers)', async () => {
    // Each trial's loss is fixed, so the ranking is known in advance.
    const loss = (id: number) => ((id * 7) % 17) / 17
    const run = await runLoop({
      trainable: resumable(100, (_epoch, id) => loss(id)),
      scheduler: new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }),
      numSamples: 17,
      slots: 2,
    })
    const reached = run.trials.map((t) => t.history.length)
    // Bracket 0 (trials 0-2): all to 9.
    expect(reached.slice(0, 3)).toEqual([9, 9, 9])
    // Bracket 1 (3-7): all to 3, the best 2 to 9.
    const byLoss = (ids: number[]) => [...ids].sort((x, y) => loss(x) - loss(y))
    const b1 = byLoss([3, 4, 5, 6, 7])
    for (const [rank, id] of b1.entries()) expect(reached[id]).toBe(rank < 2 ? 9 : 3)
    // Bracket 2 (8-16): all to 1, the best 3 to 3, the best to 9.
    const b2 = byLoss([8, 9, 10, 11, 12, 13, 14, 15, 16])
    for (const [rank, id] of b2.entries()) expect(reached[id]).toBe(rank < 1 ? 9 : rank < 3 ? 3 : 1)
    // 3*9 + (5*3 + 2*6) + (9*1 + 3*2 + 1*6): resumed trials carry on from their checkpoint.
    expect(reached.reduce((a, b) => a + b, 0)).toBe(27 + 27 + 21)
    for (const trial of run.trials) {
      expect(trial.history.map((r) => r.epoch)).toEqual(trial.history.map((r) => r.training_iteration))
      expect(trial.state).toBe(trial.history.length === 9 ? 'completed' : 'stopped')
    }
  })

  it('never deadlocks when the searcher runs dry mid-bracket: every bracket halves down to maxT', async () => {
    const plans = bandPlan(9, 3)
    for (const numSamples of [1, 4, 6, 10, 20]) {
      for (const slots of [1, 2, 5]) {
        // A run that stalls or livelocks rejects (see runLoop).
        const run = await runLoop({
          trainable: resumable(100, (epoch, id) => ((id * 5) % 7) + 1 / epoch),
          scheduler: new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }),
          numSamples,
          slots,
        })
        expect(run.fatal).toBeUndefined()
        expect(run.trials).toHaveLength(numSamples)
        // Brackets fill in turn (3, 5, then 9 trials). However few trials a bracket got, it halved them all the
        // way: each trial stopped at one of its milestones, and its best went on to maxT. The losers left paused
        // are the ones the loop stops at the end.
        for (let first = 0, b = 0; first < numSamples; b++) {
          const plan = plans[b % plans.length] as (typeof plans)[number]
          const members = run.trials.slice(first, first + plan.size)
          for (const t of members) expect(plan.milestones).toContain(t.history.length)
          expect(Math.max(...members.map((t) => t.history.length))).toBe(9)
          first += plan.size
        }
      }
    }
  })

  it('rejects bad options', () => {
    expect(() => new HyperBandScheduler({ reductionFactor: 1 })).toThrow(
      'HyperBandScheduler({ reductionFactor }): must be a finite number > 1, got 1',
    )
    expect(() => new HyperBandScheduler({ maxT: 0.5 })).toThrow('HyperBandScheduler({ maxT }): must be a finite number >= 1, got 0.5')
  })
})
