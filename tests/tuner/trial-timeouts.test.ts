import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError, type Decision, FIFOScheduler, GridSearch, grid, type RunCandidates, type RunChoice } from '../../src/index.ts'
import { LOAD_ALLOWANCE_S, TrialTimeouts } from '../../src/tuner/trial-timeouts.ts'
import type { ScriptedContext } from '../fixtures/fake-executor.ts'
import { runLoop } from '../fixtures/loop.ts'
import { fixtureTuner } from '../helpers.ts'

describe('TrialTimeouts (the clock of trialTimeoutS)', () => {
  /** Trial 0's module loads for all but the last ms of LOAD_ALLOWANCE_S, then its trainable runs out its 1 s limit. */
  function loadsThenRunsOut(timeouts: TrialTimeouts, kill: ReturnType<typeof vi.fn>): void {
    vi.advanceTimersByTime(LOAD_ALLOWANCE_S * 1000 - 1)
    timeouts.started(0)
    vi.advanceTimersByTime(999)
    expect(kill).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(kill).toHaveBeenCalledOnce()
  }

  afterEach(() => {
    vi.useRealTimers()
  })

  it('kills a run once its limit is up, and then reads its end as a timeout', () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(2)
    const kill = vi.fn()
    timeouts.start(0, kill)
    timeouts.started(0)
    vi.advanceTimersByTime(1999)
    expect(kill).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(kill).toHaveBeenCalledOnce()
    expect(timeouts.end(0)?.message).toMatch(/^exceeded 2 s \(trialTimeoutS\)/)
  })

  it('says nothing of a run that ended in time, and gives the next run the full limit', () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(1)
    const kill = vi.fn()
    timeouts.start(0, kill)
    timeouts.started(0)
    vi.advanceTimersByTime(900)
    expect(timeouts.end(0)).toBeUndefined()
    timeouts.start(0, kill) // the trial resumes: a new run
    timeouts.started(0)
    vi.advanceTimersByTime(900)
    expect(kill).not.toHaveBeenCalled()
    vi.advanceTimersByTime(100)
    expect(kill).toHaveBeenCalledOnce()
  })

  it('gives a thread start and module import LOAD_ALLOWANCE_S, then the full limit from when the trainable starts', () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(1)
    const kill = vi.fn()
    timeouts.start(0, kill)
    loadsThenRunsOut(timeouts, kill)
    // A module that never finishes loading is bounded too.
    timeouts.start(1, kill)
    vi.advanceTimersByTime(LOAD_ALLOWANCE_S * 1000)
    expect(kill).toHaveBeenCalledTimes(2)
  })

  it("starts a queued run's clock when a worker takes it: the wait for a free worker is not counted", () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(1)
    const kill = vi.fn()
    timeouts.start(0, kill, true)
    vi.advanceTimersByTime(10 * LOAD_ALLOWANCE_S * 1000)
    expect(kill).not.toHaveBeenCalled()
    timeouts.taken(0)
    vi.advanceTimersByTime(30_000)
    // Its worker was lost and the run went back to the queue: a second worker's pickup starts its clock again.
    timeouts.taken(0)
    loadsThenRunsOut(timeouts, kill)
    expect(timeouts.end(0)?.message).toMatch(/^exceeded 1 s/)
  })

  it('has nothing to stop for a report of a run no worker has taken yet', async () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(1)
    const kill = vi.fn()
    timeouts.start(0, kill, true)
    timeouts.hold(0, Promise.resolve())
    await vi.advanceTimersByTimeAsync(10 * LOAD_ALLOWANCE_S * 1000)
    expect(kill).not.toHaveBeenCalled()
  })

  it('stops the clock while a report waits for its turn', async () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(1)
    const kill = vi.fn()
    timeouts.start(0, kill)
    timeouts.started(0)
    vi.advanceTimersByTime(600)
    let answer!: (decision: Decision) => void
    timeouts.hold(
      0,
      new Promise<Decision>((resolve) => {
        answer = resolve
      }),
    )
    vi.advanceTimersByTime(5000)
    expect(kill).not.toHaveBeenCalled()
    answer('continue')
    await vi.advanceTimersByTimeAsync(399)
    expect(kill).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(kill).toHaveBeenCalledOnce()
  })

  it('does nothing without a limit', () => {
    vi.useFakeTimers()
    const timeouts = new TrialTimeouts(undefined)
    const kill = vi.fn()
    timeouts.start(0, kill)
    vi.advanceTimersByTime(1e9)
    expect(kill).not.toHaveBeenCalled()
    expect(timeouts.end(0)).toBeUndefined()
  })
})

/** Pauses every trial after each report: each run is one report long. */
class PauseEvery extends FIFOScheduler {
  override onTrialResult(): Decision {
    return 'pause'
  }
  choose({ pending, paused, canCreate }: RunCandidates): RunChoice {
    return pending[0] ?? (canCreate ? 'new' : paused[0])
  }
}

