/**
 * hyperpool's searchers beside Optuna's TPESampler and GPSampler on the same
 * functions, seeds and budgets: the best value after 100 and 200 trials
 * (medians over seeds) and the time per suggestion. Writes
 * bench/results/optuna-side-by-side.md and .json.
 *
 *   npx tsx bench/optuna/side-by-side.ts                   # seeds 0-19, 200 trials, checkpoints 100 and 200
 *   npx tsx bench/optuna/side-by-side.ts --seeds 20-39     # held-out seeds, written as optuna-side-by-side.seeds-20-39.*
 *   npx tsx bench/optuna/side-by-side.ts --refresh-optuna  # rerun Optuna's cached runs too (GPSampler: hours)
 *   npx tsx bench/optuna/side-by-side.ts --cached-optuna   # never start Optuna; runs not cached show as –
 *   npx tsx bench/optuna/side-by-side.ts --quick           # seeds 0-2, 30 trials
 *   HYPERPOOL_PYTHON=/usr/bin/python3 npx tsx bench/optuna/side-by-side.ts
 *
 * Optuna runs are cached in bench/results/optuna-runs.json (optuna-cache.ts);
 * without a Python that has Optuna, the table uses the cache alone, and is
 * skipped if the cache has nothing either. hyperpool's contenders are listed
 * in contenders.ts. Each trial is one ask and one tell: sequential, so the
 * best after 100 trials of a 200-trial run is the best of a 100-trial run
 * whenever the searcher does not plan by its budget (checked per contender
 * below, and for Optuna by `optuna_runs.py --check-prefix`).
 */
import { fmt, median, quantile, quick, type Table, writeResults } from '../lib/report.ts'
import { ignoresBudget, runStudy, type StudyTrace } from '../lib/search-runs.ts'
import { CONTENDERS } from './contenders.ts'
import { FUNCTIONS } from './functions.ts'
import { cachedRuns, newestCachedVersion, type OptunaGrid, type OptunaRun, probeOptuna, readCache, runMissing } from './optuna-cache.ts'

const SAMPLERS: ReadonlyArray<readonly [string, string]> = [
  ['tpe', 'Optuna TPE'],
  ['gp', 'Optuna GP'],
]

function flagValue(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}

/** "0-19" or "0,3,5-7" to seed numbers. */
function parseSeeds(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [lo, hi] = part.split('-').map((v) => Number.parseInt(v, 10))
    if (lo === undefined || !Number.isSafeInteger(lo) || lo < 0 || (hi !== undefined && !(Number.isSafeInteger(hi) && hi >= lo))) {
      throw new Error(`--seeds: expected seeds like 0-19 or 0,3,5-7, got ${text}`)
    }
    return Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i)
  })
}

const seedsText = flagValue('--seeds') ?? (quick ? '0-2' : '0-19')
const seeds = parseSeeds(seedsText)
const grid: OptunaGrid = {
  functions: FUNCTIONS.map((fn) => fn.name),
  samplers: SAMPLERS.map(([sampler]) => sampler),
  seeds,
  trials: quick ? 30 : 200,
  checkpoints: quick ? [30] : [100, 200],
}

const probe = probeOptuna()
if ('info' in probe) {
  if (!process.argv.includes('--cached-optuna')) runMissing(probe.python, grid, process.argv.includes('--refresh-optuna'))
} else console.log(`Optuna cannot run here (${probe.problems.join('; ')}): using the cached runs only.`)
const cache = readCache()
const version = 'info' in probe ? probe.info.optuna : newestCachedVersion(cache, grid.trials)
// The machine and versions the cached runs were made with, when they are of this Optuna version.
const environment = cache.environment?.optuna === version ? cache.environment : 'info' in probe ? probe.info : undefined
if (version === undefined) {
  console.log(
    `skipped: no Python with Optuna (${'problems' in probe ? probe.problems.join('; ') : ''}) and no cached runs in bench/results/optuna-runs.json. Set HYPERPOOL_PYTHON to a Python with optuna (and torch, scipy for GPSampler).`,
  )
  process.exit(0)
}

const started = performance.now()
/**
 * By "<column>|<function>": the best per seed at each checkpoint, and the mean ms per suggestion over each
 * window of trials (median over seeds), in CPU time where every run has it, else wall time (`wall: true`).
 */
