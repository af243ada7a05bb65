/**
 * GP speed beside Optuna 5's GPSampler, in one run: after n random trials
 * of Rosenbrock in 10 parameters, the time of the next suggestions of
 * GPSearch (in this process) and of GPSampler (bench/optuna/gp_reference.py
 * timing, spawned), repeated alternately. The first suggestion of each
 * repeat is left out (a cold kernel fit, and Python's torch import). Skips
 * cleanly (exit 0) when Python or Optuna is missing.
 *
 *   npm run bench -- gp-speed                 # n = 100 and 1,000
 *   npm run bench -- gp-speed --quick         # n = 30 (CI)
 *   HYPERPOOL_PYTHON=/usr/bin/python3 npm run bench -- gp-speed   # another Python (default: bench/optuna/python.ts)
 */
import { join } from 'node:path'
import { GPSearch } from '../src/search/gp/gp.ts'
import { Study } from '../src/tuner/ask-tell.ts'
import { rosenbrock10 } from './lib/gp-functions.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'
import { findPython } from './optuna/python.ts'

// From the repository root, as every benchmark runs (`npm run bench` runs compiled copies elsewhere).
const script = join(process.cwd(), 'bench', 'optuna', 'gp_reference.py')
const SIZES: ReadonlyArray<{ n: number; asks: number; repeats: number }> = quick
  ? [{ n: 30, asks: 3, repeats: 1 }]
  : [
      { n: 100, asks: 6, repeats: 3 },
      { n: 1000, asks: 3, repeats: 2 },
    ]

interface Timing {
  wall: number[]
  cpu: number[]
}

/** GPSearch: n random trials told, then `asks` suggestions timed (each told before the next). */
function ours(n: number, asks: number): Timing {
  const fn = rosenbrock10
  const study = new Study({ space: fn.space, metric: 'value', search: new GPSearch({ nStartupTrials: n }), seed: 1, numSamples: n + asks })
  for (let i = 0; i < n; i++) {
    const trial = study.ask()
    if (trial === null) throw new Error('exhausted')
    study.tell(trial.trialId, fn.f(trial.config))
  }
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < asks; i++) {
    const cpuStart = process.cpuUsage().user
    const start = performance.now()
    const trial = study.ask()
    wall.push((performance.now() - start) / 1000)
    cpu.push((process.cpuUsage().user - cpuStart) / 1e6)
    if (trial === null) throw new Error('exhausted')
    study.tell(trial.trialId, fn.f(trial.config))
  }
  return { wall: wall.slice(1), cpu: cpu.slice(1) }
}

/** Optuna's GPSampler in a child process, or undefined (with the reason printed) when it cannot run. */
function theirs(n: number, asks: number): (Timing & { version: string; greenlet: boolean }) | undefined {
  const probe = findPython([script, 'timing', '--trials', String(n), '--params', '10', '--asks', String(asks)])
  if ('problems' in probe) {
    console.log(probe.problems.join('; '))
    return undefined
  }
  const out = JSON.parse(probe.stdout) as { version: string; greenlet: boolean; seconds: number[]; cpu_seconds: number[] }
  return { version: out.version, greenlet: out.greenlet, wall: out.seconds.slice(1), cpu: out.cpu_seconds.slice(1) }
}

const rows: Array<Array<string | number>> = []
let about = ''
for (const { n, asks, repeats } of SIZES) {
  const mine: Timing = { wall: [], cpu: [] }
  const optuna: Timing = { wall: [], cpu: [] }
  for (let r = 0; r < repeats; r++) {
    const a = ours(n, asks)
    mine.wall.push(...a.wall)
    mine.cpu.push(...a.cpu)
    const b = theirs(n, asks)
    if (b === undefined) {
      console.log('skipped: Optuna is not available (set HYPERPOOL_PYTHON to a Python with optuna, scipy and torch)')
      process.exit(0)
    }
    optuna.wall.push(...b.wall)
    optuna.cpu.push(...b.cpu)
    about = `Optuna ${b.version}${b.greenlet ? ' with greenlet' : ' without greenlet (sequential L-BFGS-B)'}, torch on one thread`
  }
  rows.push([
    n,
    fmt(median(mine.wall) * 1000, 3),
    fmt(median(optuna.wall) * 1000, 3),
    `${fmt(median(optuna.wall) / median(mine.wall), 3)}×`,
    fmt(median(mine.cpu) * 1000, 3),
    fmt(median(optuna.cpu) * 1000, 3),
    `${fmt(median(optuna.cpu) / median(mine.cpu), 3)}×`,
  ])
}
writeResults('gp-speed', [
  {
    title: 'Time per suggestion after n random trials, 10 parameters (Rosenbrock-10): hyperpool GPSearch vs Optuna GPSampler',
    columns: [
      'n trials',
      'hyperpool wall ms',
      'Optuna wall ms',
      'Optuna / hyperpool (wall)',
      'hyperpool CPU ms',
      'Optuna CPU ms',
      'Optuna / hyperpool (CPU)',
    ],
    rows,
    note: `Medians over ${SIZES.map((s) => `${s.repeats} alternating repeats of ${s.asks - 1} suggestions at n = ${s.n}`).join(', ')}; each suggestion is told before the next, so both samplers warm-start their kernel fit. ${about}. CPU time is the process's user time (steadier than wall-clock time on a shared machine).${quick ? ' Quick mode.' : ''}`,
  },
])
