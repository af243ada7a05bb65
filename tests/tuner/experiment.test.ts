import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FIFOScheduler } from '../../src/scheduler/fifo.ts'
import type { ResumePlan, RunCandidates, RunChoice } from '../../src/scheduler/scheduler.ts'
import type { Decision, Result, TrialInfo } from '../../src/types.ts'
import type { ScriptedContext } from '../fixtures/fake-executor.ts'
import { runLoop } from '../fixtures/loop.ts'

/** One virtual step is one second of the loop's clock (performance.now) and of its timers. */
const SECOND = 1000

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
})
const onAdvance = (steps: number) => vi.advanceTimersByTime(steps * SECOND)

/** Reports `loss: 1 / epoch` for `epochs` epochs, from the epoch its checkpoint holds. */
function epochs(n: number) {
  return async (_config: unknown, ctx: ScriptedContext) => {
    for (let epoch = (ctx.restore<number>() ?? 0) + 1; epoch <= n; epoch++) {
      ctx.checkpoint(epoch)
      await ctx.report({ loss: 1 / epoch, epoch })
    }
  }
}

/** Stops every trial at report `at`. */
class StopAt extends FIFOScheduler {
  constructor(readonly at: number) {
    super()
  }
  override onTrialResult(_trial: TrialInfo, result: Result): Decision {
    return result.training_iteration >= this.at ? 'stop' : 'continue'
  }
}

/** Pauses each trial (or only trial `only`) once at report `at`; resumes paused trials only when no new trial can be made. */
class PauseOnce extends FIFOScheduler {
  readonly paused = new Set<number>()
  constructor(
    readonly at: number,
    readonly only?: number,
  ) {
    super()
  }
  override onTrialResult(trial: TrialInfo, result: Result): Decision {
    if (result.training_iteration !== this.at || this.paused.has(trial.id)) return 'continue'
    if (this.only !== undefined && trial.id !== this.only) return 'continue'
    this.paused.add(trial.id)
    return 'pause'
  }
  choose({ paused, canCreate }: RunCandidates): RunChoice {
    return canCreate ? 'new' : paused[0]
  }
}

describe('the experiment loop on a virtual clock', () => {
  it('carries time_total_s on across a pause, leaving out the time the trial waited', async () => {
    // Trial 0 pauses at its report 2 (step 2); trial 1 then runs 4 steps on the one slot; trial 0 resumes at step 6.
    const run = await runLoop({ trainable: epochs(4), scheduler: new PauseOnce(2, 0), numSamples: 2, slots: 1, onAdvance })
    expect(run.executor.events.filter((e) => / (start|end) /.test(e))).toEqual([
      '0 start 0',
      '2 end 0 paused',
      '2 start 1',
      '6 end 1 completed',
      '6 start 0',
      '8 end 0 completed',
    ])
    const [first, second] = run.trials
    // Not [1, 2, 1, 2] (the clock restarted) nor [1, 2, 7, 8] (the wait counted).
    expect(first?.history.map((r) => r.time_total_s)).toEqual([1, 2, 3, 4])
    expect(first?.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4])
    expect(second?.history.map((r) => r.time_total_s)).toEqual([1, 2, 3, 4])
  })

  it('ends the experiment when the time budget runs out: running trials stopped, no new trial', async () => {
    const run = await runLoop({ trainable: epochs(10), numSamples: 6, slots: 2, stop: { timeBudgetS: 5 }, onAdvance })
    expect(run.summary.interrupted).toBe(true)
    // The budget ran out at step 5, before the reports of that step were sent.
    expect(run.trials.map((t) => [t.state, t.history.length])).toEqual([
      ['stopped', 4],
      ['stopped', 4],
    ])
    expect(run.logs).toContain('info: stopping 2 running trials at their next reports: the time budget of 5 s ran out')
  })

  it('keeps a report that was on its way when the budget ran out, answering it with the stop', async () => {
    // Reports are sent at steps 1 and 3 and arrive a step later; the budget runs out at step 4, as the second arrives.
    const run = await runLoop({ trainable: epochs(10), numSamples: 2, slots: 1, stop: { timeBudgetS: 4 }, transitSteps: 1, onAdvance })
    expect(run.trials.map((t) => [t.state, t.history.map((r) => r.epoch)])).toEqual([['stopped', [1, 2]]])
    expect(run.tape).toEqual(['add 0', '0@1 continue', 'complete 0 stopped'])
  })

  it('ends a trial that ignores its stop once the grace period is over, as stopped, and goes on', async () => {
    const stubborn = async (_config: unknown, ctx: ScriptedContext) => {
      try {
        for (;;) await ctx.report({ loss: 1 })
      } catch {}
      for (;;) await ctx.sleep(1)
    }
    const run = await runLoop({
      trainable: stubborn,
      scheduler: new StopAt(2),
      numSamples: 2,
      slots: 1,
      stopGraceMs: 3 * SECOND,
      onAdvance,
    })
    expect(run.trials.map((t) => [t.state, t.history.length])).toEqual([
      ['stopped', 2],
      ['stopped', 2],
    ])
    // Told to stop at step 2, ended 3 s later; the next trial started on the freed slot.
    expect(run.executor.events).toEqual(expect.arrayContaining(['5 end 0 errored', '5 start 1', '10 end 1 errored']))
  })

  it('lets a stopped trial that cleans up for 2 s end on its own when the grace period is longer', async () => {
    const tidy = async (_config: unknown, ctx: ScriptedContext) => {
      try {
        for (;;) await ctx.report({ loss: 1 })
      } catch {
        await ctx.sleep(2)
      }
    }
    const run = (graceS: number) =>
      runLoop({ trainable: tidy, scheduler: new StopAt(2), numSamples: 1, slots: 1, stopGraceMs: graceS * SECOND, onAdvance })
    const within = await run(3)
    expect(within.trials[0]?.state).toBe('stopped')
    expect(within.executor.events).toContain('4 end 0 stopped')
    const beyond = await run(1)
    expect(beyond.trials[0]?.state).toBe('stopped')
    expect(beyond.executor.events).toContain('3 end 0 errored')
  })

  // A checkpoint is saved before the report it goes with; the journal's checkpoints carry the count they stand
  // for, so a clone that restores a donor between the two takes the count of the state it gets.
  it('gives a clone the count of the checkpoint it restores, not only of its donor’s last report', async () => {
    class CloneFirst extends PauseOnce {
      beforeResume(trial: TrialInfo): ResumePlan | undefined {
        return trial.id === 1 ? { restoreFrom: 0 } : undefined
      }
      override choose({ paused }: RunCandidates): RunChoice {
        return paused[0] ?? 'new'
      }
    }
    // At step 2 trial 0 reports, then checkpoints epoch 3 and works on; trial 1 pauses and at once resumes from trial 0.
    const run = await runLoop({ trainable: epochs(6), scheduler: new CloneFirst(2), numSamples: 2, slots: 2, onAdvance })
    const clone = run.trials[1]
    expect(clone?.history.map((r) => r.training_iteration)).toEqual(clone?.history.map((r) => r.epoch))
  })
})