const values = new Map<string, Record<number, number[]>>()
const askMs = new Map<string, { readonly ms: Record<string, number>; readonly wall: boolean }>()
const cell = (column: string, fn: string) => `${column}|${fn}`
const missing: string[] = []
const budgetAware: string[] = []
const windows = (checkpoint: number) => `${Math.max(1, checkpoint - 9)}-${checkpoint}`
const timingWindows = [`1-${grid.trials}`, ...grid.checkpoints.map(windows)]

for (const fn of FUNCTIONS) {
  for (const contender of CONTENDERS) {
    const traces: StudyTrace[] = seeds.map((seed) => runStudy(fn, contender.make, seed, grid.trials))
    const first = traces[0] as StudyTrace
    const ignores = grid.checkpoints.every((c) => c === grid.trials || ignoresBudget(fn, contender.make, seeds[0] as number, c, first))
    if (!ignores) budgetAware.push(`${contender.name} on ${fn.name}`)
    const byCheckpoint: Record<number, number[]> = {}
    for (const c of grid.checkpoints) {
      byCheckpoint[c] = seeds.map((seed, i) =>
        ignores || c === grid.trials
          ? ((traces[i] as StudyTrace).curve[c - 1] as number)
          : (runStudy(fn, contender.make, seed, c).curve.at(-1) as number),
      )
    }
    values.set(cell(contender.name, fn.name), byCheckpoint)
    const ms = timingWindows.map((w) => {
      const [lo, hi] = w.split('-').map(Number) as [number, number]
      return [w, median(traces.map((t) => t.askCpuMs.slice(lo - 1, hi).reduce((a, b) => a + b, 0) / (hi - lo + 1)))]
    })
    askMs.set(cell(contender.name, fn.name), { ms: Object.fromEntries(ms), wall: false })
  }
  for (const [sampler, column] of SAMPLERS) {
    const runs = cachedRuns(cache, version, fn.name, sampler, seeds, grid.trials)
    if (runs === undefined) {
      missing.push(`${column} on ${fn.name}`)
      continue
    }
    values.set(
      cell(column, fn.name),
      Object.fromEntries(grid.checkpoints.map((c) => [c, runs.map((run: OptunaRun) => run.best[String(c)] as number)])),
    )
    const wall = runs.some((run) => run.cpu_seconds_per_ask === undefined)
    const seconds = (run: OptunaRun, w: string) => ((wall ? run.seconds_per_ask : run.cpu_seconds_per_ask)?.[w] as number) * 1000
    askMs.set(cell(column, fn.name), {
      ms: Object.fromEntries(timingWindows.map((w) => [w, median(runs.map((run) => seconds(run, w)))])),
      wall,
    })
  }
}

const hyperpoolColumns = CONTENDERS.map((c) => c.name)
const optunaColumns = SAMPLERS.map(([, column]) => column)
const columns = [...hyperpoolColumns, ...optunaColumns]
const quality: Array<Array<string | number>> = []
for (const fn of FUNCTIONS) {
  for (const c of grid.checkpoints) {
    const cells = columns.map((column) => values.get(cell(column, fn.name))?.[c])
    const medians = cells.map((v) => (v === undefined ? Number.POSITIVE_INFINITY : median(v)))
    const best = Math.min(...medians)
    quality.push([
      fn.name,
      c,
      ...cells.map((v, i) => {
        if (v === undefined) return '–'
        const text = `${fmt(medians[i] as number, 4)} [${fmt(quantile(v, 0.25), 4)}, ${fmt(quantile(v, 0.75), 4)}]`
        return medians[i] === best ? `**${text}**` : text
      }),
    ])
  }
}

const speed: Array<Array<string | number>> = []
for (const fn of FUNCTIONS) {
  for (const w of timingWindows) {
    speed.push([
      fn.name,
      w,
      ...columns.map((column) => {
        const timing = askMs.get(cell(column, fn.name))
        return timing === undefined ? '–' : `${fmt(timing.ms[w] as number, 3)}${timing.wall ? ' †' : ''}`
      }),
    ])
  }
}

