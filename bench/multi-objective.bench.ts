/**
 * Multi-objective search beside Optuna 5: the hypervolume of the trials' values after 100 and 200 trials on ZDT1,
 * ZDT2 and DTLZ2 (bench/lib/multi-objective-problems.ts), median over seeds, hyperpool's TPESearch (multi-objective
 * TPE: split by non-domination rank, ties by hypervolume) and RandomSearch against Optuna 5's TPESampler (the sampler
 * create_study picks by default, multi-objective too), TPESampler(multivariate=True) and NSGAIISampler. Both sides
 * use the same reference point per problem. Writes bench/results/multi-objective.md and .json.
 *
 *   npx tsx bench/multi-objective.bench.ts                 # seeds 0-19, 200 trials
 *   npx tsx bench/multi-objective.bench.ts --seeds 0-4     # fewer seeds
 *   npx tsx bench/multi-objective.bench.ts --cached-optuna # never start Optuna; runs not cached show as –
 *   npx tsx bench/multi-objective.bench.ts --quick         # seeds 0-1, 30 trials
 *
 * Optuna's runs are cached in bench/results/optuna-multi-objective-runs.json by
 * bench/optuna/multi_objective_runs.py, which computes each hypervolume with Optuna's own function.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { hypervolume, RandomSearch, type Searcher, Study, TPESearch } from '../src/index.ts'
import { PROBLEMS, type Problem, problemSpace, vectorOf } from './lib/multi-objective-problems.ts'
import { fmt, median, quantile, quick, type Table, writeResults } from './lib/report.ts'
import { findPython } from './optuna/python.ts'

const RUNNER = 'bench/optuna/multi_objective_runs.py'
// Quick runs (CI) keep their own cache, so they never add 30-trial runs to the published one.
const CACHE = quick ? 'bench/results/optuna-multi-objective-runs.quick.json' : 'bench/results/optuna-multi-objective-runs.json'
const SAMPLERS: ReadonlyArray<readonly [string, string]> = [
  ['tpe', 'Optuna TPE (default)'],
  ['tpe-mv', 'Optuna TPE multivariate'],
  ['nsga2', 'Optuna NSGA-II'],
]
const CONTENDERS: ReadonlyArray<readonly [string, () => Searcher]> = [
  ['hyperpool TPE', () => new TPESearch()],
  ['hyperpool random', () => new RandomSearch()],
]

function flagValue(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}

const seedsText = flagValue('--seeds') ?? (quick ? '0-1' : '0-19')
const seeds = seedsText.split(',').flatMap((part) => {
  const [lo = 0, hi = lo] = part.split('-').map(Number)
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
})
const trials = quick ? 30 : 200
const checkpoints = quick ? [30] : [100, 200]

/** The hypervolume after each checkpoint of one seeded study, one trial asked and told at a time. */
function runHyperpool(problem: Problem, make: () => Searcher, seed: number): { hv: Record<number, number>; msPerAsk: number } {
  const study = new Study({
    space: problemSpace(problem),
    metric: problem.reference.map((_, i) => `f${i + 1}`),
    mode: 'min',
    search: make(),
    seed,
    numSamples: trials,
  })
  const points: number[][] = []
  const hv: Record<number, number> = {}
  let askMs = 0
  for (let t = 1; t <= trials; t++) {
    const started = performance.now()
    const trial = study.ask()
    askMs += performance.now() - started
    if (trial === null) break
    const values = problem.evaluate(vectorOf(problem, trial.config))
    study.tell(trial.trialId, values)
    points.push(values)
    if (checkpoints.includes(t)) hv[t] = hypervolume(points, problem.reference)
  }
  return { hv, msPerAsk: askMs / trials }
}

/** Adds `value` to the list at `key`. */
function push(lists: Record<number, number[]>, key: number, value: number): void {
  const list = lists[key] ?? []
  list.push(value)
  lists[key] = list
}

interface OptunaEntry {
  readonly hypervolume: Readonly<Record<string, number>>
  readonly cpu_seconds_per_ask: number
}
interface OptunaCache {
  readonly environment?: Readonly<Record<string, unknown>>
  readonly runs: Readonly<Record<string, OptunaEntry>>
}

const probe = findPython([RUNNER, '--info'])
let version: string | undefined
let environment: Readonly<Record<string, unknown>> | undefined
if ('python' in probe) {
  const info = JSON.parse(probe.stdout) as { optuna: string }
  version = info.optuna
  environment = info
  if (!process.argv.includes('--cached-optuna')) {
    const args = [RUNNER, '--cache', CACHE, '--seeds', seedsText, '--trials', String(trials), '--checkpoints', checkpoints.join(',')]
    spawnSync(probe.python, args, { stdio: 'inherit' })
  }
} else console.log(`Optuna cannot run here (${probe.problems.join('; ')}): the cached runs only.`)
const cache: OptunaCache = existsSync(CACHE) ? (JSON.parse(readFileSync(CACHE, 'utf8')) as OptunaCache) : { runs: {} }
version ??= Object.keys(cache.runs)[0]?.split('|')[0]
environment ??= cache.environment

