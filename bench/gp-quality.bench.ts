/**
 * GP quality on functions beyond the Optuna side-by-side's five (those are in
 * bench/optuna/side-by-side.ts): the best value after 100 trials (median and
 * quartiles over seeds) of GPSearch, AutoSearch and hyperpool's TPE, run
 * in-process through the ask/tell Study, beside Optuna 5's GPSampler and
 * TPESampler read from the cache bench/results/gp-optuna-reference.jsonl
 * (Optuna takes hours: bench/optuna/gp_reference.py appends to it, one JSON
 * line per run). AutoSearch runs whichever searcher it picks with that
 * searcher's defaults, so its column is the picked searcher's runs.
 *
 *   npx tsx bench/gp-quality.bench.ts              # seeds 0-19, mixed6, rosenbrock10, styblinski5, mixedswitch, intnet
 *   npx tsx bench/gp-quality.bench.ts --held-out   # seeds 20-39, and three functions no choice was made on
 *   npx tsx bench/gp-quality.bench.ts --quick      # 2 seeds, 30 trials (CI)
 *
 * Refill the cache (from the repository root), for example:
 *   python bench/optuna/gp_reference.py quality --functions mixed6 --samplers gp,tpe --seeds 0:40 \
 *     >> bench/results/gp-optuna-reference.jsonl
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AutoSearch } from '../src/search/auto.ts'
import { GPSearch } from '../src/search/gp/gp.ts'
import type { Searcher } from '../src/search/searcher.ts'
import { TPESearch } from '../src/search/tpe/tpe.ts'
import { Study } from '../src/tuner/ask-tell.ts'
import { GP_EXTRA_FUNCTIONS, HELD_OUT_FUNCTIONS } from './lib/gp-functions.ts'
import { fmt, median, quantile, quick, writeResults } from './lib/report.ts'
import type { TestFunction } from './optuna/functions.ts'

const heldOut = process.argv.includes('--held-out')
const BUDGET = quick ? 30 : 100
const [FIRST_SEED, LAST_SEED] = quick ? [0, 2] : heldOut ? [20, 40] : [0, 20]
const functions: readonly TestFunction[] = heldOut ? [...GP_EXTRA_FUNCTIONS, ...HELD_OUT_FUNCTIONS] : GP_EXTRA_FUNCTIONS

const SEARCHERS: ReadonlyArray<readonly [string, (budget: number) => Searcher]> = [
  ['GPSearch', () => new GPSearch()],
  ['TPESearch', () => new TPESearch()],
]

/** One run: the best value after each trial, and the mean milliseconds per ask. */
function run(fn: TestFunction, make: (budget: number) => Searcher, seed: number): { curve: number[]; msPerAsk: number } {
  const study = new Study({ space: fn.space, metric: 'value', mode: 'min', search: make(BUDGET), seed, numSamples: BUDGET })
  const curve: number[] = []
  let best = Number.POSITIVE_INFINITY
  let spent = 0
  for (let i = 0; i < BUDGET; i++) {
    const started = performance.now()
    const trial = study.ask()
    spent += performance.now() - started
    if (trial === null) break
    const value = fn.f(trial.config)
    study.tell(trial.trialId, value)
    best = Math.min(best, value)
    curve.push(best)
  }
  return { curve, msPerAsk: spent / BUDGET }
}

/** One cached run: the best after each trial. */
interface OptunaRun {
  version: string
  function: string
  sampler: string
  seed: number
  curve: number[]
  seconds_per_suggestion: number
}

/** The cached Optuna runs: the last line wins for a (function, sampler, seed). */
function optunaRuns(): { version: string; best: Map<string, Map<number, number>>; seconds: Map<string, number[]> } {
  const file = join(process.cwd(), 'bench', 'results', 'gp-optuna-reference.jsonl')
  const best = new Map<string, Map<number, number>>()
  const seconds = new Map<string, number[]>()
  let version = '?'
  if (!existsSync(file)) return { version, best, seconds }
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const r = JSON.parse(line) as OptunaRun
    version = r.version
    const key = `${r.function}|${r.sampler}`
    const value = r.curve[BUDGET - 1]
    if (value === undefined) continue
    if (!best.has(key)) best.set(key, new Map())
    best.get(key)?.set(r.seed, value)
    seconds.set(key, [...(seconds.get(key) ?? []), r.seconds_per_suggestion])
  }
  return { version, best, seconds }
}

