/**
 * One searcher on one test function, the way the search quality benchmarks
 * run it: an ask/tell Study, one trial at a time, minimising. Shared by
 * bench/tpe-quality.bench.ts and bench/optuna/side-by-side.ts.
 */
import type { Searcher } from '../../src/search/searcher.ts'
import { Study } from '../../src/tuner/ask-tell.ts'
import type { TestFunction } from '../optuna/functions.ts'

/** A study's trace: the running best after each trial, each config, and the wall and CPU ms each `ask` took. */
export interface StudyTrace {
  readonly curve: number[]
  readonly configs: unknown[]
  readonly askMs: number[]
  /** CPU time (user + system) of each ask: unlike wall time, not inflated by other processes on a shared machine. */
  readonly askCpuMs: number[]
}

/**
 * Runs `trials` trials of `make()` on `fn` with `seed`. The searcher is told
 * the budget (`numSamples: trials`), as a user's would be.
 *
 * @example
 * ```ts
 * const { curve } = runStudy(branin, () => new TPESearch(), 0, 100)
 * curve[99] // the best value after 100 trials
 * ```
 */
export function runStudy(fn: TestFunction, make: () => Searcher, seed: number, trials: number): StudyTrace {
  const study = new Study({ space: fn.space, metric: 'value', mode: 'min', search: make(), seed, numSamples: trials })
  const curve: number[] = []
  const configs: unknown[] = []
  const askMs: number[] = []
  const askCpuMs: number[] = []
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < trials; i++) {
    const started = performance.now()
    const startedCpu = process.cpuUsage()
    const trial = study.ask()
    const cpu = process.cpuUsage(startedCpu)
    askMs.push(performance.now() - started)
    askCpuMs.push((cpu.user + cpu.system) / 1000)
    if (trial === null) throw new Error(`${fn.name}: the searcher ran out after ${i} of ${trials} trials`)
    const value = fn.f(trial.config)
    study.tell(trial.trialId, value)
    best = Math.min(best, value)
    curve.push(best)
    configs.push(trial.config)
  }
  return { curve, configs, askMs, askCpuMs }
}

/**
 * Whether the first `short` trials of a `long`-trial study are exactly a
 * `short`-trial study's (same seed): then the best after `short` trials of
 * the long run is the short run's best, and one run serves both budgets.
 * A searcher that plans by its budget (an AutoSearch choosing by numSamples)
 * fails this, and gets one run per budget.
 *
 * @example
 * ```ts
 * ignoresBudget(branin, () => new TPESearch(), 0, 100, longTrace) // true
 * ```
 */
export function ignoresBudget(fn: TestFunction, make: () => Searcher, seed: number, short: number, long: StudyTrace): boolean {
  const alone = runStudy(fn, make, seed, short)
  return JSON.stringify(alone.configs) === JSON.stringify(long.configs.slice(0, short))
}
