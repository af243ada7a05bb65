import { Piscina } from 'piscina'
import { describe, expect, it } from 'vitest'
import { type Decision, GridSearch, grid, type Metrics, Tuner } from '../../src/index.ts'
import { LocalPool } from '../../src/workers/pool.ts'
import type { TaskResult, TrialTask, WorkerSetup } from '../../src/workers/protocol.ts'
import { BEHAVIOURS, memoryLogger } from '../helpers.ts'

describe('shared data on the worker pool', () => {
  it('lets a write in one worker be seen by another worker and by the driver', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(8))
    const values = new Float64Array(1000).fill(0.5)
    const results = await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'shared', role: grid(['reader', 'writer']) },
      search: new GridSearch(),
      metric: 'seen',
      mode: 'max',
      numSamples: 1,
      concurrency: 2,
      data: { flag, values },
      storageDir: false,
      trackers: [],
      logger: memoryLogger(),
      seed: 1,
    }).fit()
    const [reader, writer] = results.trials
    expect(reader?.config.role).toBe('reader')
    expect(writer?.config.role).toBe('writer')
    // The reader blocked until the writer, on another thread, stored 42 in the same memory.
    expect(reader?.lastResult?.seen).toBe(42)
    expect(reader?.lastResult?.writer).toBe(writer?.lastResult?.thread)
    expect(reader?.lastResult?.thread).not.toBe(writer?.lastResult?.thread)
    // Both read the same 1,000 shared values, and the driver's own array holds the write.
    expect(reader?.lastResult?.sum).toBe(500)
    expect(writer?.lastResult?.sum).toBe(500)
    expect(Atomics.load(flag, 0)).toBe(42)
  })
})

describe('one-way reports on the local pool', () => {
  /** Reports as the listener heard them: metrics, and whether they came one way (with the time they were made). */
  function listening(answer: (metrics: Metrics) => Decision = () => 'continue') {
    const heard: Array<{ loss: unknown; oneWay: boolean }> = []
    const listener = {
      report: (metrics: Metrics, madeAt?: number) => {
        heard.push({ loss: metrics.loss, oneWay: madeAt !== undefined })
        return answer(metrics)
      },
      checkpoint() {},
    }
    return { heard, listener }
  }

  it('hands every report to the driver, in order, before the end; one whose watched metric is NaN waits for its answer', async () => {
    const pool = new LocalPool({ trainable: BEHAVIOURS.href, concurrency: 1, data: undefined })
    try {
      const curve = listening()
      const done = await pool.start({ trialId: 0, config: { behaviour: 'curve', epochs: 4 }, seed: 1, oneWay: ['loss'] }, curve.listener)
        .done
      expect(done).toEqual({ kind: 'completed', final: undefined })
      expect(curve.heard.map((r) => r.oneWay)).toEqual([true, true, true, true])
      expect(curve.heard.map((r) => r.loss)).toEqual([1, 1 / 2, 1 / 3, 1 / 4])
      // Diverges at report 2: that report waits, and the driver's stop ends the trial there.
      const nan = listening((metrics) => (Number.isNaN(metrics.loss) ? 'stop' : 'continue'))
      const stopped = await pool.start(
        { trialId: 1, config: { behaviour: 'nan-at', x: 2, epochs: 4 }, seed: 1, oneWay: ['loss'] },
        nan.listener,
      ).done
      expect(stopped).toEqual({ kind: 'stopped' })
      expect(nan.heard).toEqual([
        { loss: 1, oneWay: true },
        { loss: Number.NaN, oneWay: false },
      ])
    } finally {
      await pool.close()
    }
  })

  it('lands a stop told while the trainable never yields at its next report, and aborts ctx.signal', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(8))
    const pool = new LocalPool({ trainable: BEHAVIOURS.href, concurrency: 1, data: { flag } })
    try {
      const { heard, listener } = listening()
      const handle = pool.start({ trialId: 0, config: { behaviour: 'blocked-between-reports' }, seed: 1, oneWay: ['loss'] }, listener)
      while (Atomics.load(flag, 0) !== 1) await new Promise((resolve) => setTimeout(resolve, 5))
      // The thread is blocked after its first report: the stop waits on its link, where no event-loop turn will read it.
      handle.stop()
      Atomics.store(flag, 0, 2)
      Atomics.notify(flag, 0)
      expect(await handle.done).toEqual({ kind: 'stopped' })
      expect(Atomics.load(flag, 1)).toBe(1)
      expect(heard).toEqual([{ loss: 1, oneWay: true }])
    } finally {
      await pool.close()
    }
  })
})