const columns = [...CONTENDERS.map(([name]) => name), ...SAMPLERS.map(([, name]) => name)]
const rows: (string | number)[][] = []
const timeRows: (string | number)[][] = []
const raw: Record<string, Record<string, Record<number, number[]>>> = {}
let wins = 0
let cells = 0
for (const problem of PROBLEMS) {
  const byColumn: Record<string, Record<number, number[]>> = {}
  const ms: Record<string, number[]> = {}
  for (const [name, make] of CONTENDERS) {
    byColumn[name] = {}
    ms[name] = []
    for (const seed of seeds) {
      const run = runHyperpool(problem, make, seed)
      for (const c of checkpoints) push(byColumn[name] as Record<number, number[]>, c, run.hv[c] as number)
      ;(ms[name] as number[]).push(run.msPerAsk)
    }
  }
  for (const [sampler, name] of SAMPLERS) {
    byColumn[name] = {}
    ms[name] = []
    for (const seed of seeds) {
      const entry = cache.runs[`${version}|${problem.name}|${sampler}|${seed}|${trials}`]
      if (entry === undefined) continue
      for (const c of checkpoints) push(byColumn[name] as Record<number, number[]>, c, entry.hypervolume[String(c)] as number)
      ;(ms[name] as number[]).push(entry.cpu_seconds_per_ask * 1000)
    }
  }
  raw[problem.name] = byColumn
  for (const c of checkpoints) {
    const cellsOf = columns.map((name) => {
      const values = byColumn[name]?.[c] ?? []
      return values.length === seeds.length ? median(values) : undefined
    })
    const best = Math.max(...cellsOf.map((v) => v ?? Number.NEGATIVE_INFINITY))
    rows.push([
      problem.name,
      c,
      ...columns.map((name, j) => {
        const values = byColumn[name]?.[c] ?? []
        const m = cellsOf[j]
        if (m === undefined) return values.length === 0 ? '–' : `– (${values.length} of ${seeds.length} seeds)`
        const text = `${fmt(m, 4)} [${fmt(quantile(values, 0.25), 4)}, ${fmt(quantile(values, 0.75), 4)}]`
        return m === best ? `**${text}**` : text
      }),
    ])
    const ours = cellsOf[0]
    const theirs = cellsOf.slice(CONTENDERS.length).filter((v): v is number => v !== undefined)
    if (ours !== undefined && theirs.length === SAMPLERS.length) {
      cells++
      if (ours >= Math.max(...theirs)) wins++
    }
  }
  timeRows.push([problem.name, ...columns.map((name) => (ms[name]?.length ? fmt(median(ms[name] as number[]), 3) : '–'))])
}

const env = environment
  ? `Optuna ${String(environment.optuna)} on Python ${String(environment.python)} (numpy ${String(environment.numpy)}), CPU ${String(environment.cpu)}`
  : 'Optuna: not available'
const tables: Table[] = [
  {
    title: `Hypervolume (higher is better): median [q25, q75] over seeds ${seedsText}`,
    columns: ['problem', 'trials', ...columns],
    rows,
    note:
      `Reference points: ${PROBLEMS.map((p) => `${p.name} (${p.reference.join(', ')})`).join(', ')}; every objective minimised; ZDT1 and ZDT2 with 30 variables, DTLZ2 with 12 and 3 objectives. ` +
      `${env}. Samplers: TPESampler(seed) (what create_study uses when given no sampler), TPESampler(seed, multivariate=True), NSGAIISampler(seed) (population 50); hyperpool: TPESearch() and RandomSearch() defaults. ` +
      "One study per seed, one trial asked and told at a time; the hypervolume after 100 trials is that of the first 100 trials of the 200-trial run. Optuna's hypervolumes are computed by Optuna's own compute_hypervolume, hyperpool's by hyperpool's (checked against Optuna's in tests/objectives/hypervolume.test.ts). " +
      `hyperpool TPE matches or beats the best Optuna sampler's median in ${wins} of ${cells} cells. Bold: the best median of the row.`,
  },
  {
    title: "Time per suggestion, ms: median over seeds of each run's mean over 200 asks",
    columns: ['problem', ...columns],
    rows: timeRows,
    note: 'hyperpool: wall ms per ask (performance.now); Optuna: CPU ms per ask (process_time). Not a like-for-like timing: a shared, loaded machine.',
  },
]
writeResults('multi-objective', tables, { seeds, trials, checkpoints, hypervolumes: raw })
