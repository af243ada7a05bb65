import { describe, expect, it } from 'vitest'
import { GridSearch, grid, Tuner } from '../../src/index.ts'
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
