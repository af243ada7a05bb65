import { describe, expect, it } from 'vitest'
import { GridSearch, grid } from '../../src/index.ts'
import { IMPORT_MS } from '../fixtures/slow-import.ts'
import { fixtureTuner } from '../helpers.ts'

describe("a trial's clock on the worker pool", () => {
  it("leaves out its thread's start and the trainable's import, whether it reports or only returns its metrics", async () => {
    // One thread, so the first trial waits the whole import; the second finds the module loaded.
    const results = await fixtureTuner({
      trainable: new URL('../fixtures/slow-import.ts', import.meta.url),
      space: { finalOnly: grid([false, true, false, true]) },
      search: new GridSearch(),
      numSamples: 1,
      concurrency: 1,
    }).fit()
    expect(results.trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed', 'completed'])
    // Each trial does nothing but report: far less than the import, which the first one waited for.
    for (const trial of results.trials) expect(trial.lastResult?.time_total_s).toBeLessThan(IMPORT_MS / 1000 / 2)
  })
})
