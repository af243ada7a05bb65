/**
 * Optuna beside hyperpool: runs bench/optuna/tpe_quality.py (Optuna's TPE)
 * and hyperpool's TPE on the same functions, seeds and budgets, and writes
 * one combined table to bench/results/tpe-optuna.md. Skips cleanly (exit 0)
 * when Python or Optuna is missing (`apt-get install python3-optuna`).
 *
 *   npx tsx bench/optuna/side-by-side.ts           # 20 seeds, 100 and 200 trials (Optuna takes minutes)
 *   npx tsx bench/optuna/side-by-side.ts --quick   # 3 seeds, 30 trials
 *   HYPERPOOL_PYTHON=/usr/bin/python3 npx tsx bench/optuna/side-by-side.ts
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { fmt, median, quantile, quick, writeResults } from '../lib/report.ts'
import { BUDGETS, runHyperpool, SEARCHERS, SEEDS } from '../tpe-quality.bench.ts'
import { FUNCTIONS } from './functions.ts'

const script = fileURLToPath(new URL('./tpe_quality.py', import.meta.url))
const candidates = [process.env.HYPERPOOL_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p))

let optuna: { version: string; best: Record<string, number[]>; seconds_per_suggestion: Record<string, number> } | undefined
const problems: string[] = []
for (const python of candidates) {
  const run = spawnSync(python, [script, '--seeds', String(SEEDS), '--budgets', BUDGETS.join(',')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  })
  if (run.status === 0) {
    optuna = JSON.parse(run.stdout)
    break
  }
  problems.push(`${python}: ${run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`}`)
}
if (optuna === undefined) {
  console.log(`skipped: Optuna is not available (${problems.join('; ')}). Install it with: apt-get install python3-optuna`)
  process.exit(0)
}

const ours = runHyperpool(SEEDS, BUDGETS)
const rows: Array<Array<string | number>> = []
for (const fn of FUNCTIONS) {
  for (const budget of BUDGETS) {
    for (const [name] of SEARCHERS) {
      const mine = ours.get(`${fn.name}|${name}|${budget}`) ?? []
      const theirs = optuna.best[`${fn.name}|${name}|${budget}`]
      const cell = (values: readonly number[] | undefined) =>
        values === undefined ? '–' : `${fmt(median(values), 4)} [${fmt(quantile(values, 0.25), 4)}, ${fmt(quantile(values, 0.75), 4)}]`
      const verdict = theirs === undefined ? '' : median(mine) <= median(theirs) ? 'hyperpool' : 'Optuna'
      rows.push([fn.name, budget, name, cell(mine), cell(theirs), verdict])
    }
  }
}
const speed = Object.entries(optuna.seconds_per_suggestion)
  .map(([key, seconds]) => `${key.replace('|', ' ')}: ${fmt(seconds * 1000, 3)} ms`)
  .join('; ')
writeResults('tpe-optuna', [
  {
    title: `hyperpool vs Optuna ${optuna.version} TPE: best value, median [q25, q75] over ${SEEDS} seeds`,
    columns: ['function', 'trials', 'searcher', 'hyperpool', `Optuna ${optuna.version}`, 'better median'],
    rows,
    note: `Same functions, budgets and seed numbers (the generators differ). Optuna's mean time per ask + suggest over these runs: ${speed}.${quick ? ' Quick mode.' : ''}`,
  },
])
