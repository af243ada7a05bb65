/**
 * TPE quality: the best value found on Branin, Hartmann6 and Ackley (5-d)
 * after 100 and 200 trials, over 20 seeds, for random search and TPE
 * (univariate and multivariate), run in-process through the ask/tell Study.
 *
 *   npx tsx bench/tpe-quality.bench.ts           # 20 seeds, budgets 100 and 200
 *   npx tsx bench/tpe-quality.bench.ts --quick   # 3 seeds, budget 30 (CI)
 *
 * The Optuna column is Optuna 3.1.0's TPE median measured on this machine at
 * 100 trials; bench/optuna/side-by-side.ts reruns Optuna beside hyperpool.
 */
import { RandomSearch } from '../src/search/random.ts'
import type { Searcher } from '../src/search/searcher.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import { Study } from '../src/tuner/ask-tell.ts'
import { fmt, median, quantile, quick, type Table, writeResults } from './lib/report.ts'
import { FUNCTIONS, type TestFunction } from './optuna/functions.ts'

export const SEEDS = quick ? 3 : 20
export const BUDGETS: readonly number[] = quick ? [30] : [100, 200]

export const SEARCHERS: ReadonlyArray<readonly [string, () => Searcher]> = [
  ['random', () => new RandomSearch()],
  ['tpe (univariate)', () => new TPESearch({ multivariate: false })],
  ['tpe (multivariate)', () => new TPESearch({ multivariate: true })],
]

/** Optuna 3.1.0 TPE medians at 100 trials, 20 seeds, measured on this machine by bench/optuna/side-by-side.ts. */
const OPTUNA_100: Record<string, Record<string, number>> = {
  branin: { 'tpe (univariate)': 0.41, 'tpe (multivariate)': 0.4704 },
  hartmann6: { 'tpe (univariate)': -3.068, 'tpe (multivariate)': -3.134 },
  ackley5: { 'tpe (univariate)': 7.93, 'tpe (multivariate)': 8.857 },
}

/** The running best value after each trial of one study. */
export function bestCurve(fn: TestFunction, make: () => Searcher, seed: number, budget: number): number[] {
  const study = new Study({ space: fn.space, metric: 'value', mode: 'min', search: make(), seed, numSamples: budget })
  const curve: number[] = []
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < budget; i++) {
    const trial = study.ask()
    if (trial === null) break
    const value = fn.f(trial.config)
    study.tell(trial.trialId, value)
    best = Math.min(best, value)
    curve.push(best)
  }
  return curve
}

/** best[fn][searcher][budget] = the best values of every seed. */
export function runHyperpool(seeds: number, budgets: readonly number[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  const maxBudget = Math.max(...budgets)
  for (const fn of FUNCTIONS) {
    for (const [name, make] of SEARCHERS) {
      for (let seed = 0; seed < seeds; seed++) {
        const curve = bestCurve(fn, make, seed, maxBudget)
        for (const budget of budgets) {
          const key = `${fn.name}|${name}|${budget}`
          out.set(key, [...(out.get(key) ?? []), curve[budget - 1] as number])
        }
      }
    }
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now()
  const best = runHyperpool(SEEDS, BUDGETS)
  const rows: Array<Array<string | number>> = []
  for (const fn of FUNCTIONS) {
    for (const budget of BUDGETS) {
      for (const [name] of SEARCHERS) {
        const values = best.get(`${fn.name}|${name}|${budget}`) ?? []
        const reference = budget === 100 ? OPTUNA_100[fn.name]?.[name] : undefined
        rows.push([
          fn.name,
          budget,
          name,
          fmt(median(values), 4),
          fmt(quantile(values, 0.25), 4),
          fmt(quantile(values, 0.75), 4),
          reference ?? '–',
        ])
      }
    }
  }
  const table: Table = {
    title: `Best value found (lower is better), ${SEEDS} seeds`,
    columns: ['function', 'trials', 'searcher', 'median', 'q25', 'q75', 'Optuna 3.1 TPE median (100 trials)'],
    rows,
    note: `Minima: branin 0.397887, hartmann6 -3.32237, ackley5 0. Seeds 0..${SEEDS - 1}; TPE defaults (10 startup trials, 24 candidates). Ran in ${fmt((performance.now() - started) / 1000)} s.`,
  }
  writeResults('tpe-quality', [table])
}
