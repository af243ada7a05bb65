import { describe, expect, it } from 'vitest'
import { GridSearch, grid, Tuner } from '../../src/index.ts'
import { LocalPool } from '../../src/workers/pool.ts'
import { BEHAVIOURS, memoryLogger } from '../helpers.ts'

describe('shared data on the worker pool', () => {
  it('lets a write in one worker be seen by another worker and by the driver', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(12))
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
})