describe('trialTimeoutS in a Tuner', () => {
  it.each([1, 2])(
    'ends trials that never report (a busy loop, a promise that never settles) at concurrency %i; the next trial on the thread runs',
    async (concurrency) => {
      const results = await fixtureTuner({
        space: { behaviour: grid(['spin', 'hang', 'final']), x: 2 },
        search: new GridSearch(),
        numSamples: 1,
        concurrency,
        trialTimeoutS: 1,
      }).fit()
      expect(results.trials.map((t) => t.state)).toEqual(['errored', 'errored', 'completed'])
      for (const trial of results.errors) expect(trial.error?.message).toMatch(/^trial \d: WorkerError: exceeded 1 s \(trialTimeoutS\)/)
      expect(results.trials[2]?.lastResult?.loss).toBe(4)
    },
  )

  it('retries a trial that ran out of time under maxFailures', async () => {
    const results = await fixtureTuner({
      space: { behaviour: 'hang-once' },
      numSamples: 1,
      concurrency: 1,
      trialTimeoutS: 1,
      maxFailures: 1,
      data: { counter: new Int32Array(new SharedArrayBuffer(4)) },
    }).fit()
    expect(results.trials[0]?.state).toBe('completed')
    expect(results.trials[0]?.attempt).toBe(2)
  })

  it('counts per run: a trial paused after every report outlasts the limit in all, and completes', async () => {
    // Five runs of about 0.3 s each, 1.5 s or more in all, under a 1 s limit per run.
    const results = await fixtureTuner({
      space: { behaviour: 'slow-checkpointed', x: 300, epochs: 5 },
      numSamples: 1,
      concurrency: 1,
      scheduler: new PauseEvery(),
      trialTimeoutS: 1,
      storageDir: mkdtempSync(join(tmpdir(), 'hyperpool-timeout-')),
    }).fit()
    const trial = results.trials[0]
    expect(trial?.state).toBe('completed')
    expect(trial?.history).toHaveLength(5)
    expect(trial?.lastResult?.time_total_s).toBeGreaterThan(1)
  })

  it.each([[0], [-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['10'], [3e6]])('refuses trialTimeoutS: %s', (bad) => {
    expect(() => fixtureTuner({ space: { behaviour: 'final' }, trialTimeoutS: bad as number })).toThrow(ConfigError)
    expect(() => fixtureTuner({ space: { behaviour: 'final' }, trialTimeoutS: bad as number })).toThrow(
      /^Tuner\(\{ trialTimeoutS \}\): must be/,
    )
  })
})

describe('trialTimeoutS under the real loop (fake executor, one step a virtual second)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Trial 0 waits for ever on its first run (a promise that never settles); every other run reports 3 epochs. */
  const hangsFirst = (runs: number[]) => async (_config: unknown, ctx: ScriptedContext) => {
    runs.push(ctx.trialId)
    if (ctx.trialId === 0 && runs.filter((id) => id === 0).length === 1) await ctx.sleep(1000)
    for (let epoch = 1; epoch <= 3; epoch++) await ctx.report({ loss: 1 / epoch })
  }

  it('ends a run at its limit counted from the trainable’s start, retries it, and the run after gets the full limit', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] })
    const runs: number[] = []
    const run = await runLoop({
      trainable: hangsFirst(runs),
      numSamples: 2,
      slots: 1,
      trialTimeoutS: 5,
      maxFailures: 1,
      onAdvance: (steps) => vi.advanceTimersByTime(steps * 1000),
    })
    // Ended at 5 s, not at the 60 s a run gets before its trainable starts: the executor told the loop it started.
    expect(run.executor.events.filter((e) => / (start|end) /.test(e))).toEqual([
      '0 start 0',
      '5 end 0 errored',
      '5 start 0',
      '8 end 0 completed',
      '8 start 1',
      '11 end 1 completed',
    ])
    expect(run.trials.map((t) => [t.state, t.attempt])).toEqual([
      ['completed', 2],
      ['completed', 1],
    ])
    expect(run.logs.join('\n')).toMatch(
      /trial 0 failed \(attempt 1 of 2\), retrying.*WorkerError: exceeded 5 s \(trialTimeoutS\) in one run/,
    )
  })

  it('errors the trial for good once its retries are spent', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] })
    const run = await runLoop({
      trainable: async (_config: unknown, ctx: ScriptedContext) => ctx.sleep(1000),
      numSamples: 1,
      slots: 1,
      trialTimeoutS: 2,
      onAdvance: (steps) => vi.advanceTimersByTime(steps * 1000),
    })
    const [trial] = run.trials
    expect(trial?.state).toBe('errored')
    expect(trial?.error?.message).toBe('trial 0: WorkerError: exceeded 2 s (trialTimeoutS) in one run: its thread was ended and replaced')
    expect(run.executor.events).toContain('2 end 0 errored')
  })

  it("counts a run's limit from when a worker takes it off the executor's queue, not from its launch", async () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] })
    // Each run waits 100 s for a worker, longer than the limit and the 60 s a module's import gets.
    const run = await runLoop({
      trainable: async (_config: unknown, ctx: ScriptedContext) => {
        for (let epoch = 1; epoch <= 3; epoch++) await ctx.report({ loss: 1 / epoch })
      },
      numSamples: 2,
      slots: 2,
      trialTimeoutS: 5,
      queuedSteps: 100,
      onAdvance: (steps) => vi.advanceTimersByTime(steps * 1000),
    })
    expect(run.trials.map((t) => t.state)).toEqual(['completed', 'completed'])
    expect(run.executor.events.filter((e) => / end /.test(e))).toEqual(['103 end 0 completed', '103 end 1 completed'])
  })
})