describe("a thread's task result", () => {
  it('carries the one-way report of a trial that reports and returns, so nothing of the run goes on the link', async () => {
    // piscina on the shipped entry, as LocalPool starts it, so the raw TaskResult is in view.
    const setup: WorkerSetup = {
      entry: new URL('../../src/workers/worker.ts', import.meta.url).href,
      trainable: BEHAVIOURS.href,
      data: undefined,
    }
    const piscina = new Piscina({
      filename: new URL('../../src/workers/bootstrap.cjs', import.meta.url).href,
      minThreads: 1,
      maxThreads: 1,
      workerData: setup,
    })
    try {
      const task: TrialTask = {
        trialId: 0,
        config: { behaviour: 'curve', epochs: 1 },
        seed: 1,
        restore: undefined,
        run: 0,
        announce: false,
        oneWay: ['loss'],
      }
      // The first run on a thread waits for the module's import, which can outlast the outbox's hold window (1 ms),
      // as a preempted run can: each run sends its report once, and one of the next 50 at least in its result.
      await piscina.run(task)
      let carried: TaskResult | undefined
      for (let run = 1; run <= 50 && carried === undefined; run++) {
        const result = (await piscina.run({ ...task, trialId: run, run })) as TaskResult
        expect(result.outcome).toEqual({ kind: 'completed', final: undefined })
        expect(result.messages + (result.reports?.length ?? 0)).toBe(1)
        if (result.messages === 0) carried = result
      }
      // A warm thread's run starts at once, so its report does not say when the trainable was called.
      expect(carried?.reports).toEqual([{ metrics: { loss: 1, draw: expect.any(Number) }, at: expect.any(Number) }])
      expect(carried?.began).toBeUndefined()
    } finally {
      await piscina.destroy()
    }
  })

  it('keeps a checkpoint the trainable left on a tick after the report it followed', async () => {
    const pool = new LocalPool({ trainable: BEHAVIOURS.href, concurrency: 1, data: undefined })
    try {
      const heard: string[] = []
      const listener = {
        report: () => {
          heard.push('report')
          return 'continue' as const
        },
        checkpoint: () => {
          heard.push('checkpoint')
        },
      }
      // Several runs on one warm thread: each report is held (made at once), and the checkpoint comes on the last tick.
      for (let trialId = 0; trialId < 5; trialId++) {
        const done = await pool.start({ trialId, config: { behaviour: 'checkpoint-on-tick' }, seed: 1, oneWay: ['loss'] }, listener).done
        expect(done).toEqual({ kind: 'completed', final: undefined })
      }
      expect(heard).toEqual(Array.from({ length: 5 }, () => ['report', 'checkpoint']).flat())
    } finally {
      await pool.close()
    }
  })
})

describe('the local pool', () => {
  it('ends a trial that ignores its stop when killed, replacing its thread for the next trial', async () => {
    const pool = new LocalPool({ trainable: BEHAVIOURS.href, concurrency: 1, data: undefined })
    try {
      let reported: () => void = () => {}
      const firstReport = new Promise<void>((resolve) => {
        reported = resolve
      })
      const stubborn = pool.start(
        { trialId: 0, config: { behaviour: 'swallow' }, seed: 1 },
        {
          report: () => {
            reported()
            return 'stop'
          },
          checkpoint() {},
        },
      )
      // The trial catches the stop its first report gets, then blocks its thread for good.
      await firstReport
      stubborn.kill()
      expect(await stubborn.done).toEqual({ kind: 'errored', error: expect.objectContaining({ message: 'the trial was killed' }) })
      const next = pool.start({ trialId: 1, config: { behaviour: 'final', x: 2 }, seed: 2 }, { report: () => 'continue', checkpoint() {} })
      expect(await next.done).toEqual({ kind: 'completed', final: { loss: 4, seed: 2 } })
    } finally {
      await pool.close()
    }
  })

  it('aborts ctx.signal of trials that never report, whether the stop comes before their thread is up, before their task reached it, or while they run', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4))
    const pool = new LocalPool({ trainable: BEHAVIOURS.href, concurrency: 2, data: { counter } })
    const config = { behaviour: 'until-aborted' }
    const quiet = { report: () => 'continue' as const, checkpoint() {} }
    try {
      // A fresh pool: the stops are told before the threads have even started.
      const fresh = [0, 1].map((trialId) => pool.start({ trialId, config, seed: trialId }, quiet))
      for (const handle of fresh) handle.stop()
      expect(await Promise.all(fresh.map((handle) => handle.done))).toEqual([{ kind: 'stopped' }, { kind: 'stopped' }])
      // A warm pool: told before the trial has said anything, so the stop goes to every thread.
      const warm = pool.start({ trialId: 2, config, seed: 2 }, quiet)
      warm.stop('pause')
      expect(await warm.done).toEqual({ kind: 'paused' })
      // Told once the trainable runs (its start announced, so its thread is known).
      let running: () => void = () => {}
      const started = new Promise<void>((resolve) => {
        running = resolve
      })
      const late = pool.start({ trialId: 3, config, seed: 3 }, { ...quiet, started: () => running() })
      await started
      late.stop()
      expect(await late.done).toEqual({ kind: 'stopped' })
      // Each of the four saw its signal abort, rather than being ended some other way.
      expect(Atomics.load(counter, 0)).toBe(4)
    } finally {
      await pool.close()
    }
  })
})

describe('a trainable module that exits as one thread loads it', () => {
  const trainable = new URL('../fixtures/exit-on-first-import.ts', import.meta.url).href
  const listener = { report: (): Decision => 'continue', checkpoint() {} }

  it("fails the run on that thread as unloadable, and a trial's own exit after a clean load on another thread as errored, not unloadable", async () => {
    // Had the pool taken any exit after the first for the module's, the last trial would end the experiment with a ConfigError.
    const pool = new LocalPool({ trainable, concurrency: 2, data: { loads: new Int32Array(new SharedArrayBuffer(4)) } })
    try {
      const first = await Promise.all([0, 1].map((trialId) => pool.start({ trialId, config: {}, seed: 1 }, listener).done))
      expect(first.map((outcome) => outcome.kind).sort()).toEqual(['completed', 'unloadable'])
      expect(first.find((outcome) => outcome.kind === 'unloadable')).toMatchObject({
        error: { name: 'ConfigError', message: expect.stringMatching(/exit-on-first-import\.ts: the module .*code 3 while loading/) },
      })
      const exited = await pool.start({ trialId: 2, config: { exit: true }, seed: 1 }, listener).done
      expect(exited).toMatchObject({
        kind: 'errored',
        error: { name: 'WorkerError', message: "the trial's worker exited: worker exited with code: 4" },
      })
    } finally {
      await pool.close()
    }
  })
})
