/**
 * The side-by-side benchmark reads the best after 100 trials off a 200-trial
 * run only for searchers whose first trials do not depend on the budget;
 * `ignoresBudget` must tell the two kinds apart.
 */
import { describe, expect, it } from 'vitest'
import { ignoresBudget, runStudy } from '../../bench/lib/search-runs.ts'
import { branin } from '../../bench/optuna/functions.ts'
import type { Searcher, SearcherSetup } from '../../src/search/searcher.ts'
import { TPESearch } from '../../src/search/tpe/tpe.ts'
import type { Config, Result, TrialState } from '../../src/types.ts'

/** TPE that plans by its budget, as an AutoSearch choosing by numSamples would: random for the first tenth. */
class BudgetedTPE implements Searcher {
  #inner: TPESearch | undefined
  setup(options: SearcherSetup): void {
    this.#inner = new TPESearch({ nStartupTrials: Math.ceil(options.numSamples / 10) })
    this.#inner.setup(options)
  }
  suggest(trialId: number): Config | null {
    return (this.#inner as TPESearch).suggest(trialId)
  }
  onTrialResult(trialId: number, result: Result): void {
    this.#inner?.onTrialResult(trialId, result)
  }
  onTrialComplete(trialId: number, result: Result | undefined, state: TrialState): void {
    this.#inner?.onTrialComplete(trialId, result, state)
  }
}

describe('bench search runs', () => {
  it('a study traces the running best, every config and the time of every ask', () => {
    const trace = runStudy(branin, () => new TPESearch(), 3, 30)
    expect(trace.curve).toHaveLength(30)
    expect(trace.configs).toHaveLength(30)
    expect(trace.askMs).toHaveLength(30)
    expect(trace.askCpuMs).toHaveLength(30)
    for (let i = 1; i < 30; i++) expect(trace.curve[i]).toBeLessThanOrEqual(trace.curve[i - 1] as number)
  })

  it('tells a searcher that ignores its budget from one that plans by it', () => {
    const long = (make: () => Searcher) => runStudy(branin, make, 0, 40)
    expect(
      ignoresBudget(
        branin,
        () => new TPESearch(),
        0,
        20,
        long(() => new TPESearch()),
      ),
    ).toBe(true)
    expect(
      ignoresBudget(
        branin,
        () => new BudgetedTPE(),
        0,
        20,
        long(() => new BudgetedTPE()),
      ),
    ).toBe(false)
  })
})