const cell = (values: readonly number[]): string =>
  values.length === 0 ? '–' : `${fmt(median(values), 4)} [${fmt(quantile(values, 0.25), 4)}, ${fmt(quantile(values, 0.75), 4)}]`

const started = performance.now()
const seeds = Array.from({ length: LAST_SEED - FIRST_SEED }, (_, i) => FIRST_SEED + i)
/** Per function and searcher: the best value of each seed's run, and its mean milliseconds per ask. */
const ours = functions.map((fn) => {
  const best = new Map<string, number[]>()
  const ms = new Map<string, number[]>()
  for (const [name, make] of SEARCHERS) {
    for (const seed of seeds) {
      const { curve, msPerAsk } = run(fn, make, seed)
      best.set(name, [...(best.get(name) ?? []), curve[BUDGET - 1] as number])
      ms.set(name, [...(ms.get(name) ?? []), msPerAsk])
    }
  }
  return { best, ms }
})
// Read once, after all of hyperpool's runs, so Optuna runs appended to the cache meanwhile count.
const optuna = optunaRuns()
const rows: Array<Array<string | number>> = []
const speedRows: Array<Array<string | number>> = []
functions.forEach((fn, f) => {
  const { best, ms } = ours[f] as (typeof ours)[number]
  const theirs = (sampler: string): number[] => {
    const bySeed = optuna.best.get(`${fn.name}|${sampler}`)
    return seeds.flatMap((seed) => (bySeed?.has(seed) ? [bySeed.get(seed) as number] : []))
  }
  const optunaGP = theirs('gp')
  const gp = best.get('GPSearch') ?? []
  const verdict = optunaGP.length === 0 ? '–' : median(gp) <= median(optunaGP) ? 'hyperpool' : 'Optuna'
  const pick = (() => {
    const search = new AutoSearch()
    search.setup({ space: fn.space, metric: 'value', mode: 'min', seed: 0, numSamples: BUDGET })
    return search.choice ?? '?'
  })()
  rows.push([
    fn.name,
    cell(gp),
    `${cell(optunaGP)}${optunaGP.length > 0 && optunaGP.length < seeds.length ? ` (${optunaGP.length} seeds)` : ''}`,
    verdict,
    cell(best.get('TPESearch') ?? []),
    cell(theirs('tpe')),
    `${cell(best.get(pick === 'gp' ? 'GPSearch' : 'TPESearch') ?? [])} (${pick})`,
  ])
  const optunaSeconds = optuna.seconds.get(`${fn.name}|gp`)
  speedRows.push([
    fn.name,
    fmt(median(ms.get('GPSearch') ?? []), 3),
    optunaSeconds === undefined ? '–' : fmt(median(optunaSeconds) * 1000, 3),
    fmt(median(ms.get('TPESearch') ?? []), 3),
  ])
})
writeResults(heldOut ? 'gp-quality-held-out' : 'gp-quality', [
  {
    title: `Best value after ${BUDGET} trials (lower is better): median [q25, q75] over seeds ${FIRST_SEED}-${LAST_SEED - 1}`,
    columns: [
      'function',
      'hyperpool GPSearch',
      `Optuna ${optuna.version} GPSampler`,
      'better GP median',
      'hyperpool TPESearch',
      `Optuna ${optuna.version} TPESampler (multivariate)`,
      'hyperpool AutoSearch (its pick)',
    ],
    rows,
    note: `Minima: ${functions.map((fn) => `${fn.name} ${fn.minimum}`).join(', ')}. Same functions and seed numbers (the generators differ); Optuna from bench/results/gp-optuna-reference.jsonl (defaults; GPSampler with greenlet, torch on one thread). Ran in ${fmt((performance.now() - started) / 1000)} s.${quick ? ' Quick mode.' : ''}`,
  },
  {
    title: `Mean time per suggestion over a ${BUDGET}-trial run (ms), median over seeds`,
    columns: ['function', 'hyperpool GPSearch', `Optuna ${optuna.version} GPSampler (cached runs)`, 'hyperpool TPESearch'],
    rows: speedRows,
    note: "Optuna's times come from its cached runs, on the same machine kind but not in this run, under whatever load the machine had then: bench/gp-speed.bench.ts measures the two side by side.",
  },
])
