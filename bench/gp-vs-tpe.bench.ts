/**
 * Where AutoSearch switches from GP to TPE: the best value of GPSearch and
 * TPESearch after 100, 200 and 300 trials (one 300-trial run per seed:
 * neither searcher looks at the budget, so its first 100 trials are a
 * 100-trial run), and GPSearch's mean time per suggestion in each stretch.
 *
 *   npx tsx bench/gp-vs-tpe.bench.ts           # 10 seeds
 *   npx tsx bench/gp-vs-tpe.bench.ts --quick   # 2 seeds, 60 trials (CI)
 */
import { GPSearch } from '../src/search/gp/gp.ts'
import type { Searcher } from '../src/search/searcher.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import { Study } from '../src/tuner/ask-tell.ts'
import { mixed6, rosenbrock10 } from './lib/gp-functions.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'
import { ackley5, hartmann6, type TestFunction } from './optuna/functions.ts'

const SEEDS = quick ? 2 : 10
const CHECKPOINTS = quick ? [30, 60] : [100, 200, 300]
const TRIALS = CHECKPOINTS.at(-1) as number

/** The best value at each checkpoint, and the mean ms per ask over each stretch between checkpoints. */
function run(fn: TestFunction, search: Searcher, seed: number): { best: number[]; ms: number[] } {
  const study = new Study({ space: fn.space, metric: 'value', search, seed, numSamples: TRIALS })
  const best: number[] = []
  const ms: number[] = []
  let current = Number.POSITIVE_INFINITY
  let spent = 0
  let from = 0
  for (let i = 1; i <= TRIALS; i++) {
    const started = performance.now()
    const trial = study.ask()
    spent += performance.now() - started
    if (trial === null) break
    const value = fn.f(trial.config)
    study.tell(trial.trialId, value)
    current = Math.min(current, value)
    if (CHECKPOINTS.includes(i)) {
      best.push(current)
      ms.push(spent / (i - from))
      spent = 0
      from = i
    }
  }
  return { best, ms }
}

const started = performance.now()
const rows: Array<Array<string | number>> = []
for (const fn of [hartmann6, ackley5, mixed6, rosenbrock10]) {
  const gp = Array.from({ length: SEEDS }, (_, seed) => run(fn, new GPSearch(), seed))
  const tpe = Array.from({ length: SEEDS }, (_, seed) => run(fn, new TPESearch(), seed))
  CHECKPOINTS.forEach((trials, c) => {
    const g = median(gp.map((r) => r.best[c] as number))
    const t = median(tpe.map((r) => r.best[c] as number))
    const wins = gp.filter((r, s) => (r.best[c] as number) < (tpe[s]?.best[c] as number)).length
    rows.push([
      fn.name,
      trials,
      fmt(g, 4),
      fmt(t, 4),
      g <= t ? 'GP' : 'TPE',
      `${wins} / ${SEEDS}`,
      fmt(median(gp.map((r) => r.ms[c] as number)), 3),
    ])
  })
}
writeResults('gp-vs-tpe', [
  {
    title: `GPSearch vs TPESearch by budget: median best value over ${SEEDS} seeds (lower is better)`,
    columns: [
      'function',
      'trials',
      'GPSearch',
      'TPESearch',
      'better median',
      'seeds where GP is better',
      'GP ms per suggestion (this stretch)',
    ],
    rows,
    note: `Defaults of both searchers, ask/tell in-process. Ran in ${fmt((performance.now() - started) / 1000)} s.${quick ? ' Quick mode.' : ''}`,
  },
])
