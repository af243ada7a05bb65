/**
 * Per-trial overhead of hyperpool itself: no-op trials (one report each)
 * through the whole path — random search over 10 parameters, dispatch to
 * the pool, the report round trip, the FIFO scheduler, and the experiment's
 * journal (the default) or a JSONL tracker. The variants take turns, repeat
 * after repeat, so a busy moment of the machine hits them alike.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { choice, JsonlTracker, loguniform, randint, type Tracker, Tuner, uniform } from '../src/index.ts'
import { fmt, median, quick, writeResults } from './lib/report.ts'
import { makeDataset } from './lib/ridge.ts'
import { sibling } from './lib/sibling.ts'

const TRIALS = quick ? 500 : 20_000
const REPEATS = quick ? 1 : 9

const space = {
  work: 'noop',
  lr: loguniform(1e-5, 1e-1),
  l2: loguniform(1e-6, 1e-2),
  momentum: uniform(0, 0.99),
  dropout: uniform(0, 0.5),
  layers: randint(1, 8),
  units: choice([32, 64, 128, 256]),
  batch: choice([16, 32, 64]),
  act: choice(['relu', 'tanh', 'gelu']),
  warmup: randint(0, 10),
  seed: randint(0, 1000),
}

interface Variant {
  readonly label: string
  readonly trackers: (dir: string) => Tracker[]
  /** Whether the experiment keeps its journal (and checkpoints) in a folder; false: `storageDir: false`. */
  readonly journal: boolean
}

async function trialsPerSecond({ trackers, journal }: Variant): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hyperpool-overhead-'))
  try {
    const started = performance.now()
    const results = await new Tuner({
      trainable: sibling('lib/trainable', import.meta.url),
      space,
      metric: 'loss',
      numSamples: TRIALS,
      concurrency: 2,
      data: makeDataset(1, true),
      trackers: trackers(join(dir, 'tracker')),
      storageDir: journal ? dir : false,
      name: 'overhead',
      logLevel: 'warn',
      seed: 1,
    }).fit()
    const seconds = (performance.now() - started) / 1000
    if (results.trials.some((t) => t.state !== 'completed')) throw new Error('a no-op trial did not complete')
    return TRIALS / seconds
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const variants: Variant[] = [
  { label: 'random search + FIFO + journal (the default), no tracker', trackers: () => [], journal: true },
  { label: 'random search + FIFO + JSONL tracker, no journal', trackers: (dir) => [new JsonlTracker(dir)], journal: false },
  { label: 'random search + FIFO, no journal, no tracker', trackers: () => [], journal: false },
]
const rates = variants.map((): number[] => [])
for (let r = 0; r < REPEATS; r++) {
  for (const [i, variant] of variants.entries()) rates[i]?.push(await trialsPerSecond(variant))
}
const medians = rates.map((list) => median(list))
// The last variant (no journal, no tracker) is the baseline each path's time per trial is divided by.
const baseline = medians.at(-1) ?? Number.NaN
const rows = variants.map(({ label }, i) => {
  const rate = medians[i] ?? Number.NaN
  return [label, TRIALS, fmt(rate, 4), fmt(1e6 / rate, 3), `${fmt(baseline / rate, 3)}×`, rate >= 10_000 ? 'yes' : 'no']
})

writeResults('overhead', [
  {
    title: 'No-op trials per second, end to end (2 threads)',
    columns: ['path', 'trials', 'trials/s (median)', 'µs per trial', 'time per trial vs. no journal, no tracker', 'goal ≥ 10,000/s met'],
    rows,
    note: `Median of ${REPEATS} runs per path, the paths taking turns; each run includes starting and stopping the pool. The journal's cost per trial is the first row's µs minus the last's; the ratio column divides each row's time per trial by the last row's, measured in the same run. For scale: Ray Tune's bookkeeping test manages about 14 trials/s, Optuna's in-memory study about 800/s with 10 parameters.`,
  },
])
