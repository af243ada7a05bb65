/**
 * TPE quality: the best value found on the functions of bench/optuna/functions.ts
 * after 100 and 200 trials, over 20 seeds, for random search and TPE
 * (univariate and multivariate), run in-process through the ask/tell Study.
 * bench/optuna/side-by-side.ts sets hyperpool beside Optuna's samplers.
 *
 *   npx tsx bench/tpe-quality.bench.ts           # 20 seeds, budgets 100 and 200
 *   npx tsx bench/tpe-quality.bench.ts --quick   # 3 seeds, budget 30 (CI)
 */
import { RandomSearch } from '../src/search/random.ts'
import type { Searcher } from '../src/search/searcher.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import { fmt, median, quantile, quick, type Table, writeResults } from './lib/report.ts'
import { runStudy } from './lib/search-runs.ts'
import { FUNCTIONS } from './optuna/functions.ts'

const SEEDS = quick ? 3 : 20
const BUDGETS: readonly number[] = quick ? [30] : [100, 200]

const SEARCHERS: ReadonlyArray<readonly [string, () => Searcher]> = [
  ['random', () => new RandomSearch()],
  ['tpe (univariate)', () => new TPESearch({ multivariate: false })],
  ['tpe (multivariate)', () => new TPESearch({ multivariate: true })],
]

const started = performance.now()
const rows: Array<Array<string | number>> = []
for (const fn of FUNCTIONS) {
  // One run of the largest budget per seed: the searchers are sequential and ignore the budget, so its prefix is the smaller run.
  const curves = SEARCHERS.map(([, make]) =>
    Array.from({ length: SEEDS }, (_, seed) => runStudy(fn, make, seed, Math.max(...BUDGETS)).curve),
  )
  for (const budget of BUDGETS) {
    SEARCHERS.forEach(([name], i) => {
      const values = (curves[i] as number[][]).map((curve) => curve[budget - 1] as number)
      rows.push([fn.name, budget, name, fmt(median(values), 4), fmt(quantile(values, 0.25), 4), fmt(quantile(values, 0.75), 4)])
    })
  }
}
const table: Table = {
  title: `Best value found (lower is better), ${SEEDS} seeds`,
  columns: ['function', 'trials', 'searcher', 'median', 'q25', 'q75'],
  rows,
  note: `Minima: ${FUNCTIONS.map((fn) => `${fn.name} ${fn.minimum}`).join(', ')}. Seeds 0..${SEEDS - 1}; TPE defaults (10 startup trials, 24 candidates). Optuna beside it: bench/results/optuna-side-by-side.md. Ran in ${fmt((performance.now() - started) / 1000)} s.`,
}
writeResults('tpe-quality', [table])
