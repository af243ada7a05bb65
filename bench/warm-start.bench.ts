/**
 * Warm start: how many trials TPE needs to reach a given quality when it
 * learns first from an earlier 50-trial TPE run (`warmStart`), against a cold
 * start, on Branin and Hartmann6, over 20 seeds, in-process through the
 * ask/tell Study. Both columns count only the trials of the new run; the
 * earlier run's 50 trials are the price of the warm start, paid before.
 *
 *   npx tsx bench/warm-start.bench.ts           # 20 seeds, budget 200
 *   npx tsx bench/warm-start.bench.ts --quick   # 3 seeds, budget 60 (CI)
 */
import type { Searcher } from '../src/search/searcher.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import type { WarmStartTrial } from '../src/search/warm-start.ts'
import { Study } from '../src/tuner/ask-tell.ts'
import { fmt, median, quantile, quick, type Table, writeResults } from './lib/report.ts'
import { runStudy } from './lib/search-runs.ts'
import { branin, hartmann6, type TestFunction } from './optuna/functions.ts'

const SEEDS = quick ? 3 : 20
const BUDGET = quick ? 60 : 200
const EARLIER = 50

/** The quality to reach: close to each minimum, about where a cold TPE gets within 100 trials (bench/results/tpe-quality.md). */
const CASES: ReadonlyArray<readonly [TestFunction, number]> = [
  [branin, 0.41],
  [hartmann6, -3.0],
]

/** The finished trials of an earlier TPE run of `fn`: what `(await loadExperiment(dir)).results.trials` gives. */
function earlierRun(fn: TestFunction, seed: number): WarmStartTrial[] {
  const study = new Study({ space: fn.space, metric: 'value', mode: 'min', search: new TPESearch(), seed, numSamples: EARLIER })
  for (let trial = study.ask(); trial !== null; trial = study.ask()) study.tell(trial.trialId, fn.f(trial.config))
  return [...study.results.trials]
}

/** The 1-based trial at which the running best first reaches `threshold`, or Infinity within the budget. */
function trialsTo(fn: TestFunction, make: () => Searcher, seed: number, threshold: number): number {
  const at = runStudy(fn, make, seed, BUDGET).curve.findIndex((best) => best <= threshold)
  return at < 0 ? Number.POSITIVE_INFINITY : at + 1
}

/** A trial count as the table shows it: past the budget (never reached) as `>budget`. */
function cell(value: number): string {
  return value > BUDGET ? `>${BUDGET}` : fmt(value)
}

/** The median and quartiles of trial counts, never-reached seeds counted past the budget so they sort last. */
function spread(values: readonly number[]): [string, string] {
  const capped = values.map((v) => Math.min(v, BUDGET + 1))
  return [cell(median(capped)), `${cell(quantile(capped, 0.25))}–${cell(quantile(capped, 0.75))}`]
}

const started = performance.now()
const rows: Array<Array<string | number>> = []
const perSeed: Record<string, { warm: number[]; cold: number[] }> = {}
for (const [fn, threshold] of CASES) {
  const warm: number[] = []
  const cold: number[] = []
  for (let seed = 0; seed < SEEDS; seed++) {
    // The earlier run has its own seed, so the new run's draws are not a replay of it.
    const earlier = earlierRun(fn, 1000 + seed)
    warm.push(trialsTo(fn, () => new TPESearch({ warmStart: earlier }), seed, threshold))
    cold.push(trialsTo(fn, () => new TPESearch(), seed, threshold))
  }
  perSeed[fn.name] = { warm, cold }
  const reached = (values: number[]) => `${values.filter(Number.isFinite).length}/${SEEDS}`
  const wins = warm.filter((w, i) => w < (cold[i] as number)).length
  const ratio = median(cold.map((v) => Math.min(v, BUDGET + 1))) / median(warm.map((v) => Math.min(v, BUDGET + 1)))
  rows.push([fn.name, threshold, ...spread(warm), reached(warm), ...spread(cold), reached(cold), fmt(ratio, 2), `${wins}/${SEEDS}`])
}
const table: Table = {
  title: `Trials until the best value reaches the threshold (fewer is better), ${SEEDS} seeds, budget ${BUDGET}`,
  columns: [
    'function',
    'threshold',
    'warm median',
    'warm q25–q75',
    'warm reached',
    'cold median',
    'cold q25–q75',
    'cold reached',
    'cold / warm (medians)',
    'seeds where warm < cold',
  ],
  rows,
  note: `Warm: new TPESearch({ warmStart }) given the ${EARLIER} finished trials of an earlier TPE run (seed 1000 + s); cold: new TPESearch(); both seed s in 0..${SEEDS - 1}, TPE defaults (10 startup trials, 24 candidates). Only the new run's trials are counted; a seed that never reaches the threshold counts as past the budget (shown ">${BUDGET}"; a ratio with such a median is a lower bound). Minima: branin 0.397887, hartmann6 -3.32237. Ran in ${fmt((performance.now() - started) / 1000)} s.`,
}
writeResults('warm-start', [table], {
  perSeed: JSON.parse(JSON.stringify(perSeed, (_k, v) => (v === Number.POSITIVE_INFINITY ? null : v))),
})
