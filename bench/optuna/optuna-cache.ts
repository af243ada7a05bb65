/**
 * The Optuna side of the side-by-side benchmark: bench/optuna/optuna_runs.py
 * runs Optuna's samplers and caches every run in bench/results/optuna-runs.json,
 * keyed "<optuna version>|<function>|<sampler>|<seed>|<trials>"; this file
 * starts it for the runs missing and reads the cache. Optuna's GPSampler
 * takes hours for the full table, so the cache is committed and the
 * hyperpool side reruns alone in seconds.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findPython } from './python.ts'

/** Paths from the repository root, where the benchmarks run. */
export const OPTUNA_RUNNER = join('bench', 'optuna', 'optuna_runs.py')
export const OPTUNA_CACHE = join('bench', 'results', 'optuna-runs.json')

/** One seed of one sampler on one function, as optuna_runs.py writes it. */
export interface OptunaRun {
  /** Best value after each checkpoint ("100", "200"). */
  readonly best: Readonly<Record<string, number>>
  /** Mean wall seconds per `study.ask` over windows of trials ("1-200", "91-100", ...). */
  readonly seconds_per_ask: Readonly<Record<string, number>>
  /** The same in CPU seconds (absent from runs cached before it was recorded). */
  readonly cpu_seconds_per_ask?: Readonly<Record<string, number>>
  readonly when: string
}

export interface OptunaCache {
  /** The machine and versions of the latest runs written. */
  readonly environment?: Readonly<Record<string, unknown>>
  readonly runs: Readonly<Record<string, OptunaRun>>
  /** How each sampler was built, by name ("tpe", "gp"). */
  readonly samplers?: Readonly<Record<string, string>>
  /** `optuna_runs.py --check-prefix` answers: "<version>|<function>|<sampler>|<seed>|<short> of <long>" -> same first trials. */
  readonly prefix_checks?: Readonly<Record<string, boolean>>
}

/** What to run and read: the same grid for every sampler. */
export interface OptunaGrid {
  readonly functions: readonly string[]
  readonly samplers: readonly string[]
  readonly seeds: readonly number[]
  readonly trials: number
  readonly checkpoints: readonly number[]
}

/** How Optuna was found: its version and environment, or why not. */
export type OptunaProbe =
  | { readonly python: string; readonly info: Readonly<Record<string, unknown>> & { readonly optuna: string } }
  | { readonly problems: readonly string[] }

/**
 * Finds a Python with Optuna (see python.ts) and asks it for its versions.
 *
 * @example
 * ```ts
 * const probe = probeOptuna()
 * if ('info' in probe) console.log(probe.info.optuna) // '5.0.0'
 * ```
 */
export function probeOptuna(): OptunaProbe {
  const found = findPython([OPTUNA_RUNNER, '--info'])
  if ('problems' in found) return found
  return { python: found.python, info: JSON.parse(found.stdout) }
}

/**
 * Runs the grid's runs missing from the cache (all of them with `refresh`),
 * printing Optuna's progress; throws if the runner fails.
 *
 * @example
 * ```ts
 * runMissing(python, { functions: ['branin'], samplers: ['tpe'], seeds: [0, 1], trials: 200, checkpoints: [100, 200] }, false)
 * ```
 */
export function runMissing(python: string, grid: OptunaGrid, refresh: boolean): void {
  const args = [
    OPTUNA_RUNNER,
    '--cache',
    OPTUNA_CACHE,
    '--functions',
    grid.functions.join(','),
    '--samplers',
    grid.samplers.join(','),
    '--seeds',
    grid.seeds.join(','),
    '--trials',
    String(grid.trials),
    '--checkpoints',
    grid.checkpoints.join(','),
    ...(refresh ? ['--refresh'] : []),
  ]
  const run = spawnSync(python, args, { stdio: ['ignore', 'inherit', 'inherit'] })
  if (run.status !== 0) throw new Error(`${python} ${args.join(' ')} failed: ${run.error?.message ?? `exit ${run.status}`}`)
}

/** The cache as on disk, or an empty one. */
export function readCache(): OptunaCache {
  return existsSync(OPTUNA_CACHE) ? (JSON.parse(readFileSync(OPTUNA_CACHE, 'utf8')) as OptunaCache) : { runs: {} }
}

/**
 * The newest Optuna version with any run of `trials` trials in the cache, for
 * a table built without Python.
 *
 * @example
 * ```ts
 * newestCachedVersion(readCache(), 200) // '5.0.0'
 * ```
 */
export function newestCachedVersion(cache: OptunaCache, trials: number): string | undefined {
  const versions = new Set(
    Object.keys(cache.runs)
      .map((key) => key.split('|'))
      .filter((parts) => parts[4] === String(trials))
      .map((parts) => parts[0] as string),
  )
  const numeric = (v: string) => v.split('.').map((part) => Number.parseInt(part, 10) || 0)
  return [...versions].sort((a, b) => {
    const [x, y] = [numeric(a), numeric(b)]
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
    return 0
  })[versions.size - 1]
}

/**
 * The cached runs of one sampler on one function, one per seed in `seeds`
 * order, or undefined if any seed is missing.
 *
 * @example
 * ```ts
 * const runs = cachedRuns(readCache(), '5.0.0', 'branin', 'gp', [0, 1, 2], 200)
 * runs?.map((run) => run.best['100'])
 * ```
 */
export function cachedRuns(
  cache: OptunaCache,
  version: string,
  fn: string,
  sampler: string,
  seeds: readonly number[],
  trials: number,
): OptunaRun[] | undefined {
  const runs = seeds.map((seed) => cache.runs[`${version}|${fn}|${sampler}|${seed}|${trials}`])
  return runs.every((run) => run !== undefined) ? (runs as OptunaRun[]) : undefined
}
