/**
 * What `reproducible: true` costs and buys: TPE on Branin over the pool, trials
 * that block their thread for a set time (all alike, or spread from 0.5x to
 * 2x), each variant run several times, alternating. Reports wall time with
 * and without the option (median, and the ratio) and how many distinct
 * sequences of trials the repeats produced (1 = the same trials every time).
 */
import { TPESearch, Tuner } from '../src/index.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'
import { sibling } from './lib/sibling.ts'
import { branin } from './optuna/functions.ts'

const TRIALS = quick ? 12 : 60
const REPEATS = quick ? 2 : 7
const CONCURRENCY = 2
const MS = 20

async function run(reproducible: boolean, spread: boolean): Promise<{ seconds: number; trials: string; best: number }> {
  const started = performance.now()
  const results = await new Tuner({
    trainable: sibling('lib/sleep-trainable', import.meta.url),
    space: { ...branin.space, ms: MS, spread },
    metric: 'loss',
    search: new TPESearch(),
    numSamples: TRIALS,
    concurrency: CONCURRENCY,
    reproducible,
    trackers: [],
    logLevel: 'warn',
    seed: 5,
  }).fit()
  const seconds = (performance.now() - started) / 1000
  if (results.trials.some((t) => t.state !== 'completed')) throw new Error('a trial did not complete')
  return {
    seconds,
    trials: JSON.stringify(results.trials.map((t) => t.config)),
    best: results.best().lastResult?.loss as number,
  }
}

const rows: Array<Array<string | number>> = []
for (const spread of [false, true]) {
  const off: Array<Awaited<ReturnType<typeof run>>> = []
  const on: typeof off = []
  for (let r = 0; r < REPEATS; r++) {
    off.push(await run(false, spread))
    on.push(await run(true, spread))
  }
  const durations = spread ? `${MS / 2}-${MS * 2} ms` : `${MS} ms`
  for (const [label, runs] of [
    ['off', off],
    ['on', on],
  ] as const) {
    const seconds = median(runs.map((r) => r.seconds))
    rows.push([
      durations,
      label,
      fmt(seconds, 3),
      fmt(seconds / median(off.map((r) => r.seconds)), 3),
      `${new Set(runs.map((r) => r.trials)).size} of ${REPEATS}`,
      fmt(median(runs.map((r) => r.best)), 4),
    ])
  }
}

writeResults('reproducible', [
  {
    title: `reproducible: TPE on Branin, ${TRIALS} trials, ${CONCURRENCY} threads, ${REPEATS} runs each`,
    columns: ['trial durations', 'reproducible', 'wall s (median)', 'time vs off', 'distinct trial sequences', 'best (median)'],
    rows,
    note: `Same seed in every run. With the option off, TPE learns from results in the order threads finish, so runs can differ; on, trial k waits for trials 0..k-${CONCURRENCY} to end and the runs repeat exactly. The time it costs is threads waiting behind a long trial, hence the spread durations.`,
  },
])
