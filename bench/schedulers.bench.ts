/**
 * The budget saved: how many iterations each scheduler spends, and how good
 * the best config it finds is, on three workloads of 64 trials × up to 100
 * iterations (quick: 16 × 20), run by the real Tuner on the pool:
 *
 * - ray-example: the curve family of Ray Tune's scheduler examples, with
 *   seeded noise (lib/ray-example.ts), the easy case;
 * - curves: a public, seeded family of synthetic learning curves with noise
 *   and crossings (lib/curves.ts);
 * - iris-fnn: an ml-fnn network on iris, one epoch per iteration, validation
 *   cross-entropy on a fixed held-out third (lib/fnn.ts).
 *
 * FIFO, ASHA (maxT 100, grace 1, rf 4: the defaults), HyperBand (maxT 100,
 * eta 3), the median stopping rule (defaults) and PBT (interval 10,
 * mutating lr and one more key) on the same seeds. Iterations and metrics
 * depend on the seed and, with 2 threads, on the order in which results
 * arrive; timings are not reported.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ASHAScheduler,
  FIFOScheduler,
  HyperBandScheduler,
  MedianStoppingRule,
  type Mutations,
  PopulationBasedTraining,
  type Scheduler,
  type Space,
  Tuner,
} from '../src/index.ts'
import { curveSpace } from './lib/curves.ts'
import { fnnSpace, irisSplit } from './lib/fnn.ts'
import { rayExampleSpace } from './lib/ray-example.ts'
import { fmt, median, quick, type Table, writeResults } from './lib/report.ts'
import { sibling } from './lib/sibling.ts'

const TRIALS = quick ? 16 : 64
const ITERATIONS = quick ? 20 : 100
const SEEDS = quick ? [1] : [1, 2, 3, 4, 5]
const CONCURRENCY = 2

interface Workload {
  readonly name: string
  readonly trainable: URL
  readonly space: Space
  readonly data: unknown
  /** PBT's mutations: the learning rate and one more key of the space. */
  readonly mutations: Mutations
}

const workloads: Workload[] = [
  {
    name: 'ray-example',
    trainable: sibling('lib/ray-example-trainable', import.meta.url),
    space: rayExampleSpace,
    data: { iterations: ITERATIONS },
    mutations: { width: rayExampleSpace.width, height: rayExampleSpace.height },
  },
  {
    name: 'curves',
    trainable: sibling('lib/curves-trainable', import.meta.url),
    space: curveSpace,
    data: { iterations: ITERATIONS },
    mutations: { lr: curveSpace.lr, dropout: curveSpace.dropout },
  },
  {
    name: 'iris-fnn',
    trainable: sibling('lib/fnn-trainable', import.meta.url),
    space: fnnSpace,
    data: irisSplit(ITERATIONS),
    mutations: { lr: fnnSpace.lr, l2: fnnSpace.l2 },
  },
]

const schedulers: Record<string, (w: Workload) => Scheduler> = {
  FIFO: () => new FIFOScheduler(),
  ASHA: () => new ASHAScheduler({ maxT: ITERATIONS }),
  // Not a goal row: how a longer first look trades budget for quality when good configs start slowly.
  'ASHA, gracePeriod 10': () => new ASHAScheduler({ maxT: ITERATIONS, gracePeriod: 10 }),
  HyperBand: () => new HyperBandScheduler({ maxT: ITERATIONS }),
  'median stopping': () => new MedianStoppingRule(),
  PBT: (w) => new PopulationBasedTraining({ perturbationInterval: 10, hyperparamMutations: w.mutations }),
}

interface Run {
  readonly iterations: number
  readonly best: number
}

async function run(workload: Workload, scheduler: Scheduler, seed: number, storageDir: string): Promise<Run> {
  const tuner = new Tuner({
    trainable: workload.trainable,
    space: workload.space,
    metric: 'loss',
    mode: 'min',
    scheduler,
    numSamples: TRIALS,
    concurrency: CONCURRENCY,
    data: workload.data,
    trackers: [],
    logLevel: 'warn',
    storageDir,
    seed,
  })
  const results = await tuner.fit()
  if (results.errors.length > 0) throw new Error(`${workload.name}: ${results.errors[0]?.error?.message}`)
  const iterations = results.trials.reduce((sum, t) => sum + t.history.length, 0)
  const best = results.best('loss', 'min', 'last').lastResult?.loss
  if (typeof best !== 'number') throw new Error(`${workload.name}: no final loss`)
  return { iterations, best }
}

const storageDir = mkdtempSync(join(tmpdir(), 'hyperpool-bench-schedulers-'))
const tables: Table[] = []
const raw: Record<string, Record<string, Run[]>> = {}
try {
  for (const workload of workloads) {
    const runs: Record<string, Run[]> = {}
    for (const [name, make] of Object.entries(schedulers)) {
      runs[name] = []
      for (const seed of SEEDS) {
        const r = await run(workload, make(workload), seed, storageDir)
        runs[name].push(r)
        console.error(`${workload.name} ${name} seed ${seed}: ${r.iterations} iterations, best ${fmt(r.best, 4)}`)
      }
    }
    raw[workload.name] = runs
    const fifo = runs.FIFO ?? []
    const fifoIterations = median(fifo.map((r) => r.iterations))
    tables.push({
      title: `${workload.name}: ${TRIALS} trials × up to ${ITERATIONS} iterations, ${SEEDS.length} seed${SEEDS.length > 1 ? 's' : ''}`,
      columns: [
        'scheduler',
        'iterations (median)',
        '% of FIFO',
        'best final loss (median)',
        'gap to FIFO (median)',
        'worst gap',
        'seeds within 2%',
      ],
      rows: Object.entries(runs).map(([name, rs]) => {
        const iterations = median(rs.map((r) => r.iterations))
        const best = median(rs.map((r) => r.best))
        // Per seed, against FIFO on the same seed (same configs drawn).
        const gaps = rs.map((r, i) => gap(r.best, fifo[i]?.best ?? Number.NaN))
        const within = gaps.filter((g) => g <= 0.02).length
        return [
          name,
          iterations,
          `${fmt((100 * iterations) / fifoIterations)}%`,
          fmt(best, 4),
          pct(median(gaps)),
          pct(Math.max(...gaps)),
          `${within} of ${gaps.length}`,
        ]
      }),
      note:
        'Iterations: reports summed over all trials. Best final loss: the lowest last result of any trial (`results.best("loss", "min", "last")`). ' +
        'Gap: (best − FIFO best) / FIFO best on the same seed (the same configs are drawn), positive when worse; median and worst over the seeds, ' +
        'and on how many seeds it is at most +2%. ' +
        'PBT swaps configs mid-training, so its best is not one of the sampled configs; it does not aim to save iterations.',
    })
  }
} finally {
  rmSync(storageDir, { recursive: true, force: true })
}
writeResults('schedulers', tables, { seeds: SEEDS, trials: TRIALS, iterations: ITERATIONS, concurrency: CONCURRENCY, raw })

function gap(best: number, reference: number): number {
  return (best - reference) / reference
}

function pct(value: number): string {
  return `${value >= 0 ? '+' : ''}${fmt(100 * value, 3)}%`
}
