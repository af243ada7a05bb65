/**
 * What `reproducible: true` costs and buys: TPE on Branin over the pool, with
 * FIFO or ASHA, trials of a few reports that block their thread for a set
 * time (all alike, or spread from 0.5x to 2x), each variant run several
 * times, alternating. Reports wall time with and without the option (median,
 * and the ratio) and how many distinct sequences of trials the repeats
 * produced (1 = the same trials, stopped at the same points, every time).
 */
import { ASHAScheduler, TPESearch, Tuner } from '../src/index.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'
import { sibling } from './lib/sibling.ts'
import { branin } from './optuna/functions.ts'

const TRIALS = quick ? 12 : 60
const REPEATS = quick ? 2 : 7
const CONCURRENCY = 2
const MS = 20
const EPOCHS = 4

type Schedule = 'FIFO' | 'ASHA'

async function run(reproducible: boolean, spread: boolean, schedule: Schedule): Promise<{ seconds: number; trials: string; best: number }> {
  const started = performance.now()
  const results = await new Tuner({
    trainable: sibling('lib/sleep-trainable', import.meta.url),
    space: { ...branin.space, ms: MS, epochs: EPOCHS, spread },
    metric: 'loss',
    search: new TPESearch(),
    ...(schedule === 'ASHA' ? { scheduler: new ASHAScheduler({ maxT: EPOCHS, gracePeriod: 1, reductionFactor: 2 }) } : {}),
    numSamples: TRIALS,
    concurrency: CONCURRENCY,
    reproducible,
    trackers: [],
    storageDir: false,
    logLevel: 'warn',
    seed: 5,
  }).fit()
  const seconds = (performance.now() - started) / 1000
  if (results.errors.length > 0) throw new Error(`a trial errored: ${results.errors[0]?.error?.message}`)
  return {
    seconds,
    // The configs, and how far each trial got: ASHA's decisions are part of what repeats.
    trials: JSON.stringify(results.trials.map((t) => [t.config, t.state, t.history.length])),
    best: results.best().lastResult?.loss as number,
  }
}

const rows: Array<Array<string | number>> = []
for (const schedule of ['FIFO', 'ASHA'] as const) {
  for (const spread of [false, true]) {
    const off: Array<Awaited<ReturnType<typeof run>>> = []
    const on: typeof off = []
    for (let r = 0; r < REPEATS; r++) {
      off.push(await run(false, spread, schedule))
      on.push(await run(true, spread, schedule))
    }
    const durations = spread ? `${MS / 2}-${MS * 2} ms` : `${MS} ms`
    for (const [label, runs] of [
      ['off', off],
      ['on', on],
    ] as const) {
      const seconds = median(runs.map((r) => r.seconds))
      rows.push([
        schedule,
        durations,
        label,
        fmt(seconds, 3),
        fmt(seconds / median(off.map((r) => r.seconds)), 3),
        `${new Set(runs.map((r) => r.trials)).size} of ${REPEATS}`,
        fmt(median(runs.map((r) => r.best)), 4),
      ])
    }
  }
}

writeResults('reproducible', [
  {
    title: `reproducible: TPE on Branin, ${TRIALS} trials of ${EPOCHS} reports, ${CONCURRENCY} threads, ${REPEATS} runs each`,
    columns: [
      'scheduler',
      'trial durations',
      'reproducible',
      'wall s (median)',
      'time vs off',
      'distinct trial sequences',
      'best (median)',
    ],
    rows,
    note: `Same seed in every run; a trial sequence is every trial's config, state and report count. With the option off, TPE and ASHA learn from results in the order threads deliver them, so runs can differ; on, trial k waits for trials 0..k-${CONCURRENCY} to end, and a report waits until the trials before it have made theirs, so runs repeat exactly. The time it costs is threads waiting behind a slower trial, hence the spread durations. ASHA: maxT ${EPOCHS}, grace 1, reduction factor 2.`,
  },
])
