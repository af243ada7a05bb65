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
      { n: 100, asks: 11, repeats: 3 },
      { n: 1000, asks: 3, repeats: 2 },
    ]

interface Timing {
  wall: number[]
  cpu: number[]
}

/** GPSearch: n random trials told, then `asks` suggestions timed (each told before the next). */
function ours(n: number, asks: number, refitAfter?: number): Timing {
  const fn = rosenbrock10
  const search = new GPSearch({ nStartupTrials: n, ...(refitAfter === undefined ? {} : { refitAfter }) })
  const study = new Study({ space: fn.space, metric: 'value', search, seed: 1, numSamples: n + asks })
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

/** A repeat's mean: with refits every few suggestions, the mean over a window is the cost a run pays. */
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

const rows: Array<Array<string | number>> = []
let about = ''
for (const { n, asks, repeats } of SIZES) {
  // Per repeat: [wall, cpu] means of hyperpool's default, hyperpool refitting at every suggestion, and Optuna.
  const means = { mine: [] as Timing[], everyFit: [] as Timing[], optuna: [] as Timing[] }
  for (let r = 0; r < repeats; r++) {
    const a = ours(n, asks)
    const e = ours(n, asks, 0)
    const b = theirs(n, asks)
    if (b === undefined) {
      console.log('skipped: Optuna is not available (set HYPERPOOL_PYTHON to a Python with optuna, scipy and torch)')
      process.exit(0)
    }
    for (const [key, t] of [
      ['mine', a],
      ['everyFit', e],
      ['optuna', b],
    ] as const)
      means[key].push({ wall: [mean(t.wall)], cpu: [mean(t.cpu)] })
    about = `Optuna ${b.version}${b.greenlet ? ' with greenlet' : ' without greenlet (sequential L-BFGS-B)'}, torch on one thread`
  }
  const ms = (key: keyof typeof means, kind: keyof Timing) => median(means[key].flatMap((t) => t[kind])) * 1000
  const ratio = (key: 'mine' | 'everyFit', kind: keyof Timing) => `${fmt(ms('optuna', kind) / ms(key, kind), 3)}×`
  rows.push([
    n,
    fmt(ms('mine', 'cpu'), 3),
    fmt(ms('everyFit', 'cpu'), 3),
    fmt(ms('optuna', 'cpu'), 3),
    ratio('mine', 'cpu'),
    ratio('everyFit', 'cpu'),
    fmt(ms('mine', 'wall'), 3),
    fmt(ms('optuna', 'wall'), 3),
    ratio('mine', 'wall'),
  ])
}
writeResults('gp-speed', [
  {
    title: 'Time per suggestion after n random trials, 10 parameters (Rosenbrock-10): hyperpool GPSearch vs Optuna GPSampler',
    columns: [
      'n trials',
      'hyperpool CPU ms (default)',
      'hyperpool CPU ms (refitAfter: 0)',
      'Optuna CPU ms',
      'Optuna / hyperpool (CPU)',
      'Optuna / hyperpool refitAfter: 0 (CPU)',
      'hyperpool wall ms',
      'Optuna wall ms',
      'Optuna / hyperpool (wall)',
    ],
    rows,
    note: `Each repeat times ${SIZES.map((s) => `${s.asks - 1} consecutive suggestions at n = ${s.n}`).join(', ')} (the first, a cold fit, left out) and takes their mean: at n = 100 the default refits every 5th suggestion, so its refits are paid for in the mean; at n = 1,000 it refits every 50th, so the two timed suggestions show the cost between refits and the refitAfter: 0 column bounds it from above; medians over ${SIZES.map((s) => `${s.repeats} alternating repeats at n = ${s.n}`).join(', ')}. Each suggestion is told before the next, so both samplers warm-start their kernel fit. refitAfter: 0 refits at every suggestion, as Optuna does. ${about}. CPU time is the process's user time (steadier than wall-clock time on a shared machine).${quick ? ' Quick mode.' : ''}`,
  },
])
