import { describe, expect, it } from 'vitest'
import { defaultHeapMb, MAX_DEFAULT_HEAP_MB, MIN_DEFAULT_HEAP_MB } from '../../src/workers/heap.ts'
import { LocalPool } from '../../src/workers/pool.ts'
import type { TrialOutcome } from '../../src/workers/protocol.ts'
import { BEHAVIOURS, fixtureTuner } from '../helpers.ts'

const GiB = 2 ** 30

describe('the default heap cap per worker thread', () => {
  it('is half the memory shared among the threads, between the floor and the ceiling', () => {
    expect(defaultHeapMb(16, 16 * GiB)).toBe(512)
    expect(defaultHeapMb(4, 8 * GiB)).toBe(1024)
    expect(defaultHeapMb(2, 24 * GiB)).toBe(MAX_DEFAULT_HEAP_MB)
    expect(defaultHeapMb(64, 8 * GiB)).toBe(MIN_DEFAULT_HEAP_MB)
  })

  it('is what each thread of a pool without maxHeapMb runs under', async () => {
    const pool = new LocalPool({ trainable: BEHAVIOURS.href, concurrency: 2, data: undefined })
    const run = async () => {
      const outcome: TrialOutcome = await pool.start(
        { trialId: 0, config: { behaviour: 'heap-limit' }, seed: 1 },
        { report: () => 'continue', checkpoint() {} },
      ).done
      return outcome.kind === 'completed' ? (outcome.final?.heapMb as number) : Number.NaN
    }
    try {
      expect(pool.heapMb).toBe(defaultHeapMb(2))
      // V8's limit is the old generation's cap plus the young generation's room.
      const limit = await run()
      expect(limit).toBeGreaterThanOrEqual(pool.heapMb)
      expect(limit).toBeLessThan(pool.heapMb + 100)
    } finally {
      await pool.close()
    }
  })

  it("gives way to the user's maxHeapMb, and a trial above it errors naming the cap", async () => {
    const results = await fixtureTuner({ space: { behaviour: 'oom' }, numSamples: 1, concurrency: 1, maxHeapMb: 32 }).fit()
    expect(results.trials[0]?.state).toBe('errored')
    expect(results.trials[0]?.error?.message).toMatch(/^trial 0: WorkerError: the trial's worker ran out of its 32 MB heap \(maxHeapMb\): /)
  })
})
