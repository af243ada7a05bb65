import { describe, expect, it } from 'vitest'
import { GridSearch, grid } from '../../src/index.ts'
import { IMPORT_MS } from '../fixtures/slow-import.ts'
import { fixtureTuner } from '../helpers.ts'

describe("a trial's clock on the worker pool", () => {
  it("leaves out its thread's start and the trainable's import, whether it reports or only returns its metrics", async () => {
    // Two threads, so trials 0 and 1 each wait for their thread's import: one only returns its metrics (its result
    // says when the trainable was called), the other reports (its report says it); later trials find the module loaded.
    const results = await fixtureTuner({
      trainable: new URL('../fixtures/slow-import.ts', import.meta.url),
      space: { finalOnly: grid([true, false, true, false]) },
      search: new GridSearch(),
      numSamples: 1,
      concurrency: 2,
    }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed', 'completed'])
    // Each trial does nothing but report: far less than the import, which the first one waited for.
    for (const trial of results.trials) expect(trial.lastResult?.time_total_s).toBeLessThan(IMPORT_MS / 1000 / 2)
  })
})