/** In how many cells the best median among columns `a` is at most the best among `b` (cells where both have values). */
const tally = (aName: string, a: readonly string[], bName: string, b: readonly string[]) => {
  let wins = 0
  let cells = 0
  for (const fn of FUNCTIONS) {
    for (const c of grid.checkpoints) {
      const best = (group: readonly string[]) => {
        const medians = group.flatMap((column) => {
          const v = values.get(cell(column, fn.name))?.[c]
          return v === undefined ? [] : [median(v)]
        })
        return medians.length === group.length ? Math.min(...medians) : undefined
      }
      const [x, y] = [best(a), best(b)]
      if (x === undefined || y === undefined) continue
      cells++
      if (x <= y) wins++
    }
  }
  return `${aName} matches or beats ${bName} in ${wins} of ${cells} cells`
}
const tallies = [
  tally('hyperpool TPE', ['hyperpool TPE'], 'Optuna TPE', ['Optuna TPE']),
  tally('hyperpool TPE', ['hyperpool TPE'], 'Optuna GP', ['Optuna GP']),
  tally("hyperpool's best searcher", hyperpoolColumns, "Optuna's best sampler", optunaColumns),
].join('; ')

const prefixChecks = Object.entries(cache.prefix_checks ?? {}).filter(([key]) => key.startsWith(`${version}|`))
const optunaPrefix =
  prefixChecks.length === 0
    ? 'Optuna: not checked yet (run optuna_runs.py --check-prefix)'
    : `Optuna: ${prefixChecks.filter(([, same]) => same).length} of ${prefixChecks.length} checks the same (${prefixChecks.map(([key]) => key.split('|').slice(1).join(' ')).join('; ')})`
const env = environment ?? {}
const versions = `Optuna ${version} on Python ${env.python ?? '?'} (numpy ${env.numpy ?? '?'}, scipy ${env.scipy ?? '?'}, torch ${env.torch ?? '?'}, greenlet ${env.greenlet ?? 'absent'}, OMP_NUM_THREADS=${env.omp_num_threads ?? 'unset'}); CPU ${env.cpu ?? '?'}, ${env.cores ?? '?'} cores`
const seedRange = `seeds ${seedsText}`
const tables: Table[] = [
  {
    title: `Best value found (lower is better): median [q25, q75] over ${seedRange}`,
    columns: ['function', 'trials', ...columns],
    rows: quality,
    note: [
      `Minima: ${FUNCTIONS.map((fn) => `${fn.name} ${fn.minimum}`).join(', ')}. Bold: the best median of the row.`,
      `Optuna: ${versions}. Samplers: TPESampler(seed, multivariate=True), every other setting Optuna's default (n_startup_trials 10, n_ei_candidates 24, gamma min(ceil(0.1 n), 25), prior_weight 1, magic clip, no endpoints, constant_liar); GPSampler(seed), defaults. One study per seed, trials asked and told one at a time; the best after ${grid.checkpoints.join(' and ')} trials come from the same ${grid.trials}-trial run (both sides are sequential; checked that a shorter run proposes the same first trials: ${optunaPrefix}; hyperpool: seed ${seeds[0]} of every function and contender).`,
      `hyperpool: defaults unless the name says otherwise; the same seed numbers (the generators differ). ${tallies}.`,
      budgetAware.length > 0 ? `Run once per budget (their first trials change with numSamples): ${budgetAware.join(', ')}.` : '',
      missing.length > 0 ? `Not in the cache for every seed (shown as –): ${missing.join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  },
  {
    title: `Time per suggestion, CPU ms: median over ${seedRange} of each run's mean over the trials given`,
    columns: ['function', 'trials', ...columns],
    rows: speed,
    note: `CPU time (user + system) rather than wall time: the machine is shared, and CPU time leaves out the time other processes hold the cores (it still moves with cache and memory contention: compare orders of magnitude, not digits). hyperpool: one Study.ask in this process (Node, one thread). Optuna: one study.ask (the sampler samples every parameter there) in its own process, read from the cache, so not the same run (the cache notes when each run was made); torch on one thread. † wall time: runs cached before CPU time was recorded. Trials 1-10 are random for Optuna's samplers and hyperpool's TPE (n_startup_trials 10); hyperpool's GP starts with a Latin hypercube of 15 trials on the numeric functions at these budgets and of 10 on mlp-mixed (nStartupTrials 'auto'). The hyperpool side ran in ${fmt((performance.now() - started) / 1000)} s.`,
  },
]
const name = seedsText === '0-19' || quick ? 'optuna-side-by-side' : `optuna-side-by-side.seeds-${seedsText.replaceAll(',', '_')}`
writeResults(name, tables, {
  optunaVersion: version,
  environment: env,
  seeds,
  trials: grid.trials,
  values: Object.fromEntries(values),
  askMs: Object.fromEntries(askMs),
})
